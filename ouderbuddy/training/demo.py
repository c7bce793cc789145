"""Demo courses and sessions for `seed_demo`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.training.models import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Session,
)


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@transaction.atomic
def seed_demo_training(organisation: Organisation) -> int:
    """A basic and a refresher course with upcoming sessions; buddies in training enrolled."""
    if Course.objects.filter(organisation=organisation).exists():
        return 0
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
    return len(sessions)
