"""The writes of the reports: a coordinator's hours, the organisation's other costs
and the price of a coordinator hour. Each checks its rules, saves everything or
nothing, and leaves an audit event (ids and codes only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.reports.figures import Quarter
from ouderbuddy.reports.models import (
    MAX_COST,
    MINUTES_PER_DAY,
    Activity,
    BoardReport,
    Cost,
    CostCategory,
    CostSettings,
    RequestSignal,
    SignalTheme,
    TimeEntry,
)
from ouderbuddy.support import names
from ouderbuddy.support import selectors as support_selectors
from ouderbuddy.training.models import Session

EARLIEST = dt.date(2000, 1, 1)
"""Nothing is recorded before this day (a typing error, not a cost)."""

STAFF = (Role.COORDINATOR, Role.MANAGER)


def _require(actor: Membership, roles: tuple[str, ...]) -> None:
    if actor.role not in roles or not actor.is_active:
        raise DomainError(_("U mag dit niet doen."))


def _day(value: dt.date, field: str) -> dt.date:
    if value > timezone.localdate():
        raise DomainError(_("Deze datum ligt in de toekomst."), field=field)
    if value < EARLIEST:
        raise DomainError(_("Deze datum ligt te ver terug."), field=field)
    return value


# --- Hours ---------------------------------------------------------------------


@transaction.atomic
def log_time(
    *, actor: Membership, worked_on: dt.date, activity: str, minutes: int
) -> TimeEntry:
    """The coordinator's own time on one day for one activity. All her entries of a
    day together stay within 24 hours."""
    _require(actor, (Role.COORDINATOR,))
    _day(worked_on, "worked_on")
    if activity not in Activity.values:
        raise DomainError(_("Kies een activiteit."), field="activity")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 1:
        raise DomainError(_("Vul een tijd van meer dan 0 minuten in."), field="hours")
    # One writer a coordinator at a time: two tabs cannot both fill the same day.
    Membership.objects.select_for_update().filter(pk=actor.pk).first()
    logged = (
        TimeEntry.objects.filter(
            organisation_id=actor.organisation_id,
            membership_id=actor.pk,
            worked_on=worked_on,
        ).aggregate(total=Sum("minutes"))["total"]
        or 0
    )
    if logged + minutes > MINUTES_PER_DAY:
        left = MINUTES_PER_DAY - logged
        raise DomainError(
            _(
                "Op één dag passen niet meer dan 24 uur. Voor deze dag staat al "
                "%(hours)s uur; er kan nog %(left)s uur bij."
            )
            % {"hours": hours_text(logged), "left": hours_text(left)},
            field="hours",
        )
    entry = TimeEntry(
        organisation_id=actor.organisation_id,
        membership=actor,
        worked_on=worked_on,
        activity=activity,
        minutes=minutes,
    )
    entry.full_clean()
    entry.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.time.log",
        target=entry,
        data={"activity": activity, "minutes": minutes},
    )
    return entry


@transaction.atomic
def delete_time(*, actor: Membership, entry: TimeEntry) -> None:
    """Take back one of the coordinator's own entries."""
    _require(actor, (Role.COORDINATOR,))
    if (
        entry.organisation_id != actor.organisation_id
        or entry.membership_id != actor.pk
    ):
        raise DomainError(_("Dit is niet uw eigen tijd."))
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.time.delete",
        target=entry,
        data={"activity": entry.activity, "minutes": entry.minutes},
    )
    entry.delete()


def hours_text(minutes: int) -> str:
    """Minutes as hours the Dutch way: 90 -> "1,5", 60 -> "1", 20 -> "0,33"."""
    hours = Decimal(minutes) / Decimal(60)
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --- Other costs ---------------------------------------------------------------


@transaction.atomic
def add_cost(
    *,
    actor: Membership,
    spent_on: dt.date,
    category: str,
    amount: Decimal,
    description: str,
    session: Session | None = None,
) -> Cost:
    """A cost of the programme outside the hours, allowances and expenses; a
    training cost may name its session."""
    _require(actor, STAFF)
    _day(spent_on, "spent_on")
    if category not in CostCategory.values:
        raise DomainError(_("Kies een soort kosten."), field="category")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise DomainError(_("Het bedrag moet meer dan € 0,00 zijn."), field="amount")
    if amount > MAX_COST:
        raise DomainError(_("Het bedrag is te hoog."), field="amount")
    description = " ".join(description.split())
    if not description:
        raise DomainError(
            _("Schrijf kort waarvoor de kosten zijn."), field="description"
        )
    if session is not None:
        if session.organisation_id != actor.organisation_id:
            raise DomainError(_("Dit hoort niet bij uw organisatie."), field="session")
        if category != CostCategory.TRAINING:
            raise DomainError(
                _("Alleen trainingskosten horen bij een trainingsbijeenkomst."),
                field="session",
            )
    cost = Cost(
        organisation_id=actor.organisation_id,
        spent_on=spent_on,
        category=category,
        amount=amount,
        description=description,
        session=session,
        entered_by=actor,
    )
    cost.full_clean()
    cost.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.cost.add",
        target=cost,
        data={"category": category, "amount": str(amount)},
    )
    return cost


