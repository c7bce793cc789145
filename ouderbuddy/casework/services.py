"""Supporting an active match and closing it: every write goes through here.

Who may do what: the match's own buddy logs contacts, plans school meetings, answers
the fit question, raises a safety signal and acknowledges the agreements; the parent
(through the status link) acknowledges the agreements and answers the fit question;
the coordinator of the organisation does all of that and also records check-ins,
follows up signals and closes the match. Each write leaves an audit event; e-mails go
after the commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework import hooks
from ouderbuddy.casework.models import (
    MINUTES_MAX,
    NOTE_MAX,
    PREPARATION,
    Agreement,
    CalendarFeed,
    CheckIn,
    CloseReason,
    Closure,
    Contact,
    ContactMode,
    Fit,
    FitAnswer,
    Frequency,
    Initiator,
    MeetingKind,
    SafetySignal,
    SchoolMeeting,
    Side,
    SignalKind,
)
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.intake.services import status_url
from ouderbuddy.intake.states import move_request
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.states import move_match
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import DEFAULT_FIRST_CHECK_INS, Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.taxonomy.selectors import validate_codes

# The fixed part of the agreements (what a buddy does not do, confidentiality).
AGREEMENT_TEXT_VERSION = "werkafspraken-2026-11"
DEFAULT_MONTHS = 6
QUIET_DAYS = 21
FOLLOW_UP_DAYS = 90
# Check-ins after the start: twice in the first month, then monthly (the default;
# each organisation sets its own rhythm on its settings page).
FIRST_CHECK_INS = DEFAULT_FIRST_CHECK_INS
GOALS_MAX = 2000
TOPIC_GROUPS = {"issue", "need", "route", "transition", "context"}


# --- Who may act -----------------------------------------------------------------------


def _is_coordinator(actor: Membership, match: Match) -> bool:
    return (
        actor.role == Role.COORDINATOR
        and actor.organisation_id == match.organisation_id
    )


def _is_own_buddy(actor: Membership, match: Match) -> bool:
    return (
        actor.role == Role.BUDDY
        and actor.organisation_id == match.organisation_id
        and match.buddy.user_id == actor.user_id
    )


def _coordinator(actor: Membership, match: Match) -> None:
    if not _is_coordinator(actor, match):
        raise DomainError(_("Dit mag alleen de coördinator van dit steunpunt."))


def _buddy_or_coordinator(actor: Membership, match: Match) -> None:
    if not (_is_own_buddy(actor, match) or _is_coordinator(actor, match)):
        raise DomainError(
            _("Dit mag alleen de buddy van deze koppeling of de coördinator.")
        )


def _running(match: Match) -> None:
    if match.status != MatchStatus.ACTIVE:
        raise DomainError(
            _("Deze koppeling loopt nu niet. De status is: %(status)s.")
            % {"status": match.get_status_display()}
        )


def _locked(match: Match) -> Match:
    return (
        Match.objects.select_for_update()
        .select_related("request", "buddy", "organisation")
        .get(pk=match.pk)
    )


def _note(text: str, field: str = "note", limit: int = NOTE_MAX) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise DomainError(
            _("Schrijf hoogstens %(n)d tekens.") % {"n": limit}, field=field
        )
    return text


# --- Working agreements ------------------------------------------------------------------


@transaction.atomic
def set_agreement(
    *,
    actor: Membership,
    match: Match,
    goals: str,
    frequency: str,
    contact_modes: Iterable[str],
    expected_until: dt.date | None = None,
) -> Agreement:
    """Write (a new version of) the working agreements; both sides acknowledge again."""
    match = _locked(match)
    _coordinator(actor, match)
    if match.status not in (MatchStatus.INTRODUCTION_PLANNED, MatchStatus.ACTIVE):
        raise DomainError(
            _("Werkafspraken horen bij een koppeling die start of loopt.")
        )
    goals = _note(goals, "goals", GOALS_MAX)
    if not goals:
        raise DomainError(
            _("Schrijf de doelen op, in de woorden van de ouder."), field="goals"
        )
    if frequency not in Frequency.values:
        raise DomainError(_("Kies hoe vaak er contact is."), field="frequency")
    modes = list(dict.fromkeys(contact_modes))
    if not modes or any(m not in ContactMode.values for m in modes):
        raise DomainError(
            _("Kies minstens één manier van contact."), field="contact_modes"
        )
    start = match.started_on or timezone.localdate()
    expected_until = expected_until or start + relativedelta(months=DEFAULT_MONTHS)
    if expected_until <= start:
        raise DomainError(_("Kies een einddatum na de start."), field="expected_until")
    if expected_until > start + relativedelta(months=24):
        raise DomainError(
            _("Een koppeling duurt hoogstens twee jaar."), field="expected_until"
        )
    latest = match.agreements.order_by("-version").first()
    agreement = Agreement.objects.create(
        organisation_id=match.organisation_id,
        match=match,
        version=(latest.version + 1) if latest else 1,
        goals=goals,
        frequency=frequency,
        contact_modes=modes,
        expected_until=expected_until,
        text_version=AGREEMENT_TEXT_VERSION,
        created_by=actor.user,
    )
    if match.status == MatchStatus.ACTIVE:
        _extend_check_ins(match, expected_until)
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.agreement",
        target=match,
        data={"version": agreement.version},
    )
    _mail_buddy(
        match, gettext_lazy("Werkafspraken om te lezen"), "casework/email/agreement.txt"
    )
    _mail_parent(
        match, gettext_lazy("Werkafspraken om te lezen"), "casework/email/agreement.txt"
    )
    return agreement


def current_agreement(match: Match) -> Agreement | None:
    return match.agreements.order_by("-version").first()


@transaction.atomic
def acknowledge_agreement(
    *, agreement: Agreement, side: str, actor: Membership | None = None
) -> Agreement:
    """The buddy (signed in) or the parent (status link: no actor) has read it."""
    agreement = (
        Agreement.objects.select_for_update()
        .select_related("match")
        .get(pk=agreement.pk)
    )
    match = agreement.match
    if side == Side.BUDDY:
        if actor is None or not _is_own_buddy(actor, match):
            raise DomainError(
                _("Alleen de buddy van deze koppeling kan dit bevestigen.")
            )
    elif side != Side.PARENT or actor is not None:
        raise DomainError(_("Onbekende keuze."))
    if match.status not in (MatchStatus.INTRODUCTION_PLANNED, MatchStatus.ACTIVE):
        raise DomainError(_("Deze koppeling loopt nu niet."))
    latest = current_agreement(match)
    if latest is None or latest.pk != agreement.pk:
        raise DomainError(_("Er is een nieuwere versie van de werkafspraken."))
    field = "buddy_acknowledged_at" if side == Side.BUDDY else "parent_acknowledged_at"
    if getattr(agreement, field) is None:
        setattr(agreement, field, timezone.now())
        agreement.save(update_fields=[field, "updated_at"])
        record_event(
            actor=actor,
            organisation=match.organisation,
            verb="casework.agreement_ack",
            target=match,
            data={"side": side, "version": agreement.version},
        )
    return agreement


# --- Contact log -----------------------------------------------------------------------


@transaction.atomic
def log_contact(
    *,
    actor: Membership,
    match: Match,
    on: dt.date,
    mode: str,
    minutes: int,
    topics: Iterable[str] = (),
    note: str = "",
    meeting: SchoolMeeting | None = None,
) -> Contact:
    match = _locked(match)
    _buddy_or_coordinator(actor, match)
    _running(match)
    today = timezone.localdate()
    if on > today:
        raise DomainError(_("Een contact kan niet in de toekomst liggen."), field="on")
    if match.started_on and on < match.started_on:
        raise DomainError(
            _("Een contact kan niet voor de start van de koppeling liggen (%(date)s).")
            % {"date": match.started_on.strftime("%d-%m-%Y")},
            field="on",
        )
    if mode not in ContactMode.values:
        raise DomainError(_("Kies de soort contact."), field="mode")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not (1 <= minutes <= MINUTES_MAX)
    ):
        raise DomainError(
            _("Vul een aantal minuten in tussen 1 en %(max)d.") % {"max": MINUTES_MAX},
            field="minutes",
        )
    codes = validate_codes(list(topics), groups=TOPIC_GROUPS)
    note = _note(note)
    if meeting is not None:
        if meeting.match_id != match.pk:
            raise DomainError(_("Dit gesprek hoort niet bij deze koppeling."))
        if meeting.cancelled:
            raise DomainError(_("Dit gesprek ging niet door."))
        if Contact.objects.filter(meeting=meeting).exists():
            raise DomainError(_("Dit gesprek is al vastgelegd."))
    contact = Contact.objects.create(
        organisation_id=match.organisation_id,
        match=match,
        on=on,
        mode=mode,
        minutes=minutes,
        topics=codes,
        note=note,
        logged_by=actor.user,
        meeting=meeting,
    )
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.contact",
        target=match,
        data={"mode": mode, "minutes": minutes},
    )
    return contact


# --- School meetings ------------------------------------------------------------------


@transaction.atomic
def plan_meeting(
    *,
    actor: Membership,
    match: Match,
    starts_at: dt.datetime,
    place: str,
    kind: str,
    preparation: Iterable[str] = (),
) -> SchoolMeeting:
    match = _locked(match)
    _buddy_or_coordinator(actor, match)
    _running(match)
    if starts_at <= timezone.now():
        raise DomainError(_("Kies een moment in de toekomst."), field="starts_at")
    if starts_at > timezone.now() + dt.timedelta(days=365):
        raise DomainError(_("Kies een moment binnen een jaar."), field="starts_at")
    place = _note(place, "place", 200)
    if not place:
        raise DomainError(_("Vul in waar het gesprek is."), field="place")
    if kind not in MeetingKind.values:
        raise DomainError(_("Kies de soort gesprek."), field="kind")
    meeting = SchoolMeeting.objects.create(
        organisation_id=match.organisation_id,
        match=match,
        starts_at=starts_at,
        place=place,
        kind=kind,
        preparation=_preparation(preparation),
        created_by=actor.user,
    )
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.meeting",
        target=match,
        data={"kind": kind},
    )
    return meeting


def _preparation(done: Iterable[str]) -> list[str]:
    known = {key for key, _label in PREPARATION}
    chosen = list(dict.fromkeys(done))
    if any(key not in known for key in chosen):
        raise DomainError(_("Onbekend punt in de voorbereiding."), field="preparation")
    return chosen


@transaction.atomic
def update_preparation(
    *, actor: Membership, meeting: SchoolMeeting, done: Iterable[str]
) -> SchoolMeeting:
    meeting = SchoolMeeting.objects.select_for_update().get(pk=meeting.pk)
    _buddy_or_coordinator(actor, meeting.match)
    _running(meeting.match)
    meeting.preparation = _preparation(done)
    meeting.save(update_fields=["preparation", "updated_at"])
    record_event(
        actor=actor,
        organisation=meeting.match.organisation,
        verb="casework.meeting_preparation",
        target=meeting.match,
        data={"meeting": str(meeting.pk), "done": meeting.preparation},
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: Membership, meeting: SchoolMeeting) -> SchoolMeeting:
    meeting = SchoolMeeting.objects.select_for_update().get(pk=meeting.pk)
    _buddy_or_coordinator(actor, meeting.match)
    _running(meeting.match)
    if meeting.cancelled:
        raise DomainError(_("Dit gesprek gaat al niet door."))
    meeting.cancelled = True
    meeting.save(update_fields=["cancelled", "updated_at"])
    record_event(
        actor=actor,
        organisation=meeting.match.organisation,
        verb="casework.meeting_cancel",
        target=meeting.match,
        data={"meeting": str(meeting.pk), "kind": meeting.kind},
    )
    return meeting


# --- Calendar feed ----------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def new_calendar_feed(*, actor: Membership, buddy: Buddy) -> str:
    """A new secret iCal address for the buddy (the old one stops working). Returns the
    token; only its hash is stored, so it is shown once."""
    if actor.role != Role.BUDDY or buddy.user_id != actor.user_id:
        raise DomainError(_("U kunt alleen uw eigen agenda-link maken."))
    CalendarFeed.objects.filter(buddy=buddy, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(
        organisation_id=buddy.organisation_id, buddy=buddy, token_hash=_hash(token)
    )
    record_event(
        actor=actor, organisation=actor.organisation, verb="casework.ical", target=buddy
    )
    return token


@transaction.atomic
def revoke_calendar_feed(*, actor: Membership, buddy: Buddy) -> int:
    if actor.role != Role.BUDDY or buddy.user_id != actor.user_id:
        raise DomainError(_("U kunt alleen uw eigen agenda-link stoppen."))
    revoked = CalendarFeed.objects.filter(buddy=buddy, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="casework.ical_revoke",
        target=buddy,
        data={"revoked": revoked},
    )
    return revoked


def buddy_for_calendar(token: str) -> Buddy | None:
    """The buddy of a live feed token, or None (unknown or revoked)."""
    feed = (
        CalendarFeed.objects.filter(token_hash=_hash(token), revoked_at__isnull=True)
        .select_related("buddy")
        .first()
    )
    return feed.buddy if feed else None


# --- Check-ins ------------------------------------------------------------------------


def check_in_days(
    start: dt.date,
    until: dt.date,
    first_days: Iterable[int] = FIRST_CHECK_INS,
    interval_months: int = 1,
) -> list[dt.date]:
    """The check-in days of a match: `first_days` after the start, then every
    `interval_months` months counted from the start (so 31 January gives 28 or 29
    February, then 31 March), from the first month on, until the expected end."""
    interval = max(1, int(interval_months))
    days = sorted({start + dt.timedelta(days=int(d)) for d in first_days})
    after = days[-1] if days else start
    step = 1
    while (due := start + relativedelta(months=step * interval)) <= until:
        if due > after:
            days.append(due)
        step += 1
    return days


def _rhythm(match: Match) -> tuple[list[int], int]:
    """The organisation's check-in rhythm (its settings page)."""
    organisation = match.organisation
    return (
        list(organisation.check_in_first_days or []),
        organisation.check_in_interval_months,
    )


