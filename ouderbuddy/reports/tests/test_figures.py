"""The figure maths: periods, suppression tried by an attacker, percentiles, costs.

The attacker of these tests is written here, apart from the module's own audit: it
sees every figure of every period that can be asked for (every run of whole
quarters), as one system of equations over the quarters' hidden counts, and solves
for the smallest and largest value of each suppressed figure.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from itertools import product

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from ouderbuddy.reports import figures
from ouderbuddy.reports.figures import (
    MIN_CELL,
    Period,
    PeriodError,
    Quarter,
    cost_per,
    percentile,
    protect,
    protect_count,
    protect_counts,
)

# Many small counts: that is where suppression has work to do.
counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


@st.composite
def quarter_tables(draw: st.DrawFn) -> list[list[list[int]]]:
    height = draw(st.integers(1, 3))
    width = draw(st.integers(1, 3))
    quarters = draw(st.integers(1, 4))
    return [
        [[draw(counts) for _ in range(width)] for _ in range(height)]
        for _ in range(quarters)
    ]


def shown_figures(grid: figures.Grid) -> list[tuple[str, int, int, int | None]]:
    """Every figure of a grid as (kind, row, column, value)."""
    found = []
    for i, row in enumerate(grid.rows):
        for j, value in enumerate(row):
            found.append(("cell", i, j, value))
    for i, value in enumerate(grid.row_totals or ()):
        found.append(("row", i, -1, value))
    for j, value in enumerate(grid.column_totals or ()):
        found.append(("column", -1, j, value))
    if grid.has_total:
        found.append(("total", -1, -1, grid.total))
    return found


def members(
    kind: str, i: int, j: int, height: int, width: int
) -> list[tuple[int, int]]:
    """The table cells a figure adds up."""
    if kind == "cell":
        return [(i, j)]
    if kind == "row":
        return [(i, c) for c in range(width)]
    if kind == "column":
        return [(r, j) for r in range(height)]
    return list(product(range(height), range(width)))


def attack(
    tables: list[list[list[int]]], row_totals: bool, column_totals: bool
) -> tuple[list[int | None], list[tuple[float, float, int]]]:
    """Every figure shown over every run of quarters, and for every suppressed figure
    the range the attacker can narrow it to, with its true value."""
    quarters = len(tables)
    height, width = len(tables[0]), len(tables[0][0])
    variable = {
        (q, i, j): k
        for k, (q, i, j) in enumerate(
            product(range(quarters), range(height), range(width))
        )
    }
    truth = [tables[q][i][j] for (q, i, j) in variable]
    equations: list[list[float]] = []
    rhs: list[float] = []
    hidden: list[tuple[list[float], int]] = []
    shown: list[int | None] = []
    for first in range(quarters):
        for last in range(first, quarters):
            grid = protect(
                tables[first : last + 1],
                row_totals=row_totals,
                column_totals=column_totals,
            )
            for kind, i, j, value in shown_figures(grid):
                coefficients = [0.0] * len(variable)
                for q in range(first, last + 1):
                    for r, c in members(kind, i, j, height, width):
                        coefficients[variable[(q, r, c)]] = 1.0
                true_value = int(
                    sum(a * b for a, b in zip(coefficients, truth, strict=True))
                )
                shown.append(value)
                if value is None:
                    hidden.append((coefficients, true_value))
                else:
                    assert value == true_value
                    equations.append(coefficients)
                    rhs.append(value)
    ranges = []
    for objective, true_value in hidden:
        if not equations:
            ranges.append((0.0, math.inf, true_value))
            continue
        low = linprog(objective, A_eq=equations, b_eq=rhs, bounds=(0, None))
        high = linprog(
            [-c for c in objective], A_eq=equations, b_eq=rhs, bounds=(0, None)
        )
        assert low.status == 0
        top = math.inf if high.status == 3 else -high.fun
        ranges.append((low.fun, top, true_value))
    return shown, ranges


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tables=quarter_tables(),
    row_totals=st.booleans(),
    column_totals=st.booleans(),
)
def test_no_figure_of_any_period_tells_about_one_to_four_people(
    tables: list[list[list[int]]], row_totals: bool, column_totals: bool
) -> None:
    shown, ranges = attack(tables, row_totals, column_totals)
    for value in shown:
        assert value is None or value == 0 or value >= MIN_CELL
    for low, high, true_value in ranges:
        # The truth is possible, and it is not the only possibility.
        assert low - 1e-6 <= true_value <= high + 1e-6
        assert high - low >= 0.5, (tables, row_totals, column_totals)


def test_a_small_count_is_hidden_with_a_partner_in_its_row_and_column() -> None:
    grid = protect([[[3, 10, 6], [7, 8, 9], [5, 5, 5]]])
    assert grid.rows[0][0] is None
    row_hidden = sum(1 for v in grid.rows[0] if v is None)
    column_hidden = sum(1 for row in grid.rows if row[0] is None)
    assert row_hidden >= 2 and column_hidden >= 2
    # The totals are shown: every suppressed figure still has a range.
    assert grid.row_totals == (19, 24, 15) and grid.total == 58


def test_a_figure_hidden_in_one_quarter_is_hidden_in_the_year() -> None:
    # 7 requests in the year, but 2 of them in the first quarter: the year figure
    # minus the other three quarters would give the 2.
    assert protect_count([2, 0, 5, 0]) is None
    assert protect_count([5, 0, 7, 9]) == 21
    assert protect_count([0, 0, 0, 0]) == 0


def test_the_differencing_attack_of_two_periods_finds_nothing() -> None:
    quarters = [[[2, 9]], [[5, 5]], [[6, 7]], [[8, 5]]]
    year = protect(quarters, row_totals=True, column_totals=False)
    rest = protect(quarters[1:], row_totals=True, column_totals=False)
    # The first column of the year would be rest + 2; it is hidden in the year.
    assert year.rows[0][0] is None
    assert rest.rows[0][0] == 19


def test_a_list_of_counts_keeps_its_total_when_two_are_hidden() -> None:
    grid = protect_counts([[3, 12, 20]])
    assert grid.rows == ((None,), (None,), (20,))
    assert grid.total == 35


@pytest.mark.parametrize(
    "table",
    [[[-1]], [[1.5]], [[True]], [[1, 2], [3]]],
)
def test_a_table_that_is_not_counts_is_refused(table: list[list[object]]) -> None:
    with pytest.raises(ValueError):
        protect([table])  # type: ignore[list-item]


def test_quarters_of_the_school_year() -> None:
    assert Quarter.of(dt.date(2025, 8, 1)) == Quarter(2025, 1)
    assert Quarter.of(dt.date(2025, 10, 31)) == Quarter(2025, 1)
    assert Quarter.of(dt.date(2026, 1, 31)) == Quarter(2025, 2)
    assert Quarter.of(dt.date(2026, 2, 1)) == Quarter(2025, 3)
    assert Quarter.of(dt.date(2026, 7, 31)) == Quarter(2025, 4)
    assert Quarter(2025, 2).start == dt.date(2025, 11, 1)
    assert Quarter(2025, 4).end == dt.date(2026, 8, 1)


def test_periods() -> None:
    year = Period.school_year(2025)
    assert (year.start, year.last_day) == (dt.date(2025, 8, 1), dt.date(2026, 7, 31))
    assert len(year.quarters) == 4
    assert year.previous() == Period.school_year(2024)
    custom = Period.covering(dt.date(2025, 9, 3), dt.date(2026, 1, 2))
    assert (custom.start, custom.end) == (dt.date(2025, 8, 1), dt.date(2026, 2, 1))
    with pytest.raises(PeriodError) as refused:
        Period.covering(dt.date(2026, 1, 2), dt.date(2025, 9, 3))
    assert refused.value.code == "end_before_start"
    with pytest.raises(PeriodError) as refused:
        Period.covering(dt.date(2000, 1, 1), dt.date(2020, 1, 1))
    assert refused.value.code == "too_long"


@given(st.lists(st.floats(0, 1e6), max_size=30), st.floats(0, 1))
def test_percentile_is_suppressed_below_five_and_within_the_values(
    values: list[float], fraction: float
) -> None:
    found = percentile(values, fraction)
    if len(values) < MIN_CELL:
        assert found is None
    else:
        assert found is not None
        assert min(values) - 1e-9 <= found <= max(values) + 1e-9


def test_percentile_values() -> None:
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert percentile([1, 2, 3, 4, 100], 0.9) == pytest.approx(61.6)
    with pytest.raises(ValueError):
        percentile([1, 2, 3, 4, 5], 1.5)


def test_cost_per() -> None:
    assert cost_per(Decimal("1000"), 3) == Decimal("333.33")
    assert cost_per(Decimal("1000"), None) is None
    assert cost_per(Decimal("1000"), 0) is None
