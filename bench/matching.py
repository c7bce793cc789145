"""Benchmarks of the matching engine on its own generated instances (not tests).

Usage: `make bench` (runs this after `bench/run.py`) or `.venv/bin/python bench/matching.py`
(`--quick` for fewer repeats). No database: the instances come from the seeded generator
in `bench/instances.py` (shared with `bench/matching_size.py`, which
measures one instance of any size) on the real PC4 centroids and SWV regions in
`ouderbuddy/regions/data/`:

- region: 500 requests x 200 buddies within 20 km of Utrecht (dense scoring), and
  250 x 200 with every place free, where there is room to spare;
- nation: 10,000 requests x 5,000 buddies all over the country (sparse: KD-tree
  candidates, then scoring of those pairs only);
- shortlist: one request against 15,000 buddies.

It reports medians of scoring, shortlist, batch (both objectives) and greedy, the peak
memory of the national run, totals and matched counts of batch vs greedy, and the
`mentor-match` package (Munkres) on the sizes it handles. Results go to stdout as
Markdown; copy them into docs/PERFORMANCE.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
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
    score,
    score_pairs,
    shortlist,
)


def mentor_match(scores: Scores, capacities: np.ndarray) -> tuple[int, int, float]:
    """The `mentor-match` package (Munkres, one round per place) on the same scores.

    Returns (total milli-points, matched, seconds). mentor-match gives each mentor one
    mentee per round, so a buddy with c places takes part in c rounds; rules keep out
    ineligible pairs, matched requests and full buddies.
    """
    from matching import process  # mentor-match's top-level package
    from matching.mentee import Mentee
    from matching.mentor import Mentor
    from matching.rules.rule import Disqualify

    mentors = [
        Mentor(grade=0, email=f"b{j}@example.org", role=str(j))
        for j in range(scores.n_buddies)
    ]
    mentees = [
        Mentee(grade=0, email=f"r{i}@example.org", role=str(i))
        for i in range(scores.n_requests)
    ]
    eligible = scores.excluded == 0
    total = scores.total

    class PairScore:
        def evaluate(self, match: Any) -> bool:
            return True

        def apply(self, match: Any) -> int:
            return int(total[int(match.mentee.role), int(match.mentor.role)])

    rules = [
        PairScore(),
        # mentor-match tests `is True`, so the condition must be a Python bool.
        Disqualify(
            lambda m: bool(
                not eligible[int(m.mentee.role), int(m.mentor.role)]
                or len(m.mentee.mentors) > 0
                or len(m.mentor.mentees) >= capacities[int(m.mentor.role)]
            )
        ),
    ]
    start = time.perf_counter()
    process.process_data(
        mentors, mentees, [list(rules) for _ in range(int(capacities.max()))]
    )
    seconds = time.perf_counter() - start
    pairs = [(int(m.role), int(b.role)) for m in mentees for b in m.mentors]
    assert len({r for r, _ in pairs}) == len(pairs), "a request got two buddies"
    for r, b in pairs:
        assert eligible[r, b]
    return sum(int(total[r, b]) for r, b in pairs), len(pairs), seconds


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
    ms = median_ms(lambda: score_pairs(rq, bd, ri, bi, weights, ex), repeats, warmup=1)
    scores = score_pairs(rq, bd, ri, bi, weights, ex)
    per_request = np.bincount(scores.request[scores.excluded == 0], minlength=len(rq))
    p5, p50, p95 = np.percentile(per_request, [5, 50, 95]).tolist()
    _row(
        rows,
        "nation: score the candidate pairs",
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
        batch(score_pairs(rq, bd, r, b, weights, ex), caps)

    ms = median_ms(end_to_end, repeats, warmup=1)
    _row(rows, "nation: candidates + score + batch best_fit", f"{ms:.1f} ms")

    peak = peak_memory(end_to_end)
    peak_note = "tracemalloc: Python and NumPy allocations, not OR-Tools' C++ ones"
    if peak.rss_grown_mib is not None:
        peak_note += (
            f"; peak RSS grew {peak.rss_grown_mib:.0f} MiB during the run (all memory)"
        )
    _row(
        rows,
        "nation: peak memory of candidates + score + batch",
        f"{peak.traced_mib:.0f} MiB",
        peak_note,
    )
    return rows


def bench_mentor_match(geo: Geography, weights: Weights) -> list[Row]:
    """mentor-match (pure Munkres rounds) against batch best_fit, growing sizes."""
    rows: list[Row] = []
    for n_r, n_b in ((50, 20), (100, 40), (200, 80), (500, 200)):
        small = make_instance(geo, n_r, n_b, SEED + 3, within_km=20.0)
        scores = score(small.requests, small.buddies, weights, small.exclusions)
        caps = small.buddies.free_places
        ours_ms = median_ms(lambda s=scores, c=caps: batch(s, c), 5)
        ours = batch(scores, caps)
        try:
            total, matched, seconds = mentor_match(scores, caps)
        except ImportError:
            _row(rows, "mentor-match", "not installed")
            break
        _row(
            rows,
            f"mentor-match (Munkres) {n_r}x{n_b}",
            f"{seconds * 1000:.0f} ms",
            f"total {total / 1000:.1f}, matched {matched}; batch best_fit "
            f"{ours_ms:.2f} ms, total {ours.points:.1f}, matched {ours.matched}",
        )
        if seconds > 30:
            break
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
    rows += bench_mentor_match(geo, weights)

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
