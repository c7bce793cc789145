"""Matching: the organisation's weights, proposed and running matches, batch drafts.

A `Match` is one buddy for one help request, from the coordinator's proposal to an
active match. Every step writes a `MatchEvent`; the steps live in `services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import CodedHistoryRow, TenantModel
from ouderbuddy.matching import engine

if TYPE_CHECKING:
    from ouderbuddy.lib.history import History

_WEIGHT = [MinValueValidator(0), MaxValueValidator(engine.MAX_WEIGHT)]


class MatchingWeights(TenantModel):
    """How much each criterion counts for one organisation (DOMAIN.md §8 by default)."""

    issue = models.FloatField(
        _("per gedeelde ervaring met procedures op school"),
        default=3.0,
        validators=_WEIGHT,
    )
    need = models.FloatField(
        _("per gedeelde ondersteuningsbehoefte"), default=3.0, validators=_WEIGHT
    )
    route = models.FloatField(
        _("per gedeelde onderwijsroute of overgang"), default=2.0, validators=_WEIGHT
    )
    same_swv = models.FloatField(
        _("zelfde samenwerkingsverband"), default=1.0, validators=_WEIGHT
    )
    language = models.FloatField(
        _("spreekt de taal van de ouder"), default=1.0, validators=_WEIGHT
    )
    gender = models.FloatField(
        _("man of vrouw, zoals de ouder liefst wil"), default=1.0, validators=_WEIGHT
    )
    distance_per_km = models.FloatField(
        _("aftrek per kilometer afstand"), default=0.1, validators=_WEIGHT
    )
    load = models.FloatField(
        _("buddy met vrije plekken"), default=0.5, validators=_WEIGHT
    )
    waiting_per_week = models.FloatField(
        _("per week op de wachtlijst"), default=0.25, validators=_WEIGHT
    )
    waiting_cap_weeks = models.FloatField(
        _("wachttijd telt mee tot (weken)"),
        default=12.0,
        validators=[MinValueValidator(0), MaxValueValidator(520)],
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("gewichten voor koppelen")
        verbose_name_plural = _("gewichten voor koppelen")
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="weights_one_per_org")
        ]

    def as_engine(self) -> engine.Weights:
        return engine.Weights(
            **{name: getattr(self, name) for name in engine.WEIGHT_FIELDS},
            waiting_cap_weeks=self.waiting_cap_weeks,
        )


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld aan buddy")
    ACCEPTED = "accepted", _("Buddy zegt ja, wacht op ouder")
    AGREED = "agreed", _("Ouder akkoord, kennismaking plannen")
    INTRODUCTION_PLANNED = "introduction_planned", _("Kennismaking gepland")
    ACTIVE = "active", _("Actief")
    DECLINED = "declined", _("Buddy zegt nee")
    EXPIRED = "expired", _("Geen antwoord van buddy")
    PARENT_DECLINED = "parent_declined", _("Ouder wil een andere buddy")
    CANCELLED = "cancelled", _("Gestopt voor de start")
    CLOSED = "closed", _("Afgesloten")


# Statuses in which the match holds one of the buddy's places.
HOLDS_PLACE = (
    MatchStatus.PROPOSED,
    MatchStatus.ACCEPTED,
    MatchStatus.AGREED,
    MatchStatus.INTRODUCTION_PLANNED,
    MatchStatus.ACTIVE,
)
# Statuses before the match is active: still a proposal that can fall through.
PENDING = HOLDS_PLACE[:-1]


class DeclineReason(models.TextChoices):
    NO_TIME = "no_time", _("Ik heb nu geen tijd")
    NOT_MY_EXPERIENCE = "not_my_experience", _("Past niet bij mijn ervaring")
    TOO_CLOSE = "too_close", _("Ik ken het gezin of de school")
    TOO_FAR = "too_far", _("Te ver weg")
    OTHER = "other", _("Een andere reden")


class IntroductionMode(models.TextChoices):
    IN_PERSON = "in_person", _("Op een plek afspreken")
    VIDEO = "video", _("Videobellen")
    PHONE = "phone", _("Telefoon")


class Match(TenantModel):
    """One buddy for one help request."""

    request = models.ForeignKey(
        "intake.HelpRequest",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("hulpvraag"),
    )
    buddy = models.ForeignKey(
        "buddies.Buddy",
        on_delete=models.PROTECT,
        related_name="matches",
        verbose_name=_("buddy"),
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=MatchStatus.choices,
        default=MatchStatus.PROPOSED,
    )
    status_changed_at = models.DateTimeField(_("status sinds"), default=timezone.now)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("waarom deze buddy"), max_length=300, blank=True)
    score = models.IntegerField(_("score (milli-punten)"), default=0)
    explanation = models.JSONField(_("uitleg van de score"), default=dict)
    from_batch = models.BooleanField(
        _("uit een voorstel voor de hele lijst"), default=False
    )
    respond_by = models.DateTimeField(_("buddy antwoordt voor"))
    decline_reason = models.CharField(
        _("reden"), max_length=24, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.CharField(_("toelichting"), max_length=300, blank=True)
    introduction_at = models.DateTimeField(_("kennismaking op"), null=True, blank=True)
    introduction_mode = models.CharField(
        _("hoe"), max_length=12, choices=IntroductionMode.choices, blank=True
    )
    introduction_place = models.CharField(_("plek of link"), max_length=200, blank=True)
    coordinator_present = models.BooleanField(_("coördinator is erbij"), default=False)
    started_on = models.DateField(_("gestart op"), null=True, blank=True)

    # Set by the retention job (rights/retention_job.py): the personal content is gone,
    # the codes, dates and durations the reports count are kept.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("koppeling")
        verbose_name_plural = _("koppelingen")
        ordering = ["-created_at"]
        constraints = [
            # One running proposal or match per request at a time.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(status__in=HOLDS_PLACE),
                name="match_one_running_per_request",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="match_org_status"),
            models.Index(fields=["buddy", "status"], name="match_buddy_status"),
            models.Index(fields=["status", "respond_by"], name="match_respond_by"),
        ]

    def __str__(self) -> str:
        return f"{self.request} – {self.buddy}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDS_PLACE


class MatchEvent(CodedHistoryRow, TenantModel):
    """One step in a match's history: a code with parameters (matching/history.py),
    worded in the reader's language; `description` keeps the Dutch text."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(
        max_length=24, choices=MatchStatus.choices, blank=True
    )
    to_status = models.CharField(max_length=24, choices=MatchStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_parent = models.BooleanField(default=False)
    description = models.CharField(_("wat"), max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "created_at"]
        verbose_name = _("stap in een koppeling")
        verbose_name_plural = _("stappen in koppelingen")

    def __str__(self) -> str:
        return self.text

    @classmethod
    def history(cls) -> History:
        from ouderbuddy.matching.history import MATCH_HISTORY  # noqa: PLC0415  history.py imports this module

        return MATCH_HISTORY


class Conflict(TenantModel):
    """A buddy who must never be matched with this request (knows the family, ...)."""

    request = models.ForeignKey(
        "intake.HelpRequest", on_delete=models.CASCADE, related_name="conflicts"
    )
    buddy = models.ForeignKey(
        "buddies.Buddy", on_delete=models.CASCADE, related_name="conflicts"
    )
    note = models.CharField(_("waarom"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("belangenconflict")
        verbose_name_plural = _("belangenconflicten")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "buddy"], name="conflict_once_per_pair"
            )
        ]


