"""The figures of the evaluation results: means, paired change with its 95 %
confidence interval, response rates, and the suppression of small cells.

Pure Python with SciPy for the t-distribution; no Django. Every function that
returns a figure returns `None` instead when it would describe fewer than
`MIN_CELL` people (DOMAIN.md §3.3: aggregated figures only, with a minimum cell
size), so no caller can show a statistic over one to four people by accident.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scipy import stats as scipy_stats

MIN_CELL = 5
"""No figure is shown over fewer people than this (the figure is suppressed)."""

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Mean:
    """The mean of a scale over `n` people, with its standard deviation."""

    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class Change:
    """The mean paired change (after - before) over `n` people with both answers, and
    its 95 % confidence interval from the t-distribution with n - 1 degrees of
    freedom."""

    n: int
    mean: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """The interval lies wholly above or below zero."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Rate:
    """Answered out of invited."""

    invited: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.invited)


def _clean(values: Iterable[float]) -> list[float]:
    cleaned = [float(v) for v in values]
    for value in cleaned:
        if not math.isfinite(value):
            raise ValueError("values must be finite numbers")
    return cleaned


def _sd(values: Sequence[float], mean: float) -> float:
    if len(values) < 2:
        return 0.0
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def mean_of(values: Iterable[float]) -> Mean | None:
    """The mean over the values (one per person), or None below MIN_CELL."""
    cleaned = _clean(values)
    if len(cleaned) < MIN_CELL:
        return None
    mean = math.fsum(cleaned) / len(cleaned)
    return Mean(n=len(cleaned), mean=mean, sd=_sd(cleaned, mean))


def paired_change(pairs: Iterable[tuple[float, float]]) -> Change | None:
    """The mean of (after - before) over the pairs (one per person who answered
    both), with its 95 % interval; None below MIN_CELL pairs."""
    differences = _clean(after - before for before, after in pairs)
    n = len(differences)
    if n < MIN_CELL:
        return None
    mean = math.fsum(differences) / n
    sd = _sd(differences, mean)
    margin = float(scipy_stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1)) * sd / math.sqrt(n)
    return Change(n=n, mean=mean, low=mean - margin, high=mean + margin)


def response_rate(*, invited: int, answered: int) -> Rate | None:
    """Answered out of invited; None when fewer than MIN_CELL were invited (a rate
    over four people tells who answered)."""
    if invited < 0 or answered < 0 or answered > invited:
        raise ValueError("0 <= answered <= invited")
    if invited < MIN_CELL:
        return None
    return Rate(invited=invited, answered=answered)


def pairs_of(
    before: dict[str, float], after: dict[str, float]
) -> list[tuple[float, float]]:
    """The (before, after) pairs of the people (keys) with both values, in key order."""
    return [(before[key], after[key]) for key in sorted(before.keys() & after.keys())]
