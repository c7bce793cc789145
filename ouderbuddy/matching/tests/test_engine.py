"""The matching engine on plain arrays: scores, hard filters, shortlist, batch, greedy.

No database. Small cases are computed by hand; the property tests compare the
solver with SciPy's Hungarian method on the same scores.
"""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from ouderbuddy.matching.engine import (
    CRITERIA,
    SCALE,
    Buddies,
    Exclusion,
    Exclusions,
    Gender,
    Objective,
    Requests,
    Scores,
    Weights,
    WeightsError,
    batch,
    bitmask,
    candidate_pairs,
    code_matrix,
    greedy,
    score,
    score_pairs,
    shortlist,
)

K_ISSUE, K_NEED, K_ROUTE = 4, 4, 3
LAT, LON = 52.0, 5.0
# 0.1 degree of latitude along a meridian: 6371.0 km * pi / 1800 = 11.1195 km.
KM_PER_TENTH_DEGREE = 6371.0 * math.pi / 1800


def codes(n: int, k: int, rows: dict[int, list[int]] | None = None) -> np.ndarray:
    matrix = np.zeros((n, k), dtype=bool)
    for i, columns in (rows or {}).items():
        matrix[i, columns] = True
    return matrix


def make_requests(n: int = 1, **fields: Any) -> Requests:
    values: dict[str, Any] = {
        "issue": codes(n, K_ISSUE),
        "need": codes(n, K_NEED),
        "route": codes(n, K_ROUTE),
        "lat": [LAT] * n,
        "lon": [LON] * n,
        "max_km": [25.0] * n,
        "language": [1] * n,
        "contact_modes": [0] * n,
        "buddy_gender": [0] * n,
        "days_waiting": [0.0] * n,
        "swv": [-1] * n,
    }
    values.update(fields)
    return Requests(**values)


def make_buddies(n: int = 1, **fields: Any) -> Buddies:
    values: dict[str, Any] = {
        "issue": codes(n, K_ISSUE),
        "need": codes(n, K_NEED),
        "route": codes(n, K_ROUTE),
        "lat": [LAT] * n,
        "lon": [LON] * n,
        "travel_km": [25.0] * n,
        "languages": [1] * n,
        "contact_modes": [0] * n,
        "gender": [int(Gender.FEMALE)] * n,
        "capacity": [1] * n,
        "free_places": [1] * n,
        "swv": [-1] * n,
        "active": [True] * n,
        "vog_valid": [True] * n,
        "trained": [True] * n,
    }
    values.update(fields)
    return Buddies(**values)


def scores_of(total: list[list[float]], eligible: list[list[bool]]) -> Scores:
    """Scores built by hand (in points) for solver tests."""
    units = np.rint(np.array(total, dtype=float) * SCALE).astype(np.int64)
    excluded = np.where(np.array(eligible), 0, int(Exclusion.NOT_ACTIVE))
    return Scores(
        total=units,
        contributions=units[None, :, :],
        excluded=excluded.astype(np.uint16),
        distance_km=np.zeros(units.shape),
    )


def contributions_of(scores: Scores, r: int, b: int) -> dict[str, int]:
    return dict(zip(CRITERIA, scores.contributions[:, r, b].tolist(), strict=True))


# Scores computed by hand.


def test_one_pair_scores_as_computed_by_hand() -> None:
    requests = make_requests(
        issue=codes(1, K_ISSUE, {0: [0, 1]}),
        need=codes(1, K_NEED, {0: [2]}),
        route=codes(1, K_ROUTE, {0: [0]}),
        swv=[7],
        days_waiting=[14.0],
    )
    buddies = make_buddies(
        issue=codes(1, K_ISSUE, {0: [1, 3]}),
        need=codes(1, K_NEED, {0: [2, 3]}),
        route=codes(1, K_ROUTE, {0: [0, 1]}),
        lat=[LAT + 0.1],
        swv=[7],
        languages=[0b101],
        capacity=[2],
        free_places=[1],
    )
    scores = score(requests, buddies)
    assert contributions_of(scores, 0, 0) == {
        "issue": 3000,  # issue 1 shared, 3 points
        "need": 3000,  # need 2 shared, 3 points
        "route": 2000,  # route 0 shared, 2 points
        "same_swv": 1000,
        "language": 1000,  # the parent's Dutch is among the buddy's languages
        "gender": 0,  # no wish
        "distance": -1112,  # 11.1195 km x 0.1 point
        "load": 250,  # 1 of 2 places free x 0.5 point
        "waiting": 500,  # 2 weeks x 0.25 point
    }
    assert scores.total[0, 0] == 9638
    assert scores.excluded[0, 0] == 0
    assert scores.distance_km[0, 0] == pytest.approx(KM_PER_TENTH_DEGREE, abs=1e-9)


