"""Writing the audit log. Every service that changes state calls record_event."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.text import capfirst

from ouderbuddy.privacy.consent_texts import CURRENT
from ouderbuddy.privacy.models import AuditEvent, Consent

# Models whose str() names no person: an organisation, a reference list, a course.
# Everything else is described by a reference that means nothing outside the app.
NON_PERSONAL_LABELS = frozenset(
    {
        "organisations.organisation",
        "intake.referraltarget",
        "intake.organisationreferraltarget",
        "taxonomy.experiencecode",
        "training.course",
        "training.session",
        "regions.municipality",
        "regions.cooperationdistrict",
        "regions.postcodearea",
    }
)


def short_id(pk: Any) -> str:
    """The first 8 characters of an id: enough to tell rows apart on the log page."""
    return str(pk).replace("-", "")[:8]


def audit_label(target: models.Model) -> str:
    """How the audit log names `target`, without naming a person.

    The log is append-only: a parent's or buddy's erasure can never reach it, so it
    holds the help request's reference (HV-…), "Buddy <id>", or the kind of record
    and its short id (e.g. "Persoon 1a2b3c4d") instead of anyone's name or address.
    """
    kind = target._meta.label_lower
    if kind in NON_PERSONAL_LABELS:
        return str(target)[:200]
    if kind == "intake.helprequest":
        return str(getattr(target, "reference", "") or short_id(target.pk))
    if kind == "buddies.buddy":
        return f"Buddy {short_id(target.pk)}"
    if kind == "matching.match":
        request = getattr(target, "request", None)
        reference = getattr(request, "reference", "")
        label = f"Koppeling {short_id(target.pk)}"
        return f"{label} ({reference})" if reference else label
    with translation.override("nl"):
        name = capfirst(str(target._meta.verbose_name))
    return f"{name} {short_id(target.pk)}"


def record_event(
    *,
    actor: Any | None,
    organisation: Any | None,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; `data` must hold no sensitive content, only ids and codes.

    The target is stored by type, id and `audit_label` (never its str(), which may be
    a person's name).
    """
    if actor is not None and hasattr(actor, "user"):
        user_id = actor.user_id  # a membership: its user's key, without loading it
    elif getattr(actor, "is_authenticated", False):
        user_id = getattr(actor, "pk", None)
    else:
        user_id = None
    target_type = target_id = target_label = ""
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = audit_label(target)
    return AuditEvent.objects.create(
        actor_id=user_id,
        # An organisation or its key.
        organisation_id=getattr(organisation, "pk", organisation),
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
        organisation = getattr(target, "organisation_id", None)
    return record_event(
        actor=actor, organisation=organisation, verb="read", target=target
    )


def record_consent(
    *, organisation: Any, purpose: str, subject: models.Model, given_by: str
) -> Any:
    """Store a consent with the current text for `purpose`, exactly as it was shown."""

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
