"""Daily jobs: django-tasks runs work when asked, this runs work once per calendar day.

Apps register a function with `@daily_job("app.name")`; `run_due_jobs` (called every
minute by `manage.py run_scheduler`) runs each job that has not yet run today. The
unique (job, run_date) row in JobRun is inserted before the job starts, so any number
of scheduler processes run a job at most once per day. A job that fails is not retried
until the next day; jobs are therefore written to catch up on what they missed.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from ouderbuddy.notifications.models import JobRun

logger = logging.getLogger(__name__)

# The programme runs in the Netherlands: a "day" is a Dutch calendar day.
SCHEDULER_TIME_ZONE = zoneinfo.ZoneInfo("Europe/Amsterdam")

# A job gets the moment the scheduler woke up, so it never reads the clock twice.
Job = Callable[[dt.datetime], object]
J = TypeVar("J", bound=Job)

JOBS: dict[str, Job] = {}
# Jobs that run at every scheduler tick (about once a minute). Only for work that is
# safe to run in several processes at once: it must lock what it changes and check
# again under the lock (as the proposal time-out does).
FREQUENT_JOBS: dict[str, Job] = {}


def daily_job(name: str) -> Callable[[J], J]:
    """Register `func(now)` to run once per calendar day under `name`."""

    def decorator(func: J) -> J:
        registered = JOBS.get(name)
        if registered is not None and _qualname(registered) != _qualname(func):
            raise ValueError(f"Two daily jobs are called {name!r}.")
        JOBS[name] = func
        return func

    return decorator


def frequent_job(name: str) -> Callable[[J], J]:
    """Register `func(now)` to run at every scheduler tick under `name`."""

    def decorator(func: J) -> J:
        registered = FREQUENT_JOBS.get(name)
        if registered is not None and _qualname(registered) != _qualname(func):
            raise ValueError(f"Two frequent jobs are called {name!r}.")
        FREQUENT_JOBS[name] = func
        return func

    return decorator


def run_frequent_jobs(now: dt.datetime | None = None) -> None:
    """Run every frequent job once; a failing one is logged and tried at the next tick."""
    now = now or timezone.now()
    for name in sorted(FREQUENT_JOBS):
        try:
            FREQUENT_JOBS[name](now)
        except Exception:
            logger.exception("Frequent job %s failed", name)


def _qualname(func: Job) -> str:
    return f"{func.__module__}.{getattr(func, '__qualname__', repr(func))}"


def local_date(now: dt.datetime) -> dt.date:
    """The Dutch calendar date of `now`."""
    return timezone.localtime(now, SCHEDULER_TIME_ZONE).date()


def run_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Run every registered job that has not run today; return the names that ran."""
    now = now or timezone.now()
    today = local_date(now)
    ran = []
    for name in sorted(JOBS):
        if not _claim(name, today, now):
            continue
        run = JobRun.objects.get(job=name, run_date=today)
        try:
            JOBS[name](now)
        except Exception as exc:
            # One broken job must not stop the others; it is tried again tomorrow.
            logger.exception("Daily job %s failed", name)
            run.error = type(exc).__name__[:200]
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at", "error"])
        ran.append(name)
    return ran


def _claim(name: str, today: dt.date, now: dt.datetime) -> bool:
    """Insert today's row for `name`; False when another process got there first."""
    try:
        with transaction.atomic():
            JobRun.objects.create(job=name, run_date=today, started_at=now)
    except IntegrityError:
        return False
    return True