@transaction.atomic
def delete_cost(*, actor: Membership, cost: Cost) -> None:
    _require(actor, STAFF)
    if cost.organisation_id != actor.organisation_id:
        raise DomainError(_("Dit hoort niet bij uw organisatie."))
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.cost.delete",
        target=cost,
        data={"category": cost.category, "amount": str(cost.amount)},
    )
    cost.delete()


@transaction.atomic
def set_hour_cost(*, actor: Membership, hour_cost: Decimal) -> CostSettings:
    """What a coordinator hour costs (salary with charges), for the cost figures."""
    _require(actor, STAFF)
    if not isinstance(hour_cost, Decimal) or not hour_cost.is_finite() or hour_cost < 0:
        raise DomainError(_("Vul een bedrag van € 0,00 of meer in."), field="hour_cost")
    if hour_cost > 500:
        raise DomainError(
            _("Een uur kost hier niet meer dan € 500,00."), field="hour_cost"
        )
    settings, _created = CostSettings.objects.select_for_update().get_or_create(
        organisation_id=actor.organisation_id
    )
    before = settings.hour_cost
    settings.hour_cost = hour_cost
    settings.full_clean()
    settings.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.hour_cost.set",
        target=settings,
        data={"before": str(before), "after": str(hour_cost)},
    )
    return settings


# --- Signals to the SWV board -------------------------------------------------------


@transaction.atomic
def set_signals(
    *, actor: Membership, request: HelpRequest, themes: Iterable[str]
) -> list[str]:
    """The themes the coordinator signals on one help request: exactly these."""
    _require(actor, (Role.COORDINATOR,))
    if request.organisation_id != actor.organisation_id:
        raise DomainError(_("Dit hoort niet bij uw organisatie."))
    wanted = set(themes)
    unknown = wanted - set(SignalTheme.values)
    if unknown:
        raise DomainError(_("Kies alleen signalen uit de lijst."), field="themes")
    current = set(
        RequestSignal.objects.filter(
            organisation_id=actor.organisation_id, request=request
        ).values_list("theme", flat=True)
    )
    RequestSignal.objects.filter(
        organisation_id=actor.organisation_id,
        request=request,
        theme__in=current - wanted,
    ).delete()
    RequestSignal.objects.bulk_create(
        RequestSignal(
            organisation_id=actor.organisation_id,
            request=request,
            theme=theme,
            noted_on=timezone.localdate(),
            noted_by=actor,
        )
        for theme in sorted(wanted - current)
    )
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.signals.set",
        target=request,
        data={"themes": sorted(wanted)},
    )
    return sorted(wanted)


MAX_BOARD_TEXT = 6000


@transaction.atomic
def draft_board_report(
    *, actor: Membership, first: Quarter, last: Quarter, text: str
) -> BoardReport:
    """A new draft of the signals report for a period, with the text drafted from
    the figures (`reports.signals.draft_text`)."""
    _require(actor, (Role.COORDINATOR,))
    report = BoardReport(
        organisation_id=actor.organisation_id,
        first_quarter=f"{first.school_year}-{first.number}",
        last_quarter=f"{last.school_year}-{last.number}",
        text=text[:MAX_BOARD_TEXT],
        written_by=actor,
    )
    report.full_clean()
    report.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.board_report.draft",
        target=report,
    )
    return report


@transaction.atomic
def edit_board_report(
    *,
    actor: Membership,
    report: BoardReport,
    text: str,
    share: bool = False,
    not_a_name: bool = False,
) -> BoardReport:
    """The coordinator's text of the draft; `share` marks it as shared with the SWV
    board (after that it no longer changes). A name of a parent or child of a
    running match is refused unless the coordinator confirms it is no name."""
    _require(actor, (Role.COORDINATOR,))
    if report.organisation_id != actor.organisation_id:
        raise DomainError(_("Dit hoort niet bij uw organisatie."))
    report = BoardReport.objects.select_for_update().get(pk=report.pk)
    if report.shared_at is not None:
        raise DomainError(_("Deze rapportage is al gedeeld en verandert niet meer."))
    text = text.strip()
    if not text:
        raise DomainError(_("Schrijf de tekst van de rapportage."), field="text")
    if len(text) > MAX_BOARD_TEXT:
        raise DomainError(
            _("De tekst is te lang: hoogstens %(n)s tekens.") % {"n": MAX_BOARD_TEXT},
            field="text",
        )
    if not not_a_name:
        found = names.names_in(
            text, support_selectors.names_in_running_matches(actor.organisation_id)
        )
        if found:
            raise DomainError(
                _(
                    "In de tekst staat een naam uit een lopende koppeling: "
                    "%(names)s. De rapportage aan het SWV is anoniem. Is het toch "
                    "geen naam? Vink dan aan dat het geen naam is."
                )
                % {"names": ", ".join(found)},
                field="names",
            )
    report.text = text
    if share:
        report.shared_at = timezone.now()
    report.full_clean()
    report.save()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="reports.board_report.share" if share else "reports.board_report.edit",
        target=report,
    )
    return report