def schedule_check_ins(match: Match) -> list[CheckIn]:
    """The first check-ins, then monthly until the expected end (6 months by default),
    in the organisation's rhythm. Called when the match starts."""
    start = match.started_on or timezone.localdate()
    agreement = current_agreement(match)
    until = (
        agreement.expected_until
        if agreement
        else start + relativedelta(months=DEFAULT_MONTHS)
    )
    first_days, interval = _rhythm(match)
    org_cache.changed(match.organisation_id)  # bulk_create sends no signal
    return CheckIn.objects.bulk_create(
        CheckIn(organisation_id=match.organisation_id, match=match, due_on=day)
        for day in check_in_days(start, until, first_days, interval)
    )


def _extend_check_ins(match: Match, until: dt.date) -> None:
    """A renewed agreement that runs longer gets the monthly check-ins that go with it."""
    start = match.started_on or timezone.localdate()
    last = (
        CheckIn.objects.filter(match=match)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    first_days, interval = _rhythm(match)
    org_cache.changed(match.organisation_id)  # bulk_create sends no signal
    CheckIn.objects.bulk_create(
        CheckIn(organisation_id=match.organisation_id, match=match, due_on=due)
        for due in check_in_days(start, until, first_days, interval)
        if last is None or due > last
    )


@transaction.atomic
def record_check_in(
    *,
    actor: Membership,
    check_in: CheckIn,
    done_on: dt.date,
    with_buddy: bool,
    with_parent: bool,
    note: str = "",
) -> CheckIn:
    check_in = (
        CheckIn.objects.select_for_update().select_related("match").get(pk=check_in.pk)
    )
    _coordinator(actor, check_in.match)
    if check_in.done_on is not None:
        raise DomainError(_("Deze check-in is al vastgelegd."))
    if done_on > timezone.localdate():
        raise DomainError(
            _("Een check-in kan niet in de toekomst liggen."), field="done_on"
        )
    if check_in.match.started_on and done_on < check_in.match.started_on:
        raise DomainError(
            _("Een check-in kan niet voor de start van de koppeling liggen."),
            field="done_on",
        )
    if not (with_buddy or with_parent):
        raise DomainError(
            _("Met wie had u contact? Kies de buddy, de ouder of allebei.")
        )
    check_in.done_on = done_on
    check_in.done_by = actor.user
    check_in.with_buddy = with_buddy
    check_in.with_parent = with_parent
    check_in.note = _note(note)
    check_in.save()
    record_event(
        actor=actor,
        organisation=check_in.match.organisation,
        verb="casework.check_in",
        target=check_in.match,
    )
    return check_in


@transaction.atomic
def add_check_in(*, actor: Membership, match: Match, due_on: dt.date) -> CheckIn:
    """An extra check-in, or one moved: the coordinator adjusts the schedule."""
    match = _locked(match)
    _coordinator(actor, match)
    _running(match)
    if due_on < timezone.localdate():
        raise DomainError(_("Kies vandaag of een dag in de toekomst."), field="due_on")
    check_in = CheckIn.objects.create(
        organisation_id=match.organisation_id, match=match, due_on=due_on
    )
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.check_in_add",
        target=match,
        data={"due_on": due_on.isoformat()},
    )
    return check_in


