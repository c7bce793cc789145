"""The parent's answer to the buddy who said yes, through their personal status link."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.views_public import _link_problem, _private_page, _render_status
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services
from ouderbuddy.matching.models import Match, MatchStatus


@_private_page
@require_POST
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The parent agrees with the proposed buddy, or would rather have someone else."""
    try:
        help_request = intake_services.request_for_token(token)
    except intake_services.LinkProblem as problem:
        return _link_problem(request, problem)
    match = Match.objects.filter(
        request=help_request, status=MatchStatus.ACCEPTED
    ).first()
    if match is None:
        return _render_status(
            request,
            help_request,
            token,
            error=_("Er is nu geen buddy die op uw antwoord wacht."),
            status=400,
        )
    choice = request.POST.get("answer")
    try:
        if choice == "agree":
            services.parent_agrees(request=help_request, match=match)
            done = _(
                "Fijn! De coördinator plant nu een kennismaking. U krijgt daarover "
                "een e-mail."
            )
        elif choice == "decline":
            services.parent_declines(
                request=help_request, match=match, note=request.POST.get("note", "")
            )
            done = _(
                "Dank u voor uw antwoord. Het steunpunt zoekt een andere buddy voor u."
            )
        else:
            return _render_status(
                request,
                help_request,
                token,
                error=_("Kies of u deze buddy wilt."),
                status=400,
            )
    except DomainError as exc:
        return _render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(request, done)
    return redirect("intake:status", token=token)
