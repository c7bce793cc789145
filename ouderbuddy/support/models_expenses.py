"""Allowance and expenses: the organisation's allowance settings, the yearly
tax-free caps (data with an effective-from date), a buddy's expense claims (proven
costs: kilometres or a receipt) with their history, flat allowance payments and the
months a coordinator closed.

Retention: financial records (claims, their history, flat allowances, closed
months) are kept `RETENTION_YEARS` (seven) years after the end of the year they
belong to, the fiscal bewaarplicht (DOMAIN.md §3.4). `retain_until` says until
when; `selectors_expenses.expired_financial_records` lists what may go. Nothing is
deleted automatically: the privacy issue decides how."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import TenantModel, UUIDModel
from ouderbuddy.support.caps import Caps, year_end_plus

RETENTION_YEARS = 7


class VolunteerAllowanceRule(UUIDModel):
    """The tax-free caps of the vrijwilligersregeling from `effective_from` on, with
    their source (national data, not an organisation's)."""

    effective_from = models.DateField(_("geldt vanaf"), unique=True)
    max_hour_21plus = models.DecimalField(
        _("per uur, 21 jaar en ouder"), max_digits=6, decimal_places=2
    )
    max_hour_under21 = models.DecimalField(
        _("per uur, jonger dan 21"), max_digits=6, decimal_places=2
    )
    max_month = models.DecimalField(_("per maand"), max_digits=8, decimal_places=2)
    max_year = models.DecimalField(_("per jaar"), max_digits=8, decimal_places=2)
    source = models.CharField(_("bron"), max_length=300)
    source_url = models.URLField(_("link naar de bron"), blank=True)
    verified = models.BooleanField(_("bevestigd"), default=False)

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("maximum vrijwilligersvergoeding")
        verbose_name_plural = _("maxima vrijwilligersvergoeding")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_month__gt=0)
                & Q(max_year__gte=models.F("max_month"))
                & Q(max_hour_21plus__gt=0)
                & Q(max_hour_under21__gt=0),
                name="allowance_rule_amounts_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"

    def caps(self) -> Caps:
        return Caps(
            effective_from=self.effective_from,
            per_hour_21plus=self.max_hour_21plus,
            per_hour_under21=self.max_hour_under21,
            per_month=self.max_month,
            per_year=self.max_year,
            verified=self.verified,
        )


