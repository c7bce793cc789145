"""Demo data for casework: supported matches with a past, and the national contact log.

`seed_demo_casework` runs after `matching.demo.seed_demo_matches` for each demo
organisation. Through the services it adds more matches (so every match state shows,
closed with a rematch included) and gives the active ones a history: working
agreements, contacts over the past weeks, check-ins done and one overdue, a school
meeting next week, a quiet match, an open safety signal and a doubtful fit answer. The
services refuse dates in the past on purpose (a match cannot be started weeks ago), so
only those are set directly: a new match is started today, then its timeline is moved
back with a queryset update. E-mails go to memory.

`seed_national_casework` fills the national benchmark organisations in bulk (models
directly): active matches on 15-25 % of the active buddies' places, closed matches,
check-ins, a few signals and meetings, and 500,000 contacts by default.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.test.utils import override_settings
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    Agreement,
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
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import HelpRequest, RequestEvent, RequestStatus
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
        page = matching.shortlist(
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


# --- National benchmark data ---------------------------------------------------------


ACTIVE_SHARE = (0.15, 0.25)  # of the active buddies' places
CLOSED_SHARE = 0.2  # of the organisation's requests, over the five school years
QUIET_SHARE = 0.08  # of the active matches: no contact in the last 3-8 weeks
NOTE_SHARE = 0.1  # of the contacts: a short note (encrypted, so kept rare)
BATCH = 5000
NATIONAL_TOPICS = [
    "issue.meeting_support",
    "issue.opp",
    "issue.school_communication",
    "issue.out_of_school",
    "issue.tlv",
    "issue.arrangement",
    "issue.school_choice",
    "need.autism",
    "need.adhd_add",
    "need.anxiety",
    "transition.po_vo",
    "context.single_parent",
]
MODES = [
    (ContactMode.MESSAGE, 5, 20),
    (ContactMode.PHONE, 10, 45),
    (ContactMode.IN_PERSON, 45, 120),
    (ContactMode.VIDEO, 20, 60),
    (ContactMode.SCHOOL_MEETING, 45, 120),
]
MODE_WEIGHTS = [35, 30, 15, 10, 10]


@dataclass
class _Run:
    """One national match as planned before it is written."""

    match: Match
    start: dt.date
    end: dt.date  # today, the closing day, or the last contact of a quiet match
    weeks: float
    buddy_user_id: uuid.UUID | None


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def seed_national_casework(
    organisations: Sequence[Organisation], contacts: int = 500_000
) -> tuple[int, int, int]:
    """Active and closed matches with their contacts, check-ins, agreements and a few
    signals for the national organisations that have no match yet, bulk-inserted.

    `contacts` is the number of contact records for all of `organisations`; each
    match gets a share in proportion to how long it ran (about one contact a week).
    Returns (active matches, closed matches, contacts) added."""
    ids = [o.pk for o in organisations]
    done = set(
        Match.objects.filter(organisation_id__in=ids)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    todo = sorted((o for o in organisations if o.pk not in done), key=lambda o: o.name)
    if not todo:
        return 0, 0, 0
    todo_ids = [o.pk for o in todo]
    rng = random.Random("national-casework")  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    coordinators = dict(
        Membership.objects.filter(
            organisation_id__in=todo_ids, role=Role.COORDINATOR
        ).values_list("organisation_id", "user_id")
    )
    buddies: dict[uuid.UUID, list[tuple[uuid.UUID, str, int, uuid.UUID | None]]] = {}
    for row in (
        Buddy.objects.filter(
            organisation_id__in=todo_ids,
            status__in=(BuddyStatus.ACTIVE, BuddyStatus.PAUSED, BuddyStatus.STOPPED),
        )
        .order_by("organisation_id", "email")
        .values_list("organisation_id", "pk", "status", "max_matches", "user_id")
    ):
        buddies.setdefault(row[0], []).append(row[1:])
    requests: dict[uuid.UUID, list[tuple[uuid.UUID, dt.datetime]]] = {}
    for org_id, pk, received in (
        HelpRequest.objects.filter(
            organisation_id__in=todo_ids,
            status__in=(
                RequestStatus.INFORMED,
                RequestStatus.REFERRED,
                RequestStatus.WITHDRAWN,
            ),
        )
        .order_by("organisation_id", "reference")
        .values_list("organisation_id", "pk", "received_at")
    ):
        requests.setdefault(org_id, []).append((pk, received))

    runs: list[_Run] = []
    for organisation in todo:
        runs += _plan_organisation(
            rng,
            organisation,
            coordinators.get(organisation.pk),
            buddies.get(organisation.pk, []),
            requests.get(organisation.pk, []),
            today,
        )
    if not runs:
        return 0, 0, 0
    share = len(todo) / len(organisations)
    added = _write_national(rng, runs, round(contacts * share), coordinators, today)
    active = sum(1 for r in runs if r.match.status == MatchStatus.ACTIVE)
    return active, len(runs) - active, added


def _plan_organisation(
    rng: random.Random,
    organisation: Organisation,
    coordinator_id: uuid.UUID | None,
    buddies: list[tuple[uuid.UUID, str, int, uuid.UUID | None]],
    requests: list[tuple[uuid.UUID, dt.datetime]],
    today: dt.date,
) -> list[_Run]:
    runs: list[_Run] = []
    free = list(requests)
    rng.shuffle(free)
    # Active: a share of the places of the active buddies with an account.
    places = [
        (pk, user_id)
        for pk, status, max_matches, user_id in buddies
        if status == BuddyStatus.ACTIVE and user_id is not None
        for _ in range(max_matches)
    ]
    n_active = round(len(places) * rng.uniform(*ACTIVE_SHARE))
    recent = [r for r in free if 14 <= (today - timezone.localdate(r[1])).days <= 400]
    chosen = rng.sample(places, min(n_active, len(places), len(recent)))
    used = set()
    for (buddy_id, user_id), (request_id, received) in zip(
        chosen, recent, strict=False
    ):
        used.add(request_id)
        received_on = timezone.localdate(received)
        waited = (today - received_on).days
        start = received_on + dt.timedelta(days=rng.randint(7, min(42, waited - 1)))
        end = today
        if rng.random() < QUIET_SHARE:
            end = today - dt.timedelta(days=rng.randint(22, 56))
            end = max(end, start)
        runs.append(
            _run(
                organisation,
                coordinator_id,
                request_id,
                buddy_id,
                user_id,
                MatchStatus.ACTIVE,
                start,
                end,
                end_of_run=today,
                rng=rng,
            )
        )
    # Closed: over the five school years, by any buddy who was active at the time.
    older = [
        r
        for r in free
        if r[0] not in used and (today - timezone.localdate(r[1])).days >= 120
    ]
    n_closed = round(len(requests) * CLOSED_SHARE)
    for request_id, received in older[:n_closed]:
        if not buddies:
            break
        buddy_id, _status, _max, former_user_id = rng.choice(buddies)
        start = timezone.localdate(received) + dt.timedelta(days=rng.randint(7, 42))
        closed_on = min(
            start + dt.timedelta(days=rng.randint(60, 300)),
            today - dt.timedelta(days=1),
        )
        runs.append(
            _run(
                organisation,
                coordinator_id,
                request_id,
                buddy_id,
                former_user_id,
                MatchStatus.CLOSED,
                start,
                closed_on,
                end_of_run=closed_on,
                rng=rng,
            )
        )
    return runs


def _run(
    organisation: Organisation,
    coordinator_id: uuid.UUID | None,
    request_id: uuid.UUID,
    buddy_id: uuid.UUID,
    user_id: uuid.UUID | None,
    status: str,
    start: dt.date,
    end: dt.date,
    *,
    end_of_run: dt.date,
    rng: random.Random,
) -> _Run:
    proposed = _at(start - dt.timedelta(days=rng.randint(7, 20)), rng.randint(9, 16))
    match = Match(
        organisation=organisation,
        request_id=request_id,
        buddy_id=buddy_id,
        status=status,
        status_changed_at=_at(end_of_run if status == MatchStatus.CLOSED else start),
        proposed_by_id=coordinator_id,
        score=rng.randint(4000, 14000),
        explanation={},
        from_batch=rng.random() < 0.5,
        respond_by=proposed + dt.timedelta(days=matching.RESPOND_WITHIN_DAYS),
        introduction_at=_at(start, rng.randint(9, 19)),
        introduction_mode=rng.choice(IntroductionMode.values),
        started_on=start,
    )
    match.created_at = proposed
    return _Run(
        match=match,
        start=start,
        end=end,
        weeks=max((end - start).days, 1) / 7,
        buddy_user_id=user_id,
    )


def _write_national(
    rng: random.Random,
    runs: list[_Run],
    contacts: int,
    coordinators: dict[uuid.UUID, uuid.UUID],
    today: dt.date,
) -> int:
    Match.objects.bulk_create([run.match for run in runs], batch_size=BATCH)
    # auto_now_add wrote "now"; the proposals were made before the start.
    made = Match.objects.filter(
        organisation_id__in={run.match.organisation_id for run in runs}
    )
    made.update(
        created_at=F("respond_by") - dt.timedelta(days=matching.RESPOND_WITHIN_DAYS)
    )
    for run in runs:
        run.match.created_at = run.match.respond_by - dt.timedelta(
            days=matching.RESPOND_WITHIN_DAYS
        )
    _request_history(runs, made)
    _match_history(runs)
    _agreements_and_check_ins(rng, runs, coordinators, today)
    _signals_fit_meetings(rng, runs, today)
    return _contacts(rng, runs, contacts)


def _request_history(runs: list[_Run], made: QuerySet[Match]) -> None:
    """The requests were put on the waiting list, then matched (and closed)."""
    matched = HelpRequest.objects.filter(pk__in=made.values("request_id"))
    RequestEvent.objects.filter(
        request__in=matched, from_status=RequestStatus.NEW
    ).update(
        to_status=RequestStatus.WAITING,
        code="to_waiting_list",
        description="Op de wachtlijst voor een buddy gezet.",
    )
    # One statement per status; each request takes the time of its match's status.
    since = Subquery(
        Match.objects.filter(request_id=OuterRef("pk")).values("status_changed_at")[:1]
    )
    for match_status, request_status in (
        (MatchStatus.ACTIVE, RequestStatus.MATCHED),
        (MatchStatus.CLOSED, RequestStatus.CLOSED),
    ):
        HelpRequest.objects.filter(
            pk__in=made.filter(status=match_status).values("request_id")
        ).update(status=request_status, status_changed_at=since)
    events = []
    for run in runs:
        m = run.match
        events.append(
            RequestEvent(
                organisation_id=m.organisation_id,
                request_id=m.request_id,
                from_status=RequestStatus.WAITING,
                to_status=RequestStatus.MATCHED,
                code="matched",
                description="Gekoppeld aan een buddy.",
                at=_at(run.start),
            )
        )
        if m.status == MatchStatus.CLOSED:
            events.append(
                RequestEvent(
                    organisation_id=m.organisation_id,
                    request_id=m.request_id,
                    from_status=RequestStatus.MATCHED,
                    to_status=RequestStatus.CLOSED,
                    code="support_finished",
                    description="De begeleiding is afgerond.",
                    at=m.status_changed_at,
                )
            )
    RequestEvent.objects.bulk_create(events, batch_size=BATCH)


def _match_history(runs: list[_Run]) -> None:
    events = []
    for run in runs:
        m = run.match
        steps = [
            (MatchStatus.PROPOSED, "", "", "Voorgesteld.", m.created_at),
            (
                MatchStatus.ACTIVE,
                MatchStatus.INTRODUCTION_PLANNED,
                "started",
                "Kennismaking gehouden; de koppeling loopt.",
                _at(run.start),
            ),
        ]
        if m.status == MatchStatus.CLOSED:
            steps.append(
                (
                    MatchStatus.CLOSED,
                    MatchStatus.ACTIVE,
                    "",
                    "Afgesloten.",
                    m.status_changed_at,
                )
            )
        events += [
            MatchEvent(
                organisation_id=m.organisation_id,
                match=m,
                from_status=from_status,
                to_status=to_status,
                code=code,
                description=description,
                at=at,
            )
            for to_status, from_status, code, description, at in steps
        ]
    MatchEvent.objects.bulk_create(events, batch_size=BATCH)


def _schedule(start: dt.date, until: dt.date) -> list[dt.date]:
    """The days of `services.schedule_check_ins` (the default rhythm)."""
    return services.check_in_days(start, until)


def _agreements_and_check_ins(
    rng: random.Random,
    runs: list[_Run],
    coordinators: dict[uuid.UUID, uuid.UUID],
    today: dt.date,
) -> None:
    agreements, check_ins, closures = [], [], []
    for run in runs:
        m = run.match
        coordinator_id = coordinators.get(m.organisation_id)
        expected = run.start + relativedelta(months=services.DEFAULT_MONTHS)
        acknowledged = _at(run.start + dt.timedelta(days=rng.randint(1, 10)))
        agreements.append(
            Agreement(
                organisation_id=m.organisation_id,
                match=m,
                goals=rng.choice(GOALS),
                frequency=rng.choice(
                    [Frequency.WEEKLY, Frequency.WEEKLY, Frequency.FORTNIGHTLY]
                ),
                contact_modes=[ContactMode.PHONE, ContactMode.MESSAGE],
                expected_until=expected,
                text_version=services.AGREEMENT_TEXT_VERSION,
                created_by_id=coordinator_id,
                buddy_acknowledged_at=acknowledged,
                parent_acknowledged_at=acknowledged if rng.random() < 0.9 else None,
            )
        )
        closed = m.status == MatchStatus.CLOSED
        last_day = run.end if closed else today
        due_days = _schedule(run.start, expected)
        past = [d for d in due_days if d < last_day]
        # Some active matches have their latest check-in overdue.
        overdue = not closed and bool(past) and rng.random() < 0.15
        for n, due in enumerate(due_days):
            if closed and due >= last_day:
                break  # closing removed what was still planned
            done = due < last_day and not (overdue and n == len(past) - 1)
            check_ins.append(
                CheckIn(
                    organisation_id=m.organisation_id,
                    match=m,
                    due_on=due,
                    done_on=min(due + dt.timedelta(days=rng.randint(0, 3)), today)
                    if done
                    else None,
                    done_by_id=coordinator_id if done else None,
                    with_buddy=done,
                    with_parent=done and rng.random() < 0.5,
                )
            )
        if closed:
            follow_up = run.end + dt.timedelta(days=services.FOLLOW_UP_DAYS)
            closures.append(
                Closure(
                    organisation_id=m.organisation_id,
                    match=m,
                    reason=rng.choice(CloseReason.values),
                    initiator=rng.choice(Initiator.values),
                    rematch=False,
                    closed_by_id=coordinator_id,
                    closed_on=run.end,
                    follow_up_on=follow_up,
                    # Reminders of the past were sent then; none go out now.
                    follow_up_reminded_at=_at(follow_up)
                    if follow_up <= today
                    else None,
                )
            )
    Agreement.objects.bulk_create(agreements, batch_size=BATCH)
    CheckIn.objects.bulk_create(check_ins, batch_size=BATCH)
    Closure.objects.bulk_create(closures, batch_size=BATCH)


def _signals_fit_meetings(rng: random.Random, runs: list[_Run], today: dt.date) -> None:
    signals, answers, meetings = [], [], []
    now = timezone.now()
    for run in runs:
        m = run.match
        active = m.status == MatchStatus.ACTIVE
        if (today - run.start).days >= 14:
            for side in Side.values:
                if rng.random() < 0.8:
                    answer = rng.choices(Fit.values, weights=[92, 5, 3])[0]
                    answers.append(
                        FitAnswer(
                            organisation_id=m.organisation_id,
                            match=m,
                            side=side,
                            answer=answer,
                            answered_at=_at(run.start + dt.timedelta(days=10)),
                            followed_up_at=None
                            if active and answer != Fit.GOOD and rng.random() < 0.5
                            else _at(run.start + dt.timedelta(days=14)),
                        )
                    )
        if rng.random() < (0.04 if active else 0.05):
            raised = _at(run.end - dt.timedelta(days=rng.randint(0, 20)))
            open_ = active and rng.random() < 0.7
            signals.append(
                SafetySignal(
                    organisation_id=m.organisation_id,
                    match=m,
                    kind=rng.choice(SignalKind.values),
                    description="Zorg gemeld door de buddy.",
                    raised_by_id=run.buddy_user_id,
                    raised_at=raised,
                    acknowledged_at=None if open_ else raised,
                    follow_up="" if open_ else "Met de ouder gebeld.",
                    closed_at=None if open_ else raised + dt.timedelta(days=2),
                )
            )
        if active and rng.random() < 0.1:
            meetings.append(
                SchoolMeeting(
                    organisation_id=m.organisation_id,
                    match=m,
                    starts_at=now + dt.timedelta(days=rng.randint(1, 30), hours=2),
                    place="Op school",
                    kind=rng.choice(MeetingKind.values),
                    preparation=rng.sample(["questions", "documents", "roles"], 1),
                )
            )
        if rng.random() < 0.15:
            past = _at(run.start + dt.timedelta(days=rng.randint(7, 40)))
            if past < now - dt.timedelta(days=1):
                meetings.append(
                    SchoolMeeting(
                        organisation_id=m.organisation_id,
                        match=m,
                        starts_at=past,
                        place="Op school",
                        kind=rng.choice(MeetingKind.values),
                        preparation=["questions", "documents", "roles", "notes"],
                        reminder_sent_at=past - dt.timedelta(days=1),
                        prompt_sent_at=past + dt.timedelta(hours=3),
                    )
                )
    FitAnswer.objects.bulk_create(answers, batch_size=BATCH)
    SafetySignal.objects.bulk_create(signals, batch_size=BATCH)
    SchoolMeeting.objects.bulk_create(meetings, batch_size=BATCH)


def _allocate(runs: list[_Run], total: int) -> list[int]:
    """`total` contacts over the runs in proportion to their weeks (largest remainder)."""
    weeks = sum(run.weeks for run in runs)
    exact = [total * run.weeks / weeks for run in runs]
    counts = [int(x) for x in exact]
    rest = total - sum(counts)
    order = sorted(range(len(runs)), key=lambda i: counts[i] - exact[i])
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _contacts(rng: random.Random, runs: list[_Run], total: int) -> int:
    """The contact log: `total` rows, in batches; one in ten with a short note."""
    written = 0
    batch: list[Contact] = []
    notes = CONTACT_NOTES
    modes = MODES
    cumulative = list(itertools.accumulate(MODE_WEIGHTS))
    for run, count in zip(runs, _allocate(runs, total), strict=True):
        m = run.match
        span = max((run.end - run.start).days, 0)
        org_id, match_id, user_id = m.organisation_id, m.pk, run.buddy_user_id
        for _ in range(count):
            mode, low, high = rng.choices(modes, cum_weights=cumulative)[0]
            batch.append(
                Contact(
                    organisation_id=org_id,
                    match_id=match_id,
                    on=run.start + dt.timedelta(days=rng.randint(0, span)),
                    mode=mode,
                    minutes=rng.randint(low, high),
                    topics=rng.sample(NATIONAL_TOPICS, rng.randint(0, 2)),
                    note=rng.choice(notes) if rng.random() < NOTE_SHARE else "",
                    logged_by_id=user_id,
                )
            )
        if len(batch) >= BATCH:
            Contact.objects.bulk_create(batch, batch_size=BATCH)
            written += len(batch)
            batch = []
    Contact.objects.bulk_create(batch, batch_size=BATCH)
    return written + len(batch)
