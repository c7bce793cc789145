"""The read side of the knowledge base: who sees which article, the one search
function both databases answer alike, articles for a request's codes, the public
pages, the review reminder and a course's materials."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Count, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ouderbuddy.knowledge import engine
from ouderbuddy.knowledge.models import (
    Article,
    ArticleEvent,
    ArticleStatus,
    Audience,
    CourseMaterial,
)
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.organisations.models import Membership, Organisation, Role

REVIEW_MONTHS = 12
SEARCH_LIMIT = 20
# What a word in the title or keywords weighs (each time), and one in the lead (once).
HEAD_WEIGHT = 3
LEAD_WEIGHT = 2

BUDDY_AUDIENCES = (Audience.BUDDIES, Audience.BOTH)
PARENT_AUDIENCES = (Audience.PARENTS, Audience.BOTH)


def audiences_for(audience: str) -> tuple[str, ...]:
    """The audiences whose articles someone of `audience` reads."""
    if audience == Audience.BUDDIES:
        return BUDDY_AUDIENCES
    if audience == Audience.PARENTS:
        return PARENT_AUDIENCES
    return tuple(Audience.values)


# --- Who sees what ---------------------------------------------------------------


def visible_articles(actor: Membership) -> QuerySet[Article]:
    """A coordinator sees every article of the organisation; a buddy the published
    ones for buddies; anyone else none."""
    articles = Article.objects.filter(organisation_id=actor.organisation_id)
    if not actor.is_active:
        return articles.none()
    if actor.role == Role.COORDINATOR:
        return articles
    if actor.role == Role.BUDDY:
        return articles.filter(
            status=ArticleStatus.PUBLISHED, audience__in=BUDDY_AUDIENCES
        )
    return articles.none()


def get_article_for(actor: Membership, article_id: Any) -> Article:
    """One article the actor may see; 404 when missing or not theirs."""
    return get_or_404(
        visible_articles(actor).select_related("author__user"), article_id
    )


def public_organisation(organisation_id: Any) -> Organisation:
    """An active organisation, for its public pages; 404 otherwise."""
    return get_or_404(Organisation.objects.filter(is_active=True), organisation_id)


def public_articles(organisation: Organisation) -> QuerySet[Article]:
    """The organisation's published articles for parents, by title."""
    return Article.objects.filter(
        organisation=organisation,
        status=ArticleStatus.PUBLISHED,
        audience__in=PARENT_AUDIENCES,
    ).order_by("title")


def get_public_article(organisation: Organisation, slug: str) -> Article:
    """A published article for parents by its slug; 404 for anything else."""
    found = public_articles(organisation).filter(slug=slug).first()
    if found is None:
        raise Http404
    return found


def article_rows(actor: Membership, status: str = "") -> list[Article]:
    """The coordinator's list: every article (or one status), by title, with
    `review_due` set."""
    articles = visible_articles(actor).only(
        "title", "slug", "status", "audience", "reviewed_on", "organisation"
    )
    if status == "review":
        articles = review_due(actor.organisation_id)
    elif status in ArticleStatus.values:
        articles = articles.filter(status=status)
    due = due_before()
    rows = list(articles.order_by("title"))
    for article in rows:
        article.review_due = _is_due(article, due)  # type: ignore[attr-defined]
    return rows


def history(article: Article) -> list[ArticleEvent]:
    return list(
        ArticleEvent.objects.filter(
            organisation_id=article.organisation_id, article=article
        ).select_related("by__user")
    )


def code_list(article: Article) -> list[str]:
    return list(article.codes.order_by("code").values_list("code", flat=True))


# --- Reviews ------------------------------------------------------------------------


def due_before(today: dt.date | None = None) -> dt.date:
    """An article reviewed on or before this day is due for its review."""
    day: dt.date = (today or timezone.localdate()) - relativedelta(months=REVIEW_MONTHS)
    return day


def _is_due(article: Article, due: dt.date) -> bool:
    return (
        article.status == ArticleStatus.PUBLISHED
        and article.reviewed_on is not None
        and article.reviewed_on <= due
    )


def review_due(organisation_id: Any, today: dt.date | None = None) -> QuerySet[Article]:
    """Published articles not reviewed for twelve months, oldest review first."""
    return Article.objects.filter(
        organisation_id=organisation_id,
        status=ArticleStatus.PUBLISHED,
        reviewed_on__lte=due_before(today),
    ).order_by("reviewed_on", "title")


