"""Rectification on request (AVG art. 16): the coordinator corrects a parent's or a
buddy's personal details. The audit line names the fields that changed, never their
old or new values; a done rights request records that it was handled."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import RightKind, RightRequest, RightStatus
from ouderbuddy.privacy.services import audit_label, record_event

PARENT_FIELDS = (
    "full_name",
    "email",
    "phone",
    "child_name",
    "child_birth_year",
    "child_grade",
    "school_name",
)
BUDDY_FIELDS = ("full_name", "email", "phone")


def _record(actor: Any, target: Any, changed: list[str]) -> None:
    now = timezone.now()
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="privacy.rectification",
        target=target,
        data={"fields": changed},
    )
    RightRequest.objects.create(
        organisation_id=actor.organisation_id,
        kind=RightKind.RECTIFICATION,
        subject_type=target._meta.label_lower,
        subject_id=str(target.pk),
        subject_label=audit_label(target),
        received_at=now,
        due_on=now.date(),
        channel="coordinator",
        status=RightStatus.DONE,
        done_at=now,
        done_by_id=actor.user_id,
    )


def _changes(target: Any, fields: tuple[str, ...], values: dict[str, Any]) -> list[str]:
    return [
        name
        for name in fields
        if name in values and getattr(target, name) != values[name]
    ]


def correct_parent(
    actor: Any, request: HelpRequest, values: dict[str, Any]
) -> list[str]:
    """Correct the parent's details on `request`; the names of the fields changed."""
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().get(
            pk=request.pk, organisation_id=actor.organisation_id
        )
        if request.anonymised_at is not None:
            raise DomainError(_("De gegevens van deze hulpvraag zijn gewist."))
        changed = _changes(request, PARENT_FIELDS, values)
        if not changed:
            raise DomainError(_("Er is niets veranderd."))
        for name in changed:
            setattr(request, name, values[name])
        request.save(update_fields=[*changed, "updated_at"])
        _record(actor, request, changed)
    return changed


def correct_buddy(actor: Any, buddy: Buddy, values: dict[str, Any]) -> list[str]:
    """Correct a buddy's name and contact details (and the account's, when linked)."""
    with transaction.atomic():
        buddy = Buddy.objects.select_for_update().get(
            pk=buddy.pk, organisation_id=actor.organisation_id
        )
        if buddy.anonymised_at is not None:
            raise DomainError(_("De gegevens van deze buddy zijn gewist."))
        changed = _changes(buddy, BUDDY_FIELDS, values)
        if not changed:
            raise DomainError(_("Er is niets veranderd."))
        if buddy.user_id is not None and ("email" in changed or "full_name" in changed):
            users = get_user_model().objects
            email = values.get("email", buddy.email)
            if users.filter(email__iexact=email).exclude(pk=buddy.user_id).exists():
                raise DomainError(
                    _("Dit e-mailadres hoort al bij een ander account."), field="email"
                )
            users.filter(pk=buddy.user_id).update(
                email=email.lower(), full_name=values.get("full_name", buddy.full_name)
            )
        for name in changed:
            setattr(buddy, name, values[name])
        buddy.save(update_fields=[*changed, "updated_at"])
        org_cache.changed(buddy.organisation_id)
        _record(actor, buddy, changed)
    return changed