def test_weights_change_the_score_as_computed_by_hand() -> None:
    requests = make_requests(
        issue=codes(1, K_ISSUE, {0: [0, 1, 2]}), days_waiting=[700]
    )
    buddies = make_buddies(issue=codes(1, K_ISSUE, {0: [0, 1]}), lat=[LAT + 0.2])
    weights = Weights(
        issue=1.5,
        need=0,
        route=0,
        same_swv=0,
        language=0,
        gender=0,
        distance_per_km=0.25,
        load=0,
        waiting_per_week=0.1,
        waiting_cap_weeks=4,
    )
    scores = score(requests, buddies, weights)
    assert contributions_of(scores, 0, 0) == {
        "issue": 3000,  # two shared codes x 1.5
        "need": 0,
        "route": 0,
        "same_swv": 0,
        "language": 0,
        "gender": 0,
        "distance": -5560,  # 22.2390 km x 0.25 = 5.5597 points
        "load": 0,
        "waiting": 400,  # 100 weeks, capped at 4, x 0.1
    }
    assert scores.total[0, 0] == 3000 - 5560 + 400


def test_no_swv_and_other_language_earn_nothing() -> None:
    requests = make_requests(2, swv=[-1, 3], language=[0b100, 0])
    buddies = make_buddies(swv=[-1], languages=[0b011])
    scores = score(requests, buddies)
    assert scores.contributions[CRITERIA.index("same_swv"), :, 0].tolist() == [0, 0]
    assert scores.contributions[CRITERIA.index("language"), :, 0].tolist() == [0, 0]


def test_a_gender_wish_is_a_point_and_only_alleen_is_a_rule() -> None:
    """ "Liefst een man": a man gets the gender weight, a woman or a buddy who did
    not say is still a candidate without it. "Alleen een man": only men."""
    man, woman, unsaid = int(Gender.MALE), int(Gender.FEMALE), int(Gender.UNSAID)
    buddies = make_buddies(3, gender=[man, woman, unsaid])
    gender = CRITERIA.index("gender")
    preferred = score(make_requests(buddy_gender=[man]), buddies, Weights(gender=2.0))
    assert preferred.contributions[gender, 0].tolist() == [2000, 0, 0]
    assert preferred.excluded[0].tolist() == [0, 0, 0]
    assert preferred.total[0, 0] - preferred.total[0, 1] == 2000
    strict = score(make_requests(buddy_gender=[man], gender_strict=[True]), buddies)
    assert strict.contributions[gender, 0].tolist() == [1000, 0, 0]
    assert strict.excluded[0].tolist() == [0, Exclusion.GENDER, Exclusion.GENDER]
    no_wish = score(make_requests(gender_strict=[True]), buddies)
    assert no_wish.contributions[gender, 0].tolist() == [0, 0, 0]
    assert no_wish.excluded[0].tolist() == [0, 0, 0]


def test_contributions_add_up_in_dense_sparse_and_shortlist() -> None:
    requests = make_requests(
        2,
        issue=codes(2, K_ISSUE, {0: [0], 1: [1, 2]}),
        need=codes(2, K_NEED, {1: [3]}),
        days_waiting=[3.0, 40.0],
    )
    buddies = make_buddies(
        3,
        issue=codes(3, K_ISSUE, {0: [0, 1], 1: [2], 2: [0, 1, 2]}),
        need=codes(3, K_NEED, {1: [3]}),
        lat=[LAT, LAT + 0.05, LAT + 0.1],
        capacity=[3, 2, 1],
        free_places=[1, 2, 1],
    )
    dense = score(requests, buddies)
    assert (dense.contributions.sum(axis=0) == dense.total).all()
    r, b = np.divmod(np.arange(6), 3)
    sparse = score_pairs(requests, buddies, r, b)
    assert (sparse.total == dense.total.ravel()).all()
    assert (
        sparse.contributions == dense.contributions.reshape(len(CRITERIA), -1)
    ).all()
    best = shortlist(1, requests, buddies, k=3)
    for candidate in best.candidates:
        assert sum(candidate.contributions.values()) == candidate.total
        assert candidate.total == dense.total[1, candidate.buddy]


