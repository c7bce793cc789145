"""The read side of buddies. Coordinators see their organisation's buddies; a buddy sees
only their own record."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.organisations.models import Membership, Role


def visible_buddies(actor: Membership) -> QuerySet[Buddy]:
    """All buddies of the actor's organisation (coordinators only; others see none)."""
    if actor.role != Role.COORDINATOR:
        return Buddy.objects.none()
    return Buddy.objects.filter(organisation_id=actor.organisation_id)


def get_buddy_for(actor: Membership, buddy_id: Any) -> Buddy:
    """One buddy of the actor's organisation; 404 when missing or not theirs."""
    try:
        return visible_buddies(actor).get(pk=buddy_id)
    except (Buddy.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_own_buddy(actor: Membership) -> Buddy:
    """The buddy record of the signed-in buddy in the acting organisation; 404 if none."""
    buddy = Buddy.objects.filter(
        organisation_id=actor.organisation_id, user_id=actor.user_id
    ).first()
    if buddy is None:
        raise Http404
    return buddy
