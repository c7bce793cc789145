"""`batch` is exactly optimal for both objectives along each of its ways (the dense
assignment solver, the min-cost flow) and for each kind of scores (dense, pairs, pair
totals): compared with an exhaustive search on small random instances (ties, zero and
negative scores, capacity 0, nothing eligible) and with SciPy's Hungarian method on
cloned places on larger ones."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from ouderbuddy.matching import engine
from ouderbuddy.matching.engine import (
    Exclusion,
    Objective,
    PairScores,
    PairTotals,
    Scores,
    batch,
    greedy,
)

Kind = Scores | PairScores | PairTotals


@contextmanager
def solver(way: str) -> Iterator[None]:
    """Force one of batch's ways: "dense" (linear_sum_assignment) or "flow"."""
    saved = engine.DENSE_MAX_CELLS
    engine.DENSE_MAX_CELLS = 10**12 if way == "dense" else -1
    try:
        yield
    finally:
        engine.DENSE_MAX_CELLS = saved


def make_scores(total: np.ndarray, eligible: np.ndarray) -> Scores:
    excluded = np.where(eligible, 0, int(Exclusion.NOT_ACTIVE)).astype(np.uint16)
    return Scores(
        total=total.astype(np.int64),
        contributions=total.astype(np.int64)[None],
        excluded=excluded,
        distance_km=np.zeros(total.shape),
    )


def kinds(scores: Scores, rng: np.random.Generator) -> list[Kind]:
    """The same scores three ways: dense, every pair (shuffled), eligible totals."""
    n_r, n_b = scores.total.shape
    r, b = np.divmod(rng.permutation(n_r * n_b), max(n_b, 1))
    pairs = PairScores(
        request=r,
        buddy=b,
        total=scores.total[r, b],
        contributions=scores.total[r, b][None],
        excluded=scores.excluded[r, b],
        distance_km=np.zeros(r.size),
        n_requests=n_r,
        n_buddies=n_b,
    )
    ok = scores.excluded[r, b] == 0
    totals = PairTotals(
        request=r[ok],
        buddy=b[ok],
        total=scores.total[r, b][ok],
        n_requests=n_r,
        n_buddies=n_b,
    )
    return [scores, pairs, totals]


def exhaustive(
    total: np.ndarray, eligible: np.ndarray, caps: np.ndarray, objective: Objective
) -> tuple[int, int]:
    """(total, matched) of the best proposal by trying every one (dynamic
    programming over requests and the places left): the largest total for
    BEST_FIT, the most matches and then the largest total for MOST_MATCHED."""
    n_r, n_b = total.shape
    most = objective is Objective.MOST_MATCHED

    @functools.cache
    def best(i: int, left: tuple[int, ...]) -> tuple[int, int]:
        if i == n_r:
            return (0, 0)
        options = [best(i + 1, left)]
        for j in range(n_b):
            if eligible[i, j] and left[j] > 0:
                rest = best(i + 1, (*left[:j], left[j] - 1, *left[j + 1 :]))
                options.append((rest[0] + 1, rest[1] + int(total[i, j])))
        if most:
            return max(options)
        return max(options, key=lambda o: o[1])

    matched, gained = best(0, tuple(int(c) for c in caps))
    return gained, matched


def check(
    proposal: engine.Assignment, total: np.ndarray, eligible: np.ndarray, caps: Any
) -> None:
    matched = np.flatnonzero(proposal.buddy_of >= 0)
    chosen = proposal.buddy_of[matched]
    assert eligible[matched, chosen].all()
    load = np.bincount(chosen, minlength=total.shape[1])
    assert (load <= np.maximum(caps, 0)).all()
    # Summed as Python ints: at the largest scales an int64 sum overflows.
    assert proposal.total == sum(int(v) for v in total[matched, chosen])
    assert proposal.matched == matched.size


@st.composite
def problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    n_r = draw(st.integers(0, 6))
    n_b = draw(st.integers(0, 4))
    # Few distinct values, so ties are common; zero and negative scores too.
    values = draw(
        st.sampled_from(
            [[-2000, 0, 1000], [0, 1000, 1000, 2500], [1, 2, 3], [-5, -1, 0], [7]]
        )
    )
    total = np.array(
        draw(st.lists(st.sampled_from(values), min_size=n_r * n_b, max_size=n_r * n_b)),
        dtype=np.int64,
    ).reshape(n_r, n_b)
    share = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    eligible = rng.random((n_r, n_b)) < share
    caps = np.array(
        draw(st.lists(st.integers(-1, 3), min_size=n_b, max_size=n_b)), dtype=np.int64
    )
    return total, eligible, caps, seed


