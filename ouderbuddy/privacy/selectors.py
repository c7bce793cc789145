"""The read side of privacy: the audit log of one organisation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from ouderbuddy.privacy.models import AuditEvent

if TYPE_CHECKING:
    from ouderbuddy.organisations.models import Membership


def visible_audit_events(actor: Membership) -> QuerySet[AuditEvent]:
    """The audit events of the actor's organisation, newest first, with what the log
    shows of each (not its details)."""
    return (
        AuditEvent.objects.filter(organisation_id=actor.organisation_id)
        .select_related("actor")
        .only("at", "verb", "target_label", "actor__full_name", "actor__email")
        .order_by("-at")
    )
