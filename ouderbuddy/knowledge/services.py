"""The write side of the knowledge base: writing, publishing, archiving and
reviewing articles, the question desk's draft, the starter set, course materials.

Every save renders the Markdown to sanitised HTML and refreshes what the search
reads (`_index`); SQLite's FTS5 table follows the row by triggers, PostgreSQL's
tsvector is a generated column (migration 0002)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ouderbuddy.knowledge import engine, rendering, starter
from ouderbuddy.knowledge.models import (
    Article,
    ArticleEvent,
    ArticleEventKind,
    ArticleStatus,
    Audience,
    CourseMaterial,
)
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.taxonomy.models import ExperienceCode
from ouderbuddy.taxonomy.selectors import validate_codes
from ouderbuddy.training.models import Course

BODY_MAX = 50_000
# How much of the text's start counts for the ranking (with title, keywords,
# summary and the codes' labels); every word of the text counts for finding.
LEAD_CHARACTERS = 600
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _require_coordinator(actor: Membership) -> None:
    if actor.role != Role.COORDINATOR or not actor.is_active:
        raise DomainError(_("Alleen een coördinator kan dit doen."))


def _require_same_organisation(actor: Membership, *objects: object) -> None:
    for obj in objects:
        if getattr(obj, "organisation_id", None) != actor.organisation_id:
            raise DomainError(_("Dit hoort niet bij uw organisatie."))


def _one_line(value: str, field: str, limit: int, *, required: str = "") -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise DomainError(required, field=field)
    if len(value) > limit:
        raise DomainError(
            _("Schrijf hoogstens %(n)s tekens.") % {"n": limit}, field=field
        )
    return value


def _clean_body(body_markdown: str) -> str:
    body = (body_markdown or "").strip()
    if not body:
        raise DomainError(_("Schrijf de tekst van het artikel."), field="body_markdown")
    if len(body) > BODY_MAX:
        raise DomainError(
            _("Schrijf hoogstens %(n)s tekens.") % {"n": BODY_MAX},
            field="body_markdown",
        )
    return body + "\n"


def _clean_keywords(keywords: str) -> str:
    parts = [" ".join(p.split()) for p in (keywords or "").split(",")]
    return _one_line(", ".join(p for p in parts if p), "keywords", 300)


def _clean_audience(audience: str) -> str:
    if audience not in Audience.values:
        raise DomainError(_("Kies voor wie het artikel is."), field="audience")
    return audience


def _clean_codes(codes: Iterable[str]) -> list[str]:
    try:
        return validate_codes(list(codes))
    except DomainError as exc:
        raise DomainError(exc.message, field="codes") from exc


def _free_slug(actor: Membership, wanted: str, article: Article | None) -> str:
    """`wanted` when no other article of the organisation has it, else with -2, -3…"""
    others = Article.objects.filter(
        organisation_id=actor.organisation_id, slug__startswith=wanted
    )
    if article is not None:
        others = others.exclude(pk=article.pk)
    taken = set(others.values_list("slug", flat=True))
    slug, n = wanted, 1
    while slug in taken:
        n += 1
        slug = f"{wanted[: 120 - len(str(n)) - 1]}-{n}"
    return slug


def _clean_slug(
    actor: Membership, slug: str, title: str, article: Article | None
) -> str:
    """The given slug (refused when taken or malformed), or one made from the title."""
    slug = (slug or "").strip().lower()
    if not slug:
        made = slugify(title)[:120].strip("-") or "artikel"
        return _free_slug(actor, made, article)
    if len(slug) > 120 or not _SLUG.match(slug):
        raise DomainError(
            _("Gebruik kleine letters, cijfers en streepjes, zoals wat-is-een-tlv."),
            field="slug",
        )
    others = Article.objects.filter(organisation_id=actor.organisation_id, slug=slug)
    if article is not None:
        others = others.exclude(pk=article.pk)
    if others.exists():
        raise DomainError(_("Er is al een artikel met deze korte naam."), field="slug")
    return slug


def _index(article: Article, codes: Sequence[str]) -> None:
    """Render the Markdown and fill in what the search reads (the code labels
    included, so an article about the TLV code is found by 'tlv')."""
    article.body_html = rendering.render(article.body_markdown)
    article.body_text = rendering.plain_text(article.body_html)
    labels = " ".join(
        ExperienceCode.objects.filter(code__in=codes)
        .order_by("code")
        .values_list("label_nl", flat=True)
    )
    article.search_head = engine.document(article.title, article.keywords)
    article.search_lead = engine.document(
        article.title,
        article.keywords,
        article.summary,
        article.body_text[:LEAD_CHARACTERS],
        labels,
    )
    article.search_document = engine.document(
        article.title, article.keywords, article.summary, article.body_text, labels
    )


def _history(article: Article, kind: str, actor: Membership | None) -> None:
    ArticleEvent.objects.create(
        organisation_id=article.organisation_id, article=article, kind=kind, by=actor
    )


def _audit(actor: Membership, verb: str, article: Article, **data: Any) -> None:
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb=f"knowledge.article.{verb}",
        target=article,
        data={"status": article.status, "audience": article.audience, **data},
    )


def _fill(
    actor: Membership,
    article: Article,
    *,
    title: str,
    slug: str,
    summary: str,
    body_markdown: str,
    audience: str,
    codes: Iterable[str],
    keywords: str,
) -> list[str]:
    article.title = _one_line(
        title, "title", 200, required=_("Geef het artikel een titel.")
    )
    article.slug = _clean_slug(actor, slug, article.title, article)
    article.summary = _one_line(summary, "summary", 300)
    article.body_markdown = _clean_body(body_markdown)
    article.audience = _clean_audience(audience)
    article.keywords = _clean_keywords(keywords)
    cleaned = _clean_codes(codes)
    _index(article, cleaned)
    return cleaned


@transaction.atomic
def create_article(
    *,
    actor: Membership,
    title: str,
    body_markdown: str,
    audience: str,
    codes: Iterable[str] = (),
    slug: str = "",
    summary: str = "",
    keywords: str = "",
) -> Article:
    """A new draft article by the coordinator."""
    _require_coordinator(actor)
    article = Article(organisation_id=actor.organisation_id, author=actor)
    cleaned = _fill(
        actor,
        article,
        title=title,
        slug=slug,
        summary=summary,
        body_markdown=body_markdown,
        audience=audience,
        codes=codes,
        keywords=keywords,
    )
    article.full_clean()
    article.save()
    article.codes.set(cleaned)  # type: ignore[arg-type]  # the codes are primary keys
    _history(article, ArticleEventKind.CREATED, actor)
    _audit(actor, "create", article, codes=cleaned)
    return article


def _lock(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


@transaction.atomic
def update_article(
    *,
    actor: Membership,
    article: Article,
    title: str,
    body_markdown: str,
    audience: str,
    codes: Iterable[str] = (),
    slug: str = "",
    summary: str = "",
    keywords: str = "",
) -> Article:
    """Change an article's text, audience, codes or keywords; its status stays."""
    _require_coordinator(actor)
    _require_same_organisation(actor, article)
    article = _lock(article)
    cleaned = _fill(
        actor,
        article,
        title=title,
        slug=slug or article.slug,
        summary=summary,
        body_markdown=body_markdown,
        audience=audience,
        codes=codes,
        keywords=keywords,
    )
    article.full_clean()
    article.save()
    article.codes.set(cleaned)  # type: ignore[arg-type]  # the codes are primary keys
    _history(article, ArticleEventKind.UPDATED, actor)
    _audit(actor, "update", article, codes=cleaned)
    return article