# Hard filters.

FILTER_CASES = [
    ({}, {"active": [False]}, Exclusion.NOT_ACTIVE),
    ({}, {"vog_valid": [False]}, Exclusion.VOG_EXPIRED),
    ({}, {"trained": [False]}, Exclusion.TRAINING_MISSING),
    ({}, {"free_places": [0]}, Exclusion.NO_FREE_PLACE),
    (
        {"max_km": [10.0]},
        {"lat": [LAT + 0.1], "travel_km": [50.0]},
        Exclusion.TOO_FAR_FOR_PARENT,
    ),
    (
        {"max_km": [50.0]},
        {"lat": [LAT + 0.1], "travel_km": [11.0]},
        Exclusion.TOO_FAR_FOR_BUDDY,
    ),
    ({"contact_modes": [0b001]}, {"contact_modes": [0b110]}, Exclusion.CONTACT_MODE),
    (
        {"buddy_gender": [int(Gender.MALE)], "gender_strict": [True]},
        {},
        Exclusion.GENDER,
    ),
    (
        {"buddy_gender": [int(Gender.FEMALE)], "gender_strict": [True]},
        {"gender": [0]},
        Exclusion.GENDER,
    ),
]


@pytest.mark.parametrize(("request_fields", "buddy_fields", "expected"), FILTER_CASES)
def test_each_hard_filter_excludes_the_pair(
    request_fields: dict[str, Any], buddy_fields: dict[str, Any], expected: Exclusion
) -> None:
    requests = make_requests(**request_fields)
    buddies = make_buddies(**buddy_fields)
    assert score(make_requests(), make_buddies()).excluded[0, 0] == 0
    dense = score(requests, buddies)
    assert dense.excluded[0, 0] == expected
    assert score_pairs(requests, buddies, [0], [0]).excluded[0] == expected
    listed = shortlist(0, requests, buddies)
    assert listed.candidates == []
    assert listed.excluded == {expected: 1}
    assert batch(dense, buddies.free_places).matched == 0
    assert batch(dense, [1], Objective.MOST_MATCHED).matched == 0
    assert greedy(dense, [1]).matched == 0


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("conflict_of_interest", Exclusion.CONFLICT_OF_INTEREST),
        ("previously_matched", Exclusion.PREVIOUSLY_MATCHED),
        ("declined_before", Exclusion.DECLINED_BEFORE),
    ],
)
def test_excluded_pairs_only_exclude_that_pair(kind: str, expected: Exclusion) -> None:
    requests, buddies = (
        make_requests(2),
        make_buddies(2, capacity=[2, 2], free_places=[2, 2]),
    )
    exclusions = Exclusions(**{kind: [(1, 0)]})
    dense = score(requests, buddies, exclusions=exclusions)
    assert dense.excluded.tolist() == [[0, 0], [int(expected), 0]]
    sparse = score_pairs(
        requests, buddies, [0, 0, 1, 1], [0, 1, 0, 1], exclusions=exclusions
    )
    assert sparse.excluded.tolist() == [0, 0, int(expected), 0]
    assert [
        c.buddy
        for c in shortlist(1, requests, buddies, exclusions=exclusions).candidates
    ] == [1]
    assert shortlist(1, requests, buddies, exclusions=exclusions).excluded == {
        expected: 1
    }
    assert batch(dense, [2, 0]).pairs() == [(0, 0)]


def test_several_reasons_are_all_reported() -> None:
    requests = make_requests(contact_modes=[0b01], max_km=[5.0])
    buddies = make_buddies(
        active=[False], contact_modes=[0b10], lat=[LAT + 0.1], travel_km=[5.0]
    )
    expected = (
        Exclusion.NOT_ACTIVE
        | Exclusion.CONTACT_MODE
        | Exclusion.TOO_FAR_FOR_PARENT
        | Exclusion.TOO_FAR_FOR_BUDDY
    )
    assert score(requests, buddies).excluded[0, 0] == expected
    assert shortlist(0, requests, buddies).excluded == {
        Exclusion.NOT_ACTIVE: 1,
        Exclusion.CONTACT_MODE: 1,
        Exclusion.TOO_FAR_FOR_PARENT: 1,
        Exclusion.TOO_FAR_FOR_BUDDY: 1,
    }