class AllowanceSettings(TenantModel):
    """Whether the organisation pays a flat volunteer allowance, how much a month,
    and what it pays per kilometre (one row per organisation)."""

    pays_flat_allowance = models.BooleanField(
        _("betaalt een vaste vrijwilligersvergoeding"), default=False
    )
    monthly_allowance = models.DecimalField(
        _("vaste vergoeding per maand"),
        max_digits=8,
        decimal_places=2,
        default=0,
    )
    km_rate = models.DecimalField(
        _("vergoeding per kilometer"), max_digits=4, decimal_places=2, default=0
    )

    class Meta:
        verbose_name = _("instellingen vergoedingen")
        verbose_name_plural = _("instellingen vergoedingen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], name="allowance_settings_once"
            ),
            models.CheckConstraint(
                condition=Q(monthly_allowance__gte=0) & Q(km_rate__gte=0),
                name="allowance_settings_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(_("instellingen vergoedingen"))


class ClaimKind(models.TextChoices):
    KILOMETRES = "km", _("Kilometers")
    RECEIPT = "receipt", _("Bon")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Ingediend")
    APPROVED = "approved", _("Goedgekeurd")
    REJECTED = "rejected", _("Afgewezen")


class ExpenseClaim(TenantModel):
    """A buddy's claim for proven costs (onkostendeclaratie): kilometres driven
    (from, to, distance) or an amount with a receipt. No cap applies (DOMAIN.md §4.2
    rule 4); the coordinator approves or rejects it with a reason."""

    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("buddy"),
    )
    kind = models.CharField(_("soort"), max_length=10, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ClaimStatus.choices,
        default=ClaimStatus.SUBMITTED,
    )
    spent_on = models.DateField(_("datum"))
    description = models.CharField(_("waarvoor"), max_length=200)
    from_place = models.CharField(_("van"), max_length=100, blank=True)
    to_place = models.CharField(_("naar"), max_length=100, blank=True)
    distance_km = models.DecimalField(
        _("afstand in km"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    km_rate = models.DecimalField(
        _("vergoeding per kilometer"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
    )
    amount = models.DecimalField(_("bedrag"), max_digits=8, decimal_places=2)
    receipt_name = models.CharField(_("bon"), max_length=200, blank=True)
    receipt_type = models.CharField(_("soort bestand"), max_length=40, blank=True)
    decided_at = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beoordeeld door"),
    )
    reject_reason = models.CharField(
        _("reden van afwijzen"), max_length=300, blank=True
    )

    # Set by the retention job (rights/retention_job.py): the personal content is gone,
    # the codes, dates and durations the reports count are kept.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["-spent_on", "-created_at"]
        verbose_name = _("declaratie")
        verbose_name_plural = _("declaraties")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ClaimKind.values), name="expense_claim_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values),
                name="expense_claim_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="expense_claim_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ClaimKind.KILOMETRES)
                | (Q(distance_km__gt=0) & Q(km_rate__isnull=False)),
                name="expense_claim_km_has_distance",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ClaimKind.RECEIPT) | ~Q(receipt_name=""),
                name="expense_claim_receipt_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=ClaimStatus.REJECTED) | ~Q(reject_reason=""),
                name="expense_claim_rejected_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "spent_on"],
                name="expense_claim_org_status",
            ),
            models.Index(fields=["buddy", "spent_on"], name="expense_claim_buddy"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.spent_on:%Y-%m-%d}"

    @property
    def retain_until(self) -> dt.date:
        return year_end_plus(self.spent_on, RETENTION_YEARS)

    @property
    def is_image(self) -> bool:
        return self.receipt_type.startswith("image/")


class ClaimEvent(TenantModel):
    """One step in a claim's history: submitted, approved, rejected (with reason)."""

    claim = models.ForeignKey(
        ExpenseClaim,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("declaratie"),
    )
    from_status = models.CharField(
        _("van"), max_length=20, choices=ClaimStatus.choices, blank=True
    )
    to_status = models.CharField(_("naar"), max_length=20, choices=ClaimStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    reason = models.CharField(_("reden"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("stap van een declaratie")
        verbose_name_plural = _("stappen van declaraties")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.from_status} → {self.to_status}"


class FlatAllowance(TenantModel):
    """A flat volunteer allowance paid to a buddy (vrijwilligersvergoeding), checked
    against the month and year caps of the rule in force on `paid_on`."""

    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("buddy"),
    )
    paid_on = models.DateField(_("datum"))
    amount = models.DecimalField(_("bedrag"), max_digits=8, decimal_places=2)
    rule = models.ForeignKey(
        VolunteerAllowanceRule,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maximum"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )

    class Meta:
        ordering = ["-paid_on", "-created_at"]
        verbose_name = _("vrijwilligersvergoeding")
        verbose_name_plural = _("vrijwilligersvergoedingen")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="flat_allowance_amount_positive"
            )
        ]
        indexes = [
            models.Index(fields=["buddy", "paid_on"], name="flat_allowance_buddy"),
            models.Index(fields=["organisation", "paid_on"], name="flat_allowance_org"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on:%Y-%m-%d}"

    @property
    def retain_until(self) -> dt.date:
        return year_end_plus(self.paid_on, RETENTION_YEARS)


class ClosedMonth(TenantModel):
    """A month the coordinator closed after the export for the bookkeeping: no
    claim or allowance may be dated in it any more, none in it changes."""

    month = models.DateField(_("maand"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("afgesloten door"),
    )

    class Meta:
        ordering = ["-month"]
        verbose_name = _("afgesloten maand")
        verbose_name_plural = _("afgesloten maanden")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="closed_month_once"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="closed_month_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def retain_until(self) -> dt.date:
        return year_end_plus(self.month, RETENTION_YEARS)
