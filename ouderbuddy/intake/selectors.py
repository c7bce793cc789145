"""The read side of intake: the coordinator's inbox and waiting list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from ouderbuddy.intake.models import HelpRequest, ReferralTarget, RequestStatus
from ouderbuddy.organisations.models import Membership, Role


def visible_requests(actor: Membership) -> QuerySet[HelpRequest]:
    """The requests of the actor's organisation (coordinators only)."""
    if actor.role != Role.COORDINATOR:
        return HelpRequest.objects.none()
    return HelpRequest.objects.filter(organisation_id=actor.organisation_id)


def get_request_for(actor: Membership, request_id: Any) -> HelpRequest:
    """One request of the actor's organisation; 404 when missing or not theirs."""
    try:
        return (
            visible_requests(actor)
            .select_related("postcode__municipality")
            .get(pk=request_id)
        )
    except (HelpRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def _urgency_order(queryset: QuerySet[HelpRequest]) -> QuerySet[HelpRequest]:
    """Urgent first (a deadline within 14 days, or a child at home), the nearest deadline
    first among those; then everything else, oldest first."""
    soon = timezone.localdate() + dt.timedelta(days=14)
    return queryset.annotate(
        urgent=Case(
            When(deadline_on__lte=soon, then=Value(0)),
            When(out_of_school=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        urgent_deadline=Case(
            When(deadline_on__lte=soon, then=F("deadline_on")), default=None
        ),
    ).order_by("urgent", F("urgent_deadline").asc(nulls_last=True), "received_at")


def inbox(actor: Membership) -> QuerySet[HelpRequest]:
    """New requests, most urgent and oldest first."""
    return _urgency_order(visible_requests(actor).filter(status=RequestStatus.NEW))


def waiting_list(actor: Membership) -> QuerySet[HelpRequest]:
    """Requests waiting for a buddy, most urgent and longest waiting first."""
    return _urgency_order(
        visible_requests(actor).filter(status=RequestStatus.WAITING)
    ).prefetch_related("codes")


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Monday to Friday days after `start` up to and including `end`."""
    if end <= start:
        return 0
    days = (end - start).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(1, rest + 1):
        if (start + dt.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def waiting_too_long(actor: Membership) -> list[HelpRequest]:
    """Waiting-list requests older than the organisation's target in working days."""
    target = actor.organisation.request_wait_target_days
    today = timezone.localdate()
    return [
        request
        for request in visible_requests(actor)
        .filter(status__in=(RequestStatus.NEW, RequestStatus.WAITING))
        .order_by("received_at")
        if working_days_between(timezone.localtime(request.received_at).date(), today)
        > target
    ]


def deadlines_within(actor: Membership, days: int = 14) -> QuerySet[HelpRequest]:
    """Open requests with a deadline in the next `days` days (or already passed)."""
    until = timezone.localdate() + dt.timedelta(days=days)
    return (
        visible_requests(actor)
        .filter(
            status__in=(RequestStatus.NEW, RequestStatus.WAITING),
            deadline_on__lte=until,
        )
        .order_by("deadline_on")
    )


def referral_targets() -> QuerySet[ReferralTarget]:
    return ReferralTarget.objects.filter(is_active=True)
