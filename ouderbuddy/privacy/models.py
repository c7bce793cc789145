"""The append-only audit log: who did or read what, when, in which organisation."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import quick_display


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


class ConsentPurpose(models.TextChoices):
    BUDDY_APPLICATION = "buddy_application", _("Verwerken van een aanmelding als buddy")
    REQUEST_PROCESSING = "request_processing", _("Verwerken van de hulpvraag")
    SHARE_WITH_BUDDY = "share_with_buddy", _("Samenvatting delen met een buddy")
    RESEARCH = "research", _("Vragenlijsten en onderzoek")


class Consent(models.Model):
    """A consent given for one purpose, with the exact text that was shown (AVG art. 7)."""

    _get_FIELD_display = quick_display

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    purpose = models.CharField(_("doel"), max_length=40, choices=ConsentPurpose.choices)
    subject_type = models.CharField(_("over"), max_length=60)
    subject_id = models.CharField(_("id"), max_length=64)
    given_by = models.CharField(_("gegeven door"), max_length=150)
    text_version = models.CharField(_("versie van de tekst"), max_length=40)
    text = models.TextField(_("tekst zoals getoond"))
    given_at = models.DateTimeField(_("gegeven op"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="consent_subject")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.text_version})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
