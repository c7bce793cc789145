"""The read side of buddies. Coordinators see their organisation's buddies; a buddy sees
only their own record."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ouderbuddy.buddies.models import Buddy, Interview
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.models import Consent


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


# The pipeline shows at most this many buddies (the counts are always complete).
PIPELINE_LIMIT = 500


def pipeline_buddies(actor: Membership, query: str, status: str) -> list[Buddy]:
    """The buddies of the pipeline page: searched by name or e-mail address, of one
    status when `status` is given, longest in their status first."""
    # The list shows no encrypted text: the motivation is not decrypted per row.
    buddies = (
        visible_buddies(actor)
        .select_related("postcode__municipality")
        .defer("motivation")
    )
    if query:
        buddies = buddies.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query)
        )
    if status:
        buddies = buddies.filter(status=status)
    return list(buddies.order_by("status_changed_at")[:PIPELINE_LIMIT])


def status_counts(actor: Membership) -> dict[str, int]:
    """How many visible buddies each status has."""
    return dict(
        visible_buddies(actor)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )


def interview_of(buddy: Buddy) -> Interview | None:
    return Interview.objects.filter(buddy=buddy).first()


def consents_of(buddy: Buddy) -> QuerySet[Consent]:
    """The consents recorded for the buddy (the buddy page lists them)."""
    return Consent.objects.filter(
        organisation_id=buddy.organisation_id,
        subject_type="buddies.buddy",
        subject_id=str(buddy.pk),
    )
