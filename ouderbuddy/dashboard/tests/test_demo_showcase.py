"""The demo shows the product at its best: the featured request's shortlist has
several buddies with shared experience, and training sessions took place."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import built_once
from ouderbuddy.buddies import checklist
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.services import facts_for
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.selectors import waiting_list
from ouderbuddy.matching import explain, selectors
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.training.models import Enrolment, Qualification, Session

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _seeded(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module (each test rolls back its changes)."""
    with built_once(django_db_blocker):
        out = io.StringIO()
        call_command("seed_demo", force=True, without_history=True, stdout=out)
        yield out.getvalue()


@pytest.fixture
def demo(_seeded):
    return _seeded


def test_the_featured_request_has_a_shortlist_with_shared_experience(demo):
    for organisation in Organisation.objects.all():
        coordinator = Membership.objects.get(
            organisation=organisation,
            role=Role.COORDINATOR,
            user__email__startswith="coordinator@",
        )
        first = waiting_list(coordinator).first()
        assert first is not None
        assert f"Demo request {first.reference}" in demo
        page = selectors.shortlist(actor=coordinator, request=first)
        summaries = [explain.explain(o.snapshot).summary for o in page.candidates]
        shared = [s for s in summaries if s[0].startswith("zelfde ervaring")]
        assert len(shared) >= 3, summaries
        assert summaries[0][0].startswith("zelfde ervaring"), summaries
        # Every candidate on it can really be proposed.
        for option in page.candidates:
            assert checklist.is_matchable(facts_for(option.buddy))


def test_training_sessions_took_place_with_attendance(demo):
    now = timezone.now()
    for organisation in Organisation.objects.all():
        past = Session.objects.filter(organisation=organisation, ends_at__lt=now)
        assert past.count() >= 2
        recorded = Enrolment.objects.filter(session__in=past, attended__isnull=False)
        assert recorded.filter(attended=True).exists()
        assert recorded.filter(attended=False).exists()
        # One session is over and waits for its attendance.
        assert Enrolment.objects.filter(
            session__in=past, status="enrolled", attended__isnull=True
        ).exists()
        assert Qualification.objects.filter(
            organisation=organisation, session__in=past, kind="basic"
        ).exists()
        elsewhere = Qualification.objects.get(
            organisation=organisation, session__isnull=True, provider="Balans"
        )
        assert elsewhere.course is not None and elsewhere.recorded_by is not None
    # The demo buddy login is still ready to be matched.
    demo_buddy = Buddy.objects.get(email="buddy@amsterdam.ouderbuddy.example")
    assert checklist.is_matchable(facts_for(demo_buddy))


def test_a_second_run_adds_no_showcase_or_sessions(demo):
    models = (Buddy, HelpRequest, Session, Enrolment, Qualification)
    before = {m.__name__: m.objects.count() for m in models}
    call_command("seed_demo", force=True, without_history=True, stdout=io.StringIO())
    assert before == {m.__name__: m.objects.count() for m in models}
