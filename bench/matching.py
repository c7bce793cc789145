"""Benchmarks of the matching engine on its own generated instances (not tests).

Usage: `make bench` (runs this after `bench/run.py`) or `.venv/bin/python bench/matching.py`
(`--quick` for fewer repeats). No database: the instances come from a seeded generator
on the real PC4 centroids and SWV regions in `ouderbuddy/regions/data/`:

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
import csv
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# This file's folder comes off the path: mentor-match's package is also `matching`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

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

DATA = ROOT / "ouderbuddy" / "regions" / "data"
SEED = 20261122
# Code counts per group as in ouderbuddy/taxonomy/data/experience_codes.csv.
N_ISSUE, N_NEED, N_ROUTE = 17, 27, 25
N_LANGUAGES, N_CONTACT_MODES = 21, 5
UTRECHT = (52.0907, 5.1214)


@dataclass
class Geography:
    lat: np.ndarray
    lon: np.ndarray
    swv: np.ndarray


def load_geography() -> Geography:
    """PC4 centroids with a number per PO SWV (-1 where the 2015 table has none)."""
    swv_of: dict[str, str] = {}
    with open(DATA / "swv_regio_indeling_pc4_2015.csv", newline="") as f:
        for row in csv.DictReader(f):
            swv_of[row["pc4"]] = row["po_swv"]
    lat, lon, swv = [], [], []
    numbers: dict[str, int] = {}
    with open(DATA / "nl_pc4_centroids.csv", newline="") as f:
        for row in csv.DictReader(f):
            lat.append(float(row["latitude"]))
            lon.append(float(row["longitude"]))
            code = swv_of.get(row["pc4"], "")
            swv.append(numbers.setdefault(code, len(numbers)) if code else -1)
    return Geography(np.array(lat), np.array(lon), np.array(swv, dtype=np.int64))


def _km_between(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> Any:
    phi, phi0 = np.radians(lat), np.radians(lat0)
    h = (
        np.sin((phi - phi0) / 2) ** 2
        + np.cos(phi) * np.cos(phi0) * np.sin(np.radians(lon - lon0) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


def _popularity(rng: np.random.Generator, k: int) -> np.ndarray:
    """Zipf-like code popularity: a few codes (autism, ADHD, OPP) are common."""
    weights = 1.0 / np.arange(1, k + 1) ** 0.9
    rng.shuffle(weights)
    return weights / weights.sum()


def _code_sets(
    rng: np.random.Generator,
    n: int,
    k: int,
    popularity: np.ndarray,
    counts: list[int],
    p: list[float],
) -> np.ndarray:
    matrix = np.zeros((n, k), dtype=bool)
    sizes = rng.choice(counts, size=n, p=p)
    for i, size in enumerate(sizes.tolist()):
        if size:
            matrix[i, rng.choice(k, size=size, replace=False, p=popularity)] = True
    return matrix


def _bitmasks(rng: np.random.Generator, n: int, k: int, low: int, high: int) -> Any:
    masks = np.zeros(n, dtype=np.int64)
    sizes = rng.integers(low, high + 1, size=n)
    for i, size in enumerate(sizes.tolist()):
        for bit in rng.choice(k, size=size, replace=False).tolist():
            masks[i] |= 1 << bit
    return masks


def _places(geo: Geography, rng: np.random.Generator, n: int, pool: np.ndarray):  # type: ignore[no-untyped-def]
    at = rng.choice(pool, size=n)
    lat = geo.lat[at] + rng.normal(0, 0.008, size=n)
    lon = geo.lon[at] + rng.normal(0, 0.012, size=n)
    return lat, lon, geo.swv[at]


@dataclass
class Instance:
    requests: Requests
    buddies: Buddies
    exclusions: Exclusions


def make_instance(
    geo: Geography,
    n_requests: int,
    n_buddies: int,
    seed: int,
    within_km: float | None = None,
    all_free: bool = False,
) -> Instance:
    """A seeded instance; `within_km` keeps everyone that close to Utrecht (a region);
    `all_free` gives every buddy all their places free (no current matches)."""
    rng = np.random.default_rng(seed)
    pool = np.arange(geo.lat.shape[0])
    if within_km is not None:
        pool = pool[_km_between(geo.lat, geo.lon, *UTRECHT) <= within_km]
    pop = {
        "issue": _popularity(rng, N_ISSUE),
        "need": _popularity(rng, N_NEED),
        "route": _popularity(rng, N_ROUTE),
    }

    lat, lon, swv = _places(geo, rng, n_requests, pool)
    language = np.where(
        rng.random(n_requests) < 0.85,
        1,
        1 << rng.integers(1, N_LANGUAGES, size=n_requests),
    ).astype(np.int64)
    modes = _bitmasks(rng, n_requests, N_CONTACT_MODES, 1, 3)
    modes[rng.random(n_requests) < 0.2] = 0  # no preference
    requests = Requests(
        issue=_code_sets(
            rng, n_requests, N_ISSUE, pop["issue"], [1, 2, 3], [0.4, 0.4, 0.2]
        ),
        need=_code_sets(
            rng, n_requests, N_NEED, pop["need"], [0, 1, 2], [0.15, 0.55, 0.3]
        ),
        route=_code_sets(rng, n_requests, N_ROUTE, pop["route"], [1, 2], [0.8, 0.2]),
        lat=lat,
        lon=lon,
        max_km=rng.choice([10, 15, 25, 40], size=n_requests, p=[0.15, 0.2, 0.55, 0.1]),
        language=language,
        contact_modes=modes,
        buddy_gender=rng.choice([0, 1, 2], size=n_requests, p=[0.8, 0.15, 0.05]),
        days_waiting=rng.exponential(35.0, size=n_requests),
        swv=swv,
    )

    lat, lon, swv = _places(geo, rng, n_buddies, pool)
    languages = np.ones(n_buddies, dtype=np.int64)
    extra = rng.random(n_buddies) < 0.25
    languages[extra] |= 1 << rng.integers(1, N_LANGUAGES, size=int(extra.sum()))
    capacity = rng.choice([1, 2, 3], size=n_buddies, p=[0.5, 0.35, 0.15])
    busy = rng.integers(0, capacity + 1)
    buddies = Buddies(
        issue=_code_sets(
            rng, n_buddies, N_ISSUE, pop["issue"], [2, 3, 4, 5, 6], [0.2] * 5
        ),
        need=_code_sets(
            rng, n_buddies, N_NEED, pop["need"], [1, 2, 3], [0.5, 0.35, 0.15]
        ),
        route=_code_sets(
            rng, n_buddies, N_ROUTE, pop["route"], [1, 2, 3], [0.5, 0.35, 0.15]
        ),
        lat=lat,
        lon=lon,
        travel_km=rng.choice([10, 15, 20, 25, 30], size=n_buddies),
        languages=languages,
        contact_modes=_bitmasks(rng, n_buddies, N_CONTACT_MODES, 2, 5),
        gender=rng.choice([1, 2, 0], size=n_buddies, p=[0.75, 0.2, 0.05]),
        capacity=capacity,
        free_places=capacity if all_free else capacity - busy // 2,
        swv=swv,
        active=rng.random(n_buddies) < 0.9,
        vog_valid=rng.random(n_buddies) < 0.97,
        trained=rng.random(n_buddies) < 0.95,
    )

    def some_pairs(share: float) -> np.ndarray:
        k = int(n_requests * share)
        return np.column_stack(
            (rng.choice(n_requests, size=k), rng.integers(0, n_buddies, size=k))
        )

    exclusions = Exclusions(
        conflict_of_interest=some_pairs(0.01),
        previously_matched=some_pairs(0.03),
        declined_before=some_pairs(0.05),
    )
    return Instance(requests, buddies, exclusions)


def open_places(buddies: Buddies) -> int:
    """Free places of the buddies who can be matched now."""
    matchable = buddies.active & buddies.vog_valid & buddies.trained
    return int(buddies.free_places[matchable].clip(0).sum())


def median_ms(fn: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


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

    gc.collect()
    rss_before = _rss_mib("VmRSS")
    reset = _reset_peak_rss()
    tracemalloc.start()
    end_to_end()
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_note = "tracemalloc: Python and NumPy allocations, not OR-Tools' C++ ones"
    if reset:
        grown = _rss_mib("VmHWM") - rss_before
        peak_note += f"; peak RSS grew {grown:.0f} MiB during the run (all memory)"
    _row(
        rows,
        "nation: peak memory of candidates + score + batch",
        f"{traced / 2**20:.0f} MiB",
        peak_note,
    )
    return rows


def _rss_mib(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak_rss() -> bool:
    """Reset VmHWM (Linux: write 5 to clear_refs) so the next peak is this run's."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


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
