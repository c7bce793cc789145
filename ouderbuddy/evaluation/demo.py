"""Demo questionnaires for one organisation, answered through the services: the
parents of the running demo matches answered T0, and a handful of earlier matches
went the whole way (T0, T1 for parent and buddy, T2 for most, a school form for
some), so the results page shows real figures, a paired change with its interval,
and a cell suppressed for having fewer than five people."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.casework import services as casework
from ouderbuddy.evaluation import instrument, services
from ouderbuddy.evaluation.models import (
    Audience,
    Invitation,
    InvitationStatus,
    Moment,
    Response,
    Subject,
)
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.demo import postcodes_for
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.models import IntroductionMode, Match
from ouderbuddy.organisations.models import Membership, Organisation, Role

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
PAST_MATCHES = 8
REASONS = ["goal_reached"] * 4 + ["school_resolved", "parent_stopped", "mismatch"]
HELPED = [
    "Dat er iemand met mij meeging naar het gesprek op school.",
    "De uitleg over het ontwikkelingsperspectief.",
    "Iemand die het zelf had meegemaakt.",
]
BETTER = ["Eerder beginnen.", "Vaker even bellen.", ""]


def _clamp(value: float, low: int = 1, high: int = 5) -> int:
    return max(low, min(high, round(value)))


def _answers(
    parsed: instrument.Instrument,
    rng: random.Random,
    base: dict[str, int],
    gain: float,
) -> dict[str, Any]:
    """Plausible answers: the person's T0 answers (`base`) moved by `gain` (stress
    down, the rest up), with some noise; every scale item answered."""
    answers: dict[str, Any] = {}
    for code, item in parsed.items.items():
        if item.kind == "likert":
            start = base.setdefault(code, rng.randint(1, 4))
            towards = -gain if item.scale == "stress" and not item.reverse else gain
            answers[code] = _clamp(start + towards + rng.gauss(0, 0.5))
        elif item.kind == "scale10":
            answers[code] = _clamp(6.5 + 2 * gain + rng.gauss(0, 1), 0, 10)
        elif item.code == "escalation":
            answers[code] = rng.choice(["no", "no", "avoided", "avoided", "happened"])
        elif item.code == "helped":
            answers[code] = rng.choice(HELPED)
        elif item.code == "better":
            answers[code] = rng.choice(BETTER)
    return answers


def _answer(inv: Invitation, answers: dict[str, Any], consent: bool = True) -> None:
    parsed = instrument.parse(services.version_for(inv).definition)
    for page in parsed.pages:
        codes = {item.code for item in page.items}
        services.save_page(
            invitation=inv,
            page=page.number,
            answers={k: v for k, v in answers.items() if k in codes},
            research_consent=consent and page.number == 1,
            finish=page.number == len(parsed.pages),
        )


def _parsed(inv: Invitation) -> instrument.Instrument:
    return instrument.parse(services.version_for(inv).definition)


def _invitation(match: Match, audience: str, moment: str) -> Invitation | None:
    return Invitation.objects.filter(
        subject__key__match=match, audience=audience, moment=moment
    ).first()


def _past_match(
    coordinator: Membership, number: int, rng: random.Random, postcodes: list[str]
) -> Match | None:
    """A new request through the form's service, matched with the first buddy the
    services accept (closing the match frees the buddy for the next one)."""
    request = intake.create_help_request(
        organisation=coordinator.organisation,
        data=intake.RequestData(
            asker="parent",
            full_name=f"Demo-ouder Evaluatie {number}",
            email=f"evaluatie{number}@ouders.demo.test",
            child_name="Sam",
            postcode=rng.choice(postcodes),
            question="Wij willen graag hulp bij het gesprek met school.",
            consent_processing=True,
            consent_share=True,
            consent_research=rng.random() < 0.8,
            child_birth_year=rng.randint(2010, 2018),
            child_grade="groep 6",
            codes=[rng.choice(["route.po_regular", "route.vo_vmbo"])],
            contact_modes=["phone"],
        ),
        submission_key=uuid.UUID(int=rng.getrandbits(128)),
    )
    request = intake.decide_to_matching(actor=coordinator, request=request)
    buddies = Buddy.objects.filter(
        organisation=coordinator.organisation,
        status=BuddyStatus.ACTIVE,
        user__isnull=False,
    ).order_by("created_at", "pk")
    for buddy in buddies:
        try:
            with transaction.atomic():
                match = matching.propose(
                    actor=coordinator, request=request, buddy=buddy
                )
                member = Membership.objects.get(
                    organisation=coordinator.organisation, user=buddy.user
                )
                matching.accept(actor=member, match=match)
                matching.parent_agrees(request=request, match=match)
                matching.plan_introduction(
                    actor=coordinator,
                    match=match,
                    at=timezone.now() + dt.timedelta(hours=1),
                    mode=IntroductionMode.VIDEO,
                )
                Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
                matching.activate(
                    actor=coordinator, match=match, started_on=timezone.localdate()
                )
        except DomainError:
            continue
        return Match.objects.select_related("request", "buddy").get(pk=match.pk)
    return None


def seed_demo_evaluation(organisation: Organisation) -> int:
    """Returns how many questionnaires were answered (0 when it ran before)."""
    if Response.objects.filter(organisation=organisation).exists():
        return 0
    coordinator = (
        Membership.objects.filter(
            organisation=organisation, role=Role.COORDINATOR, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    if coordinator is None:
        return 0
    rng = random.Random(f"evaluation-{organisation.name}")  # noqa: S311 - demo data
    postcodes = postcodes_for(organisation)
    with override_settings(EMAIL_BACKEND=LOCMEM), transaction.atomic():
        # The parents of most running demo matches answered T0.
        for inv in Invitation.objects.filter(
            organisation=organisation,
            audience=Audience.PARENT,
            moment=Moment.START,
            status=InvitationStatus.SENT,
        ).order_by("sent_at", "pk"):
            if rng.random() < 0.7:
                _answer(inv, _answers(_parsed(inv), rng, {}, 0), consent=True)
        for number in range(1, PAST_MATCHES + 1):
            _past(coordinator, number, rng, postcodes)
    return Response.objects.filter(
        organisation=organisation, submitted_at__isnull=False
    ).count()


def _past(
    coordinator: Membership, number: int, rng: random.Random, postcodes: list[str]
) -> None:
    match = _past_match(coordinator, number, rng, postcodes)
    if match is None:
        return
    start = _invitation(match, Audience.PARENT, Moment.START)
    base: dict[str, int] = {}
    gain = rng.gauss(0.8, 0.6)
    if start is not None:
        _answer(start, _answers(_parsed(start), rng, base, 0))
    casework.close_match(
        actor=coordinator,
        match=match,
        reason=REASONS[number % len(REASONS)],
        initiator="together",
    )
    end = _invitation(match, Audience.PARENT, Moment.END)
    if end is not None and number != 1:
        _answer(end, _answers(_parsed(end), rng, base, gain))
        if number % 3 == 0:
            school = services.school_invitation(invitation=end)
            _answer(school, _answers(_parsed(school), rng, {}, gain))
    buddy = _invitation(match, Audience.BUDDY, Moment.END)
    if buddy is not None and number not in (1, 2):
        _answer(buddy, _answers(_parsed(buddy), rng, {}, gain))
    if number <= 6:
        # Three months have passed for the first six: T2 goes out and is answered.
        subject = Subject.objects.get(key__match=match)
        today = timezone.localdate()
        Subject.objects.filter(pk=subject.pk).update(
            closed_on=today - dt.timedelta(days=casework.FOLLOW_UP_DAYS)
        )
        services.send_follow_up_questionnaires(today=today)
        later = _invitation(match, Audience.PARENT, Moment.LATER)
        if later is not None and number != 2:
            _answer(later, _answers(_parsed(later), rng, base, gain * 0.8))
