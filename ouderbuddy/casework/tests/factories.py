"""An active match, made through the matching services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import TestCase
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.organisations.models import Membership


def active_match(
    coordinator: Membership, buddy: Buddy | None = None, **request_fields: Any
) -> Match:
    """Proposed, accepted, agreed, introduction planned and started today."""
    buddy = buddy or matchable_buddy(coordinator.organisation)
    request = waiting_request(coordinator, **request_fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = matching.propose(actor=coordinator, request=request, buddy=buddy)
        matching.accept(actor=buddy_membership(buddy), match=match)
        matching.parent_agrees(request=request, match=match)
        matching.plan_introduction(
            actor=coordinator,
            match=match,
            at=timezone.now() + dt.timedelta(hours=1),
            mode="video",
        )
        # The introduction has taken place (a match starts on or after its day).
        Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
        matching.activate(
            actor=coordinator, match=match, started_on=timezone.localdate()
        )
    match.refresh_from_db()
    return match
