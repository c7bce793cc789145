"""Panels on the coordinator's start page. Each app that has something to show adds one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.panels import vog_renewals, waiting_applicants
from ouderbuddy.casework.selectors import (
    fit_alerts,
    open_signals,
    overdue_check_ins,
    quiet_matches,
)
from ouderbuddy.intake.selectors import (
    deadlines_within,
    inbox,
    waiting_too_long,
    working_days_between,
)
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.templatetags.ob_dates import days_ago_text
from ouderbuddy.matching.selectors import attention, gaps
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy.panels import open_rights_requests
from ouderbuddy.support.panels import (
    anniversaries,
    claims_to_review,
    unanswered_questions,
    without_intervisie,
)
from ouderbuddy.training.panels import refreshers_due
from ouderbuddy.training.selectors import upcoming_sessions_with_places


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    empty_text: str | Promise
    # Returns the rows to list; an empty list shows `empty_text`.
    rows: Callable[[Membership], list[Any]] = field(default=lambda actor: [])
    template: str = "dashboard/panel_rows.html"


def _waiting_applicants(actor: Membership) -> list[Any]:
    return waiting_applicants(actor)


def _expiring(actor: Membership) -> list[Any]:
    """VOGs to renew and refreshers due within 60 days, soonest first, ten at most."""
    rows = sorted([*vog_renewals(actor), *refreshers_due(actor)], key=lambda r: r[0])
    return [row for _day, row in rows[:10]]


def _sessions(actor: Membership) -> list[Any]:
    return [
        {
            "url": reverse("training:session_detail", args=[session.pk]),
            "label": ngettext(
                "%(course)s, %(date)s: %(free)d plaats vrij",
                "%(course)s, %(date)s: %(free)d plaatsen vrij",
                session.free_places,  # type: ignore[attr-defined]
            )
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


PANEL_ROWS = 10


def _request_row(request: Any, text: str) -> dict[str, Any]:
    return {
        "url": reverse("intake:detail", args=[request.pk]),
        "label": f"{request.reference}: {text}",
    }


def _new_requests(actor: Membership) -> list[Any]:
    """New requests, urgent first, then the oldest; with a link to all of them."""

    requests = inbox(actor)
    today = timezone.localdate()
    rows = []
    for request in requests[:PANEL_ROWS]:
        days = (today - timezone.localtime(request.received_at).date()).days
        text = gettext("%(child)s, %(ago)s ontvangen") % {
            "child": request.child_name,
            "ago": days_ago_text(days),
        }
        if request.urgent == 0:  # type: ignore[attr-defined]
            text += " · " + gettext("heeft haast")
        rows.append(_request_row(request, text))
    total = requests.count()
    if total > PANEL_ROWS:
        rows.append(
            {
                "url": reverse("intake:inbox"),
                "label": gettext("Alle %(n)d nieuwe hulpvragen") % {"n": total},
            }
        )
    return rows


def _waiting_too_long(actor: Membership) -> list[Any]:
    """Open requests older than the organisation's target in working days."""

    today = timezone.localdate()
    target = actor.organisation.request_wait_target_days
    rows = []
    for request in waiting_too_long(actor)[:PANEL_ROWS]:
        days = working_days_between(
            timezone.localtime(request.received_at).date(), today
        )
        rows.append(
            _request_row(
                request,
                ngettext(
                    "%(status)s, %(days)d werkdag (streeftijd %(target)d)",
                    "%(status)s, %(days)d werkdagen (streeftijd %(target)d)",
                    days,
                )
                % {
                    "status": request.get_status_display().lower(),
                    "days": days,
                    "target": target,
                },
            )
        )
    return rows


def _deadlines(actor: Membership) -> list[Any]:
    """Open requests with a deadline in the next 14 days (or already passed)."""

    today = timezone.localdate()
    rows = []
    for request in deadlines_within(actor, days=14)[:PANEL_ROWS]:
        assert request.deadline_on is not None  # the selector filters on it
        kind = request.get_deadline_kind_display() or gettext("Belangrijke datum")
        template = (
            gettext("%(kind)s op %(date)s (voorbij)")
            if request.deadline_on < today
            else gettext("%(kind)s op %(date)s")
        )
        rows.append(
            _request_row(
                request,
                template % {"kind": kind, "date": date_format(request.deadline_on)},
            )
        )
    return rows


