"""The maths of the tax-free volunteer allowance (vrijwilligersvergoeding), as pure
functions of plain data (DOMAIN.md §4.2).

The caps per hour, month and year are data with an effective-from date
(`VolunteerAllowanceRule`); this module takes them as `Caps` and answers: which caps
hold on a day, and where a buddy stands once a flat allowance is added. Proven costs
(kilometres, receipts) never count toward the caps and never come here.

Amounts typed by people ("12,50", "€ 12,50", "12.50") are read by `parse_amount`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

# A flat allowance warns from 80% of the month or year cap and is refused above 100%.
WARN_SHARE = Decimal("0.80")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Caps:
    """The caps that hold from `effective_from` on (until a later rule)."""

    effective_from: dt.date
    per_hour_21plus: Decimal
    per_hour_under21: Decimal
    per_month: Decimal
    per_year: Decimal
    verified: bool = True


def caps_on(rules: Iterable[Caps], day: dt.date) -> Caps | None:
    """The rule in force on `day`: the latest whose effective-from is not after it."""
    found: Caps | None = None
    for rule in rules:
        if rule.effective_from <= day and (
            found is None or rule.effective_from > found.effective_from
        ):
            found = rule
    return found


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"
    OVER = "over"


@dataclass(frozen=True)
class Standing:
    """Flat allowance totals of one buddy (in one organisation) against the caps."""

    month_total: Decimal
    year_total: Decimal
    per_month: Decimal
    per_year: Decimal

    @property
    def month_share(self) -> Decimal:
        return _share(self.month_total, self.per_month)

    @property
    def year_share(self) -> Decimal:
        return _share(self.year_total, self.per_year)

    @property
    def month_percent(self) -> int:
        return _percent(self.month_share)

    @property
    def year_percent(self) -> int:
        return _percent(self.year_share)

    @property
    def level(self) -> Level:
        if self.month_total > self.per_month or self.year_total > self.per_year:
            return Level.OVER
        if self.month_share >= WARN_SHARE or self.year_share >= WARN_SHARE:
            return Level.WARN
        return Level.OK

    @property
    def month_left(self) -> Decimal:
        return max(self.per_month - self.month_total, Decimal(0))

    @property
    def year_left(self) -> Decimal:
        return max(self.per_year - self.year_total, Decimal(0))


def _share(total: Decimal, cap: Decimal) -> Decimal:
    if cap <= 0:
        return Decimal(1) if total <= 0 else Decimal(2)
    return total / cap


def _percent(share: Decimal) -> int:
    return int((share * 100).to_integral_value(rounding=ROUND_HALF_UP))


def standing_after(
    caps: Caps, *, month_before: Decimal, year_before: Decimal, amount: Decimal
) -> Standing:
    """Where a buddy stands once `amount` is added to what they had this month and
    this year (both caps apply at once: DOMAIN.md §4.2 rule 1)."""
    return Standing(
        month_total=month_before + amount,
        year_total=year_before + amount,
        per_month=caps.per_month,
        per_year=caps.per_year,
    )


# --- Amounts typed by people -------------------------------------------------------

MAX_AMOUNT = Decimal("2500.00")
_AMOUNT = re.compile(r"^(\d{1,6})(?:[.,](\d{1,2}))?$")


class AmountProblem(StrEnum):
    EMPTY = "empty"
    FORMAT = "format"
    ZERO = "zero"
    NEGATIVE = "negative"
    TOO_HIGH = "too_high"


class AmountError(ValueError):
    def __init__(self, problem: AmountProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def parse_amount(
    text: str, *, maximum: Decimal = MAX_AMOUNT, allow_zero: bool = False
) -> Decimal:
    """An amount in euros from what a person types: "12,50", "12.50", "€ 12,50",
    "12"; a comma or a dot before at most two decimals. Anything else (two
    separators, a thousands separator, a sign, zero unless `allow_zero`, above
    `maximum`) raises AmountError with the problem."""
    value = text.strip().replace("\u20ac", "").replace(" ", "").replace("\u00a0", "")
    if not value:
        raise AmountError(AmountProblem.EMPTY)
    if value.startswith("-"):
        raise AmountError(AmountProblem.NEGATIVE)
    found = _AMOUNT.match(value)
    if found is None:
        raise AmountError(AmountProblem.FORMAT)
    euros, cents = found.group(1), found.group(2) or "0"
    amount = Decimal(f"{euros}.{cents}").quantize(CENT)
    if amount <= 0 and not allow_zero:
        raise AmountError(AmountProblem.ZERO)
    if amount > maximum:
        raise AmountError(AmountProblem.TOO_HIGH)
    return amount


_DISTANCE = re.compile(r"^(\d{1,4})(?:[.,](\d))?$")


def parse_distance(text: str) -> Decimal | None:
    """Kilometres with at most one decimal ("12,5", "12.5", "12"); None when it is
    not such a number."""
    value = text.strip().lower().removesuffix("km").strip()
    found = _DISTANCE.match(value)
    if found is None:
        return None
    return Decimal(f"{found.group(1)}.{found.group(2) or '0'}")


def km_amount(distance_km: Decimal, rate: Decimal) -> Decimal:
    """What a kilometre claim pays: distance times rate, to the cent."""
    return (distance_km * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def year_end_plus(day: dt.date, years: int) -> dt.date:
    """31 December, `years` after the year of `day` (a fiscal retention term counts
    from the end of the year the record belongs to)."""
    return dt.date(day.year + years, 12, 31)
