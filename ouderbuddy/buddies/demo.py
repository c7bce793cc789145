"""Demo buddies for `seed_demo`: every pipeline status (`bench/national.py` builds its
15,000 from the same parts)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from ouderbuddy.accounts.models import User
from ouderbuddy.buddies.models import (
    AgreementKind,
    AgreementSignature,
    Buddy,
    BuddyStatus,
    Interview,
    InterviewOutcome,
    StatusChange,
    StopReason,
)
from ouderbuddy.buddies.services import AGREEMENT_VERSIONS
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.regions.models import PostcodeArea
from ouderbuddy.taxonomy.models import ExperienceCode

MOTIVATIONS = [
    "Onze dochter zat bijna een jaar thuis. Ik wil andere ouders helpen de weg te vinden.",
    "Ik heb veel gesprekken op school gevoerd over het OPP van mijn zoon. Die ervaring wil ik delen.",
    "Mijn kind ging van het regulier naar het speciaal onderwijs. Dat was zwaar; samen gaat het beter.",
    "Ik weet hoe eenzaam je je kunt voelen als het op school niet loopt.",
    "Ik werk als vrijwilliger en heb tijd over. Mijn eigen ervaring met een TLV kan helpen.",
]
AVAILABILITY = [
    "Doordeweeks overdag",
    "'s Avonds",
    "Dinsdag en donderdag",
    "Flexibel",
    "",
]
LANGUAGE_SETS = [
    ["nl"],
    ["nl", "en"],
    ["nl", "ar"],
    ["nl", "tr"],
    ["nl", "pl"],
    ["nl", "ber"],
]
MODES = [
    ["phone", "in_person"],
    ["phone", "school_meeting"],
    ["video", "messages"],
    ["in_person", "school_meeting", "phone"],
]

# How many demo buddies per status in each demo organisation.
DEMO_SPREAD = [
    (BuddyStatus.APPLIED, 3),
    (BuddyStatus.INTRODUCTION, 2),
    (BuddyStatus.SCREENING, 2),
    (BuddyStatus.TRAINING, 2),
    (BuddyStatus.ACTIVE, 4),
    (BuddyStatus.PAUSED, 1),
    (BuddyStatus.STOPPED, 1),
]
_STEP: list[str] = [
    BuddyStatus.APPLIED,
    BuddyStatus.INTRODUCTION,
    BuddyStatus.SCREENING,
    BuddyStatus.TRAINING,
    BuddyStatus.ACTIVE,
]


def codes_by_group() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for code, group, opt_out in ExperienceCode.objects.values_list(
        "code", "group", "is_opt_out"
    ):
        if not opt_out:
            groups.setdefault(group, []).append(code)
    return groups


def _pick_codes(rng: random.Random, groups: dict[str, list[str]]) -> list[str]:
    picked = rng.sample(groups["route"], 1) + rng.sample(
        groups["issue"], rng.randint(1, 3)
    )
    picked += rng.sample(groups["need"], rng.randint(1, 2))
    return picked


def make_buddy(
    rng: random.Random,
    faker: Faker,
    organisation: Organisation,
    postcode: str,
    status: str,
    email: str,
    name: str,
    today: dt.date,
) -> Buddy:
    reached = _STEP.index(status) if status in _STEP else 4
    if status == BuddyStatus.STOPPED:
        reached = rng.randint(0, 4)
    changed = timezone.now() - dt.timedelta(days=rng.randint(1, 40))
    vog_issued = (
        today - dt.timedelta(days=rng.randint(30, 1000)) if reached >= 3 else None
    )
    return Buddy(
        organisation=organisation,
        full_name=name,
        email=email,
        phone=faker.phone_number()[:20],
        gender=rng.choice(["female", "female", "female", "male", "unsaid"]),
        motivation=rng.choice(MOTIVATIONS),
        hours_per_month=rng.choice([4, 6, 8, 10, 16]),
        commitment_months=rng.choice([6, 12, 12, 24]),
        postcode_id=postcode,
        travel_km=rng.choice([5, 10, 15, 25, 40]),
        languages=rng.choice(LANGUAGE_SETS),
        contact_modes=rng.choice(MODES),
        availability=rng.choice(AVAILABILITY),
        max_matches=rng.choice([1, 1, 2, 3]),
        status=status,
        status_changed_at=changed,
        paused_until=today + dt.timedelta(days=rng.randint(7, 60))
        if status == BuddyStatus.PAUSED
        else None,
        stop_reason=rng.choice(StopReason.values)
        if status == BuddyStatus.STOPPED
        else "",
        introduction_held_on=today - dt.timedelta(days=60) if reached >= 2 else None,
        vog_requested_on=vog_issued - dt.timedelta(days=14) if vog_issued else None,
        vog_issued_on=vog_issued,
        vog_screening_profile="45 Gezondheidszorg en welzijn" if vog_issued else "",
        vog_valid_until=Buddy.vog_renewal_date(vog_issued) if vog_issued else None,
    )


def _reached(buddy: Buddy) -> int:
    """How far along the steps (_STEP) a demo buddy got; a stopped one left after the
    introduction."""
    if buddy.status == BuddyStatus.STOPPED:
        return 2
    return _STEP.index(buddy.status) if buddy.status in _STEP else 4


def past_basic_training(buddy: Buddy) -> bool:
    """Whether a demo buddy has had the basic training (training's demo records it)."""
    return _reached(buddy) >= 4


def add_paperwork(buddies: list[Buddy], today: dt.date) -> None:
    """Interviews and agreements for everyone past screening (training's demo adds the
    basic training: `add_basic_qualifications`)."""
    interviews, agreements, history = [], [], []
    for buddy in buddies:
        reached = _reached(buddy)
        history.append(
            StatusChange(
                organisation=buddy.organisation,
                buddy=buddy,
                from_status="",
                to_status=BuddyStatus.APPLIED,
                at=buddy.status_changed_at - dt.timedelta(days=90),
                code="applied",
                reason="Aanmelding via het formulier.",
            )
        )
        if buddy.status != BuddyStatus.APPLIED:
            history.append(
                StatusChange(
                    organisation=buddy.organisation,
                    buddy=buddy,
                    from_status=BuddyStatus.APPLIED,
                    to_status=buddy.status,
                    at=buddy.status_changed_at,
                )
            )
        if reached >= 3:
            interviews.append(
                Interview(
                    organisation=buddy.organisation,
                    buddy=buddy,
                    held_on=today - dt.timedelta(days=50),
                    experience_processed=3,
                    listening=4,
                    reflection=3,
                    boundaries=3,
                    communication=4,
                    outcome=InterviewOutcome.SUITABLE,
                )
            )
            for kind in AgreementKind.values:
                agreements.append(
                    AgreementSignature(
                        organisation=buddy.organisation,
                        buddy=buddy,
                        kind=kind,
                        text_version=AGREEMENT_VERSIONS[AgreementKind(kind)],
                        signed_on=today - dt.timedelta(days=45),
                    )
                )
    StatusChange.objects.bulk_create(history, batch_size=2000)
    Interview.objects.bulk_create(interviews, batch_size=2000)
    AgreementSignature.objects.bulk_create(agreements, batch_size=2000)


def add_experience(
    buddies: list[Buddy], rng: random.Random, groups: dict[str, list[str]]
) -> None:
    through = Buddy.lived_experience.through
    rows = [
        through(buddy_id=buddy.pk, experiencecode_id=code)
        for buddy in buddies
        for code in _pick_codes(rng, groups)
    ]
    through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def postcodes_for(organisation: Organisation) -> list[str]:
    codes = list(organisation.districts.values_list("code", flat=True))
    found = list(
        PostcodeArea.objects.filter(po_district__in=codes).values_list("pc4", flat=True)
    ) or list(
        PostcodeArea.objects.filter(vo_district__in=codes).values_list("pc4", flat=True)
    )
    return found or ["1012"]


@transaction.atomic
def seed_demo_buddies(
    organisation: Organisation, slug: str, faker: Faker, demo_user: User | None
) -> int:
    """Buddies in every status for one demo organisation; the demo buddy account is active."""
    if Buddy.objects.filter(organisation=organisation).exists():
        return 0
    rng = random.Random(f"demo-{slug}")  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    postcodes = postcodes_for(organisation)
    buddies = []
    for status, count in DEMO_SPREAD:
        for n in range(count):
            if status == BuddyStatus.ACTIVE and n == 0 and demo_user is not None:
                email, name = demo_user.email, demo_user.full_name
            else:
                name = faker.name()
                email = f"{status}{n}.buddy@{slug}.ouderbuddy.example"
            buddies.append(
                make_buddy(
                    rng,
                    faker,
                    organisation,
                    rng.choice(postcodes),
                    status,
                    email,
                    name,
                    today,
                )
            )
    if demo_user is not None:
        buddies[[b.email for b in buddies].index(demo_user.email)].user = demo_user
    Buddy.objects.bulk_create(buddies)
    add_experience(buddies, rng, codes_by_group())
    add_paperwork(buddies, today)
    return len(buddies)


def add_accounts(organisation: Organisation, buddies: list[Buddy]) -> None:
    """Active and paused buddies have an account (the checklist needs one), so the
    national data can be matched. Nobody signs in with them: no usable password."""

    with_account = [
        b for b in buddies if b.status in (BuddyStatus.ACTIVE, BuddyStatus.PAUSED)
    ]
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=b.email, full_name=b.full_name, password=unusable)
            for b in with_account
        ],
        batch_size=1000,
    )
    Membership.objects.bulk_create(
        [
            Membership(organisation=organisation, user=user, role=Role.BUDDY)
            for user in users
        ],
        batch_size=1000,
    )
    for buddy, user in zip(with_account, users, strict=True):
        buddy.user = user
    Buddy.objects.bulk_update(with_account, ["user"], batch_size=1000)


