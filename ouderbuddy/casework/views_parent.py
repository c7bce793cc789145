"""The parent's status page behind the personal link from the e-mail, assembled here,
in the highest app it shows: where the request stands, what is kept and the consents
(intake.sections), the proposed buddy (matching.sections), the support in the match
(casework.selectors.parent_support). Every answer the parent gives on it posts here
too, so a refusal shows on the whole page: withdraw the request or a consent, answer
the proposed buddy, confirm the working agreements, answer the fit question. The
routes keep their names in intake's and matching's namespaces
(casework.urls_screens)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouderbuddy.casework import selectors, services
from ouderbuddy.casework.models import Fit, Side
from ouderbuddy.intake import rows
from ouderbuddy.intake import sections as intake_sections
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.forms_public import ConsentWithdrawForm, NewLinkForm
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import private_page
from ouderbuddy.matching import sections as matching_sections
from ouderbuddy.matching import selectors as matching_selectors
from ouderbuddy.matching import services as matching_services
from ouderbuddy.matching.models import MatchStatus
from ouderbuddy.privacy.models import ConsentPurpose

TokenView = Callable[[HttpRequest, str], HttpResponse]


def _link_problem(
    request: HttpRequest, problem: intake_services.LinkProblem
) -> HttpResponse:
    response = render(
        request,
        "intake/public/link_problem.html",
        {
            "message": problem.message,
            "expired": problem.expired,
            "form": NewLinkForm(),
        },
        status=problem.status,
    )
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


def render_status(
    request: HttpRequest,
    help_request: HelpRequest,
    token: str,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The whole status page; `error` says why the parent's last answer did not count."""
    context = intake_sections.request_status(help_request)
    proposal = matching_sections.parent_proposal(help_request)
    buddy_match = proposal["buddy_match"]
    support = selectors.parent_support(help_request, buddy_match)
    named = buddy_match or (support["match"] if support else None)
    if support:
        # Each contact's line as the template worded it, made here: 20 rows.
        dates = rows.LongDates()
        line = gettext("%(day)s: %(mode)s, %(minutes)s minuten")
        context["contact_lines"] = [
            rows.fill(
                line,
                day=dates(contact["on"]),
                mode=str(contact["mode"]),
                minutes=str(contact["minutes"]),
            )
            + (
                " (" + ", ".join(escape(str(t)) for t in contact["topics"]) + ")"
                if contact["topics"]
                else ""
            )
            for contact in support["contacts"]
        ]
    # What is kept, each section's items drawn here (24 rows).
    context["held"] = [
        (
            title,
            mark_safe(  # noqa: S308 - every value is escaped
                "\n".join(
                    '<div class="utrecht-data-list__item">'
                    '<dt class="utrecht-data-list__item-key">'
                    f"{conditional_escape(row.label)}</dt>"
                    '<dd class="utrecht-data-list__item-value'
                    f'{" ob-prewrap" if row.multiline else ""}">'
                    f"{conditional_escape(row.value)}</dd></div>"
                    for row in items
                )
            ),
        )
        for title, items in context["sections"]
    ]
    context.update(proposal)
    context.update(
        {
            "buddy_first_name": (named.buddy.full_name.split() or [""])[0]
            if named
            else "",
            "casework": support,
            "public_organisation": help_request.organisation,
            "token": token,
            "error": error,
        }
    )
    return render(request, "casework/parent/status.html", context, status=status)


@private_page
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    """Where the parent's request stands, what is kept, and what they can stop."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    return render_status(request, help_request, token)


@private_page
@require_POST
def status_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """The parent stops their request (after one confirmation)."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "intake/public/status_confirm.html",
            {
                "help_request": help_request,
                "token": token,
                "action": reverse("intake:status_withdraw", args=[token]),
                "purpose": "",
            },
        )
    try:
        intake_services.withdraw_by_parent(request=help_request)
    except DomainError as exc:
        return render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(
        request,
        _("Uw hulpvraag is gestopt. Het steunpunt gaat er niet meer mee verder."),
    )
    return redirect("intake:status", token=token)


