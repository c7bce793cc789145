"""The write side of allowance and expenses: the organisation's settings, a buddy's
claims for proven costs (kilometres or a receipt), the coordinator's approval or
rejection, flat allowances checked against the caps, and closing a month.

A closed month (`ClosedMonth`) is one the coordinator closed after exporting it for
the bookkeeping: no claim or allowance can be dated in it, and no claim in it can be
decided any more. A month can only be closed when none of its claims still waits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import emails, receipts
from ouderbuddy.support.caps import (
    MAX_AMOUNT,
    Caps,
    Standing,
    caps_on,
    km_amount,
    standing_after,
)
from ouderbuddy.support.checks import clean_text, own_buddy
from ouderbuddy.support.models_expenses import (
    AllowanceSettings,
    ClaimEvent,
    ClaimKind,
    ClaimStatus,
    ClosedMonth,
    ExpenseClaim,
    FlatAllowance,
    VolunteerAllowanceRule,
)
from ouderbuddy.support.selectors_expenses import (
    allowance_settings_of,
    allowance_totals,
    first_of_month,
    is_closed,
    next_month,
    submitted_in_month,
)

MAX_KM = Decimal("1000.0")
MAX_KM_RATE = Decimal("1.00")
# A claim may be filed up to a year back (older costs belong in an earlier
# bookkeeping year).
MAX_AGE_DAYS = 366


def _require_coordinator(actor: Membership) -> None:
    if actor.role != Role.COORDINATOR or not actor.is_active:
        raise DomainError(_("Alleen een coördinator van dit steunpunt kan dit doen."))


def _check_date(organisation_id: Any, day: dt.date, field: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise DomainError(_("Deze datum ligt in de toekomst."), field=field)
    if (today - day).days > MAX_AGE_DAYS:
        raise DomainError(
            _("Deze datum is meer dan een jaar geleden. Overleg met de coördinator."),
            field=field,
        )
    if is_closed(organisation_id, day):
        raise DomainError(
            _(
                "Deze maand is al afgesloten voor de boekhouding. Overleg met de "
                "coördinator."
            ),
            field=field,
        )


def _event(
    claim: ExpenseClaim, actor: Membership, from_status: str, reason: str = ""
) -> None:
    ClaimEvent.objects.create(
        organisation_id=claim.organisation_id,
        claim=claim,
        from_status=from_status,
        to_status=claim.status,
        by_id=actor.user_id,
        reason=reason,
    )


# --- Settings ----------------------------------------------------------------------


@transaction.atomic
def update_allowance_settings(
    *,
    actor: Membership,
    pays_flat_allowance: bool,
    monthly_allowance: Decimal,
    km_rate: Decimal,
) -> AllowanceSettings:
    """A coordinator sets whether the organisation pays a flat allowance, how much
    a month, and the rate per kilometre."""
    _require_coordinator(actor)
    if km_rate < 0 or km_rate > MAX_KM_RATE:
        raise DomainError(
            _("Vul een bedrag per kilometer in tussen € 0,00 en € 1,00."),
            field="km_rate",
        )
    if monthly_allowance < 0:
        raise DomainError(
            _("Het bedrag kan niet negatief zijn."), field="monthly_allowance"
        )
    if pays_flat_allowance and monthly_allowance <= 0:
        raise DomainError(_("Vul het bedrag per maand in."), field="monthly_allowance")
    rule = (
        VolunteerAllowanceRule.objects.filter(effective_from__lte=timezone.localdate())
        .order_by("-effective_from")
        .first()
    )
    if pays_flat_allowance and rule is not None and monthly_allowance > rule.max_month:
        raise DomainError(
            _(
                "Dit is meer dan het maximum van € %(cap)s per maand. Dan is de "
                "hele vergoeding belast."
            )
            % {"cap": _money(rule.max_month)},
            field="monthly_allowance",
        )
    found = (
        AllowanceSettings.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id)
        .first()
    ) or AllowanceSettings(organisation_id=actor.organisation_id)
    before = {
        "pays_flat_allowance": found.pays_flat_allowance,
        "monthly_allowance": found.monthly_allowance,
        "km_rate": found.km_rate,
    }
    found.pays_flat_allowance = pays_flat_allowance
    found.monthly_allowance = monthly_allowance if pays_flat_allowance else Decimal(0)
    found.km_rate = km_rate
    found.full_clean()
    found.save()
    changed = sorted(k for k, v in before.items() if getattr(found, k) != v)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.allowance_settings.update",
        target=found,
        data={"changed": changed},
    )
    return found


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


# --- Claims ------------------------------------------------------------------------


@transaction.atomic
def submit_km_claim(
    *,
    actor: Membership,
    spent_on: dt.date,
    from_place: str,
    to_place: str,
    distance_km: Decimal,
    description: str,
) -> ExpenseClaim:
    """The signed-in buddy claims kilometres driven, at the organisation's rate."""
    buddy = own_buddy(actor, _("Alleen een buddy kan onkosten declareren."))
    _check_date(actor.organisation_id, spent_on, "spent_on")
    from_place = clean_text(
        from_place, "from_place", limit=100, empty=_("Vul in waar u vertrok.")
    )
    to_place = clean_text(
        to_place, "to_place", limit=100, empty=_("Vul in waar u heen ging.")
    )
    description = clean_text(
        description, "description", limit=200, empty=_("Schrijf waarvoor u reed.")
    )
    if distance_km <= 0 or distance_km > MAX_KM:
        raise DomainError(
            _("Vul een afstand in tussen 0,1 en 1000 kilometer."), field="distance_km"
        )
    rate = allowance_settings_of(actor.organisation_id).km_rate
    if rate <= 0:
        raise DomainError(
            _(
                "Uw steunpunt vergoedt geen kilometers. Vraag de coördinator wat u "
                "kunt declareren."
            )
        )
    claim = ExpenseClaim(
        organisation_id=actor.organisation_id,
        buddy=buddy,
        kind=ClaimKind.KILOMETRES,
        status=ClaimStatus.SUBMITTED,
        spent_on=spent_on,
        description=description,
        from_place=from_place,
        to_place=to_place,
        distance_km=distance_km,
        km_rate=rate,
        amount=km_amount(distance_km, rate),
    )
    claim.full_clean()
    claim.save()
    _event(claim, actor, "")
    emails.claim_submitted(claim)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.claim.submit",
        target=claim,
        data={"kind": claim.kind},
    )
    return claim


