"""The read side moved out of services: the one "own match" rule and the shortlist
built from the engine's single scoring."""

from __future__ import annotations

import numpy as np
import pytest
from django.http import Http404

from ouderbuddy.matching import engine, loading, scoring, selectors
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)


def test_own_matches_refuses_someone_elses_buddy_record(cora):
    bea = matchable_buddy(cora.organisation, "Bea Eigen")
    zora = matchable_buddy(cora.organisation, "Zora Ander")
    with pytest.raises(Http404):
        selectors.own_matches(buddy_membership(bea), zora)
    assert list(selectors.own_matches(buddy_membership(bea), bea)) == []


def test_own_matches_with_the_record_needs_no_query_for_it(
    cora, django_assert_num_queries
):
    bea = matchable_buddy(cora.organisation, "Bea Eigen")
    actor = buddy_membership(bea)
    with django_assert_num_queries(1):
        list(selectors.own_matches(actor, bea))
    with django_assert_num_queries(2):  # the buddy record, then the matches
        list(selectors.own_matches(actor))


def test_the_shortlist_gives_what_scoring_the_pool_gives(cora):
    request = waiting_request(cora)
    near = matchable_buddy(cora.organisation, "Bea Dichtbij")
    matchable_buddy(cora.organisation, "Zora Ook")
    page = selectors.shortlist(actor=cora, request=request)

    weights = scoring.weights_of(cora.organisation_id).as_engine()
    pool = loading.load_pool(cora.organisation_id, [request])
    scores = scoring.score(pool, weights)
    cols = {b.pk: i for i, b in enumerate(pool.buddy_list)}
    assert page.candidates, "the walk needs a candidate"
    for option in page.candidates:
        col = cols[option.buddy.pk]
        assert option.total == int(scores.total[0, col])
        assert option.excluded == 0
        assert option.snapshot == scoring.dense_snapshot(pool, scores, 0, col)
    assert page.n_excluded == int(np.count_nonzero(scores.excluded[0]))
    for option in page.excluded:
        col = cols[option.buddy.pk]
        assert option.excluded == int(scores.excluded[0, col]) != 0
        assert option.total == int(scores.total[0, col])
    assert near.pk in {o.buddy.pk for o in page.candidates}


def test_the_shortlist_scores_the_pool_once(cora, monkeypatch):
    request = waiting_request(cora)
    matchable_buddy(cora.organisation, "Bea Dichtbij")
    calls = []
    real = engine._evaluate
    monkeypatch.setattr(
        engine, "_evaluate", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    selectors.shortlist(actor=cora, request=request)
    assert len(calls) == 1


def test_the_shortlist_gives_the_running_match_and_the_earlier_newest_first(cora):
    import datetime as dt

    from django.utils import timezone

    from ouderbuddy.intake.selectors import codes_of
    from ouderbuddy.matching.models import DeclineReason, Match, MatchStatus

    request = waiting_request(cora)
    page = selectors.shortlist(actor=cora, request=request, with_request=True)
    assert (page.running, page.earlier) == (None, [])
    made = {}
    for days, name, status in (
        (3, "Ans Eerst", MatchStatus.DECLINED),
        (2, "Bo Later", MatchStatus.EXPIRED),
        (1, "Cas Nu", MatchStatus.PROPOSED),
    ):
        made[status] = Match.objects.create(
            organisation_id=request.organisation_id,
            request=request,
            buddy=matchable_buddy(cora.organisation, name),
            status=status,
            respond_by=timezone.now() + dt.timedelta(days=3),
            decline_reason=DeclineReason.TOO_FAR
            if status == MatchStatus.DECLINED
            else "",
        )
        Match.objects.filter(pk=made[status].pk).update(
            created_at=timezone.now() - dt.timedelta(days=days)
        )
    page = selectors.shortlist(actor=cora, request=request, with_request=True)
    running, earlier = page.running, page.earlier
    assert running is not None
    assert (running.pk, running.buddy_name) == (made[MatchStatus.PROPOSED].pk, "Cas Nu")
    assert running.get_status_display() == str(MatchStatus.PROPOSED.label)
    assert [m.buddy_name for m in earlier] == ["Bo Later", "Ans Eerst"]
    assert earlier[1].get_decline_reason_display() == str(DeclineReason.TOO_FAR.label)
    assert earlier[0].get_decline_reason_display() == ""
    # The request's codes come with them, in code order; neither without asking.
    assert page.code_ids == tuple(c.pk for c in codes_of([request.pk])[request.pk])
    assert page.code_ids
    plain = selectors.shortlist(actor=cora, request=request)
    assert (plain.code_ids, plain.matches) == ((), ())


def test_the_shortlist_request_has_the_shown_columns_and_is_scoped(cora, olga):
    request = waiting_request(cora)
    found = selectors.shortlist_request_for(cora, request.pk)
    assert found == request
    assert {"question", "full_name", "email"} <= found.get_deferred_fields()
    assert found.municipality_name == request.postcode.municipality.name
    with pytest.raises(Http404):
        selectors.shortlist_request_for(olga, request.pk)
    # Scored from it, the page is the one of the request read whole.
    assert [
        o.buddy.pk for o in selectors.shortlist(actor=cora, request=found).candidates
    ] == [
        o.buddy.pk for o in selectors.shortlist(actor=cora, request=request).candidates
    ]


def test_the_overview_is_the_preview_the_counts_and_the_gaps(cora):
    from ouderbuddy.matching.models import HOLDS_PLACE

    matchable_buddy(cora.organisation, "Bea Eigen")
    waiting_request(cora)
    waiting_request(cora)
    found = selectors.overview(actor=cora, limit=25)
    weights = scoring.weights_of(cora.organisation_id).as_engine()
    assert found.rows == selectors.preview(actor=cora, weights=weights, limit=25)
    assert len(found.rows) == 2
    assert found.waiting == scoring.waiting(cora.organisation_id).count() == 2
    assert found.gaps == selectors.gaps(cora.organisation_id)
    assert found.running == selectors.running_counts(cora)
    assert set(found.running) <= set(HOLDS_PLACE)


def test_a_pairs_option_comes_worded(cora):
    from ouderbuddy.matching import explain

    bea = matchable_buddy(cora.organisation, "Bea Eigen")
    request = waiting_request(cora)
    option = selectors.option_for(actor=cora, request=request, buddy=bea)
    assert not option.excluded
    assert option.worded is not None
    assert option.worded == explain.explain(option.snapshot)
