"""From the database to the engine's arrays: an organisation's buddies and requests.

A handful of queries whatever the number of rows: one for the buddies (with their
checklist flags and free places as annotations), one for their codes, one for the
requests, one for their codes, and three for the pair exclusions.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from ouderbuddy.buddies.models import (
    AgreementKind,
    AgreementSignature,
    Buddy,
    BuddyStatus,
    Interview,
)
from ouderbuddy.intake.models import BuddyGenderPreference, HelpRequest
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.matching import engine
from ouderbuddy.matching.models import HOLDS_PLACE, Conflict, Match, MatchStatus
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode
from ouderbuddy.training.models import Qualification, QualificationKind

# Engine code group -> taxonomy groups whose codes it counts.
GROUPS: dict[str, tuple[str, ...]] = {
    "issue": (CodeGroup.ISSUE,),
    "need": (CodeGroup.NEED,),
    "route": (CodeGroup.ROUTE, CodeGroup.TRANSITION),
}
LANGUAGES: tuple[str, ...] = tuple(SpokenLanguage.values)
CONTACT_MODES: tuple[str, ...] = tuple(ContactMode.values)
BUDDY_GENDER = {
    "female": engine.Gender.FEMALE,
    "male": engine.Gender.MALE,
    "other": engine.Gender.OTHER,
}
WANTED_GENDER = {
    "female": engine.Gender.FEMALE,
    "female_only": engine.Gender.FEMALE,
    "male": engine.Gender.MALE,
    "male_only": engine.Gender.MALE,
}
STRICT_GENDER = BuddyGenderPreference.strict()
# A proposal that ended this way is never made again for the same request.
DECLINED = (MatchStatus.DECLINED, MatchStatus.EXPIRED, MatchStatus.PARENT_DECLINED)
# The buddy's columns that loading and the matching pages read.
BUDDY_FIELDS = (
    "id",
    "organisation_id",
    "user_id",
    "full_name",
    "status",
    "travel_km",
    "languages",
    "contact_modes",
    "gender",
    "max_matches",
    "introduction_held_on",
    "vog_valid_until",
    "conflict_schools",
    "postcode__latitude",
    "postcode__longitude",
    "postcode__po_district_id",
)
# Buddies in these statuses are loaded (so the shortlist can say why they are out).
LOADED_STATUSES = (BuddyStatus.TRAINING, BuddyStatus.ACTIVE, BuddyStatus.PAUSED)


@dataclass(frozen=True)
class Columns:
    """The code of each column of the engine's code matrices, per group."""

    codes: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls) -> Columns:
        by_group: dict[str, list[str]] = {group: [] for group in GROUPS}
        owner = {tax: group for group, taxes in GROUPS.items() for tax in taxes}
        for code, group in ExperienceCode.objects.filter(
            group__in=list(owner)
        ).values_list("code", "group"):
            by_group[owner[group]].append(code)
        return cls({group: tuple(sorted(codes)) for group, codes in by_group.items()})

    def matrices(self, rows: Sequence[Iterable[str]]) -> dict[str, engine.BoolArray]:
        listed = [list(row) for row in rows]
        return {
            group: engine.code_matrix(listed, columns)
            for group, columns in self.codes.items()
        }


@dataclass(frozen=True)
class Pool:
    """An organisation's requests and buddies as the engine sees them."""

    requests: engine.Requests
    request_list: list[HelpRequest]
    buddies: engine.Buddies
    buddy_list: list[Buddy]
    exclusions: engine.Exclusions
    columns: Columns
    today: dt.date

    def request_row(self, request_id: uuid.UUID) -> int:
        return next(i for i, r in enumerate(self.request_list) if r.pk == request_id)

    def buddy_row(self, buddy_id: uuid.UUID) -> int | None:
        return next(
            (j for j, b in enumerate(self.buddy_list) if b.pk == buddy_id), None
        )


