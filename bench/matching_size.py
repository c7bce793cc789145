"""The matching engine on one generated size (not tests):
`.venv/bin/python bench/matching_size.py --requests N --buddies M [--repeat R]
[--seed S] [--json]`.

The same measurements as `bench/matching.py`, on one seeded instance from
`bench/instances.py` (no database, no Django): scoring, shortlists, the batch
(best fit, and most matched), greedy, and the batch's peak memory. Small sizes are a
region around Utrecht whose full requests x buddies matrix is scored; larger ones
keep the national benchmark's density (20-200 eligible buddies for most requests)
and score only the KD-tree's candidate pairs. Times are medians over `--repeat` runs
after one warm-up run. `--json` prints one JSON object; memory is in MiB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

if not __package__:  # run as a script: the repository root instead of this folder
    ROOT = Path(__file__).resolve().parent.parent
    # This file's folder comes off the path: mentor-match's package is also `matching`.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))

# Both imports need the path above when this file runs as a script.
from bench import instances
from ouderbuddy.matching import engine

MAX_REQUESTS = 100_000
MAX_BUDDIES = 50_000
MAX_REPEAT = 100
MAX_SEED = 2**32 - 1
# Requests whose shortlist is timed (spread over the instance), per repeat.
SHORTLIST_SAMPLE = 20


def _dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class BenchError(Exception):
    """A bad argument, explained in Dutch."""


def _whole_number(value: Any, flag: str, low: int, high: int) -> int:
    """`value` as a whole number from `low` to `high`, or a Dutch BenchError."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int):
        number = value
    else:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise BenchError(
                f"{flag} moet een heel getal zijn, niet '{value}'."
            ) from None
    if not low <= number <= high:
        raise BenchError(
            f"{flag} moet een heel getal van {_dutch(low)} tot en met {_dutch(high)} "
            f"zijn, niet {_dutch(number)}."
        )
    return number


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        description=(
            "Meet de matching-engine op een gegenereerde instantie van deze grootte "
            "(zonder database): scores, shortlist, batch, greedy en geheugen."
        )
    )
    p.add_argument(
        "--requests",
        required=True,
        help=f"Aantal hulpvragen (1 tot en met {_dutch(MAX_REQUESTS)}).",
    )
    p.add_argument(
        "--buddies",
        required=True,
        help=f"Aantal buddy's (1 tot en met {_dutch(MAX_BUDDIES)}).",
    )
    p.add_argument(
        "--repeat",
        default=5,
        help=f"Metingen per stap; de mediaan telt (1 tot en met {MAX_REPEAT}, standaard 5).",
    )
    p.add_argument(
        "--seed",
        default=instances.SEED,
        help=f"Startgetal van de generator (standaard {instances.SEED}).",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="Druk één JSON-object af in plaats van een tabel.",
    )
    return p


def run(argv: Sequence[str]) -> str:
    """The measurements for these arguments, as JSON or a table; BenchError if bad."""
    options = parser().parse_args(list(argv))
    n_requests = _whole_number(options.requests, "--requests", 1, MAX_REQUESTS)
    n_buddies = _whole_number(options.buddies, "--buddies", 1, MAX_BUDDIES)
    repeat = _whole_number(options.repeat, "--repeat", 1, MAX_REPEAT)
    seed = _whole_number(options.seed, "--seed", 0, MAX_SEED)
    result = measure(n_requests, n_buddies, repeat, seed)
    return json.dumps(result) if options.json else table(result)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        print(run(sys.argv[1:] if argv is None else argv))
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _timed(fn: Callable[[], object], repeat: int) -> float:
    return round(instances.median_ms(fn, repeat, warmup=1), 3)


