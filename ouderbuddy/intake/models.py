"""Help requests of parents (and young people of 16 and older) and what the coordinator
decides about them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.crypto import EncryptedTextField
from ouderbuddy.lib.models import CodedHistoryRow, TenantModel, UUIDModel

if TYPE_CHECKING:
    from ouderbuddy.lib.history import History

MINIMUM_AGE_FOR_OWN_REQUEST = 16


class Asker(models.TextChoices):
    PARENT = "parent", _("Ik ben ouder of verzorger (met gezag)")
    YOUNG_PERSON = "young_person", _("Ik vraag hulp voor mezelf (16 jaar of ouder)")


class RequestStatus(models.TextChoices):
    NEW = "new", _("Nieuw")
    WAITING = "waiting", _("Op de wachtlijst")
    MATCHING = "matching", _("Buddy voorgesteld")
    MATCHED = "matched", _("Gekoppeld aan een buddy")
    CLOSED = "closed", _("Afgerond")
    INFORMED = "informed", _("Informatie gegeven")
    REFERRED = "referred", _("Doorverwezen")
    WITHDRAWN = "withdrawn", _("Ingetrokken")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.WAITING, RequestStatus.MATCHING)


class Source(models.TextChoices):
    FORM = "form", _("Formulier")
    PROFESSIONAL = "professional", _("Doorverwezen door een professional")


class DeadlineKind(models.TextChoices):
    DISPUTES_COMMITTEE = "disputes_committee", _("Termijn geschillencommissie")
    OBJECTION = "objection", _("Termijn bezwaar")
    DUTY_OF_CARE = "duty_of_care", _("Beslissing over aanmelding (zorgplicht)")
    SCHOOL_MEETING = "school_meeting", _("Gesprek op school")
    OTHER = "other", _("Iets anders")


class BuddyGenderPreference(models.TextChoices):
    """ "Liefst" is a preference (a point in the matching score); "alleen" is a rule
    (no buddy of the other gender is proposed)."""

    ANY = "any", _("Maakt niet uit")
    FEMALE = "female", _("Liefst een vrouw")
    FEMALE_ONLY = "female_only", _("Alleen een vrouw")
    MALE = "male", _("Liefst een man")
    MALE_ONLY = "male_only", _("Alleen een man")

    @classmethod
    def strict(cls) -> frozenset[str]:
        return frozenset({cls.FEMALE_ONLY, cls.MALE_ONLY})


class PreferredContact(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telefoon")
    TEXT = "text", _("Sms of app")


class ReferralTarget(models.Model):
    """A platform-wide default address to refer parents to (kept by the platform admin).
    Each organisation gets its own copy (`OrganisationReferralTarget`) to change."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)
    label_nl = models.CharField(_("naam (Nederlands)"), max_length=100)
    label_en = models.CharField(_("naam (Engels)"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        ordering = ["order"]
        verbose_name = _("standaard doorverwijsadres")
        verbose_name_plural = _("standaard doorverwijsadressen")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return (
            self.label_en if (get_language() or "").startswith("en") else self.label_nl
        )


class OrganisationReferralTarget(TenantModel):
    """Where this organisation's coordinators send a parent instead: the addresses of
    her own region. Seeded from the platform defaults; the coordinator adds, changes
    and switches off her own."""

    label_nl = models.CharField(_("naam"), max_length=100)
    label_en = models.CharField(_("naam in het Engels"), max_length=100, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("actief"), default=True)
    default = models.ForeignKey(
        ReferralTarget,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemaakt van standaardadres"),
    )

    class Meta:
        ordering = ["order", "label_nl"]
        verbose_name = _("doorverwijsadres")
        verbose_name_plural = _("doorverwijsadressen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "default"],
                name="referral_target_default_once",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label_nl


class HelpRequest(TenantModel):
    """A parent's request for a buddy. Kept minimal: codes, not documents; no BSN."""

    reference = models.CharField(_("kenmerk"), max_length=12, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
    )
    status_changed_at = models.DateTimeField(_("status sinds"), default=timezone.now)
    received_at = models.DateTimeField(_("ontvangen op"), default=timezone.now)
    source = models.CharField(
        _("bron"), max_length=20, choices=Source.choices, default=Source.FORM
    )
    submission_key = models.UUIDField(
        _("formuliersleutel"), unique=True, null=True, blank=True
    )

    # Who asks.
    asker = models.CharField(_("wie vraagt"), max_length=20, choices=Asker.choices)
    full_name = models.CharField(_("naam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), max_length=254)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    preferred_contact = models.CharField(
        _("liefst contact via"),
        max_length=10,
        choices=PreferredContact.choices,
        default=PreferredContact.EMAIL,
    )
    # The languages the parent can talk in (SpokenLanguage codes), in the form's order.
    languages = models.JSONField(_("talen"), default=list, blank=True)
    # The language of the site when the parent sent the form: their e-mails use it.
    email_language = models.CharField(
        _("taal van de e-mails"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="nl",
    )

    # The child, minimally.
    child_name = models.CharField(
        _("voornaam of voorletters van het kind"), max_length=50
    )
    child_birth_year = models.PositiveSmallIntegerField(
        _("geboortejaar"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1995), MaxValueValidator(2100)],
    )
    child_grade = models.CharField(_("groep of leerjaar"), max_length=40, blank=True)
    school_name = models.CharField(_("naam van de school"), max_length=120, blank=True)
    codes = models.ManyToManyField(
        "taxonomy.ExperienceCode",
        blank=True,
        related_name="help_requests",
        verbose_name=_("wat speelt er"),
    )

    # What is going on, in their own words.
    question = EncryptedTextField(_("de vraag"))

    # Urgency.
    deadline_on = models.DateField(_("belangrijke datum"), null=True, blank=True)
    deadline_kind = models.CharField(
        _("soort datum"), max_length=30, choices=DeadlineKind.choices, blank=True
    )
    out_of_school = models.BooleanField(
        _("kind zit langer dan vier weken thuis"), default=False
    )

    # Region and preferences.
    postcode = models.ForeignKey(
        "regions.PostcodeArea",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("postcode"),
    )
    contact_modes = models.JSONField(
        _("manieren van contact"), default=list, blank=True
    )
    buddy_gender = models.CharField(
        _("voorkeur buddy"),
        max_length=12,
        choices=BuddyGenderPreference.choices,
        default=BuddyGenderPreference.ANY,
    )
    max_distance_km = models.PositiveSmallIntegerField(
        _("buddy woont hoogstens zo ver weg (km)"),
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(300)],
    )
    share_with_buddy = models.BooleanField(
        _("samenvatting delen met buddy"), default=False
    )

    # Triage.
    intake_note = EncryptedTextField(_("notitie intakegesprek"), blank=True)
    information_given = EncryptedTextField(_("gegeven informatie"), blank=True)
    referral_target = models.ForeignKey(
        OrganisationReferralTarget,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("doorverwezen naar"),
    )
    referral_reason = models.CharField(
        _("reden van doorverwijzen"), max_length=500, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Restriction on request (AVG art. 18): the case stays, only the coordinators see
    # it, nothing is sent and the retention job leaves it (rights/services_restriction.py).
    restricted_at = models.DateTimeField(
        _("verwerking beperkt sinds"), null=True, blank=True
    )
    # Part of every status link; raised when the parent asks to stop the old links.
    status_link_version = models.PositiveSmallIntegerField(default=0, editable=False)
    # Set by the retention job (rights/retention_job.py): the personal content is gone,
    # the codes, dates and durations the reports count are kept.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("hulpvraag")
        verbose_name_plural = _("hulpvragen")
        indexes = [
            models.Index(
                fields=["organisation", "status", "received_at"],
                name="request_org_status",
            ),
            models.Index(
                fields=["organisation", "deadline_on"], name="request_org_deadline"
            ),
            # The list of all requests, newest first, a page at a time.
            models.Index(
                fields=["organisation", "-received_at", "id"],
                name="request_org_received",
            ),
            models.Index(fields=["email"], name="request_email"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestEvent(CodedHistoryRow, TenantModel):
    """One step in a request's history: status changes, notes, consent withdrawals.

    What happened is a code with small parameters (intake/history.py), worded in the
    reader's language; `description` is the Dutch text: the fallback for rows without
    a known code (older free text)."""

    request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True
    )
    to_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_parent = models.BooleanField(default=False)
    description = models.CharField(_("wat"), max_length=300, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")

    def __str__(self) -> str:
        return self.text

    @classmethod
    def history(cls) -> History:
        from ouderbuddy.intake.history import REQUEST_HISTORY  # noqa: PLC0415  history.py imports this module

        return REQUEST_HISTORY


class ProfessionalReferral(UUIDModel):
    """A school or professional refers a parent; nothing is processed until the parent
    confirms through the e-mailed link."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    referrer_name = models.CharField(_("naam verwijzer"), max_length=150)
    referrer_organisation = models.CharField(_("organisatie verwijzer"), max_length=150)
    referrer_role = models.CharField(_("functie"), max_length=100)
    referrer_email = models.EmailField(_("e-mailadres verwijzer"), max_length=254)
    parent_name = models.CharField(_("naam ouder"), max_length=150)
    parent_email = models.EmailField(_("e-mailadres ouder"), max_length=254)
    # The language of the site when the professional sent the form: the e-mail to the
    # parent uses it (the parent has chosen nothing yet).
    email_language = models.CharField(
        _("taal van de e-mails"),
        max_length=5,
        choices=settings.LANGUAGES,
        default="nl",
    )
    reason = EncryptedTextField(_("waarom"), blank=True)
    parent_agreed = models.BooleanField(_("ouder is akkoord"))
    confirmed_at = models.DateTimeField(
        _("bevestigd door ouder"), null=True, blank=True
    )
    request = models.OneToOneField(
        HelpRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("verwijzing door professional")
        verbose_name_plural = _("verwijzingen door professionals")

    def __str__(self) -> str:
        return f"{self.referrer_organisation} → {self.parent_name}"