@pytest.mark.parametrize(
    ("request_fields", "buddy_fields"),
    [
        ({"contact_modes": [0b011]}, {"contact_modes": [0b110]}),  # phone in common
        ({"contact_modes": [0]}, {"contact_modes": [0b100]}),  # no preference
        ({"contact_modes": [0b100]}, {"contact_modes": [0]}),
        ({"buddy_gender": [0]}, {"gender": [int(Gender.MALE)]}),
        ({"buddy_gender": [int(Gender.MALE)]}, {"gender": [int(Gender.MALE)]}),
        # "Liefst een man": a woman is still a candidate (with fewer points).
        ({"buddy_gender": [int(Gender.MALE)]}, {"gender": [int(Gender.FEMALE)]}),
        ({"buddy_gender": [int(Gender.MALE)]}, {"gender": [0]}),
        (
            {"buddy_gender": [int(Gender.MALE)], "gender_strict": [True]},
            {"gender": [int(Gender.MALE)]},
        ),
        ({"max_km": [12.0]}, {"lat": [LAT + 0.1], "travel_km": [12.0]}),
    ],
)
def test_compatible_pairs_are_not_excluded(
    request_fields: dict[str, Any], buddy_fields: dict[str, Any]
) -> None:
    assert (
        score(make_requests(**request_fields), make_buddies(**buddy_fields)).excluded[
            0, 0
        ]
        == 0
    )


# Weights.


def test_all_zero_weights_are_refused() -> None:
    zero = dict.fromkeys(
        [
            "issue",
            "need",
            "route",
            "same_swv",
            "language",
            "gender",
            "distance_per_km",
            "load",
            "waiting_per_week",
        ],
        0.0,
    )
    with pytest.raises(WeightsError) as caught:
        Weights(**zero)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == "all_zero"
    assert Weights(**{**zero, "language": 1.0}).language == 1.0


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("issue", -1.0, "negative"),
        ("need", math.nan, "not_finite"),
        ("route", math.inf, "not_finite"),
        ("distance_per_km", 101.0, "too_large"),
        ("load", True, "not_a_number"),
        ("language", "1", "not_a_number"),
        ("waiting_cap_weeks", -2.0, "negative"),
    ],
)
def test_bad_weights_are_refused(field: str, value: Any, code: str) -> None:
    with pytest.raises(WeightsError) as caught:
        Weights(**{field: value})
    assert (caught.value.code, caught.value.field) == (code, field)


# Inputs.


def test_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="lon"):
        make_requests(2, lon=[LON])
    with pytest.raises(ValueError, match="latitude"):
        make_buddies(lat=[95.0])
    with pytest.raises(ValueError, match="issue"):
        score(make_requests(), make_buddies(issue=codes(1, K_ISSUE + 1)))
    with pytest.raises(ValueError, match="outside"):
        score(
            make_requests(),
            make_buddies(),
            exclusions=Exclusions(declined_before=[(0, 1)]),
        )
    with pytest.raises(ValueError, match="capacities"):
        batch(score(make_requests(), make_buddies()), [1, 1])
    with pytest.raises(IndexError):
        shortlist(1, make_requests(), make_buddies())


def test_helpers_build_code_matrices_and_bitmasks() -> None:
    matrix = code_matrix(
        [["need.autism"], ["need.adhd_add", "need.x"]], ["need.adhd_add", "need.autism"]
    )
    assert matrix.tolist() == [[False, True], [True, False]]
    assert bitmask(["video", "phone", "fax"], ["phone", "video", "in_person"]) == 0b011


# Shortlist.


