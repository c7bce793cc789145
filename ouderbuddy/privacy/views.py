"""The privacy pages for coordinators: the overview, and the audit log with its filter
and CSV download."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.csv_export import csv_response
from ouderbuddy.lib.views import PER_PAGE, SignedInRequest, acting_membership
from ouderbuddy.privacy.forms import AuditFilterForm
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.privacy.selectors import AuditFilter, filtered_audit_events
from ouderbuddy.privacy.services import record_event
from ouderbuddy.privacy.verbs import verb_label

# The audit log names who read which case: coordinators only (there is no privacy
# officer role; a manager sees figures, not cases).
AUDIT_ROLES = [Role.COORDINATOR]
# The register and the overview are about the organisation, not about cases.
OVERVIEW_ROLES = [Role.COORDINATOR, Role.MANAGER]


def _optional_url(name: str) -> str | None:
    """A page built by another part of the privacy work, once it exists."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@role_required(OVERVIEW_ROLES)
def overview(request: SignedInRequest) -> HttpResponse:
    """What the organisation keeps and how it guards it, one link each."""
    actor = acting_membership(request)
    coordinator = actor.role == Role.COORDINATOR
    return render(
        request,
        "privacy/overview.html",
        {
            "coordinator": coordinator,
            "retention_url": _optional_url("privacy:retention"),
            "rights_url": _optional_url("privacy:right_requests")
            if coordinator
            else None,
            "organisation_id": actor.organisation_id,
        },
    )


def _filter_form(request: SignedInRequest) -> tuple[AuditFilterForm, AuditFilter]:
    actor = acting_membership(request)
    query = request.GET.copy()
    query.pop("pagina", None)
    form = AuditFilterForm(query or None, organisation_id=actor.organisation_id)
    return form, form.criteria() if query else AuditFilter()


def _when(event: AuditEvent) -> str:
    return formats.date_format(timezone.localtime(event.at), "j F Y H:i")


def _who(event: AuditEvent) -> str:
    if event.actor_id is None:
        return _("Het systeem")
    user = event.actor
    return str(getattr(user, "full_name", "") or getattr(user, "email", "")) or "—"


@role_required(AUDIT_ROLES)
def audit_log(request: SignedInRequest) -> HttpResponse:
    """Who did or read what in this organisation, newest first, filtered, by page."""
    actor = acting_membership(request)
    form, criteria = _filter_form(request)
    invalid = form.is_bound and not form.is_valid()
    paginator = Paginator(filtered_audit_events(actor, criteria), PER_PAGE)
    page = paginator.get_page(request.GET.get("pagina"))
    # Each event's time formatted here: the |date filter costs more than the row.
    events = [
        (event, _when(event), _who(event), verb_label(event.verb))
        for event in page.object_list
    ]
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "privacy/audit_log.html",
        {
            "form": form,
            "filtered": form.is_bound and not invalid,
            "page": page,
            "events": events,
            "query": query.urlencode(),
        },
        status=400 if invalid else 200,
    )


def _csv_rows(events: Any) -> Iterator[list[str]]:
    for event in events.iterator(chunk_size=500):
        yield [_when(event), _who(event), verb_label(event.verb), event.target_label]


@role_required(AUDIT_ROLES)
def audit_log_csv(request: SignedInRequest) -> HttpResponse:
    """The filtered audit log as a CSV file; the download is itself an audit event."""
    actor = acting_membership(request)
    form, criteria = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return audit_log(request)
    events = filtered_audit_events(actor, criteria)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="privacy.audit.export",
        data={"filtered": form.is_bound},
    )
    header = [_("Tijdstip"), _("Wie"), _("Handeling"), _("Waarover")]
    filename = f"auditlog-{timezone.localdate():%Y-%m-%d}.csv"
    return csv_response(filename, header, _csv_rows(events))
