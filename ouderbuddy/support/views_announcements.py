"""Announcements: the coordinator writes and sees who read it; the buddy reads it on
the start page and marks it read."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.support import selectors, services_announcements
from ouderbuddy.support.forms import AnnouncementForm
from ouderbuddy.support.models import (
    AnnouncementRecipient,
    IntervisieGroup,
)
from ouderbuddy.training.models import Course

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]


def _choices(actor: Membership) -> tuple[dict[str, IntervisieGroup], dict[str, Course]]:
    groups = {
        str(g.pk): g
        for g in IntervisieGroup.objects.filter(
            organisation_id=actor.organisation_id, archived_at__isnull=True
        ).order_by("name")
    }
    courses = {
        str(c.pk): c
        for c in Course.objects.filter(organisation_id=actor.organisation_id).order_by(
            "title"
        )
    }
    return groups, courses


@role_required(COORDINATOR)
def announcements(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    return render(
        request,
        "support/announcements.html",
        {"rows": selectors.visible_announcements(actor).order_by("-created_at")[:50]},
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def announcement_new(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    groups, courses = _choices(actor)
    form = AnnouncementForm(
        request.POST if request.method == "POST" else None,
        groups=[(k, g.name) for k, g in groups.items()],
        courses=[(k, c.title) for k, c in courses.items()],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services_announcements.send_announcement(
                actor=actor,
                title=data["title"],
                body=data["body"],
                audience=data["audience"],
                group=groups.get(data.get("group") or ""),
                course=courses.get(data.get("course") or ""),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            count = AnnouncementRecipient.objects.filter(announcement=sent).count()
            messages.success(
                request,
                ngettext(
                    "Het bericht is naar %(n)d buddy gestuurd.",
                    "Het bericht is naar %(n)d buddy's gestuurd.",
                    count,
                )
                % {"n": count},
            )
            return redirect("support:announcement", announcement_id=sent.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "support/announcement_form.html", {"form": form}, status=status
    )


@role_required(COORDINATOR)
def announcement(request: SignedInRequest, announcement_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.get_announcement_for(actor, announcement_id)
    # Only the names are shown: read as values, not as buddy records.
    unread = (
        AnnouncementRecipient.objects.filter(
            organisation_id=actor.organisation_id,
            announcement=found,
            read_at__isnull=True,
        )
        .order_by("buddy__full_name", "pk")
        .values_list("buddy__full_name", flat=True)
    )
    return render(
        request,
        "support/announcement.html",
        {"announcement": found, "unread": list(unread)},
    )


@role_required(BUDDY)
def my_announcements(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    rows = (
        AnnouncementRecipient.objects.filter(
            organisation_id=actor.organisation_id, buddy__user_id=actor.user_id
        )
        .select_related("announcement")
        .order_by("-created_at")[:50]
    )
    return render(request, "support/my_announcements.html", {"rows": rows})


@role_required(BUDDY, methods=["POST"])
def mark_read(request: SignedInRequest, announcement_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.announcement_to_buddy(actor, announcement_id)
    try:
        services_announcements.mark_announcement_read(actor=actor, announcement=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Gelezen. U vindt het bericht terug bij Berichten.")
        )
    return redirect("dashboard:start")
