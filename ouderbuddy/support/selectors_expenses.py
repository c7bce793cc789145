"""The read side of allowance and expenses: who sees which claim, the caps in force,
where a buddy stands this year, a month's rows for the bookkeeping, and which
financial records have passed their retention."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Sum, Value, When
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.support.caps import Caps, Standing, caps_on, standing_after
from ouderbuddy.support.models_expenses import (
    RETENTION_YEARS,
    AllowanceSettings,
    ClaimEvent,
    ClaimStatus,
    ClosedMonth,
    ExpenseClaim,
    FlatAllowance,
    VolunteerAllowanceRule,
)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def parse_month(text: str | None) -> dt.date | None:
    """ "2026-11" → 1 November 2026; None for anything else."""
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        return None


# --- Claims, per actor ---------------------------------------------------------


def visible_claims(actor: Membership) -> QuerySet[ExpenseClaim]:
    """A coordinator sees the organisation's claims; a buddy only their own."""
    claims = ExpenseClaim.objects.filter(organisation_id=actor.organisation_id)
    if not actor.is_active:
        return claims.none()
    if actor.role == Role.COORDINATOR:
        return claims
    if actor.role == Role.BUDDY:
        return claims.filter(buddy__user_id=actor.user_id)
    return claims.none()


def get_claim_for(actor: Membership, claim_id: Any) -> ExpenseClaim:
    """One visible claim with its buddy; 404 for another buddy's or another
    organisation's."""
    return get_or_404(
        visible_claims(actor).select_related("buddy", "decided_by"), claim_id
    )


