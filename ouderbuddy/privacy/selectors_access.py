"""The read side of subject access: open rights requests of an organisation, and the
buddy record behind a buddy's account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from ouderbuddy.privacy.models import RightRequest, RightStatus

if TYPE_CHECKING:
    from ouderbuddy.organisations.models import Membership


def open_right_requests(actor: Membership) -> QuerySet[RightRequest]:
    """The organisation's open rights requests, the nearest deadline first."""
    return RightRequest.objects.filter(
        organisation_id=actor.organisation_id, status=RightStatus.OPEN
    ).order_by("due_on", "received_at")


def open_right_request_rows(actor: Membership) -> list[dict[str, Any]]:
    """Each open request with whether its deadline has passed."""
    today = timezone.localdate()
    return [
        {
            "request": right,
            "overdue": right.due_on < today,
            "due_today": right.due_on == today,
        }
        for right in open_right_requests(actor)
    ]


def own_buddy_id(actor: Membership) -> Any:
    """The buddy record of the signed-in buddy in the organisation they act in, or
    Http404 (an account not linked to a buddy record)."""
    model = apps.get_model("buddies", "Buddy")
    pk = (
        model._base_manager.filter(
            user_id=actor.user_id, organisation_id=actor.organisation_id
        )
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        raise Http404
    return pk
