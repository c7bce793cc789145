"""The lean national path: `pair_totals` gives exactly `score_pairs`' eligible pairs
and totals, in any order of the pairs, with repeats, across chunk boundaries; and the
chord formula for distances agrees with the haversine formula."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ouderbuddy.matching import engine
from ouderbuddy.matching.engine import (
    Buddies,
    Exclusions,
    PairTotals,
    Requests,
    Weights,
    batch,
    candidate_pairs,
    greedy,
    pair_totals,
    score,
    score_pairs,
)
from ouderbuddy.matching.tests.test_engine import (
    K_ISSUE,
    K_NEED,
    K_ROUTE,
    instances,
    make_buddies,
    make_requests,
)


@contextmanager
def chunk_of(size: int) -> Iterator[None]:
    """`pair_totals` in steps of `size` pairs (a fixture cannot go with @given)."""
    saved = engine.CHUNK
    engine.CHUNK = size
    try:
        yield
    finally:
        engine.CHUNK = saved


def assert_lean_equals_full(
    requests: Requests,
    buddies: Buddies,
    r: np.ndarray,
    b: np.ndarray,
    weights: Weights,
    exclusions: Exclusions,
) -> PairTotals:
    full = score_pairs(requests, buddies, r, b, weights, exclusions)
    lean = pair_totals(requests, buddies, r, b, weights, exclusions)
    eligible = full.excluded == 0
    assert lean.request.tolist() == full.request[eligible].tolist()
    assert lean.buddy.tolist() == full.buddy[eligible].tolist()
    assert lean.total.tolist() == full.total[eligible].tolist()
    assert (lean.n_requests, lean.n_buddies) == (len(requests), len(buddies))
    return lean


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from([1, 2, 3, 7, 16384]), st.randoms())
def test_pair_totals_are_score_pairs_eligible_totals(
    instance: tuple[Requests, Buddies, Exclusions, Weights], chunk: int, rnd: object
) -> None:
    requests, buddies, exclusions, weights = instance
    dense = score(requests, buddies, weights, exclusions)
    n_r, n_b = len(requests), len(buddies)
    every_r, every_b = np.divmod(np.arange(n_r * n_b), n_b)
    # All pairs shuffled, some twice: the unsorted lookup of excluded pairs.
    order = np.arange(every_r.size).tolist()
    rnd.shuffle(order)  # type: ignore[attr-defined]
    order += order[: len(order) // 3]
    with chunk_of(chunk):
        for r, b in (
            candidate_pairs(requests, buddies),
            (every_r, every_b),
            (every_r[order], every_b[order]),
            (np.sort(every_r[order]), every_b[order][np.argsort(every_r[order])]),
        ):
            lean = assert_lean_equals_full(requests, buddies, r, b, weights, exclusions)
            assert (lean.total == dense.total[lean.request, lean.buddy]).all()
            assert (dense.excluded[lean.request, lean.buddy] == 0).all()
        # Every eligible pair of the dense matrix is among the lean candidates.
        r, b = candidate_pairs(requests, buddies)
        lean = pair_totals(requests, buddies, r, b, weights, exclusions)
        assert int((dense.excluded == 0).sum()) == lean.request.size
        caps = buddies.free_places
        assert batch(lean, caps).total == batch(dense, caps).total
        for objective in engine.Objective:
            assert batch(lean, caps, objective).total == (
                batch(dense, caps, objective).total
            )
        assert greedy(lean, caps).total == greedy(dense, caps).total


def random_instance(
    rng: np.random.Generator, n_r: int, n_b: int
) -> tuple[Requests, Buddies, Exclusions]:
    """Everyone within about 30 km, so most pairs are in reach."""

    def codes(n: int, k: int) -> np.ndarray:
        return rng.random((n, k)) < 0.3

    requests = make_requests(
        n_r,
        issue=codes(n_r, K_ISSUE),
        need=codes(n_r, K_NEED),
        route=codes(n_r, K_ROUTE),
        lat=52.0 + rng.random(n_r) * 0.3,
        lon=5.0 + rng.random(n_r) * 0.4,
        max_km=rng.choice([10.0, 15.0, 25.0, 40.0], n_r),
        language=rng.integers(0, 4, n_r),
        contact_modes=rng.integers(0, 8, n_r),
        buddy_gender=rng.choice([0, 0, 1, 2], n_r),
        gender_strict=rng.random(n_r) < 0.3,
        days_waiting=rng.exponential(35.0, n_r),
        swv=rng.integers(-1, 3, n_r),
    )
    capacity = rng.integers(1, 4, n_b)
    buddies = make_buddies(
        n_b,
        issue=codes(n_b, K_ISSUE),
        need=codes(n_b, K_NEED),
        route=codes(n_b, K_ROUTE),
        lat=52.0 + rng.random(n_b) * 0.3,
        lon=5.0 + rng.random(n_b) * 0.4,
        travel_km=rng.choice([10.0, 20.0, 30.0], n_b),
        languages=rng.integers(0, 4, n_b),
        contact_modes=rng.integers(0, 8, n_b),
        gender=rng.choice([0, 1, 2], n_b),
        capacity=capacity,
        free_places=capacity - rng.integers(0, 2, n_b),
        swv=rng.integers(-1, 3, n_b),
        active=rng.random(n_b) < 0.9,
        vog_valid=rng.random(n_b) < 0.95,
        trained=rng.random(n_b) < 0.95,
    )

    def some(k: int) -> np.ndarray:
        return np.column_stack((rng.integers(0, n_r, k), rng.integers(0, n_b, k)))

    exclusions = Exclusions(
        conflict_of_interest=some(n_r // 10),
        previously_matched=some(n_r // 5),
        declined_before=some(n_r // 3),
    )
    return requests, buddies, exclusions


def test_pair_totals_over_many_chunks() -> None:
    """More pairs than one chunk holds, with the default chunk."""
    rng = np.random.default_rng(7)
    requests, buddies, exclusions = random_instance(rng, 600, 400)
    weights = Weights(distance_per_km=0.35, waiting_per_week=0.5)
    r, b = candidate_pairs(requests, buddies)
    assert r.size > 3 * engine.CHUNK
    lean = assert_lean_equals_full(requests, buddies, r, b, weights, exclusions)
    assert 0 < lean.request.size < r.size
    shuffled = rng.permutation(r.size)
    assert_lean_equals_full(
        requests, buddies, r[shuffled], b[shuffled], weights, exclusions
    )


def test_pair_totals_of_no_pairs() -> None:
    requests, buddies = make_requests(2), make_buddies(3)
    lean = pair_totals(requests, buddies, [], [])
    assert lean.request.size == lean.buddy.size == lean.total.size == 0
    assert batch(lean, buddies.free_places).matched == 0
    assert greedy(lean, buddies.free_places).matched == 0


def test_pair_totals_check_the_pairs() -> None:
    requests, buddies = make_requests(2), make_buddies(3)
    for r, b in (([0, 2], [0, 0]), ([0], [3]), ([-1], [0])):
        try:
            pair_totals(requests, buddies, r, b)
        except ValueError:
            continue
        raise AssertionError(f"accepted {r}, {b}")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(h, 1.0)))


def test_chord_distances_agree_with_the_haversine_formula() -> None:
    rng = np.random.default_rng(3)
    n = 300
    lat = np.concatenate(([52.0, 52.0, -89.9, 0.0], rng.uniform(-80, 80, n)))
    lon = np.concatenate(([5.0, 5.0, 10.0, 179.9], rng.uniform(-180, 180, n)))
    lat2 = np.concatenate(([52.0, 52.00001, 89.9, 0.0], lat[4:] + rng.normal(0, 1, n)))
    lon2 = np.concatenate(([5.0, 5.0, -170.0, -179.9], lon[4:] + rng.normal(0, 1, n)))
    lat2 = np.clip(lat2, -90, 90)
    lon2 = (lon2 + 180) % 360 - 180
    requests = make_requests(lat.size, lat=lat, lon=lon)
    buddies = make_buddies(lat.size, lat=lat2, lon=lon2)
    at = np.arange(lat.size)
    km = score_pairs(requests, buddies, at, at).distance_km
    for i in range(lat.size):
        expected = haversine_km(lat[i], lon[i], lat2[i], lon2[i])
        assert abs(km[i] - expected) <= 1e-9 * max(1.0, expected), i
    assert km[0] == 0.0


def candidates_both_ways(
    requests: Requests, buddies: Buddies
) -> tuple[np.ndarray, np.ndarray]:
    """candidate_pairs by (request radius, buddy radius) groups and by request
    radius alone (with the buddy's limit checked after): the same pairs."""
    saved = engine.RADIUS_GROUPS
    try:
        engine.RADIUS_GROUPS = 10**6
        grouped = candidate_pairs(requests, buddies)
        engine.RADIUS_GROUPS = 0
        alone = candidate_pairs(requests, buddies)
    finally:
        engine.RADIUS_GROUPS = saved
    assert grouped[0].tolist() == alone[0].tolist()
    assert grouped[1].tolist() == alone[1].tolist()
    return grouped


@settings(max_examples=150, deadline=None)
@given(instances())
def test_candidate_pairs_are_the_same_either_way_and_hold_every_eligible_pair(
    instance: tuple[Requests, Buddies, Exclusions, Weights],
) -> None:
    requests, buddies, exclusions, weights = instance
    r, b = candidates_both_ways(requests, buddies)
    dense = score(requests, buddies, weights, exclusions)
    eligible = set(zip(*np.nonzero(dense.excluded == 0), strict=True))
    assert eligible <= set(zip(r.tolist(), b.tolist(), strict=True))
    keys = r * len(buddies) + b
    assert (np.diff(keys) > 0).all()  # sorted, no pair twice


def test_candidate_pairs_either_way_on_a_larger_instance() -> None:
    requests, buddies, exclusions = random_instance(np.random.default_rng(11), 500, 300)
    r, b = candidates_both_ways(requests, buddies)
    full = score(requests, buddies, Weights(), exclusions)
    within = (full.excluded & int(TOO_FAR | engine.Exclusion.NO_FREE_PLACE)) == 0
    within &= buddies._flags[None, :] == 0
    assert set(zip(*np.nonzero(within), strict=True)) <= set(
        zip(r.tolist(), b.tolist(), strict=True)
    )
    # A hair wider than the limits, no more: every candidate is within them + 1e-6 km.
    km = score_pairs(requests, buddies, r, b).distance_km
    assert (km <= np.minimum(requests.max_km[r], buddies.travel_km[b]) + 1e-6).all()


TOO_FAR = engine.Exclusion.TOO_FAR_FOR_PARENT | engine.Exclusion.TOO_FAR_FOR_BUDDY


def test_pair_totals_with_odd_codes_for_swv_and_gender() -> None:
    """SWV numbers below -1 and genders outside the enum are compared as
    `score_pairs` compares them (only known SWVs count; a wish is a gender)."""
    rng = np.random.default_rng(21)
    n_r, n_b = 200, 120
    requests, buddies, exclusions = random_instance(rng, n_r, n_b)
    requests = make_requests(
        n_r,
        **{
            **{f: getattr(requests, f) for f in ("issue", "need", "route")},
            "lat": requests.lat,
            "lon": requests.lon,
            "max_km": requests.max_km,
            "swv": rng.integers(-3, 3, n_r),
            "buddy_gender": rng.integers(-2, 5, n_r),
            "gender_strict": rng.random(n_r) < 0.5,
        },
    )
    buddies = make_buddies(
        n_b,
        **{
            **{f: getattr(buddies, f) for f in ("issue", "need", "route")},
            "lat": buddies.lat,
            "lon": buddies.lon,
            "swv": rng.integers(-3, 3, n_b),
            "gender": rng.integers(-2, 5, n_b),
        },
    )
    weights = Weights(same_swv=2.0, gender=3.0)
    r, b = np.divmod(np.arange(n_r * n_b), n_b)
    lean = assert_lean_equals_full(requests, buddies, r, b, weights, exclusions)
    assert 0 < lean.request.size < r.size
