"""The read side of organisations. Every query is scoped to the actor's organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from ouderbuddy.accounts.models import Invitation
from ouderbuddy.organisations.models import Membership, Role


def visible_memberships(actor: Membership) -> QuerySet[Membership]:
    """The members of the actor's organisation."""
    return (
        Membership.objects.filter(organisation_id=actor.organisation_id)
        .select_related("user")
        .order_by("-is_active", "role", "user__full_name")
    )


def get_membership_for(actor: Membership, membership_id: Any) -> Membership:
    """One membership of the actor's organisation; 404 when missing or not theirs."""
    try:
        return visible_memberships(actor).get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def visible_invitations(actor: Membership) -> QuerySet[Invitation]:
    """The invitations of the actor's organisation, newest first."""
    return Invitation.objects.filter(
        organisation_id=actor.organisation_id
    ).select_related("invited_by")


def get_invitation_for(actor: Membership, invitation_id: Any) -> Invitation:
    """One invitation of the actor's organisation; 404 when missing or not theirs."""
    try:
        return visible_invitations(actor).get(pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def can_manage_team(actor: Membership) -> bool:
    return actor.role == Role.COORDINATOR