@transaction.atomic
def submit_receipt_claim(
    *,
    actor: Membership,
    spent_on: dt.date,
    amount: Decimal,
    description: str,
    receipt: Any,
) -> ExpenseClaim:
    """The signed-in buddy claims an amount with a photo or PDF of the receipt:
    checked by its content, photos drawn again without metadata, stored privately."""
    buddy = own_buddy(actor, _("Alleen een buddy kan onkosten declareren."))
    _check_date(actor.organisation_id, spent_on, "spent_on")
    description = clean_text(
        description,
        "description",
        limit=200,
        empty=_("Schrijf waarvoor u de kosten maakte."),
    )
    if amount <= 0 or amount > MAX_AMOUNT:
        raise DomainError(
            _("Vul een bedrag in tussen € 0,01 en € 2.500,00."), field="amount"
        )
    if receipt is None:
        raise DomainError(_("Kies een foto of PDF van de bon."), field="receipt")
    checked = receipts.check_receipt(receipts.read_upload(receipt))
    name = receipts.store(checked, actor.organisation_id)
    try:
        claim = ExpenseClaim(
            organisation_id=actor.organisation_id,
            buddy=buddy,
            kind=ClaimKind.RECEIPT,
            status=ClaimStatus.SUBMITTED,
            spent_on=spent_on,
            description=description,
            amount=amount,
            receipt_name=name,
            receipt_type=checked.content_type,
        )
        claim.full_clean()
        claim.save()
        _event(claim, actor, "")
        emails.claim_submitted(claim)
        record_event(
            actor=actor,
            organisation=actor.organisation_id,
            verb="support.claim.submit",
            target=claim,
            data={"kind": claim.kind, "receipt_type": checked.content_type},
        )
    except BaseException:
        receipts.delete(name)
        raise
    return claim


def _decide(actor: Membership, claim: ExpenseClaim) -> ExpenseClaim:
    _require_coordinator(actor)
    if actor.organisation_id != claim.organisation_id:
        raise DomainError(_("Deze declaratie hoort niet bij uw steunpunt."))
    locked = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    if locked.status != ClaimStatus.SUBMITTED:
        raise DomainError(_("Deze declaratie is al beoordeeld."))
    if is_closed(locked.organisation_id, locked.spent_on):
        raise DomainError(_("De maand van deze declaratie is al afgesloten."))
    return locked