@private_page
@require_POST
def status_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The parent withdraws one consent; it counts from this moment."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        return render_status(
            request,
            help_request,
            token,
            error=_("Kies welke toestemming u wilt intrekken."),
            status=400,
        )
    purpose = form.cleaned_data["purpose"]
    if (
        purpose == ConsentPurpose.REQUEST_PROCESSING
        and help_request.is_open
        and request.POST.get("confirm") != "yes"
    ):
        # Without this consent the request stops: ask once, like withdrawing it.
        return render(
            request,
            "intake/public/status_confirm.html",
            {
                "help_request": help_request,
                "token": token,
                "action": reverse("intake:status_consent", args=[token]),
                "purpose": purpose,
            },
        )
    try:
        intake_services.withdraw_consent(request=help_request, purpose=purpose)
    except DomainError as exc:
        return render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(
        request,
        _("U heeft uw toestemming ingetrokken: %(what)s. Dit geldt vanaf nu.")
        % {"what": ConsentPurpose(purpose).label},
    )
    return redirect("intake:status", token=token)


@private_page
@require_POST
def status_renew(request: HttpRequest, token: str) -> HttpResponse:
    """The parent agrees to the new text of a consent that changed materially."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        return render_status(
            request,
            help_request,
            token,
            error=_("Kies voor welke toestemming u de nieuwe tekst goedkeurt."),
            status=400,
        )
    purpose = form.cleaned_data["purpose"]
    try:
        intake_services.renew_consent(request=help_request, purpose=purpose)
    except DomainError as exc:
        return render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(
        request,
        _("Dank u. Uw toestemming met de nieuwe tekst geldt vanaf nu: %(what)s.")
        % {"what": ConsentPurpose(purpose).label},
    )
    return redirect("intake:status", token=token)


@private_page
@require_POST
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The parent agrees with the proposed buddy, or would rather have someone else."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    match = matching_selectors.parents_match(help_request, (MatchStatus.ACCEPTED,))
    if match is None:
        return render_status(
            request,
            help_request,
            token,
            error=_("Er is nu geen buddy die op uw antwoord wacht."),
            status=400,
        )
    choice = request.POST.get("answer")
    try:
        if choice == "agree":
            matching_services.parent_agrees(request=help_request, match=match)
            done = _(
                "Fijn! De coördinator plant nu een kennismaking. U krijgt daarover "
                "een e-mail."
            )
        elif choice == "decline":
            matching_services.parent_declines(
                request=help_request, match=match, note=request.POST.get("note", "")
            )
            done = _(
                "Dank u voor uw antwoord. Het steunpunt zoekt een andere buddy voor u."
            )
        else:
            return render_status(
                request,
                help_request,
                token,
                error=_("Kies of u deze buddy wilt."),
                status=400,
            )
    except DomainError as exc:
        return render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(request, done)
    return redirect("intake:status", token=token)


@private_page
@require_POST
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The parent has read the current working agreements."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    # The coordinator may write the agreements at the introduction already (and mails
    # the parent to read them), so they can be confirmed from then on.
    match = matching_selectors.parents_match(
        help_request, (MatchStatus.INTRODUCTION_PLANNED, MatchStatus.ACTIVE)
    )
    agreement = services.current_agreement(match) if match else None
    if agreement is None:
        return render_status(
            request,
            help_request,
            token,
            error=_("Er zijn nu geen werkafspraken om te bevestigen."),
            status=400,
        )
    try:
        services.acknowledge_agreement(agreement=agreement, side=Side.PARENT)
    except DomainError as exc:
        return render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(request, _("Dank u. U heeft de werkafspraken gelezen."))
    return redirect("intake:status", token=token)


@private_page
@require_POST
def fit(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's answer to 'how is the fit with your buddy?'."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    match = matching_selectors.parents_match(help_request, (MatchStatus.ACTIVE,))
    if match is None:
        return render_status(
            request,
            help_request,
            token,
            error=_("U heeft nu geen buddy met wie u een koppeling heeft."),
            status=400,
        )
    try:
        answer = services.answer_fit(
            match=match, side=Side.PARENT, answer=request.POST.get("answer", "")
        )
    except DomainError as exc:
        return render_status(
            request, help_request, token, error=exc.message, status=400
        )
    if answer.answer == Fit.NOT_GOOD:
        messages.success(
            request,
            _(
                "Dank u voor uw antwoord. De coördinator krijgt bericht en neemt "
                "contact met u op."
            ),
        )
    else:
        messages.success(request, _("Dank u voor uw antwoord."))
    return redirect("intake:status", token=token)