# The rows' keys for an `__in` filter: a list of them, or a query of them (one
# sub-query instead of a parameter per row: for the whole waiting list, preparing
# a thousand UUID parameters cost more than the query). A query may also hold rows
# that are not loaded; those are skipped.
Keys = list[uuid.UUID] | QuerySet[Any, Any]


def _codes_by_owner(
    through: Any, owner_field: str, ids: Keys
) -> dict[uuid.UUID, list[str]]:
    codes: dict[uuid.UUID, list[str]] = defaultdict(list)
    for owner, code in through.filter(**{f"{owner_field}__in": ids}).values_list(
        owner_field, "experiencecode_id"
    ):
        codes[owner].append(code)
    return codes


def buddy_rows(
    organisation_id: uuid.UUID, buddy_ids: Sequence[uuid.UUID] | None = None
) -> QuerySet[Buddy]:
    """The organisation's buddies with what the hard filters need, as annotations."""
    # Each sub-query is limited to the organisation as well: PostgreSQL plans an
    # EXISTS over many rows as a hashed sub-plan over the whole table, so without it
    # a small organisation paid for every organisation's signatures, interviews and
    # qualifications, and got slower as others grew (issue 12).
    mine = {"organisation_id": organisation_id}
    signed = AgreementSignature.objects.filter(buddy=OuterRef("pk"), **mine)
    # Only what the engine and the pages need: no encrypted texts are decrypted and
    # each buddy is built from a few columns.
    rows = Buddy.objects.filter(
        organisation_id=organisation_id, status__in=LOADED_STATUSES
    ).only(*BUDDY_FIELDS)
    if buddy_ids is not None:
        rows = rows.filter(pk__in=list(buddy_ids))
    return (
        rows.select_related("postcode")
        .annotate(
            places_taken=Count("matches", filter=Q(matches__status__in=HOLDS_PLACE)),
            interview_ok=Exists(
                Interview.objects.filter(
                    buddy=OuterRef("pk"), outcome="suitable", **mine
                )
            ),
            volunteer_signed=Exists(signed.filter(kind=AgreementKind.VOLUNTEER)),
            confidentiality_signed=Exists(
                signed.filter(kind=AgreementKind.CONFIDENTIALITY)
            ),
            trained=Exists(
                Qualification.objects.filter(
                    buddy=OuterRef("pk"), kind=QualificationKind.BASIC, **mine
                )
            ),
        )
        .order_by("pk")
    )


def _ints(values: Iterable[int]) -> engine.IntArray:
    return np.asarray(list(values), dtype=np.int64)


def _floats(values: Iterable[float]) -> engine.FloatArray:
    return np.asarray(list(values), dtype=np.float64)


def _bools(values: Iterable[bool]) -> engine.BoolArray:
    return np.asarray(list(values), dtype=np.bool_)


def _pairs(values: set[tuple[int, int]]) -> engine.IntArray:
    return np.asarray(sorted(values), dtype=np.int64).reshape(-1, 2)


def _flag(buddy: Buddy, name: str) -> bool:
    """An annotation of `buddy_rows`."""
    return bool(getattr(buddy, name))


def _taken(buddy: Buddy) -> int:
    """Places in use: an annotation of `buddy_rows`."""
    return int(vars(buddy)["places_taken"])


def is_ready(buddy: Buddy) -> bool:
    """Active with the checklist done, apart from the VOG and training (own flags)."""
    return bool(
        buddy.status == BuddyStatus.ACTIVE
        and buddy.introduction_held_on is not None
        and _flag(buddy, "interview_ok")
        and _flag(buddy, "volunteer_signed")
        and _flag(buddy, "confidentiality_signed")
        and buddy.user_id is not None
    )


