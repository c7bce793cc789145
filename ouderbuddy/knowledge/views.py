"""Knowledge base pages: the coordinator's articles (list, new, edit, page, publish,
archive, reviewed) and a course's materials; the buddy's kennisbank (search and
read, phone first); the public pages of an organisation with its articles for
parents (no sign-in)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ouderbuddy.knowledge import selectors, services
from ouderbuddy.knowledge.forms import ArticleForm, MaterialsForm, SearchForm
from ouderbuddy.knowledge.models import Article, ArticleStatus, Audience
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Role
from ouderbuddy.training.selectors import get_course_for

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _form_error(form: Form, exc: DomainError, field_map: dict[str, str]) -> None:
    field = field_map.get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _search(request: HttpRequest) -> tuple[SearchForm, str]:
    form = SearchForm(request.GET or None)
    return form, form.query()


# --- The coordinator's articles --------------------------------------------------


@role_required(COORDINATOR)
def article_list(request: SignedInRequest) -> HttpResponse:
    """Every article of the organisation, by status, with the search over all of
    them (drafts and archived too)."""
    actor = acting_membership(request)
    form, query = _search(request)
    status = request.GET.get("status", "")
    result = (
        selectors.search_articles(
            actor.organisation_id, query, statuses=ArticleStatus.values
        )
        if query
        else None
    )
    return render(
        request,
        "knowledge/list.html",
        {
            "form": form,
            "result": result,
            "rows": [] if result else selectors.article_rows(actor, status),
            "status": status if status in [*ArticleStatus.values, "review"] else "",
            "statuses": ArticleStatus.choices,
            "counts": selectors.counts_by_status(actor),
        },
    )


def _article_form_page(
    request: HttpRequest, form: ArticleForm, article: Article | None
) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "article": article},
        status=status,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def article_new(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    form = ArticleForm(_posted(request), initial={"audience": Audience.BUDDIES})
    if request.method == "POST" and form.is_valid():
        try:
            article = services.create_article(actor=actor, **form.service_kwargs())
        except DomainError as exc:
            _form_error(form, exc, ArticleForm.SERVICE_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "Het artikel is opgeslagen als concept. Publiceer het als het klaar is."
                ),
            )
            return redirect("knowledge:detail", article_id=article.pk)
    return _article_form_page(request, form, None)


@role_required(COORDINATOR, methods=["GET", "POST"])
def article_edit(request: SignedInRequest, article_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    article = selectors.get_article_for(actor, article_id)
    codes = article.codes.values_list("code", "group")
    form = ArticleForm(
        _posted(request), initial=ArticleForm.initial_for(article, list(codes))
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_article(
                actor=actor, article=article, **form.service_kwargs()
            )
        except DomainError as exc:
            _form_error(form, exc, ArticleForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Het artikel is opgeslagen."))
            return redirect("knowledge:detail", article_id=article.pk)
    return _article_form_page(request, form, article)


@role_required(COORDINATOR)
def article_detail(request: SignedInRequest, article_id: UUID) -> HttpResponse:
    """The article as its readers see it, with its facts, history and steps."""
    actor = acting_membership(request)
    article = selectors.get_article_for(actor, article_id)
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "codes": article.codes.order_by("group", "order"),
            "history": selectors.history(article),
            "review_due": article.is_published
            and article.reviewed_on is not None
            and article.reviewed_on <= selectors.due_before(),
            "public": article.is_published and article.for_parents,
        },
    )


def _step(
    request: SignedInRequest, article_id: UUID, step: Any, done: str
) -> HttpResponse:
    actor = acting_membership(request)
    article = selectors.get_article_for(actor, article_id)
    try:
        step(actor=actor, article=article)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("knowledge:detail", article_id=article.pk)


@role_required(COORDINATOR, methods=["POST"])
def article_publish(request: SignedInRequest, article_id: UUID) -> HttpResponse:
    return _step(
        request, article_id, services.publish_article, _("Het artikel is gepubliceerd.")
    )


@role_required(COORDINATOR, methods=["POST"])
def article_archive(request: SignedInRequest, article_id: UUID) -> HttpResponse:
    return _step(
        request,
        article_id,
        services.archive_article,
        _("Het artikel is gearchiveerd. Niemand ziet het nog, behalve coördinatoren."),
    )


@role_required(COORDINATOR, methods=["POST"])
def article_review(request: SignedInRequest, article_id: UUID) -> HttpResponse:
    return _step(
        request,
        article_id,
        services.mark_article_reviewed,
        _("Genoteerd: het artikel is vandaag nagekeken."),
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def course_materials(request: SignedInRequest, course_id: UUID) -> HttpResponse:
    """Which articles a training course uses as materials."""
    actor = acting_membership(request)
    course = get_course_for(actor, course_id)
    initial = {"articles": [str(a.pk) for a in selectors.course_articles(course)]}
    form = MaterialsForm(
        _posted(request),
        articles=selectors.material_choices(actor),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_course_materials(
                actor=actor, course=course, article_ids=form.cleaned_data["articles"]
            )
        except DomainError as exc:
            _form_error(form, exc, {})
        else:
            messages.success(request, _("Het lesmateriaal is opgeslagen."))
            return redirect("training:course_detail", course_id=course.pk)
    return render(
        request,
        "knowledge/course_materials.html",
        {"form": form, "course": course},
        status=400 if form.errors else 200,
    )


# --- The buddy's kennisbank ---------------------------------------------------------


@role_required(BUDDY)
def index(request: SignedInRequest) -> HttpResponse:
    """Search the articles for buddies; without a search, all of them by title."""
    actor = acting_membership(request)
    form, query = _search(request)
    result = (
        selectors.search_articles(
            actor.organisation_id, query, audience=Audience.BUDDIES
        )
        if query
        else None
    )
    return render(
        request,
        "knowledge/index.html",
        {
            "form": form,
            "result": result,
            "articles": None
            if result
            else selectors.visible_articles(actor)
            .only("title", "summary", "organisation")
            .order_by("title"),
        },
    )


@role_required(BUDDY)
def read(request: SignedInRequest, article_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    article = selectors.get_article_for(actor, article_id)
    return render(request, "knowledge/read.html", {"article": article})


# --- Public pages of an organisation -------------------------------------------------


@require_safe
def public_list(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    """The organisation's information for parents, with a search; no sign-in."""
    organisation = selectors.public_organisation(organisation_id)
    form, query = _search(request)
    result = (
        selectors.search_articles(organisation.pk, query, audience=Audience.PARENTS)
        if query
        else None
    )
    return render(
        request,
        "knowledge/public_list.html",
        {
            "organisation": organisation,
            "form": form,
            "result": result,
            "articles": None
            if result
            else selectors.public_articles(organisation).only(
                "title", "summary", "slug", "organisation"
            ),
        },
    )


@require_safe
def public_article(
    request: HttpRequest, organisation_id: UUID, slug: str
) -> HttpResponse:
    organisation = selectors.public_organisation(organisation_id)
    article = selectors.get_public_article(organisation, slug)
    return render(
        request,
        "knowledge/public_article.html",
        {"organisation": organisation, "article": article},
    )
