"""The buddy's side of a proposal: yes or no to one proposal. (The buddy's match list,
with the summary of each running match, is assembled by casework:
`casework.views_buddy.proposals`.)

A buddy never sees who the parent is: the page shows the place, the distance, the
language and the kind of contact, and what the request is about only when the parent
agreed to share that with a buddy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.selectors import codes_of
from ouderbuddy.intake.services import has_active_consent
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.matching import explain, selectors, services
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    DeclineReason,
    Match,
    MatchStatus,
)
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.taxonomy.models import CodeGroup

BUDDY = [Role.BUDDY]


class DeclineForm(Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Uw reden"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies een reden."),
            "invalid_choice": gettext_lazy("Kies een reden."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Toelichting"),
        help_text=gettext_lazy(
            "Alleen de coördinator leest dit. Schrijf geen namen. Hoogstens 300 tekens."
        ),
        required=False,
        max_length=services.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": gettext_lazy("Schrijf hoogstens 300 tekens."),
        },
    )


@dataclass(frozen=True)
class Profile:
    """What a buddy may read about the parent behind a proposal: nothing that names
    the family, and the subject only with the parent's consent to share."""

    place: str
    distance_km: float | None
    languages: str
    contact_modes: list[str]
    shared: bool
    school_types: list[str]
    issues: list[str]
    needs: list[str]
    deadline: str
    summary: list[str]


def _profile(match: Match) -> Profile:
    request: HelpRequest = match.request
    area = request.postcode
    spoken = dict(SpokenLanguage.choices)
    languages = ", ".join(str(spoken.get(c, c)) for c in request.languages or ["nl"])
    modes = dict(ContactMode.choices)
    distance = match.explanation.get("distance_km")
    # Whether the parent shares the subject, as one EXISTS (no consent rows read).
    shared = has_active_consent(request, ConsentPurpose.SHARE_WITH_BUDDY)
    codes: dict[str, list[str]] = {}
    deadline = ""
    if shared:
        own = codes_of([request.pk]).get(request.pk, [])
        for code in sorted(own, key=lambda c: (c.group, c.order)):
            group = "route" if code.group == CodeGroup.TRANSITION else code.group
            codes.setdefault(group, []).append(code.label)
        if request.deadline_on:
            deadline = request.get_deadline_kind_display() or _("Ja")
    # Only what speaks for the buddy, never "no shared experience".
    both_modes = [
        str(modes.get(m, m))
        for m in request.contact_modes
        if m in (match.buddy.contact_modes or ())
    ]
    summary = explain.for_buddy(
        match.explanation, experience_shared=shared, contact_modes=both_modes
    )
    return Profile(
        place=area.municipality.name,
        distance_km=float(distance) if distance is not None else None,
        languages=languages,
        contact_modes=[str(modes.get(m, m)) for m in request.contact_modes],
        shared=shared,
        school_types=codes.get("route", []),
        issues=codes.get("issue", []),
        needs=codes.get("need", []),
        deadline=deadline,
        summary=summary,
    )


def _render_proposal(
    request: HttpRequest,
    match: Match,
    *,
    form: DeclineForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "match": match,
        "match_statuses": MatchStatus,
        "holds_place": match.status in HOLDS_PLACE,
        "form": form or DeclineForm(),
        "error": error,
    }
    if match.status in HOLDS_PLACE:
        context["profile"] = _profile(match)
    return render(request, "matching/buddy/proposal.html", context, status=status)


@role_required(BUDDY, methods=["GET", "POST"])
def proposal(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """One proposal: the parent's situation without names, and yes or no."""
    actor = acting_membership(request)
    match = selectors.get_own_match(
        actor,
        match_id,
        selectors.own_matches(actor)
        .select_related("request__postcode__municipality", "buddy")
        # Texts the buddy never reads: not decrypted.
        .defer(
            "request__question",
            "request__intake_note",
            "request__information_given",
            "buddy__motivation",
        ),
    )
    if request.method != "POST":
        return _render_proposal(request, match)

    answer = request.POST.get("answer")
    if answer == "accept":
        try:
            services.accept(actor=actor, match=match)
        except DomainError as exc:
            match.refresh_from_db()
            return _render_proposal(request, match, error=exc.message, status=400)
        messages.success(
            request,
            _(
                "Dank u wel! U zegt ja. We vragen nu de ouder of die het goed vindt. "
                "U krijgt een e-mail."
            ),
        )
        return redirect("matching:proposals")
    if answer == "decline":
        form = DeclineForm(request.POST)
        error = ""
        if form.is_valid():
            try:
                services.decline(
                    actor=actor,
                    match=match,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                if exc.field in form.fields:
                    add_domain_error(form, exc)
                else:
                    # Not about a field ("already answered"): the form may not be
                    # on the page any more, so the message goes at the top.
                    error = exc.message
            else:
                messages.success(
                    request,
                    _(
                        "Dank u wel voor uw antwoord. De coördinator zoekt een andere "
                        "buddy."
                    ),
                )
                return redirect("matching:proposals")
        match.refresh_from_db()
        return _render_proposal(request, match, form=form, error=error, status=400)
    return _render_proposal(request, match, error=_("Kies ja of nee."), status=400)
