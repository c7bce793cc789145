"""The buddies part of the screens a higher app assembles: the buddy's start page
(`dashboard.views`) shows the checklist and its next step from here."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from ouderbuddy.buddies import checklist, selectors, services
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.organisations.models import Membership


@dataclass(frozen=True)
class StartChecklist:
    """The signed-in buddy's own record, checklist and next step. `held`: paused or
    stopped, so that step comes before any match's."""

    buddy: Buddy
    items: list[checklist.Item]
    next_step: str
    matchable: bool
    held: bool


def start_checklist(actor: Membership) -> StartChecklist | None:
    """The checklist part of the buddy's start page; None without a buddy record in
    the acting organisation."""
    try:
        buddy = selectors.get_own_buddy(actor)
    except Http404:
        return None
    facts = services.facts_for(buddy)
    return StartChecklist(
        buddy=buddy,
        items=checklist.items(facts),
        next_step=checklist.next_step(facts, for_buddy=True),
        matchable=checklist.is_matchable(facts),
        held=facts.status in (BuddyStatus.PAUSED, BuddyStatus.STOPPED),
    )