def test_shortlist_ranks_best_first_then_nearest() -> None:
    requests = make_requests(issue=codes(1, K_ISSUE, {0: [0, 1]}))
    buddies = make_buddies(
        5,
        issue=codes(5, K_ISSUE, {0: [0], 1: [0, 1], 3: [1], 4: [0, 1]}),
        lat=[LAT, LAT + 0.05, LAT, LAT + 0.02, LAT + 0.01],
        active=[True, True, True, False, True],
    )
    listed = shortlist(0, requests, buddies, k=3)
    # Buddies 1 and 4 share two codes; 4 is nearer. Buddy 3 is not active.
    assert [c.buddy for c in listed.candidates] == [4, 1, 0]
    assert listed.candidates[0].shared == {"issue": (0, 1), "need": (), "route": ()}
    assert listed.eligible == 4
    assert listed.excluded == {Exclusion.NOT_ACTIVE: 1}
    assert shortlist(0, requests, buddies, k=0).candidates == []
    assert len(shortlist(0, requests, buddies, k=50).candidates) == 4


def test_shortlist_breaks_ties_at_the_cut_by_distance() -> None:
    requests = make_requests()
    buddies = make_buddies(
        4,
        lat=[LAT + 0.003, LAT + 0.001, LAT + 0.004, LAT + 0.002],
        travel_km=[25.0] * 4,
    )
    weights = Weights(distance_per_km=0.0)  # every buddy scores the same
    assert [
        c.buddy for c in shortlist(0, requests, buddies, weights, k=2).candidates
    ] == [1, 3]


# Candidate pairs (national search).


def test_candidate_pairs_keep_pairs_within_both_limits() -> None:
    requests = make_requests(2, max_km=[25.0, 5.0], lat=[LAT, LAT + 1.0])
    buddies = make_buddies(
        5,
        lat=[LAT + 0.1, LAT + 0.2, LAT + 0.3, LAT + 0.1, LAT + 0.05],
        travel_km=[30.0, 30.0, 30.0, 10.0, 30.0],
        free_places=[1, 1, 1, 1, 0],
    )
    r, b = candidate_pairs(requests, buddies)
    # 11 and 22 km are in reach; 33 km is too far for the parent, 11 km too far for
    # buddy 3, buddy 4 has no place, and the second request is 100 km away.
    assert list(zip(r.tolist(), b.tolist(), strict=True)) == [(0, 0), (0, 1)]


# Batch and greedy on cases worked out by hand.


def test_batch_beats_greedy_where_greedy_blocks_a_match() -> None:
    scores = scores_of([[10, 9], [8, 0]], [[True, True], [True, False]])
    assert greedy(scores, [1, 1]).pairs() == [(0, 0)]
    best = batch(scores, [1, 1])
    assert best.pairs() == [(0, 1), (1, 0)]
    assert best.total == 17000
    assert best.points == 17.0


def test_best_fit_and_most_matched_differ() -> None:
    scores = scores_of([[10, 0.5], [9, 0]], [[True, True], [True, False]])
    best = batch(scores, [1, 1], Objective.BEST_FIT)
    most = batch(scores, [1, 1], "most_matched")
    assert (best.pairs(), best.total) == ([(0, 0)], 10000)
    assert (most.pairs(), most.total) == ([(0, 1), (1, 0)], 9500)


def test_best_fit_skips_pairs_that_add_nothing_most_matched_takes_them() -> None:
    scores = scores_of([[-2], [0]], [[True], [True]])
    assert batch(scores, [2]).matched == 0
    most = batch(scores, [2], Objective.MOST_MATCHED)
    assert (most.matched, most.total) == (2, -2000)


def test_capacity_is_respected_and_used() -> None:
    scores = scores_of([[5, 1], [4, 1], [3, 1]], [[True] * 2] * 3)
    assert batch(scores, [2, 1]).buddy_of.tolist() == [0, 0, 1]
    only_one = batch(scores, [0, 1])  # all score 1 with buddy 1: any one of them
    assert (only_one.matched, only_one.total, set(only_one.buddy_of)) == (
        1,
        1000,
        {-1, 1},
    )
    assert batch(scores, [0, 0]).matched == 0
    assert greedy(scores, [2, 0]).buddy_of.tolist() == [0, 0, -1]


def test_nothing_eligible_gives_an_empty_proposal() -> None:
    scores = scores_of([[5, 1]], [[False, False]])
    for objective in Objective:
        result = batch(scores, [1, 1], objective)
        assert (result.buddy_of.tolist(), result.total, result.matched) == ([-1], 0, 0)


