"""Demo help requests for `seed_demo`: every state (`bench/national.py` builds its
75,000 from the same parts)."""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.db import transaction
from django.utils import timezone
from faker import Faker

from ouderbuddy.intake.models import (
    Asker,
    DeadlineKind,
    HelpRequest,
    RequestEvent,
    RequestStatus,
    Source,
)
from ouderbuddy.intake.services import REFERENCE_ALPHABET
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.regions.models import PostcodeArea
from ouderbuddy.taxonomy.models import ExperienceCode

QUESTIONS = [
    "Mijn zoon zit sinds de zomer thuis. School zegt dat ze hem niet kunnen helpen.",
    "Er komt een gesprek over het OPP en ik weet niet wat ik moet vragen.",
    "Mijn dochter heeft een TLV nodig voor het speciaal onderwijs. Hoe gaat dat?",
    "Ik voel me niet gehoord door school. Ik wil graag iemand die meegaat naar gesprekken.",
    "De school wil mijn kind verwijderen. Ik weet niet wat mijn rechten zijn.",
    "Mijn kind gaat naar de middelbare school en heeft extra ondersteuning nodig.",
]
GRADES = [
    "groep 3",
    "groep 5",
    "groep 7",
    "groep 8",
    "leerjaar 1",
    "leerjaar 2",
    "leerjaar 3",
]
DEMO_SPREAD = [
    (RequestStatus.NEW, 4),
    (RequestStatus.WAITING, 7),
    (RequestStatus.INFORMED, 2),
    (RequestStatus.REFERRED, 2),
    (RequestStatus.WITHDRAWN, 2),
]


def demo_reference(number: int) -> str:
    """A unique reference from a counter (demo data only; real ones are random)."""
    chars = []
    for _ in range(6):
        number, rest = divmod(number, len(REFERENCE_ALPHABET))
        chars.append(REFERENCE_ALPHABET[rest])
    return "HV-" + "".join(reversed(chars))


def codes_by_group() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for code, group, opt_out in ExperienceCode.objects.values_list(
        "code", "group", "is_opt_out"
    ):
        if not opt_out:
            groups.setdefault(group, []).append(code)
    return groups


def postcodes_for(organisation: Organisation) -> list[str]:
    districts = list(organisation.districts.values_list("code", flat=True))
    return list(
        PostcodeArea.objects.filter(po_district__in=districts).values_list(
            "pc4", flat=True
        )
    ) or ["1012"]


def make_request(
    rng: random.Random,
    faker: Faker,
    organisation: Organisation,
    status: str,
    received: dt.datetime,
    postcode: str,
    reference: str,
    email: str,
) -> HelpRequest:
    deadline = None
    if status in (RequestStatus.NEW, RequestStatus.WAITING) and rng.random() < 0.3:
        deadline = timezone.localdate() + dt.timedelta(days=rng.randint(3, 40))
    return HelpRequest(
        organisation=organisation,
        reference=reference,
        status=status,
        status_changed_at=received + dt.timedelta(days=rng.randint(1, 10)),
        received_at=received,
        source=rng.choice([Source.FORM, Source.FORM, Source.FORM, Source.PROFESSIONAL]),
        submission_key=uuid.UUID(int=rng.getrandbits(128)),
        asker=Asker.PARENT if rng.random() < 0.95 else Asker.YOUNG_PERSON,
        full_name=faker.name(),
        email=email,
        phone=faker.phone_number()[:20] if rng.random() < 0.6 else "",
        child_name=faker.first_name(),
        child_birth_year=rng.randint(2008, 2020),
        child_grade=rng.choice(GRADES),
        question=rng.choice(QUESTIONS),
        deadline_on=deadline,
        deadline_kind=rng.choice(DeadlineKind.values) if deadline else "",
        out_of_school=rng.random() < 0.15,
        postcode_id=postcode,
        contact_modes=rng.choice([["phone"], ["phone", "school_meeting"], ["video"]]),
        max_distance_km=rng.choice([10, 15, 25, 40]),
        share_with_buddy=rng.random() < 0.9,
    )


