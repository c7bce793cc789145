"""The national benchmark data set (not demo data, not tests).

One organisation per SWV (150) with a coordinator and a manager, 100 buddies each
(15,000), five times as many help requests over five school years (75,000), and their
casework: active matches on 15-25 % of the active buddies' places, closed matches,
check-ins, a few signals and meetings, and 500,000 contacts by default. Everything is
bulk-inserted (models directly) and idempotent: an organisation that already has
buddies, requests or matches is left alone.

Until issue 11 this was `seed_demo --scale national` inside the app packages; it lives
here because only the benchmarks use it (`bench/run.py`, `bench/matching_db.py`,
`bench/casework_pages.py` call `seed_national` after `django.setup()` and `seed_demo`).
On its own, against the database in `.env`:
`.venv/bin/python bench/national.py [--buddies-per-organisation N] [--contacts N]`
(after `manage.py seed_demo`; like it, only with DEBUG=1 or `--force`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import random
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if not __package__:  # run as a script: Django first, from the repository root
    ROOT = Path(__file__).resolve().parent.parent
    # This file's folder comes off the path: mentor-match's package is also `matching`.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ouderbuddy.settings")
    import django

    django.setup()

# The imports below need Django set up (by the caller, or by the lines above).
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from faker import Faker

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies import demo as buddy_demo
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework import services
from ouderbuddy.casework.demo import CONTACT_NOTES, GOALS
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
from ouderbuddy.dashboard.management.commands.seed_demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
)
from ouderbuddy.intake import demo as request_demo
from ouderbuddy.intake.models import HelpRequest, RequestEvent, RequestStatus
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.models import (
    IntroductionMode,
    Match,
    MatchEvent,
    MatchStatus,
)
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import CooperationDistrict
from ouderbuddy.training import demo as training_demo

# Contact records per buddy of an organisation (500,000 for 100 buddies).
CONTACTS_PER_BUDDY = 5000


def seed_national(per_organisation: int = 100, contacts: int | None = None) -> str:
    """The whole national set (see above); returns a one-line summary of what is new."""
    if contacts is None:
        contacts = CONTACTS_PER_BUDDY * per_organisation
    faker = Faker("nl_NL")
    faker.seed_instance(2026)
    organisations, staff = seed_national_organisations(
        faker, make_password(DEMO_PASSWORD)
    )
    buddies = seed_national_buddies(faker, organisations, per_organisation)
    requests = seed_national_requests(faker, organisations, per_organisation * 5)
    active, closed, added = seed_national_casework(organisations, contacts)
    return (
        f"National scale: {len(organisations)} organisations, {staff} new staff "
        f"accounts, {buddies} new buddies, {requests} new help requests, {active} new "
        f"active and {closed} closed matches, {added} new contact records."
    )


@transaction.atomic
def seed_national_organisations(
    faker: Faker, password_hash: str
) -> tuple[list[Organisation], int]:
    """One organisation per SWV with a coordinator and a manager (bulk, idempotent);
    returns the organisations and how many staff accounts are new."""
    existing = set(Organisation.objects.values_list("name", flat=True))
    districts = list(CooperationDistrict.objects.order_by("code"))
    new_orgs = [
        Organisation(
            name=f"Steunpunt {d.display_code}",
            contact_email=f"{d.code.lower()}@{DEMO_DOMAIN}",
        )
        for d in districts
        if f"Steunpunt {d.display_code}" not in existing
    ]
    Organisation.objects.bulk_create(new_orgs, batch_size=500)
    by_name = {
        o.name: o for o in Organisation.objects.filter(name__startswith="Steunpunt ")
    }
    through = Organisation.districts.through
    through.objects.bulk_create(
        [
            through(
                organisation_id=by_name[f"Steunpunt {d.display_code}"].pk,
                cooperationdistrict_id=d.code,
            )
            for d in districts
        ],
        ignore_conflicts=True,
    )
    emails = set(
        User.objects.filter(email__endswith=f"@national.{DEMO_DOMAIN}").values_list(
            "email", flat=True
        )
    )
    users, memberships = [], []
    for d in districts:
        organisation = by_name[f"Steunpunt {d.display_code}"]
        for role in (Role.COORDINATOR, Role.MANAGER):
            email = f"{role.value}.{d.code.lower()}@national.{DEMO_DOMAIN}"
            if email in emails:
                continue
            user = User(email=email, full_name=faker.name(), password=password_hash)
            users.append(user)
            memberships.append(
                Membership(organisation=organisation, user=user, role=role)
            )
    User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create(memberships, batch_size=1000)
    return list(by_name.values()), len(users)


# --- Buddies -------------------------------------------------------------------------

BUDDY_WEIGHTS = {
    BuddyStatus.APPLIED: 8,
    BuddyStatus.INTRODUCTION: 5,
    BuddyStatus.SCREENING: 5,
    BuddyStatus.TRAINING: 7,
    BuddyStatus.ACTIVE: 60,
    BuddyStatus.PAUSED: 5,
    BuddyStatus.STOPPED: 10,
}


@transaction.atomic
def seed_national_buddies(
    faker: Faker, organisations: list[Organisation], per_organisation: int = 100
) -> int:
    """About 100 buddies per national organisation (15,000 for 150), bulk-inserted."""
    rng = random.Random("national")  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    groups = buddy_demo.codes_by_group()
    statuses = list(BUDDY_WEIGHTS)
    weights = list(BUDDY_WEIGHTS.values())
    created = 0
    for organisation in organisations:
        if Buddy.objects.filter(organisation=organisation).exists():
            continue
        postcodes = buddy_demo.postcodes_for(organisation)
        buddies = [
            buddy_demo.make_buddy(
                rng,
                faker,
                organisation,
                rng.choice(postcodes),
                rng.choices(statuses, weights)[0],
                f"buddy{n}.{str(organisation.pk)[:8]}@national.ouderbuddy.example",
                faker.name(),
                today,
            )
            for n in range(per_organisation)
        ]
        Buddy.objects.bulk_create(buddies, batch_size=1000)
        buddy_demo.add_experience(buddies, rng, groups)
        buddy_demo.add_paperwork(buddies, today)
        training_demo.add_basic_qualifications(buddies, today)
        buddy_demo.add_accounts(organisation, buddies)
        created += len(buddies)
    return created


# --- Help requests -------------------------------------------------------------------

REQUEST_WEIGHTS = {
    RequestStatus.NEW: 2,
    RequestStatus.WAITING: 8,
    RequestStatus.INFORMED: 35,
    RequestStatus.REFERRED: 25,
    RequestStatus.WITHDRAWN: 30,
}
SCHOOL_YEARS = 5


@transaction.atomic
def seed_national_requests(
    faker: Faker,
    organisations: list[Organisation],
    per_organisation: int = 500,
    salt: str = "",
) -> int:
    """`per_organisation` requests per organisation (75,000 for 150), over five school
    years. The generator starts from the same seed on every call: a second call for
    other organisations needs a `salt` of its own, or it draws the first call's
    submission keys again (unique in the table)."""
    rng = random.Random(f"national-requests{salt}")  # noqa: S311 - benchmark data
    groups = request_demo.codes_by_group()
    statuses = list(REQUEST_WEIGHTS)
    weights = list(REQUEST_WEIGHTS.values())
    now = timezone.now()
    # Sequential references after every existing one: unique across repeated runs.
    counter = 1_000_000 + HelpRequest.objects.count()
    created = 0
    for organisation in organisations:
        if HelpRequest.objects.filter(organisation=organisation).exists():
            continue
        postcodes = request_demo.postcodes_for(organisation)
        requests: list[HelpRequest] = []
        for n in range(per_organisation):
            received = now - dt.timedelta(days=rng.randint(0, 365 * SCHOOL_YEARS))
            status = rng.choices(statuses, weights)[0]
            if now - received > dt.timedelta(days=120) and status in (
                RequestStatus.NEW,
                RequestStatus.WAITING,
            ):
                status = RequestStatus.INFORMED
            counter += 1
            requests.append(
                request_demo.make_request(
                    rng,
                    faker,
                    organisation,
                    status,
                    received,
                    rng.choice(postcodes),
                    request_demo.demo_reference(counter),
                    f"ouder{n}.{str(organisation.pk)[:8]}@national.ouderbuddy.example",
                )
            )
        HelpRequest.objects.bulk_create(requests, batch_size=2000)
        request_demo.attach_codes(requests, rng, groups)
        created += len(requests)
    return created


# --- Casework ------------------------------------------------------------------------

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--buddies-per-organisation",
        type=int,
        default=100,
        help="buddies per organisation (default 100: 15,000); five times as many "
        "help requests (75,000)",
    )
    parser.add_argument(
        "--contacts",
        type=int,
        default=None,
        help="contact records in all (default 5,000 per buddy per organisation)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even when DEBUG is off (the accounts have a known password)",
    )
    options = parser.parse_args(argv)
    if not settings.DEBUG and not options.force:
        print(
            "bench/national.py creates accounts with a known password; it runs only "
            "with DEBUG=1 (or --force on a machine that is not production).",
            file=sys.stderr,
        )
        return 2
    print(seed_national(options.buddies_per_organisation, options.contacts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
