"""The read side of accounts: which membership a person acts in, and what they may do."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts import principal
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.organisations.models import STAFF_ROLES, Membership, Organisation, Role


def memberships_of(user: Any) -> list[Membership]:
    """Active memberships of an active user in active organisations, oldest first."""
    return principal.memberships_of(user)


def needs_second_factor(user: Any, memberships: list[Membership] | None = None) -> bool:
    """Platform admins and anyone with a staff role must pass a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    if memberships is None:
        memberships = memberships_of(user)
    if any(m.role in STAFF_ROLES for m in memberships):
        return True
    # Buddies may opt in; once they have an authenticator it is asked every time.
    # The user of a session says it already (read with the user, `principal.HAS_DEVICE`).
    known = getattr(user, principal.HAS_DEVICE, None)
    if known is not None:
        return bool(known)
    return bool(user.totpdevice_set.filter(confirmed=True).exists())


# --- Invitations: the team page and the platform admin's page of a support point ---


def visible_invitations(actor: Membership) -> QuerySet[Invitation]:
    """The invitations of the actor's organisation, newest first."""
    return Invitation.objects.filter(
        organisation_id=actor.organisation_id
    ).select_related("invited_by")


def get_invitation_for(actor: Membership, invitation_id: Any) -> Invitation:
    """One invitation of the actor's organisation; 404 when missing or not theirs."""
    try:
        return visible_invitations(actor).get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def platform_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, role=Role.COORDINATOR
    ).order_by("-created_at")


# --- The second factor and accounts, for the sign-in pages ------------------------------


def has_authenticator(user: Any) -> bool:
    """The person has set up an authenticator app (a confirmed TOTP device)."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def pending_enrolment(user: Any, device_id: Any) -> TOTPDevice | None:
    """The unconfirmed device of an enrolment under way (its id kept in the session)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()


def recovery_codes_left(user: Any) -> int:
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return static.token_set.count() if static else 0


def user_with_email(email: str) -> User | None:
    """The account with this e-mail address (in any case), if there is one."""
    return User.objects.filter(email__iexact=email).first()
