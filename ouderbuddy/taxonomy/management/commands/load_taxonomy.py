"""manage.py load_taxonomy: create or update the experience codes from the CSV file."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ouderbuddy.taxonomy.loader import CSV_PATH, TaxonomyFileError, load_codes


class Command(BaseCommand):
    help = (
        "Create or update the experience codes from the CSV file. Never deletes a "
        "code and never switches a deactivated code back on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=CSV_PATH,
            help=f"CSV file to load (default: {CSV_PATH.name} in the taxonomy app).",
        )
        parser.add_argument(
            "--introduced",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date (YYYY-MM-DD) to store on new codes (default: today).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = load_codes(path=path, introduced=options["introduced"])
        except TaxonomyFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc

        self.stdout.write(
            self.style.SUCCESS(
                f"Experience codes: {len(result.created)} created, "
                f"{len(result.updated)} updated, {len(result.unchanged)} unchanged."
            )
        )
        for code in result.created:
            self.stdout.write(f"  + {code}")
        for code in result.updated:
            self.stdout.write(f"  ~ {code}")
        if result.not_in_file:
            self.stdout.write(
                self.style.WARNING(
                    "In the database but not in the file (left as they are; "
                    "deactivate them in the admin if they are gone): "
                    + ", ".join(result.not_in_file)
                )
            )