@settings(max_examples=300, deadline=None)
@given(problems())
def test_every_way_is_exactly_optimal(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int],
) -> None:
    total, eligible, caps, seed = problem
    scores = make_scores(total, eligible)
    free = np.maximum(caps, 0)
    for objective in Objective:
        expected = exhaustive(total, eligible, free, objective)
        for way in ("dense", "flow"):
            with solver(way):
                for kind in kinds(scores, np.random.default_rng(seed)):
                    proposal = batch(kind, caps, objective)
                    check(proposal, total, eligible, caps)
                    if objective is Objective.BEST_FIT:
                        assert proposal.total == expected[0], (way, type(kind))
                        # Only pairs that add to the total.
                        r = np.flatnonzero(proposal.buddy_of >= 0)
                        assert (total[r, proposal.buddy_of[r]] > 0).all()
                    else:
                        assert (proposal.total, proposal.matched) == expected
    base = greedy(scores, caps)
    check(base, total, eligible, caps)
    assert base.total <= exhaustive(total, eligible, free, Objective.BEST_FIT)[0]


def hungarian(
    total: np.ndarray, eligible: np.ndarray, caps: np.ndarray, objective: Objective
) -> tuple[int, int]:
    """(total, matched) by SciPy's Hungarian method with one column per place."""
    clone = np.repeat(np.arange(total.shape[1]), np.maximum(caps, 0))
    if clone.size == 0 or total.shape[0] == 0:
        return 0, 0
    t, ok = total[:, clone], eligible[:, clone]
    if objective is Objective.BEST_FIT:
        gain = np.where(ok & (t > 0), t, 0)
        rows, cols = linear_sum_assignment(gain, maximize=True)
        return int(gain[rows, cols].sum()), -1
    big = int(np.abs(total).sum()) + 1
    gain = np.where(ok, t + big, 0)
    rows, cols = linear_sum_assignment(gain, maximize=True)
    used = ok[rows, cols]
    return int(t[rows, cols][used].sum()), int(used.sum())


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("shape", [(60, 25), (40, 90), (150, 60)])
def test_larger_random_problems_match_the_hungarian_method(
    seed: int, shape: tuple[int, int]
) -> None:
    rng = np.random.default_rng(seed)
    n_b = shape[1]
    total = rng.integers(-3, 12, size=shape) * rng.choice([1, 250], size=shape)
    eligible = rng.random(shape) < rng.choice([0.05, 0.3, 0.9])
    caps = rng.integers(0, 4, size=n_b)
    scores = make_scores(total, eligible)
    for objective in Objective:
        expected = hungarian(total, eligible, caps, objective)
        for way in ("dense", "flow"):
            with solver(way):
                for kind in kinds(scores, rng):
                    proposal = batch(kind, caps, objective)
                    check(proposal, total, eligible, caps)
                    assert proposal.total == expected[0]
                    if objective is Objective.MOST_MATCHED:
                        assert proposal.matched == expected[1]


def test_batch_takes_the_dense_way_when_small_and_the_flow_when_large() -> None:
    rng = np.random.default_rng(1)
    total = rng.integers(1, 10, size=(20, 10))
    scores = make_scores(total, np.ones(total.shape, dtype=bool))
    caps = np.full(10, 2)
    small = batch(scores, caps)
    assert small.method == "linear_sum_assignment:best_fit"
    with solver("flow"):
        large = batch(scores, caps)
    assert large.method == "min_cost_flow:best_fit"
    assert small.total == large.total
    pairs = kinds(scores, rng)[2]
    assert batch(pairs, caps, "most_matched").method == (
        "linear_sum_assignment:most_matched"
    )


def test_scores_too_large_for_float64_go_to_the_flow() -> None:
    """linear_sum_assignment computes in float64: totals whose sums could pass 2**52
    are solved by the min-cost flow instead, still exactly."""
    huge = 2**49
    total = np.array(
        [[huge, huge + 1, 5], [huge + 3, 1, -huge], [huge - 7, 2, huge + 2]],
        dtype=np.int64,
    )
    eligible = np.array([[True, True, False], [True, False, True], [True] * 3])
    scores = make_scores(total, eligible)
    caps = np.array([1, 1, 1])
    for objective in Objective:
        proposal = batch(scores, caps, objective)
        check(proposal, total, eligible, caps)
        expected = exhaustive(total, eligible, caps, objective)
        assert proposal.total == expected[0]
        if objective is Objective.MOST_MATCHED:
            assert proposal.matched == expected[1]
    assert batch(scores, caps, "most_matched").method.startswith("min_cost_flow")
    with solver("dense"):
        assert batch(scores, caps, "most_matched").method.startswith("min_cost")


