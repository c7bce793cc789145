"""From the database to the engine: every hard filter excludes through real rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ouderbuddy.buddies.models import (
    AgreementKind,
    AgreementSignature,
    Buddy,
    Interview,
)
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.matching import engine, loading, services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.organisations.models import Membership
from ouderbuddy.regions.models import PostcodeArea
from ouderbuddy.training.models import Qualification, QualificationKind

X = engine.Exclusion
pytestmark = pytest.mark.django_db


def flags(request: HelpRequest) -> dict[Buddy, X]:
    """The exclusion flags of every loaded buddy for `request`, by buddy."""
    pool = loading.load_pool(
        request.organisation_id,
        loading.with_postcode(HelpRequest.objects.filter(pk=request.pk)),
    )
    scores = engine.score(
        pool.requests, pool.buddies, engine.Weights(), pool.exclusions
    )
    return {b: X(int(scores.excluded[0, j])) for j, b in enumerate(pool.buddy_list)}


def make_match(request: HelpRequest, buddy: Buddy, status: str, **fields: Any) -> Match:
    return Match.objects.create(
        organisation_id=request.organisation_id,
        request=request,
        buddy=buddy,
        status=status,
        respond_by=timezone.now() + dt.timedelta(days=3),
        **fields,
    )


@pytest.fixture
def request_(cora: Membership) -> HelpRequest:
    return waiting_request(cora)


def test_reference_postcodes_exist():
    for code in ("1012", "1013", "3511", "9711"):
        assert PostcodeArea.objects.filter(pk=code).exists(), code


def test_a_complete_buddy_nearby_is_eligible(cora, request_):
    bea = matchable_buddy(cora.organisation)
    assert flags(request_) == {bea: X(0)}


def test_paused_and_training_buddies_are_loaded_but_not_active(cora, request_):
    paused = matchable_buddy(cora.organisation, "Paula Pauze", status="paused")
    training = matchable_buddy(cora.organisation, "Tom Training", status="training")
    stopped = matchable_buddy(cora.organisation, "Stijn Gestopt", status="stopped")
    found = flags(request_)
    assert found[paused] == X.NOT_ACTIVE
    assert found[training] == X.NOT_ACTIVE
    # A stopped buddy is not even loaded.
    assert stopped not in found


def test_vog_expired_or_missing(cora, request_):
    today = timezone.localdate()
    expired = matchable_buddy(
        cora.organisation, "Eva Verlopen", vog_valid_until=today - dt.timedelta(days=1)
    )
    missing = matchable_buddy(cora.organisation, "Mo Zonder", vog_valid_until=None)
    last_day = matchable_buddy(cora.organisation, "Lies Vandaag", vog_valid_until=today)
    found = flags(request_)
    assert found[expired] == X.VOG_EXPIRED
    assert found[missing] == X.VOG_EXPIRED
    assert found[last_day] == X(0)


def test_no_basic_training(cora, request_):
    bea = matchable_buddy(cora.organisation)
    Qualification.objects.filter(buddy=bea).update(kind=QualificationKind.REFRESHER)
    assert flags(request_)[bea] == X.TRAINING_MISSING
    Qualification.objects.filter(buddy=bea).delete()
    assert flags(request_)[bea] == X.TRAINING_MISSING


def test_no_account(cora, request_):
    bea = matchable_buddy(cora.organisation)
    Buddy.objects.filter(pk=bea.pk).update(user=None)
    assert flags(request_)[bea] == X.NOT_ACTIVE


def test_interview_not_suitable(cora, request_):
    bea = matchable_buddy(cora.organisation)
    Interview.objects.filter(buddy=bea).update(outcome="not_yet")
    assert flags(request_)[bea] == X.NOT_ACTIVE


def test_checklist_incomplete(cora, request_):
    unsigned = matchable_buddy(cora.organisation, "Ulla Ongetekend")
    AgreementSignature.objects.filter(
        buddy=unsigned, kind=AgreementKind.CONFIDENTIALITY
    ).delete()
    unmet = matchable_buddy(
        cora.organisation, "Ed Nietgezien", introduction_held_on=None
    )
    found = flags(request_)
    assert found[unsigned] == X.NOT_ACTIVE
    assert found[unmet] == X.NOT_ACTIVE


def test_places_taken_by_existing_matches(cora, request_):
    bea = matchable_buddy(cora.organisation, max_matches=2)
    others = [waiting_request(cora, email=f"ouder{i}@example.nl") for i in range(3)]
    # Matches that ended do not hold a place.
    make_match(others[0], bea, MatchStatus.DECLINED)
    make_match(others[0], bea, MatchStatus.EXPIRED)
    make_match(others[1], bea, MatchStatus.CANCELLED)
    make_match(others[1], bea, MatchStatus.ACTIVE, started_on=timezone.localdate())
    assert flags(request_)[bea] == X(0)
    make_match(others[2], bea, MatchStatus.PROPOSED)
    assert flags(request_)[bea] == X.NO_FREE_PLACE


@pytest.mark.parametrize(
    "status",
    [
        MatchStatus.PROPOSED,
        MatchStatus.ACCEPTED,
        MatchStatus.AGREED,
        MatchStatus.INTRODUCTION_PLANNED,
        MatchStatus.ACTIVE,
    ],
)
def test_every_running_status_holds_a_place(cora, request_, status):
    bea = matchable_buddy(cora.organisation)
    other = waiting_request(cora, email="ander@example.nl")
    make_match(other, bea, status)
    assert flags(request_)[bea] == X.NO_FREE_PLACE


def test_too_far_for_the_parent(cora):
    # Utrecht is about 35 km from Amsterdam.
    request = waiting_request(cora, max_distance_km=10)
    utrecht = matchable_buddy(cora.organisation, postcode="3511", travel_km=100)
    assert flags(request)[utrecht] == X.TOO_FAR_FOR_PARENT


def test_too_far_for_the_buddy(cora):
    request = waiting_request(cora, max_distance_km=100)
    utrecht = matchable_buddy(cora.organisation, postcode="3511", travel_km=10)
    groningen = matchable_buddy(
        cora.organisation, "Gea Groningen", postcode="9711", travel_km=50
    )
    found = flags(request)
    assert found[utrecht] == X.TOO_FAR_FOR_BUDDY
    assert found[groningen] == X.TOO_FAR_FOR_PARENT | X.TOO_FAR_FOR_BUDDY


def test_within_both_limits(cora):
    request = waiting_request(cora, max_distance_km=50)
    utrecht = matchable_buddy(cora.organisation, postcode="3511", travel_km=50)
    assert flags(request)[utrecht] == X(0)


def test_contact_mode_without_overlap(cora):
    request = waiting_request(cora, contact_modes=["video", "messages"])
    phone = matchable_buddy(cora.organisation, contact_modes=["phone", "in_person"])
    video = matchable_buddy(cora.organisation, "Vera Video", contact_modes=["video"])
    found = flags(request)
    assert found[phone] == X.CONTACT_MODE
    assert found[video] == X(0)


def test_a_gender_wish_liefst_excludes_nobody(cora):
    request = waiting_request(cora, buddy_gender="male")
    bea = matchable_buddy(cora.organisation, gender="female")
    unsaid = matchable_buddy(cora.organisation, "Sam Onbekend", gender="unsaid")
    bram = matchable_buddy(cora.organisation, "Bram Man", gender="male")
    assert set(flags(request).values()) == {X(0)}
    pool = loading.load_pool(
        cora.organisation_id,
        loading.with_postcode(HelpRequest.objects.filter(pk=request.pk)),
    )
    assert pool.requests.gender_strict.tolist() == [False]
    assert {b.pk for b in (bea, unsaid, bram)} == {b.pk for b in pool.buddy_list}


def test_a_gender_wish_alleen_is_a_rule(cora):
    request = waiting_request(cora, buddy_gender="male_only")
    bea = matchable_buddy(cora.organisation, gender="female")
    unsaid = matchable_buddy(cora.organisation, "Sam Onbekend", gender="unsaid")
    bram = matchable_buddy(cora.organisation, "Bram Man", gender="male")
    found = flags(request)
    assert found[bea] == X.GENDER
    assert found[unsaid] == X.GENDER
    assert found[bram] == X(0)
    # Without a preference everyone is fine.
    anyone = waiting_request(cora, email="ander@example.nl")
    assert set(flags(anyone).values()) == {X(0)}


def test_the_parent_s_languages_all_count(cora):
    request = waiting_request(cora, languages=["tr", "ar"])
    arabic = matchable_buddy(cora.organisation, languages=["nl", "ar"])
    dutch = matchable_buddy(cora.organisation, "Dirk Dutch", languages=["nl"])
    pool = loading.load_pool(
        cora.organisation_id,
        loading.with_postcode(HelpRequest.objects.filter(pk=request.pk)),
    )
    scores = engine.score(pool.requests, pool.buddies)
    language = engine.CRITERIA.index("language")
    by_buddy = {
        b.pk: int(scores.contributions[language, 0, j])
        for j, b in enumerate(pool.buddy_list)
    }
    assert by_buddy == {arabic.pk: 1000, dutch.pk: 0}


def test_conflict_row(cora, request_):
    bea = matchable_buddy(cora.organisation)
    other = matchable_buddy(cora.organisation, "Olle Ander")
    services.record_conflict(actor=cora, request=request_, buddy=bea, note="Buurvrouw")
    found = flags(request_)
    assert found[bea] == X.CONFLICT_OF_INTEREST
    assert found[other] == X(0)


def test_conflict_school_case_and_spaces_insensitive(cora):
    request = waiting_request(cora, school_name="OBS  de Regenboog")
    bea = matchable_buddy(cora.organisation, conflict_schools=[" obs De REGENBOOG "])
    other = matchable_buddy(
        cora.organisation, "Olle Ander", conflict_schools=["Het Baken", ""]
    )
    found = flags(request)
    assert found[bea] == X.CONFLICT_OF_INTEREST
    assert found[other] == X(0)
    # A request without a school never matches a buddy's (empty) school.
    no_school = waiting_request(cora, email="ander@example.nl")
    assert flags(no_school)[other] == X(0)


def test_previously_matched_with_the_same_parent(cora):
    earlier = waiting_request(cora)
    bea = matchable_buddy(cora.organisation, max_matches=3)
    proposed_only = matchable_buddy(cora.organisation, "Pim Voorstel", max_matches=3)
    make_match(earlier, proposed_only, MatchStatus.CANCELLED)
    make_match(earlier, bea, MatchStatus.ACTIVE, started_on=timezone.localdate())
    HelpRequest.objects.filter(pk=earlier.pk).update(status=RequestStatus.MATCHED)
    again = waiting_request(cora, email="SANNE@example.nl")
    stranger = waiting_request(cora, email="iemand@example.nl")
    found = flags(again)
    assert found[bea] == X.PREVIOUSLY_MATCHED
    # A proposal that never became active does not count.
    assert found[proposed_only] == X(0)
    assert flags(stranger)[bea] == X(0)


@pytest.mark.parametrize(
    ("status", "excluded"),
    [
        (MatchStatus.DECLINED, True),
        (MatchStatus.EXPIRED, True),
        (MatchStatus.PARENT_DECLINED, True),
        (MatchStatus.CANCELLED, False),
    ],
)
def test_declined_before(cora, request_, status, excluded):
    bea = matchable_buddy(cora.organisation)
    make_match(request_, bea, status)
    assert flags(request_)[bea] == (X.DECLINED_BEFORE if excluded else X(0))
    # Only for this request.
    other = waiting_request(cora, email="ander@example.nl")
    assert flags(other)[bea] == X(0)


def test_buddies_of_another_organisation_are_never_loaded(cora, olga, request_):
    bea = matchable_buddy(cora.organisation)
    zora = matchable_buddy(olga.organisation, "Zora Zuid")
    pool = loading.load_pool(cora.organisation_id, [request_])
    assert pool.buddy_list == [bea]
    # Not even when asked for by id.
    pool = loading.load_pool(cora.organisation_id, [request_], buddy_ids=[zora.pk])
    assert pool.buddy_list == []


def test_a_handful_of_queries_whatever_the_number_of_buddies(cora, request_):
    def count() -> int:
        requests = loading.with_postcode(HelpRequest.objects.filter(pk=request_.pk))
        with CaptureQueriesContext(connection) as queries:
            loading.load_pool(cora.organisation_id, requests)
        return len(queries)

    matchable_buddy(cora.organisation)
    one = count()
    for i in range(5):
        matchable_buddy(
            cora.organisation, f"Buddy{i} Extra", conflict_schools=["De Linde"]
        )
    assert count() == one <= 10


CHECKED_TABLES = (
    "buddies_agreementsignature",
    "buddies_interview",
    "training_qualification",
)


@pytest.mark.django_db
def test_the_pool_checks_read_only_the_organisations_own_rows(cora):
    # Issue 12: the EXISTS checks of the buddy query were planned as hashed sub-plans
    # over the whole national tables, so a small organisation paid for all the others'
    # rows. Each check must name the organisation.
    import re

    sql = str(loading.buddy_rows(cora.organisation_id).query)
    checks = re.findall(
        r'EXISTS\(SELECT 1 AS "a" FROM "(\w+)" (\w+) WHERE (.*?) LIMIT 1', sql
    )
    assert {table for table, _, _ in checks} == set(CHECKED_TABLES)
    for table, alias, condition in checks:
        assert f'{alias}."organisation_id" =' in condition, table


@pytest.mark.django_db
def test_the_pool_plan_filters_each_checked_table_on_the_organisation(cora, zuid):
    """On PostgreSQL: every scan of a checked table in the plan has the organisation
    in its condition (index or filter), whatever plan the optimiser picks."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    import json

    matchable_buddy(cora.organisation, "Bea Buurt")
    for n in range(3):
        matchable_buddy(zuid, f"Zuid{n} Buddy", email=f"zuid{n}@b.test")
    sql, params = loading.buddy_rows(cora.organisation_id).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Relation Name") in CHECKED_TABLES:
            scans.append(node)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    assert {s["Relation Name"] for s in scans} == set(CHECKED_TABLES)
    for scan in scans:
        conditions = " ".join(
            str(scan.get(key, ""))
            for key in ("Index Cond", "Filter", "Recheck Cond", "Hash Cond")
        )
        assert "organisation_id" in conditions, (scan["Relation Name"], conditions)