def claims_to_review(actor: Membership, status: str = "") -> QuerySet[ExpenseClaim]:
    """The coordinator's list: submitted claims first (oldest first), then the
    rest, newest first."""
    claims = visible_claims(actor).select_related("buddy")
    if status in ClaimStatus.values:
        claims = claims.filter(status=status)
    return claims.annotate(
        waiting=Case(
            When(status=ClaimStatus.SUBMITTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("waiting", "-spent_on", "-created_at", "pk")


def own_claims(actor: Membership, buddy: Buddy) -> QuerySet[ExpenseClaim]:
    return ExpenseClaim.objects.filter(
        organisation_id=actor.organisation_id, buddy=buddy
    ).order_by("-spent_on", "-created_at")


def claim_history(claim: ExpenseClaim) -> list[ClaimEvent]:
    """The claim's steps: its submission first (the step from no status), then the
    decisions by time; not by the clock alone, which two requests cannot always be
    trusted to order."""
    return list(
        ClaimEvent.objects.filter(organisation_id=claim.organisation_id, claim=claim)
        .select_related("by")
        .order_by("from_status", "created_at")
    )


# --- Settings, caps and closed months ---------------------------------------------


def allowance_settings_of(organisation_id: Any) -> AllowanceSettings:
    """The organisation's settings, or the defaults (not saved) when none yet."""
    found = AllowanceSettings.objects.filter(organisation_id=organisation_id).first()
    return found or AllowanceSettings(organisation_id=organisation_id)


def rule_on(day: dt.date) -> VolunteerAllowanceRule | None:
    """The caps in force on `day`."""
    return (
        VolunteerAllowanceRule.objects.filter(effective_from__lte=day)
        .order_by("-effective_from")
        .first()
    )


# The caps are national data, read on every page that shows a standing: compiled
# once per process (`lib/prepared.py`).
_CAPS = Prepared(
    lambda: VolunteerAllowanceRule.objects.order_by("effective_from").values(
        "effective_from",
        "max_hour_21plus",
        "max_hour_under21",
        "max_month",
        "max_year",
        "verified",
    )
)


def all_caps() -> list[Caps]:
    return [
        Caps(
            effective_from=row["effective_from"],
            per_hour_21plus=row["max_hour_21plus"],
            per_hour_under21=row["max_hour_under21"],
            per_month=row["max_month"],
            per_year=row["max_year"],
            verified=row["verified"],
        )
        for row in _CAPS.rows()
    ]


def caps_for_year(year: int) -> Caps | None:
    return caps_on(all_caps(), dt.date(year, 12, 31))


def is_closed(organisation_id: Any, day: dt.date) -> bool:
    return ClosedMonth.objects.filter(
        organisation_id=organisation_id, month=first_of_month(day)
    ).exists()


def closed_months(organisation_id: Any) -> list[dt.date]:
    return list(
        ClosedMonth.objects.filter(organisation_id=organisation_id).values_list(
            "month", flat=True
        )[:24]
    )


# --- Where a buddy stands ------------------------------------------------------------


def allowance_totals(buddy: Buddy, day: dt.date) -> tuple[Decimal, Decimal]:
    """The flat allowances of `buddy` (in their organisation) in the month and in
    the year of `day`."""
    rows = FlatAllowance.objects.filter(
        organisation_id=buddy.organisation_id,
        buddy=buddy,
        paid_on__year=day.year,
    )
    month = first_of_month(day)
    totals = rows.aggregate(
        year=Sum("amount"),
        month=Sum(
            Case(
                When(
                    paid_on__gte=month,
                    paid_on__lt=next_month(month),
                    then="amount",
                ),
                default=Value(Decimal(0)),
            )
        ),
    )
    return totals["month"] or Decimal(0), totals["year"] or Decimal(0)


def standing_of(buddy: Buddy, day: dt.date) -> tuple[Standing | None, Caps | None]:
    """Where the buddy stands on `day` (nothing added), with the caps used."""
    caps = caps_on(all_caps(), day)
    if caps is None:
        return None, None
    month_total, year_total = allowance_totals(buddy, day)
    return (
        standing_after(
            caps, month_before=month_total, year_before=year_total, amount=Decimal(0)
        ),
        caps,
    )


# The buddy's year on "Mijn onkosten": the flat allowances and the claims' totals
# per status, each one statement compiled once per process.
_YEAR_ALLOWANCES = Prepared(
    lambda organisation_id, buddy_id, first_day, last_day: (
        FlatAllowance.objects.filter(
            organisation_id=organisation_id,
            buddy_id=buddy_id,
            paid_on__gte=first_day,
            paid_on__lte=last_day,
        )
        .order_by("-paid_on", "-created_at")
        .values("paid_on", "amount")
    )
)
_YEAR_CLAIM_TOTALS = Prepared(
    lambda organisation_id, buddy_id, first_day, last_day: (
        ExpenseClaim.objects.filter(
            organisation_id=organisation_id,
            buddy_id=buddy_id,
            spent_on__gte=first_day,
            spent_on__lte=last_day,
        )
        .order_by("status")
        .values("status")
        .annotate(total=Sum("amount"))
    )
)


def year_overview(buddy: Buddy, today: dt.date | None = None) -> dict[str, Any]:
    """The buddy's year: flat allowances against the caps (this month and this
    year), approved proven costs beside them (no cap), claims still waiting."""
    today = today or timezone.localdate()
    first_day, last_day = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    keys = (buddy.organisation_id, buddy.pk, first_day, last_day)
    allowances = _YEAR_ALLOWANCES.rows(*keys)
    caps = caps_on(all_caps(), today)
    standing = None
    if caps is not None:
        month, after = first_of_month(today), next_month(first_of_month(today))
        this_month = [a["amount"] for a in allowances if month <= a["paid_on"] < after]
        standing = standing_after(
            caps,
            month_before=sum(this_month, Decimal(0)),
            year_before=sum((a["amount"] for a in allowances), Decimal(0)),
            amount=Decimal(0),
        )
    totals = {row["status"]: row["total"] for row in _YEAR_CLAIM_TOTALS.rows(*keys)}
    return {
        "year": today.year,
        "standing": standing,
        "caps": caps,
        "approved_costs": totals.get(ClaimStatus.APPROVED) or Decimal(0),
        "waiting_costs": totals.get(ClaimStatus.SUBMITTED) or Decimal(0),
        "allowances": allowances,
    }


# --- A month for the bookkeeping ---------------------------------------------------


def month_rows(organisation_id: Any, month: dt.date) -> list[dict[str, Any]]:
    """The approved claims and the flat allowances of `month`, by buddy and date,
    as rows of plain values (buddy, date, kind, description, km, amount)."""
    end = next_month(month)
    rows: list[dict[str, Any]] = []
    claims = (
        ExpenseClaim.objects.filter(
            organisation_id=organisation_id,
            status=ClaimStatus.APPROVED,
            spent_on__gte=month,
            spent_on__lt=end,
        )
        .select_related("buddy")
        .only(
            "kind",
            "spent_on",
            "description",
            "from_place",
            "to_place",
            "distance_km",
            "amount",
            "buddy__full_name",
        )
    )
    for claim in claims:
        description = claim.description
        if claim.from_place or claim.to_place:
            description = f"{description} ({claim.from_place} – {claim.to_place})"
        rows.append(
            {
                "buddy": claim.buddy.full_name,
                "date": claim.spent_on,
                "kind": claim.get_kind_display(),
                "description": description,
                "km": claim.distance_km,
                "amount": claim.amount,
            }
        )
    allowances = (
        FlatAllowance.objects.filter(
            organisation_id=organisation_id, paid_on__gte=month, paid_on__lt=end
        )
        .select_related("buddy")
        .only("paid_on", "amount", "buddy__full_name")
    )
    label = str(FlatAllowance._meta.verbose_name).capitalize()
    for allowance in allowances:
        rows.append(
            {
                "buddy": allowance.buddy.full_name,
                "date": allowance.paid_on,
                "kind": label,
                "description": "",
                "km": None,
                "amount": allowance.amount,
            }
        )
    rows.sort(key=lambda r: (r["buddy"], r["date"], r["kind"]))
    return rows


def submitted_in_month(organisation_id: Any, month: dt.date) -> int:
    return ExpenseClaim.objects.filter(
        organisation_id=organisation_id,
        status=ClaimStatus.SUBMITTED,
        spent_on__gte=month,
        spent_on__lt=next_month(month),
    ).count()


# --- Forms -------------------------------------------------------------------------


def allowance_buddy_choices(actor: Membership) -> list[Buddy]:
    """The organisation's active and paused buddies, by name."""
    return list(
        Buddy.objects.filter(
            organisation_id=actor.organisation_id,
            status__in=(BuddyStatus.ACTIVE, BuddyStatus.PAUSED),
        )
        .only("full_name", "organisation")
        .order_by("full_name")
    )


# --- Retention (the privacy issue) -------------------------------------------------


def expired_financial_records(organisation_id: Any, today: dt.date) -> dict[str, Any]:
    """The organisation's financial records past their retention: claims, flat
    allowances and closed months of years that ended more than `RETENTION_YEARS`
    years before `today` (31 December of year + 7 has passed). Read only: nothing
    is deleted automatically."""
    last_expired_year = today.year - RETENTION_YEARS - 1
    return {
        "claims": ExpenseClaim.objects.filter(
            organisation_id=organisation_id, spent_on__year__lte=last_expired_year
        ),
        "allowances": FlatAllowance.objects.filter(
            organisation_id=organisation_id, paid_on__year__lte=last_expired_year
        ),
        "closed_months": ClosedMonth.objects.filter(
            organisation_id=organisation_id, month__year__lte=last_expired_year
        ),
    }
