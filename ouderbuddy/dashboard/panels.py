"""Panels on the coordinator's start page. Each app that has something to show adds one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouderbuddy.organisations.models import Membership


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    empty_text: str | Promise
    # Returns the rows to list; an empty list shows `empty_text`.
    rows: Callable[[Membership], list[Any]] = field(default=lambda actor: [])
    template: str = "dashboard/panel_rows.html"


def _waiting_applicants(actor: Membership) -> list[Any]:
    from ouderbuddy.buddies.panels import waiting_applicants

    return waiting_applicants(actor)


def _expiring(actor: Membership) -> list[Any]:
    from ouderbuddy.buddies.panels import expiring

    return expiring(actor)


def _sessions(actor: Membership) -> list[Any]:
    from django.urls import reverse
    from django.utils.formats import date_format
    from django.utils.timezone import localtime
    from django.utils.translation import gettext as _t

    from ouderbuddy.training.selectors import upcoming_sessions_with_places

    return [
        {
            "url": reverse("training:session_detail", args=[session.pk]),
            "label": _t("%(course)s, %(date)s: %(free)d plaatsen vrij")
            % {
                "course": session.course.title,
                "date": date_format(localtime(session.starts_at), "j F H:i"),
                "free": session.free_places,  # type: ignore[attr-defined]
            },
        }
        for session in upcoming_sessions_with_places(actor, days=60).select_related(
            "course"
        )[:10]
    ]


COORDINATOR_PANELS: list[Panel] = [
    Panel("new_requests", _("Nieuwe hulpvragen"), _("Er zijn geen nieuwe hulpvragen.")),
    Panel(
        "waiting_applicants",
        _("Aanmeldingen die langer dan 14 dagen wachten"),
        _("Er wachten geen aanmeldingen langer dan 14 dagen op een volgende stap."),
        rows=_waiting_applicants,
    ),
    Panel(
        "expiring",
        _("VOG's en opfristrainingen die binnen 60 dagen verlopen"),
        _("Er verloopt de komende 60 dagen niets."),
        rows=_expiring,
    ),
    Panel(
        "sessions",
        _("Komende trainingen met vrije plaatsen"),
        _("Er zijn geen trainingen met vrije plaatsen gepland."),
        rows=_sessions,
    ),
]


def panels_for(actor: Membership) -> list[dict[str, Any]]:
    """Each panel with its rows for the actor's organisation."""
    return [{"panel": panel, "rows": panel.rows(actor)} for panel in COORDINATOR_PANELS]
