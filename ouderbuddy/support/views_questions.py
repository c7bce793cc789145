"""The question desk (vraagbaak): a buddy's own questions on the phone, the
coordinators' desk, and one thread page for each side."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ouderbuddy.buddies.selectors import get_own_buddy
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Role
from ouderbuddy.support import selectors, services_questions
from ouderbuddy.support.forms import QuestionForm, ReplyForm
from ouderbuddy.support.models import Question, QuestionStatus, Reply

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]


def _add_error(form: Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _thread_page(
    request: HttpRequest,
    question: Question,
    *,
    template: str,
    form: ReplyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "question": question,
            "replies": selectors.replies_of(question),
            "form": form or ReplyForm(),
            "closed": question.status == QuestionStatus.CLOSED,
        },
        status=status,
    )


def _reply(
    request: SignedInRequest, question_id: UUID, *, template: str, back: str
) -> HttpResponse:
    """The thread page; a POST adds a message to it."""
    actor = acting_membership(request)
    question = selectors.get_question_for(actor, question_id)
    if request.method != "POST":
        return _thread_page(request, question, template=template)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services_questions.reply_to_question(
                actor=actor, question=question, body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("Uw antwoord is verstuurd. De buddy krijgt een e-mail.")
                if actor.role == Role.COORDINATOR
                else _("Uw bericht is verstuurd."),
            )
            return redirect(back, question_id=question.pk)
    return _thread_page(request, question, template=template, form=form, status=400)


# --- The buddy's side ------------------------------------------------------------


@role_required(BUDDY)
def my_questions(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    return render(
        request,
        "support/my_questions.html",
        {"questions": selectors.visible_questions(actor).order_by("-updated_at")},
    )


@role_required(BUDDY, methods=["GET", "POST"])
def ask(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    buddy = get_own_buddy(actor)
    matches = selectors.own_match_choices(actor, buddy)
    form = QuestionForm(
        request.POST if request.method == "POST" else None, matches=matches
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = services_questions.ask_question(
                actor=actor,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                match_id=form.cleaned_data.get("match") or None,
            )
        except DomainError as exc:
            _add_error(form, exc)
        else:
            messages.success(
                request,
                _("Uw vraag is verstuurd. U krijgt een e-mail als er een antwoord is."),
            )
            return redirect("support:my_question", question_id=question.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "support/ask.html", {"form": form}, status=status)


@role_required(BUDDY, methods=["GET", "POST"])
def my_question(request: SignedInRequest, question_id: UUID) -> HttpResponse:
    return _reply(
        request,
        question_id,
        template="support/my_question.html",
        back="support:my_question",
    )


# --- The coordinators' desk ------------------------------------------------------


@role_required(COORDINATOR)
def questions(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    status = request.GET.get("status", "")
    if status not in QuestionStatus.values:
        status = ""
    rows = list(selectors.question_rows(actor, status)[:100])
    return render(
        request,
        "support/questions.html",
        {
            "rows": rows,
            "status": status,
            "statuses": QuestionStatus.choices,
        },
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def question(request: SignedInRequest, question_id: UUID) -> HttpResponse:
    return _reply(
        request, question_id, template="support/question.html", back="support:question"
    )


def _transition(
    request: SignedInRequest, question_id: UUID, service: Any, done: str
) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.get_question_for(actor, question_id)
    try:
        service(actor=actor, question=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("support:question", question_id=found.pk)


@role_required(COORDINATOR, methods=["POST"])
def close_question(request: SignedInRequest, question_id: UUID) -> HttpResponse:
    return _transition(
        request,
        question_id,
        services_questions.close_question,
        _("De vraag is gesloten. De buddy kan het gesprek nog lezen."),
    )


@role_required(COORDINATOR, methods=["POST"])
def reopen_question(request: SignedInRequest, question_id: UUID) -> HttpResponse:
    return _transition(
        request,
        question_id,
        services_questions.reopen_question,
        _("De vraag is weer open."),
    )


@role_required(COORDINATOR, methods=["POST"])
def answer_to_article(
    request: SignedInRequest, question_id: UUID, reply_id: UUID
) -> HttpResponse:
    """An answer becomes a draft article; the coordinator goes on to anonymise it."""
    actor = acting_membership(request)
    found = selectors.get_question_for(actor, question_id)
    reply = get_or_404(Reply.objects.filter(question=found), reply_id)
    try:
        article = services_questions.answer_to_article(
            actor=actor, question=found, reply=reply
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("support:question", question_id=found.pk)
    messages.success(
        request,
        _(
            "Er is een concept-artikel gemaakt. Haal namen en herkenbare dingen eruit "
            "en publiceer het dan."
        ),
    )
    return redirect("knowledge:edit", article_id=article.pk)
