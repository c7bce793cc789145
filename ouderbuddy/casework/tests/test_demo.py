"""The casework demo data: every match state, a history for the active matches, and
nothing new on a second run."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone

from conftest import built_once
from ouderbuddy.casework import services
from ouderbuddy.casework.demo import seed_demo_casework
from ouderbuddy.casework.models import (
    Agreement,
    CheckIn,
    Closure,
    Contact,
    Fit,
    FitAnswer,
    SafetySignal,
    SchoolMeeting,
    SignalKind,
)
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching.models import Match, MatchEvent, MatchStatus
from ouderbuddy.organisations.models import Organisation

CASEWORK = (
    Match,
    MatchEvent,
    HelpRequest,
    Agreement,
    Contact,
    CheckIn,
    SchoolMeeting,
    FitAnswer,
    SafetySignal,
    Closure,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CASEWORK}


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module (each test rolls back its changes)."""
    with built_once(django_db_blocker):
        call_command(
            "seed_demo", force=True, without_history=True, stdout=io.StringIO()
        )
        yield


@pytest.fixture
def demo(_seeded, db):
    return list(Organisation.objects.order_by("name"))


def test_every_match_state_shows_in_each_demo_organisation(demo):
    assert len(demo) == 2
    for organisation in demo:
        statuses = set(
            Match.objects.filter(organisation=organisation).values_list(
                "status", flat=True
            )
        )
        assert statuses == set(MatchStatus.values), organisation.name


def test_active_matches_have_a_history(demo):
    today = timezone.localdate()
    for organisation in demo:
        active = Match.objects.filter(
            organisation=organisation, status=MatchStatus.ACTIVE
        )
        # Started weeks ago (the services start a match today; the demo moved it back).
        assert all(m.started_on < today - dt.timedelta(weeks=8) for m in active)
        contacts = Contact.objects.filter(match__in=active)
        assert contacts.count() >= 10
        assert not contacts.filter(on__gt=today).exists()
        for match in active:
            assert not contacts.filter(match=match, on__lt=match.started_on).exists()
        agreements = Agreement.objects.filter(match__in=active)
        assert agreements.count() == active.count()
        assert not agreements.filter(buddy_acknowledged_at__isnull=True).exists()
        # Check-ins: some done, one overdue.
        check_ins = CheckIn.objects.filter(match__in=active)
        assert check_ins.filter(done_on__isnull=False).count() >= 2
        overdue = check_ins.filter(done_on__isnull=True, due_on__lt=today)
        assert overdue.count() == 1
        # A school meeting next week, partly prepared.
        meeting = SchoolMeeting.objects.get(match__in=active)
        days = (timezone.localtime(meeting.starts_at).date() - today).days
        assert 6 <= days <= 8
        assert 0 < len(meeting.preparation) < 4


def test_a_quiet_match_an_open_signal_and_a_doubtful_fit(demo):
    today = timezone.localdate()
    for organisation in demo:
        latest = (
            Match.objects.filter(organisation=organisation, status=MatchStatus.ACTIVE)
            .annotate(last=Max("contacts__on"))
            .values_list("last", flat=True)
        )
        quiet = [
            day
            for day in latest
            if day is not None
            and (today - day).days > services.QUIET_DAYS  # the panel's rule
        ]
        assert len(quiet) == 1, organisation.name
        signal = SafetySignal.objects.get(organisation=organisation)
        assert signal.kind == SignalKind.BEYOND_ROLE
        assert signal.closed_at is None and signal.acknowledged_at is None
        assert signal.match.status == MatchStatus.ACTIVE
        assert FitAnswer.objects.filter(
            organisation=organisation, answer=Fit.NOT_SURE
        ).exists()


def test_closed_matches_one_waits_for_a_rematch(demo):
    amsterdam, utrecht = (
        Organisation.objects.get(name__contains="Amsterdam"),
        Organisation.objects.get(name__contains="Utrecht"),
    )
    # casework's own closed match (with contacts); the evaluation demo closes eight
    # earlier matches of its own, without contacts.
    closures = Closure.objects.select_related("match__request").filter(
        match__contacts__isnull=False
    )
    rematch = closures.distinct().get(organisation=amsterdam)
    assert rematch.rematch
    assert rematch.match.request.status == RequestStatus.WAITING
    done = closures.distinct().get(organisation=utrecht)
    assert not done.rematch
    assert done.match.request.status == RequestStatus.CLOSED
    for closure in (rematch, done):
        assert closure.match.contacts.exists()
        # Closing removed what was still planned.
        assert not closure.match.check_ins.filter(done_on__isnull=True).exists()


def test_a_second_run_adds_nothing(demo):
    before = _counts()
    call_command("seed_demo", force=True, without_history=True, stdout=io.StringIO())
    assert _counts() == before
    assert seed_demo_casework(demo[0]) == 0