@transaction.atomic
def approve_claim(*, actor: Membership, claim: ExpenseClaim) -> ExpenseClaim:
    """A coordinator approves a submitted claim; it goes into its month's export."""
    locked = _decide(actor, claim)
    locked.status = ClaimStatus.APPROVED
    locked.decided_at = timezone.now()
    locked.decided_by_id = actor.user_id
    locked.full_clean()
    locked.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    _event(locked, actor, ClaimStatus.SUBMITTED)
    emails.claim_decided(locked)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.claim.approve",
        target=locked,
    )
    return locked


@transaction.atomic
def reject_claim(
    *, actor: Membership, claim: ExpenseClaim, reason: str
) -> ExpenseClaim:
    """A coordinator rejects a submitted claim, with the reason the buddy reads."""
    locked = _decide(actor, claim)
    reason = clean_text(
        reason, "reason", limit=300, empty=_("Schrijf waarom u de declaratie afwijst.")
    )
    locked.status = ClaimStatus.REJECTED
    locked.decided_at = timezone.now()
    locked.decided_by_id = actor.user_id
    locked.reject_reason = reason
    locked.full_clean()
    locked.save(
        update_fields=[
            "status",
            "decided_at",
            "decided_by",
            "reject_reason",
            "updated_at",
        ]
    )
    _event(locked, actor, ClaimStatus.SUBMITTED, reason)
    emails.claim_decided(locked)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.claim.reject",
        target=locked,
    )
    return locked


# --- Flat allowances ---------------------------------------------------------------


def _allowance_terms(
    actor: Membership, paid_on: dt.date, amount: Decimal | None
) -> tuple[Decimal, Caps, VolunteerAllowanceRule]:
    """The amount (the organisation's monthly amount unless given) and the caps in
    force on `paid_on`, or DomainError."""
    _require_coordinator(actor)
    found = allowance_settings_of(actor.organisation_id)
    if not found.pays_flat_allowance:
        raise DomainError(
            _(
                "Uw steunpunt betaalt geen vaste vrijwilligersvergoeding. Zet dit aan "
                "bij de instellingen van de vergoedingen."
            )
        )
    if amount is None:
        amount = found.monthly_allowance
    if amount <= 0 or amount > MAX_AMOUNT:
        raise DomainError(
            _("Vul een bedrag in tussen € 0,01 en € 2.500,00."), field="amount"
        )
    if paid_on > timezone.localdate():
        raise DomainError(_("Deze datum ligt in de toekomst."), field="paid_on")
    if is_closed(actor.organisation_id, paid_on):
        raise DomainError(
            _("Deze maand is al afgesloten voor de boekhouding."), field="paid_on"
        )
    rules = list(VolunteerAllowanceRule.objects.all())
    caps = caps_on([r.caps() for r in rules], paid_on)
    if caps is None:
        raise DomainError(
            _("Voor deze datum zijn geen maximumbedragen bekend."), field="paid_on"
        )
    rule = next(r for r in rules if r.effective_from == caps.effective_from)
    return amount, caps, rule


def _record_one(
    actor: Membership,
    buddy: Buddy,
    paid_on: dt.date,
    amount: Decimal,
    caps: Caps,
    rule: VolunteerAllowanceRule,
) -> tuple[FlatAllowance, Standing]:
    # The buddy's row is the lock: two coordinators recording at once are checked
    # one after the other.
    Buddy.objects.select_for_update().filter(pk=buddy.pk).first()
    month_before, year_before = allowance_totals(buddy, paid_on)
    standing = standing_after(
        caps, month_before=month_before, year_before=year_before, amount=amount
    )
    if standing.month_total > caps.per_month:
        raise DomainError(
            _(
                "Dan krijgt deze buddy in deze maand € %(total)s. Dat is meer dan het "
                "maximum van € %(cap)s per maand, en dan is de hele vergoeding belast."
            )
            % {"total": _money(standing.month_total), "cap": _money(caps.per_month)},
            field="amount",
        )
    if standing.year_total > caps.per_year:
        raise DomainError(
            _(
                "Dan krijgt deze buddy dit jaar € %(total)s. Dat is meer dan het "
                "maximum van € %(cap)s per jaar, en dan is de hele vergoeding belast."
            )
            % {"total": _money(standing.year_total), "cap": _money(caps.per_year)},
            field="amount",
        )
    allowance = FlatAllowance(
        organisation_id=actor.organisation_id,
        buddy=buddy,
        paid_on=paid_on,
        amount=amount,
        rule=rule,
        recorded_by_id=actor.user_id,
    )
    allowance.full_clean()
    allowance.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.allowance.record",
        target=allowance,
        data={"level": standing.level.value},
    )
    return allowance, standing


