"""Building blocks for training tests. Buddies are made directly until the buddies app
has its application service."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.regions.models import PostcodeArea
from ouderbuddy.training.models import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    QualificationKind,
    ReminderKind,
    ReminderSent,
    Session,
)

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment on the Dutch clock."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


def make_buddy(organisation: Organisation, **kw: Any) -> Buddy:
    """A buddy in the training step unless told otherwise."""
    name = kw.pop("full_name", "Bea Buddy")
    fields: dict[str, Any] = {
        "organisation": organisation,
        "full_name": name,
        "email": kw.pop("email", f"{name.split()[0].lower()}@buddy.test"),
        "motivation": "Ik wil andere ouders helpen.",
        "hours_per_month": 8,
        "commitment_months": 12,
        "postcode": PostcodeArea.objects.get(pk="1012"),
        "travel_km": 10,
        "status": BuddyStatus.TRAINING,
    }
    fields.update(kw)
    return Buddy.objects.create(**fields)


def make_own_buddy(membership: Membership, **kw: Any) -> Buddy:
    """The buddy record that belongs to a buddy's account (Ben's, in most tests)."""
    return make_buddy(
        membership.organisation,
        full_name=membership.user.full_name,
        email=membership.user.email,
        user=membership.user,
        **kw,
    )


def make_course(organisation: Organisation, **kw: Any) -> Course:
    fields: dict[str, Any] = {
        "organisation": organisation,
        "title": "Basistraining ouderbuddy",
        "kind": CourseKind.BASIC,
        "hours": Decimal("2.5"),
    }
    fields.update(kw)
    return Course.objects.create(**fields)


def make_session(course: Course, starts_at: dt.datetime, **kw: Any) -> Session:
    """A session straight in the database (also in the past, which the service refuses)."""
    fields: dict[str, Any] = {
        "organisation_id": course.organisation_id,
        "course": course,
        "starts_at": starts_at,
        "ends_at": starts_at + dt.timedelta(hours=2),
        "capacity": 10,
        "location": "Buurthuis De Linde",
    }
    fields.update(kw)
    return Session.objects.create(**fields)


def make_training_world(cora: Membership) -> dict[str, Any]:
    """One row of every training model for Cora's organisation (the isolation walk)."""
    organisation = cora.organisation
    buddy = make_buddy(organisation, full_name="Walt Wandel", email="walt@noord.test")
    course = make_course(organisation)
    session = make_session(course, at(2026, 1, 15, 19), capacity=4)
    enrolment = Enrolment.objects.create(
        organisation=organisation,
        session=session,
        buddy=buddy,
        status=EnrolmentStatus.ENROLLED,
        enrolled_by=cora.user,
        attended=True,
    )
    qualification = Qualification.objects.create(
        organisation=organisation,
        buddy=buddy,
        kind=QualificationKind.BASIC,
        obtained_on=dt.date(2026, 1, 15),
        session=session,
    )
    reminder = ReminderSent.objects.create(
        organisation=organisation,
        kind=ReminderKind.REFRESHER,
        buddy=buddy,
        due_on=dt.date(2027, 1, 15),
    )
    return {
        "buddy": buddy,
        "course": course,
        "session": session,
        "enrolment": enrolment,
        "qualification": qualification,
        "reminder": reminder,
    }
