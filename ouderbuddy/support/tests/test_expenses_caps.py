"""The cap maths and the amounts people type (support.caps), and the caps loaded as
data by the migration (DOMAIN.md §4.2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ouderbuddy.support.caps import (
    AmountError,
    AmountProblem,
    Caps,
    Level,
    caps_on,
    km_amount,
    parse_amount,
    parse_distance,
    standing_after,
)
from ouderbuddy.support.models import VolunteerAllowanceRule

CAPS_2025 = Caps(
    effective_from=dt.date(2025, 1, 1),
    per_hour_21plus=Decimal("5.60"),
    per_hour_under21=Decimal("3.30"),
    per_month=Decimal("210"),
    per_year=Decimal("2100"),
)


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("12,50", "12.50"),
        ("12.50", "12.50"),
        ("€ 12,50", "12.50"),
        ("€12", "12.00"),
        (" 7,5 ", "7.50"),
        ("0,01", "0.01"),
        ("2500", "2500.00"),
    ],
)
def test_amounts_with_a_comma_or_a_dot(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", AmountProblem.EMPTY),
        ("€ ", AmountProblem.EMPTY),
        ("12,5,0", AmountProblem.FORMAT),
        ("1.234,56", AmountProblem.FORMAT),
        ("12,505", AmountProblem.FORMAT),
        ("twaalf", AmountProblem.FORMAT),
        ("1e3", AmountProblem.FORMAT),
        ("-5", AmountProblem.NEGATIVE),
        ("0", AmountProblem.ZERO),
        ("0,00", AmountProblem.ZERO),
        ("2500,01", AmountProblem.TOO_HIGH),
    ],
)
def test_amounts_that_are_refused(typed, problem):
    with pytest.raises(AmountError) as refused:
        parse_amount(typed)
    assert refused.value.problem == problem


@given(st.text(max_size=30))
def test_any_text_is_an_amount_in_range_or_a_refusal(text):
    try:
        amount = parse_amount(text)
    except AmountError:
        return
    assert Decimal("0.01") <= amount <= Decimal("2500")
    assert amount == amount.quantize(Decimal("0.01"))


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2500"), places=2))
def test_an_amount_written_with_a_comma_reads_back(amount):
    assert parse_amount(f"{amount:.2f}".replace(".", ",")) == amount


def test_distances_and_what_they_pay():
    assert parse_distance("24,5") == Decimal("24.5")
    assert parse_distance("24.5 km") == Decimal("24.5")
    assert parse_distance("24,55") is None
    assert parse_distance("-3") is None
    assert km_amount(Decimal("24.5"), Decimal("0.23")) == Decimal("5.64")


def test_the_rule_in_force_is_the_latest_that_started():
    older = Caps(
        dt.date(2024, 1, 1), *(Decimal(x) for x in ("5.5", "3.25", "210", "2100"))
    )
    assert caps_on([CAPS_2025, older], dt.date(2024, 12, 31)) == older
    assert caps_on([older, CAPS_2025], dt.date(2025, 1, 1)) == CAPS_2025
    assert caps_on([CAPS_2025], dt.date(2024, 6, 1)) is None


@pytest.mark.parametrize(
    ("month_before", "year_before", "amount", "level"),
    [
        ("0", "0", "100", Level.OK),
        ("0", "0", "167.99", Level.OK),
        ("0", "0", "168", Level.WARN),  # 80% of 210
        ("150", "150", "60", Level.WARN),  # exactly the cap: allowed
        ("150", "150", "60.01", Level.OVER),  # crosses it in the middle of a month
        ("0", "1680", "0.01", Level.WARN),  # 80% of the year
        ("0", "2000", "100.01", Level.OVER),  # the year cap, with room in the month
    ],
)
def test_standing_warns_at_80_and_is_over_above_100_percent(
    month_before, year_before, amount, level
):
    standing = standing_after(
        CAPS_2025,
        month_before=Decimal(month_before),
        year_before=Decimal(year_before),
        amount=Decimal(amount),
    )
    assert standing.level == level


@pytest.mark.django_db
def test_the_migration_loads_2024_to_2026_with_their_source():
    rules = {r.effective_from.year: r for r in VolunteerAllowanceRule.objects.all()}
    assert set(rules) >= {2024, 2025, 2026}
    assert (rules[2024].max_hour_21plus, rules[2024].max_month) == (
        Decimal("5.50"),
        Decimal("210.00"),
    )
    assert rules[2025].max_hour_under21 == Decimal("3.30")
    assert rules[2025].max_year == Decimal("2100.00")
    assert rules[2024].verified and rules[2025].verified
    # 2026: not confirmed in the sources; the 2025 amounts, marked so.
    assert not rules[2026].verified
    assert "Nog niet bevestigd" in rules[2026].source
    assert rules[2026].caps().per_month == rules[2025].caps().per_month
