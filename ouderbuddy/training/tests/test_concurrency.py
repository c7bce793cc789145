"""Two coordinators take the last free place at the same moment: exactly one gets it.

This needs real concurrent transactions, so it runs on PostgreSQL (the second pass of
`make test`). SQLite's in-memory test database cannot hold two writers at once; there
the capacity rule is covered by test_services.py.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from conftest import concurrent_transactions, make_first_coordinator
from ouderbuddy.training import services
from ouderbuddy.training.models import CourseKind, Enrolment, EnrolmentStatus
from ouderbuddy.training.tests.factories import make_buddy

pytestmark = concurrent_transactions()


@pytest.fixture(autouse=True)
def clock():
    """The real clock: the threads must agree on the time with the database."""
    yield None


def test_two_coordinators_racing_for_the_last_place(noord):
    cora = make_first_coordinator(noord, "cora@noord.test", "Cora")
    carla = make_first_coordinator(noord, "carla@noord.test", "Carla")
    course = services.create_course(
        actor=cora, title="Basis", kind=CourseKind.BASIC, hours=2
    )
    starts_at = timezone.now() + dt.timedelta(days=7)
    session = services.create_session(
        actor=cora,
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        capacity=2,
        location="Zaal",
    )
    services.enrol_buddy(actor=cora, session=session, buddy=make_buddy(noord))
    racers = [
        (cora, make_buddy(noord, full_name="Ada Een", email="ada@buddy.test")),
        (carla, make_buddy(noord, full_name="Bob Twee", email="bob@buddy.test")),
    ]
    start = threading.Barrier(len(racers))
    errors: list[BaseException] = []

    def race(actor, buddy):
        try:
            start.wait(timeout=10)
            services.enrol_buddy(actor=actor, session=session, buddy=buddy)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=racer) for racer in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    statuses = sorted(
        Enrolment.objects.filter(session=session)
        .exclude(buddy__full_name="Bea Buddy")
        .values_list("status", flat=True)
    )
    assert statuses == [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]
    assert (
        Enrolment.objects.filter(
            session=session, status=EnrolmentStatus.ENROLLED
        ).count()
        == 2
    )