# --- Search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    pk: Any
    title: str
    slug: str
    summary: str
    audience: str
    status: str
    score: int
    title_html: SafeString
    snippet: SafeString


@dataclass(frozen=True)
class SearchResult:
    """The hits, best first, and `message`: what to tell the reader when there are
    none or the query was cut (Dutch, empty when all is well)."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    message: str = ""
    searched: bool = False


def _problem_message(problem: str) -> str:
    if problem == "symbols":
        return _("Typ een zoekwoord met letters of cijfers.")
    if problem == "stop_words":
        return _(
            "Zoek op een woord dat iets zegt over het onderwerp, zoals ‘thuiszitten’ "
            "of ‘TLV’. Woorden als ‘de’, ‘een’ en ‘wat’ zoeken niet."
        )
    return ""


def _match_sql(query: engine.Query) -> tuple[str, list[Any]]:
    table = Article._meta.db_table
    if connection.vendor == "postgresql":
        return (
            f'"{table}"."search_vector" @@ to_tsquery(\'simple\', %s)',
            [engine.tsquery_expression(query)],
        )
    return (
        f'"{table}"."search_key" IN (SELECT rowid FROM knowledge_article_fts '  # noqa: S608  the model's own table name; the query is a parameter
        "WHERE knowledge_article_fts MATCH %s)",
        [engine.fts5_expression(query)],
    )


# The collation that compares text byte by byte, per database.
_BYTE_ORDER = {"postgresql": "C", "sqlite": "BINARY"}


def _score_sql(query: engine.Query) -> tuple[str, list[Any]]:
    """The relevance, per query stem: HEAD_WEIGHT for each time it occurs in the
    title and keywords, LEAD_WEIGHT when it occurs in the lead (those, the summary,
    the start of the text, the codes' labels); every hit holds every word anyway.
    Counted with LENGTH and REPLACE on the short head and a position function on the
    lead, which both databases have, so the order is the same on both."""
    table = Article._meta.db_table
    head, lead = f'"{table}"."search_head"', f'"{table}"."search_lead"'
    position = "strpos" if connection.vendor == "postgresql" else "instr"
    parts, params = [], []
    for needle in engine.needles(query):
        parts.append(
            f"{HEAD_WEIGHT} * ((LENGTH({head}) - LENGTH(REPLACE({head}, %s, ''))) "
            f"/ {len(needle)}) + "
            f"CASE WHEN {position}({lead}, %s) > 0 THEN {LEAD_WEIGHT} ELSE 0 END"
        )
        params += [needle, needle]
    return " + ".join(parts), params


def search_articles(
    organisation_id: Any,
    query: str,
    *,
    audience: str = Audience.BOTH,
    statuses: Iterable[str] = (ArticleStatus.PUBLISHED,),
    limit: int = SEARCH_LIMIT,
) -> SearchResult:
    """The organisation's articles that hold every word of `query` (stemmed, with
    synonyms), for readers of `audience` (`audiences_for`) and in `statuses`, best
    first, each with a highlighted snippet. The same on SQLite and PostgreSQL."""
    parsed = engine.parse(query)
    if not parsed.terms:
        return SearchResult(
            query=query,
            message=_problem_message(parsed.problem),
            searched=bool(parsed.problem and parsed.problem != "empty"),
        )
    where, where_params = _match_sql(parsed)
    score, score_params = _score_sql(parsed)
    # First the best keys (what the ranking reads is small), then the hits' texts.
    ranked = list(
        Article.objects.filter(
            organisation_id=organisation_id,
            status__in=list(statuses),
            audience__in=audiences_for(audience),
        )
        .extra(where=[where], params=where_params)  # noqa: S610  fixed SQL, values as parameters
        .annotate(score=RawSQL(score, score_params, output_field=IntegerField()))  # noqa: S611  fixed SQL, values as parameters
        # Ties by slug, compared byte by byte on both (unique per organisation).
        .order_by("-score", Collate("slug", _BYTE_ORDER[connection.vendor]))
        .values_list("pk", "score")[:limit]
    )
    rows = {
        row["pk"]: row
        for row in Article.objects.filter(
            organisation_id=organisation_id, pk__in=[pk for pk, _score in ranked]
        )
        .order_by()
        .values("pk", "title", "slug", "summary", "body_text", "audience", "status")
    }
    hits = [
        Hit(
            pk=pk,
            title=rows[pk]["title"],
            slug=rows[pk]["slug"],
            summary=rows[pk]["summary"],
            audience=rows[pk]["audience"],
            status=rows[pk]["status"],
            score=points,
            # engine escapes every piece of text it does not wrap in <mark>.
            title_html=mark_safe(engine.highlight(rows[pk]["title"], parsed)),  # noqa: S308
            snippet=mark_safe(  # noqa: S308
                engine.snippet([rows[pk]["summary"], rows[pk]["body_text"]], parsed)
            ),
        )
        for pk, points in ranked
    ]
    message = ""
    if not hits:
        message = _(
            "Niets gevonden voor ‘%(query)s’. Probeer een ander woord of een "
            "afkorting, zoals ‘TLV’ of ‘OPP’."
        ) % {"query": " ".join(query.split())[:60]}
    elif parsed.shortened:
        message = _("Uw zoekvraag was lang: alleen het begin is gebruikt.")
    return SearchResult(query=query, hits=hits, message=message, searched=True)


# --- Articles for a request ------------------------------------------------------


def articles_for_codes(
    organisation_id: Any, codes: Iterable[str], audience: str, limit: int = 5
) -> list[Article]:
    """Published articles for `audience` that share codes with `codes`, most shared
    codes first, then by title."""
    wanted = sorted(set(codes))
    if not wanted:
        return []
    return list(
        Article.objects.filter(
            organisation_id=organisation_id,
            status=ArticleStatus.PUBLISHED,
            audience__in=audiences_for(audience),
            codes__in=wanted,
        )
        .annotate(shared=Count("codes"))
        .only("title", "summary", "slug", "organisation")
        .order_by("-shared", "title", "pk")[:limit]
    )


# --- Course materials --------------------------------------------------------------


def course_articles(course: Any) -> list[Article]:
    """The articles a course uses, by title (any status: the coordinator's view)."""
    return list(
        Article.objects.filter(
            organisation_id=course.organisation_id,
            course_materials__course=course,
        )
        .only("title", "status", "audience", "organisation")
        .order_by("title")
    )


def course_material_links(course: Any, *, for_buddy: bool) -> list[dict[str, Any]]:
    """A course's materials as links: for a buddy the published ones for buddies
    (their kennisbank page), for the coordinator all (the article's page)."""
    materials = CourseMaterial.objects.filter(
        organisation_id=course.organisation_id, course=course
    ).select_related("article")
    links = []
    for material in materials.order_by("article__title"):
        article = material.article
        if for_buddy:
            if not (article.is_published and article.for_buddies):
                continue
            url = reverse("knowledge:read", args=[article.pk])
        else:
            url = reverse("knowledge:detail", args=[article.pk])
        links.append(
            {"title": article.title, "url": url, "status": article.get_status_display()}
        )
    return links


def buddy_material_links(
    organisation_id: Any, course_ids: list[Any]
) -> dict[Any, list[dict[str, Any]]]:
    """Per course of `course_ids` the published articles for buddies it uses, as
    links to their kennisbank page, in one query (the buddy's "Mijn trainingen")."""
    links: dict[Any, list[dict[str, Any]]] = {}
    if not course_ids:
        return links
    materials = (
        CourseMaterial.objects.filter(
            organisation_id=organisation_id,
            course_id__in=course_ids,
            article__status=ArticleStatus.PUBLISHED,
            article__audience__in=audiences_for(Audience.BUDDIES),
        )
        .order_by("article__title", "article_id")
        .values_list("course_id", "article_id", "article__title")
    )
    for course_id, article_id, title in materials:
        links.setdefault(course_id, []).append(
            {"title": title, "url": reverse("knowledge:read", args=[article_id])}
        )
    return links


def material_choices(actor: Membership) -> list[Article]:
    """The articles a course may use: the organisation's, not archived, by title."""
    return list(
        visible_articles(actor)
        .exclude(status=ArticleStatus.ARCHIVED)
        .only("title", "status", "organisation")
        .order_by("title")
    )


def counts_by_status(actor: Membership) -> dict[str, int]:
    rows = visible_articles(actor).values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in rows}
    counts["review"] = review_due(actor.organisation_id).count()
    return counts
