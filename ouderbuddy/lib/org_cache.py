"""Per-organisation results in the shared cache, dropped by every change to that
organisation's data.

What is expensive and rarely changes (the start page's panels, the matching pool, the
gap signal) is computed once and kept in the shared cache (settings.CACHES, the same
for every app process), under the organisation's *data version*. Every write to a row
of the organisation gives it a new version (`connect_signals`: post_save, post_delete
and m2m_changed of every model with an `organisation_id`, and of the organisation
itself); the few bulk writes that send no signal call `changed()` themselves. A
result stored under an old version is never read again.

The new version is written when the writer's transaction commits, outside it, so no
lock on the version is held while the transaction runs (a lock there would order
every writer of the organisation behind each other and could deadlock with the row
locks the services take). Between the commit and the new version a reader may still
get the old result for that instant. Until the commit, the writer's own connection
(and so a test, which runs in one transaction) does not use the cache for that
organisation at all.
The day is part of every
key, because panels such as "no contact for 21 days" move with the calendar. A result
also expires after `TTL_SECONDS`, as a safety net.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
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


def _dirty() -> set[Any]:
    """Organisations this connection changed in its open transaction."""
    connection = transaction.get_connection()
    found: set[Any] | None = getattr(connection, "_ob_changed_organisations", None)
    if found is None:
        found = set()
        connection._ob_changed_organisations = found
    return found


def changed(organisation_id: Any) -> None:
    """The organisation's data changed: forget its cached results (when the
    transaction commits; at once outside a transaction)."""
    if organisation_id is None:
        return
    if not transaction.get_connection().in_atomic_block:
        _new_version(organisation_id)
        return
    dirty = _dirty()
    if organisation_id in dirty:
        return  # already renewed on commit
    dirty.add(organisation_id)

    def renew() -> None:
        dirty.discard(organisation_id)
        _new_version(organisation_id)

    transaction.on_commit(renew)


def remember(
    organisation_id: Any, name: str, compute: Callable[[], T], *, vary: str = ""
) -> T:
    """`compute()` for the organisation, from the cache while its data is unchanged
    (same day, same language, same `vary`)."""
    dirty = _dirty()
    if dirty:
        if not transaction.get_connection().in_atomic_block:
            dirty.clear()  # left by a transaction that rolled back
        elif organisation_id in dirty:
            return compute()  # this transaction changed it: not committed yet
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
