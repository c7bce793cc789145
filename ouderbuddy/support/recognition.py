"""Recognition: what a buddy did in a year (matches, contacts, minutes, trainings
and intervisie attended) and the anniversaries of active buddies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework.models import Contact
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.support.models import Participation
from ouderbuddy.training.models import Enrolment, EnrolmentStatus

ANNIVERSARY_YEARS = (1, 5)
# The start page shows anniversaries from a week ago to a month ahead.
ANNIVERSARY_BEFORE_DAYS = 7
ANNIVERSARY_AHEAD_DAYS = 30


@dataclass(frozen=True)
class YearSummary:
    year: int
    matches: int
    contacts: int
    minutes: int
    trainings: int
    intervisie: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def is_empty(self) -> bool:
        return not (self.matches or self.contacts or self.trainings or self.intervisie)


def _bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _counted(rows: Any, total: Any = None) -> Coalesce:
    """A correlated COUNT (or SUM of `total`) of `rows`, filtered on the outer buddy."""
    value = Sum(total) if total else Count("pk")
    return Coalesce(
        Subquery(
            rows.order_by().values("organisation_id").annotate(v=value).values("v")[:1]
        ),
        0,
    )


def _year_rows(
    organisation_id: Any,
    buddy_id: Any,
    first: dt.date,
    last: dt.date,
    start: dt.datetime,
    end: dt.datetime,
) -> Any:
    """The year's five figures of one buddy, in one statement of sub-selects."""
    buddy = OuterRef("pk")
    matches = Match.objects.filter(
        organisation_id=organisation_id,
        buddy=buddy,
        status__in=(MatchStatus.ACTIVE, MatchStatus.CLOSED),
        started_on__lte=last,
    ).exclude(closure__closed_on__lt=first)
    contacts = Contact.objects.filter(
        organisation_id=organisation_id, match__buddy=buddy, on__gte=first, on__lte=last
    )
    trainings = Enrolment.objects.filter(
        organisation_id=organisation_id,
        buddy=buddy,
        status=EnrolmentStatus.ENROLLED,
        attended=True,
        session__starts_at__gte=start,
        session__starts_at__lte=end,
    )
    intervisie = Participation.objects.filter(
        organisation_id=organisation_id,
        buddy=buddy,
        attended=True,
        session__starts_at__gte=start,
        session__starts_at__lte=end,
    )
    return (
        Buddy.objects.filter(organisation_id=organisation_id, pk=buddy_id)
        .annotate(
            n_matches=_counted(matches),
            n_contacts=_counted(contacts),
            n_minutes=_counted(contacts, "minutes"),
            n_trainings=_counted(trainings),
            n_intervisie=_counted(intervisie),
        )
        .values("n_matches", "n_contacts", "n_minutes", "n_trainings", "n_intervisie")
    )


# Compiled once per process (`lib/prepared.py`): the year pages of a buddy.
_YEAR = Prepared(_year_rows)


def year_summary(buddy: Buddy, year: int) -> YearSummary:
    """The buddy's year: matches that ran in it, contacts and their minutes, training
    sessions and intervisie sessions attended."""
    first, last = _bounds(year)
    # The year's first and last moment here, in UTC (as the statement takes them).
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last, dt.time.max))
    rows = _YEAR.rows(
        buddy.organisation_id,
        buddy.pk,
        first,
        last,
        start.astimezone(dt.UTC),
        end.astimezone(dt.UTC),
    )
    row = rows[0] if rows else {}
    return YearSummary(
        year=year,
        matches=row.get("n_matches", 0),
        contacts=row.get("n_contacts", 0),
        minutes=row.get("n_minutes", 0),
        trainings=row.get("n_trainings", 0),
        intervisie=row.get("n_intervisie", 0),
    )


def years_of(buddy: Buddy, today: dt.date | None = None) -> list[int]:
    """The years a summary can be shown for: from the buddy's first year to now,
    newest first."""
    today = today or timezone.localdate()
    first = timezone.localtime(buddy.created_at).year
    return list(range(today.year, min(first, today.year) - 1, -1))


def _anniversary(start: dt.date, years: int) -> dt.date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February in a year without one
        return start.replace(year=start.year + years, day=28)


def anniversaries(
    organisation_id: Any, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Active buddies whose first day as an active buddy turns one or five years
    between a week ago and a month ahead, soonest first: `buddy`, `years`, `on`."""
    today = today or timezone.localdate()
    window_start = today - dt.timedelta(days=ANNIVERSARY_BEFORE_DAYS)
    window_end = today + dt.timedelta(days=ANNIVERSARY_AHEAD_DAYS)
    # Only those who became active in the months that can have an anniversary now.
    near = Q()
    for years in ANNIVERSARY_YEARS:
        near |= Q(
            first_active__gte=timezone.make_aware(
                dt.datetime.combine(_anniversary(window_start, -years), dt.time.min)
            ),
            first_active__lte=timezone.make_aware(
                dt.datetime.combine(_anniversary(window_end, -years), dt.time.max)
            ),
        )
    rows = (
        Buddy.objects.filter(organisation_id=organisation_id, status=BuddyStatus.ACTIVE)
        .annotate(
            first_active=Min(
                "history__at",
                filter=Q(history__to_status=BuddyStatus.ACTIVE),
            )
        )
        .filter(near)
        .only("pk", "full_name")
    )
    found = []
    for buddy in rows:
        started = timezone.localtime(buddy.first_active).date()
        for years in ANNIVERSARY_YEARS:
            on = _anniversary(started, years)
            if window_start <= on <= window_end:
                found.append({"buddy": buddy, "years": years, "on": on})
    return sorted(found, key=lambda r: (r["on"], r["buddy"].full_name))