def load_buddies(
    rows: Sequence[Buddy],
    columns: Columns,
    swv: Districts,
    today: dt.date,
    scope: Keys | None = None,
) -> engine.Buddies:
    ids = [b.pk for b in rows] if scope is None else scope
    codes = _codes_by_owner(Buddy.lived_experience.through.objects, "buddy_id", ids)
    matrices = columns.matrices([codes.get(b.pk, ()) for b in rows])
    return engine.Buddies(
        **matrices,
        lat=_floats(b.postcode.latitude for b in rows),
        lon=_floats(b.postcode.longitude for b in rows),
        travel_km=_floats(b.travel_km for b in rows),
        languages=_ints(engine.bitmask(b.languages or (), LANGUAGES) for b in rows),
        contact_modes=_ints(
            engine.bitmask(b.contact_modes or (), CONTACT_MODES) for b in rows
        ),
        gender=_ints(BUDDY_GENDER.get(b.gender, engine.Gender.UNSAID) for b in rows),
        capacity=_ints(b.max_matches for b in rows),
        free_places=_ints(b.max_matches - _taken(b) for b in rows),
        swv=_ints(swv(b.postcode.po_district_id) for b in rows),
        active=_bools(is_ready(b) for b in rows),
        vog_valid=_bools(
            b.vog_valid_until is not None and b.vog_valid_until >= today for b in rows
        ),
        trained=_bools(_flag(b, "trained") for b in rows),
    )