@transaction.atomic
def drop_check_in(*, actor: Membership, check_in: CheckIn) -> None:
    check_in = (
        CheckIn.objects.select_for_update().select_related("match").get(pk=check_in.pk)
    )
    _coordinator(actor, check_in.match)
    if check_in.done_on is not None:
        raise DomainError(_("Een gedane check-in blijft in het dossier."))
    record_event(
        actor=actor,
        organisation=check_in.match.organisation,
        verb="casework.check_in_drop",
        target=check_in.match,
        data={"due_on": check_in.due_on.isoformat()},
    )
    check_in.delete()


# --- Pairing fit --------------------------------------------------------------------------


@transaction.atomic
def answer_fit(
    *, match: Match, side: str, answer: str, actor: Membership | None = None
) -> FitAnswer:
    """'Hoe klikt het?' after the introduction. 'Not good' alerts the coordinator."""
    match = _locked(match)
    if side == Side.BUDDY:
        if actor is None or not _is_own_buddy(actor, match):
            raise DomainError(
                _("Alleen de buddy van deze koppeling kan dit beantwoorden.")
            )
    elif side != Side.PARENT or actor is not None:
        raise DomainError(_("Onbekende keuze."))
    _running(match)
    if answer not in Fit.values:
        raise DomainError(_("Kies een antwoord."), field="answer")
    try:
        with transaction.atomic():
            fit = FitAnswer.objects.create(
                organisation_id=match.organisation_id,
                match=match,
                side=side,
                answer=answer,
            )
    except IntegrityError as exc:
        raise DomainError(_("U heeft deze vraag al beantwoord.")) from exc
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.fit",
        target=match,
        data={"side": side, "answer": answer},
    )
    if answer == Fit.NOT_GOOD:
        _mail_coordinators(
            match,
            gettext_lazy("Het klikt niet goed: %(ref)s"),
            "casework/email/fit_not_good.txt",
            {"side": Side(side).label},
        )
    return fit


