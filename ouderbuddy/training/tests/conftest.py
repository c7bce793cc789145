"""Fixtures for the training tests: a fixed clock, a course with one session, buddies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.organisations.models import Membership, Organisation
from ouderbuddy.training import services
from ouderbuddy.training.models import Course, CourseKind, Session
from ouderbuddy.training.tests.factories import at, make_buddy, make_own_buddy

# Sunday 10 January 2027, 09:00 in Amsterdam. The session below is ten days later.
NOW = at(2027, 1, 10, 9)
SESSION_START = at(2027, 1, 20, 19)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def course(cora: Membership) -> Course:
    return services.create_course(
        actor=cora, title="Basistraining", kind=CourseKind.BASIC, hours=2
    )


@pytest.fixture
def refresher_course(cora: Membership) -> Course:
    return services.create_course(
        actor=cora, title="Opfrisavond", kind=CourseKind.REFRESHER, hours=2
    )


@pytest.fixture
def session(cora: Membership, course: Course) -> Session:
    """A session with two places, ten days from now."""
    return services.create_session(
        actor=cora,
        course=course,
        starts_at=SESSION_START,
        ends_at=at(2027, 1, 20, 21, 30),
        capacity=2,
        location="Buurthuis De Linde, Zwolle",
    )


@pytest.fixture
def bea(noord: Organisation) -> Buddy:
    return make_buddy(noord, full_name="Bea Bakker")


@pytest.fixture
def dirk(noord: Organisation) -> Buddy:
    return make_buddy(noord, full_name="Dirk Dekker")


@pytest.fixture
def eva(noord: Organisation) -> Buddy:
    return make_buddy(noord, full_name="Eva Evers")


@pytest.fixture
def ben_buddy(ben: Membership) -> Buddy:
    """Ben's own buddy record, linked to his account."""
    mail.outbox.clear()
    return make_own_buddy(ben)
