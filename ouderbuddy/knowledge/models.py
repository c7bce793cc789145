"""The knowledge base: articles in Markdown, shown as sanitised HTML, tagged with the
taxonomy's codes, for buddies, parents or both; and the articles a training course
uses as materials.

The services render and index an article when it is saved (`body_html`,
`body_text`, `search_head`, `search_document`); nothing happens in `save()`."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.models import TenantModel


def new_search_key() -> int:
    """A random positive 63-bit key: the row's key in SQLite's FTS5 index."""
    return secrets.randbits(62) + 1


class Audience(models.TextChoices):
    BUDDIES = "buddies", _("Buddy's")
    PARENTS = "parents", _("Ouders")
    BOTH = "both", _("Buddy's en ouders")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PUBLISHED = "published", _("Gepubliceerd")
    ARCHIVED = "archived", _("Gearchiveerd")


class Article(TenantModel):
    """One article of an organisation's knowledge base."""

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(
        _("korte naam in het webadres"),
        max_length=120,
        help_text=_(
            "Kleine letters, cijfers en streepjes, bijvoorbeeld wat-is-een-tlv."
        ),
    )
    summary = models.CharField(_("samenvatting"), max_length=300, blank=True)
    body_markdown = models.TextField(_("tekst (Markdown)"))
    body_html = models.TextField(_("tekst (HTML)"), editable=False, blank=True)
    body_text = models.TextField(_("tekst zonder opmaak"), editable=False, blank=True)
    audience = models.CharField(
        _("voor wie"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
    )
    author = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("schrijver"),
    )
    codes = models.ManyToManyField(
        "taxonomy.ExperienceCode",
        blank=True,
        related_name="articles",
        verbose_name=_("onderwerpen"),
    )
    keywords = models.CharField(
        _("zoekwoorden"),
        max_length=300,
        blank=True,
        help_text=_(
            "Andere woorden en afkortingen, met komma's: tlv, toelaatbaarheid."
        ),
    )
    reviewed_on = models.DateField(_("laatst nagekeken op"), null=True, blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    archived_at = models.DateTimeField(_("gearchiveerd op"), null=True, blank=True)
    # The `reviewed_on` the coordinators were last reminded about (once per review).
    review_reminded_for = models.DateField(null=True, blank=True, editable=False)
    # What the search reads (`engine.document`): title and keywords (ranked highest),
    # the lead (those, the summary, the start of the text and the codes' labels:
    # ranked), and everything (what must hold every word of a query).
    search_head = models.TextField(editable=False, blank=True)
    search_lead = models.TextField(editable=False, blank=True, default="")
    search_document = models.TextField(editable=False, blank=True)
    search_key = models.BigIntegerField(
        unique=True, default=new_search_key, editable=False
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("artikel")
        verbose_name_plural = _("artikelen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "slug"],
                name="knowledge_article_slug_unique",
                violation_error_message=_("Er is al een artikel met deze korte naam."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values),
                name="knowledge_article_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=Audience.values),
                name="knowledge_article_audience_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "status", "audience"],
                name="knowledge_article_list",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    @property
    def for_parents(self) -> bool:
        return self.audience in (Audience.PARENTS, Audience.BOTH)

    @property
    def for_buddies(self) -> bool:
        return self.audience in (Audience.BUDDIES, Audience.BOTH)


class ArticleEventKind(models.TextChoices):
    CREATED = "created", _("Geschreven")
    UPDATED = "updated", _("Gewijzigd")
    PUBLISHED = "published", _("Gepubliceerd")
    ARCHIVED = "archived", _("Gearchiveerd")
    REVIEWED = "reviewed", _("Nagekeken")


class ArticleEvent(TenantModel):
    """A step in an article's history: who wrote, changed, published, archived or
    reviewed it, and when."""

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("artikel"),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ArticleEventKind.choices)
    by = models.ForeignKey(
        "organisations.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stap van een artikel")
        verbose_name_plural = _("stappen van artikelen")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ArticleEventKind.values),
                name="knowledge_event_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.article}"


class CourseMaterial(TenantModel):
    """An article a training course uses as material."""

    course = models.ForeignKey(
        "training.Course",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("training"),
    )
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="course_materials",
        verbose_name=_("artikel"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("lesmateriaal")
        verbose_name_plural = _("lesmaterialen")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "article"], name="knowledge_material_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article} · {self.course_id}"
