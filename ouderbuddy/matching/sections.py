"""Matching's sections of the screens a higher app assembles: the coordinator's match
page (casework.views_match) and the parent's status page (casework.views_parent).
Each function returns one section's template context."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.matching import explain, forms, services
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    PENDING,
    Match,
    MatchEvent,
    MatchStatus,
)

# --- The coordinator's match page ----------------------------------------------------


def match_facts(match: Match) -> dict[str, Any]:
    """The score the match was proposed with, in words."""
    return {
        "explanation": explain.explain(match.explanation)
        if match.explanation
        else None,
        "points": explain.points(match.score),
    }


# The match page's history, compiled once per process (lib.prepared), scoped to the
# match's organisation.
_EVENTS = Prepared(
    lambda organisation_id, match_id: MatchEvent.objects.filter(
        organisation_id=organisation_id, match_id=match_id
    ).values(
        "at",
        "code",
        "params",
        "description",
        "by_parent",
        "actor",
        "actor__full_name",
    )
)


def match_history(match: Match) -> dict[str, list[dict[str, Any]]]:
    """The match's history rows with who wrote them, read as the columns the list
    shows and worded here as `MatchEvent.text` words them (rows with `at`, `text`,
    `actor` (its `full_name`, or None) and `by_parent`)."""
    history = MatchEvent.history()
    return {
        "events": [
            {
                "at": event["at"],
                "text": history.word(
                    event["code"], event["params"], event["description"] or ""
                ),
                "actor": {"full_name": event["actor__full_name"]}
                if event["actor"] is not None
                else None,
                "by_parent": event["by_parent"],
            }
            for event in _EVENTS.rows(match.organisation_id, match.pk)
        ]
    }


def match_actions(match: Match) -> dict[str, Any]:
    """The forms the match's status allows now: plan the introduction, start the match
    (or the day from which it can start), stop the proposal."""
    section: dict[str, Any] = {
        "plan_form": None,
        "activate_form": None,
        "cancel_form": forms.CancelForm() if match.status in PENDING else None,
    }
    if match.status in (MatchStatus.AGREED, MatchStatus.INTRODUCTION_PLANNED):
        initial = {}
        if match.introduction_at:
            local = timezone.localtime(match.introduction_at)
            initial = {
                "day": local.date(),
                "time": local.time(),
                "mode": match.introduction_mode,
                "place": match.introduction_place,
                "coordinator_present": match.coordinator_present,
            }
        section["plan_form"] = forms.PlanForm(initial=initial)
    if services.can_activate(match):
        section["activate_form"] = forms.ActivateForm(
            initial={"started_on": timezone.localdate()}
        )
    elif match.status == MatchStatus.INTRODUCTION_PLANNED:
        # Starting comes after the introduction: no button before its day.
        section["starts_from"] = services.introduction_date(match)
    return section


# --- The parent's status page --------------------------------------------------------

# What the parent reads as "where your request stands" while a buddy is proposed.
PARENT_MATCH_STATES = {
    MatchStatus.PROPOSED: gettext_lazy("We hebben een buddy gevraagd"),
    MatchStatus.ACCEPTED: gettext_lazy("De buddy wil graag: nu kiest u"),
    MatchStatus.AGREED: gettext_lazy("U zei ja: de kennismaking wordt gepland"),
    MatchStatus.INTRODUCTION_PLANNED: gettext_lazy("Kennismaking gepland"),
}
# A proposal that ended before the start (the request waits again).
FELL_THROUGH = (
    MatchStatus.DECLINED,
    MatchStatus.EXPIRED,
    MatchStatus.PARENT_DECLINED,
    MatchStatus.CANCELLED,
)


# What the status page shows of the parent's match and its buddy (and what the
# support part reads of it): only these columns are read.
PARENT_MATCH_FIELDS = (
    "organisation",
    "request",
    "buddy",
    "status",
    "status_changed_at",
    "introduction_at",
    "introduction_mode",
    "introduction_place",
    "coordinator_present",
    "started_on",
    "buddy__full_name",
    "buddy__introduction",
)


def parent_proposal(help_request: HelpRequest) -> dict[str, Any]:
    """The proposal or match running now for the parent's request, the step it is at
    in the parent's words, and (back on the waiting list) the proposal that fell
    through."""
    # The database allows one running proposal or match at most.
    buddy_match = (
        Match.objects.filter(request=help_request, status__in=HOLDS_PLACE)
        .select_related("buddy")
        .only(*PARENT_MATCH_FIELDS)
        .first()
    )
    fell_through = None
    if help_request.status == RequestStatus.WAITING:
        fell_through = (
            Match.objects.filter(request=help_request, status__in=FELL_THROUGH)
            .only("status", "status_changed_at")
            .order_by("-status_changed_at")
            .first()
        )
    return {
        "buddy_match": buddy_match,
        # During matching the step of the proposal says where the request is.
        "state_label": PARENT_MATCH_STATES.get(MatchStatus(buddy_match.status))
        if buddy_match and help_request.status == RequestStatus.MATCHING
        else None,
        "fell_through": fell_through,
        "match_statuses": MatchStatus,
    }


def last_closed_match(help_request: HelpRequest) -> Match | None:
    """The parent's match that closed last, with its buddy."""
    return (
        Match.objects.filter(request=help_request, status=MatchStatus.CLOSED)
        .select_related("buddy")
        .only(*PARENT_MATCH_FIELDS)
        .order_by("-status_changed_at")
        .first()
    )
