"""The figure maths of the reports: periods, small-cell suppression that survives
row and column totals and overlapping periods, percentiles and costs per unit.

Pure Python with SciPy's linear programming for the disclosure audit; no Django.

How a count table is protected (docs/REPORTS.md, "Kleine aantallen"):

1. Every figure is built from **quarters** of the school year (August-October,
   November-January, February-April, May-July): a period is a run of whole
   quarters, and its table is the sum of its quarters' tables.
2. Each quarter's table, with its row, column and grand totals, is protected on its
   own: a count of 1-4 is suppressed (primary suppression); a row, column or total
   line with exactly one suppressed figure gets a second one (complementary
   suppression, smallest non-zero figure first); then an attacker's audit solves, for
   every suppressed figure, the smallest and the largest value it can have given
   everything shown (a linear programme over non-negative counts) and suppresses
   more until no suppressed figure has a single possible value.
3. A figure of a longer period is shown only when it is shown in every one of its
   quarters. So everything any period shows is a sum of figures its quarters show:
   however many periods somebody compares, they learn nothing the quarters do not
   show, and every quarter is protected by step 2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import product

from scipy.optimize import linprog

MIN_CELL = 5
"""No count below this is shown (1-4 people are suppressed; 0 is shown)."""

SCHOOL_YEAR_START_MONTH = 8
"""A school year runs from 1 August to 31 July."""

MAX_QUARTERS = 24
"""The longest period a report covers: six school years."""

Cell = tuple[int, int]


# --- Periods -------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a school year: `school_year` is the year it starts in (2025 for
    2025-2026), `number` 1-4 (1 = August-October)."""

    school_year: int
    number: int

    @property
    def start(self) -> dt.date:
        month = SCHOOL_YEAR_START_MONTH + 3 * (self.number - 1)
        year = self.school_year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> dt.date:
        """The day after the quarter's last day (periods are half open)."""
        return self.next().start

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.school_year + 1, 1)
        return Quarter(self.school_year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.school_year - 1, 4)
        return Quarter(self.school_year, self.number - 1)

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        months = (day.year * 12 + day.month - 1) - SCHOOL_YEAR_START_MONTH + 1
        school_year, month_in_year = divmod(months, 12)
        return cls(school_year, month_in_year // 3 + 1)


class PeriodError(ValueError):
    """A period that cannot be reported on (the message says why, in code terms)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Period:
    """A run of whole quarters, `first` to `last` inclusive."""

    first: Quarter
    last: Quarter

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError("end_before_start")
        if len(self.quarters) > MAX_QUARTERS:
            raise PeriodError("too_long")

    @property
    def key(self) -> str:
        """A short text naming the period (for cache keys)."""
        return (
            f"{self.first.school_year}-{self.first.number}"
            f"_{self.last.school_year}-{self.last.number}"
        )

    @property
    def quarters(self) -> list[Quarter]:
        found = [self.first]
        while found[-1] < self.last:
            found.append(found[-1].next())
            if len(found) > MAX_QUARTERS:
                break
        return found

    @property
    def start(self) -> dt.date:
        return self.first.start

    @property
    def end(self) -> dt.date:
        """The day after the period's last day."""
        return self.last.end

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        length = len(self.quarters)
        last = self.first.previous()
        first = last
        for _ in range(length - 1):
            first = first.previous()
        return Period(first, last)

    @classmethod
    def school_year(cls, year: int) -> Period:
        return cls(Quarter(year, 1), Quarter(year, 4))

    @classmethod
    def covering(cls, start: dt.date, end: dt.date) -> Period:
        """The whole quarters that cover the days `start` to `end` (both included)."""
        if end < start:
            raise PeriodError("end_before_start")
        return cls(Quarter.of(start), Quarter.of(end))


def school_year_of(day: dt.date) -> int:
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


# --- Protected count tables ----------------------------------------------------


@dataclass(frozen=True)
class Line:
    """Figures that add up to a total: `cells` sum to `total`."""

    cells: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class Grid:
    """A count table with its totals, as shown: `None` is a suppressed figure.
    `rows` is rows x columns; `row_totals` (one per row), `column_totals` (one per
    column) and `total` are None where the table has no such totals."""

    rows: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...] | None
    column_totals: tuple[int | None, ...] | None
    total: int | None

    @property
    def any_suppressed(self) -> bool:
        return any(value is None for value in self.values())

    def values(self) -> list[int | None]:
        found = [value for row in self.rows for value in row]
        found += list(self.row_totals or ())
        found += list(self.column_totals or ())
        if self.has_total:
            found.append(self.total)
        return found

    @property
    def has_total(self) -> bool:
        return self.row_totals is not None or self.column_totals is not None


