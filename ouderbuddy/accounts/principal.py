"""Who is asking: the reads every signed-in request makes before its view runs.

The user (by the id in the session, with whether they have a confirmed authenticator),
the authenticator that verified this session, and the user's active memberships with
their organisations. Each is one statement built once per process
(`lib/fixed_reads.py`) instead of a queryset compiled on every request; the instances
are the ones the ORM would give (`accounts/tests/test_principal.py` compares them).
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts.models import User
from ouderbuddy.lib import fixed_reads
from ouderbuddy.organisations.models import Membership, Organisation

# The attribute `user_by_id` sets: does the user have a confirmed authenticator?
HAS_DEVICE = "has_confirmed_device"


@functools.cache
def _user_sql() -> str:
    c = fixed_reads.column
    has_device = (
        f"EXISTS (SELECT 1 FROM {fixed_reads.table(TOTPDevice, 'd')}"  # noqa: S608 - names from model metadata
        f" WHERE {c(TOTPDevice, 'd', 'user')} = {c(User, 'u', 'id')}"
        f" AND {c(TOTPDevice, 'd', 'confirmed')} = %s)"
    )
    return (
        f"SELECT {fixed_reads.columns(User, 'u').sql}, {has_device}"  # noqa: S608 - names from model metadata
        f" FROM {fixed_reads.table(User, 'u')} WHERE {c(User, 'u', 'id')} = %s"
    )


@functools.cache
def _device_sql() -> str:
    return fixed_reads.select(TOTPDevice, "d", ("id", "="))


@functools.cache
def _memberships_sql() -> str:
    c = fixed_reads.column
    return (
        f"SELECT {fixed_reads.columns(Membership, 'm').sql},"  # noqa: S608 - names from model metadata
        f" {fixed_reads.columns(Organisation, 'o').sql}"
        f" FROM {fixed_reads.table(Membership, 'm')}"
        f" JOIN {fixed_reads.table(Organisation, 'o')}"
        f" ON {c(Organisation, 'o', 'id')} = {c(Membership, 'm', 'organisation')}"
        f" WHERE {c(Membership, 'm', 'user')} = %s"
        f" AND {c(Membership, 'm', 'is_active')} = %s"
        f" AND {c(Organisation, 'o', 'is_active')} = %s"
        f" ORDER BY {c(Membership, 'm', 'created_at')}, {c(Membership, 'm', 'id')}"
    )


def user_by_id(user_id: Any) -> User | None:
    """The user with this id (and `HAS_DEVICE` set), or None."""
    try:
        key = fixed_reads.param(User, "id", user_id)
    except ValidationError:  # a session with a malformed id: nobody
        return None
    rows = fixed_reads.fetch(_user_sql(), [True, key])
    if not rows:
        return None
    users = fixed_reads.columns(User, "u")
    user = users.build(rows[0], 0, "default")
    setattr(user, HAS_DEVICE, bool(rows[0][users.width]))
    return user  # type: ignore[no-any-return]


def totp_device(device_id: int) -> TOTPDevice | None:
    """The authenticator with this id, or None."""
    rows = fixed_reads.fetch(_device_sql(), [device_id])
    devices = fixed_reads.columns(TOTPDevice, "d")
    return devices.build(rows[0], 0, "default") if rows else None


def memberships_of(user: Any) -> list[Membership]:
    """Active memberships of an active user in active organisations, oldest first."""
    if not user.is_authenticated or not user.is_active:
        return []
    members = fixed_reads.columns(Membership, "m")
    organisations = fixed_reads.columns(Organisation, "o")
    key = fixed_reads.param(Membership, "user", user.pk)
    found = []
    for row in fixed_reads.fetch(_memberships_sql(), [key, True, True]):
        membership = members.build(row, 0, "default")
        membership.organisation = organisations.build(row, members.width, "default")
        membership.user = user  # the same person: `membership.user` costs no query
        found.append(membership)
    return found


class Backend(ModelBackend):
    """Django's model backend; the user of a session is read by `user_by_id`."""

    def get_user(self, user_id: Any) -> Any:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class PrincipalOTPMiddleware(OTPMiddleware):  # type: ignore[misc]
    """django-otp's middleware; a session's TOTP device is read by `totp_device`."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        normalised = self._normalize_persistent_id(persistent_id)
        label, _, device_id = normalised.rpartition("/")
        if label == TOTPDevice.model_label() and device_id.isdigit():
            return totp_device(int(device_id))
        return super()._device_from_persistent_id(persistent_id)
