"""Daily jobs of the matching app (run by `manage.py run_scheduler`)."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.matching.services import expire_proposals
from ouderbuddy.notifications.scheduler import daily_job


@daily_job("matching.expire_proposals")
def expire(now: dt.datetime) -> None:
    """Proposals a buddy did not answer within the time-out go back to the coordinator."""
    expire_proposals(now=now)
