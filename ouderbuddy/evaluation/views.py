"""The coordinator's evaluation pages: the results of the organisation (figures
only), one match's questionnaires with resending, and the questionnaires with the
organisation's own extra items."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from ouderbuddy.evaluation import instrument, selectors, services
from ouderbuddy.evaluation.forms import OwnItemForm, ResultsFilterForm
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.matching.models import Match
from ouderbuddy.organisations.models import Role

COORDINATOR = [Role.COORDINATOR]


@role_required(COORDINATOR)
def results(request: SignedInRequest) -> HttpResponse:
    """The organisation's results, filtered; every figure over fewer than five
    people is suppressed."""
    actor = acting_membership(request)
    options = selectors.filter_options(actor.organisation_id)
    scales = [(code, selectors.scale_name(code)) for code in selectors.CORE]
    form = ResultsFilterForm(request.GET or None, options=options, scales=scales)
    filters = selectors.Filters()
    status = 200
    if request.GET:
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v}
            filters = selectors.Filters(**data)
        else:
            status = 400
    found = selectors.results(actor.organisation_id, filters, options=options)
    return render(
        request,
        "evaluation/results.html",
        {
            "form": form,
            "results": found,
            "filters": filters,
            "min_cell": selectors.MIN_CELL,
        },
        status=status,
    )


@role_required(COORDINATOR)
def match(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """One match's questionnaires: sent, answered, declined or expired; the open
    answers; resend once."""
    actor = acting_membership(request)
    found = get_or_404(
        Match.objects.filter(organisation_id=actor.organisation_id).select_related(
            "request", "buddy"
        ),
        match_id,
    )
    return render(
        request,
        "evaluation/match.html",
        {"match": found, "rows": selectors.match_questionnaires(actor, found)},
    )


@role_required(COORDINATOR, methods=["POST"])
def resend(request: SignedInRequest, evaluation_invitation_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    invitation = selectors.get_invitation_for(actor, evaluation_invitation_id)
    match_id = selectors.match_of_invitation(invitation)
    try:
        services.resend(actor=actor, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De vragenlijst is opnieuw verstuurd."))
    if match_id is None:
        return redirect("evaluation:results")
    return redirect("evaluation:match", match_id)


@role_required(COORDINATOR)
def questionnaires(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    language = translation.get_language() or "nl"
    rows = [
        (version, instrument.text_in(version.definition.get("title"), language))
        for version in selectors.version_list(actor)
    ]
    return render(request, "evaluation/questionnaires.html", {"rows": rows})


@role_required(COORDINATOR, methods=["GET", "POST"])
def questionnaire(request: SignedInRequest, version_id: UUID) -> HttpResponse:
    """One version, item by item. A published version only shows; the
    organisation's draft takes its own extra items and can be published."""
    actor = acting_membership(request)
    version = selectors.get_version_for(actor, version_id)
    form = OwnItemForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "copy":
                draft = services.make_own_copy(actor=actor, version=version)
                messages.success(
                    request, _("Uw eigen versie staat klaar. Voeg uw vragen toe.")
                )
                return redirect("evaluation:questionnaire", draft.pk)
            if action == "publish":
                services.publish(actor=actor, draft=version)
                messages.success(
                    request,
                    _(
                        "Uw versie is in gebruik. Nieuwe uitnodigingen krijgen deze vragen."
                    ),
                )
                return redirect("evaluation:questionnaire", version.pk)
            if action == "remove":
                services.remove_own_item(
                    actor=actor, draft=version, code=request.POST.get("code", "")
                )
                return redirect("evaluation:questionnaire", version.pk)
            form = OwnItemForm(request.POST)
            if form.is_valid():
                services.add_own_item(actor=actor, draft=version, **form.cleaned_data)
                messages.success(request, _("De vraag is toegevoegd."))
                return redirect("evaluation:questionnaire", version.pk)
            status = 400
        except DomainError as exc:
            if action in ("copy", "publish", "remove"):
                messages.error(request, exc.message)
                return redirect("evaluation:questionnaire", version.pk)
            add_domain_error(form, exc)
            status = 400
    language = translation.get_language() or "nl"
    parsed = instrument.parse(version.definition)
    return render(
        request,
        "evaluation/questionnaire.html",
        {
            "version": version,
            "title": instrument.text_in(parsed.title, language),
            "minutes": parsed.minutes,
            "pages": [
                (
                    instrument.text_in(page.title, language),
                    [
                        (item, instrument.text_in(item.text, language))
                        for item in page.items
                    ],
                )
                for page in parsed.pages
            ],
            "own": version.questionnaire.organisation_id == actor.organisation_id,
            "form": form,
        },
        status=status,
    )