@transaction.atomic
def publish_article(*, actor: Membership, article: Article) -> Article:
    """A draft or archived article goes live; publishing counts as a review."""
    _require_coordinator(actor)
    _require_same_organisation(actor, article)
    article = _lock(article)
    if article.status == ArticleStatus.PUBLISHED:
        raise DomainError(_("Dit artikel is al gepubliceerd."))
    article.status = ArticleStatus.PUBLISHED
    article.published_at = timezone.now()
    article.archived_at = None
    article.reviewed_on = timezone.localdate()
    article.save(
        update_fields=[
            "status",
            "published_at",
            "archived_at",
            "reviewed_on",
            "updated_at",
        ]
    )
    _history(article, ArticleEventKind.PUBLISHED, actor)
    _audit(actor, "publish", article)
    return article


@transaction.atomic
def archive_article(*, actor: Membership, article: Article) -> Article:
    """Take an article out of use: it is no longer shown or found, only kept."""
    _require_coordinator(actor)
    _require_same_organisation(actor, article)
    article = _lock(article)
    if article.status == ArticleStatus.ARCHIVED:
        raise DomainError(_("Dit artikel is al gearchiveerd."))
    article.status = ArticleStatus.ARCHIVED
    article.archived_at = timezone.now()
    article.save(update_fields=["status", "archived_at", "updated_at"])
    _history(article, ArticleEventKind.ARCHIVED, actor)
    _audit(actor, "archive", article)
    return article