def measure(n_requests: int, n_buddies: int, repeat: int, seed: int) -> dict[str, Any]:
    """Every measurement on one instance, as a JSON-ready dict."""
    geo = instances.load_geography()
    start = time.perf_counter()
    inst = instances.sized_instance(geo, n_requests, n_buddies, seed)
    generate_ms = (time.perf_counter() - start) * 1000
    rq, bd, ex = inst.requests, inst.buddies, inst.exclusions
    weights = engine.Weights()
    caps = bd.free_places
    dense = instances.is_dense(n_requests, n_buddies)
    result: dict[str, Any] = {
        "requests": n_requests,
        "buddies": n_buddies,
        "seed": seed,
        "repeat": repeat,
        "mode": "dense" if dense else "sparse",
        "generate_ms": round(generate_ms, 1),
    }

    scores: engine.Scores | engine.PairScores
    if dense:

        def scoring() -> engine.Scores | engine.PairScores:
            return engine.score(rq, bd, weights, ex)

        result["candidates_ms"] = None
        result["pair_totals_ms"] = None
        result["candidate_pairs"] = n_requests * n_buddies
        scores = scoring()
        per_request = (scores.excluded == 0).sum(axis=1)
    else:

        def scoring() -> engine.Scores | engine.PairScores:
            ri, bi = engine.candidate_pairs(rq, bd)
            return engine.score_pairs(rq, bd, ri, bi, weights, ex)

        result["candidates_ms"] = _timed(lambda: engine.candidate_pairs(rq, bd), repeat)
        ri, bi = engine.candidate_pairs(rq, bd)
        # The lean path of a national proposal: eligible pairs and totals only.
        result["pair_totals_ms"] = _timed(
            lambda: engine.pair_totals(rq, bd, ri, bi, weights, ex), repeat
        )
        pair_scores = engine.score_pairs(rq, bd, ri, bi, weights, ex)
        result["candidate_pairs"] = int(ri.size)
        per_request = np.bincount(
            pair_scores.request[pair_scores.excluded == 0], minlength=n_requests
        )
        scores = pair_scores
        del ri, bi, pair_scores
    result["scoring_ms"] = _timed(scoring, repeat)
    p5, p50, p95 = np.percentile(per_request, [5, 50, 95]).tolist()
    result["pairs"] = int(per_request.sum())
    result["eligible_per_request"] = {
        "p5": round(p5, 1),
        "median": round(p50, 1),
        "p95": round(p95, 1),
        "mean": round(float(per_request.mean()), 1),
        "max": int(per_request.max()),
    }
    result["open_places"] = instances.open_places(bd)

    spread = np.linspace(0, n_requests - 1, min(n_requests, SHORTLIST_SAMPLE))
    rows: list[int] = np.unique(spread.round().astype(np.int64)).tolist()
    engine.shortlist(rows[0], rq, bd, weights, ex, k=10)
    samples = []
    for _ in range(repeat):
        for i in rows:
            start = time.perf_counter()
            engine.shortlist(i, rq, bd, weights, ex, k=10)
            samples.append((time.perf_counter() - start) * 1000)
    result["shortlist_ms"] = round(statistics.median(samples), 3)

    _assignments(result, scores, caps, repeat)
    del scores  # the end-to-end runs below make their own
    result["total_ms"] = _timed(lambda: engine.batch(scoring(), caps), repeat)
    if dense:
        result["proposal_ms"] = result["total_ms"]
    else:

        def proposal() -> engine.Assignment:
            ri, bi = engine.candidate_pairs(rq, bd)
            return engine.batch(engine.pair_totals(rq, bd, ri, bi, weights, ex), caps)

        result["proposal_ms"] = _timed(proposal, repeat)
    peak = instances.peak_memory(lambda: engine.batch(scoring(), caps))
    result["total_peak_mb"] = round(peak.traced_mib, 1)
    result["total_peak_rss_mb"] = _rounded(peak.rss_grown_mib)
    return result


