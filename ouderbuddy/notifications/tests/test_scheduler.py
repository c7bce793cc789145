"""The daily job scheduler: once per Dutch calendar day, whatever the number of calls."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from ouderbuddy.notifications import scheduler
from ouderbuddy.notifications.models import JobRun

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
MORNING = dt.datetime(2027, 1, 10, 9, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def jobs(monkeypatch):
    """An empty registry with a counting job, so the real jobs stay out of these tests."""
    registry: dict = {}
    monkeypatch.setattr(scheduler, "JOBS", registry)
    calls: list[tuple[str, dt.datetime]] = []

    @scheduler.daily_job("test.count")
    def count(now):
        calls.append(("test.count", now))

    return calls


def test_the_training_jobs_are_registered_at_start_up():
    assert {
        "training.session_reminders",
        "training.refresher_reminders",
        "training.vog_reminders",
    } <= set(scheduler.JOBS)


def test_two_jobs_with_one_name_are_refused(jobs):
    with pytest.raises(ValueError, match=r"test\.count"):

        @scheduler.daily_job("test.count")
        def other(now):
            pass


@pytest.mark.django_db
def test_a_job_runs_once_per_day_however_often_it_is_called(jobs):
    assert scheduler.run_due_jobs(MORNING) == ["test.count"]
    assert scheduler.run_due_jobs(MORNING + dt.timedelta(minutes=1)) == []
    assert scheduler.run_due_jobs(MORNING + dt.timedelta(hours=14)) == []  # 23:00
    assert len(jobs) == 1
    run = JobRun.objects.get()
    assert (run.job, run.run_date) == ("test.count", dt.date(2027, 1, 10))
    assert run.finished_at is not None
    assert run.error == ""


@pytest.mark.django_db
def test_the_day_changes_at_midnight_in_amsterdam_not_in_utc(jobs):
    scheduler.run_due_jobs(MORNING)
    # 23:30 UTC on the 10th is already 00:30 on the 11th in Amsterdam.
    late_utc = dt.datetime(2027, 1, 10, 23, 30, tzinfo=dt.UTC)
    assert scheduler.run_due_jobs(late_utc) == ["test.count"]
    assert sorted(JobRun.objects.values_list("run_date", flat=True)) == [
        dt.date(2027, 1, 10),
        dt.date(2027, 1, 11),
    ]
    assert [now for _name, now in jobs] == [MORNING, late_utc]


@pytest.mark.django_db
def test_a_row_inserted_by_another_process_keeps_the_job_from_running(jobs):
    JobRun.objects.create(
        job="test.count", run_date=dt.date(2027, 1, 10), started_at=MORNING
    )
    assert scheduler.run_due_jobs(MORNING) == []
    assert jobs == []


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(jobs, caplog):
    @scheduler.daily_job("test.broken")
    def broken(now):
        raise RuntimeError("kapot")

    assert scheduler.run_due_jobs(MORNING) == ["test.broken", "test.count"]
    assert len(jobs) == 1
    assert JobRun.objects.get(job="test.broken").error == "RuntimeError"
    assert "test.broken failed" in caplog.text
    # Not retried the same day; tried again the next.
    assert scheduler.run_due_jobs(MORNING + dt.timedelta(hours=1)) == []
    assert "test.broken" in scheduler.run_due_jobs(MORNING + dt.timedelta(days=1))


@pytest.mark.django_db
def test_run_scheduler_once_runs_the_due_jobs(jobs):
    out = io.StringIO()
    with time_machine.travel(MORNING, tick=False):
        call_command("run_scheduler", "--once", stdout=out)
        call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue() == "Ran test.count\n"
    assert len(jobs) == 1


def test_run_scheduler_refuses_a_zero_interval():
    with pytest.raises(CommandError, match="at least 1 second"):
        call_command("run_scheduler", "--interval", "0")


@pytest.mark.django_db
def test_run_scheduler_loops_until_stopped(jobs, monkeypatch):
    from ouderbuddy.notifications.management.commands import run_scheduler

    sleeps: list[int] = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(run_scheduler.time, "sleep", sleep)
    # Closing connections would end the test's own transaction.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    out = io.StringIO()
    with time_machine.travel(MORNING, tick=False):
        call_command("run_scheduler", stdout=out)
    assert sleeps == [60, 60]
    assert out.getvalue().count("Ran test.count") == 1
    assert "Scheduler stopped." in out.getvalue()


def test_frequent_jobs_run_at_every_tick_and_one_failure_stops_no_other(monkeypatch):
    registry: dict = {}
    monkeypatch.setattr(scheduler, "FREQUENT_JOBS", registry)
    calls: list[str] = []

    @scheduler.frequent_job("test.a_broken")
    def broken(now):
        raise RuntimeError("boom")

    @scheduler.frequent_job("test.b_count")
    def count(now):
        calls.append(now)

    scheduler.run_frequent_jobs(now=MORNING)
    scheduler.run_frequent_jobs(now=MORNING + dt.timedelta(minutes=1))
    assert calls == [MORNING, MORNING + dt.timedelta(minutes=1)]
    with pytest.raises(ValueError, match="Two frequent jobs"):

        @scheduler.frequent_job("test.b_count")
        def other(now):
            pass
