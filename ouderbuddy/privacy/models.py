"""The append-only audit log: who did or read what, when, in which organisation."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import TenantModel, quick_display


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


# --- Retention (bewaartermijnen) ----------------------------------------------------


class RetentionCategory(models.TextChoices):
    """What the retention job anonymises or deletes, each on its own date
    (privacy/retention.py has the defaults, the reasons and the legal minimums)."""

    CLOSED_MATCH = "closed_match", _("Afgesloten koppeling en de begeleiding")
    CONTACT_LOG = "contact_log", _("Notities van contactmomenten")
    ENDED_REQUEST = "ended_request", _("Afgewezen of ingetrokken hulpvraag")
    INFORMATION_REQUEST = (
        "information_request",
        _("Hulpvraag met alleen informatie of een doorverwijzing"),
    )
    STOPPED_BUDDY = "stopped_buddy", _("Gestopte buddy en de screening")
    QUESTIONNAIRE = "questionnaire", _("Antwoorden op vragenlijsten")
    QUESTION_THREAD = "question_thread", _("Vragen aan de vraagbaak")
    EXPENSES = "expenses", _("Onkostendeclaraties en bonnen")
    AUDIT_LOG = "audit_log", _("Auditlog")
    EMAIL = "email", _("Verstuurde e-mails en taakresultaten")
    SESSIONS = "sessions", _("Inlogsessies")


class RetentionPolicy(TenantModel):
    """An organisation's own period for one category (without a row: the default)."""

    category = models.CharField(
        _("soort gegevens"), max_length=30, choices=RetentionCategory.choices
    )
    months = models.PositiveIntegerField(_("bewaartermijn in maanden"))
    reason = models.CharField(_("waarom zo lang"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "category"], name="retention_policy_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.months}"


class RetentionHold(TenantModel):
    """One case kept longer than its category's period, once, with a reason."""

    category = models.CharField(max_length=30, choices=RetentionCategory.choices)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    until = models.DateField(_("bewaren tot"))
    reason = models.CharField(_("reden"), max_length=300)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("langer bewaren")
        verbose_name_plural = _("langer bewaren")
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id"], name="retention_hold_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.target_id} → {self.until}"


class RetentionRun(models.Model):
    """One run of the retention job: when, and how many rows per category (never
    what they held). A run without `finished_at` was interrupted; the next run does
    what it left."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(_("begonnen"), default=timezone.now)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    counts = models.JSONField(_("aantallen per soort"), default=dict)
    error = models.CharField(_("fout"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("run van de bewaartermijnen")
        verbose_name_plural = _("runs van de bewaartermijnen")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


# --- Rights of the people in the system (AVG art. 15-21) ----------------------------


class RightKind(models.TextChoices):
    ACCESS = "access", _("Inzage en kopie (art. 15 en 20)")
    RECTIFICATION = "rectification", _("Correctie (art. 16)")
    ERASURE = "erasure", _("Verwijderen (art. 17)")
    RESTRICTION = "restriction", _("Beperken (art. 18)")


class RightStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Afgehandeld")
    REFUSED = "refused", _("Afgewezen")


class RightRequest(TenantModel):
    """A person's request to exercise a right. It names the person by a reference
    (the help request's HV-…, "Buddy …"), never by name; it is answered within a
    month of `received_at` (AVG art. 12 lid 3)."""

    kind = models.CharField(
        _("soort verzoek"), max_length=20, choices=RightKind.choices
    )
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(_("over"), max_length=200)
    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    due_on = models.DateField(_("uiterlijk afhandelen op"))
    channel = models.CharField(_("hoe binnengekomen"), max_length=20)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RightStatus.choices,
        default=RightStatus.OPEN,
    )
    done_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A download link e-mailed to the person (only the hash is kept).
    token_hash = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("verzoek over persoonsgegevens")
        verbose_name_plural = _("verzoeken over persoonsgegevens")
        indexes = [
            models.Index(fields=["organisation", "status", "due_on"], name="right_open")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_label}"


class DataBreach(TenantModel):
    """One data breach (datalek) in the organisation's breach register (AVG art. 33
    lid 5): what happened, to whom, and whether and when it was reported to the
    Autoriteit Persoonsgegevens within 72 hours, or why not."""

    discovered_at = models.DateTimeField(_("ontdekt op"))
    what = models.TextField(_("wat er gebeurde"), max_length=2000)
    data_concerned = models.CharField(_("welke gegevens"), max_length=300, blank=True)
    people_concerned = models.CharField(_("over wie"), max_length=300, blank=True)
    measures = models.TextField(_("wat er is gedaan"), max_length=2000, blank=True)
    reported_to_ap_at = models.DateTimeField(
        _("gemeld aan de Autoriteit Persoonsgegevens op"), null=True, blank=True
    )
    not_reported_reason = models.CharField(
        _("waarom niet gemeld"), max_length=500, blank=True
    )
    people_informed_at = models.DateTimeField(
        _("betrokkenen ingelicht op"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-discovered_at"]
        verbose_name = _("datalek")
        verbose_name_plural = _("datalekken")

    def __str__(self) -> str:
        return f"{self.discovered_at:%Y-%m-%d}"
