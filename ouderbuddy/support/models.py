"""Buddy support: intervisie groups, their sessions, who signed up and who came.

A session record holds the themes discussed and what was agreed, never a case: the
services refuse a record that names a parent or child of the organisation's running
matches (`support.names`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.crypto import EncryptedTextField
from ouderbuddy.lib.models import TenantModel


class Method(models.TextChoices):
    INCIDENT = "incident", _("Incidentmethode")
    THEME = "theme", _("Themabespreking")
    BALINT = "balint", _("Balintmethode")
    FREE = "free", _("Vrije uitwisseling")


class ParticipationStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Aangemeld")
    CANCELLED = "cancelled", _("Afgemeld")


class IntervisieGroup(TenantModel):
    """A small group of buddies who meet to learn from each other's experience, led
    by a facilitator: a coordinator or an experienced buddy of the organisation."""

    name = models.CharField(_("naam van de groep"), max_length=120)
    facilitator = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("begeleider"),
    )
    archived_at = models.DateTimeField(_("gestopt op"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("intervisiegroep")
        verbose_name_plural = _("intervisiegroepen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"],
                condition=Q(archived_at__isnull=True),
                name="intervisie_group_name_unique",
                violation_error_message=_("Er is al een groep met deze naam."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMember(TenantModel):
    """A buddy in an intervisie group."""

    group = models.ForeignKey(
        IntervisieGroup,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("groep"),
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("groepslid")
        verbose_name_plural = _("groepsleden")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "buddy"], name="intervisie_member_once"
            )
        ]
        indexes = [models.Index(fields=["buddy"], name="intervisie_member_buddy")]

    def __str__(self) -> str:
        return f"{self.buddy} · {self.group}"


class IntervisieSession(TenantModel):
    """One meeting of a group, with its short record afterwards."""

    group = models.ForeignKey(
        IntervisieGroup,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("groep"),
    )
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    online_url = models.URLField(_("link voor videobellen"), blank=True)
    theme = models.CharField(_("thema"), max_length=200)
    method = models.CharField(
        _("werkvorm"), max_length=20, choices=Method.choices, default=Method.INCIDENT
    )
    cancelled_at = models.DateTimeField(_("geannuleerd op"), null=True, blank=True)
    # The record: themes and agreements only, no case (checked by the services).
    record_themes = EncryptedTextField(_("besproken thema's"), blank=True)
    record_agreements = EncryptedTextField(_("afspraken"), blank=True)
    recorded_at = models.DateTimeField(_("verslag op"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verslag door"),
    )
    attendance_recorded_at = models.DateTimeField(
        _("aanwezigheid ingevuld op"), null=True, blank=True
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("intervisiebijeenkomst")
        verbose_name_plural = _("intervisiebijeenkomsten")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="intervisie_session_ends_after_start",
                violation_error_message=_("De bijeenkomst moet eindigen na het begin."),
            ),
            models.CheckConstraint(
                condition=~Q(location="") | ~Q(online_url=""),
                name="intervisie_session_place_or_link",
                violation_error_message=_("Vul een plaats of een link in."),
            ),
            models.CheckConstraint(
                condition=Q(method__in=Method.values),
                name="intervisie_session_method_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "starts_at"], name="intervisie_session_org"
            ),
            models.Index(fields=["group", "starts_at"], name="intervisie_session_grp"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.group} {local:%d-%m-%Y %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Participation(TenantModel):
    """A buddy's sign-up for a session, and afterwards whether they came."""

    session = models.ForeignKey(
        IntervisieSession,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("bijeenkomst"),
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ParticipationStatus.choices,
        default=ParticipationStatus.SIGNED_UP,
    )
    attended = models.BooleanField(_("aanwezig"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("deelname")
        verbose_name_plural = _("deelnames")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "buddy"], name="intervisie_participation_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values),
                name="intervisie_participation_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["buddy", "attended"], name="intervisie_particip_buddy")
        ]

    def __str__(self) -> str:
        return f"{self.buddy} · {self.session}"


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("Wacht op antwoord")
    ANSWERED = "answered", _("Beantwoord")
    CLOSED = "closed", _("Gesloten")