@transaction.atomic
def follow_up_fit(*, actor: Membership, fit: FitAnswer) -> FitAnswer:
    """The coordinator talked about a 'not good' answer: it leaves the start page."""
    fit = FitAnswer.objects.select_for_update().select_related("match").get(pk=fit.pk)
    _coordinator(actor, fit.match)
    if fit.followed_up_at is None:
        fit.followed_up_at = timezone.now()
        fit.save(update_fields=["followed_up_at", "updated_at"])
        record_event(
            actor=actor,
            organisation=fit.match.organisation,
            verb="casework.fit_follow_up",
            target=fit.match,
        )
    return fit


# --- Safety signal -------------------------------------------------------------------------


@transaction.atomic
def raise_signal(
    *, actor: Membership, match: Match, kind: str, description: str
) -> SafetySignal:
    """The buddy's signal: the coordinators get an e-mail at once and see it first
    thing on their start page."""
    match = _locked(match)
    _buddy_or_coordinator(actor, match)
    if match.status not in (MatchStatus.ACTIVE, MatchStatus.INTRODUCTION_PLANNED):
        raise DomainError(_("Deze koppeling loopt nu niet."))
    if kind not in SignalKind.values:
        raise DomainError(_("Kies wat er aan de hand is."), field="kind")
    description = _note(description, "description")
    if not description:
        raise DomainError(_("Schrijf kort wat er is."), field="description")
    signal = SafetySignal.objects.create(
        organisation_id=match.organisation_id,
        match=match,
        kind=kind,
        description=description,
        raised_by=actor.user,
    )
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.signal",
        target=match,
        data={"kind": kind},
    )
    _mail_coordinators(
        match,
        gettext_lazy("Zorgsignaal van een buddy: %(ref)s"),
        "casework/email/signal.txt",
        {"signal": signal},
    )
    return signal