# --- The showcase: experienced buddies for the demo's featured request -------------------


@dataclass(frozen=True)
class ShowcaseBuddy:
    name: str
    gender: str
    codes: tuple[str, ...]
    languages: tuple[str, ...]
    modes: tuple[str, ...]
    introduction: str


SHOWCASE_BUDDIES = (
    ShowcaseBuddy(
        "Yasmina Amrani",
        "female",
        ("route.so_c4", "issue.out_of_school", "issue.opp", "need.autism"),
        ("nl", "ar"),
        ("phone", "school_meeting", "in_person"),
        "Moeder van een zoon met autisme. Hij zat een half jaar thuis en gaat nu naar "
        "het speciaal onderwijs. Ik ga graag mee naar gesprekken op school.",
    ),
    ShowcaseBuddy(
        "Petra de Wit",
        "female",
        ("route.so_c4", "issue.out_of_school", "need.autism", "need.adhd_add"),
        ("nl",),
        ("phone", "school_meeting"),
        "Mijn dochter zat een jaar thuis. Ik weet hoe lang die tijd duurt en help u "
        "de stappen op een rij te zetten.",
    ),
    ShowcaseBuddy(
        "Kees Hoekstra",
        "male",
        ("issue.opp", "issue.meeting_support", "need.autism", "route.vo_vmbo"),
        ("nl", "en"),
        ("phone", "video", "school_meeting"),
        "Vader van twee kinderen met autisme. Ik ken de gesprekken over het OPP en "
        "bereid ze graag samen met u voor.",
    ),
    ShowcaseBuddy(
        "Anouk Visser",
        "female",
        ("route.so_c4", "issue.tlv", "issue.out_of_school"),
        ("nl", "tr"),
        ("phone", "in_person"),
        "Ik heb een TLV voor het speciaal onderwijs aangevraagd voor mijn zoon. "
        "Ik luister eerst en zoek dan samen met u uit wat kan.",
    ),
)


