"""Matching's sections of the composed screens: which forms the coordinator's match
page offers at each step, and what the parent's status page says of the proposal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.matching import explain, sections, services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)

pytestmark = pytest.mark.django_db


def _proposal(cora) -> Match:
    request = waiting_request(cora)
    buddy = matchable_buddy(cora.organisation)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.propose(actor=cora, request=request, buddy=buddy)


def _agreed(cora) -> Match:
    match = _proposal(cora)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.accept(actor=buddy_membership(match.buddy), match=match)
        services.parent_agrees(request=match.request, match=match)
    match.refresh_from_db()
    return match


def _planned(cora, at: dt.datetime) -> Match:
    match = _agreed(cora)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.plan_introduction(
            actor=cora, match=match, at=at, mode="video", place="Thuis"
        )
    match.refresh_from_db()
    return match


# --- The coordinator's match page ------------------------------------------------------


def test_a_proposal_can_only_be_stopped(cora):
    actions = sections.match_actions(_proposal(cora))
    assert actions["cancel_form"] is not None
    assert actions["plan_form"] is None
    assert actions["activate_form"] is None
    assert "starts_from" not in actions


def test_an_agreed_match_asks_for_the_introduction(cora):
    actions = sections.match_actions(_agreed(cora))
    assert actions["plan_form"] is not None
    assert actions["plan_form"].initial == {}
    assert actions["cancel_form"] is not None
    assert actions["activate_form"] is None


def test_a_planned_introduction_fills_the_form_and_says_from_when_it_can_start(cora):
    at = timezone.now() + dt.timedelta(days=3)
    match = _planned(cora, at)
    actions = sections.match_actions(match)
    local = timezone.localtime(match.introduction_at)
    assert actions["plan_form"].initial["day"] == local.date()
    assert actions["plan_form"].initial["place"] == "Thuis"
    assert actions["activate_form"] is None
    assert actions["starts_from"] == local.date()


def test_after_the_introduction_the_match_can_start_today(cora):
    match = _planned(cora, timezone.now() + dt.timedelta(hours=1))
    Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
    match.refresh_from_db()
    actions = sections.match_actions(match)
    assert actions["activate_form"].initial == {"started_on": timezone.localdate()}
    assert "starts_from" not in actions


def test_a_running_match_has_no_matching_forms(cora):
    actions = sections.match_actions(active_match(cora))
    assert actions == {"plan_form": None, "activate_form": None, "cancel_form": None}


def test_facts_and_history_of_a_proposal(cora):
    match = _proposal(cora)
    facts = sections.match_facts(match)
    assert facts["explanation"] is not None
    assert facts["points"] == explain.points(match.score)
    Match.objects.filter(pk=match.pk).update(explanation={})
    match.refresh_from_db()
    assert sections.match_facts(match)["explanation"] is None
    history = sections.match_history(match)["events"]
    events = list(match.events.select_related("actor"))
    assert history
    assert [e["text"] for e in history] == [e.text for e in events]
    assert [e["at"] for e in history] == [e.at for e in events]
    assert [e["actor"] and e["actor"]["full_name"] for e in history] == [
        e.actor and e.actor.full_name for e in events
    ]


# --- The parent's status page ----------------------------------------------------------


def test_no_proposal_yet(cora):
    proposal = sections.parent_proposal(waiting_request(cora))
    assert proposal["buddy_match"] is None
    assert proposal["state_label"] is None
    assert proposal["fell_through"] is None


def test_a_running_proposal_says_its_step(cora):
    match = _proposal(cora)
    match.request.refresh_from_db()
    assert match.request.status == RequestStatus.MATCHING
    proposal = sections.parent_proposal(match.request)
    assert proposal["buddy_match"] == match
    assert proposal["state_label"] == "We hebben een buddy gevraagd"
    assert proposal["fell_through"] is None


def test_a_stopped_proposal_fell_through_while_the_request_waits(cora):
    match = _proposal(cora)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.cancel(actor=cora, match=match, reason="De buddy is verhuisd.")
    match.request.refresh_from_db()
    proposal = sections.parent_proposal(match.request)
    assert proposal["buddy_match"] is None
    assert proposal["fell_through"] == match
    assert proposal["fell_through"].status == MatchStatus.CANCELLED


def test_a_running_match_has_no_step_label(cora):
    match = active_match(cora)
    proposal = sections.parent_proposal(match.request)
    assert proposal["buddy_match"] == match
    assert proposal["state_label"] is None


def test_last_closed_match(cora):
    match = active_match(cora)
    assert sections.last_closed_match(match.request) is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        casework.close_match(
            actor=cora, match=match, reason="goal_reached", initiator="together"
        )
    assert sections.last_closed_match(match.request) == match
