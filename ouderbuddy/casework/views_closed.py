"""The coordinator's list of closed matches: search, filters, sorting, pages and a
CSV download (no names, no notes)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.casework.closed import ClosedSearchForm, closed_matches
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.csv_export import csv_response
from ouderbuddy.lib.views import PER_PAGE, SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.services import record_event

COORDINATOR = [Role.COORDINATOR]


@role_required(COORDINATOR)
def closed(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    form = ClosedSearchForm(request.GET)
    criteria = form.criteria()
    page = Paginator(closed_matches(actor, criteria), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    return render(
        request,
        "casework/coordinator/closed.html",
        {
            "form": form,
            "page": page,
            "searched": bool(criteria.keys() - {"sort"}),
            "filtered": bool(criteria.keys() - {"q"}),
        },
    )


@role_required(COORDINATOR)
def export_closed(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    criteria = ClosedSearchForm(request.GET).criteria()
    rows = []
    for match in closed_matches(actor, criteria):
        closure = match.closure
        days = (closure.closed_on - match.started_on).days if match.started_on else ""
        rows.append(
            [
                match.request.reference,
                match.started_on.isoformat() if match.started_on else "",
                closure.closed_on.isoformat(),
                days,
                closure.get_reason_display(),
                closure.get_initiator_display(),
                closure.rematch,
            ]
        )
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="match.export_closed",
        data={
            "rows": len(rows),
            "filters": {k: str(v) for k, v in criteria.items() if k != "q"},
            "searched_text": bool(criteria.get("q")),
        },
    )
    header = [
        _("Kenmerk hulpvraag"),
        _("Gestart op"),
        _("Afgesloten op"),
        _("Dagen gekoppeld"),
        _("Reden"),
        _("Wie besloot"),
        _("Opnieuw een buddy gezocht"),
    ]
    filename = f"afgesloten-koppelingen-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, header, rows)
