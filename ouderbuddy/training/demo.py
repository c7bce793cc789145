"""Demo courses and sessions for `seed_demo`: upcoming sessions to enrol in, and
sessions that took place, with attendance, so the attendance pages have something
to show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ouderbuddy.buddies import demo as buddy_demo
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.training import services
from ouderbuddy.training.models import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    Session,
)

# The basic training of the demo's active buddies took place this many days ago (the
# buddies' demo paperwork dates it there too).
BASIC_DAYS_AGO = 40


def add_basic_qualifications(buddies: Iterable[Buddy], today: dt.date) -> None:
    """The basic training of the demo buddies who are past it (buddies' demo decides
    who), obtained 40 days ago."""
    Qualification.objects.bulk_create(
        [
            Qualification(
                organisation_id=buddy.organisation_id,
                buddy=buddy,
                kind="basic",
                obtained_on=today - dt.timedelta(days=40),
            )
            for buddy in buddies
            if buddy_demo.past_basic_training(buddy)
        ],
        batch_size=2000,
    )


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@transaction.atomic
def seed_demo_training(organisation: Organisation) -> int:
    """A basic and a refresher course with upcoming sessions (buddies in training
    enrolled) and sessions that took place (see `seed_past_sessions`)."""
    if Course.objects.filter(organisation=organisation).exists():
        return seed_past_sessions(organisation)
    basic = Course.objects.create(
        organisation=organisation,
        title="Basistraining ouderbuddy",
        kind=CourseKind.BASIC,
        description="Wat doet een buddy, luisteren, grenzen, regels van passend onderwijs.",
        hours=Decimal("6"),
        valid_months=None,
    )
    refresher = Course.objects.create(
        organisation=organisation,
        title="Opfristraining: nieuwe regels en intervisie",
        kind=CourseKind.REFRESHER,
        description="Jaarlijkse opfrisser met de nieuwste regels.",
        hours=Decimal("3"),
        valid_months=12,
    )
    sessions = [
        Session(
            organisation=organisation,
            course=basic,
            starts_at=_at(12, 19),
            ends_at=_at(12, 22),
            location="Buurthuis De Brug, zaal 2",
            capacity=12,
        ),
        Session(
            organisation=organisation,
            course=basic,
            starts_at=_at(40, 10),
            ends_at=_at(40, 13),
            online_url="https://video.example.nl/basistraining",
            capacity=8,
        ),
        Session(
            organisation=organisation,
            course=refresher,
            starts_at=_at(25, 19),
            ends_at=_at(25, 21),
            location="Kantoor van het steunpunt",
            capacity=15,
        ),
    ]
    Session.objects.bulk_create(sessions)
    enrolments = [
        Enrolment(
            organisation=organisation,
            session=sessions[0],
            buddy=buddy,
            status=EnrolmentStatus.ENROLLED,
        )
        for buddy in Buddy.objects.filter(
            organisation=organisation, status=BuddyStatus.TRAINING
        )
    ]
    Enrolment.objects.bulk_create(enrolments)
    return len(sessions) + seed_past_sessions(organisation)


def _past_session(
    organisation: Organisation,
    course: Course,
    days_ago: int,
    hour: int,
    hours: int,
    location: str,
    capacity: int,
) -> Session:
    """A session that took place. The service plans only sessions in the future, so
    the demo writes the row itself, with the model's own checks."""
    session = Session(
        organisation=organisation,
        course=course,
        starts_at=_at(-days_ago, hour),
        ends_at=_at(-days_ago, hour + hours),
        location=location,
        capacity=capacity,
    )
    session.full_clean()
    session.save()
    return session


def _enrol_before(session: Session, buddies: list[Buddy]) -> None:
    """The enrolments made before the session began (enrolling closes at the start)."""
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                organisation=session.organisation,
                session=session,
                buddy=buddy,
                status=EnrolmentStatus.ENROLLED,
                joined_at=session.starts_at - dt.timedelta(days=10 + n),
            )
            for n, buddy in enumerate(buddies)
        ]
    )


@transaction.atomic
def seed_past_sessions(organisation: Organisation) -> int:
    """Sessions that took place, once per organisation:

    - the basic training of the active buddies, 40 days ago: everyone present but one
      (recorded with the attendance service, so each qualification comes from it);
      one active buddy followed the basic training at Balans instead (recorded as a
      training followed elsewhere);
    - a refresher three months ago, attended by some of them;
    - yesterday's basic training of the buddies in training, attendance not filled
      in yet: the coordinator can fill in the one form.
    """
    now = timezone.now()
    if Session.objects.filter(organisation=organisation, starts_at__lt=now).exists():
        return 0
    coordinator = Membership.objects.filter(
        organisation=organisation, role=Role.COORDINATOR, is_active=True
    ).first()
    basic = Course.objects.filter(organisation=organisation, kind=CourseKind.BASIC)
    refresher = Course.objects.filter(
        organisation=organisation, kind=CourseKind.REFRESHER
    ).first()
    basic_course = basic.order_by("created_at").first()
    if coordinator is None or basic_course is None or refresher is None:
        return 0
    buddies = Buddy.objects.filter(organisation=organisation).order_by(
        "created_at", "pk"
    )
    trained = list(buddies.filter(status__in=[BuddyStatus.ACTIVE, BuddyStatus.PAUSED]))
    in_training = list(buddies.filter(status=BuddyStatus.TRAINING))

    made = 0
    if trained:
        # The last active buddy (never the demo buddy login, the first) did the
        # basic training elsewhere; the others came to this session.
        active = [b for b in trained if b.status == BuddyStatus.ACTIVE]
        elsewhere = active[-1] if len(active) > 1 else trained[-1]
        attended = [b for b in trained if b.pk != elsewhere.pk]
        session = _past_session(
            organisation,
            basic_course,
            BASIC_DAYS_AGO,
            10,
            6,
            "Buurthuis De Brug, zaal 2",
            12,
        )
        absent = in_training[:1]
        _enrol_before(session, attended + absent)
        # Their basic training is this session now, not the demo paperwork's.
        Qualification.objects.filter(
            buddy__in=trained, kind=CourseKind.BASIC, session__isnull=True
        ).delete()
        services.record_attendance(
            actor=coordinator,
            session=session,
            attendance={
                e.pk: e.buddy_id not in {b.pk for b in absent}
                for e in Enrolment.objects.filter(session=session)
            },
        )
        services.record_training_elsewhere(
            actor=coordinator,
            buddy=elsewhere,
            course=basic_course,
            followed_on=timezone.localdate() - dt.timedelta(days=400),
            provider="Balans",
            note="Certificaat gezien bij het kennismakingsgesprek.",
        )
        refresh = _past_session(
            organisation,
            refresher,
            90,
            19,
            2,
            "Kantoor van het steunpunt",
            15,
        )
        came = attended[: max(1, len(attended) // 2)]
        _enrol_before(refresh, came)
        services.record_attendance(
            actor=coordinator,
            session=refresh,
            attendance={e.pk: True for e in Enrolment.objects.filter(session=refresh)},
        )
        made += 2
    if in_training:
        yesterday = _past_session(
            organisation,
            basic_course,
            1,
            19,
            3,
            "Bibliotheek, zaal Noord",
            10,
        )
        _enrol_before(yesterday, in_training)
        made += 1
    return made
