"""Matchable buddies and waiting requests for matching tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.test import TestCase
from django.utils import timezone

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import (
    AgreementKind,
    AgreementSignature,
    Buddy,
    BuddyStatus,
    Interview,
)
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import PostcodeArea
from ouderbuddy.taxonomy.models import ExperienceCode
from ouderbuddy.training.models import Qualification, QualificationKind

DEFAULT_CODES = ("route.po_regular", "issue.out_of_school", "need.anxiety")


def matchable_buddy(
    organisation: Organisation,
    name: str = "Bea Buddy",
    *,
    codes: Sequence[str] = DEFAULT_CODES,
    user: User | None = None,
    postcode: str = "1012",
    **fields: Any,
) -> Buddy:
    """An active buddy with every checklist item done (VOG, agreements, interview,
    account, basic training), so the engine sees them as matchable."""
    today = timezone.localdate()
    if user is None:
        email = fields.pop("email", f"{name.split()[0].lower()}@buddy.test")
        user = User.objects.create_user(email, "demo-wachtwoord-2026", full_name=name)
        Membership.objects.create(organisation=organisation, user=user, role=Role.BUDDY)
    values: dict[str, Any] = {
        "organisation": organisation,
        "user": user,
        "full_name": name,
        "email": user.email,
        "gender": "female",
        "motivation": "Ik wil andere ouders helpen.",
        "hours_per_month": 8,
        "commitment_months": 12,
        "postcode": PostcodeArea.objects.get(pk=postcode),
        "travel_km": 15,
        "languages": ["nl"],
        "contact_modes": ["phone", "school_meeting"],
        "max_matches": 1,
        "status": BuddyStatus.ACTIVE,
        "introduction_held_on": today - dt.timedelta(days=60),
        "vog_requested_on": today - dt.timedelta(days=50),
        "vog_issued_on": today - dt.timedelta(days=40),
        "vog_valid_until": today + dt.timedelta(days=365 * 3),
        "introduction": "Moeder van twee; mijn zoon zat een jaar thuis.",
    }
    values.update(fields)
    buddy = Buddy.objects.create(**values)
    buddy.lived_experience.set(ExperienceCode.objects.filter(code__in=codes))
    Interview.objects.create(
        organisation=organisation,
        buddy=buddy,
        held_on=today - dt.timedelta(days=55),
        experience_processed=3,
        listening=4,
        reflection=3,
        boundaries=3,
        communication=4,
        outcome="suitable",
    )
    for kind in AgreementKind.values:
        AgreementSignature.objects.create(
            organisation=organisation,
            buddy=buddy,
            kind=kind,
            text_version="test",
            signed_on=today - dt.timedelta(days=45),
        )
    Qualification.objects.create(
        organisation=organisation,
        buddy=buddy,
        kind=QualificationKind.BASIC,
        obtained_on=today - dt.timedelta(days=30),
    )
    return buddy


def buddy_membership(buddy: Buddy) -> Membership:
    return Membership.objects.get(
        organisation_id=buddy.organisation_id, user_id=buddy.user_id, role=Role.BUDDY
    )


def waiting_request(coordinator: Membership, **overrides: Any) -> HelpRequest:
    """A help request submitted through the form and put on the waiting list."""
    request = submit(coordinator.organisation, **overrides)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return intake_services.decide_to_matching(actor=coordinator, request=request)
