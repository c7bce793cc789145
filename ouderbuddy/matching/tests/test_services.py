"""Shortlist, weights, preview and the batch proposal through the services."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import engine, explain, scoring, selectors, services
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    BatchLine,
    BatchLineState,
    Match,
    MatchingWeights,
    MatchStatus,
)
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.organisations.models import Membership

pytestmark = pytest.mark.django_db

X = engine.Exclusion
ALL_CODES = ("route.po_regular", "issue.out_of_school", "need.anxiety")
NOT_ACTIVE = "Niet actief (in training, met pauze of checklist niet compleet)"


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


def dutch_points(text: str) -> Decimal:
    """'+1,5' -> Decimal('1.5')."""
    return Decimal(text.replace(",", "."))


def zero_weights(**nonzero: float) -> dict[str, float]:
    values = dict.fromkeys(engine.WEIGHT_FIELDS, 0.0)
    values.update(nonzero)
    return values


def places_held(buddy: Buddy) -> int:
    return Match.objects.filter(buddy=buddy, status__in=HOLDS_PLACE).count()


# --- Shortlist --------------------------------------------------------------------------


def test_shortlist_orders_by_score_and_explains_every_point(cora):
    request = waiting_request(cora)
    far = matchable_buddy(cora.organisation, "Cas Geen", codes=(), postcode="1017")
    some = matchable_buddy(
        cora.organisation, "Bo Beetje", codes=("need.anxiety",), postcode="1013"
    )
    best = matchable_buddy(cora.organisation, "Ada Alles", codes=ALL_CODES)
    paused = matchable_buddy(cora.organisation, "Paula Pauze", status="paused")

    page = selectors.shortlist(actor=cora, request=request)

    assert [o.buddy for o in page.candidates] == [best, some, far]
    totals = [o.total for o in page.candidates]
    assert totals == sorted(totals, reverse=True)
    assert page.eligible == 3
    for option in page.candidates:
        contributions = option.snapshot["contributions"]
        assert set(contributions) == set(engine.CRITERIA)
        assert sum(contributions.values()) == option.total
        words = option.explanation
        assert len(words.rows) == len(engine.CRITERIA)
        assert sum(dutch_points(points) for _, _, points in words.rows) == dutch_points(
            words.total
        )
        assert words.total == option.points
    assert best.pk in {o.buddy.pk for o in page.candidates}
    # The shared experience is named in words (labels, not codes).
    summary = " ".join(page.candidates[0].explanation.summary)
    assert "zelfde ervaring" in summary
    assert "issue.out_of_school" not in summary

    assert [o.buddy for o in page.excluded] == [paused]
    assert page.excluded[0].rules == [NOT_ACTIVE]
    assert dict(page.counts) == {NOT_ACTIVE: 1}


@pytest.mark.parametrize(
    "contributions",
    [
        {"distance": -173, "load": 333, "waiting": 393},
        {"issue": 50, "need": 50},
        {
            "issue": 3000,
            "distance": -1449,
            "load": 250,
            "waiting": 1250,
            "same_swv": 1000,
        },
        {"distance": -50, "load": 0},
        {"distance": -2349, "waiting": 49},
    ],
)
def test_explanation_rows_add_up_to_the_shown_total(contributions):
    values = dict.fromkeys(engine.CRITERIA, 0) | contributions
    data = explain.snapshot(
        contributions=values,
        shared={},
        distance_km=1.7,
        free_places=1,
        capacity=2,
        languages=["nl"],
        days_waiting=10,
    )
    words = explain.explain(data)
    shown = [dutch_points(points) for _, _, points in words.rows]
    assert (
        sum(shown)
        == dutch_points(words.total)
        == dutch_points(explain.points(sum(values.values())))
    )
    # Each row is at most one tenth away from its exact value.
    for exact, row in zip(values.values(), shown, strict=True):
        assert abs(Decimal(exact) / 1000 - row) < Decimal("0.1")


@given(
    st.lists(
        st.integers(-20_000, 20_000),
        min_size=len(engine.CRITERIA),
        max_size=len(engine.CRITERIA),
    )
)
@settings(max_examples=200, deadline=None)
def test_explanation_rows_always_add_up(milli):
    values = dict(zip(engine.CRITERIA, milli, strict=True))
    data = explain.snapshot(
        contributions=values,
        shared={},
        distance_km=0,
        free_places=1,
        capacity=1,
        languages=["nl"],
        days_waiting=0,
    )
    words = explain.explain(data)
    assert sum(dutch_points(p) for _, _, p in words.rows) == dutch_points(words.total)
    assert dutch_points(words.total) == (Decimal(sum(milli)) / 1000).quantize(
        Decimal("0.1"), rounding="ROUND_HALF_UP"
    )


def test_no_eligible_buddy_explains_which_rules_excluded_everyone(cora):
    request = waiting_request(cora, max_distance_km=10, buddy_gender="female_only")
    matchable_buddy(cora.organisation, "Ute Utrecht", postcode="3511")
    matchable_buddy(cora.organisation, "Paula Pauze", status="paused")
    matchable_buddy(cora.organisation, "Vic Verlopen", vog_valid_until=None)
    matchable_buddy(cora.organisation, "Bram Man", gender="male")

    page = selectors.shortlist(actor=cora, request=request)

    assert page.candidates == []
    assert page.eligible == 0
    assert len(page.excluded) == 4
    assert dict(page.counts) == {
        NOT_ACTIVE: 1,
        "Geen geldige VOG": 1,
        "Verder weg dan de ouder wil": 1,
        "Verder weg dan de buddy wil reizen": 1,
        "De ouder wil alleen een vrouw of alleen een man": 1,
    }
    by_name = {o.buddy.full_name: o.rules for o in page.excluded}
    assert by_name["Ute Utrecht"] == [
        "Verder weg dan de ouder wil",
        "Verder weg dan de buddy wil reizen",
    ]
    assert by_name["Vic Verlopen"] == ["Geen geldige VOG"]
    # One rule first, two rules last.
    assert page.excluded[-1].buddy.full_name == "Ute Utrecht"
    assert scoring.next_candidate_name(request) == ""


def test_shortlist_of_another_organisation_is_refused(cora, olga):
    request = waiting_request(cora)
    matchable_buddy(cora.organisation)
    with pytest.raises(DomainError, match="coördinator van dit steunpunt"):
        selectors.shortlist(actor=olga, request=request)


def test_a_buddy_may_not_see_the_shortlist(cora):
    request = waiting_request(cora)
    bea = matchable_buddy(cora.organisation)
    with pytest.raises(DomainError):
        selectors.shortlist(actor=buddy_membership(bea), request=request)


def test_option_for_a_buddy_of_another_organisation_is_not_active(cora, olga):
    request = waiting_request(cora)
    zora = matchable_buddy(olga.organisation, "Zora Zuid")
    option = selectors.option_for(actor=cora, request=request, buddy=zora)
    assert option.excluded == X.NOT_ACTIVE
    with pytest.raises(DomainError, match="hoort niet bij uw organisatie"):
        services.propose(actor=cora, request=request, buddy=zora)


def test_record_conflict_needs_a_note_and_excludes_the_pair(cora):
    request = waiting_request(cora)
    bea = matchable_buddy(cora.organisation)
    with pytest.raises(DomainError, match="Schrijf kort waarom"):
        services.record_conflict(actor=cora, request=request, buddy=bea, note="  ")
    services.record_conflict(
        actor=cora, request=request, buddy=bea, note="Kent het gezin"
    )
    # Twice is fine (kept once).
    services.record_conflict(actor=cora, request=request, buddy=bea, note="Nog eens")
    assert request.conflicts.count() == 1
    page = selectors.shortlist(actor=cora, request=request)
    assert page.candidates == []
    assert page.excluded[0].rules == [
        "Belangenconflict (zelfde school of kent het gezin)"
    ]


# --- Weights ----------------------------------------------------------------------------


def test_weights_all_zero_are_refused(cora):
    with pytest.raises(DomainError) as caught:
        services.save_weights(actor=cora, values=zero_weights())
    assert (
        str(caught.value)
        == "Zet minstens één gewicht hoger dan 0, anders telt niets mee."
    )
    assert not MatchingWeights.objects.exists()


def test_negative_weight_is_refused_with_its_field(cora):
    with pytest.raises(DomainError) as caught:
        services.save_weights(actor=cora, values={"issue": -1})
    assert str(caught.value) == "Een gewicht kan niet lager zijn dan 0."
    assert caught.value.field == "issue"


def test_too_large_and_not_a_number(cora):
    with pytest.raises(DomainError, match="te groot"):
        services.save_weights(actor=cora, values={"need": engine.MAX_WEIGHT + 1})
    with pytest.raises(DomainError, match="Vul een getal in"):
        services.save_weights(actor=cora, values={"need": float("nan")})


def test_saving_one_weight_to_zero_cannot_make_them_all_zero(cora):
    services.save_weights(actor=cora, values=zero_weights(issue=1.0))
    with pytest.raises(DomainError, match="minstens één gewicht"):
        services.save_weights(actor=cora, values={"issue": 0})
    assert scoring.weights_of(cora.organisation_id).issue == 1.0
    # The organisation can still make a shortlist.
    selectors.shortlist(actor=cora, request=waiting_request(cora))


def test_weights_are_saved_per_organisation(cora, olga):
    saved = services.save_weights(
        actor=cora, values={"issue": 5, "distance_per_km": 0.5}
    )
    assert (saved.issue, saved.distance_per_km, saved.need) == (5.0, 0.5, 3.0)
    assert saved.changed_by == cora.user
    assert scoring.weights_of(olga.organisation_id).issue == 3.0
    assert not MatchingWeights.objects.filter(organisation=olga.organisation).exists()
    again = services.save_weights(actor=cora, values={"need": 1})
    assert again.pk == saved.pk
    assert (again.issue, again.need) == (5.0, 1.0)


def test_a_buddy_cannot_save_weights(cora):
    bea = matchable_buddy(cora.organisation)
    with pytest.raises(DomainError):
        services.save_weights(actor=buddy_membership(bea), values={"issue": 1})


def test_preview_ranks_differently_when_the_weights_change(cora):
    request = waiting_request(cora, max_distance_km=50)
    near = matchable_buddy(cora.organisation, "Nel Dichtbij", codes=(), travel_km=50)
    far = matchable_buddy(
        cora.organisation, "Ver Weg", codes=ALL_CODES, postcode="3511", travel_km=50
    )
    by_distance = engine.Weights(**zero_weights(distance_per_km=1.0))
    by_experience = engine.Weights(**zero_weights(issue=3.0, need=3.0, route=2.0))

    (row,) = selectors.preview(actor=cora, weights=by_distance)
    assert row.request == request
    assert row.eligible == 2
    assert row.best.buddy == near
    (row,) = selectors.preview(actor=cora, weights=by_experience)
    assert row.best.buddy == far
    assert row.best.total == 8000
    # The defaults: shared experience outweighs 35 km.
    (row,) = selectors.preview(actor=cora, weights=engine.Weights())
    assert row.best.buddy == far


def test_preview_without_eligible_buddy_and_without_waiting_list(cora):
    assert selectors.preview(actor=cora, weights=engine.Weights()) == []
    waiting_request(cora)
    matchable_buddy(cora.organisation, status="paused")
    (row,) = selectors.preview(actor=cora, weights=engine.Weights())
    assert row.best is None
    assert row.eligible == 0


def test_engine_weights_in_dutch():
    with pytest.raises(DomainError, match="minstens één gewicht"):
        services.engine_weights(zero_weights())
    assert services.engine_weights({"issue": 1}).issue == 1


# --- Batch ------------------------------------------------------------------------------


def greedy_trap(cora: Membership) -> dict[str, Any]:
    """Greedy gives the first request its favourite buddy, who is the only one the
    second request may have; the optimum gives both a buddy."""
    first = waiting_request(cora)
    second = waiting_request(
        cora, email="tweede@example.nl", buddy_gender="female_only"
    )
    ada = matchable_buddy(cora.organisation, "Ada Alles", codes=ALL_CODES)
    bram = matchable_buddy(cora.organisation, "Bram Man", codes=(), gender="male")
    return {"first": first, "second": second, "ada": ada, "bram": bram}


def line_of(draft, request: HelpRequest) -> BatchLine:
    return draft.lines.get(request=request)


def assert_draft_is_sound(draft) -> None:
    per_buddy = Counter(line.buddy_id for line in draft.lines.all())
    for buddy_id, n in per_buddy.items():
        buddy = Buddy.objects.get(pk=buddy_id)
        assert n + places_held(buddy) <= buddy.max_matches
    for line in draft.lines.select_related("request", "buddy"):
        option = scoring.pair(line.request, line.buddy)
        assert option.excluded == 0, explain.rules(option.excluded)
        assert line.score == option.total
        assert sum(line.explanation["contributions"].values()) == line.score
    assert len({line.request_id for line in draft.lines.all()}) == draft.lines.count()


def test_batch_best_fit_beats_greedy(cora):
    cast = greedy_trap(cora)
    draft = services.create_batch(actor=cora, objective="best_fit")
    assert draft.waiting == 2
    assert draft.matched == 2
    assert draft.greedy_matched == 1
    assert draft.total_score > draft.greedy_total_score
    assert line_of(draft, cast["first"]).buddy == cast["bram"]
    assert line_of(draft, cast["second"]).buddy == cast["ada"]
    assert draft.total_score == sum(line.score for line in draft.lines.all())
    assert_draft_is_sound(draft)
    assert draft.published_at is None
    assert not Match.objects.exists()


def test_batch_most_matched(cora):
    greedy_trap(cora)
    # A third request nobody can help.
    waiting_request(cora, email="derde@example.nl", contact_modes=["messages"])
    # A buddy whose only place went to a single proposal earlier.
    busy = matchable_buddy(cora.organisation, "Vol Bezet")
    other = waiting_request(cora, email="vierde@example.nl")
    run(services.propose, actor=cora, request=other, buddy=busy)
    draft = services.create_batch(actor=cora, objective="most_matched")
    assert draft.waiting == 3
    assert (draft.matched, draft.greedy_matched) == (2, 1)
    assert busy.pk not in {line.buddy_id for line in draft.lines.all()}
    assert_draft_is_sound(draft)


def test_batch_with_an_empty_waiting_list(cora):
    matchable_buddy(cora.organisation)
    draft = services.create_batch(actor=cora, objective="best_fit")
    assert (draft.waiting, draft.matched, draft.lines.count()) == (0, 0, 0)
    with pytest.raises(DomainError, match="minstens één voorstel"):
        services.publish_batch(actor=cora, draft=draft)


def test_batch_with_an_unknown_objective(cora):
    with pytest.raises(DomainError, match="Kies wat het voorstel"):
        services.create_batch(actor=cora, objective="fastest")


def test_publishing_sends_the_proposals(cora):
    cast = greedy_trap(cora)
    draft = services.create_batch(actor=cora, objective="best_fit")
    mail.outbox.clear()
    published = run(services.publish_batch, actor=cora, draft=draft)
    assert (published.sent, published.conflicts) == (2, 0)
    assert set(draft.lines.values_list("state", flat=True)) == {
        BatchLineState.PUBLISHED
    }
    matches = Match.objects.filter(from_batch=True, status=MatchStatus.PROPOSED)
    assert {(m.request_id, m.buddy_id) for m in matches} == {
        (cast["first"].pk, cast["bram"].pk),
        (cast["second"].pk, cast["ada"].pk),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast["ada"].email, cast["bram"].email]
    )
    for request in (cast["first"], cast["second"]):
        request.refresh_from_db()
        assert request.status == RequestStatus.MATCHING
    draft.refresh_from_db()
    assert draft.published_at is not None
    with pytest.raises(DomainError, match="minstens één voorstel"):
        services.publish_batch(actor=cora, draft=draft)
    assert Match.objects.count() == 2


def test_a_stale_draft_is_checked_again_when_published(cora):
    requests = [waiting_request(cora, email=f"ouder{i}@example.nl") for i in range(3)]
    for name in ("Ada Een", "Bob Twee", "Cor Drie"):
        matchable_buddy(cora.organisation, name)
    draft = services.create_batch(actor=cora, objective="best_fit")
    assert draft.matched == 3
    withdrawn, taken, fine = requests
    # The waiting list changes after the draft: one parent withdraws, a new request
    # comes in and gets the buddy of another line through a single proposal.
    run(
        intake_services.withdraw_by_coordinator,
        actor=cora,
        request=withdrawn,
        reason="Opgelost met school",
    )
    newcomer = waiting_request(cora, email="nieuw@example.nl")
    given_away = line_of(draft, taken).buddy
    run(services.propose, actor=cora, request=newcomer, buddy=given_away)

    mail.outbox.clear()
    published = run(services.publish_batch, actor=cora, draft=draft)

    assert (published.sent, published.conflicts) == (1, 2)
    lines = {line.request_id: line for line in draft.lines.all()}
    assert lines[withdrawn.pk].state == BatchLineState.CONFLICT
    assert "nu niet op de wachtlijst" in lines[withdrawn.pk].problem
    assert "Ingetrokken" in lines[withdrawn.pk].problem
    assert lines[taken.pk].state == BatchLineState.CONFLICT
    assert (
        lines[taken.pk].problem == f"{given_away.full_name} kan niet: geen plek vrij."
    )
    assert lines[fine.pk].state == BatchLineState.PUBLISHED
    assert lines[fine.pk].problem == ""
    # Nothing is double-booked.
    for buddy in Buddy.objects.all():
        assert places_held(buddy) <= buddy.max_matches
    assert not Match.objects.filter(request=withdrawn).exists()
    assert Match.objects.filter(request=taken).count() == 0
    assert [m.to for m in mail.outbox] == [[lines[fine.pk].buddy.email]]
    draft.refresh_from_db()
    assert draft.published_at is not None
    with pytest.raises(DomainError):
        services.publish_batch(actor=cora, draft=draft)
    assert Match.objects.filter(status__in=HOLDS_PLACE).count() == 2


def test_publish_only_chosen_lines_then_the_rest(cora):
    first = waiting_request(cora)
    second = waiting_request(cora, email="tweede@example.nl")
    matchable_buddy(cora.organisation, "Ada Een")
    matchable_buddy(cora.organisation, "Bob Twee")
    draft = services.create_batch(actor=cora, objective="best_fit")
    chosen = line_of(draft, first)
    published = run(
        services.publish_batch, actor=cora, draft=draft, line_ids=[chosen.pk]
    )
    assert (published.sent, published.conflicts) == (1, 0)
    draft.refresh_from_db()
    assert draft.published_at is None
    assert line_of(draft, second).state == BatchLineState.DRAFT
    # Publishing the same line again sends nothing.
    with pytest.raises(DomainError):
        services.publish_batch(actor=cora, draft=draft, line_ids=[chosen.pk])
    published = run(services.publish_batch, actor=cora, draft=draft)
    assert (published.sent, published.conflicts) == (1, 0)
    assert Match.objects.count() == 2


def test_set_line_drop_and_keep(cora):
    first = waiting_request(cora)
    second = waiting_request(cora, email="tweede@example.nl")
    matchable_buddy(cora.organisation, "Ada Een")
    matchable_buddy(cora.organisation, "Bob Twee")
    draft = services.create_batch(actor=cora, objective="best_fit")
    dropped = services.set_line(actor=cora, line=line_of(draft, first), keep=False)
    assert dropped.state == BatchLineState.DROPPED
    assert (
        services.set_line(actor=cora, line=dropped, keep=True).state
        == BatchLineState.DRAFT
    )
    services.set_line(actor=cora, line=dropped, keep=False)

    published = run(services.publish_batch, actor=cora, draft=draft)
    assert (published.sent, published.conflicts) == (1, 0)
    assert not Match.objects.filter(request=first).exists()
    assert Match.objects.filter(request=second).count() == 1
    draft.refresh_from_db()
    assert draft.published_at is not None
    line = line_of(draft, first)
    with pytest.raises(DomainError, match="al verstuurd"):
        services.set_line(actor=cora, line=line, keep=True)
    with pytest.raises(DomainError):
        services.set_line(actor=cora, line=line_of(draft, second), keep=False)


def test_change_line(cora, olga):
    request = waiting_request(cora)
    matchable_buddy(cora.organisation, "Ada Alles", codes=ALL_CODES)
    other = matchable_buddy(cora.organisation, "Bob Twee", codes=())
    paused = matchable_buddy(cora.organisation, "Paula Pauze", status="paused")
    zora = matchable_buddy(olga.organisation, "Zora Zuid")
    draft = services.create_batch(actor=cora, objective="best_fit")
    line = line_of(draft, request)
    assert line.buddy.full_name == "Ada Alles"

    with pytest.raises(DomainError) as caught:
        services.change_line(actor=cora, line=line, buddy=paused)
    assert str(caught.value) == f"Paula Pauze kan niet: {NOT_ACTIVE.lower()}."
    with pytest.raises(DomainError, match="hoort niet bij uw organisatie"):
        services.change_line(actor=cora, line=line, buddy=zora)
    with pytest.raises(DomainError):
        services.change_line(actor=olga, line=line, buddy=other)
    line.refresh_from_db()
    assert line.buddy.full_name == "Ada Alles"

    changed = services.change_line(actor=cora, line=line, buddy=other)
    assert changed.buddy == other
    assert changed.score == scoring.pair(request, other).total
    run(services.publish_batch, actor=cora, draft=draft)
    assert Match.objects.get(request=request).buddy == other
    line.refresh_from_db()
    with pytest.raises(DomainError, match="kan niet meer veranderen"):
        services.change_line(actor=cora, line=line, buddy=other)


def test_another_coordinator_cannot_touch_the_draft(cora, olga):
    waiting_request(cora)
    matchable_buddy(cora.organisation)
    draft = services.create_batch(actor=cora, objective="best_fit")
    with pytest.raises(DomainError):
        services.publish_batch(actor=olga, draft=draft)
    with pytest.raises(DomainError):
        services.set_line(actor=olga, line=draft.lines.get(), keep=False)
    assert not Match.objects.exists()


# --- Property: no published proposal breaks a filter or a capacity ----------------------


class _Rollback(Exception):
    """Thrown at the end of each example to undo its rows."""


_example = itertools.count()

buddies_st = st.lists(
    st.fixed_dictionaries(
        {
            "postcode": st.sampled_from(["1012", "1013", "1017", "3511"]),
            "max_matches": st.integers(1, 3),
            "travel_km": st.sampled_from([5, 15, 50]),
            "codes": st.lists(st.sampled_from(ALL_CODES), unique=True, max_size=3),
            "gender": st.sampled_from(["female", "male"]),
            "contact_modes": st.sampled_from(
                [["phone"], ["video"], ["phone", "video"]]
            ),
            "status": st.sampled_from(["active", "active", "active", "paused"]),
            "busy": st.booleans(),
        }
    ),
    min_size=1,
    max_size=5,
)
requests_st = st.lists(
    st.fixed_dictionaries(
        {
            "postcode": st.sampled_from(["1012 AB", "1017 AB", "3511 AB"]),
            "max_distance_km": st.sampled_from([5, 25, 50]),
            "codes": st.lists(st.sampled_from(ALL_CODES), unique=True, max_size=3),
            "buddy_gender": st.sampled_from(["any", "any", "female", "male"]),
            "contact_modes": st.sampled_from([[], ["phone"], ["video"]]),
        }
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    buddies=buddies_st,
    requests=requests_st,
    objective=st.sampled_from(["best_fit", "most_matched"]),
)
def test_batch_never_breaks_a_filter_or_a_capacity(cora, buddies, requests, objective):
    try:
        with transaction.atomic():
            n = next(_example)
            made = [
                matchable_buddy(
                    cora.organisation,
                    f"B{n}x{j} Buddy",
                    **{k: v for k, v in b.items() if k != "busy"},
                )
                for j, b in enumerate(buddies)
            ]
            rows = [
                waiting_request(cora, email=f"o{n}x{i}@example.nl", **r)
                for i, r in enumerate(requests)
            ]
            # Some buddies already hold a place through a single proposal.
            for buddy, spec in zip(made, buddies, strict=True):
                if spec["busy"]:
                    other = waiting_request(
                        cora, email=f"bezet{n}{buddy.pk.hex[:6]}@example.nl"
                    )
                    if (
                        selectors.option_for(
                            actor=cora, request=other, buddy=buddy
                        ).excluded
                        == 0
                    ):
                        services.propose(actor=cora, request=other, buddy=buddy)

            draft = services.create_batch(actor=cora, objective=objective)
            assert_draft_is_sound(draft)
            if objective == "best_fit":
                assert draft.total_score >= draft.greedy_total_score
            else:
                assert draft.matched >= draft.greedy_matched
            if draft.lines.exists():
                published = services.publish_batch(actor=cora, draft=draft)
                assert published.conflicts == 0
                assert published.sent == draft.matched

            for buddy in made:
                assert places_held(buddy) <= buddy.max_matches
            for request in rows:
                assert (
                    Match.objects.filter(
                        request=request, status__in=HOLDS_PLACE
                    ).count()
                    <= 1
                )
            for match in Match.objects.filter(from_batch=True).select_related(
                "request", "buddy"
            ):
                # The pair broke no rule when it was proposed (the buddy may be
                # full now, because of this very proposal).
                assert match.score == sum(match.explanation["contributions"].values())
                flags = X(scoring.pair(match.request, match.buddy).excluded)
                assert flags & ~X.NO_FREE_PLACE == X(0)
                assert match.request.status == RequestStatus.MATCHING
            raise _Rollback
    except _Rollback:
        pass


def test_a_gender_wish_liefst_ranks_and_is_explained_but_excludes_nobody(cora):
    """Issue 10 item 7: "Liefst een vrouw" puts the woman first and says why; the
    man stays on the shortlist. "Alleen een vrouw" leaves him out, with the rule."""
    request = waiting_request(cora, buddy_gender="female", languages=["nl", "tr"])
    bea = matchable_buddy(cora.organisation, "Bea Vrouw", gender="female")
    bram = matchable_buddy(
        cora.organisation, "Bram Man", gender="male", languages=["nl", "tr"]
    )
    page = selectors.shortlist(actor=cora, request=request)
    by_name = {o.buddy.full_name: o for o in page.candidates}
    assert set(by_name) == {"Bea Vrouw", "Bram Man"}
    assert page.excluded == [] and page.eligible == 2
    bea_rows = {row[0]: row[1:] for row in by_name["Bea Vrouw"].explanation.rows}
    assert bea_rows["Man of vrouw, zoals de ouder liefst wil"] == ("ja", "+1,0")
    bram_rows = {row[0]: row[1:] for row in by_name["Bram Man"].explanation.rows}
    assert bram_rows["Man of vrouw, zoals de ouder liefst wil"] == ("nee", "+0,0")
    # Both speak Dutch; Bram also Turkish, which is named.
    assert bram_rows["Spreekt de taal van de ouder"][0] == "Nederlands, Turks"
    assert "spreekt turks" in by_name["Bram Man"].explanation.summary
    assert "man of vrouw zoals de ouder liefst wil" in (
        by_name["Bea Vrouw"].explanation.summary
    )
    assert by_name["Bram Man"].snapshot["languages"] == ["nl", "tr"]
    assert bea.pk != bram.pk

    strict = waiting_request(
        cora, email="alleen@example.nl", buddy_gender="female_only"
    )
    page = selectors.shortlist(actor=cora, request=strict, with_excluded=True)
    assert [o.buddy.full_name for o in page.candidates] == ["Bea Vrouw"]
    assert [o.rules for o in page.excluded] == [
        ["De ouder wil alleen een vrouw of alleen een man"]
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_summary_alone_is_the_explanations_summary(language):
    from django.utils import translation

    from ouderbuddy.matching import explain

    snapshots = [
        explain.snapshot(
            {"issue": 3000, "gender": 1000, "same_swv": 1000, "language": 500},
            {"issue": ["issue.thuiszitten"], "need": [], "route": ["route.po"]},
            12.34,
            1,
            2,
            ["nl", "en"],
            20.0,
        ),
        explain.snapshot({}, {}, 0.4, 0, 1, [], 0.0),
    ]
    with translation.override(language):
        for data in snapshots:
            assert explain.summary(data) == explain.explain(data).summary
