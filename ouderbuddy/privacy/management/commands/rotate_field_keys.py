"""Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS.

Key rotation: put a new key in front of FIELD_ENCRYPTION_KEYS, run this command,
then remove the old key.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from ouderbuddy.lib.crypto import EncryptedTextField


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
    ]


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--model",
            action="append",
            default=[],
            help="app_label.Model (default: all)",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["model"]:
            targets = [apps.get_model(label) for label in options["model"]]
        else:
            targets = [m for m in apps.get_models() if encrypted_fields(m)]
        for model in targets:
            names = encrypted_fields(model)
            count = 0
            queryset = model._base_manager.only("pk", *names).order_by("pk")
            for obj in queryset.iterator(chunk_size=options["batch_size"]):
                values = {name: getattr(obj, name) for name in names}
                with transaction.atomic():
                    # Saving the decrypted value encrypts it again with the first key.
                    model._base_manager.filter(pk=obj.pk).update(**values)
                count += 1
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
