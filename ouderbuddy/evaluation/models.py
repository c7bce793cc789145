"""Evaluation: questionnaires as versioned data, the invitations to answer them, and
the answers, kept apart from the people who gave them.

Pseudonymised at collection (issue 14, DOMAIN.md §3.3 and §3.4): a `Subject` is one
match as evaluation sees it — no name, no address, only what the figures are
broken down by (school year, SWV, school route, the non-sensitive experience codes,
the pairing's score, the closure reason). The one link from a subject to its match
is `MatchKey`, which only this app reads; deleting it (at the retention date)
leaves the answers anonymous. Open answers are encrypted like every free text.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.crypto import EncryptedTextField
from ouderbuddy.lib.models import TenantModel, UUIDModel


class Audience(models.TextChoices):
    PARENT = "parent", _("Ouder")
    BUDDY = "buddy", _("Buddy")
    SCHOOL = "school", _("Iemand van school")
    YOUNG = "young", _("Jongere")


class Moment(models.TextChoices):
    START = "t0", _("Bij de start (T0)")
    END = "t1", _("Aan het einde (T1)")
    LATER = "t2", _("Drie maanden later (T2)")


class Questionnaire(UUIDModel):
    """One questionnaire for one audience at one moment: the shared default
    (organisation empty) or an organisation's own copy with extra items."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("organisatie"),
    )
    key = models.SlugField(_("sleutel"), max_length=40)
    audience = models.CharField(_("voor wie"), max_length=8, choices=Audience.choices)
    moment = models.CharField(_("moment"), max_length=2, choices=Moment.choices)

    class Meta:
        ordering = ["moment", "audience"]
        verbose_name = _("vragenlijst")
        verbose_name_plural = _("vragenlijsten")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(organisation__isnull=True),
                name="questionnaire_default_key",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key"], name="questionnaire_own_key"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class QuestionnaireVersion(UUIDModel):
    """The content of a questionnaire as it was shown (`evaluation.instrument`). A
    published version never changes; a change is a new version."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    # The questionnaire's organisation, on the version too (empty for a default),
    # so that a version is scoped like every other row.
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("organisatie"),
    )
    number = models.PositiveIntegerField(_("versie"))
    definition = models.JSONField(_("inhoud"))
    based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebaseerd op"),
    )
    published_at = models.DateTimeField(_("in gebruik sinds"), null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("versie van een vragenlijst")
        verbose_name_plural = _("versies van vragenlijsten")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_number"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(published_at__isnull=True),
                name="questionnaire_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.key} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Subject(TenantModel):
    """One match as evaluation sees it: pseudonymous, with what the figures are
    broken down by. Its id is the pseudonym the answers carry."""

    school_year = models.CharField(_("schooljaar"), max_length=9)
    district = models.CharField(_("samenwerkingsverband"), max_length=10, blank=True)
    route = models.CharField(_("onderwijsroute"), max_length=40, blank=True)
    codes = models.JSONField(_("ervaringscodes"), default=list, blank=True)
    fit = models.IntegerField(_("score van de koppeling"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reden van afsluiten"), max_length=20, blank=True
    )
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True)
    research_consent = models.BooleanField(
        _("toestemming voor onderzoek"),
        default=False,
        help_text=_("Alleen dan tellen de antwoorden van de ouder mee in de cijfers."),
    )
    parent_declined = models.BooleanField(
        _("ouder wil niet meedoen"),
        default=False,
        help_text=_("De ouder krijgt geen vragenlijsten meer."),
    )
    anonymise_on = models.DateField(
        _("anoniem maken op"),
        null=True,
        blank=True,
        help_text=_(
            "De koppeling met de match gaat weg: de antwoorden worden anoniem."
        ),
    )

    class Meta:
        verbose_name = _("deelnemer (onder pseudoniem)")
        verbose_name_plural = _("deelnemers (onder pseudoniem)")


class MatchKey(TenantModel):
    """The key from a match to its pseudonym. Only the evaluation app reads it."""

    match = models.OneToOneField(
        "matching.Match", on_delete=models.CASCADE, related_name="+"
    )
    subject = models.OneToOneField(
        Subject, on_delete=models.CASCADE, related_name="key"
    )

    class Meta:
        verbose_name = _("sleutel naar de koppeling")
        verbose_name_plural = _("sleutels naar de koppelingen")


class InvitationStatus(models.TextChoices):
    SENT = "sent", _("Verstuurd")
    STARTED = "started", _("Begonnen")
    ANSWERED = "answered", _("Beantwoord")
    DECLINED = "declined", _("Wil niet meedoen")
    EXPIRED = "expired", _("Verlopen")
    WITHDRAWN = "withdrawn", _("Niet meer nodig")


OPEN_STATUSES = (InvitationStatus.SENT, InvitationStatus.STARTED)


class Invitation(TenantModel):
    """One person's personal, single-purpose link to one questionnaire at one moment
    (signed token, no account). The address it went to is not kept: it is read from
    the match when sending."""

    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="invitations"
    )
    audience = models.CharField(_("voor wie"), max_length=8, choices=Audience.choices)
    moment = models.CharField(_("moment"), max_length=2, choices=Moment.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=InvitationStatus.choices,
        default=InvitationStatus.SENT,
    )
    language = models.CharField(_("taal"), max_length=8, default="nl")
    sent_at = models.DateTimeField(_("verstuurd op"), default=timezone.now)
    expires_at = models.DateTimeField(_("verloopt op"))
    reminded_at = models.DateTimeField(_("herinnerd op"), null=True, blank=True)
    resent_at = models.DateTimeField(_("opnieuw verstuurd op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    # Bumped on resending: a link sent earlier stops working.
    generation = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("uitnodiging voor een vragenlijst")
        verbose_name_plural = _("uitnodigingen voor vragenlijsten")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "audience", "moment"],
                name="evaluation_invitation_once",
            )
        ]
        indexes = [
            models.Index(fields=["status", "sent_at"], name="evaluation_invitation_due")
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} {self.moment}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Response(TenantModel):
    """The answers to one invitation, on the version that was shown when the person
    began (they finish that version, whatever is published meanwhile). Closed
    answers are kept here; open answers in `TextAnswer`, encrypted."""

    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="response"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses"
    )
    audience = models.CharField(max_length=8, choices=Audience.choices)
    moment = models.CharField(max_length=2, choices=Moment.choices)
    answers = models.JSONField(_("antwoorden"), default=dict)
    page = models.PositiveSmallIntegerField(_("laatst opgeslagen pagina"), default=0)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("antwoorden")
        verbose_name_plural = _("antwoorden")


class TextAnswer(TenantModel):
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="texts"
    )
    item = models.CharField(max_length=40)
    text = EncryptedTextField(_("antwoord"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "item"], name="evaluation_text_once"
            )
        ]


class Score(TenantModel):
    """A submitted response's score on one scale (its rule in the version)."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="scores"
    )
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=8, choices=Audience.choices)
    moment = models.CharField(max_length=2, choices=Moment.choices)
    scale = models.CharField(max_length=40)
    value = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "scale"], name="evaluation_score_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "audience", "scale"],
                name="evaluation_score_org",
            )
        ]
