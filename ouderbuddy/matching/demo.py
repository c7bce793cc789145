"""Demo data for matching: proposals and matches in every state, made by the services.

The demo organisation's active buddies get the demo buddy accounts, then the
coordinator runs a batch proposal for the waiting list and publishes it; a few
proposals are taken further (accepted, agreed, introduction planned, active). The
e-mails this sends go to memory, not to the console of `make run`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching import services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.organisations.models import Membership, Organisation, Role

INTRODUCTIONS = [
    "Moeder van drie. Mijn zoon zat anderhalf jaar thuis; nu gaat het goed op het "
    "speciaal onderwijs. Ik weet hoe eenzaam die tijd is.",
    "Vader van een dochter met autisme. Ik ken de gesprekken over het OPP van "
    "binnenuit en ga graag met u mee.",
    "Ik heb twee keer een bezwaar gemaakt tegen een TLV-besluit. Ik luister eerst, "
    "en help u dan de stukken te ordenen.",
    "Moeder van een hoogbegaafde zoon die vastliep op school. Ik spreek ook Arabisch.",
]


def _link_accounts(organisation: Organisation, slug: str) -> None:
    """Give the active demo buddies who have no account one of the demo accounts."""
    free_users = list(
        User.objects.filter(
            email__regex=rf"^buddy[0-9]+@{slug}\.",
            memberships__organisation=organisation,
            memberships__role=Role.BUDDY,
        )
        .exclude(pk__in=Buddy.objects.filter(user__isnull=False).values("user_id"))
        .order_by("email")
    )
    buddies = Buddy.objects.filter(
        organisation=organisation, status=BuddyStatus.ACTIVE
    ).order_by("created_at", "pk")
    for n, buddy in enumerate(buddies):
        changed = ["introduction", "travel_km", "contact_modes"]
        buddy.introduction = INTRODUCTIONS[n % len(INTRODUCTIONS)]
        # Demo buddies travel far enough to reach every demo parent of their region.
        buddy.travel_km = max(buddy.travel_km, 25)
        buddy.contact_modes = []
        if buddy.user_id is None and free_users:
            user = free_users.pop(0)
            buddy.user = user
            buddy.email = user.email
            buddy.full_name = user.full_name
            changed += ["user", "email", "full_name"]
        buddy.save(update_fields=changed)


def seed_demo_matches(organisation: Organisation, slug: str) -> int:
    """Proposals and matches in every state; returns how many matches exist."""
    if Match.objects.filter(organisation=organisation).exists():
        return 0
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ),
        transaction.atomic(),
    ):
        _link_accounts(organisation, slug)
        coordinator = Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        ).first()
        if coordinator is None:
            return 0
        HelpRequest.objects.filter(
            organisation=organisation, status=RequestStatus.WAITING
        ).update(max_distance_km=25, contact_modes=[])
        draft = services.create_batch(actor=coordinator, objective="most_matched")
        # Two lines stay in the draft, for the coordinator to review.
        line_ids = [line.pk for line in draft.lines.all()][:-2]
        if line_ids:
            services.publish_batch(actor=coordinator, draft=draft, line_ids=line_ids)
        _advance(coordinator)
    return Match.objects.filter(organisation=organisation).count()


def _advance(coordinator: Membership) -> None:
    """Take the proposals further, one step more each, so every state shows.

    The demo buddy account (buddy@...) keeps an open proposal to answer."""
    matches = list(
        Match.objects.filter(
            organisation_id=coordinator.organisation_id, status=MatchStatus.PROPOSED
        )
        .select_related("buddy", "request")
        .order_by("buddy__email", "pk")
    )
    demo_first = sorted(matches, key=lambda m: not m.buddy.email.startswith("buddy@"))
    steps = [MatchStatus.PROPOSED, MatchStatus.ACTIVE, MatchStatus.INTRODUCTION_PLANNED]
    steps += [MatchStatus.AGREED, MatchStatus.ACCEPTED, MatchStatus.DECLINED]
    for match, target in zip(demo_first, steps, strict=False):
        _take_to(coordinator, match, target)


def _take_to(coordinator: Membership, match: Match, target: str) -> None:
    if target == MatchStatus.PROPOSED:
        return
    assert match.buddy.user_id is not None, "only buddies with an account are proposed"
    buddy_member = Membership.objects.get(
        organisation_id=match.organisation_id, user_id=match.buddy.user_id
    )
    if target == MatchStatus.DECLINED:
        services.decline(
            actor=buddy_member, match=match, reason="no_time", note="Net verhuisd."
        )
        return
    services.accept(actor=buddy_member, match=match)
    if target == MatchStatus.ACCEPTED:
        return
    services.parent_agrees(request=match.request, match=match)
    if target == MatchStatus.AGREED:
        return
    services.plan_introduction(
        actor=coordinator,
        match=match,
        at=timezone.now() + dt.timedelta(days=3, hours=2),
        mode="in_person",
        place="Bibliotheek, Oosterdokskade",
        coordinator_present=True,
    )
    if target == MatchStatus.INTRODUCTION_PLANNED:
        return
    # This demo match already had its introduction (a match starts on or after it).
    Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
    services.activate(actor=coordinator, match=match, started_on=timezone.localdate())
