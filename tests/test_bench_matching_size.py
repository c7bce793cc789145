"""`bench/matching_size.py`: one JSON object with sane numbers, Dutch errors.

No database and no Django: the script generates its instance and times the engine
only (`bench` is importable from the repository root, where the suite runs).
"""

from __future__ import annotations

import json

import pytest

from bench.matching_size import BenchError, main
from bench.matching_size import run as bench_run

KEYS = {
    "requests",
    "buddies",
    "pairs",
    "scoring_ms",
    "shortlist_ms",
    "batch_ms",
    "batch_peak_mb",
    "greedy_ms",
    "batch_total_score",
    "greedy_total_score",
    "batch_matched",
    "greedy_matched",
    "open_places",
}


def run(*args: str) -> str:
    return bench_run(args)


def test_json_has_every_measurement_and_the_batch_beats_greedy() -> None:
    output = run("--requests", "60", "--buddies", "25", "--repeat", "1", "--json")
    result = json.loads(output)  # one JSON object and nothing else
    assert set(result) >= KEYS
    assert (result["requests"], result["buddies"], result["mode"]) == (60, 25, "dense")
    assert 0 < result["pairs"] <= 60 * 25
    for key in ("scoring_ms", "shortlist_ms", "batch_ms", "greedy_ms"):
        assert result[key] > 0
    assert result["batch_peak_mb"] >= 0
    assert result["batch_total_score"] >= result["greedy_total_score"]
    most = min(60, result["open_places"])
    assert 0 < result["batch_matched"] <= most
    assert 0 < result["greedy_matched"] <= most


def test_same_seed_same_instance() -> None:
    args = ("--requests", "30", "--buddies", "12", "--repeat", "1", "--json")
    first, again = json.loads(run(*args)), json.loads(run(*args))
    assert first["pairs"] == again["pairs"]
    assert first["batch_total_score"] == again["batch_total_score"]


def test_without_json_a_readable_table() -> None:
    output = run("--requests", "20", "--buddies", "10", "--repeat", "1", "--seed", "7")
    assert "seed 7" in output
    assert "batch best_fit" in output
    assert "greedy" in output
    assert not output.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--requests", "0", "--buddies", "10"),
            "--requests moet een heel getal van 1",
        ),
        (("--requests", "-5", "--buddies", "10"), "niet -5"),
        (("--requests", "100001", "--buddies", "10"), "tot en met 100.000"),
        (("--requests", "10", "--buddies", "0"), "--buddies moet een heel getal van 1"),
        (("--requests", "10", "--buddies", "50001"), "tot en met 50.000"),
        (
            ("--requests", "tien", "--buddies", "10"),
            "--requests moet een heel getal zijn",
        ),
        (("--requests", "10", "--buddies", "10", "--repeat", "0"), "--repeat"),
        (("--requests", "10", "--buddies", "10", "--seed", "-1"), "--seed"),
    ],
)
def test_bad_arguments_give_a_dutch_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(BenchError, match=message):
        run(*args)


def test_the_script_says_a_bad_argument_and_exits_2(capsys) -> None:
    assert main(["--requests", "0", "--buddies", "10"]) == 2
    assert "--requests moet een heel getal van 1" in capsys.readouterr().err