@transaction.atomic
def mark_article_reviewed(*, actor: Membership, article: Article) -> Article:
    """The coordinator checked the article is still right: the twelve months of
    the review reminder start again today."""
    _require_coordinator(actor)
    _require_same_organisation(actor, article)
    article = _lock(article)
    if article.status == ArticleStatus.ARCHIVED:
        raise DomainError(_("Een gearchiveerd artikel hoeft niet nagekeken te worden."))
    article.reviewed_on = timezone.localdate()
    article.save(update_fields=["reviewed_on", "updated_at"])
    _history(article, ArticleEventKind.REVIEWED, actor)
    _audit(actor, "review", article)
    return article


@transaction.atomic
def draft_article_from_answer(
    *, actor: Membership, title: str, body_markdown: str, codes: Iterable[str] = ()
) -> Article:
    """A draft for buddies from an answer of the question desk, by this
    coordinator, to finish and publish later."""
    return create_article(
        actor=actor,
        title=title,
        body_markdown=body_markdown,
        audience=Audience.BUDDIES,
        codes=codes,
    )


@transaction.atomic
def load_starter_articles(
    *, actor: Membership, directory: Path | None = None
) -> list[Article]:
    """Publish the starter set (`starter/*.md`) for the actor's organisation. An
    article whose slug the organisation has already is left as it is, so running
    it again adds only what is new. Returns the articles made now."""
    _require_coordinator(actor)
    found = starter.read_all(directory or starter.STARTER_DIRECTORY)
    existing = set(
        Article.objects.filter(organisation_id=actor.organisation_id).values_list(
            "slug", flat=True
        )
    )
    made = []
    for item in found:
        if item.slug in existing:
            continue
        try:
            article = create_article(
                actor=actor,
                title=item.title,
                slug=item.slug,
                summary=item.summary,
                body_markdown=item.body_markdown,
                audience=item.audience,
                codes=item.codes,
                keywords=item.keywords,
            )
        except DomainError as exc:
            raise DomainError(f"{item.source}: {exc.message}", field=exc.field) from exc
        made.append(publish_article(actor=actor, article=article))
        existing.add(item.slug)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="knowledge.starter.load",
        data={"made": len(made), "files": len(found)},
    )
    return made


@transaction.atomic
def set_course_materials(
    *, actor: Membership, course: Course, article_ids: Iterable[Any]
) -> list[Article]:
    """The articles a course uses as materials: exactly these, from the
    organisation's articles that are not archived."""
    _require_coordinator(actor)
    _require_same_organisation(actor, course)
    wanted = {str(pk) for pk in article_ids}
    refused = DomainError(_("Kies alleen artikelen uit de lijst."), field="articles")
    try:
        keys = [uuid.UUID(pk) for pk in wanted]
    except ValueError as exc:
        raise refused from exc
    wanted = {str(pk) for pk in keys}
    articles = list(
        Article.objects.filter(
            organisation_id=actor.organisation_id, pk__in=wanted
        ).exclude(status=ArticleStatus.ARCHIVED)
    )
    if {str(a.pk) for a in articles} != wanted:
        raise DomainError(_("Kies alleen artikelen uit de lijst."), field="articles")
    current = set(
        CourseMaterial.objects.filter(course=course).values_list("article", flat=True)
    )
    CourseMaterial.objects.filter(course=course).exclude(
        article__in=[a.pk for a in articles]
    ).delete()
    CourseMaterial.objects.bulk_create(
        CourseMaterial(organisation_id=actor.organisation_id, course=course, article=a)
        for a in articles
        if a.pk not in current
    )
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="knowledge.course_materials.set",
        target=course,
        data={"articles": sorted(str(a.pk) for a in articles)},
    )
    return articles