def test_engine_imports_no_django() -> None:
    code = (
        "import sys, ouderbuddy.matching.engine; "
        "sys.exit(any(m == 'django' or m.startswith('django.') for m in sys.modules))"
    )
    # Runs this very interpreter on a fixed string: no untrusted input.
    run = subprocess.run([sys.executable, "-c", code], check=False)  # noqa: S603
    assert run.returncode == 0


# Properties, on small random instances.


@st.composite
def instances(draw: st.DrawFn) -> tuple[Requests, Buddies, Exclusions, Weights]:
    n_r = draw(st.integers(1, 6))
    n_b = draw(st.integers(1, 5))

    def ints(n: int, low: int, high: int) -> list[int]:
        return draw(st.lists(st.integers(low, high), min_size=n, max_size=n))

    def bools(n: int) -> np.ndarray:
        values = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        return np.array(values, dtype=bool)

    def some(n: int, values: list[Any]) -> st.SearchStrategy[list[Any]]:
        return st.lists(st.sampled_from(values), min_size=n, max_size=n)

    def code_rows(n: int, k: int) -> np.ndarray:
        return bools(n * k).reshape(n, k)

    def places(n: int) -> tuple[list[float], list[float]]:
        lat = [LAT + x / 100 for x in ints(n, 0, 10)]
        lon = [LON + x / 100 for x in ints(n, 0, 10)]
        return lat, lon

    r_lat, r_lon = places(n_r)
    requests = make_requests(
        n_r,
        issue=code_rows(n_r, K_ISSUE),
        need=code_rows(n_r, K_NEED),
        route=code_rows(n_r, K_ROUTE),
        lat=r_lat,
        lon=r_lon,
        max_km=draw(
            st.lists(
                st.sampled_from([40.0, 40.0, 15.0, 5.0]), min_size=n_r, max_size=n_r
            )
        ),
        language=ints(n_r, 0, 3),
        contact_modes=draw(some(n_r, [0, 0, 0b001, 0b011, 0b111, 0b110])),
        buddy_gender=draw(some(n_r, [0, 0, 0, 1, 2])),
        gender_strict=draw(some(n_r, [False, False, True])),
        days_waiting=ints(n_r, 0, 200),
        swv=ints(n_r, -1, 1),
    )
    capacity = ints(n_b, 1, 3)
    ok = "matchable"
    statuses = draw(
        some(n_b, [ok, ok, ok, ok, ok, "paused", "vog_expired", "untrained"])
    )
    free = [draw(st.sampled_from([c, c, 1, 0])) for c in capacity]
    b_lat, b_lon = places(n_b)
    buddies = make_buddies(
        n_b,
        issue=code_rows(n_b, K_ISSUE),
        need=code_rows(n_b, K_NEED),
        route=code_rows(n_b, K_ROUTE),
        lat=b_lat,
        lon=b_lon,
        travel_km=draw(
            st.lists(
                st.sampled_from([40.0, 40.0, 15.0, 5.0]), min_size=n_b, max_size=n_b
            )
        ),
        languages=ints(n_b, 0, 3),
        contact_modes=draw(some(n_b, [0, 0b001, 0b011, 0b111, 0b110])),
        gender=draw(some(n_b, [1, 1, 2, 0])),
        capacity=capacity,
        free_places=free,
        swv=ints(n_b, -1, 1),
        active=[status != "paused" for status in statuses],
        vog_valid=[status != "vog_expired" for status in statuses],
        trained=[status != "untrained" for status in statuses],
    )
    all_pairs = [(r, b) for r in range(n_r) for b in range(n_b)]
    some_pairs = st.lists(st.sampled_from(all_pairs), max_size=2)
    exclusions = Exclusions(
        conflict_of_interest=draw(some_pairs),
        previously_matched=draw(some_pairs),
        declined_before=draw(some_pairs),
    )
    weight = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
    weights = Weights(
        issue=draw(st.sampled_from([0.5, 3.0])),
        need=draw(weight),
        route=draw(weight),
        same_swv=draw(weight),
        language=draw(weight),
        gender=draw(weight),
        distance_per_km=draw(st.sampled_from([0.0, 0.1, 0.35])),
        load=draw(weight),
        waiting_per_week=draw(st.sampled_from([0.0, 0.25])),
    )
    return requests, buddies, exclusions, weights


