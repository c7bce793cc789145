"""The recruitment planner: the marginal value of one more buddy, from the batch
solver, with its counts protected; and its page."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

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