@transaction.atomic
def acknowledge_signal(*, actor: Membership, signal: SafetySignal) -> SafetySignal:
    signal = (
        SafetySignal.objects.select_for_update()
        .select_related("match")
        .get(pk=signal.pk)
    )
    _coordinator(actor, signal.match)
    if signal.acknowledged_at is None:
        signal.acknowledged_at = timezone.now()
        signal.acknowledged_by = actor.user
        signal.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
        record_event(
            actor=actor,
            organisation=signal.match.organisation,
            verb="casework.signal_ack",
            target=signal.match,
        )
        _mail_buddy(
            signal.match,
            gettext_lazy("De coördinator heeft uw signaal gezien"),
            "casework/email/signal_seen.txt",
        )
    return signal


@transaction.atomic
def follow_up_signal(
    *, actor: Membership, signal: SafetySignal, follow_up: str, close: bool
) -> SafetySignal:
    signal = (
        SafetySignal.objects.select_for_update()
        .select_related("match")
        .get(pk=signal.pk)
    )
    _coordinator(actor, signal.match)
    if signal.closed_at is not None:
        raise DomainError(_("Dit signaal is al afgehandeld."))
    follow_up = _note(follow_up, "follow_up", 2000)
    if not follow_up:
        raise DomainError(_("Schrijf op wat u heeft gedaan."), field="follow_up")
    if signal.acknowledged_at is None:
        signal.acknowledged_at = timezone.now()
        signal.acknowledged_by = actor.user
    signal.follow_up = follow_up
    if close:
        signal.closed_at = timezone.now()
    signal.save()
    record_event(
        actor=actor,
        organisation=signal.match.organisation,
        verb="casework.signal_follow_up",
        target=signal.match,
        data={"closed": close},
    )
    return signal


