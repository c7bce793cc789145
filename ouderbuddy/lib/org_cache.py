"""Per-organisation results in the shared cache, dropped by every change to that
organisation's data.

What is expensive and rarely changes (the start page's panels, the matching pool, the
gap signal) is computed once and kept in the shared cache (settings.CACHES, the same
for every app process), under the organisation's *data version*. Every write to a row
of the organisation gives it a new version (`connect_signals`: post_save, post_delete
and m2m_changed of every model with an `organisation_id`, and of the organisation
itself); the few bulk writes that send no signal call `changed()` themselves. A
result stored under an old version is never read again.

The new version is written in the writer's own transaction, in the same database as
the data (the cache is a table), so no other process sees the new data under the old
version: under READ COMMITTED a reader that sees the new version also sees the data
that came with it; one that read the old version stores its result under that old
version, which nobody asks for again. The day is part of every
key, because panels such as "no contact for 21 days" move with the calendar. A result
also expires after `TTL_SECONDS`, as a safety net.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

T = TypeVar("T")
TTL_SECONDS = 15 * 60

# Append-only logs that no cached result reads; a read audit event is written on
# some page views and must not throw the organisation's results away.
NOT_DATA = frozenset(
    {
        "privacy.AuditEvent",
        "notifications.OutgoingEmail",
        "notifications.JobRun",
        "sessions.Session",
    }
)
ORGANISATION_MODEL = "organisations.Organisation"


def _version_key(organisation_id: Any) -> str:
    return f"ob:orgv:{organisation_id}"


def _new_version(organisation_id: Any) -> None:
    cache.set(_version_key(organisation_id), uuid.uuid4().hex, None)


def changed(organisation_id: Any) -> None:
    """The organisation's data changed: forget its cached results."""
    if organisation_id is None:
        return
    _new_version(organisation_id)


def remember(
    organisation_id: Any, name: str, compute: Callable[[], T], *, vary: str = ""
) -> T:
    """`compute()` for the organisation, from the cache while its data is unchanged
    (same day, same language, same `vary`)."""
    day = timezone.localdate().isoformat()
    key = f"ob:{name}:{organisation_id}:{day}:{translation.get_language() or ''}:{vary}"
    version_key = _version_key(organisation_id)
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    stored = found.get(key)
    if version is not None and stored is not None and stored[0] == version:
        value: T = stored[1]
        return value
    if version is None:
        version = uuid.uuid4().hex
        cache.add(version_key, version, None)
        version = cache.get(version_key, version)
    value = compute()
    cache.set(key, (version, value), TTL_SECONDS)
    return value


def _on_write(sender: Any, instance: Any, **kwargs: Any) -> None:
    label = instance._meta.label
    if label in NOT_DATA:
        return
    if label == ORGANISATION_MODEL:
        changed(instance.pk)
        return
    organisation_id = getattr(instance, "organisation_id", None)
    if organisation_id is not None:
        changed(organisation_id)


def _on_m2m(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        _on_write(sender, instance)


def connect_signals() -> None:
    """Called once, by the organisations app when Django starts."""
    post_save.connect(_on_write, dispatch_uid="ob-org-cache-save")
    post_delete.connect(_on_write, dispatch_uid="ob-org-cache-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="ob-org-cache-m2m")
