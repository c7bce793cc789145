"""Supporting an active match: agreements, contacts, school meetings, check-ins, the
pairing-fit pulse, safety signals; and closing it.

Everything hangs off `matching.Match`. Free text is encrypted; topic codes come from
the taxonomy. The services in `services.py` are the only writers.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.crypto import EncryptedTextField
from ouderbuddy.lib.models import TenantModel

NOTE_MAX = 1000
MINUTES_MAX = 600


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Elke week")
    FORTNIGHTLY = "fortnightly", _("Elke twee weken")
    MONTHLY = "monthly", _("Elke maand")
    AS_NEEDED = "as_needed", _("Als het nodig is")


class Agreement(TenantModel):
    """The working agreements of a match, versioned: a change makes a new version that
    both parent and buddy acknowledge again."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveSmallIntegerField(_("versie"), default=1)
    goals = EncryptedTextField(_("doelen, in de woorden van de ouder"))
    frequency = models.CharField(
        _("hoe vaak contact"), max_length=12, choices=Frequency.choices
    )
    contact_modes = models.JSONField(_("manieren van contact"), default=list)
    expected_until = models.DateField(_("loopt naar verwachting tot"))
    # The fixed texts (what a buddy does not do, confidentiality) by version.
    text_version = models.CharField(_("versie van de vaste tekst"), max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    buddy_acknowledged_at = models.DateTimeField(null=True, blank=True)
    parent_acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("werkafspraken")
        verbose_name_plural = _("werkafspraken")
        constraints = [
            models.UniqueConstraint(
                fields=["match", "version"], name="agreement_version_once"
            )
        ]


class ContactMode(models.TextChoices):
    MESSAGE = "message", _("Bericht")
    PHONE = "phone", _("Telefoon")
    VIDEO = "video", _("Videobellen")
    IN_PERSON = "in_person", _("Afgesproken")
    SCHOOL_MEETING = "school_meeting", _("Gesprek op school")


class Contact(TenantModel):
    """One contact between buddy and parent, logged by the buddy (or the coordinator)."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="contacts"
    )
    on = models.DateField(_("datum"))
    mode = models.CharField(
        _("soort contact"), max_length=16, choices=ContactMode.choices
    )
    minutes = models.PositiveSmallIntegerField(
        _("minuten"), validators=[MinValueValidator(1), MaxValueValidator(MINUTES_MAX)]
    )
    topics = models.JSONField(_("onderwerpen"), default=list, blank=True)
    note = EncryptedTextField(_("korte notitie"), blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    meeting = models.OneToOneField(
        "casework.SchoolMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )

    # Set by the retention job (rights/retention_job.py): the personal content is gone,
    # the codes, dates and durations the reports count are kept.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["-on", "-created_at"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacten")
        indexes = [
            models.Index(fields=["match", "-on"], name="contact_match_on"),
            models.Index(fields=["organisation", "-on"], name="contact_org_on"),
        ]


class MeetingKind(models.TextChoices):
    OPP_REVIEW = "opp_review", _("Bespreking van het OPP")
    TLV = "tlv", _("Gesprek over een TLV")
    NEW_SCHOOL_INTAKE = "new_school_intake", _("Intake op een nieuwe school")
    MULTIDISCIPLINARY = (
        "multidisciplinary",
        _("Overleg met school en hulpverleners (MDO)"),
    )
    SUSPENSION = "suspension", _("Gesprek over schorsing of verwijdering")
    PROGRESS = "progress", _("Gesprek over hoe het gaat")
    OTHER = "other", _("Ander gesprek")


PREPARATION = (
    ("questions", _("Vragen van de ouder opgeschreven")),
    ("documents", _("Stukken gelezen (OPP, verslag, brief)")),
    ("roles", _("Afgesproken wie wat zegt; de buddy praat niet namens de ouder")),
    ("notes", _("Afgesproken wie aantekeningen maakt")),
)


class SchoolMeeting(TenantModel):
    """A meeting at school the buddy joins, with its preparation."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("datum en tijd"))
    place = models.CharField(_("plek"), max_length=200)
    kind = models.CharField(
        _("soort gesprek"), max_length=20, choices=MeetingKind.choices
    )
    preparation = models.JSONField(_("voorbereiding"), default=list, blank=True)
    cancelled = models.BooleanField(_("gaat niet door"), default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    prompt_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("gesprek op school")
        verbose_name_plural = _("gesprekken op school")
        indexes = [models.Index(fields=["starts_at"], name="meeting_starts_at")]


class CalendarFeed(TenantModel):
    """A buddy's personal iCal address; only the hash of its secret is kept."""

    buddy = models.ForeignKey(
        "buddies.Buddy", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agenda-link")
        verbose_name_plural = _("agenda-links")


class CheckIn(TenantModel):
    """A coordinator's check-in on a match: due on a date, done when recorded."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="check_ins"
    )
    due_on = models.DateField(_("gepland op"))
    done_on = models.DateField(_("gedaan op"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    with_buddy = models.BooleanField(_("met de buddy"), default=False)
    with_parent = models.BooleanField(_("met de ouder"), default=False)
    note = EncryptedTextField(_("notitie"), blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [
            models.Index(
                fields=["organisation", "done_on", "due_on"], name="checkin_due"
            )
        ]


class Side(models.TextChoices):
    BUDDY = "buddy", _("Buddy")
    PARENT = "parent", _("Ouder")


class Fit(models.TextChoices):
    GOOD = "good", _("Goed")
    NOT_SURE = "not_sure", _("Weet ik nog niet")
    NOT_GOOD = "not_good", _("Niet goed")


class FitAnswer(TenantModel):
    """The 'pairing fit' question after the introduction, one answer per side."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="fit_answers"
    )
    side = models.CharField(max_length=8, choices=Side.choices)
    answer = models.CharField(_("hoe past het"), max_length=10, choices=Fit.choices)
    answered_at = models.DateTimeField(default=timezone.now)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("antwoord over de klik")
        verbose_name_plural = _("antwoorden over de klik")
        constraints = [
            models.UniqueConstraint(fields=["match", "side"], name="fit_once_per_side")
        ]


class SignalKind(models.TextChoices):
    CHILD_SAFETY = "child_safety", _("Zorg over de veiligheid van het kind")
    CRISIS = "crisis", _("Crisis bij de ouder of in het gezin")
    BEYOND_ROLE = "beyond_role", _("Dit gaat verder dan wat een buddy kan doen")


class SafetySignal(TenantModel):
    """A buddy's signal that reaches the coordinator at once."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="signals"
    )
    kind = models.CharField(_("soort zorg"), max_length=16, choices=SignalKind.choices)
    description = EncryptedTextField(_("wat er is"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    follow_up = EncryptedTextField(_("wat de coördinator heeft gedaan"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("zorgsignaal")
        verbose_name_plural = _("zorgsignalen")


class CloseReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("Doel bereikt")
    SCHOOL_RESOLVED = "school_resolved", _("Situatie op school opgelost")
    PARENT_STOPPED = "parent_stopped", _("Ouder is gestopt")
    BUDDY_STOPPED = "buddy_stopped", _("Buddy is gestopt")
    MISMATCH = "mismatch", _("Het klikte niet")
    REFERRED = "referred", _("Doorverwezen naar een professional")
    NO_CONTACT = "no_contact", _("Geen contact meer")


class Initiator(models.TextChoices):
    PARENT = "parent", _("Ouder")
    BUDDY = "buddy", _("Buddy")
    COORDINATOR = "coordinator", _("Coördinator")
    TOGETHER = "together", _("Samen besloten")


class Closure(TenantModel):
    """How a match ended; the request closes or goes back for a rematch."""

    match = models.OneToOneField(
        "matching.Match", on_delete=models.CASCADE, related_name="closure"
    )
    reason = models.CharField(_("reden"), max_length=20, choices=CloseReason.choices)
    initiator = models.CharField(
        _("wie besloot"), max_length=12, choices=Initiator.choices
    )
    note = EncryptedTextField(_("afsluitende notitie"), blank=True)
    rematch = models.BooleanField(_("opnieuw een buddy zoeken"), default=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_on = models.DateField(_("afgesloten op"), default=timezone.localdate)
    follow_up_on = models.DateField(_("nabellen op"))
    follow_up_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("afsluiting")
        verbose_name_plural = _("afsluitingen")
