"""Daily jobs of the privacy app (run by `manage.py run_scheduler`)."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.notifications.scheduler import daily_job
from ouderbuddy.rights import retention_job


@daily_job("privacy.retention")
def apply_retention(now: dt.datetime) -> None:
    """Anonymise and delete what has passed its retention period."""
    retention_job.run(now)