def _gaps(actor: Membership) -> list[Any]:
    url = reverse("matching:overview") + "#tekort"
    return [
        {
            "url": url,
            "label": ngettext(
                "%(what)s: %(n)d wachtende hulpvraag",
                "%(what)s: %(n)d wachtende hulpvragen",
                len(gap.requests),
            )
            % {"what": gap.label, "n": len(gap.requests)},
        }
        for gap in gaps(actor.organisation_id)[:10]
    ]


def _proposals(actor: Membership) -> list[Any]:
    return attention(actor)


def _open_signals(actor: Membership) -> list[Any]:
    return open_signals(actor)


def _overdue_check_ins(actor: Membership) -> list[Any]:
    return overdue_check_ins(actor)


def _quiet_matches(actor: Membership) -> list[Any]:
    return quiet_matches(actor)


def _fit_alerts(actor: Membership) -> list[Any]:
    return fit_alerts(actor)


COORDINATOR_PANELS: list[Panel] = [
    # Safety first: a buddy's signal is the first thing a coordinator sees.
    Panel(
        "safety_signals",
        _("Zorgsignalen van buddy's"),
        _("Er zijn geen open zorgsignalen."),
        rows=_open_signals,
    ),
    Panel(
        "overdue_check_ins",
        _("Check-ins die te laat zijn"),
        _("Alle check-ins zijn op tijd gedaan."),
        rows=_overdue_check_ins,
    ),
    Panel(
        "quiet_matches",
        _("Stille koppelingen: 21 dagen of langer geen contact"),
        _("Bij elke lopende koppeling is de laatste 21 dagen contact geweest."),
        rows=_quiet_matches,
    ),
    Panel(
        "fit_alerts",
        _("Het klikt niet goed"),
        _("Niemand heeft gezegd dat het niet goed klikt."),
        rows=_fit_alerts,
    ),
    Panel(
        "unanswered_questions",
        _("Vragen van buddy's: twee werkdagen of langer zonder antwoord"),
        _("Elke vraag van een buddy is binnen twee werkdagen beantwoord."),
        rows=unanswered_questions,
    ),
    Panel(
        "claims_to_review",
        _("Declaraties die wachten op beoordeling"),
        _("Er wachten geen declaraties."),
        rows=claims_to_review,
    ),
    Panel(
        "rights_requests",
        _("Verzoeken over persoonsgegevens"),
        _("Er zijn geen open verzoeken over persoonsgegevens."),
        rows=open_rights_requests,
    ),
    Panel(
        "new_requests",
        _("Nieuwe hulpvragen"),
        _("Er zijn geen nieuwe hulpvragen."),
        rows=_new_requests,
    ),
    Panel(
        "waiting_requests",
        _("Hulpvragen die te lang wachten"),
        _("Er wacht geen hulpvraag langer dan de streeftijd."),
        rows=_waiting_too_long,
    ),
    Panel(
        "matching_attention",
        _("Koppelen: wat op u wacht"),
        _("Er wacht geen voorstel op u."),
        rows=_proposals,
    ),
    Panel(
        "gaps",
        _("Geen buddy met de juiste ervaring: wie moet u werven?"),
        _("Voor elke wachtende hulpvraag is een buddy vrij met passende ervaring."),
        rows=_gaps,
    ),
    Panel(
        "deadlines",
        _("Deadlines binnen 14 dagen"),
        _("Er is de komende 14 dagen geen belangrijke datum."),
        rows=_deadlines,
    ),
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
        "without_intervisie",
        _("Actieve buddy's zonder intervisie in de afgelopen zes maanden"),
        _("Alle actieve buddy's waren de afgelopen zes maanden bij een intervisie."),
        rows=without_intervisie,
    ),
    Panel(
        "anniversaries",
        _("Jubilea: een of vijf jaar buddy"),
        _("Er is de komende maand geen buddy die een of vijf jaar actief is."),
        rows=anniversaries,
    ),
    Panel(
        "sessions",
        _("Komende trainingen met vrije plaatsen"),
        _("Er zijn geen trainingen met vrije plaatsen gepland."),
        rows=_sessions,
    ),
]


def panels_for(actor: Membership) -> list[dict[str, Any]]:
    """Each panel with its rows for the actor's organisation. No panel depends on who
    the coordinator is, so the rows are kept per organisation in the shared cache
    until its data changes (ouderbuddy.lib.org_cache)."""

    def compute() -> list[list[Any]]:
        return [panel.rows(actor) for panel in COORDINATOR_PANELS]

    rows = org_cache.remember(actor.organisation_id, "start-panels", compute)
    return [
        {"panel": panel, "rows": panel_rows}
        for panel, panel_rows in zip(COORDINATOR_PANELS, rows, strict=True)
    ]