# --- Closure and rematch ----------------------------------------------------------------


@transaction.atomic
def close_match(
    *,
    actor: Membership,
    match: Match,
    reason: str,
    initiator: str,
    note: str = "",
    rematch: bool = False,
) -> Closure:
    """End a running match with a reason. The request closes, or goes back to the
    waiting list for a rematch (the former buddy is never proposed again for this
    parent). Both sides get the exit questionnaire invitation; the coordinator is
    reminded to follow up after three months."""
    match = _locked(match)
    _coordinator(actor, match)
    if match.status == MatchStatus.CLOSED:
        raise DomainError(_("Deze koppeling is al afgesloten."))
    _running(match)
    if reason not in CloseReason.values:
        raise DomainError(_("Kies een reden."), field="reason")
    if initiator not in Initiator.values:
        raise DomainError(_("Kies wie het besloot."), field="initiator")
    note = _note(note)
    today = timezone.localdate()
    closure = Closure.objects.create(
        organisation_id=match.organisation_id,
        match=match,
        reason=reason,
        initiator=initiator,
        note=note,
        rematch=rematch,
        closed_by=actor.user,
        closed_on=today,
        follow_up_on=today + dt.timedelta(days=FOLLOW_UP_DAYS),
    )
    move_match(
        match,
        to_status=MatchStatus.CLOSED,
        description=_("Afgesloten: %(close_reason)s (besloten door: %(who)s)")
        % {
            "close_reason": CloseReason(reason).label,
            "who": Initiator(initiator).label,
        },
        actor=actor,
    )
    # What was still planned goes away with the match.
    SchoolMeeting.objects.filter(
        match=match, starts_at__gt=timezone.now(), cancelled=False
    ).update(cancelled=True)
    org_cache.changed(match.organisation_id)  # update() sends no signal
    CheckIn.objects.filter(match=match, done_on__isnull=True).delete()
    request = HelpRequest.objects.select_for_update().get(pk=match.request_id)
    move_request(
        request,
        to_status=RequestStatus.WAITING if rematch else RequestStatus.CLOSED,
        description=(
            _("De koppeling is gestopt; we zoeken een andere buddy.")
            if rematch
            else _("De begeleiding is afgerond.")
        ),
        actor=actor,
    )
    # The evaluation app invites both sides to the questionnaire at the end; the
    # links go into the closure e-mails.
    links = (
        hooks.closure_questionnaires(match, closure)
        if hooks.closure_questionnaires.answerer
        else {}
    )
    record_event(
        actor=actor,
        organisation=match.organisation,
        verb="casework.close",
        target=match,
        data={"reason": reason, "initiator": initiator, "rematch": rematch},
    )
    _mail_parent(
        match,
        gettext_lazy("Uw buddy-koppeling is afgesloten"),
        "casework/email/closed.txt",
        {"rematch": rematch, "questionnaire": links.get(Side.PARENT, "")},
    )
    _mail_buddy(
        match,
        gettext_lazy("De koppeling is afgesloten"),
        "casework/email/closed.txt",
        {"rematch": False, "questionnaire": links.get(Side.BUDDY, "")},
    )
    return closure


