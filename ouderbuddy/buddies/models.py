"""Buddies: from application to active volunteer, with the checklist that gates matching."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.choices import Gender
from ouderbuddy.lib.crypto import EncryptedTextField
from ouderbuddy.lib.models import CodedHistoryRow, TenantModel

if TYPE_CHECKING:
    from ouderbuddy.lib.history import History

VOG_VALID_YEARS = 3


class BuddyStatus(models.TextChoices):
    APPLIED = "applied", _("Aangemeld")
    INTRODUCTION = "introduction", _("Kennismaking")
    SCREENING = "screening", _("Screening")
    TRAINING = "training", _("Training")
    ACTIVE = "active", _("Actief")
    PAUSED = "paused", _("Gepauzeerd")
    STOPPED = "stopped", _("Gestopt")


# The order of the pipeline, for boards and "next step".
PIPELINE = [
    BuddyStatus.APPLIED,
    BuddyStatus.INTRODUCTION,
    BuddyStatus.SCREENING,
    BuddyStatus.TRAINING,
    BuddyStatus.ACTIVE,
    BuddyStatus.PAUSED,
    BuddyStatus.STOPPED,
]


class StopReason(models.TextChoices):
    NOT_SUITABLE = "not_suitable", _("Niet geschikt na screening")
    WITHDRAWN = "withdrawn", _("Trekt zich terug")
    NO_TIME = "no_time", _("Geen tijd meer")
    MOVED = "moved", _("Verhuisd")
    NO_RESPONSE = "no_response", _("Geen reactie meer")
    VOG_REFUSED = "vog_refused", _("Geen VOG")
    PERSONAL = "personal", _("Persoonlijke omstandigheden")
    OTHER = "other", _("Anders")


class Commitment(models.IntegerChoices):
    HALF_YEAR = 6, _("Een half jaar")
    ONE_YEAR = 12, _("Een jaar")
    TWO_YEARS = 24, _("Twee jaar of langer")


class Buddy(TenantModel):
    """A volunteer parent, from the first application on. One per person per organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddies",
        verbose_name=_("account"),
    )
    full_name = models.CharField(_("naam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    # The language of the site when they applied: e-mails use it until they have an
    # account (then the account's language).
    email_language = models.CharField(
        _("taal van de e-mails"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="nl",
    )
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    gender = models.CharField(
        _("geslacht"), max_length=10, choices=Gender.choices, default=Gender.UNSAID
    )
    motivation = EncryptedTextField(_("motivatie"))
    lived_experience = models.ManyToManyField(
        "taxonomy.ExperienceCode",
        blank=True,
        related_name="buddies",
        verbose_name=_("eigen ervaring"),
    )
    experience_unsaid = models.BooleanField(
        _("zegt liever niet welke ervaring"), default=False
    )
    hours_per_month = models.PositiveSmallIntegerField(
        _("uren per maand"), validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    commitment_months = models.PositiveSmallIntegerField(
        _("hoe lang"), choices=Commitment.choices
    )
    postcode = models.ForeignKey(
        "regions.PostcodeArea",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("postcode"),
    )
    travel_km = models.PositiveSmallIntegerField(
        _("reisafstand in km"),
        validators=[MinValueValidator(0), MaxValueValidator(200)],
    )
    languages = models.JSONField(_("talen"), default=list, blank=True)
    contact_modes = models.JSONField(
        _("manieren van contact"), default=list, blank=True
    )
    availability = models.CharField(
        _("wanneer beschikbaar"), max_length=200, blank=True
    )
    max_matches = models.PositiveSmallIntegerField(
        _("aantal ouders tegelijk"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    how_heard = models.CharField(_("hoe gehoord"), max_length=100, blank=True)
    introduction = models.CharField(
        _("korte voorstelling voor ouders"),
        max_length=500,
        blank=True,
        help_text=_(
            "Een paar zinnen die de ouder leest als u als buddy wordt voorgesteld. "
            "Geen achternaam, adres of gegevens van uw kind."
        ),
    )
    conflict_schools = models.JSONField(
        _("scholen waar u niet als buddy kunt helpen"),
        default=list,
        blank=True,
        help_text=_(
            "De school van uw eigen kind en de school waar u werkt: u krijgt geen "
            "ouders van die scholen."
        ),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=BuddyStatus.choices,
        default=BuddyStatus.APPLIED,
    )
    status_changed_at = models.DateTimeField(_("status sinds"), default=timezone.now)
    paused_until = models.DateField(_("gepauzeerd tot"), null=True, blank=True)
    stop_reason = models.CharField(
        _("reden van stoppen"), max_length=20, choices=StopReason.choices, blank=True
    )
    repeat_application_at = models.DateTimeField(
        _("opnieuw aangemeld op"), null=True, blank=True
    )

    # Checklist: introduction meeting.
    introduction_held_on = models.DateField(
        _("kennismaking gehouden op"), null=True, blank=True
    )
    # Checklist: VOG. Never a copy of the document: only that it was seen, and when.
    vog_requested_on = models.DateField(_("VOG aangevraagd op"), null=True, blank=True)
    vog_issued_on = models.DateField(_("datum van de VOG"), null=True, blank=True)
    vog_screening_profile = models.CharField(
        _("screeningsprofiel"), max_length=100, blank=True
    )
    vog_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("VOG gezien door"),
    )
    vog_valid_until = models.DateField(_("VOG vernieuwen voor"), null=True, blank=True)

    # Set by the retention job (rights/retention_job.py): the personal content is gone,
    # the codes, dates and durations the reports count are kept.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("buddy")
        verbose_name_plural = _("buddy's")
        constraints = [
            models.UniqueConstraint(
                "organisation",
                models.functions.Lower("email"),
                name="buddy_one_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(max_matches__gte=1, max_matches__lte=3),
                name="buddy_max_matches_1_to_3",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="buddy_org_status"),
            models.Index(
                fields=["organisation", "vog_valid_until"], name="buddy_org_vog"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @staticmethod
    def vog_renewal_date(issued_on: dt.date) -> dt.date:
        """Three years after the date on the VOG (policy advice; no law requires it)."""
        try:
            return issued_on.replace(year=issued_on.year + VOG_VALID_YEARS)
        except ValueError:  # 29 February
            return issued_on.replace(year=issued_on.year + VOG_VALID_YEARS, day=28)


class StatusChange(CodedHistoryRow, TenantModel):
    """One step in a buddy's history: who moved them from which status to which, and
    why (a code worded in the reader's language, or the reason a person typed)."""

    TEXT_FIELD = "reason"

    buddy = models.ForeignKey(Buddy, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(
        max_length=20, choices=BuddyStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=20, choices=BuddyStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reden"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")

    def __str__(self) -> str:
        return f"{self.buddy} {self.from_status} → {self.to_status}"

    @classmethod
    def history(cls) -> History:
        from ouderbuddy.buddies.history import BUDDY_HISTORY  # noqa: PLC0415  history.py imports this module

        return BUDDY_HISTORY


class Score(models.IntegerChoices):
    INSUFFICIENT = 1, _("Onvoldoende")
    DOUBTFUL = 2, _("Twijfel")
    SUFFICIENT = 3, _("Voldoende")
    GOOD = 4, _("Goed")


class InterviewOutcome(models.TextChoices):
    SUITABLE = "suitable", _("Geschikt")
    NOT_YET = "not_yet", _("Nog niet geschikt")
    NOT_SUITABLE = "not_suitable", _("Niet geschikt")


class Interview(TenantModel):
    """The screening interview with a scored suitability assessment."""

    buddy = models.OneToOneField(
        Buddy, on_delete=models.CASCADE, related_name="interview"
    )
    held_on = models.DateField(_("gehouden op"))
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    experience_processed = models.PositiveSmallIntegerField(
        _("eigen ervaring verwerkt"), choices=Score.choices
    )
    experience_processed_note = EncryptedTextField(_("toelichting"), blank=True)
    listening = models.PositiveSmallIntegerField(_("luisteren"), choices=Score.choices)
    listening_note = EncryptedTextField(_("toelichting"), blank=True)
    reflection = models.PositiveSmallIntegerField(
        _("reflecteren"), choices=Score.choices
    )
    reflection_note = EncryptedTextField(_("toelichting"), blank=True)
    boundaries = models.PositiveSmallIntegerField(
        _("grenzen bewaken"), choices=Score.choices
    )
    boundaries_note = EncryptedTextField(_("toelichting"), blank=True)
    communication = models.PositiveSmallIntegerField(
        _("communicatie"), choices=Score.choices
    )
    communication_note = EncryptedTextField(_("toelichting"), blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=20, choices=InterviewOutcome.choices
    )

    class Meta:
        verbose_name = _("screeningsgesprek")
        verbose_name_plural = _("screeningsgesprekken")

    def __str__(self) -> str:
        return f"{self.buddy} {self.held_on}"


class AgreementKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Vrijwilligersovereenkomst")
    CONFIDENTIALITY = "confidentiality", _("Geheimhoudingsverklaring")


class AgreementSignature(TenantModel):
    """A signed agreement: which text version, signed when, recorded by whom."""

    buddy = models.ForeignKey(
        Buddy, on_delete=models.CASCADE, related_name="agreements"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=AgreementKind.choices)
    text_version = models.CharField(_("versie van de tekst"), max_length=40)
    signed_on = models.DateField(_("getekend op"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("getekende overeenkomst")
        verbose_name_plural = _("getekende overeenkomsten")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.text_version}"