def brute_force_optimum(
    scores: Scores, capacities: np.ndarray, objective: Objective
) -> tuple[int, int]:
    """(total, matched) of the best proposal, by SciPy's Hungarian method on the
    scores with one column per free place."""
    slots = np.repeat(np.arange(scores.n_buddies), capacities)
    if slots.size == 0:
        return 0, 0
    eligible = scores.excluded[:, slots] == 0
    total = scores.total[:, slots]
    big = int(np.abs(scores.total).sum()) + 1
    if objective is Objective.BEST_FIT:
        gain = np.where(eligible, np.maximum(total, 0), 0)
    else:
        gain = np.where(eligible, big + total, 0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    used = gain[rows, cols] > 0
    matched = int(used.sum())
    best = int(gain[rows, cols][used].sum())
    return (
        best - big * matched if objective is Objective.MOST_MATCHED else best
    ), matched


def check_feasible(
    scores: Scores, capacities: np.ndarray, buddy_of: np.ndarray
) -> None:
    matched = np.flatnonzero(buddy_of >= 0)
    assert (scores.excluded[matched, buddy_of[matched]] == 0).all()
    load = np.bincount(buddy_of[matched], minlength=scores.n_buddies)
    assert (load <= capacities).all()


@settings(max_examples=120, deadline=None)
@given(instances())
def test_proposals_are_feasible_optimal_and_never_worse_than_greedy(
    instance: tuple[Requests, Buddies, Exclusions, Weights],
) -> None:
    requests, buddies, exclusions, weights = instance
    scores = score(requests, buddies, weights, exclusions)
    caps = buddies.free_places
    best = batch(scores, caps, Objective.BEST_FIT)
    most = batch(scores, caps, Objective.MOST_MATCHED)
    base = greedy(scores, caps)
    for proposal in (best, most, base):
        check_feasible(scores, caps, proposal.buddy_of)
        r = np.flatnonzero(proposal.buddy_of >= 0)
        assert proposal.total == int(scores.total[r, proposal.buddy_of[r]].sum())
    assert best.total >= base.total
    assert best.total >= most.total
    assert most.matched >= base.matched
    assert most.matched >= best.matched
    assert best.total == brute_force_optimum(scores, caps, Objective.BEST_FIT)[0]
    assert (most.total, most.matched) == brute_force_optimum(
        scores, caps, Objective.MOST_MATCHED
    )


@settings(max_examples=120, deadline=None)
@given(instances())
def test_dense_sparse_shortlist_and_candidates_agree(
    instance: tuple[Requests, Buddies, Exclusions, Weights],
) -> None:
    requests, buddies, exclusions, weights = instance
    dense = score(requests, buddies, weights, exclusions)
    assert (dense.contributions.sum(axis=0) == dense.total).all()

    r, b = candidate_pairs(requests, buddies)
    eligible = set(zip(*np.nonzero(dense.excluded == 0), strict=True))
    assert eligible <= set(zip(r.tolist(), b.tolist(), strict=True))

    sparse = score_pairs(requests, buddies, r, b, weights, exclusions)
    assert (sparse.contributions.sum(axis=0) == sparse.total).all()
    assert (sparse.total == dense.total[r, b]).all()
    assert (sparse.excluded == dense.excluded[r, b]).all()
    assert (
        batch(sparse, buddies.free_places).total
        == batch(dense, buddies.free_places).total
    )
    assert (
        greedy(sparse, buddies.free_places).total
        == greedy(dense, buddies.free_places).total
    )

    for i in range(len(requests)):
        listed = shortlist(i, requests, buddies, weights, exclusions, k=3)
        row = np.flatnonzero(dense.excluded[i] == 0)
        expected = sorted(
            row.tolist(), key=lambda j: (-dense.total[i, j], dense.distance_km[i, j], j)
        )
        assert [c.buddy for c in listed.candidates] == expected[:3]
        assert listed.eligible == row.size
        for candidate in listed.candidates:
            assert sum(candidate.contributions.values()) == candidate.total
        for flag, count in listed.excluded.items():
            assert count == int(((dense.excluded[i] & int(flag)) != 0).sum())
