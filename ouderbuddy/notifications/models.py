"""The record of daily jobs: one row per job per day, which is also the lock."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