def _shape(table: Sequence[Sequence[int]]) -> tuple[int, int]:
    height = len(table)
    width = len(table[0]) if height else 0
    for row in table:
        if len(row) != width:
            raise ValueError("every row needs the same number of columns")
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("counts are whole numbers of at least 0")
    return height, width


def _extended(
    table: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> tuple[dict[Cell, int], list[Line]]:
    """Every figure of the table by position (row `height` holds the column totals,
    column `width` the row totals) and the lines that add up."""
    height, width = _shape(table)
    values: dict[Cell, int] = {
        (i, j): table[i][j] for i in range(height) for j in range(width)
    }
    lines: list[Line] = []
    if row_totals:
        for i in range(height):
            values[(i, width)] = sum(table[i])
            lines.append(Line(tuple((i, j) for j in range(width)), (i, width)))
    if column_totals:
        for j in range(width):
            values[(height, j)] = sum(table[i][j] for i in range(height))
            lines.append(Line(tuple((i, j) for i in range(height)), (height, j)))
    # One column with its column total (or one row with its row total): that total
    # is the grand total already, and needs no line of its own.
    single = (column_totals and not row_totals and width == 1) or (
        row_totals and not column_totals and height == 1
    )
    if (row_totals or column_totals) and not single:
        grand = sum(sum(row) for row in table)
        values[(height, width)] = grand
        if row_totals:
            lines.append(
                Line(tuple((i, width) for i in range(height)), (height, width))
            )
        if column_totals:
            lines.append(
                Line(tuple((height, j) for j in range(width)), (height, width))
            )
        if not (row_totals and column_totals):
            # Only one kind of totals: the grand total is the sum of all cells too.
            lines.append(
                Line(tuple(product(range(height), range(width))), (height, width))
            )
    return values, lines


def value_range(
    cell: Cell,
    values: dict[Cell, int],
    lines: Sequence[Line],
    suppressed: set[Cell] | frozenset[Cell],
) -> tuple[float, float]:
    """The smallest and largest value `cell` can have for somebody who sees every
    figure outside `suppressed` and knows how the lines add up (counts >= 0).
    The largest is `math.inf` when nothing bounds it."""
    unknown = sorted(suppressed)
    index = {c: k for k, c in enumerate(unknown)}
    rows: list[list[float]] = []
    rhs: list[float] = []
    for line in lines:
        coefficients = [0.0] * len(unknown)
        known = 0.0
        touched = False
        for member, sign in [*((c, 1.0) for c in line.cells), (line.total, -1.0)]:
            if member in index:
                coefficients[index[member]] += sign
                touched = True
            else:
                known += sign * values[member]
        if touched:
            rows.append(coefficients)
            rhs.append(-known)
    if not rows:
        return 0.0, math.inf
    objective = [0.0] * len(unknown)
    objective[index[cell]] = 1.0
    low = linprog(objective, A_eq=rows, b_eq=rhs, bounds=(0, None), method="highs")
    high = linprog(
        [-c for c in objective], A_eq=rows, b_eq=rhs, bounds=(0, None), method="highs"
    )
    # status 3: unbounded. The published figures always have a solution (the truth).
    top = math.inf if high.status == 3 else -float(high.fun)
    return float(low.fun), top


def _derivable(
    values: dict[Cell, int], lines: Sequence[Line], suppressed: set[Cell]
) -> list[Cell]:
    if len(lines) == 1:
        return _derivable_in_one_line(values, lines[0], suppressed)
    found = []
    for cell in sorted(suppressed):
        low, high = value_range(cell, values, lines, suppressed)
        if high - low < 0.5:
            found.append(cell)
    return found


def _derivable_in_one_line(
    values: dict[Cell, int], line: Line, suppressed: set[Cell]
) -> list[Cell]:
    """`_derivable` for a list with its total, without a linear programme: a hidden
    figure has one possible value only when it is the line's one hidden figure, or
    when the total is shown and the shown cells already add up to it (every hidden
    cell is then 0)."""
    members = [*line.cells, line.total]
    hidden = [m for m in members if m in suppressed]
    if len(hidden) == 1:
        return hidden
    if line.total not in suppressed:
        rest = values[line.total] - sum(
            values[c] for c in line.cells if c not in suppressed
        )
        if rest == 0:
            return hidden
    return []


def _complement(
    line_members: Sequence[Cell],
    values: dict[Cell, int],
    suppressed: set[Cell],
    totals: set[Cell],
) -> Cell | None:
    candidates = [m for m in line_members if m not in suppressed]
    if not candidates:
        return None
    # The smallest non-zero figure, a cell before a total; a zero only if nothing else.
    return min(candidates, key=lambda m: (values[m] == 0, m in totals, values[m], m))


def suppression(
    table: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> tuple[dict[Cell, int], list[Line], set[Cell]]:
    """The positions to suppress in one quarter's table (step 2 of the module's
    docstring), with the table's figures and lines."""
    values, lines = _extended(table, row_totals=row_totals, column_totals=column_totals)
    totals = {line.total for line in lines}
    suppressed = {c for c, v in values.items() if 1 <= v < MIN_CELL}
    while True:
        changed = False
        for line in lines:
            members = [*line.cells, line.total]
            if sum(1 for m in members if m in suppressed) == 1:
                pick = _complement(members, values, suppressed, totals)
                if pick is not None:
                    suppressed.add(pick)
                    changed = True
        if changed:
            continue
        exposed = _derivable(values, lines, suppressed)
        if not exposed:
            return values, lines, suppressed
        cell = exposed[0]
        for line in lines:
            members = [*line.cells, line.total]
            if cell in members:
                pick = _complement(members, values, suppressed, totals)
                if pick is not None:
                    suppressed.add(pick)
                    break
        else:
            # Its lines are wholly suppressed: hide one more figure of the table.
            rest = [c for c in values if c not in suppressed]
            if not rest:
                return values, lines, suppressed
            suppressed.add(min(rest, key=lambda m: (values[m] == 0, values[m], m)))


def protect(
    quarters: Sequence[Sequence[Sequence[int]]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> Grid:
    """The table of a period from its quarters' tables (all of one shape), with the
    figures that could tell about 1-4 people suppressed (step 3 of the docstring)."""
    if not quarters:
        raise ValueError("a period has at least one quarter")
    height, width = _shape(quarters[0])
    hidden: set[Cell] = set()
    summed: dict[Cell, int] = {}
    for table in quarters:
        if _shape(table) != (height, width):
            raise ValueError("every quarter's table has the same shape")
        values, _lines, suppressed = suppression(
            table, row_totals=row_totals, column_totals=column_totals
        )
        hidden |= suppressed
        for cell, value in values.items():
            summed[cell] = summed.get(cell, 0) + value

    def shown(cell: Cell) -> int | None:
        return None if cell in hidden else summed[cell]

    grand = (height, width)
    if grand not in summed and (row_totals or column_totals):
        # One column or one row: its only total is the grand total.
        grand = (height, 0) if column_totals else (0, width)

    has_total = row_totals or column_totals
    return Grid(
        rows=tuple(tuple(shown((i, j)) for j in range(width)) for i in range(height)),
        row_totals=(
            tuple(shown((i, width)) for i in range(height)) if row_totals else None
        ),
        column_totals=(
            tuple(shown((height, j)) for j in range(width)) if column_totals else None
        ),
        total=shown(grand) if has_total else None,
    )


def protect_counts(quarters: Sequence[Sequence[int]]) -> Grid:
    """A list of counts (one column) with its total, per quarter."""
    return protect(
        [[[value] for value in quarter] for quarter in quarters],
        row_totals=False,
        column_totals=True,
    )


def protect_count(quarters: Sequence[int]) -> int | None:
    """One count of a period from its quarters' counts: shown only when every
    quarter's count is 0 or at least MIN_CELL."""
    grid = protect(
        [[[value]] for value in quarters], row_totals=False, column_totals=False
    )
    return grid.rows[0][0]


# --- Durations and money -------------------------------------------------------


def percentile(values: Iterable[float], fraction: float) -> float | None:
    """The `fraction` percentile (0.5 is the median) by linear interpolation between
    the closest ranks, or None over fewer than MIN_CELL values (a median of three
    waiting times tells about three people)."""
    ordered = sorted(float(v) for v in values)
    if not 0 <= fraction <= 1:
        raise ValueError("fraction lies between 0 and 1")
    if len(ordered) < MIN_CELL:
        return None
    position = fraction * (len(ordered) - 1)
    below = math.floor(position)
    above = math.ceil(position)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


CENT = Decimal("0.01")


def cost_per(total: Decimal, count: int | None) -> Decimal | None:
    """`total` divided by `count`, to the cent; None when the count is not shown
    (suppressed) or zero."""
    if count is None or count <= 0:
        return None
    return (total / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP)


def share(part: int | None, whole: int | None) -> int | None:
    """`part` as a whole percentage of `whole`; None when either is not shown."""
    if part is None or whole is None or whole <= 0:
        return None
    return round(100 * part / whole)
