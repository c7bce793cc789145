"""The append-only audit log: who did or read what, when, in which organisation."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One line of the audit log. Rows are never changed (a database trigger refuses it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: the log outlives what it describes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wie"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    verb = models.CharField(_("handeling"), max_length=60)
    target_type = models.CharField(_("soort"), max_length=60, blank=True)
    target_id = models.CharField(_("id"), max_length=64, blank=True)
    target_label = models.CharField(_("omschrijving"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        indexes = [
            models.Index(fields=["organisation", "-at"], name="audit_org_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.verb} {self.target_type}:{self.target_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("Audit events are append-only.")
