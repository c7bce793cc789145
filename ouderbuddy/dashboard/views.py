"""Start pages per role (the buddy's assembled here from buddies', matching's and
casework's parts), the public landing page, and the Dutch error pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ouderbuddy.buddies.sections import start_checklist
from ouderbuddy.casework.selectors_buddy import active_summaries
from ouderbuddy.dashboard.panels import panels_for
from ouderbuddy.matching.selectors import buddy_matches
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.reports import selectors as reports
from ouderbuddy.reports.models import Activity
from ouderbuddy.support.selectors import unread_announcements

START_TEMPLATES = {
    Role.COORDINATOR: "dashboard/start_coordinator.html",
    Role.BUDDY: "dashboard/start_buddy.html",
    Role.MANAGER: "dashboard/start_manager.html",
    Role.NETWORK_ADMIN: "dashboard/start_network_admin.html",
}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The public landing page; signed-in people go to their start page."""
    if request.user.is_authenticated:
        return redirect("dashboard:start")
    return render(request, "dashboard/home.html")


def buddy_start_context(actor: Membership) -> dict[str, Any]:
    """What the buddy's start page shows: the checklist and the next step (buddies),
    the proposals and matches on their way (matching), the running matches with
    their summary (casework), and unread messages from the coordinators (support)."""
    part = start_checklist(actor)
    if part is None:
        return {"buddy": None}
    matches = buddy_matches(actor, part.buddy)
    next_step = part.next_step
    # A proposal or a match says more than "ready to be matched" (a pause or a stop
    # still comes first).
    if matches.next_step and not part.held:
        next_step = matches.next_step
    return {
        "buddy": part.buddy,
        "items": part.items,
        "next_step": next_step,
        "matchable": part.matchable,
        "profile_url": reverse("buddies:portal_profile"),
        "open_proposals": matches.open_proposals,
        "starting_matches": matches.starting,
        # "Mijn koppelingen": two taps from here to a logged contact.
        "active_matches": active_summaries(actor, part.buddy),
        # Messages from the coordinators, until read (support).
        "announcements": unread_announcements(actor),
    }


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """The start page of the role the person acts in now."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    membership = getattr(request, "membership", None)
    if membership is None:
        return render(request, "dashboard/start_no_membership.html")
    context: dict[str, Any] = {}
    if membership.role == Role.COORDINATOR:
        context["panels"] = panels_for(membership)
        context["quick_hours"] = {
            "today": timezone.localdate(),
            "activities": Activity.choices,
        }
    elif membership.role == Role.MANAGER:
        context["headline"] = reports.headline(membership.organisation)
    elif membership.role == Role.BUDDY:
        context.update(buddy_start_context(membership))
    return render(request, START_TEMPLATES[membership.role], context)


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, status=status)


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, "400.html", 400)


def permission_denied(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, "403.html", 403)


def page_not_found(
    request: HttpRequest, exception: Exception | None = None
) -> HttpResponse:
    return _error(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be the thing that failed.

    return HttpResponse(loader.get_template("500.html").render({}), status=500)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    return _error(request, "403_csrf.html", 403)
