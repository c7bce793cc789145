"""Benchmarks of the matching engine on its own generated instances (not tests).

Usage: `make bench` (runs this after `bench/run.py`) or `.venv/bin/python bench/matching.py`
(`--quick` for fewer repeats). No database: the instances come from the seeded generator
in `bench/instances.py` (shared with `bench/matching_size.py`, which
measures one instance of any size) on the real PC4 centroids and SWV regions in
`ouderbuddy/regions/data/`:

- region: 500 requests x 200 buddies within 20 km of Utrecht (dense scoring), and
  250 x 200 with every place free, where there is room to spare;
- nation: 10,000 requests x 5,000 buddies all over the country (sparse: KD-tree
  candidates, then the eligible pairs' totals for the proposal, `pair_totals`, and
  for comparison every part of every candidate pair, `score_pairs`);
- shortlist: one request against 15,000 buddies.

It reports medians of scoring, shortlist, batch (both objectives) and greedy, the peak
memory of the national run, totals and matched counts of batch vs greedy, and the
`mentor-match` package (Munkres) as it installs, round by round and with each buddy
cloned per free place, every total (and batch's) checked against SciPy's
`linear_sum_assignment` on cloned places; batch is timed per call in blocks of calls
(`per_call_ms`) and also one call at a time after a garbage collection. Results go to
stdout as Markdown; copy them into docs/PERFORMANCE.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# This file's folder comes off the path: mentor-match's package is also `matching`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.instances import (  # noqa: E402
    SEED,
    Geography,
    load_geography,
    make_instance,
    median_ms,
    open_places,
    peak_memory,
    per_call_ms,
)
from ouderbuddy.matching.engine import (  # noqa: E402 (needs the path above)
    Buddies,
    Exclusions,
    Objective,
    Requests,
    Scores,
    Weights,
    batch,
    candidate_pairs,
    greedy,
    pair_totals,
    score,
    score_pairs,
    shortlist,
)


@dataclass(frozen=True)
class MentorRun:
    """One use of mentor-match on the same scores: totals and the median time."""

    total: int  # milli-points
    matched: int
    ms: float  # median over the repeats


def mentor_match(
    scores: Scores, capacities: np.ndarray, cloned: bool, repeats: int
) -> MentorRun:
    """The `mentor-match` package (Munkres) on the same scores, as it installs.

    mentor-match gives each mentor one mentee per round. Round by round (`cloned`
    False), a buddy with c places takes part in c rounds, and rules keep out
    ineligible pairs, matched requests and full buddies; each round is optimal on
    its own, the rounds together need not be. Cloned (`cloned` True), each buddy is
    one mentor per free place, in one round: one Munkres over all places, its optimal
    use. The people are made anew for every repeat (mentor-match keeps its matches
    on them); only `process_data` is timed.
    """
    from matching import process  # mentor-match's top-level package
    from matching.mentee import Mentee
    from matching.mentor import Mentor
    from matching.rules.rule import Disqualify

    eligible = scores.excluded == 0
    total = scores.total
    caps = np.clip(capacities, 0, None)
    if cloned:
        # One mentor per free place; `role` is the buddy's row.
        buddy_of_place = np.repeat(np.arange(scores.n_buddies), caps).tolist()
        rounds = 1
    else:
        buddy_of_place = list(range(scores.n_buddies))
        rounds = int(caps.max()) if caps.size else 0

    class PairScore:
        def evaluate(self, match: Any) -> bool:
            return True

        def apply(self, match: Any) -> int:
            return int(total[int(match.mentee.role), int(match.mentor.role)])

    def out(m: Any) -> bool:
        # mentor-match tests `is True`, so the condition must be a Python bool.
        return bool(
            not eligible[int(m.mentee.role), int(m.mentor.role)]
            or len(m.mentee.mentors) > 0
            or len(m.mentor.mentees) >= (1 if cloned else caps[int(m.mentor.role)])
        )

    samples = []
    pairs: list[tuple[int, int]] = []
    for _ in range(max(1, repeats)):
        mentors = [
            Mentor(grade=0, email=f"b{k}@example.org", role=str(j))
            for k, j in enumerate(buddy_of_place)
        ]
        mentees = [
            Mentee(grade=0, email=f"r{i}@example.org", role=str(i))
            for i in range(scores.n_requests)
        ]
        rules = [[PairScore(), Disqualify(out)] for _ in range(rounds)]
        gc.collect()
        start = time.perf_counter()
        process.process_data(mentors, mentees, rules)
        samples.append((time.perf_counter() - start) * 1000)
        pairs = [(int(m.role), int(b.role)) for m in mentees for b in m.mentors]
    assert len({r for r, _ in pairs}) == len(pairs), "a request got two buddies"
    taken = np.bincount([b for _, b in pairs], minlength=scores.n_buddies)
    assert np.all(taken <= caps), "a buddy got more parents than places"
    for r, b in pairs:
        assert eligible[r, b]
    return MentorRun(
        total=sum(int(total[r, b]) for r, b in pairs),
        matched=len(pairs),
        ms=statistics.median(samples),
    )


def reference_best_fit(scores: Scores, capacities: np.ndarray) -> int:
    """The largest total score, independently: SciPy's `linear_sum_assignment` on the
    dense matrix with each buddy cloned once per free place. A pair that is not
    eligible, or does not add to the total (0 or less), is worth 0 there: the same
    as leaving the request or the place empty."""
    from scipy.optimize import linear_sum_assignment

    caps = np.clip(capacities, 0, None)
    profit = np.where((scores.excluded == 0) & (scores.total > 0), scores.total, 0)
    cloned = profit[:, np.repeat(np.arange(scores.n_buddies), caps)]
    if cloned.size == 0:
        return 0
    rows, cols = linear_sum_assignment(cloned, maximize=True)
    return int(cloned[rows, cols].sum())


Row = tuple[str, str, str]


def _row(rows: list[Row], what: str, value: str, note: str = "") -> None:
    rows.append((what, value, note))
    print(f"  {what}: {value}  {note}", file=sys.stderr, flush=True)


def bench_region(geo: Geography, weights: Weights, repeats: int) -> list[Row]:
    """500 requests x 200 buddies of one region: dense scores, both batches, greedy."""
    rows: list[Row] = []
    region = make_instance(geo, 500, 200, SEED, within_km=20.0)
    rq, bd, ex = region.requests, region.buddies, region.exclusions
    caps = bd.free_places
    scores = score(rq, bd, weights, ex)
    per_request = (scores.excluded == 0).sum(axis=1)
    _row(
        rows,
        "region 500x200: score (dense)",
        f"{median_ms(lambda: score(rq, bd, weights, ex), repeats):.2f} ms",
        f"eligible per request: median {int(np.median(per_request))}, "
        f"mean {per_request.mean():.0f}; {open_places(bd)} free places",
    )
    for objective in Objective:
        ms = median_ms(lambda o=objective: batch(scores, caps, o), repeats)
        result = batch(scores, caps, objective)
        _row(
            rows,
            f"region: batch {objective.value}",
            f"{ms:.2f} ms",
            f"total {result.points:.1f}, matched {result.matched}",
        )
    ms = median_ms(lambda: greedy(scores, caps), repeats)
    result = greedy(scores, caps)
    _row(
        rows,
        "region: greedy",
        f"{ms:.2f} ms",
        f"total {result.points:.1f}, matched {result.matched}",
    )
    ms = median_ms(lambda: batch(score(rq, bd, weights, ex), caps), repeats)
    _row(rows, "region: score + batch best_fit", f"{ms:.2f} ms")

    # More places than requests: here the objectives and greedy part ways.
    roomy = make_instance(geo, 250, 200, SEED + 4, within_km=20.0, all_free=True)
    caps = roomy.buddies.free_places
    scores = score(roomy.requests, roomy.buddies, weights, roomy.exclusions)
    places = open_places(roomy.buddies)
    for objective in Objective:
        ms = median_ms(lambda o=objective: batch(scores, caps, o), repeats)
        result = batch(scores, caps, objective)
        _row(
            rows,
            f"region, room to spare (250x200, {places} places): batch {objective.value}",
            f"{ms:.2f} ms",
            f"total {result.points:.1f}, matched {result.matched}",
        )
    result = greedy(scores, caps)
    ms = median_ms(lambda: greedy(scores, caps), repeats)
    _row(
        rows,
        "region, room to spare: greedy",
        f"{ms:.2f} ms",
        f"total {result.points:.1f}, matched {result.matched}",
    )
    return rows


def bench_shortlist(geo: Geography, weights: Weights, rounds: int) -> list[Row]:
    """One request against the national pool of 15,000 buddies."""
    rows: list[Row] = []
    pool = make_instance(geo, 1000, 15000, SEED + 1)
    for i in range(5):
        shortlist(i, pool.requests, pool.buddies, weights, pool.exclusions)
    samples = []
    for i in list(range(0, 1000, 10)) * rounds:
        start = time.perf_counter()
        shortlist(i, pool.requests, pool.buddies, weights, pool.exclusions, k=10)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    _row(
        rows,
        "shortlist: 1 request x 15,000 buddies, k=10",
        f"{statistics.median(samples):.2f} ms",
        f"p95 {samples[int(len(samples) * 0.95) - 1]:.2f} ms",
    )
    return rows


def _nation_steps(
    rq: Requests,
    bd: Buddies,
    ex: Exclusions,
    weights: Weights,
    repeats: int,
    rows: list[Row],
) -> None:
    """Each national step on its own (a function, so its arrays are freed after)."""
    caps = bd.free_places
    ms = median_ms(lambda: candidate_pairs(rq, bd), repeats, warmup=1)
    ri, bi = candidate_pairs(rq, bd)
    _row(
        rows,
        "nation 10,000x5,000: candidate pairs (KD-tree)",
        f"{ms:.1f} ms",
        f"{ri.size:,} pairs",
    )
    ms = median_ms(lambda: pair_totals(rq, bd, ri, bi, weights, ex), repeats, warmup=1)
    lean = pair_totals(rq, bd, ri, bi, weights, ex)
    _row(
        rows,
        "nation: pair totals of the candidate pairs (eligible pairs, totals only)",
        f"{ms:.1f} ms",
        f"{lean.request.size:,} eligible pairs",
    )
    ms = median_ms(lambda: score_pairs(rq, bd, ri, bi, weights, ex), repeats, warmup=1)
    scores = score_pairs(rq, bd, ri, bi, weights, ex)
    eligible = scores.excluded == 0
    assert np.array_equal(lean.total, scores.total[eligible])
    assert np.array_equal(lean.request, scores.request[eligible])
    assert np.array_equal(lean.buddy, scores.buddy[eligible])
    del lean
    per_request = np.bincount(scores.request[scores.excluded == 0], minlength=len(rq))
    p5, p50, p95 = np.percentile(per_request, [5, 50, 95]).tolist()
    _row(
        rows,
        "nation: score the candidate pairs (score_pairs: every part, for explanations)",
        f"{ms:.1f} ms",
        f"eligible per request: p5 {p5:.0f}, median {p50:.0f}, p95 {p95:.0f}, "
        f"max {per_request.max()}, mean {per_request.mean():.0f} "
        f"({int(per_request.sum()):,} eligible pairs); "
        f"{open_places(bd):,} free places",
    )
    for objective in Objective:
        ms = median_ms(lambda o=objective: batch(scores, caps, o), repeats, warmup=1)
        result = batch(scores, caps, objective)
        _row(
            rows,
            f"nation: batch {objective.value}",
            f"{ms:.1f} ms",
            f"total {result.points:.1f}, matched {result.matched}",
        )
    ms = median_ms(lambda: greedy(scores, caps), repeats, warmup=1)
    result = greedy(scores, caps)
    _row(
        rows,
        "nation: greedy",
        f"{ms:.1f} ms",
        f"total {result.points:.1f}, matched {result.matched}",
    )


def bench_nation(geo: Geography, weights: Weights, repeats: int) -> list[Row]:
    """10,000 requests x 5,000 buddies: KD-tree candidates, sparse scores, batches."""
    rows: list[Row] = []
    nation = make_instance(geo, 10000, 5000, SEED + 2)
    rq, bd, ex = nation.requests, nation.buddies, nation.exclusions
    caps = bd.free_places
    _nation_steps(rq, bd, ex, weights, repeats, rows)

    def end_to_end() -> None:
        r, b = candidate_pairs(rq, bd)
        batch(pair_totals(rq, bd, r, b, weights, ex), caps)

    def with_score_pairs() -> None:
        r, b = candidate_pairs(rq, bd)
        batch(score_pairs(rq, bd, r, b, weights, ex), caps)

    ms = median_ms(end_to_end, repeats, warmup=1)
    _row(rows, "nation: candidates + pair totals + batch best_fit", f"{ms:.1f} ms")
    ms = median_ms(with_score_pairs, repeats, warmup=1)
    _row(rows, "nation: candidates + score_pairs + batch best_fit", f"{ms:.1f} ms")

    peak = peak_memory(end_to_end)
    peak_note = "tracemalloc: Python and NumPy allocations, not OR-Tools' C++ ones"
    if peak.rss_grown_mib is not None:
        peak_note += (
            f"; peak RSS grew {peak.rss_grown_mib:.0f} MiB during the run (all memory)"
        )
    _row(
        rows,
        "nation: peak memory of candidates + pair totals + batch",
        f"{peak.traced_mib:.0f} MiB",
        peak_note,
    )
    return rows


MENTOR_MATCH_SIZES = ((50, 20), (100, 40), (200, 80), (500, 200))


def bench_mentor_match(geo: Geography, weights: Weights, repeats: int) -> list[Row]:
    """mentor-match round by round and with cloned buddies against batch best_fit,
    growing regional sizes; every total checked against SciPy's optimum."""
    rows: list[Row] = []
    try:
        import matching.process  # noqa: F401 - mentor-match's package
    except ImportError:
        _row(rows, "mentor-match", "not installed")
        return rows
    from importlib.metadata import version

    print(
        f"  mentor-match {version('mentor-match')}, munkres {version('munkres')}",
        file=sys.stderr,
    )
    for n_r, n_b in MENTOR_MATCH_SIZES:
        small = make_instance(geo, n_r, n_b, SEED + 3, within_km=20.0)
        scores = score(small.requests, small.buddies, weights, small.exclusions)
        caps = small.buddies.free_places
        optimum = reference_best_fit(scores, caps)
        # One batch of the smallest size takes well under 0.1 ms: timed in blocks.
        ours_ms = per_call_ms(lambda s=scores, c=caps: batch(s, c), 15)
        # And one call at a time after a garbage collection (cold caches).
        single_ms = median_ms(lambda s=scores, c=caps: batch(s, c), 101, warmup=5)
        ours = batch(scores, caps)
        assert ours.total == optimum, f"batch {ours.total} != optimum {optimum}"
        runs = {}
        for use, cloned in (("round by round", False), ("cloned buddies", True)):
            run = mentor_match(scores, caps, cloned, repeats)
            runs[use] = run
            gap = optimum - run.total
            _row(
                rows,
                f"mentor-match {n_r}x{n_b}, {use}",
                f"{run.ms:.1f} ms",
                f"total {run.total / 1000:.1f}, matched {run.matched}; "
                + ("optimal" if gap == 0 else f"{gap / 1000:.1f} below the optimum"),
            )
        fastest = min(run.ms for run in runs.values())
        best_total = max(run.total for run in runs.values())
        _row(
            rows,
            f"batch best_fit {n_r}x{n_b}",
            f"{ours_ms:.3f} ms",
            f"total {ours.points:.1f} (the optimum: SciPy linear_sum_assignment on "
            f"cloned places), matched {ours.matched}; "
            f"{fastest / ours_ms:.0f}x faster than the faster mentor-match use"
            + (", at a higher total" if ours.total > best_total else ", same total")
            + f"; one call after a gc {single_ms:.3f} ms ({fastest / single_ms:.0f}x)",
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    fast, slow, rounds = (5, 3, 1) if args.quick else (50, 7, 5)

    geo = load_geography()
    weights = Weights()
    print("Matching engine benchmarks", file=sys.stderr)
    rows = bench_region(geo, weights, fast)
    rows += bench_shortlist(geo, weights, rounds)
    rows += bench_nation(geo, weights, slow)
    rows += bench_mentor_match(geo, weights, slow)

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, NumPy {np.__version__}; medians"
    )
    print()
    print("| what | median | notes |")
    print("|---|---|---|")
    for what, value, note in rows:
        print(f"| {what} | {value} | {note} |")


if __name__ == "__main__":
    main()
