"""A buddy's status history is stored as codes and worded in the reader's language
(issue 10, item 11): a buddy with English switched on who pauses writes no English
date into the Dutch coordinator's history; a typed reason stays as typed."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.utils import timezone, translation

from ouderbuddy.buddies import services
from ouderbuddy.buddies.history import BUDDY_HISTORY
from ouderbuddy.buddies.models import BuddyStatus, StatusChange
from ouderbuddy.matching.tests.factories import matchable_buddy

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "ouderbuddy.buddies.migrations.0005_status_change_codes"
)


def test_a_pause_in_english_reads_as_a_dutch_date(cora):
    buddy = matchable_buddy(cora.organisation)
    until = timezone.localdate() + dt.timedelta(days=30)
    with translation.override("en"):
        services.pause_buddy(actor=cora, buddy=buddy, until=until)
    change = buddy.history.get(to_status=BuddyStatus.PAUSED)
    assert change.code == "paused_until"
    assert change.params == {"date": until.isoformat()}
    months_nl = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    dutch = f"Pauze tot {until.day} {months_nl[until.month - 1]} {until.year}"
    assert change.reason == dutch
    with translation.override("nl"):
        assert change.text == dutch
    with translation.override("en"):
        assert change.text.startswith("Pause until ")
        assert str(until.year) in change.text


def test_a_stop_reason_is_worded_and_a_typed_note_kept(cora):
    buddy = matchable_buddy(cora.organisation)
    services.stop_buddy(actor=cora, buddy=buddy, reason_code="moved", note="Naar Gent")
    change = buddy.history.get(to_status=BuddyStatus.STOPPED)
    assert change.params == {"stop_reason": "moved", "note": "Naar Gent"}
    with translation.override("nl"):
        assert change.text == "Verhuisd: Naar Gent"
    with translation.override("en"):
        assert change.text.endswith(": Naar Gent")
        assert "Verhuisd" not in change.text


def test_a_typed_pause_reason_stays_as_typed(cora):
    buddy = matchable_buddy(cora.organisation)
    until = timezone.localdate() + dt.timedelta(days=7)
    services.pause_buddy(actor=cora, buddy=buddy, until=until, reason="Op vakantie")
    change = buddy.history.get(to_status=BuddyStatus.PAUSED)
    assert (change.code, change.reason, change.text) == (
        "",
        "Op vakantie",
        "Op vakantie",
    )


def test_texts_without_words_of_their_own_are_never_recognised():
    assert BUDDY_HISTORY.recognise("Verhuisd: Naar Gent") is None
    assert BUDDY_HISTORY.recognise("Anders") is None
    assert BUDDY_HISTORY.recognise("Pauze beëindigd") == ("pause_ended", {})


def test_the_migration_codes_old_rows_and_keeps_free_text(cora):
    buddy = matchable_buddy(cora.organisation)
    with translation.override("en"):
        english = str(BUDDY_HISTORY.texts["pause_ended"])
    assert english != "Pauze beëindigd"  # the English catalogue has it
    old, typed = (
        StatusChange.objects.create(
            organisation=cora.organisation, buddy=buddy, to_status=BuddyStatus.ACTIVE
        )
        for _ in range(2)
    )
    StatusChange.objects.filter(pk=old.pk).update(code="", reason=english)
    StatusChange.objects.filter(pk=typed.pk).update(code="", reason="Zelf geschreven")
    migration.to_codes(django_apps, None)
    old.refresh_from_db()
    typed.refresh_from_db()
    assert (old.code, old.reason) == ("pause_ended", "Pauze beëindigd")
    assert (typed.code, typed.reason) == ("", "Zelf geschreven")
