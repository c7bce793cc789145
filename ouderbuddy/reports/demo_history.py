"""A past for a demo organisation (seed_demo): a year and a half of requests, their
triage, matches, contacts, check-ins, signals and closures, so the reports show
real, plausible figures for last school year and this one instead of x's.

Every step is the real service, run at its own moment in the past: the clock is
moved there with time-machine (a development package, like Faker), so each record
carries the date it would have had and the services check what they always check
(a contact not before the start, not in the future; a buddy's free places). One
request is taken from its submission to its closure before the next begins, so a
history match never holds a place that a later one needs; every history match is
closed before today, except those of the last months, which are still waiting,
proposed or running, as they would be. The e-mails the services send go to memory.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from faker import Faker

from ouderbuddy.buddies.demo import codes_by_group, postcodes_for
from ouderbuddy.buddies.models import Buddy, BuddyStatus, StatusChange
from ouderbuddy.casework import services as casework
from ouderbuddy.casework.demo import (
    CONTACT_NOTES,
    _agree,
    _buddy_member,
    _check_ins_done,
    _log_contacts,
)
from ouderbuddy.casework.models import CloseReason, Initiator, SignalKind
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    RequestStatus,
)
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.models import Match
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.reports import services as report_services
from ouderbuddy.reports.models import SignalTheme

MONTHS = 16
"""The history starts this many months ago and runs until a few days ago."""

EMAIL = "historie.{n}@{slug}.ouderbuddy.example"

QUESTIONS = [
    "Mijn zoon zit al weken thuis. School zegt dat ze geen plek hebben.",
    "Er komt een gesprek over het ontwikkelingsperspectief en ik zie er tegenop.",
    "De school wil een toelaatbaarheidsverklaring aanvragen. Wat betekent dat?",
    "Mijn dochter is vaak ziek van de stress. Ik weet niet meer wat ik moet doen.",
    "Ik wil graag iemand die meegaat naar het gesprek met school.",
]

# The outcomes of triage of one month's requests (in a shuffled order): half get a
# buddy; the rest is information, a referral or a withdrawal, as DOMAIN.md
# describes the work of an OJS; 12 a month, about 150 a year. A fixed mix per month, so each outcome has enough
# requests in each quarter to be shown (a quarter's 1-4 would be an x).
OUTCOMES = ["buddy"] * 6 + ["informed"] * 2 + ["referred"] * 2 + ["withdrawn"] * 2

CLOSE_REASONS = (
    [CloseReason.GOAL_REACHED] * 5
    + [CloseReason.SCHOOL_RESOLVED] * 3
    + [CloseReason.PARENT_STOPPED] * 2
    + [CloseReason.NO_CONTACT, CloseReason.MISMATCH, CloseReason.REFERRED]
)


def seed_demo_history(organisation: Organisation, slug: str, faker: Faker) -> int:
    """The history of one demo organisation; returns how many requests it made
    (none when it has a history already)."""
    first_email = EMAIL.format(n=0, slug=slug)
    if HelpRequest.objects.filter(
        organisation=organisation, email=first_email
    ).exists():
        return 0
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .order_by("created_at")
        .first()
    )
    buddies = list(
        Buddy.objects.filter(
            organisation=organisation,
            status=BuddyStatus.ACTIVE,
            user__isnull=False,
        ).order_by("created_at", "pk")
    )
    if coordinator is None or not buddies:
        return 0
    rng = random.Random(f"history-{slug}")  # noqa: S311 - demo data, not security
    _date_back(
        list(
            Buddy.objects.filter(
                organisation=organisation,
                status__in=(BuddyStatus.ACTIVE, BuddyStatus.PAUSED),
            )
        ),
        rng,
    )
    history = _History(organisation, slug, faker, rng, coordinator, buddies)
    now = timezone.now()
    made = 0
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    ):
        for month in range(MONTHS, 0, -1):
            for k, outcome in enumerate(rng.sample(OUTCOMES, len(OUTCOMES))):
                received = now - dt.timedelta(days=30 * month - rng.randint(0, 26))
                history.request(
                    made,
                    received.replace(hour=9 + rng.randint(0, 7)),
                    outcome,
                    # A quarter of them come through a professional's referral.
                    referred=k % 4 == 0,
                )
                made += 1
        history.stop_old_waiting()
    return made


def _date_back(buddies: list[Buddy], rng: random.Random) -> None:
    """The active and paused buddies were there before the history: their
    application and their becoming active are dated 17-24 months back (the
    buddies' demo dates its records the same way, as records taken over from an
    earlier system), so the reports' time to active and retention have a past."""
    now = timezone.now()
    for buddy in buddies:
        applied = now - dt.timedelta(days=30 * (MONTHS + 3) + rng.randint(0, 150))
        active = applied + dt.timedelta(days=rng.randint(45, 90))
        Buddy.objects.filter(pk=buddy.pk).update(created_at=applied)
        StatusChange.objects.filter(buddy=buddy, to_status=BuddyStatus.APPLIED).update(
            at=applied
        )
        StatusChange.objects.filter(buddy=buddy).exclude(
            to_status=BuddyStatus.APPLIED
        ).update(at=active)
        if buddy.status == BuddyStatus.PAUSED:
            # Active first, paused lately.
            StatusChange.objects.filter(
                buddy=buddy, to_status=BuddyStatus.PAUSED
            ).update(at=now - dt.timedelta(days=rng.randint(10, 40)))
            StatusChange.objects.create(
                organisation_id=buddy.organisation_id,
                buddy=buddy,
                from_status=BuddyStatus.TRAINING,
                to_status=BuddyStatus.ACTIVE,
                at=active,
            )


