"""Daily jobs of the matching app (run by `manage.py run_scheduler`)."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.matching.services import expire_proposals
from ouderbuddy.notifications.scheduler import frequent_job


@frequent_job("matching.expire_proposals")
def expire(now: dt.datetime) -> None:
    """Proposals a buddy did not answer within the time-out go back to the coordinator,
    within a minute of the time-out. Safe in several schedulers at once: each proposal
    is locked and checked again before it expires."""
    expire_proposals(now=now)
