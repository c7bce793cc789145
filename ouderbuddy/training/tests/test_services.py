"""The training services: every rule, with its Dutch refusal, and the e-mails."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from ouderbuddy.buddies.models import BuddyStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.training import services
from ouderbuddy.training.models import (
    Course,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Qualification,
    QualificationKind,
    Session,
)
from ouderbuddy.training.tests.conftest import SESSION_START
from ouderbuddy.training.tests.factories import at, make_buddy, make_course

pytestmark = pytest.mark.django_db

AFTER_SESSION = at(2027, 1, 20, 22)


def enrol(actor, session, buddy, capture):
    mail.outbox.clear()
    with capture(execute=True):
        return services.enrol_buddy(actor=actor, session=session, buddy=buddy)


def statuses(session):
    return dict(
        Enrolment.objects.filter(session=session).values_list(
            "buddy__full_name", "status"
        )
    )


# --- Courses ------------------------------------------------------------------------


def test_create_course_gives_a_refresher_12_months_by_default(cora):
    course = services.create_course(
        actor=cora, title=" Opfrissen ", kind=CourseKind.REFRESHER, hours=Decimal("2")
    )
    assert course.valid_months == 12
    assert course.title == "Opfrissen"
    assert course.organisation == cora.organisation
    assert AuditEvent.objects.filter(
        verb="training.course.create", target_id=str(course.pk)
    ).exists()


def test_a_basic_course_never_expires_unless_told(cora):
    basic = services.create_course(
        actor=cora, title="Basis", kind=CourseKind.BASIC, hours=Decimal("2.5")
    )
    assert basic.valid_months is None
    refresher = services.create_course(
        actor=cora, title="Kort", kind=CourseKind.REFRESHER, hours=1, valid_months=6
    )
    assert refresher.valid_months == 6


def test_only_a_coordinator_creates_courses(ben, mia):
    for actor in (ben, mia):
        with pytest.raises(DomainError, match="Alleen een coördinator"):
            services.create_course(
                actor=actor, title="X", kind=CourseKind.BASIC, hours=2
            )
    assert not Course.objects.exists()


def test_update_course_and_foreign_course_is_refused(cora, olga, course):
    services.update_course(
        actor=cora,
        course=course,
        title="Basistraining nieuw",
        kind=CourseKind.REFRESHER,
        hours=3,
        description="Met casussen.",
    )
    course.refresh_from_db()
    assert (course.title, course.kind, course.valid_months) == (
        "Basistraining nieuw",
        CourseKind.REFRESHER,
        12,
    )
    with pytest.raises(DomainError, match="hoort niet bij uw organisatie"):
        services.update_course(
            actor=olga, course=course, title="Van Olga", kind=CourseKind.BASIC, hours=1
        )
    course.refresh_from_db()
    assert course.title == "Basistraining nieuw"


def test_database_refuses_a_course_without_hours(noord):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_course(noord, hours=Decimal("0"))


# --- Sessions -----------------------------------------------------------------------


def test_create_session_checks_time_and_place(cora, course):
    def create(**kw):
        fields = {
            "actor": cora,
            "course": course,
            "starts_at": SESSION_START,
            "ends_at": SESSION_START + dt.timedelta(hours=2),
            "capacity": 8,
            "location": "Zaal 1",
        }
        fields.update(kw)
        return services.create_session(**fields)

    with pytest.raises(DomainError, match="in de toekomst") as exc:
        create(starts_at=at(2027, 1, 9, 19), ends_at=at(2027, 1, 9, 21))
    assert exc.value.field == "starts_at"
    with pytest.raises(DomainError, match="eindigen na het begin") as exc:
        create(ends_at=SESSION_START)
    assert exc.value.field == "ends_at"
    with pytest.raises(DomainError, match="plaats in, of een link") as exc:
        create(location=" ", online_url="")
    assert exc.value.field == "location"
    assert not Session.objects.exists()
    online = create(location="", online_url="https://meet.example.nl/abc")
    assert online.capacity == 8


def test_a_coordinator_cannot_plan_for_another_organisation(olga, course):
    with pytest.raises(DomainError, match="hoort niet bij uw organisatie"):
        services.create_session(
            actor=olga,
            course=course,
            starts_at=SESSION_START,
            ends_at=SESSION_START + dt.timedelta(hours=2),
            capacity=5,
            location="Zuid",
        )


@pytest.mark.parametrize(
    ("change", "constraint"),
    [
        ({"capacity": 0}, "session_capacity_positive"),
        ({"ends_at": SESSION_START}, "session_ends_after_start"),
        ({"location": "", "online_url": ""}, "session_has_place_or_link"),
    ],
)
def test_database_refuses_impossible_sessions(course, change, constraint):
    fields = {
        "organisation_id": course.organisation_id,
        "course": course,
        "starts_at": SESSION_START,
        "ends_at": SESSION_START + dt.timedelta(hours=2),
        "capacity": 5,
        "location": "Zaal",
    }
    fields.update(change)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Session.objects.create(**fields)


def test_cancel_session_tells_everyone_enrolled_or_waiting(
    cora, session, bea, dirk, eva, django_capture_on_commit_callbacks
):
    for buddy in (bea, dirk, eva):
        enrol(cora, session, buddy, django_capture_on_commit_callbacks)
    services.cancel_enrolment(
        actor=cora, enrolment=Enrolment.objects.get(session=session, buddy=dirk)
    )
    services.enrol_buddy(actor=cora, session=session, buddy=dirk)  # waiting again
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(actor=cora, session=session)
    session.refresh_from_db()
    assert session.is_cancelled
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bea@buddy.test",
        "dirk@buddy.test",
        "eva@buddy.test",
    ]
    assert all("gaat niet door" in m.subject for m in mail.outbox)
    with pytest.raises(DomainError, match="al geannuleerd"):
        services.cancel_session(actor=cora, session=session)


def test_a_started_session_cannot_be_cancelled(cora, session, clock):
    clock.move_to(SESSION_START + dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="al begonnen"):
        services.cancel_session(actor=cora, session=session)


# --- Enrolment ----------------------------------------------------------------------


def test_coordinator_enrols_a_buddy_who_gets_an_email(
    cora, session, bea, django_capture_on_commit_callbacks
):
    enrolment = enrol(cora, session, bea, django_capture_on_commit_callbacks)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.enrolled_by == cora.user
    assert enrolment.organisation == cora.organisation
    [message] = mail.outbox
    assert message.to == ["bea@buddy.test"]
    assert "U bent ingeschreven" in message.body
    assert "woensdag 20 januari 2027, 19:00–21:30" in message.body
    assert AuditEvent.objects.filter(
        verb="training.enrolment.create", target_id=str(enrolment.pk)
    ).exists()


def test_a_full_session_puts_the_next_buddy_on_the_waiting_list(
    cora, session, bea, dirk, eva, django_capture_on_commit_callbacks
):
    enrol(cora, session, bea, django_capture_on_commit_callbacks)
    enrol(cora, session, dirk, django_capture_on_commit_callbacks)
    third = enrol(cora, session, eva, django_capture_on_commit_callbacks)
    assert third.status == EnrolmentStatus.WAITLISTED
    [message] = mail.outbox
    assert "op de wachtlijst" in message.subject
    assert "U staat op de wachtlijst" in message.body
    assert "nummer 1 op de wachtlijst" in message.body
    enrolled = Enrolment.objects.filter(
        session=session, status=EnrolmentStatus.ENROLLED
    ).count()
    assert enrolled == session.capacity


def test_capacity_is_never_exceeded_however_many_enrol(cora, course, noord):
    session = services.create_session(
        actor=cora,
        course=course,
        starts_at=SESSION_START,
        ends_at=SESSION_START + dt.timedelta(hours=2),
        capacity=3,
        location="Zaal",
    )
    buddies = [
        make_buddy(noord, full_name=f"Buddy {i}", email=f"b{i}@buddy.test")
        for i in range(7)
    ]
    for buddy in buddies:
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    assert sorted(statuses(session).values()).count(EnrolmentStatus.ENROLLED) == 3
    assert sorted(statuses(session).values()).count(EnrolmentStatus.WAITLISTED) == 4
    # The first three to enrol have the places.
    assert {
        n for n, s in statuses(session).items() if s == EnrolmentStatus.ENROLLED
    } == {"Buddy 0", "Buddy 1", "Buddy 2"}


@pytest.mark.parametrize(
    ("prepare", "message"),
    [
        ("cancelled", "gaat niet door"),
        ("started", "al begonnen"),
        ("stopped", "is gestopt als buddy"),
        ("enrolled", "al ingeschreven"),
        ("waitlisted", "al op de wachtlijst"),
    ],
)
def test_enrolment_is_refused(cora, session, bea, dirk, eva, clock, prepare, message):
    if prepare == "cancelled":
        services.cancel_session(actor=cora, session=session)
    elif prepare == "started":
        clock.move_to(SESSION_START + dt.timedelta(minutes=1))
    elif prepare == "stopped":
        bea.status = BuddyStatus.STOPPED
        bea.save()
    elif prepare == "enrolled":
        services.enrol_buddy(actor=cora, session=session, buddy=bea)
    elif prepare == "waitlisted":
        services.enrol_buddy(actor=cora, session=session, buddy=dirk)
        services.enrol_buddy(actor=cora, session=session, buddy=eva)
        services.enrol_buddy(actor=cora, session=session, buddy=bea)
    before = statuses(session)
    with pytest.raises(DomainError, match=message):
        services.enrol_buddy(actor=cora, session=session, buddy=bea)
    assert statuses(session) == before


def test_a_buddy_enrols_only_themself(ben, ben_buddy, session, bea):
    enrolment = services.enrol_buddy(actor=ben, session=session, buddy=ben_buddy)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert enrolment.enrolled_by == ben.user
    with pytest.raises(DomainError, match="alleen uzelf"):
        services.enrol_buddy(actor=ben, session=session, buddy=bea)
    assert not Enrolment.objects.filter(buddy=bea).exists()


def test_a_manager_or_other_organisation_cannot_enrol(mia, olga, session, bea):
    with pytest.raises(DomainError, match="alleen uzelf"):
        services.enrol_buddy(actor=mia, session=session, buddy=bea)
    with pytest.raises(DomainError, match="hoort niet bij uw organisatie"):
        services.enrol_buddy(actor=olga, session=session, buddy=bea)
    assert not Enrolment.objects.exists()


def test_database_allows_one_enrolment_per_buddy_per_session(cora, session, bea):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            organisation=cora.organisation,
            session=session,
            buddy=bea,
            status=EnrolmentStatus.WAITLISTED,
        )


# --- Cancelling and the waiting list ------------------------------------------------


def test_a_freed_place_goes_to_the_first_on_the_waiting_list(
    cora, session, bea, dirk, eva, noord, django_capture_on_commit_callbacks
):
    fien = make_buddy(noord, full_name="Fien Fokker")
    for buddy in (bea, dirk, eva, fien):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrolment(
            actor=cora, enrolment=Enrolment.objects.get(session=session, buddy=bea)
        )
    assert statuses(session) == {
        "Bea Bakker": EnrolmentStatus.CANCELLED,
        "Dirk Dekker": EnrolmentStatus.ENROLLED,
        "Eva Evers": EnrolmentStatus.ENROLLED,
        "Fien Fokker": EnrolmentStatus.WAITLISTED,
    }
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {"bea@buddy.test", "eva@buddy.test"}
    assert "plaats vrijgekomen" in by_person["eva@buddy.test"].body
    assert "geannuleerd" in by_person["bea@buddy.test"].subject


def test_leaving_the_waiting_list_frees_no_place(cora, session, bea, dirk, eva):
    for buddy in (bea, dirk, eva):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    waiting = Enrolment.objects.get(session=session, buddy=eva)
    services.cancel_enrolment(actor=cora, enrolment=waiting)
    assert statuses(session) == {
        "Bea Bakker": EnrolmentStatus.ENROLLED,
        "Dirk Dekker": EnrolmentStatus.ENROLLED,
        "Eva Evers": EnrolmentStatus.CANCELLED,
    }


def test_re_enrolling_after_cancelling_joins_the_back_of_the_queue(
    cora, session, bea, dirk, eva, noord
):
    fien = make_buddy(noord, full_name="Fien Fokker")
    for buddy in (bea, dirk, eva):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    services.cancel_enrolment(
        actor=cora, enrolment=Enrolment.objects.get(session=session, buddy=dirk)
    )
    services.enrol_buddy(actor=cora, session=session, buddy=fien)  # now waiting
    again = services.enrol_buddy(actor=cora, session=session, buddy=dirk)
    assert again.status == EnrolmentStatus.WAITLISTED
    assert Enrolment.objects.filter(session=session, buddy=dirk).count() == 1
    services.cancel_enrolment(
        actor=cora, enrolment=Enrolment.objects.get(session=session, buddy=bea)
    )
    assert statuses(session)["Fien Fokker"] == EnrolmentStatus.ENROLLED
    assert statuses(session)["Dirk Dekker"] == EnrolmentStatus.WAITLISTED


def test_a_buddy_cancels_only_their_own_enrolment(
    ben, ben_buddy, cora, session, bea, django_capture_on_commit_callbacks
):
    own = services.enrol_buddy(actor=ben, session=session, buddy=ben_buddy)
    other = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    with pytest.raises(DomainError, match="alleen uzelf"):
        services.cancel_enrolment(actor=ben, enrolment=other)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrolment(actor=ben, enrolment=own)
    # Ben cancelled himself: no e-mail telling him what he just did.
    assert mail.outbox == []
    assert statuses(session) == {
        "Ben Buddy": EnrolmentStatus.CANCELLED,
        "Bea Bakker": EnrolmentStatus.ENROLLED,
    }


def test_cancelling_twice_or_after_the_start_is_refused(cora, session, bea, clock):
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    clock.move_to(SESSION_START + dt.timedelta(minutes=1))
    with pytest.raises(DomainError, match="al begonnen"):
        services.cancel_enrolment(actor=cora, enrolment=enrolment)
    clock.move_to(SESSION_START - dt.timedelta(days=1))
    services.cancel_enrolment(actor=cora, enrolment=enrolment)
    with pytest.raises(DomainError, match="al geannuleerd"):
        services.cancel_enrolment(actor=cora, enrolment=enrolment)


# --- Attendance and qualifications --------------------------------------------------


def test_attendance_waits_until_the_session_is_over(cora, session, bea, clock):
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    clock.move_to(at(2027, 1, 20, 21))  # still going on
    with pytest.raises(DomainError) as exc:
        services.mark_attendance(actor=cora, enrolment=enrolment, attended=True)
    assert exc.value.message == (
        "U kunt de aanwezigheid pas invullen als de training voorbij is."
    )
    enrolment.refresh_from_db()
    assert enrolment.attended is None
    assert not Qualification.objects.exists()


def test_attending_a_basic_training_gives_a_qualification_that_never_expires(
    cora, session, bea, clock
):
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    clock.move_to(AFTER_SESSION)
    services.mark_attendance(actor=cora, enrolment=enrolment, attended=True)
    qualification = Qualification.objects.get(buddy=bea)
    assert qualification.kind == QualificationKind.BASIC
    assert qualification.obtained_on == dt.date(2027, 1, 20)
    assert qualification.valid_until is None
    assert qualification.session == session
    # Marking again corrects, never duplicates; absent takes it away.
    services.mark_attendance(actor=cora, enrolment=enrolment, attended=True)
    assert Qualification.objects.filter(buddy=bea).count() == 1
    services.mark_attendance(actor=cora, enrolment=enrolment, attended=False)
    enrolment.refresh_from_db()
    assert enrolment.attended is False
    assert not Qualification.objects.filter(buddy=bea).exists()


@pytest.mark.parametrize(
    ("starts_at", "valid_months", "valid_until"),
    [
        (at(2027, 3, 10, 19), None, dt.date(2028, 3, 10)),  # refresher default 12
        (at(2027, 1, 31, 19), 1, dt.date(2027, 2, 28)),  # short month
        (at(2027, 8, 31, 19), 6, dt.date(2028, 2, 29)),  # leap year
        (at(2027, 3, 28, 0, 30), 12, dt.date(2028, 3, 28)),  # Dutch date, not UTC
    ],
)
def test_refresher_qualification_expires_after_its_months(
    cora, bea, clock, starts_at, valid_months, valid_until
):
    course = services.create_course(
        actor=cora,
        title="Opfris",
        kind=CourseKind.REFRESHER,
        hours=2,
        valid_months=valid_months,
    )
    session = services.create_session(
        actor=cora,
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=20),
        capacity=5,
        location="Zaal",
    )
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    clock.move_to(starts_at + dt.timedelta(hours=1))
    services.mark_attendance(actor=cora, enrolment=enrolment, attended=True)
    qualification = Qualification.objects.get(buddy=bea)
    assert qualification.kind == QualificationKind.REFRESHER
    assert qualification.obtained_on == starts_at.date()
    assert qualification.valid_until == valid_until


def test_an_other_course_gives_no_qualification(cora, bea, clock):
    course = services.create_course(
        actor=cora, title="Thema-avond", kind=CourseKind.OTHER, hours=2, valid_months=24
    )
    session = services.create_session(
        actor=cora,
        course=course,
        starts_at=SESSION_START,
        ends_at=SESSION_START + dt.timedelta(hours=2),
        capacity=5,
        location="Zaal",
    )
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    clock.move_to(AFTER_SESSION)
    services.mark_attendance(actor=cora, enrolment=enrolment, attended=True)
    enrolment.refresh_from_db()
    assert enrolment.attended is True
    assert not Qualification.objects.exists()


def test_attendance_only_by_a_coordinator_and_only_for_enrolled_buddies(
    cora, ben, olga, session, bea, dirk, eva, clock
):
    for buddy in (bea, dirk, eva):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    clock.move_to(AFTER_SESSION)
    enrolled = Enrolment.objects.get(buddy=bea)
    waiting = Enrolment.objects.get(buddy=eva)
    with pytest.raises(DomainError, match="Alleen een coördinator"):
        services.mark_attendance(actor=ben, enrolment=enrolled, attended=True)
    with pytest.raises(DomainError, match="hoort niet bij uw organisatie"):
        services.mark_attendance(actor=olga, enrolment=enrolled, attended=True)
    with pytest.raises(DomainError, match="die ingeschreven stonden"):
        services.mark_attendance(actor=cora, enrolment=waiting, attended=True)
    assert not Qualification.objects.exists()


def test_no_attendance_for_a_cancelled_session(cora, session, bea, clock):
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    services.cancel_session(actor=cora, session=session)
    clock.move_to(AFTER_SESSION)
    with pytest.raises(DomainError, match="niet doorgegaan"):
        services.mark_attendance(actor=cora, enrolment=enrolment, attended=True)


def test_database_refuses_attendance_for_a_waiting_buddy(cora, session, bea):
    enrolment = services.enrol_buddy(actor=cora, session=session, buddy=bea)
    enrolment.status = EnrolmentStatus.WAITLISTED
    enrolment.attended = True
    with (
        pytest.raises(IntegrityError, match="enrolment_attendance_only_when_enrolled"),
        transaction.atomic(),
    ):
        enrolment.save()
