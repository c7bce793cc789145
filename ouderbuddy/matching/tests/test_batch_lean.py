"""`services.create_batch` on the engine's lean path gives exactly the draft of the
full sparse scores it used before: the same lines, scores, explanations and totals,
on generated organisations (conflicts of interest, paused buddies, several places)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ouderbuddy.lib import org_cache
from ouderbuddy.matching import engine, loading, scoring, services
from ouderbuddy.matching.models import BatchDraft, BatchLineState, Conflict
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

CODES = ("route.po_regular", "issue.out_of_school", "need.anxiety")


def reference(actor: Membership, objective: str) -> dict[str, Any]:
    """The draft as `create_batch` computed it before the lean path: every candidate
    pair scored in full (`scoring.sparse_scores`), batch and greedy over those."""
    org = actor.organisation_id
    weights = scoring.weights_of(org).as_engine()
    requests = loading.with_postcode(scoring.waiting(org))
    pool = loading.load_pool(org, requests)
    scores = scoring.sparse_scores(pool, weights)
    capacities = pool.buddies.free_places.clip(min=0)
    best = engine.batch(scores, capacities, engine.Objective(objective))
    baseline = engine.greedy(scores, capacities)
    n_b = len(pool.buddy_list)
    keys = scores.request * n_b + scores.buddy
    lines = {}
    for r, b in best.pairs():
        k = int(np.searchsorted(keys, r * n_b + b))
        lines[pool.request_list[r].pk] = (
            pool.buddy_list[b].pk,
            int(scores.total[k]),
            scoring.snapshot(
                pool,
                r,
                b,
                scores.contributions[:, k].tolist(),
                float(scores.distance_km[k]),
            ),
        )
    return {
        "lines": lines,
        "totals": (best.total, best.matched, baseline.total, baseline.matched),
        "waiting": len(requests),
    }


def drafted(draft: BatchDraft) -> dict[str, Any]:
    draft.refresh_from_db()
    return {
        "lines": {
            line.request_id: (line.buddy_id, line.score, line.explanation)
            for line in draft.lines.all()
        },
        "totals": (
            draft.total_score,
            draft.matched,
            draft.greedy_total_score,
            draft.greedy_matched,
        ),
        "waiting": draft.waiting,
    }


def generated_organisation(cora: Membership, seed: int) -> None:
    """Buddies and requests drawn at random: codes, places, distances, genders,
    contact modes, languages, a school in common and a conflict of interest."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    buddies = [
        matchable_buddy(
            cora.organisation,
            f"B{seed}x{j} Buddy",
            codes=rng.sample(CODES, rng.randint(0, 3)),
            postcode=rng.choice(["1012", "1013", "1017", "3511"]),
            max_matches=rng.randint(1, 3),
            travel_km=rng.choice([5, 15, 50]),
            gender=rng.choice(["female", "male"]),
            languages=rng.choice([["nl"], ["nl", "en"], ["nl", "tr"]]),
            contact_modes=rng.choice([["phone"], ["video"], ["phone", "video"]]),
            status=rng.choice(["active"] * 5 + ["paused"]),
            conflict_schools=["De Regenboog"] if j % 7 == 3 else [],
        )
        for j in range(14)
    ]
    requests = [
        waiting_request(
            cora,
            email=f"o{seed}x{i}@example.nl",
            postcode=rng.choice(["1012 AB", "1017 AB", "3511 AB"]),
            max_distance_km=rng.choice([5, 25, 50]),
            codes=rng.sample(CODES, rng.randint(0, 3)),
            buddy_gender=rng.choice(["any", "any", "female", "male"]),
            contact_modes=rng.choice([[], ["phone"], ["video"]]),
            languages=rng.choice([["nl"], ["nl", "en"], ["tr"]]),
            school_name=rng.choice(["De Regenboog", "Het Anker", ""]),
        )
        for i in range(24)
    ]
    Conflict.objects.create(
        organisation=cora.organisation,
        request=requests[0],
        buddy=buddies[0],
        note="Kent het gezin.",
        recorded_by=cora.user,
    )


@pytest.mark.parametrize("objective", ["best_fit", "most_matched"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_lean_create_batch_gives_the_draft_of_the_full_scores(cora, seed, objective):
    generated_organisation(cora, seed)
    expected = reference(cora, objective)
    assert expected["lines"], "the generated organisation should have proposals"
    draft = services.create_batch(actor=cora, objective=objective)
    assert drafted(draft) == expected


def test_create_batch_writes_its_audit_event_and_renews_the_cache(cora):
    generated_organisation(cora, 4)
    org_cache._dirty().clear()
    draft = services.create_batch(actor=cora, objective="best_fit")
    event = AuditEvent.objects.get(verb="matching.batch")
    assert event.organisation_id == cora.organisation_id
    assert event.data == {"waiting": draft.waiting, "matched": draft.matched}
    # The draft's lines are written in bulk (no signal): the organisation's cached
    # results are dropped all the same when the transaction commits.
    assert cora.organisation_id in org_cache._dirty()
    assert draft.lines.count() == draft.matched > 0
    assert {line.organisation_id for line in draft.lines.all()} == {
        cora.organisation_id
    }
    # The lines hold what the model itself would have written.
    for line in draft.lines.all():
        assert line.state == BatchLineState.DRAFT
        assert line.problem == ""
        assert line.created_at == line.updated_at
        assert draft.created_at <= line.created_at
        assert sum(line.explanation["contributions"].values()) == line.score
        line.full_clean()


def test_create_batch_reads_no_request_column_it_does_not_need(cora):
    generated_organisation(cora, 5)
    with CaptureQueriesContext(connection) as first:
        services.create_batch(actor=cora, objective="best_fit")
    for i in range(4):
        waiting_request(cora, email=f"later{i}@example.nl")
    matchable_buddy(cora.organisation, "Later Buddy", max_matches=2)
    with CaptureQueriesContext(connection) as second:
        draft = services.create_batch(actor=cora, objective="best_fit")
    # No deferred column is fetched row by row, whatever the size of the list.
    assert len(second.captured_queries) == len(first.captured_queries)
    assert draft.lines.count() == draft.matched > 0
    texts = " ".join(q["sql"] for q in second.captured_queries)
    for encrypted in ("question", "intake_note", "information_given"):
        assert f'"{encrypted}"' not in texts
