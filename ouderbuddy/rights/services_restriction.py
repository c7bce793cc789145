"""Restriction on request (AVG art. 18): a parent's case is frozen. It stays as it is;
only the coordinators see it (the buddy's pages leave it out); nothing is sent to the
parent; it is not proposed to a buddy and the retention job leaves it until the
restriction is lifted. Used while a parent contests the accuracy of their data or
objects, or wants it kept instead of erased."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import RightKind, RightRequest, RightStatus
from ouderbuddy.privacy.services import record_event


def _locked(actor: Any, request: HelpRequest) -> HelpRequest:
    found: HelpRequest = HelpRequest.objects.select_for_update().get(
        pk=request.pk, organisation_id=actor.organisation_id
    )
    if found.anonymised_at is not None:
        raise DomainError(_("De gegevens van deze hulpvraag zijn gewist."))
    return found


def restrict(actor: Any, request: HelpRequest, *, reason: str) -> HelpRequest:
    """Freeze the case of `request`, with the reason the parent gave."""
    reason = reason.strip()
    if len(reason) < 10:
        raise DomainError(
            _("Schrijf in een paar woorden waarom (minstens 10 tekens)."),
            field="reason",
        )
    with transaction.atomic():
        request = _locked(actor, request)
        if request.restricted_at is not None:
            raise DomainError(_("De verwerking van deze hulpvraag is al beperkt."))
        now = timezone.now()
        request.restricted_at = now
        request.save(update_fields=["restricted_at", "updated_at"])
        RightRequest.objects.create(
            organisation_id=actor.organisation_id,
            kind=RightKind.RESTRICTION,
            subject_type="intake.helprequest",
            subject_id=str(request.pk),
            subject_label=request.reference,
            received_at=now,
            due_on=now.date(),
            channel="coordinator",
            status=RightStatus.DONE,
            done_at=now,
            done_by_id=actor.user_id,
            outcome=reason[:300],
        )
        record_event(
            actor=actor,
            organisation=actor.organisation_id,
            verb="privacy.restriction",
            target=request,
        )
        org_cache.changed(actor.organisation_id)
    return request


def lift(actor: Any, request: HelpRequest) -> HelpRequest:
    """End the restriction: the case is processed again as before."""
    with transaction.atomic():
        request = _locked(actor, request)
        if request.restricted_at is None:
            raise DomainError(_("De verwerking van deze hulpvraag is niet beperkt."))
        request.restricted_at = None
        request.save(update_fields=["restricted_at", "updated_at"])
        record_event(
            actor=actor,
            organisation=actor.organisation_id,
            verb="privacy.restriction_lifted",
            target=request,
        )
        org_cache.changed(actor.organisation_id)
    return request
