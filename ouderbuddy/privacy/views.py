"""The audit log page for coordinators."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.views import PER_PAGE, SignedInRequest, acting_membership
from ouderbuddy.privacy.selectors import visible_audit_events


@role_required([Role.COORDINATOR])
def audit_log(request: SignedInRequest) -> HttpResponse:
    """Who did or read what in this organisation, newest first, 50 a page."""
    paginator = Paginator(visible_audit_events(acting_membership(request)), PER_PAGE)
    page = paginator.get_page(request.GET.get("pagina"))
    # Each event with its time as `|date:"j F Y H:i"` writes it (in the current
    # time zone), formatted here: the filter costs more than the row.
    events = [
        (event, formats.date_format(timezone.localtime(event.at), "j F Y H:i"))
        for event in page.object_list
    ]
    return render(request, "privacy/audit_log.html", {"page": page, "events": events})
