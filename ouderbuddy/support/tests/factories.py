"""Intervisie groups and sessions made through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import TestCase
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.organisations.models import Membership
from ouderbuddy.support import services
from ouderbuddy.support.models import IntervisieGroup, IntervisieSession


def group(
    coordinator: Membership,
    buddies: list[Buddy],
    *,
    name: str = "Groep Oost",
    facilitator: Membership | None = None,
) -> IntervisieGroup:
    return services.create_group(
        actor=coordinator,
        name=name,
        facilitator=facilitator or coordinator,
        member_ids=[b.pk for b in buddies],
    )


def session(
    actor: Membership, group_: IntervisieGroup, *, days: int = 7, **fields: Any
) -> IntervisieSession:
    starts = timezone.now() + dt.timedelta(days=days)
    values: dict[str, Any] = {
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "theme": "Grenzen stellen",
        "method": "incident",
        "location": "Kantoor van het steunpunt",
    }
    values.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.plan_session(actor=actor, group=group_, **values)


def held(session_: IntervisieSession, *, days_ago: int = 1) -> IntervisieSession:
    """Move a planned session into the past (as if it took place)."""
    starts = timezone.now() - dt.timedelta(days=days_ago)
    IntervisieSession.objects.filter(pk=session_.pk).update(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    session_.refresh_from_db()
    return session_
