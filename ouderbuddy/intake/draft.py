"""The parent's answers while they go through the steps of the public form.

Kept in the (database-backed) session, so nothing is lost when the parent goes back, makes
an error, or continues a few minutes later; nothing is stored as a request until the last
step is submitted. Values are JSON-safe (dates as ISO strings).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest

from ouderbuddy.intake.models import ProfessionalReferral

SESSION_KEY = "intake_draft"


def get_draft(request: HttpRequest) -> dict[str, Any]:
    """The current draft: {"submission_key", "organisation_id", "referral_id", "values"}."""
    draft = request.session.get(SESSION_KEY)
    if not isinstance(draft, dict) or "submission_key" not in draft:
        draft = {
            "submission_key": str(uuid.uuid4()),
            "organisation_id": None,
            "referral_id": None,
            "values": {},
        }
        request.session[SESSION_KEY] = draft
    return draft


def save_values(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """Merge the cleaned values of one step into the draft."""
    draft = get_draft(request)
    draft["values"].update(values)
    request.session[SESSION_KEY] = draft
    request.session.modified = True
    return draft


def set_organisation(request: HttpRequest, organisation_id: str | None) -> None:
    draft = get_draft(request)
    draft["organisation_id"] = organisation_id
    request.session[SESSION_KEY] = draft
    request.session.modified = True


def clear_draft(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)


def start_for_referral(
    request: HttpRequest, referral: ProfessionalReferral
) -> dict[str, Any]:
    """A fresh draft for a parent who confirms a professional's referral: the organisation
    is known and the parent's name and e-mail address are filled in already."""
    clear_draft(request)
    draft = get_draft(request)
    draft["organisation_id"] = str(referral.organisation_id)
    draft["referral_id"] = str(referral.pk)
    draft["values"].update(
        {"full_name": referral.parent_name, "email": referral.parent_email}
    )
    request.session[SESSION_KEY] = draft
    return draft