@contextmanager
def certified(**settings: float) -> Iterator[None]:
    """The min-cost flow with the proof on every problem (and these settings)."""
    names = {"CERTIFY_MIN_ARCS": 0, "DENSE_MAX_CELLS": -1, **settings}
    saved = {name: getattr(engine, name) for name in names}
    for name, value in names.items():
        setattr(engine, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(engine, name, value)


@settings(max_examples=300, deadline=None)
@given(problems(), st.sampled_from([0.0, 0.45, 0.9]), st.sampled_from([0.0, 0.2, 2]))
def test_the_certified_flow_is_exactly_optimal(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int],
    promising: float,
    slack: float,
) -> None:
    total, eligible, caps, seed = problem
    scores = make_scores(total, eligible)
    free = np.maximum(caps, 0)
    with certified(PROMISING=promising, SLACK=slack, CERTIFY_MAX_SHARE=1.0):
        for objective in Objective:
            expected = exhaustive(total, eligible, free, objective)
            for kind in kinds(scores, np.random.default_rng(seed)):
                proposal = batch(kind, caps, objective)
                check(proposal, total, eligible, caps)
                assert proposal.total == expected[0]
                if objective is Objective.MOST_MATCHED:
                    assert proposal.matched == expected[1]


def test_the_certified_flow_proves_most_problems_in_few_rounds() -> None:
    """On larger random problems the proof is found (not the fallback), and the
    result is the Hungarian method's."""
    proved = 0
    for seed in range(12):
        rng = np.random.default_rng(100 + seed)
        shape = (120, 50)
        total = rng.integers(-2, 40, size=shape) * 50
        eligible = rng.random(shape) < 0.4
        caps = rng.integers(0, 4, size=shape[1])
        scores = make_scores(total, eligible)
        with certified():
            for objective in Objective:
                proposal = batch(scores, caps, objective)
                check(proposal, total, eligible, caps)
                expected = hungarian(total, eligible, caps, objective)
                assert proposal.total == expected[0]
                if objective is Objective.MOST_MATCHED:
                    assert proposal.matched == expected[1]
                proved += proposal.method.startswith("certified_flow")
    assert proved >= 20


def test_without_a_proof_the_flow_over_all_arcs_decides() -> None:
    rng = np.random.default_rng(5)
    total = rng.integers(1, 30, size=(80, 30)) * 10
    eligible = rng.random(total.shape) < 0.5
    caps = rng.integers(0, 3, size=30)
    scores = make_scores(total, eligible)
    for setting in (
        {"DUAL_PASSES": 0},
        {"CERTIFY_ROUNDS": 0},
        {"CERTIFY_MAX_SHARE": 0},
    ):
        with certified(**setting):
            for objective in Objective:
                proposal = batch(scores, caps, objective)
                assert proposal.method.startswith("min_cost_flow"), setting
                expected = hungarian(total, eligible, caps, objective)
                assert proposal.total == expected[0]


@pytest.mark.parametrize("seed", range(10))
def test_the_proof_rejects_a_solution_that_is_not_optimal(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A flow that leaves out the best of its matches is never proved optimal."""
    rng = np.random.default_rng(seed)
    n_r, n_b = 40, 15
    total = rng.integers(1, 20, size=(n_r, n_b)) * 100
    eligible = rng.random(total.shape) < 0.5
    caps = rng.integers(1, 3, size=n_b)
    r, b = np.nonzero(eligible)
    w = total[r, b].astype(np.int64)
    real = engine._flow

    def worse(*args: Any) -> np.ndarray:
        used = real(*args).copy()
        if used.any():
            gains = np.where(used, args[2], np.iinfo(np.int64).min)
            used[int(np.argmax(gains))] = False
        return used

    monkeypatch.setattr(engine, "_flow", worse)
    monkeypatch.setattr(engine, "CERTIFY_MAX_SHARE", 1.0)
    for best_fit in (True, False):
        gain = w if best_fit else w + (min(n_r, int(caps.sum())) * int(w.max()) + 1)
        assert engine._certified(r, b, w, gain, n_r, n_b, caps, best_fit) is None


def greedy_by_hand(total: np.ndarray, eligible: np.ndarray, caps: Any) -> list[int]:
    """Requests in row order; each takes the free eligible buddy with the highest
    score, on equal scores the lowest row."""
    free = [max(int(c), 0) for c in caps]
    chosen = []
    for i in range(total.shape[0]):
        options = [
            (-int(total[i, j]), j)
            for j in range(total.shape[1])
            if eligible[i, j] and free[j] > 0
        ]
        if not options:
            chosen.append(-1)
            continue
        j = min(options)[1]
        free[j] -= 1
        chosen.append(j)
    return chosen


@settings(max_examples=300, deadline=None)
@given(problems(), st.sampled_from([1, 2**40, 2**50]))
def test_greedy_is_the_baseline_by_hand(
    problem: tuple[np.ndarray, np.ndarray, np.ndarray, int], scale: int
) -> None:
    total, eligible, caps, seed = problem
    total = total * scale  # the largest: the fallback for scores too large to fold
    expected = greedy_by_hand(total, eligible, caps)
    for kind in kinds(make_scores(total, eligible), np.random.default_rng(seed)):
        proposal = greedy(kind, caps)
        assert proposal.buddy_of.tolist() == expected
        check(proposal, total, eligible, caps)
