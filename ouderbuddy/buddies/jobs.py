"""Daily jobs of the buddies app (run by `manage.py run_scheduler`)."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.buddies.services import resume_due_pauses
from ouderbuddy.notifications.scheduler import daily_job, local_date


@daily_job("buddies.resume_pauses")
def resume_pauses(now: dt.datetime) -> None:
    """Buddies whose pause has ended are active again."""
    resume_due_pauses(today=local_date(now))