class Districts:
    """A number per SWV code, shared by the requests and buddies of one pool."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def __call__(self, code: str | None) -> int:
        if code is None:
            return -1
        return self.numbers.setdefault(code, len(self.numbers))


def load_requests(
    requests: Sequence[HelpRequest],
    columns: Columns,
    swv: Districts,
    now: dt.datetime,
    scope: Keys | None = None,
) -> engine.Requests:
    ids = [r.pk for r in requests] if scope is None else scope
    codes = _codes_by_owner(HelpRequest.codes.through.objects, "helprequest_id", ids)
    matrices = columns.matrices([codes.get(r.pk, ()) for r in requests])
    return engine.Requests(
        **matrices,
        lat=_floats(r.postcode.latitude for r in requests),
        lon=_floats(r.postcode.longitude for r in requests),
        max_km=_floats(r.max_distance_km for r in requests),
        language=_ints(
            engine.bitmask(r.languages or ("nl",), LANGUAGES) for r in requests
        ),
        contact_modes=_ints(
            engine.bitmask(r.contact_modes or (), CONTACT_MODES) for r in requests
        ),
        buddy_gender=_ints(
            WANTED_GENDER.get(r.buddy_gender, engine.ANY_GENDER) for r in requests
        ),
        gender_strict=_bools(r.buddy_gender in STRICT_GENDER for r in requests),
        days_waiting=_floats(
            (now - r.received_at).total_seconds() / 86400 for r in requests
        ),
        swv=_ints(swv(r.postcode.po_district_id) for r in requests),
    )


def _normal_school(name: str) -> str:
    return " ".join(name.lower().split())


def load_exclusions(
    requests: Sequence[HelpRequest],
    buddies: Sequence[Buddy],
    request_scope: Keys | None = None,
    buddy_scope: Keys | None = None,
) -> engine.Exclusions:
    """Conflicts of interest, earlier matches with the same parent, declined before.
    `request_scope` and `buddy_scope`: the keys of `requests` and `buddies` as a
    query (see `Keys`)."""
    r_row = {r.pk: i for i, r in enumerate(requests)}
    b_row = {b.pk: j for j, b in enumerate(buddies)}
    r_keys = list(r_row) if request_scope is None else request_scope
    b_keys = list(b_row) if buddy_scope is None else buddy_scope
    conflicts: set[tuple[int, int]] = set()
    for request_id, buddy_id in Conflict.objects.filter(
        request_id__in=r_keys, buddy_id__in=b_keys
    ).values_list("request_id", "buddy_id"):
        if request_id in r_row and buddy_id in b_row:
            conflicts.add((r_row[request_id], b_row[buddy_id]))
    schools: dict[str, list[int]] = defaultdict(list)
    for j, b in enumerate(buddies):
        for school in b.conflict_schools or ():
            if isinstance(school, str) and school.strip():
                schools[_normal_school(school)].append(j)
    if schools:
        for i, r in enumerate(requests):
            for j in schools.get(_normal_school(r.school_name), ()):
                conflicts.add((i, j))

    by_email: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(requests):
        by_email[r.email.lower()].append(i)
    previous: set[tuple[int, int]] = set()
    for email, buddy_id in (
        Match.objects.filter(started_on__isnull=False, buddy_id__in=b_keys)
        .annotate(email=Lower(F("request__email")))
        .filter(email__in=list(by_email))
        .values_list("email", "buddy_id")
    ):
        if buddy_id in b_row:
            for i in by_email[email]:
                previous.add((i, b_row[buddy_id]))

    declined = {
        (r_row[request_id], b_row[buddy_id])
        for request_id, buddy_id in Match.objects.filter(
            request_id__in=r_keys, buddy_id__in=b_keys, status__in=DECLINED
        ).values_list("request_id", "buddy_id")
        if request_id in r_row and buddy_id in b_row
    }
    return engine.Exclusions(
        conflict_of_interest=_pairs(conflicts),
        previously_matched=_pairs(previous),
        declined_before=_pairs(declined),
    )


def with_postcode(requests: QuerySet[HelpRequest]) -> list[HelpRequest]:
    # The encrypted texts are never needed for matching: not decrypted.
    return list(
        requests.select_related("postcode")
        .defer("question", "intake_note", "information_given")
        .order_by("received_at", "pk")
    )


# The request's columns that `load_requests`, `load_exclusions` and the batch's
# explanations read (`scoring.snapshot`: the languages).
REQUEST_FIELDS = (
    "id",
    "organisation_id",
    "received_at",
    "email",
    "school_name",
    "languages",
    "contact_modes",
    "buddy_gender",
    "max_distance_km",
    "postcode__latitude",
    "postcode__longitude",
    "postcode__po_district_id",
)


def for_engine(requests: QuerySet[HelpRequest]) -> list[HelpRequest]:
    """`requests` with only the columns the engine and the batch's lines need (and
    their postcodes' coordinates and district), in the waiting list's order. For a
    caller that shows nothing else of them (`services.create_batch`); a page that
    shows names or references takes `with_postcode`."""
    return list(
        requests.select_related("postcode")
        .only(*REQUEST_FIELDS)
        .order_by("received_at", "pk")
    )


def load_pool(
    organisation_id: uuid.UUID,
    requests: Sequence[HelpRequest],
    now: dt.datetime | None = None,
    buddy_ids: Sequence[uuid.UUID] | None = None,
    request_scope: QuerySet[HelpRequest] | None = None,
) -> Pool:
    """The engine's view of `requests` (with their postcodes loaded) and all of the
    organisation's buddies that are, or are about to be, matchable (or only those
    in `buddy_ids`).

    `request_scope`: the query that `requests` came from (say the waiting list);
    the requests' codes and exclusions are then read with it as a sub-query rather
    than with a parameter per request. The buddies' are read that way when all of
    the organisation's are loaded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    columns = Columns.load()
    swv = Districts()
    buddy_list = list(buddy_rows(organisation_id, buddy_ids))
    r_scope = None if request_scope is None else request_scope.values("pk")
    b_scope = (
        None
        if buddy_ids is not None
        else Buddy.objects.filter(
            organisation_id=organisation_id, status__in=LOADED_STATUSES
        ).values("pk")
    )
    return Pool(
        requests=load_requests(requests, columns, swv, now, r_scope),
        request_list=list(requests),
        buddies=load_buddies(buddy_list, columns, swv, today, b_scope),
        buddy_list=buddy_list,
        exclusions=load_exclusions(requests, buddy_list, r_scope, b_scope),
        columns=columns,
        today=today,
    )