# --- Daily work ---------------------------------------------------------------------------


def send_meeting_reminders(now: dt.datetime | None = None) -> int:
    """The day before a school meeting the buddy gets a reminder with the checklist."""
    now = now or timezone.now()
    sent = 0
    # The meetings of tomorrow (a local calendar day): the job runs just after
    # midnight, so a window of hours would catch this afternoon's meetings as well
    # and call them "tomorrow".
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    zone = timezone.get_current_timezone()
    due = SchoolMeeting.objects.filter(
        cancelled=False,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__gte=dt.datetime.combine(tomorrow, dt.time.min, tzinfo=zone),
        starts_at__lt=dt.datetime.combine(
            tomorrow + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        ),
        match__status=MatchStatus.ACTIVE,
    ).select_related("match__buddy", "match__organisation", "match__request")
    for meeting in due:
        with transaction.atomic():
            _mail_buddy(
                meeting.match,
                gettext_lazy("Morgen: gesprek op school"),
                "casework/email/meeting_reminder.txt",
                {"meeting": meeting, "preparation": PREPARATION},
            )
            SchoolMeeting.objects.filter(pk=meeting.pk).update(reminder_sent_at=now)
            record_event(
                actor=None,
                organisation=meeting.match.organisation,
                verb="casework.reminder.meeting",
                target=meeting.match,
                data={"meeting": str(meeting.pk)},
            )
            sent += 1
    return sent