@transaction.atomic
def record_flat_allowance(
    *,
    actor: Membership,
    buddy: Buddy,
    paid_on: dt.date,
    amount: Decimal | None = None,
) -> tuple[FlatAllowance, Standing]:
    """A coordinator records a flat allowance paid to a buddy (the organisation's
    monthly amount unless given). Refused when the buddy's allowances in this
    organisation would pass the month or year cap; the standing returned says
    whether it reached 80% (a warning for the page)."""
    if buddy.organisation_id != actor.organisation_id:
        raise DomainError(_("Deze buddy hoort niet bij uw steunpunt."), field="buddy")
    amount, caps, rule = _allowance_terms(actor, paid_on, amount)
    return _record_one(actor, buddy, paid_on, amount, caps, rule)


@dataclass
class MonthAllowances:
    """What `record_month_allowances` did, buddy by buddy."""

    recorded: list[tuple[Buddy, Standing]] = field(default_factory=list)
    refused: list[tuple[Buddy, str]] = field(default_factory=list)
    already: list[Buddy] = field(default_factory=list)


@transaction.atomic
def record_month_allowances(*, actor: Membership, paid_on: dt.date) -> MonthAllowances:
    """The organisation's monthly amount for every active buddy who has no flat
    allowance in that month yet; a buddy it would take over a cap is left out, with
    the reason."""
    amount, caps, rule = _allowance_terms(actor, paid_on, None)
    month = first_of_month(paid_on)
    paid = set(
        FlatAllowance.objects.filter(
            organisation_id=actor.organisation_id,
            paid_on__gte=month,
            paid_on__lt=next_month(month),
        ).values_list("buddy_id", flat=True)
    )
    done = MonthAllowances()
    for buddy in Buddy.objects.filter(
        organisation_id=actor.organisation_id, status=BuddyStatus.ACTIVE
    ).order_by("full_name", "pk"):
        if buddy.pk in paid:
            done.already.append(buddy)
            continue
        try:
            _allowance, standing = _record_one(
                actor, buddy, paid_on, amount, caps, rule
            )
        except DomainError as exc:
            done.refused.append((buddy, exc.message))
        else:
            done.recorded.append((buddy, standing))
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.allowance.record_month",
        data={
            "month": f"{month:%Y-%m}",
            "recorded": len(done.recorded),
            "refused": len(done.refused),
        },
    )
    return done


# --- Closing a month -----------------------------------------------------------------


@transaction.atomic
def close_month(*, actor: Membership, month: dt.date) -> ClosedMonth:
    """A coordinator closes a month after its export: nothing can be dated in it or
    decided in it any more. Refused while a claim of the month still waits, and for
    the running month."""
    _require_coordinator(actor)
    month = first_of_month(month)
    if month >= first_of_month(timezone.localdate()):
        raise DomainError(
            _("U kunt een maand pas afsluiten als die voorbij is."), field="month"
        )
    if ClosedMonth.objects.filter(
        organisation_id=actor.organisation_id, month=month
    ).exists():
        raise DomainError(_("Deze maand is al afgesloten."), field="month")
    waiting = submitted_in_month(actor.organisation_id, month)
    if waiting:
        raise DomainError(
            _(
                "Er wachten nog declaraties uit deze maand. Keur ze eerst goed of "
                "wijs ze af."
            ),
            field="month",
        )
    closed = ClosedMonth(
        organisation_id=actor.organisation_id, month=month, closed_by_id=actor.user_id
    )
    closed.full_clean()
    closed.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.month.close",
        target=closed,
        data={"month": f"{month:%Y-%m}"},
    )
    return closed
