"""Building buddies for tests through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import TestCase
from django.utils import timezone

from ouderbuddy.buddies import services
from ouderbuddy.buddies.models import AgreementKind, Buddy
from ouderbuddy.organisations.models import Membership, Organisation


def application_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "full_name": "Fatima El Amrani",
        "email": "fatima@example.nl",
        "phone": "",
        "gender": "female",
        "motivation": "Mijn zoon zat een jaar thuis. Ik weet hoe zwaar dat is.",
        "experience_codes": ["route.so_c4", "issue.out_of_school", "need.autism"],
        "experience_unsaid": False,
        "hours_per_month": 8,
        "commitment_months": 12,
        "postcode": "1012 AB",
        "travel_km": 10,
        "languages": ["nl", "ar"],
        "contact_modes": ["phone", "school_meeting"],
        "availability": "Doordeweeks overdag",
        "how_heard": "",
        "consent": True,
    }
    data.update(overrides)
    return data


def apply(organisation: Organisation, **overrides: Any) -> Buddy:
    with TestCase.captureOnCommitCallbacks(execute=True):
        result = services.submit_application(
            organisation=organisation, **application_data(**overrides)
        )
    return result.buddy


def screened(actor: Membership, buddy: Buddy, *, outcome: str = "suitable") -> Buddy:
    """Introduction held, moved to screening, interview recorded."""
    today = timezone.localdate()
    services.advance_buddy(actor=actor, buddy=buddy)
    services.record_introduction(actor=actor, buddy=buddy, held_on=today)
    services.advance_buddy(actor=actor, buddy=buddy)
    services.record_interview(
        actor=actor,
        buddy=buddy,
        held_on=today,
        experience_processed=3,
        experience_processed_note="",
        listening=4,
        listening_note="",
        reflection=3,
        reflection_note="",
        boundaries=3,
        boundaries_note="",
        communication=4,
        communication_note="",
        outcome=outcome,
    )
    buddy.refresh_from_db()
    return buddy


def paperwork_done(actor: Membership, buddy: Buddy) -> Buddy:
    today = timezone.localdate()
    services.record_vog(
        actor=actor,
        buddy=buddy,
        requested_on=today - dt.timedelta(days=20),
        issued_on=today - dt.timedelta(days=5),
        screening_profile="45 Gezondheidszorg en welzijn",
    )
    for kind in AgreementKind.values:
        services.record_agreement(actor=actor, buddy=buddy, kind=kind, signed_on=today)
    buddy.refresh_from_db()
    return buddy