class BatchObjective(models.TextChoices):
    BEST_FIT = engine.Objective.BEST_FIT.value, _("Beste totale match")
    MOST_MATCHED = (
        engine.Objective.MOST_MATCHED.value,
        _("Zoveel mogelijk ouders geholpen"),
    )


class BatchDraft(TenantModel):
    """A proposal for the whole waiting list that the coordinator reviews first.

    Nothing is sent until the coordinator publishes (part of) it; publishing checks
    every line again against the waiting list and the buddies' places of that moment.
    """

    objective = models.CharField(
        _("doel"), max_length=20, choices=BatchObjective.choices
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    total_score = models.IntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    greedy_total_score = models.IntegerField(default=0)
    greedy_matched = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("voorstel voor de wachtlijst")
        verbose_name_plural = _("voorstellen voor de wachtlijst")


class BatchLineState(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PUBLISHED = "published", _("Voorgesteld aan buddy")
    CONFLICT = "conflict", _("Kon niet: veranderd sinds het voorstel")
    DROPPED = "dropped", _("Weggelaten")


class BatchLine(TenantModel):
    draft = models.ForeignKey(
        BatchDraft, on_delete=models.CASCADE, related_name="lines"
    )
    request = models.ForeignKey(
        "intake.HelpRequest", on_delete=models.CASCADE, related_name="+"
    )
    buddy = models.ForeignKey(
        "buddies.Buddy", on_delete=models.CASCADE, related_name="+"
    )
    score = models.IntegerField(default=0)
    explanation = models.JSONField(default=dict)
    state = models.CharField(
        max_length=12, choices=BatchLineState.choices, default=BatchLineState.DRAFT
    )
    problem = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-score", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "request"], name="batch_line_once_per_request"
            )
        ]
