"""What the reports add to the data the other apps hold: the coordinators' hours
per activity, the organisation's other costs, and the price of a coordinator hour.
The figures themselves are computed when asked (`reports.selectors`), never stored."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import TenantModel

MINUTES_PER_DAY = 24 * 60
MAX_COST = Decimal("1000000.00")


class Activity(models.TextChoices):
    RECRUITMENT = "recruitment", _("Werving")
    SCREENING = "screening", _("Screening")
    TRAINING = "training", _("Training")
    MATCHING = "matching", _("Koppelen")
    SUPPORT = "support", _("Begeleiding")
    REPORTING = "reporting", _("Rapportage")


class TimeEntry(TenantModel):
    """Time a coordinator spent on the programme on one day, for one activity."""

    membership = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("coördinator"),
    )
    worked_on = models.DateField(_("datum"))
    activity = models.CharField(
        _("activiteit"), max_length=20, choices=Activity.choices
    )
    minutes = models.PositiveSmallIntegerField(
        _("minuten"),
        validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)],
    )

    class Meta:
        verbose_name = _("gewerkte tijd")
        verbose_name_plural = _("gewerkte tijd")
        ordering = ["-worked_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "worked_on"], name="time_entry_org_day"
            ),
            models.Index(
                fields=["membership", "worked_on"], name="time_entry_member_day"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=MINUTES_PER_DAY),
                name="time_entry_minutes_in_a_day",
            ),
            models.CheckConstraint(
                condition=Q(activity__in=[a.value for a in Activity]),
                name="time_entry_activity_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("gewerkte tijd"))


class CostCategory(models.TextChoices):
    TRAINING = "training", _("Training (trainer, zaal, materiaal)")
    RECRUITMENT = "recruitment", _("Werving (drukwerk, advertenties)")
    RECOGNITION = "recognition", _("Waardering (attenties, bijeenkomsten)")
    ACCOMMODATION = "accommodation", _("Huisvesting en ICT")
    OTHER = "other", _("Overig")


class Cost(TenantModel):
    """A cost of the programme that is not a coordinator hour or a buddy's allowance
    or expense (those come from their own records)."""

    spent_on = models.DateField(_("datum"))
    category = models.CharField(
        _("soort kosten"), max_length=20, choices=CostCategory.choices
    )
    amount = models.DecimalField(
        _("bedrag"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_COST)],
    )
    description = models.CharField(_("omschrijving"), max_length=200)
    session = models.ForeignKey(
        "training.Session",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trainingsbijeenkomst"),
    )
    entered_by = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ingevoerd door"),
    )

    class Meta:
        verbose_name = _("kostenpost")
        verbose_name_plural = _("kostenposten")
        ordering = ["-spent_on", "-created_at"]
        indexes = [
            models.Index(fields=["organisation", "spent_on"], name="cost_org_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_COST),
                name="cost_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in CostCategory]),
                name="cost_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("kostenpost"))


class CostSettings(TenantModel):
    """What one coordinator hour costs the organisation (salary with its charges), to
    turn the logged hours into euros. One row per organisation."""

    hour_cost = models.DecimalField(
        _("kosten van een uur coördinator"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(500))],
    )

    class Meta:
        verbose_name = _("instellingen kosten")
        verbose_name_plural = _("instellingen kosten")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="cost_settings_once"),
            models.CheckConstraint(
                condition=Q(hour_cost__gte=0) & Q(hour_cost__lte=500),
                name="cost_settings_hour_cost_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("instellingen kosten"))


class SignalTheme(models.TextChoices):
    """What a coordinator signals to the SWV board about a case (never the case)."""

    NO_PLACE = "no_place", _("Geen passende plek")
    OPP_NOT_DISCUSSED = "opp_not_discussed", _("OPP niet besproken met ouders")
    SUPPORT_NOT_GIVEN = "support_not_given", _("Afgesproken ondersteuning niet geboden")
    LONG_WAIT = "long_wait", _("Lang wachten op een besluit of een plek")
    OUT_OF_SCHOOL = "out_of_school", _("Thuiszitten zonder passend aanbod")
    COMMUNICATION = "communication", _("Moeizaam contact tussen school en ouders")
    YOUTH_CARE = "youth_care", _("Jeugdhulp en onderwijs sluiten niet aan")


class RequestSignal(TenantModel):
    """A theme a coordinator noted on a help request, for the anonymised signals to
    the SWV board. Only counts of themes ever leave the organisation."""

    request = models.ForeignKey(
        "intake.HelpRequest",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("hulpvraag"),
    )
    theme = models.CharField(_("signaal"), max_length=30, choices=SignalTheme.choices)
    noted_on = models.DateField(_("vastgelegd op"))
    noted_by = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("vastgelegd door"),
    )

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "theme"], name="request_signal_once"
            ),
            models.CheckConstraint(
                condition=Q(theme__in=[t.value for t in SignalTheme]),
                name="request_signal_theme_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "noted_on"], name="signal_org_day")
        ]

    def __str__(self) -> str:
        return str(_("signaal"))


class BoardReport(TenantModel):
    """The short report of signals to the SWV board for a period: drafted from the
    figures, edited by the coordinator, then marked as shared."""

    first_quarter = models.CharField(_("eerste kwartaal"), max_length=6)
    last_quarter = models.CharField(_("laatste kwartaal"), max_length=6)
    text = models.TextField(_("tekst"), max_length=6000)
    shared_at = models.DateTimeField(_("gedeeld op"), null=True, blank=True)
    written_by = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("geschreven door"),
    )

    class Meta:
        verbose_name = _("signalenrapportage")
        verbose_name_plural = _("signalenrapportages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(_("signalenrapportage"))
