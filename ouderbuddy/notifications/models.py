"""The record of daily jobs (one row per job per day, which is also the lock) and the
e-mails waiting for delivery."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.crypto import EncryptedTextField


class JobRun(models.Model):
    """One run of a daily job; the unique (job, run_date) row keeps a second run out."""

    job = models.CharField(_("taak"), max_length=100)
    run_date = models.DateField(_("dag"))
    started_at = models.DateTimeField(_("begonnen op"))
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    # Empty when the job finished without an error; otherwise the exception's name.
    error = models.CharField(_("fout"), max_length=200, blank=True)

    class Meta:
        ordering = ["-run_date", "job"]
        verbose_name = _("uitgevoerde dagtaak")
        verbose_name_plural = _("uitgevoerde dagtaken")
        constraints = [
            models.UniqueConstraint(
                fields=["job", "run_date"], name="jobrun_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.run_date}"


class OutgoingEmail(models.Model):
    """One e-mail waiting for delivery; the row is deleted once the mail server has it.

    The message (subject, body, addresses) lives here and not in the task's arguments,
    so nothing of it stays in the task queue's results after delivery. The text is
    encrypted at rest: a parent's status link is a key to their data.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # JSON of notifications.backends.message_to_payload, encrypted.
    payload = EncryptedTextField(_("bericht"))
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    # When a delivery task was last queued for this message.
    enqueued_at = models.DateTimeField(
        _("in de wachtrij gezet op"), default=timezone.now
    )
    # Set by the task that is delivering it right now; a stale claim means a killed worker.
    claimed_at = models.DateTimeField(_("bezig sinds"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("te versturen e-mail")
        verbose_name_plural = _("te versturen e-mails")

    def __str__(self) -> str:
        return str(self.id)
