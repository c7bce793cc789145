"""Building help requests for tests through the real service."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.test import TestCase

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.services import RequestData, create_help_request
from ouderbuddy.organisations.models import Organisation


def request_data(**overrides: Any) -> RequestData:
    values: dict[str, Any] = {
        "asker": "parent",
        "full_name": "Sanne Jansen",
        "email": "sanne@example.nl",
        "child_name": "Noor",
        "postcode": "1012 AB",
        "question": "Mijn dochter zit sinds de herfstvakantie thuis. School zegt dat ze vol zitten.",
        "consent_processing": True,
        "child_birth_year": 2015,
        "child_grade": "groep 6",
        "codes": ["route.po_regular", "issue.out_of_school", "need.anxiety"],
        "out_of_school": True,
        "contact_modes": ["phone", "school_meeting"],
        "consent_share": True,
    }
    values.update(overrides)
    return RequestData(**values)


def submit(
    organisation: Organisation, *, key: uuid.UUID | None = None, **overrides: Any
) -> HelpRequest:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return create_help_request(
            organisation=organisation,
            data=request_data(**overrides),
            submission_key=key or uuid.uuid4(),
        )


def young_birth_date(years: int, today: dt.date) -> dt.date:
    """A birth date that makes someone exactly `years` old today."""
    return today.replace(year=today.year - years)
