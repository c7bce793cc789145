"""Daily jobs of the evaluation app (run by `manage.py run_scheduler`)."""

from __future__ import annotations

import datetime as dt

from ouderbuddy.evaluation import services
from ouderbuddy.notifications.scheduler import daily_job, local_date


@daily_job("evaluation.questionnaires")
def questionnaires(now: dt.datetime) -> None:
    """Links past their 30 days expire; who has not answered after a week gets one
    reminder; three months after closure the parent gets the last questionnaire."""
    services.expire_invitations(now=now)
    services.send_reminders(now=now)
    services.send_follow_up_questionnaires(today=local_date(now))
