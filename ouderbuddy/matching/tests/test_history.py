"""A match's history is stored as codes and worded in the reader's language: a
parent with English switched on who agrees writes no English into the Dutch
coordinator's history (issue 10, item 11)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import translation

from ouderbuddy.matching import services
from ouderbuddy.matching.history import MATCH_HISTORY
from ouderbuddy.matching.models import MatchEvent, MatchStatus
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.matching.tests.test_views_buddy_parent import run

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "ouderbuddy.matching.migrations.0004_match_event_codes"
)


@pytest.fixture
def accepted(cora, ben):
    buddy = matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)
    match = run(
        services.propose, actor=cora, request=waiting_request(cora), buddy=buddy
    )
    return run(services.accept, actor=ben, match=match)


def test_a_parent_in_english_writes_a_dutch_step_for_the_coordinator(accepted):
    with translation.override("en"):
        run(services.parent_agrees, request=accepted.request, match=accepted)
    event = accepted.events.get(to_status=MatchStatus.AGREED)
    assert event.code == "parent_agreed"
    assert event.description == "De ouder is akkoord met de buddy."
    with translation.override("nl"):
        assert event.text == "De ouder is akkoord met de buddy."
    with translation.override("en"):
        assert event.text == "The parent agrees to the buddy."


def test_a_decline_reason_is_a_choice_worded_for_each_reader(cora, ben):
    buddy = matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)
    match = run(
        services.propose, actor=cora, request=waiting_request(cora), buddy=buddy
    )
    with translation.override("en"):
        run(services.decline, actor=ben, match=match, reason="no_time")
    event = match.events.get(to_status=MatchStatus.DECLINED)
    assert event.code == "declined"
    assert event.params == {"decline_reason": "no_time"}
    with translation.override("nl"):
        assert event.text.startswith("De buddy zegt nee: ")
        assert "no_time" not in event.text


def test_a_proposal_with_a_reason_keeps_the_name_and_the_reason_apart():
    with translation.override("nl"):
        found = MATCH_HISTORY.recognise("Voorgesteld aan Bea Buddy: woont dichtbij.")
    assert found == (
        "proposed_because",
        {"name": "Bea Buddy", "reason": "woont dichtbij."},
    )


def test_the_migration_codes_old_rows_and_keeps_free_text(accepted):
    MatchEvent.objects.filter(match=accepted).update(code="", params={})
    free = MatchEvent.objects.create(
        organisation_id=accepted.organisation_id,
        match=accepted,
        description="Iets wat iemand zelf schreef.",
    )
    MatchEvent.objects.filter(pk=free.pk).update(code="", params={})
    with translation.override("en"):
        english = str(MATCH_HISTORY.texts["accepted"])
    MatchEvent.objects.filter(match=accepted, to_status=MatchStatus.ACCEPTED).update(
        description=english
    )
    migration.to_codes(django_apps, None)
    accepted_row = accepted.events.get(to_status=MatchStatus.ACCEPTED)
    assert accepted_row.code == "accepted"
    assert accepted_row.description == "De buddy zegt ja."
    free.refresh_from_db()
    assert free.code == "" and free.text == "Iets wat iemand zelf schreef."
