"""Demo data for casework: supported matches with a past.

`seed_demo_casework` runs after `matching.demo.seed_demo_matches` for each demo
organisation. Through the services it adds more matches (so every match state shows,
closed with a rematch included) and gives the active ones a history: working
agreements, contacts over the past weeks, check-ins done and one overdue, a school
meeting next week, a quiet match, an open safety signal and a doubtful fit answer. The
services refuse dates in the past on purpose (a match cannot be started weeks ago), so
only those are set directly: a new match is started today, then its timeline is moved
back with a queryset update. E-mails go to memory.

The national benchmark data (bulk, models directly) is in `bench/national.py`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.test.utils import override_settings
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    Agreement,
    CheckIn,
    CloseReason,
    Contact,
    ContactMode,
    Fit,
    Frequency,
    Initiator,
    MeetingKind,
    Side,
    SignalKind,
)
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import HelpRequest, RequestEvent, RequestStatus
from ouderbuddy.matching import selectors as matching_selectors
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.models import (
    IntroductionMode,
    Match,
    MatchEvent,
    MatchStatus,
)
from ouderbuddy.organisations.models import Membership, Organisation, Role

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"

GOALS = [
    "Ik wil me beter voorbereiden op de gesprekken op school en weten wat ik kan "
    "vragen. Ik wil dat mijn zoon weer een paar ochtenden naar school gaat.",
    "Samen het OPP lezen en begrijpen wat erin staat. Ik wil niet meer alleen aan "
    "tafel zitten bij school.",
    "Uitzoeken welke school past en hoe de aanvraag voor een TLV gaat.",
    "Iemand die meedenkt en meegaat naar het overleg met school en de gemeente.",
]
CONTACT_NOTES = [
    "Samen de vragen voor het gesprek op school opgeschreven.",
    "Ouder had een zware week; vooral geluisterd.",
    "Het verslag van school samen doorgelezen.",
    "Afgesproken wie wat zegt bij het volgende gesprek.",
    "Kort gebeld na het gesprek; het ging beter dan verwacht.",
    "Informatie over de onderwijsconsulent doorgestuurd.",
]
CHECK_IN_NOTES = [
    "Loopt goed; buddy en ouder zien elkaar elke week.",
    "Buddy vindt het zwaar; volgende maand opnieuw bellen.",
    "",
]
SIGNAL_TEXT = (
    "De ouder vraagt mij om hulp bij geldzaken en het regelen van schulden. Dat gaat "
    "verder dan wat ik als buddy kan doen; wilt u contact opnemen?"
)
TOPIC_GROUPS = ("issue.", "need.", "route.", "transition.", "context.")
# The demo's supported match started ten weeks ago: two check-ins done, one overdue.
SUPPORTED_WEEKS = 10
QUIET_WEEKS = 16
CLOSED_WEEKS = 22


# --- The two demo organisations ----------------------------------------------------------


def seed_demo_casework(organisation: Organisation, *, rematch: bool = True) -> int:
    """Casework for one demo organisation; returns how many contacts it added (0 when
    it ran before, or when there is no active demo match to work on). The closed match
    ends with a rematch (its request waits again) or, with `rematch=False`, with its
    goal reached (the request is closed)."""
    if (
        Contact.objects.filter(organisation=organisation).exists()
        or Agreement.objects.filter(organisation=organisation).exists()
    ):
        return 0
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    active = list(
        Match.objects.filter(organisation=organisation, status=MatchStatus.ACTIVE)
        .select_related("buddy", "request")
        .order_by("created_at", "pk")
    )
    if coordinator is None or not active:
        return 0
    rng = random.Random(f"casework-{organisation.name}")  # noqa: S311 - demo data
    with override_settings(EMAIL_BACKEND=LOCMEM), transaction.atomic():
        made = _more_matches(coordinator)
        _supported(coordinator, active[0], rng)
        if made.closed is not None:
            _closed(coordinator, made.closed, rng, rematch)
        if made.quiet is not None:
            _quiet(coordinator, made.quiet, rng)
    return Contact.objects.filter(organisation=organisation).count()


@dataclass
class _Made:
    quiet: Match | None = None
    closed: Match | None = None


def _buddy_member(match: Match) -> Membership:
    assert match.buddy.user_id is not None, "only buddies with an account are matched"
    return Membership.objects.select_related("user").get(
        organisation_id=match.organisation_id, user_id=match.buddy.user_id
    )


def _waiting_pool(coordinator: Membership) -> list[HelpRequest]:
    """Requests to make the extra matches with: new ones put on the waiting list by
    the coordinator (two stay new for the inbox), then the ones already waiting (the
    published batch left two for review; they are used only when the new ones run
    out of buddies)."""
    new = list(
        HelpRequest.objects.filter(
            organisation_id=coordinator.organisation_id, status=RequestStatus.NEW
        ).order_by("received_at", "pk")
    )
    waiting = list(
        HelpRequest.objects.filter(
            organisation_id=coordinator.organisation_id, status=RequestStatus.WAITING
        ).order_by("received_at", "pk")
    )
    return new[: max(0, len(new) - 2)] + waiting


def _pick(
    coordinator: Membership, pool: list[HelpRequest], skip: Iterable[object] = ()
) -> tuple[HelpRequest, Buddy] | None:
    """The first request in the pool with an eligible buddy who has an account."""
    skipped = set(skip)
    for request in pool:
        if request.pk in skipped:
            continue
        request.refresh_from_db()
        if request.status == RequestStatus.NEW:
            request = intake.decide_to_matching(actor=coordinator, request=request)
        if request.status != RequestStatus.WAITING:
            continue
        page = matching_selectors.shortlist(
            actor=coordinator, request=request, with_excluded=False
        )
        for option in page.candidates:
            if option.buddy.user_id is not None:
                return request, option.buddy
    return None


def _more_matches(coordinator: Membership) -> _Made:
    """The states the matching demo does not reach (declined, expired, the parent
    wants someone else, cancelled), a match that ends with a rematch, and a second
    active match that goes quiet."""
    pool = _waiting_pool(coordinator)
    made = _Made()
    for target in (
        MatchStatus.DECLINED,
        MatchStatus.EXPIRED,
        MatchStatus.PARENT_DECLINED,
        MatchStatus.CANCELLED,
        MatchStatus.CLOSED,
        MatchStatus.ACTIVE,
    ):
        # The closed match's request may wait again for a rematch: leave it waiting.
        skip = [made.closed.request_id] if made.closed is not None else []
        found = _pick(coordinator, pool, skip)
        if found is None:
            continue
        request, buddy = found
        match = matching.propose(
            actor=coordinator,
            request=request,
            buddy=buddy,
            reason="Woont dichtbij en kent de weg naar een TLV.",
        )
        if target == MatchStatus.CANCELLED:
            matching.cancel(
                actor=coordinator,
                match=match,
                reason="De ouder is een maand op reis; daarna stellen we opnieuw voor.",
            )
            continue
        if target == MatchStatus.EXPIRED:
            Match.objects.filter(pk=match.pk).update(
                respond_by=timezone.now() - dt.timedelta(hours=1)
            )
            matching.expire_proposals()
            continue
        member = _buddy_member(match)
        if target == MatchStatus.DECLINED:
            matching.decline(
                actor=member, match=match, reason="no_time", note="Net verhuisd."
            )
            continue
        matching.accept(actor=member, match=match)
        if target == MatchStatus.PARENT_DECLINED:
            matching.parent_declines(
                request=request,
                match=match,
                note="Ik zoek liever iemand die ook Turks spreekt.",
            )
            continue
        matching.parent_agrees(request=request, match=match)
        matching.plan_introduction(
            actor=coordinator,
            match=match,
            at=timezone.now() + dt.timedelta(hours=2),
            mode=IntroductionMode.VIDEO,
        )
        # The introduction has taken place (a match starts on or after its day).
        Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
        matching.activate(
            actor=coordinator, match=match, started_on=timezone.localdate()
        )
        if target == MatchStatus.CLOSED:
            made.closed = match
        else:
            made.quiet = match
    return made


def _move_back(match: Match, weeks: int) -> Match:
    """Start the match `weeks` ago: its whole timeline (and its request's) moves back,
    so the history stays in order. The services refuse a start in the past."""
    delta = dt.timedelta(weeks=weeks)
    Match.objects.filter(request_id=match.request_id).update(
        created_at=F("created_at") - delta,
        status_changed_at=F("status_changed_at") - delta,
        respond_by=F("respond_by") - delta,
        introduction_at=F("introduction_at") - delta,
    )
    Match.objects.filter(pk=match.pk).update(started_on=timezone.localdate() - delta)
    MatchEvent.objects.filter(match__request_id=match.request_id).update(
        at=F("at") - delta
    )
    HelpRequest.objects.filter(pk=match.request_id).update(
        received_at=F("received_at") - delta,
        status_changed_at=F("status_changed_at") - delta,
    )
    RequestEvent.objects.filter(request_id=match.request_id).update(at=F("at") - delta)
    # The schedule of check-ins follows the new start.
    CheckIn.objects.filter(match=match, done_on__isnull=True).delete()
    return Match.objects.select_related("buddy", "request", "organisation").get(
        pk=match.pk
    )


def _agree(
    coordinator: Membership, match: Match, rng: random.Random, parent_too: bool
) -> None:
    agreement = services.set_agreement(
        actor=coordinator,
        match=match,
        goals=rng.choice(GOALS),
        frequency=Frequency.WEEKLY,
        contact_modes=[ContactMode.PHONE, ContactMode.MESSAGE, ContactMode.IN_PERSON],
    )
    services.schedule_check_ins(match)
    services.acknowledge_agreement(
        agreement=agreement, side=Side.BUDDY, actor=_buddy_member(match)
    )
    if parent_too:
        services.acknowledge_agreement(agreement=agreement, side=Side.PARENT)


def _topics(match: Match) -> list[str]:
    return [
        code
        for code in match.request.codes.values_list("code", flat=True)
        if code.startswith(TOPIC_GROUPS)
    ]


def _log_contacts(
    match: Match,
    rng: random.Random,
    first: dt.date,
    last: dt.date,
    every: tuple[int, int] = (4, 9),
) -> None:
    """Contacts from `first` to `last`, every few days, logged by the buddy."""
    member = _buddy_member(match)
    topics = _topics(match)
    modes = [
        (ContactMode.PHONE, (15, 45)),
        (ContactMode.MESSAGE, (5, 15)),
        (ContactMode.IN_PERSON, (45, 120)),
        (ContactMode.VIDEO, (20, 45)),
        (ContactMode.SCHOOL_MEETING, (60, 90)),
    ]
    day = first
    while day <= last:
        mode, (low, high) = rng.choices(modes, weights=[30, 30, 15, 15, 10])[0]
        services.log_contact(
            actor=member,
            match=match,
            on=day,
            mode=mode,
            minutes=rng.randint(low, high),
            topics=rng.sample(topics, min(len(topics), rng.randint(0, 2))),
            note=rng.choice(CONTACT_NOTES) if rng.random() < 0.4 else "",
        )
        day += dt.timedelta(days=rng.randint(*every))


def _check_ins_done(
    coordinator: Membership,
    match: Match,
    rng: random.Random,
    leave_overdue: bool,
    until: dt.date | None = None,
) -> None:
    """Record the check-ins due before `until` (today) as done; the last one stays
    open when `leave_overdue`."""
    today = timezone.localdate()
    due = list(
        CheckIn.objects.filter(
            match=match, done_on__isnull=True, due_on__lt=until or today
        ).order_by("due_on")
    )
    if leave_overdue:
        due = due[:-1]
    for check_in in due:
        services.record_check_in(
            actor=coordinator,
            check_in=check_in,
            done_on=min(check_in.due_on + dt.timedelta(days=rng.randint(0, 2)), today),
            with_buddy=True,
            with_parent=rng.random() < 0.5,
            note=rng.choice(CHECK_IN_NOTES),
        )


def _supported(coordinator: Membership, match: Match, rng: random.Random) -> None:
    """The demo's main active match: running ten weeks with weekly contact, a school
    meeting next week, an overdue check-in and an open signal from the buddy."""
    match = _move_back(match, SUPPORTED_WEEKS)
    assert match.started_on is not None
    _agree(coordinator, match, rng, parent_too=False)
    today = timezone.localdate()
    _log_contacts(match, rng, match.started_on + dt.timedelta(days=2), today)
    _check_ins_done(coordinator, match, rng, leave_overdue=True)
    member = _buddy_member(match)
    next_week = timezone.localtime() + dt.timedelta(days=7)
    services.plan_meeting(
        actor=member,
        match=match,
        starts_at=next_week.replace(hour=10, minute=0, second=0, microsecond=0),
        place="Op school, in de kamer van de intern begeleider",
        kind=MeetingKind.OPP_REVIEW,
        preparation=["questions", "documents"],
    )
    services.answer_fit(match=match, side=Side.BUDDY, answer=Fit.GOOD, actor=member)
    services.answer_fit(match=match, side=Side.PARENT, answer=Fit.GOOD)
    services.raise_signal(
        actor=member,
        match=match,
        kind=SignalKind.BEYOND_ROLE,
        description=SIGNAL_TEXT,
    )


def _quiet(coordinator: Membership, match: Match, rng: random.Random) -> None:
    """Running for sixteen weeks, but nobody logged a contact in the last month, and
    the parent is not sure it clicks."""
    match = _move_back(match, QUIET_WEEKS)
    assert match.started_on is not None
    _agree(coordinator, match, rng, parent_too=True)
    today = timezone.localdate()
    last = today - dt.timedelta(days=services.QUIET_DAYS + 12)
    _log_contacts(match, rng, match.started_on + dt.timedelta(days=3), last, (6, 12))
    _check_ins_done(coordinator, match, rng, leave_overdue=False)
    services.answer_fit(match=match, side=Side.PARENT, answer=Fit.NOT_SURE)


def _closed(
    coordinator: Membership, match: Match, rng: random.Random, rematch: bool
) -> None:
    """A match that ran for five months and stopped: it did not click and the request
    goes back to the waiting list for another buddy, or the goal was reached."""
    match = _move_back(match, CLOSED_WEEKS)
    assert match.started_on is not None
    _agree(coordinator, match, rng, parent_too=True)
    today = timezone.localdate()
    _log_contacts(
        match,
        rng,
        match.started_on + dt.timedelta(days=4),
        today - dt.timedelta(days=10),
        (7, 16),
    )
    _check_ins_done(coordinator, match, rng, leave_overdue=False)
    if rematch:
        services.close_match(
            actor=coordinator,
            match=match,
            reason=CloseReason.MISMATCH,
            initiator=Initiator.TOGETHER,
            note="Het klikte niet echt. De ouder wil graag een andere buddy.",
            rematch=True,
        )
    else:
        services.close_match(
            actor=coordinator,
            match=match,
            reason=CloseReason.GOAL_REACHED,
            initiator=Initiator.TOGETHER,
            note="Het kind heeft een passende plek op een nieuwe school.",
        )
