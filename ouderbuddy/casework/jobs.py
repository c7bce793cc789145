"""Daily jobs of casework (run by `manage.py run_scheduler`)."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.casework import services
from ouderbuddy.notifications.scheduler import daily_job, local_date


@daily_job("casework.meeting_reminders")
def meeting_reminders(now: dt.datetime) -> None:
    """Buddies are reminded of tomorrow's school meetings."""
    services.send_meeting_reminders(now=now)


@daily_job("casework.meeting_prompts")
def meeting_prompts(now: dt.datetime) -> None:
    """Buddies are asked to log the school meetings they went to."""
    services.send_meeting_prompts(now=now)


@daily_job("casework.follow_ups")
def follow_ups(now: dt.datetime) -> None:
    """Coordinators are reminded to follow up three months after a match closed."""
    services.send_follow_up_reminders(today=local_date(now))