def _assignments(
    result: dict[str, Any],
    scores: engine.Scores | engine.PairScores,
    caps: Any,
    repeat: int,
) -> None:
    """Both batches and greedy on the same scores: times, totals, matched, memory."""
    best = engine.batch(scores, caps, engine.Objective.BEST_FIT)
    result["batch_ms"] = _timed(lambda: engine.batch(scores, caps), repeat)
    result["batch_total_score"] = round(best.points, 3)
    result["batch_matched"] = best.matched
    most = engine.batch(scores, caps, engine.Objective.MOST_MATCHED)
    result["batch_most_matched_ms"] = _timed(
        lambda: engine.batch(scores, caps, engine.Objective.MOST_MATCHED), repeat
    )
    result["batch_most_matched_total_score"] = round(most.points, 3)
    result["batch_most_matched_matched"] = most.matched
    baseline = engine.greedy(scores, caps)
    result["greedy_ms"] = _timed(lambda: engine.greedy(scores, caps), repeat)
    result["greedy_total_score"] = round(baseline.points, 3)
    result["greedy_matched"] = baseline.matched

    # Peak memory as bench/matching.py measures it: tracemalloc (Python and NumPy,
    # not OR-Tools' C++ allocations) and, on Linux, how far peak RSS grew.
    peak = instances.peak_memory(lambda: engine.batch(scores, caps))
    result["batch_peak_mb"] = round(peak.traced_mib, 1)
    result["batch_peak_rss_mb"] = _rounded(peak.rss_grown_mib)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def table(r: dict[str, Any]) -> str:
    """The measurements as a short plain-text table."""
    e = r["eligible_per_request"]

    def mib(traced: float, rss: float | None) -> str:
        return f"{traced:.1f} MiB" + (
            f" (peak RSS grew {rss:.0f} MiB)" if rss is not None else ""
        )

    rows = [
        (
            "instance",
            f"{r['requests']:,} requests x {r['buddies']:,} buddies, "
            f"{r['mode']}, seed {r['seed']}",
        ),
        (
            "eligible pairs",
            f"{r['pairs']:,} (per request: p5 {e['p5']:.0f}, median "
            f"{e['median']:.0f}, p95 {e['p95']:.0f}); {r['open_places']:,} free places",
        ),
    ]
    if r["candidates_ms"] is not None:
        rows.append(
            (
                "candidate pairs (KD-tree)",
                f"{r['candidates_ms']:.2f} ms, {r['candidate_pairs']:,} pairs",
            )
        )
    if r["pair_totals_ms"] is not None:
        rows.append(("pair totals (lean)", f"{r['pair_totals_ms']:.2f} ms"))
    rows += [
        (
            "scoring" if r["candidates_ms"] is None else "candidates + scoring",
            f"{r['scoring_ms']:.2f} ms",
        ),
        ("shortlist (1 request, k=10)", f"{r['shortlist_ms']:.2f} ms"),
        (
            "batch best_fit",
            f"{r['batch_ms']:.2f} ms, total {r['batch_total_score']:.1f}, "
            f"matched {r['batch_matched']}",
        ),
        (
            "batch most_matched",
            f"{r['batch_most_matched_ms']:.2f} ms, total "
            f"{r['batch_most_matched_total_score']:.1f}, "
            f"matched {r['batch_most_matched_matched']}",
        ),
        (
            "greedy",
            f"{r['greedy_ms']:.2f} ms, total {r['greedy_total_score']:.1f}, "
            f"matched {r['greedy_matched']}",
        ),
        ("batch peak memory", mib(r["batch_peak_mb"], r["batch_peak_rss_mb"])),
        ("scoring + batch", f"{r['total_ms']:.2f} ms"),
        (
            "proposal (scoring + batch)"
            if r["candidates_ms"] is None
            else "proposal (candidates + pair totals + batch)",
            f"{r['proposal_ms']:.2f} ms",
        ),
        (
            "scoring + batch peak memory",
            mib(r["total_peak_mb"], r["total_peak_rss_mb"]),
        ),
    ]
    width = max(len(what) for what, _ in rows)
    lines = [f"Matching engine, medians of {r['repeat']} run(s) after one warm-up"]
    lines += [f"  {what:<{width}}  {value}" for what, value in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
