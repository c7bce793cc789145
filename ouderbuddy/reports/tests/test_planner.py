"""The recruitment planner: the marginal value of one more buddy, from the batch
solver, with its counts protected; and its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import RequestEvent
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.reports import planner

pytestmark = pytest.mark.django_db


def _waiting(cora, count, **fields):
    for _n in range(count):
        cache.clear()  # the public form's rate limit
        waiting_request(cora, **fields)


def test_an_empty_waiting_list_has_nothing_to_advise(cora):
    plan = planner.plan(cora.organisation_id)
    assert plan.waiting == 0 and plan.advice == []


def test_with_no_buddy_every_shared_experience_asks_for_buddies(cora):
    _waiting(cora, 6)  # route.po_regular, issue.out_of_school, need.anxiety
    plan = planner.plan(cora.organisation_id)
    assert plan.waiting == 6
    assert plan.matched_now == 0
    advised = {a.code: a for a in plan.advice}
    assert {"issue.out_of_school", "need.anxiety"} <= set(advised)
    first = advised["issue.out_of_school"]
    # Each imagined buddy has one place: three more buddies, three more parents,
    # which is fewer than five, so the count is an x.
    assert first.buddies == planner.MAX_PER_PROFILE
    assert first.extra_matched is None
    assert first.waiting == 6
    supply = {row.code: row for row in plan.supply}
    assert supply["issue.out_of_school"].places == 0


def test_a_buddy_with_the_experience_and_room_leaves_less_to_recruit(cora):
    _waiting(cora, 6)
    matchable_buddy(
        cora.organisation,
        "Rosa Ruimte",
        codes=["issue.out_of_school", "need.anxiety"],
        max_matches=3,
    )
    plan = planner.plan(cora.organisation_id)
    advised = {a.code: a for a in plan.advice}
    # Three of the six get Rosa; three imagined buddies still add three each code.
    assert plan.matched_now is None  # three: an x
    assert advised["issue.out_of_school"].buddies == 3


def test_an_experience_nobody_waits_for_is_no_advice(cora):
    _waiting(cora, 6)
    plan = planner.plan(cora.organisation_id)
    assert "need.autism" not in {a.code for a in plan.advice}


def test_the_planner_page(cora, cora_client, mia_client, ben_client):
    _waiting(cora, 6)
    page = mia_client.get(reverse("reports:planner"))
    assert page.status_code == 200
    assert "Werf eerst" in page.content.decode()
    assert cora_client.get(reverse("reports:planner")).status_code == 200
    assert ben_client.get(reverse("reports:planner")).status_code == 403


def _left_without_buddy(cora, count, *, days_ago=10):
    for _n in range(count):
        cache.clear()
        request = waiting_request(cora)
        with TestCase.captureOnCommitCallbacks(execute=True):
            intake.withdraw_by_coordinator(
                actor=cora, request=request, reason="Niemand beschikbaar"
            )
        RequestEvent.objects.filter(request=request).update(
            at=timezone.now() - dt.timedelta(days=days_ago)
        )


def test_recently_unmatched_demand_is_counted_per_code_and_swv(cora):
    _left_without_buddy(cora, 5)
    _left_without_buddy(cora, 2, days_ago=planner.RECENT_DAYS + 5)  # too long ago
    plan = planner.plan(cora.organisation_id)
    assert plan.waiting == 0
    rows = [r for r in plan.supply if r.code == "issue.out_of_school"]
    assert len(rows) == 1
    assert rows[0].unmatched == 5
    assert rows[0].swv_label not in ("", "Onbekend")  # the SWV of 1012 AB


def test_unmatched_and_waiting_side_by_side_in_the_swv(cora):
    _waiting(cora, 6)
    _left_without_buddy(cora, 3)  # 3: an x
    plan = planner.plan(cora.organisation_id)
    rows = [r for r in plan.supply if r.code == "issue.out_of_school"]
    assert len(rows) == 1
    assert rows[0].waiting == 6 and rows[0].unmatched is None
    for row in plan.supply:
        for value in (row.waiting, row.unmatched, row.places):
            assert value is None or value == 0 or value >= 5
