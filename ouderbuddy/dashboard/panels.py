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


COORDINATOR_PANELS: list[Panel] = [
    Panel("new_requests", _("Nieuwe hulpvragen"), _("Er zijn geen nieuwe hulpvragen.")),
    Panel(
        "waiting_applicants",
        _("Aanmeldingen van buddy's die wachten"),
        _("Er wachten geen aanmeldingen op een volgende stap."),
    ),
    Panel(
        "expiring",
        _("VOG's en trainingen die bijna verlopen"),
        _("Er verloopt de komende 60 dagen niets."),
    ),
    Panel(
        "sessions",
        _("Komende trainingen met vrije plaatsen"),
        _("Er zijn geen trainingen gepland."),
    ),
]


def panels_for(actor: Membership) -> list[dict[str, Any]]:
    """Each panel with its rows for the actor's organisation."""
    return [{"panel": panel, "rows": panel.rows(actor)} for panel in COORDINATOR_PANELS]