class Question(TenantModel):
    """A buddy's question to the coordinators (the vraagbaak), optionally about one
    of the buddy's own matches: the coordinators see the link, nobody else does."""

    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )
    match = models.ForeignKey(
        "matching.Match",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("koppeling"),
    )
    subject = models.CharField(_("onderwerp"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=QuestionStatus.choices,
        default=QuestionStatus.OPEN,
    )
    # When the question (or the buddy's last reply) began to wait for a coordinator;
    # empty while it waits for nobody (answered or closed).
    waiting_since = models.DateTimeField(_("wacht sinds"), null=True, blank=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gesloten door"),
    )

    # Set by the retention job (rights/retention_job.py): the personal content is gone,
    # the codes, dates and durations the reports count are kept.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=QuestionStatus.values),
                name="support_question_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "waiting_since"],
                name="support_question_waiting",
            ),
            models.Index(fields=["buddy", "updated_at"], name="support_question_buddy"),
        ]

    def __str__(self) -> str:
        return self.subject


class Reply(TenantModel):
    """One message of a question's thread: the question itself, the coordinators'
    answers and the buddy's follow-ups."""

    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("vraag"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("geschreven door"),
    )
    by_coordinator = models.BooleanField(_("van een coördinator"), default=False)
    body = EncryptedTextField(_("tekst"))
    # The draft article this answer became (knowledge), if any.
    article_id = models.UUIDField(_("artikel"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")

    def __str__(self) -> str:
        return f"{self.question} · {self.created_at:%Y-%m-%d %H:%M}"


class Audience(models.TextChoices):
    ACTIVE = "active", _("Alle actieve buddy's")
    GROUP = "group", _("Een intervisiegroep")
    COURSE = "course", _("Buddy's die een training volgden")


class Announcement(TenantModel):
    """A short message from a coordinator to buddies: an e-mail, and a card on each
    recipient's start page until they mark it read. Who received it is fixed when it
    is sent (`AnnouncementRecipient`)."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("geschreven door"),
    )
    title = models.CharField(_("titel"), max_length=120)
    body = models.TextField(_("bericht"), max_length=2000)
    audience = models.CharField(
        _("voor wie"), max_length=20, choices=Audience.choices, default=Audience.ACTIVE
    )
    group = models.ForeignKey(
        IntervisieGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intervisiegroep"),
    )
    course = models.ForeignKey(
        "training.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bericht aan buddy's")
        verbose_name_plural = _("berichten aan buddy's")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values),
                name="support_announcement_audience_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementRecipient(TenantModel):
    """One buddy an announcement went to, and when they marked it read."""

    announcement = models.ForeignKey(
        Announcement,
        on_delete=models.CASCADE,
        related_name="recipients",
        verbose_name=_("bericht"),
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("ontvanger")
        verbose_name_plural = _("ontvangers")
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "buddy"], name="support_announcement_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["buddy", "read_at"], name="support_announcement_unread"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement} · {self.buddy}"


class ThankYou(TenantModel):
    """A coordinator's personal thank-you note with the buddy's year summary, sent by
    e-mail (PRACTICE.md: appreciation)."""

    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buddy"),
    )
    year = models.PositiveSmallIntegerField(_("jaar"))
    note = models.TextField(_("persoonlijke woorden"), max_length=2000)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("verstuurd door"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bedankje")
        verbose_name_plural = _("bedankjes")

    def __str__(self) -> str:
        return f"{self.buddy} · {self.year}"


# --- Allowance and expenses (models_expenses.py) --------------------------------

from ouderbuddy.support.models_expenses import (  # noqa: E402
    RETENTION_YEARS,
    AllowanceSettings,
    ClaimEvent,
    ClaimKind,
    ClaimStatus,
    ClosedMonth,
    ExpenseClaim,
    FlatAllowance,
    VolunteerAllowanceRule,
)

__all__ = [
    "RETENTION_YEARS",
    "AllowanceSettings",
    "ClaimEvent",
    "ClaimKind",
    "ClaimStatus",
    "ClosedMonth",
    "ExpenseClaim",
    "FlatAllowance",
    "VolunteerAllowanceRule",
]
