"""The questionnaire behind a personal link (no account): the start page, one page
of questions at a time (saved per page, so a person can stop and come back), the
thank-you page, and saying no."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods, require_safe

from ouderbuddy.evaluation import instrument, services
from ouderbuddy.evaluation.forms import QuestionnairePageForm
from ouderbuddy.evaluation.models import Audience, Invitation, InvitationStatus, Moment
from ouderbuddy.intake.services import LinkProblem
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import add_domain_error, private_page


def _problem(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    response = render(
        request,
        "evaluation/public/link_problem.html",
        {"message": problem.message, "expired": problem.expired, "used": problem.used},
        status=problem.status,
    )
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


def _language(invitation: Invitation) -> str:
    """The page's language: the one the person chose on the site, else the one of
    the invitation's e-mail."""
    return translation.get_language() or invitation.language


@private_page
@require_safe
def answer(request: HttpRequest, link: str) -> HttpResponse:
    """The start page: what it is, how long it takes, begin or go on, or say no."""
    try:
        invitation = services.invitation_for_token(link)
    except LinkProblem as problem:
        return _problem(request, problem)
    version = services.version_for(invitation)
    parsed = instrument.parse(version.definition)
    response = services.response_of(invitation)
    language = _language(invitation)
    return render(
        request,
        "evaluation/public/start.html",
        {
            "token": link,
            "title": instrument.text_in(parsed.title, language),
            "intro": instrument.text_in(parsed.intro, language),
            "minutes": parsed.minutes,
            "pages": len(parsed.pages),
            "next_page": min((response.page if response else 0) + 1, len(parsed.pages)),
            "resuming": response is not None,
            "audience": invitation.audience,
            "expires_at": invitation.expires_at,
        },
    )


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def page(request: HttpRequest, link: str, number: str) -> HttpResponse:
    """One page of questions. "Volgende" saves and goes on, "Vorige" saves and goes
    back, "Opslaan en later verder" saves and shows where to come back; on the last
    page "Versturen" saves and finishes."""
    try:
        invitation = services.invitation_for_token(link)
    except LinkProblem as problem:
        return _problem(request, problem)
    version = services.version_for(invitation)
    parsed = instrument.parse(version.definition)
    if not number.isdigit() or not 1 <= int(number) <= len(parsed.pages):
        return redirect("evaluation:answer", link)
    return _page(request, link, invitation, parsed, int(number))


def _page(
    request: HttpRequest,
    link: str,
    invitation: Invitation,
    parsed: instrument.Instrument,
    number: int,
) -> HttpResponse:
    current = parsed.pages[number - 1]
    language = _language(invitation)
    ask_consent = number == 1 and services.needs_research_consent(invitation)
    response = services.response_of(invitation)
    last = number == len(parsed.pages)
    if request.method == "POST":
        form = QuestionnairePageForm(
            request.POST, page=current, language=language, ask_consent=ask_consent
        )
        if form.is_valid():
            action = request.POST.get("action", "next")
            try:
                services.save_page(
                    invitation=invitation,
                    page=number,
                    answers=form.answers(),
                    research_consent=bool(form.cleaned_data.get("research_consent")),
                    finish=last and action == "next",
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if action == "back" and number > 1:
                    return redirect("evaluation:page", link, number - 1)
                if action == "later":
                    return redirect("evaluation:saved", link)
                if last and action == "next":
                    return redirect("evaluation:done", link)
                return redirect(
                    "evaluation:page", link, min(number + 1, len(parsed.pages))
                )
        status = 400
    else:
        initial = dict(response.answers) if response else {}
        if response is not None:
            for text in response.texts.all():
                initial[text.item] = text.text
        form = QuestionnairePageForm(
            initial={
                k: str(v) if isinstance(v, int) else v for k, v in initial.items()
            },
            page=current,
            language=language,
            ask_consent=ask_consent,
        )
        status = 200
    return render(
        request,
        "evaluation/public/page.html",
        {
            "token": link,
            "form": form,
            "title": instrument.text_in(parsed.title, language),
            "page_title": instrument.text_in(current.title, language),
            "number": number,
            "total": len(parsed.pages),
            "last": last,
        },
        status=status,
    )


@private_page
@require_safe
def done(request: HttpRequest, link: str) -> HttpResponse:
    """Thank you; a parent at the end gets the link for school to pass on."""
    try:
        invitation = services.finished_invitation_for_token(
            link, InvitationStatus.ANSWERED
        )
    except LinkProblem as problem:
        return _problem(request, problem)
    school_link = ""
    if invitation.audience == Audience.PARENT and invitation.moment == Moment.END:
        school_link = services.link_for(
            services.school_invitation(invitation=invitation)
        )
    return render(
        request,
        "evaluation/public/done.html",
        {"school_link": school_link, "audience": invitation.audience},
    )


@private_page
@require_http_methods(["GET", "HEAD", "POST"])
def decline(request: HttpRequest, link: str) -> HttpResponse:
    """Saying no: asked once to be sure; then this person is not asked again."""
    try:
        invitation = services.invitation_for_token(link)
    except LinkProblem as problem:
        return _problem(request, problem)
    if request.method == "POST":
        try:
            services.decline(invitation=invitation)
        except DomainError as exc:
            return _problem(request, LinkProblem(exc.message, expired=False, used=True))
        return redirect("evaluation:declined", link)
    return render(
        request,
        "evaluation/public/decline.html",
        {"token": link, "audience": invitation.audience},
    )


@private_page
@require_safe
def saved(request: HttpRequest, link: str) -> HttpResponse:
    """The answers so far are kept: when and how to come back."""
    try:
        invitation = services.invitation_for_token(link)
    except LinkProblem as problem:
        return _problem(request, problem)
    return render(
        request,
        "evaluation/public/saved.html",
        {"token": link, "expires_at": invitation.expires_at},
    )


@private_page
@require_safe
def declined(request: HttpRequest, link: str) -> HttpResponse:
    try:
        invitation = services.finished_invitation_for_token(
            link, InvitationStatus.DECLINED
        )
    except LinkProblem as problem:
        return _problem(request, problem)
    return render(
        request, "evaluation/public/declined.html", {"audience": invitation.audience}
    )
