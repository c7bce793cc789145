"""The check-in schedule as a pure function: no month is skipped, for any start."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from ouderbuddy.casework.services import check_in_days
from ouderbuddy.organisations.models import (
    MAX_FIRST_CHECK_IN_DAY,
    first_check_ins_problem,
)

D = dt.date


def test_a_match_started_on_2_december_has_2_january():
    start = D(2026, 12, 2)
    days = check_in_days(start, start + relativedelta(months=6))
    assert days[:4] == [D(2026, 12, 9), D(2026, 12, 23), D(2027, 1, 2), D(2027, 2, 2)]
    assert days[-1] == D(2027, 6, 2)


def test_the_settings_refuse_first_check_ins_far_apart():
    assert first_check_ins_problem([7, 21]) is None
    assert first_check_ins_problem([]) is None
    assert first_check_ins_problem([1, 36])
    assert first_check_ins_problem([40])
    assert first_check_ins_problem([21, 7])
    assert first_check_ins_problem([7, 7])
    assert first_check_ins_problem([0])
    assert first_check_ins_problem(["7"])
    assert first_check_ins_problem([True])
    assert first_check_ins_problem("7, 21")


def test_month_ends_fall_on_the_last_day_of_a_shorter_month():
    days = check_in_days(D(2027, 1, 31), D(2027, 5, 31))
    assert days == [
        D(2027, 2, 7),
        D(2027, 2, 21),
        D(2027, 2, 28),
        D(2027, 3, 31),
        D(2027, 4, 30),
        D(2027, 5, 31),
    ]
    assert D(2028, 2, 29) in check_in_days(D(2028, 1, 31), D(2028, 3, 31))


first_days = (
    st.lists(
        st.integers(min_value=1, max_value=MAX_FIRST_CHECK_IN_DAY),
        max_size=4,
        unique=True,
    )
    .map(sorted)
    .filter(lambda days: first_check_ins_problem(days) is None)
)


@given(
    start=st.dates(min_value=D(2000, 1, 1), max_value=D(2099, 12, 31)),
    months=st.integers(min_value=1, max_value=24),
    first=first_days,
    interval=st.integers(min_value=1, max_value=3),
)
def test_no_gap_longer_than_the_interval_and_no_month_skipped(
    start, months, first, interval
):
    until = start + relativedelta(months=months)
    days = check_in_days(start, until, first, interval)
    assert days == sorted(set(days)), "in order, each day once"
    assert [start + dt.timedelta(days=d) for d in first] == days[: len(first)]
    assert all(day <= until for day in days[len(first) :])
    # No gap between two check-ins longer than the interval plus a few days (months
    # differ in length); the settings refuse first check-ins far apart.
    previous = start
    for day in days:
        assert (day - previous).days <= 31 * interval + 3, (previous, day)
        previous = day
    # None skipped: every interval step after the first check-ins is there.
    after = days[len(first) - 1] if first else start
    step = 1
    while (due := start + relativedelta(months=step * interval)) <= until:
        if due > after:
            assert due in days, due
        step += 1
    # The last check-in is less than one interval before the end.
    assert until - (days[-1] if days else start) < dt.timedelta(days=31 * interval + 1)