class _History:
    def __init__(
        self,
        organisation: Organisation,
        slug: str,
        faker: Faker,
        rng: random.Random,
        coordinator: Membership,
        buddies: list[Buddy],
    ) -> None:
        self.organisation = organisation
        self.slug = slug
        self.faker = faker
        self.rng = rng
        self.coordinator = coordinator
        self.buddies = buddies
        self.postcodes = postcodes_for(organisation)
        self.codes = codes_by_group()
        self.targets = list(
            OrganisationReferralTarget.objects.filter(
                organisation=organisation, is_active=True
            )
        )
        self.now = timezone.now() - dt.timedelta(hours=1)

    def stop_old_waiting(self) -> None:
        """A history request still waiting after four months (its buddy's match
        went back to the waiting list) is withdrawn then: nobody waits that long."""
        for request in HelpRequest.objects.filter(
            organisation=self.organisation,
            email__startswith="historie.",
            status__in=(RequestStatus.NEW, RequestStatus.WAITING),
            received_at__lt=self.now - dt.timedelta(days=120),
        ):
            self._withdraw(
                request,
                request.received_at + dt.timedelta(days=120),
                "De ouder wachtte te lang en heeft zelf hulp gezocht.",
            )

    def _withdraw(self, request: HelpRequest, at: dt.datetime, reason: str) -> None:
        """The coordinator closes the request at `at` (not when that is to come)."""
        if at >= self.now:
            return
        with time_machine.travel(at, tick=False):
            intake.withdraw_by_coordinator(
                actor=self.coordinator, request=request, reason=reason
            )

    def _codes(self) -> list[str]:
        rng, groups = self.rng, self.codes
        picked = [rng.choice(groups["route"])] if groups.get("route") else []
        for group, most in (("issue", 2), ("need", 2)):
            if groups.get(group):
                picked += rng.sample(groups[group], rng.randint(1, most))
        return picked

    @transaction.atomic
    def request(
        self, n: int, received: dt.datetime, outcome: str, *, referred: bool
    ) -> None:
        rng = self.rng
        cache.clear()  # the services' rate limits count per day, not per demo
        with time_machine.travel(received, tick=False):
            referral = None
            name = self.faker.name()
            email = EMAIL.format(n=n, slug=self.slug)
            if referred:
                referral = intake.submit_professional_referral(
                    organisation=self.organisation,
                    referrer_name=self.faker.name(),
                    referrer_organisation=rng.choice(
                        [
                            "Basisschool De Regenboog",
                            "Wijkteam Oost",
                            "Huisartsenpraktijk",
                        ]
                    ),
                    referrer_role=rng.choice(["intern begeleider", "jeugdconsulent"]),
                    referrer_email=f"verwijzer.{n}@{self.slug}.ouderbuddy.example",
                    parent_name=name,
                    parent_email=email,
                    reason=rng.choice(QUESTIONS),
                    parent_agreed=True,
                )
            request = intake.create_help_request(
                organisation=self.organisation,
                data=intake.RequestData(
                    asker="parent",
                    full_name=name,
                    email=email,
                    child_name=self.faker.first_name(),
                    postcode=f"{rng.choice(self.postcodes)} AB",
                    question=rng.choice(QUESTIONS),
                    consent_processing=True,
                    consent_share=True,
                    consent_research=rng.random() < 0.6,
                    child_birth_year=received.year - rng.randint(5, 16),
                    codes=self._codes(),
                    max_distance_km=25,
                ),
                submission_key=uuid.uuid4(),
                referral=referral,
            )
        triaged = received + dt.timedelta(days=rng.randint(1, 6), hours=2)
        if triaged >= self.now:
            return  # still new
        with time_machine.travel(triaged, tick=False):
            if rng.random() < 0.3:
                report_services.set_signals(
                    actor=self.coordinator,
                    request=request,
                    themes=[rng.choice(SignalTheme.values)],
                )
            if outcome == "informed":
                intake.decide_information_only(
                    actor=self.coordinator,
                    request=request,
                    answer="U vindt de informatie over uw rechten in de brochure.",
                )
                return
            if outcome == "referred" and self.targets:
                intake.decide_referral(
                    actor=self.coordinator,
                    request=request,
                    # Most go to the two addresses a support point uses most.
                    target=rng.choice(self.targets[:2] * 3 + self.targets),
                    reason="Deze vraag past beter bij een professional.",
                )
                return
            request = intake.decide_to_matching(actor=self.coordinator, request=request)
        if outcome == "withdrawn":
            # Waited, and stopped before a buddy was found.
            self._withdraw(
                request,
                triaged + dt.timedelta(days=rng.randint(14, 40)),
                "De ouder heeft zelf een oplossing gevonden.",
            )
            return
        self._match(request, triaged)

    def _match(self, request: HelpRequest, triaged: dt.datetime) -> None:
        """Propose, accept, agree, introduce, start, support and close, each step at
        its moment; a step that would lie in the future is not taken (a recent
        request is still waiting, proposed or running)."""
        rng = self.rng
        at = triaged + dt.timedelta(days=rng.randint(3, 20))
        if at >= self.now:
            return
        match = None
        with time_machine.travel(at, tick=False):
            for buddy in rng.sample(self.buddies, len(self.buddies)):
                try:
                    match = matching.propose(
                        actor=self.coordinator, request=request, buddy=buddy
                    )
                    break
                except DomainError:
                    continue
        if match is None:
            # Nobody fits: after a while on the waiting list the parent stops.
            self._withdraw(
                request,
                at + dt.timedelta(days=rng.randint(30, 60)),
                "Er was geen buddy met de juiste ervaring.",
            )
            return
        member = _buddy_member(match)
        started = at + dt.timedelta(days=8)
        if started >= self.now:
            return  # proposed lately: the buddy has yet to answer
        with time_machine.travel(at + dt.timedelta(days=1, hours=3), tick=False):
            matching.accept(actor=member, match=match)
        with time_machine.travel(at + dt.timedelta(days=2, hours=5), tick=False):
            matching.parent_agrees(request=match.request, match=match)
            matching.plan_introduction(
                actor=self.coordinator,
                match=match,
                at=timezone.now() + dt.timedelta(days=5),
                mode="in_person",
                place="Bibliotheek",
                coordinator_present=True,
            )
        with time_machine.travel(started, tick=False):
            match = Match.objects.get(pk=match.pk)
            matching.activate(
                actor=self.coordinator, match=match, started_on=timezone.localdate()
            )
            match = Match.objects.select_related("buddy", "request").get(pk=match.pk)
            _agree(self.coordinator, match, rng, parent_too=True)
        closed = started + dt.timedelta(days=rng.randint(70, 230))
        running = closed >= self.now
        if running:
            closed = self.now
        if rng.random() < 0.35 and closed - started > dt.timedelta(days=4):
            raised = started + (closed - started) / 2
            with time_machine.travel(raised, tick=False):
                signal = casework.raise_signal(
                    actor=member,
                    match=match,
                    kind=rng.choice(list(SignalKind)),
                    description="De ouder vertelde iets waar ik me zorgen over maak.",
                )
            acknowledged = raised + dt.timedelta(hours=rng.randint(1, 30))
            with time_machine.travel(min(acknowledged, self.now), tick=False):
                casework.acknowledge_signal(actor=self.coordinator, signal=signal)
        with time_machine.travel(closed, tick=False):
            _log_contacts(
                match,
                rng,
                started.date() + dt.timedelta(days=2),
                closed.date() - dt.timedelta(days=3),
                (6, 14),
            )
            _check_ins_done(self.coordinator, match, rng, leave_overdue=False)
            if not running:
                casework.close_match(
                    actor=self.coordinator,
                    match=match,
                    reason=rng.choice(CLOSE_REASONS),
                    initiator=rng.choice(list(Initiator)),
                    note=rng.choice(CONTACT_NOTES),
                )