def attach_codes(
    requests: list[HelpRequest], rng: random.Random, groups: dict[str, list[str]]
) -> None:
    through = HelpRequest.codes.through
    rows = []
    # The past of seeded requests, written as rows directly (in bulk, with past
    # dates); a status change of today goes through `intake.states.move_request`.
    events = []
    for request in requests:
        codes = rng.sample(groups["route"], 1) + rng.sample(
            groups["issue"], rng.randint(1, 2)
        )
        codes += rng.sample(groups["need"], rng.randint(0, 2))
        rows += [
            through(helprequest_id=request.pk, experiencecode_id=code) for code in codes
        ]
        events.append(
            RequestEvent(
                organisation=request.organisation,
                request=request,
                to_status=RequestStatus.NEW,
                by_parent=True,
                code="received",
                description="Hulpvraag ontvangen.",
                at=request.received_at,
            )
        )
        if request.status != RequestStatus.NEW:
            events.append(
                RequestEvent(
                    organisation=request.organisation,
                    request=request,
                    from_status=RequestStatus.NEW,
                    to_status=request.status,
                    description="Besluit na het intakegesprek.",
                    at=request.status_changed_at,
                )
            )
    through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    RequestEvent.objects.bulk_create(events, batch_size=5000)


@transaction.atomic
def seed_demo_requests(organisation: Organisation, slug: str, faker: Faker) -> int:
    """Requests in every state for one demo organisation."""
    if HelpRequest.objects.filter(organisation=organisation).exists():
        return 0
    rng = random.Random(f"requests-{slug}")  # noqa: S311 - demo data, not security
    postcodes = postcodes_for(organisation)
    now = timezone.now()
    start = HelpRequest.objects.count() + (1 if slug == "amsterdam" else 500_000)
    requests: list[HelpRequest] = []
    for status, count in DEMO_SPREAD:
        for n in range(count):
            received = now - dt.timedelta(
                days=rng.randint(1, 30), hours=rng.randint(0, 10)
            )
            requests.append(
                make_request(
                    rng,
                    faker,
                    organisation,
                    status,
                    received,
                    rng.choice(postcodes),
                    demo_reference(start + len(requests)),
                    f"ouder.{status}{n}@{slug}.ouderbuddy.example",
                )
            )
    HelpRequest.objects.bulk_create(requests)
    attach_codes(requests, rng, codes_by_group())
    return len(requests)


# --- The featured request: the one the demo's shortlist is about -------------------

FEATURED_EMAIL = "ouder.uitgelicht@{slug}.ouderbuddy.example"
FEATURED_CODES = ("route.so_c4", "issue.out_of_school", "issue.opp", "need.autism")
FEATURED_QUESTION = (
    "Mijn zoon van 10 heeft autisme en zit sinds de herfstvakantie thuis. School "
    "wil hem naar het speciaal onderwijs laten gaan. Overmorgen is er een gesprek "
    "over zijn OPP. Ik zoek iemand die dit kent en met mij meegaat."
)


def featured_request(organisation: Organisation, slug: str) -> HelpRequest | None:
    return HelpRequest.objects.filter(
        organisation=organisation, email=FEATURED_EMAIL.format(slug=slug)
    ).first()


def featured_postcode(organisation: Organisation) -> str:
    """Where the featured parent lives: a postcode in the middle of the region."""
    postcodes = sorted(postcodes_for(organisation))
    return postcodes[len(postcodes) // 2]


@transaction.atomic
def seed_featured_request(
    organisation: Organisation, slug: str, faker: Faker
) -> HelpRequest:
    """One urgent waiting request with a clear story (a child at home, an OPP meeting
    in two days), the first on the waiting list; made after the demo matches, so
    its shortlist is open."""
    existing = featured_request(organisation, slug)
    if existing is not None:
        return existing
    rng = random.Random(f"featured-{slug}")  # noqa: S311 - demo data, not security
    received = timezone.now() - dt.timedelta(days=6, hours=3)
    number = 400_000 + (0 if slug == "amsterdam" else 1)
    request = make_request(
        rng,
        faker,
        organisation,
        RequestStatus.WAITING,
        received,
        featured_postcode(organisation),
        demo_reference(number),
        FEATURED_EMAIL.format(slug=slug),
    )
    request.status_changed_at = received + dt.timedelta(days=1)
    request.full_name = "Nadia Bakker"
    request.child_name = "Daan"
    request.child_birth_year = timezone.localdate().year - 10
    request.child_grade = "groep 6"
    request.question = FEATURED_QUESTION
    request.deadline_on = timezone.localdate() + dt.timedelta(days=2)
    request.deadline_kind = DeadlineKind.SCHOOL_MEETING
    request.out_of_school = True
    request.contact_modes = ["phone", "school_meeting"]
    request.max_distance_km = 15
    request.share_with_buddy = True
    request.save()
    # The history rows as every demo request has them; then the story's own codes.
    attach_codes([request], rng, codes_by_group())
    request.codes.set(FEATURED_CODES)  # type: ignore[arg-type]  # keys are codes
    return request
