"""The read side of privacy: the audit log of one organisation, filtered; the breach
register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.privacy.models import AuditEvent, DataBreach

if TYPE_CHECKING:
    from ouderbuddy.organisations.models import Membership

# Who may be chosen as "wie" in the log's filter: the organisation's staff.
STAFF_ROLES = (Role.COORDINATOR, Role.MANAGER, Role.NETWORK_ADMIN)


def visible_audit_events(actor: Membership) -> QuerySet[AuditEvent]:
    """The audit events of the actor's organisation, newest first, with what the log
    shows of each (not its details)."""
    return (
        AuditEvent.objects.filter(organisation_id=actor.organisation_id)
        .select_related("actor")
        .only(
            "at",
            "verb",
            "target_type",
            "target_id",
            "target_label",
            "actor__full_name",
            "actor__email",
        )
        .order_by("-at")
    )


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log is narrowed to (all optional)."""

    target: str = ""  # a target's id, or its label (HV-…, "Buddy 1a2b3c4d")
    whole_case: bool = False  # the request and its matches
    actor_id: Any = None
    action: str = ""  # a verb
    since: dt.date | None = None
    until: dt.date | None = None


def staff_of(organisation_id: Any) -> QuerySet[Any]:
    """The organisation's staff (any state, so past colleagues can be found)."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role__in=STAFF_ROLES,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def _case_label(events: QuerySet[AuditEvent], target: str) -> str:
    """The label of a target given by id (the request's reference for a request)."""
    found = (
        events.filter(target_id=target)
        .exclude(target_label="")
        .values_list("target_label", flat=True)
        .first()
    )
    return found or ""


def _target_q(events: QuerySet[AuditEvent], criteria: AuditFilter) -> Q:
    target = criteria.target
    exact = Q(target_id=target) | Q(target_label__iexact=target)
    if not criteria.whole_case:
        return exact
    label = target if not _looks_like_id(target) else _case_label(events, target)
    if not label:
        return exact
    # A match's label carries its request's reference: "Koppeling 1a2b3c4d (HV-…)".
    return (
        exact | Q(target_label__iexact=label) | Q(target_label__iendswith=f"({label})")
    )


def _looks_like_id(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4


def filtered_audit_events(
    actor: Membership, criteria: AuditFilter
) -> QuerySet[AuditEvent]:
    """The actor's organisation's events narrowed to `criteria`, newest first."""
    events = visible_audit_events(actor)
    if criteria.target:
        events = events.filter(_target_q(events, criteria))
    if criteria.actor_id:
        events = events.filter(actor_id=criteria.actor_id)
    if criteria.action:
        events = events.filter(verb=criteria.action)
    zone = timezone.get_current_timezone()
    if criteria.since:
        start = dt.datetime.combine(criteria.since, dt.time.min, tzinfo=zone)
        events = events.filter(at__gte=start)
    if criteria.until:
        end = dt.datetime.combine(
            criteria.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
        events = events.filter(at__lt=end)
    return events


# --- The breach register ------------------------------------------------------------

AP_HOURS = 72  # AVG art. 33 lid 1: report to the AP within 72 hours of discovery


def visible_breaches(actor: Membership) -> QuerySet[DataBreach]:
    """The actor's organisation's breaches, last discovered first."""
    return DataBreach.objects.filter(organisation_id=actor.organisation_id).order_by(
        "-discovered_at"
    )


def get_breach_for(actor: Membership, breach_id: Any) -> DataBreach:
    """One breach of the actor's organisation; 404 for a missing one or another's."""
    return get_or_404(visible_breaches(actor), breach_id)


def reported_in_time(breach: DataBreach) -> bool | None:
    """True when reported to the AP within 72 hours of discovery, False when later;
    None when not reported."""
    if breach.reported_to_ap_at is None:
        return None
    limit = breach.discovered_at + dt.timedelta(hours=AP_HOURS)
    return breach.reported_to_ap_at <= limit
