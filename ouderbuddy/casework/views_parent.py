"""The parent's part in a running match, through their personal status link: confirm
the working agreements and answer the fit question."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouderbuddy.casework import services
from ouderbuddy.casework.models import Fit, Side
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.views_public import _link_problem, _private_page, _render_status
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.models import Match, MatchStatus


def _own_match(help_request: HelpRequest, statuses: tuple[str, ...]) -> Match | None:
    """The parent's own match (found through the request behind the token only)."""
    return (
        Match.objects.filter(request=help_request, status__in=statuses)
        .select_related("buddy")
        .first()
    )


@_private_page
@require_POST
def acknowledge(request: HttpRequest, token: str) -> HttpResponse:
    """The parent has read the current working agreements."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    # The coordinator may write the agreements at the introduction already (and mails
    # the parent to read them), so they can be confirmed from then on.
    match = _own_match(
        help_request, (MatchStatus.INTRODUCTION_PLANNED, MatchStatus.ACTIVE)
    )
    agreement = services.current_agreement(match) if match else None
    if agreement is None:
        return _render_status(
            request,
            help_request,
            token,
            error=_("Er zijn nu geen werkafspraken om te bevestigen."),
            status=400,
        )
    try:
        services.acknowledge_agreement(agreement=agreement, side=Side.PARENT)
    except DomainError as exc:
        return _render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(request, _("Dank u. U heeft de werkafspraken gelezen."))
    return redirect("intake:status", token=token)


@_private_page
@require_POST
def fit(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's answer to 'how is the fit with your buddy?'."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    match = _own_match(help_request, (MatchStatus.ACTIVE,))
    if match is None:
        return _render_status(
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
        return _render_status(
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
