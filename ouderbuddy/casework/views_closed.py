"""The coordinator's list of closed matches: search, filters, sorting, pages and a
CSV download (no names, no notes)."""

from __future__ import annotations

from html import escape
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ouderbuddy.casework.closed import ClosedSearchForm, closed_matches, closed_page
from ouderbuddy.casework.models import CloseReason, Initiator
from ouderbuddy.intake import rows
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.csv_export import csv_response
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.services import record_event

COORDINATOR = [Role.COORDINATOR]


def _closed_rows(matches: Any) -> list[dict[str, Any]]:
    """Each card of the list (rows of `values`), its texts made here as the template's
    tags made them (one reverse and one translation of each text per page)."""
    url = rows.url_maker("matching:match", "match_id")
    dates = rows.LongDates()
    reasons = {value: str(label) for value, label in CloseReason.choices}
    initiators = {value: str(label) for value, label in Initiator.choices}
    names = _("Buddy %(buddy)s · ouder %(parent)s")
    who = _("besloten door: %(who)s")
    rematch = " · " + escape(_("opnieuw een buddy gezocht"))  # {% translate %} escapes
    span = _("Van %(start)s tot %(end)s")
    ended = _("Afgesloten op %(end)s")
    cards = []
    for m in matches:
        reason = m["closure__reason"]
        initiator = m["closure__initiator"]
        end = dates(m["closure__closed_on"])
        started_on = m["started_on"]
        cards.append(
            {
                "url": url(m["id"]),
                "reference": m["request__reference"],
                "names": rows.fill(
                    names, buddy=m["buddy__full_name"], parent=m["request__full_name"]
                ),
                "reason": reasons.get(reason, reason),
                "who": mark_safe(  # noqa: S308 - fill escapes, the rest is ours
                    rows.fill(who, who=initiators.get(initiator, initiator))
                    + (rematch if m["closure__rematch"] else "")
                ),
                "when": rows.fill(span, start=dates(started_on), end=end)
                if started_on
                else rows.fill(ended, end=end),
            }
        )
    return cards


# The filter fields of a list without filters, per language: the same for everyone
# (the choices are fixed), so drawn once per process.
_EMPTY_FIELDS: dict[str, dict[str, SafeString]] = {}


def _filter_fields(form: ClosedSearchForm) -> dict[str, SafeString]:
    """Each field as intake/triage/_filter_field.html draws it."""
    if any(name in form.data for name in form.fields):
        return {name: rows.filter_field_html(form[name]) for name in form.fields}
    language = get_language() or ""
    fields = _EMPTY_FIELDS.get(language)
    if fields is None:
        fields = {name: rows.filter_field_html(form[name]) for name in form.fields}
        _EMPTY_FIELDS[language] = fields
    return fields


@role_required(COORDINATOR)
def closed(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    form = ClosedSearchForm(request.GET)
    criteria = form.criteria()
    page = closed_page(actor, criteria, request.GET.get("pagina"))
    page.object_list = _closed_rows(page.object_list)  # worded cards
    return render(
        request,
        "casework/coordinator/closed.html",
        {
            "form": form,
            "fields": _filter_fields(form),
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
