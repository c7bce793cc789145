"""Anonymise and delete what has passed its retention period, now (the daily job does
the same); prints the counts per category."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ouderbuddy.rights import retention_job


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        record = retention_job.run()
        for category, count in sorted(record.counts.items()):
            self.stdout.write(f"{category}: {count}")
        self.stdout.write(self.style.SUCCESS("retention: done"))
