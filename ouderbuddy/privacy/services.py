"""Writing the audit log. Every service that changes state calls record_event."""

from __future__ import annotations

from typing import Any

from django.db import models

from ouderbuddy.privacy.models import AuditEvent


def record_event(
    *,
    actor: Any | None,
    organisation: Any | None,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; `data` must hold no sensitive content, only ids and codes."""
    user = actor if actor is None or not hasattr(actor, "user") else actor.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    target_type = target_id = target_label = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = str(target)[:200]
    return AuditEvent.objects.create(
        actor=user,
        organisation=organisation,
        verb=verb,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        data=data or {},
    )


def record_read(
    *, actor: Any, target: models.Model, organisation: Any | None = None
) -> AuditEvent:
    """Record that `actor` opened a sensitive record (AVG: who read which case)."""
    if organisation is None:
        organisation = getattr(target, "organisation", None)
    return record_event(
        actor=actor, organisation=organisation, verb="read", target=target
    )


def record_consent(
    *, organisation: Any, purpose: str, subject: models.Model, given_by: str
) -> Any:
    """Store a consent with the current text for `purpose`, exactly as it was shown."""
    from django.utils import translation

    from ouderbuddy.privacy.consent_texts import CURRENT
    from ouderbuddy.privacy.models import Consent

    text = CURRENT[purpose]
    with translation.override(translation.get_language() or "nl"):
        shown = str(text.text)
    return Consent.objects.create(
        organisation=organisation,
        purpose=purpose,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        given_by=given_by[:150],
        text_version=text.version,
        text=shown,
    )