def _nearest(postcode: str, candidates: list[str], n: int) -> list[str]:
    """The `n` postcodes of `candidates` closest to `postcode` (centroids)."""
    points = {
        pc4: (lat, lon)
        for pc4, lat, lon in PostcodeArea.objects.filter(
            pc4__in=[postcode, *candidates]
        ).values_list("pc4", "latitude", "longitude")
    }
    lat0, lon0 = points[postcode]

    def far(pc4: str) -> float:
        lat, lon = points[pc4]
        return (lat - lat0) ** 2 + ((lon - lon0) * 0.6) ** 2

    return sorted((c for c in candidates if c in points), key=far)[:n]


def seed_showcase_buddies(
    organisation: Organisation, slug: str, near_postcode: str
) -> list[Buddy]:
    """Active, matchable buddies with experience that a demo request shares, living
    near `near_postcode`, each with an account (no usable password) and free places."""
    emails = [
        f"uitgelicht{n}.buddy@{slug}.ouderbuddy.example"
        for n in range(len(SHOWCASE_BUDDIES))
    ]
    existing = list(Buddy.objects.filter(organisation=organisation, email__in=emails))
    if existing:
        return existing
    rng = random.Random(f"showcase-{slug}")  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    faker = Faker("nl_NL")
    faker.seed_instance(f"showcase-{slug}")
    postcodes = _nearest(near_postcode, postcodes_for(organisation), 6)
    buddies = []
    for n, (profile, email) in enumerate(zip(SHOWCASE_BUDDIES, emails, strict=True)):
        buddy = make_buddy(
            rng,
            faker,
            organisation,
            postcodes[n % len(postcodes)],
            BuddyStatus.ACTIVE,
            email,
            profile.name,
            today,
        )
        buddy.gender = profile.gender
        buddy.languages = list(profile.languages)
        buddy.contact_modes = list(profile.modes)
        buddy.introduction = profile.introduction
        buddy.travel_km = 20
        buddy.max_matches = 2
        # A VOG from this year: valid for years to come.
        buddy.vog_issued_on = today - dt.timedelta(days=60 + 20 * n)
        buddy.vog_requested_on = buddy.vog_issued_on - dt.timedelta(days=14)
        buddy.vog_valid_until = Buddy.vog_renewal_date(buddy.vog_issued_on)
        buddies.append(buddy)
    Buddy.objects.bulk_create(buddies)
    through = Buddy.lived_experience.through
    through.objects.bulk_create(
        [
            through(buddy_id=buddy.pk, experiencecode_id=code)
            for buddy, profile in zip(buddies, SHOWCASE_BUDDIES, strict=True)
            for code in profile.codes
        ]
    )
    add_paperwork(buddies, today)
    add_accounts(organisation, buddies)
    # Training's demo adds their basic training (the caller calls it).
    return buddies
