"""Date rules of training, as plain functions: expiry dates and when a refresher is due."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

# Without any refresher, the first one is due this many months after the basic training.
FIRST_REFRESHER_AFTER_MONTHS = 12


def valid_until(obtained_on: dt.date, valid_months: int | None) -> dt.date | None:
    """The expiry date of a qualification; None when the course never expires. Whole
    calendar months: the 31st becomes the last day of a short month."""
    if valid_months is None:
        return None
    expires: dt.date = obtained_on + relativedelta(months=valid_months)
    return expires


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
    due: dt.date = newest_basic_on + relativedelta(months=FIRST_REFRESHER_AFTER_MONTHS)
    return due
