"""Run the daily jobs: every minute in a loop, or once (for cron and tests)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from ouderbuddy.notifications.scheduler import JOBS, run_due_jobs, run_frequent_jobs


class Command(BaseCommand):
    help = "Runs each registered daily job once per calendar day (Europe/Amsterdam)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Check once and stop, instead of checking every interval.",
        )
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="Seconds between checks (default 60).",
        )

    def handle(self, *args: Any, once: bool, interval: int, **options: Any) -> None:
        if interval < 1:
            raise CommandError("--interval must be at least 1 second.")
        if not once:
            self.stdout.write(
                f"Scheduler started with {len(JOBS)} daily jobs; "
                f"checking every {interval} s."
            )
        try:
            while True:
                for name in run_due_jobs():
                    self.stdout.write(f"Ran {name}")
                run_frequent_jobs()
                if once:
                    return
                # A long-running process must not keep a connection that the
                # database has dropped in the meantime.
                close_old_connections()
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")
