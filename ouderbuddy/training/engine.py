"""Date rules of training, as plain functions: expiry dates and when a refresher is due."""

from __future__ import annotations

import calendar
import datetime as dt

# Without any refresher, the first one is due this many months after the basic training.
FIRST_REFRESHER_AFTER_MONTHS = 12


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months; the 31st becomes the last day of a short month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def valid_until(obtained_on: dt.date, valid_months: int | None) -> dt.date | None:
    """The expiry date of a qualification; None when the course never expires."""
    if valid_months is None:
        return None
    return add_months(obtained_on, valid_months)


def refresher_due(
    *,
    has_refresher: bool,
    newest_refresher_valid_until: dt.date | None,
    newest_basic_on: dt.date | None,
) -> dt.date | None:
    """When the next refresher is due: the newest refresher's expiry, or a year after
    the basic training when there is no refresher yet; None when nothing is due."""
    if has_refresher:
        return newest_refresher_valid_until
    if newest_basic_on is None:
        return None
    return add_months(newest_basic_on, FIRST_REFRESHER_AFTER_MONTHS)
