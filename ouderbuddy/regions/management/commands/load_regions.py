"""`manage.py load_regions`: reload gemeenten, SWVs and PC4 areas from the CSVs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ouderbuddy.regions.loader import load_reference_data


class Command(BaseCommand):
    help = (
        "Create or update the municipalities, SWVs and PC4 areas from "
        "ouderbuddy/regions/data/. Safe to run more than once."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--database", default="default", help="Database alias to load into."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the loader and say what it wrote."""
        result = load_reference_data(using=options["database"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.municipalities} municipalities, "
                f"{result.districts} SWVs and {result.postcodes} PC4 areas "
                f"({result.nearest} from the nearest PC4, "
                f"{result.without_district} without an SWV; "
                f"{result.removed} stale rows removed)."
            )
        )