def send_meeting_prompts(now: dt.datetime | None = None) -> int:
    """After a school meeting without a logged contact, ask the buddy to log it."""
    now = now or timezone.now()
    sent = 0
    done = SchoolMeeting.objects.filter(
        cancelled=False,
        prompt_sent_at__isnull=True,
        starts_at__lte=now - dt.timedelta(hours=2),
        starts_at__gte=now - dt.timedelta(days=14),
        contact__isnull=True,
        match__status=MatchStatus.ACTIVE,
    ).select_related("match__buddy", "match__organisation", "match__request")
    for meeting in done:
        with transaction.atomic():
            _mail_buddy(
                meeting.match,
                gettext_lazy("Hoe ging het gesprek op school?"),
                "casework/email/meeting_prompt.txt",
                {"meeting": meeting},
            )
            SchoolMeeting.objects.filter(pk=meeting.pk).update(prompt_sent_at=now)
            record_event(
                actor=None,
                organisation=meeting.match.organisation,
                verb="casework.reminder.meeting_prompt",
                target=meeting.match,
                data={"meeting": str(meeting.pk)},
            )
            sent += 1
    return sent


def send_follow_up_reminders(today: dt.date | None = None) -> int:
    """Three months after closing, the coordinator is reminded to call the parent."""
    today = today or timezone.localdate()
    sent = 0
    for closure in Closure.objects.filter(
        follow_up_on__lte=today, follow_up_reminded_at__isnull=True
    ).select_related("match__request", "match__buddy", "match__organisation"):
        with transaction.atomic():
            _mail_coordinators(
                closure.match,
                gettext_lazy("Nabellen na drie maanden: %(ref)s"),
                "casework/email/follow_up.txt",
                {"closure": closure},
            )
            Closure.objects.filter(pk=closure.pk).update(
                follow_up_reminded_at=timezone.now()
            )
            record_event(
                actor=None,
                organisation=closure.match.organisation,
                verb="casework.reminder.follow_up",
                target=closure.match,
            )
            sent += 1
    return sent


# --- E-mail --------------------------------------------------------------------------------


def _mail_buddy(
    match: Match, subject: Promise, template: str, extra: dict[str, Any] | None = None
) -> None:
    """In the buddy's language (their account's)."""
    mail.send_templated(
        to=[mail.buddy_recipient(match.buddy)],
        subject=subject,
        template=template,
        context={
            "match": match,
            "to_buddy": True,
            "name": mail.first_name(match.buddy.full_name),
            "organisation": match.organisation,
            "link": mail.absolute_url("casework:buddy_match", match.pk),
            **(extra or {}),
        },
    )


def _mail_parent(
    match: Match, subject: Promise, template: str, extra: dict[str, Any] | None = None
) -> None:
    """In the language the parent used on the form."""

    mail.send_templated(
        to=[mail.parent_recipient(match.request)],
        subject=subject,
        template=template,
        context={
            "match": match,
            "to_buddy": False,
            "name": mail.first_name(match.request.full_name),
            "buddy_name": mail.first_name(match.buddy.full_name),
            "organisation": match.organisation,
            "link": status_url(match.request),
            **(extra or {}),
        },
    )


def _mail_coordinators(
    match: Match, subject: Promise, template: str, extra: dict[str, Any] | None = None
) -> None:
    """Each coordinator in their own language; `subject` may use %(ref)s."""
    mail.send_templated(
        to=mail.coordinators(match.organisation_id),
        subject=subject,
        subject_params={"ref": match.request.reference},
        template=template,
        context={
            "match": match,
            "link": mail.absolute_url("matching:match", match.pk),
            **(extra or {}),
        },
        organisation=match.organisation,
    )
