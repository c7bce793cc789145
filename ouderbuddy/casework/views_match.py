"""The coordinator's match page, assembled here, in the highest app it shows: the match
facts, its actions and its history come from matching (matching.sections), the support
sections (agreements, check-ins, signals, closure) from casework. The page's own
matching forms (plan the introduction, start, stop the proposal) post here too, so an
error shows on the whole page. The routes keep their names in matching's namespace
(casework.urls_screens)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.casework import forms, selectors, services
from ouderbuddy.casework.models import CheckIn
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.matching import forms as matching_forms
from ouderbuddy.matching import sections as matching_sections
from ouderbuddy.matching import services as matching_services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.selectors import get_match_for
from ouderbuddy.organisations.models import Role

COORDINATOR = [Role.COORDINATOR]
# Matches whose page shows the casework sections (agreements are written from the
# planned introduction on).
CASEWORK_STATUSES = (
    MatchStatus.INTRODUCTION_PLANNED,
    MatchStatus.ACTIVE,
    MatchStatus.CLOSED,
)


def check_in_auto_id(check_in: CheckIn) -> str:
    """Field ids unique per check-in: the match page has one form for each."""
    return f"id_check_in_{check_in.pk.hex}_%s"


def match_sections(match: Match, bound: dict[str, Any]) -> dict[str, Any]:
    """The casework sections of the match page with their forms; `bound` holds a form
    that came back with errors."""
    data = selectors.match_context(match)
    running = match.status == MatchStatus.ACTIVE
    current = data["agreement"]
    form = bound.get("agreement_form")
    if form is None and match.status in (
        MatchStatus.INTRODUCTION_PLANNED,
        MatchStatus.ACTIVE,
    ):
        initial: dict[str, Any] = {}
        if current is not None:
            initial = {
                "goals": current.goals,
                "frequency": current.frequency,
                "contact_modes": current.contact_modes,
                "expected_until": current.expected_until,
            }
        else:
            start = match.started_on or timezone.localdate()
            initial = {
                "expected_until": start + relativedelta(months=services.DEFAULT_MONTHS)
            }
        form = forms.AgreementForm(initial=initial)
    data["agreement_form"] = form
    data["add_check_in_form"] = bound.get("add_check_in_form") or (
        forms.AddCheckInForm() if running else None
    )
    bound_id, bound_form = bound.get("record_form") or (None, None)
    today = timezone.localdate()
    rows = []
    for check_in in data["check_ins"]:
        record = None
        if running and check_in.done_on is None:
            record = (
                bound_form
                if check_in.pk == bound_id
                else forms.RecordCheckInForm(
                    initial={"done_on": today}, auto_id=check_in_auto_id(check_in)
                )
            )
        rows.append({"check_in": check_in, "form": record})
    data["check_in_rows"] = rows
    data["running"] = running
    return data


def match_page(
    request: HttpRequest,
    match: Match,
    *,
    forms_: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole match page; `forms_` holds a form that came back with errors."""
    bound = forms_ or {}
    context: dict[str, Any] = {
        "match": match,
        **matching_sections.match_facts(match),
        **matching_sections.match_history(match),
        **matching_sections.match_actions(match),
    }
    if match.status in CASEWORK_STATUSES:
        # Agreements, contacts, check-ins, signals, closure (selectors.match_context).
        context["casework"] = match_sections(match, bound)
    context.update(bound)
    return render(request, "casework/coordinator/match.html", context, status=status)


@role_required(COORDINATOR)
def match(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    return match_page(request, found)


@role_required(COORDINATOR, methods=["POST"])
def plan(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    form = matching_forms.PlanForm(request.POST)
    if form.is_valid():
        try:
            matching_services.plan_introduction(
                actor=actor,
                match=found,
                at=form.moment(),
                mode=form.cleaned_data["mode"],
                place=form.cleaned_data["place"],
                coordinator_present=form.cleaned_data["coordinator_present"],
            )
        except DomainError as exc:
            if exc.field in ("at",):
                form.add_error("day", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("De kennismaking is gepland. Ouder en buddy krijgen een e-mail."),
            )
            return redirect("matching:match", match_id=found.pk)
    return match_page(request, found, forms_={"plan_form": form}, status=400)


@role_required(COORDINATOR, methods=["POST"])
def activate(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    form = matching_forms.ActivateForm(request.POST)
    if form.is_valid():
        try:
            matching_services.activate(
                actor=actor, match=found, started_on=form.cleaned_data["started_on"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De koppeling loopt."))
            return redirect("matching:match", match_id=found.pk)
    return match_page(request, found, forms_={"activate_form": form}, status=400)


@role_required(COORDINATOR, methods=["POST"])
def cancel(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    form = matching_forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            matching_services.cancel(
                actor=actor, match=found, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Het voorstel is gestopt; de hulpvraag staat weer op de wachtlijst."),
            )
            return redirect("matching:match", match_id=found.pk)
    return match_page(request, found, forms_={"cancel_form": form}, status=400)
