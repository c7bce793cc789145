"""Demo expenses for `seed_demo` (and the load benchmark): the organisation pays
kilometres, the first buddy with a login has a kilometre claim waiting and one
approved, and a question on the desk with an answer. No receipt files: the demo
writes nothing into the receipts storage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.support.caps import km_amount
from ouderbuddy.support.models import (
    AllowanceSettings,
    ClaimEvent,
    ClaimKind,
    ClaimStatus,
    ExpenseClaim,
    Question,
    QuestionStatus,
    Reply,
)

KM_RATE = Decimal("0.23")


def _claim(
    buddy: Buddy, days_ago: int, km: str, status: str, by: Membership
) -> ExpenseClaim:
    distance = Decimal(km)
    claim = ExpenseClaim(
        organisation_id=buddy.organisation_id,
        buddy=buddy,
        kind=ClaimKind.KILOMETRES,
        status=status,
        spent_on=timezone.localdate() - dt.timedelta(days=days_ago),
        description="Gesprek op school",
        from_place="Thuis",
        to_place="School",
        distance_km=distance,
        km_rate=KM_RATE,
        amount=km_amount(distance, KM_RATE),
    )
    if status == ClaimStatus.APPROVED:
        claim.decided_at = timezone.now()
        claim.decided_by_id = by.user_id
    claim.full_clean()
    claim.save()
    ClaimEvent.objects.create(
        organisation_id=claim.organisation_id,
        claim=claim,
        to_status=ClaimStatus.SUBMITTED,
        by_id=buddy.user_id,
    )
    if status == ClaimStatus.APPROVED:
        ClaimEvent.objects.create(
            organisation_id=claim.organisation_id,
            claim=claim,
            from_status=ClaimStatus.SUBMITTED,
            to_status=status,
            by_id=by.user_id,
        )
    return claim


@transaction.atomic
def seed_demo_expenses(organisation: Organisation, first: Buddy | None = None) -> int:
    """The demo settings (unless the organisation has its own), and two claims and
    a question of the buddy, once per buddy; returns the claims made."""
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .order_by("created_at", "pk")
        .first()
    )
    buddy = first or (
        Buddy.objects.filter(
            organisation=organisation,
            status=BuddyStatus.ACTIVE,
            user__isnull=False,
        )
        .order_by(F("full_name"), "pk")
        .first()
    )
    AllowanceSettings.objects.get_or_create(
        organisation=organisation, defaults={"km_rate": KM_RATE}
    )
    if coordinator is None or buddy is None or buddy.user_id is None:
        return 0
    if ExpenseClaim.objects.filter(organisation=organisation, buddy=buddy).exists():
        return 0
    _claim(buddy, 2, "18.0", ClaimStatus.SUBMITTED, coordinator)
    _claim(buddy, 9, "31.5", ClaimStatus.APPROVED, coordinator)
    question = Question.objects.create(
        organisation=organisation,
        buddy=buddy,
        subject="Declareren van parkeerkosten",
        status=QuestionStatus.ANSWERED,
    )
    Reply.objects.create(
        organisation=organisation,
        question=question,
        author_id=buddy.user_id,
        body="Kan ik parkeerkosten bij school declareren?",
    )
    Reply.objects.create(
        organisation=organisation,
        question=question,
        author_id=coordinator.user_id,
        by_coordinator=True,
        body="Ja, met een foto van het bonnetje onder Mijn onkosten.",
    )
    return 2
