"""The match flow end to end through the services, and its edges."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.buddies import services as buddy_services
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import RequestEvent, RequestStatus
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import selectors, services
from ouderbuddy.matching.models import Match, MatchEvent, MatchStatus
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


def introduction_held(match: Match) -> Match:
    """The planned introduction has taken place: it moves to a minute ago."""
    Match.objects.filter(pk=match.pk).update(
        introduction_at=timezone.now() - dt.timedelta(minutes=1)
    )
    match.refresh_from_db()
    return match


@pytest.mark.django_db
def test_whole_flow_from_proposal_to_active(cora):
    bea = matchable_buddy(cora.organisation)
    request = waiting_request(cora)
    page = selectors.shortlist(actor=cora, request=request)
    assert [o.buddy for o in page.candidates] == [bea]
    mail.outbox.clear()
    match = run(
        services.propose,
        actor=cora,
        request=request,
        buddy=bea,
        reason="Zelfde ervaring",
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.MATCHING
    assert [m.to for m in mail.outbox] == [[bea.email]]
    match = run(services.accept, actor=buddy_membership(bea), match=match)
    assert match.status == MatchStatus.ACCEPTED
    match = run(services.parent_agrees, request=request, match=match)
    at = timezone.now() + dt.timedelta(days=2)
    match = run(
        services.plan_introduction, actor=cora, match=match, at=at, mode="video"
    )
    # On the day of the introduction the match can start.
    with time_machine.travel(at + dt.timedelta(hours=1)):
        match = run(
            services.activate, actor=cora, match=match, started_on=timezone.localdate()
        )
    request.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert request.status == RequestStatus.MATCHED
    assert list(
        MatchEvent.objects.filter(match=match).values_list("to_status", flat=True)
    ) == ["proposed", "accepted", "agreed", "introduction_planned", "active"]


@pytest.mark.django_db
def test_no_free_place_after_proposal(cora):
    bea = matchable_buddy(cora.organisation)
    first = waiting_request(cora)
    second = waiting_request(cora, email="ander@example.nl")
    run(services.propose, actor=cora, request=first, buddy=bea)
    with pytest.raises(DomainError) as caught:
        services.propose(actor=cora, request=second, buddy=bea)
    assert str(caught.value) == "Bea Buddy kan niet: geen plek vrij."
    second.refresh_from_db()
    assert second.status == RequestStatus.WAITING
    assert Match.objects.filter(buddy=bea).count() == 1


# --- Edges ------------------------------------------------------------------------------

ALL_CODES = ("route.po_regular", "issue.out_of_school", "need.anxiety")


@pytest.fixture
def cast(cora):
    """A waiting request, Bea (the best buddy) and Cor (the next best)."""
    bea = matchable_buddy(cora.organisation, "Bea Buddy", codes=ALL_CODES)
    cor = matchable_buddy(cora.organisation, "Cor Volgende", codes=("need.anxiety",))
    request = waiting_request(cora)
    page = selectors.shortlist(actor=cora, request=request)
    assert [o.buddy for o in page.candidates] == [bea, cor]
    return {"bea": bea, "cor": cor, "request": request}


def proposed(cora, cast):
    match = run(
        services.propose, actor=cora, request=cast["request"], buddy=cast["bea"]
    )
    mail.outbox.clear()
    return match


def accepted(cora, cast):
    match = proposed(cora, cast)
    match = run(services.accept, actor=buddy_membership(cast["bea"]), match=match)
    mail.outbox.clear()
    return match


def agreed(cora, cast):
    match = accepted(cora, cast)
    match = run(services.parent_agrees, request=cast["request"], match=match)
    mail.outbox.clear()
    return match


def planned(cora, cast):
    match = agreed(cora, cast)
    match = run(
        services.plan_introduction,
        actor=cora,
        match=match,
        at=timezone.now() + dt.timedelta(days=2),
        mode="phone",
    )
    mail.outbox.clear()
    return match


def status_of(obj):
    obj.refresh_from_db()
    return obj.status


def to_coordinator(subject_start: str):
    found = [m for m in mail.outbox if m.to == [COORDINATOR_EMAIL]]
    assert [m.subject.split(":")[0] for m in found] == [subject_start], [
        m.subject for m in mail.outbox
    ]
    return found[0]


COORDINATOR_EMAIL = "cora@noord.test"


def test_buddy_paused_between_proposal_and_acceptance(cora, cast):
    match = proposed(cora, cast)
    until = timezone.localdate() + dt.timedelta(days=30)
    run(buddy_services.pause_buddy, actor=cora, buddy=cast["bea"], until=until)

    assert status_of(match) == MatchStatus.CANCELLED
    assert status_of(cast["request"]) == RequestStatus.WAITING
    assert RequestEvent.objects.filter(
        request=cast["request"], from_status="matching", to_status="waiting"
    ).exists()
    message = to_coordinator("Voorstel gestopt door pauze of stop van de buddy")
    assert cast["request"].reference in message.subject
    assert "Wie nu het best past: Cor Volgende." in message.body
    with pytest.raises(
        DomainError, match="U heeft al geantwoord, of dit voorstel loopt niet meer"
    ):
        services.accept(actor=buddy_membership(cast["bea"]), match=match)
    assert status_of(match) == MatchStatus.CANCELLED
    # The place is free again and the request can get the next buddy.
    match = run(
        services.propose, actor=cora, request=cast["request"], buddy=cast["cor"]
    )
    assert match.status == MatchStatus.PROPOSED


def test_pause_keeps_answered_proposals_but_the_match_cannot_start(cora, cast):
    match = agreed(cora, cast)
    until = timezone.localdate() + dt.timedelta(days=30)
    run(buddy_services.pause_buddy, actor=cora, buddy=cast["bea"], until=until)
    assert status_of(match) == MatchStatus.AGREED
    match = run(
        services.plan_introduction,
        actor=cora,
        match=match,
        at=timezone.now() + dt.timedelta(days=40),
        mode="video",
    )
    match = introduction_held(match)
    with pytest.raises(DomainError, match="niet actief"):
        services.activate(actor=cora, match=match, started_on=timezone.localdate())


def test_parent_withdraws_during_the_proposal(cora, cast):
    match = proposed(cora, cast)
    run(intake_services.withdraw_by_parent, request=cast["request"])

    assert status_of(match) == MatchStatus.CANCELLED
    assert status_of(cast["request"]) == RequestStatus.WITHDRAWN
    to_buddy = [m for m in mail.outbox if m.to == [cast["bea"].email]]
    assert [m.subject for m in to_buddy] == ["Het voorstel gaat niet door"]
    assert MatchEvent.objects.filter(match=match, to_status="cancelled").count() == 1
    with pytest.raises(DomainError):
        services.accept(actor=buddy_membership(cast["bea"]), match=match)
    with pytest.raises(DomainError):
        services.decline(
            actor=buddy_membership(cast["bea"]), match=match, reason="no_time"
        )
    # Bea's place is free again.
    other = waiting_request(cora, email="ander@example.nl")
    run(services.propose, actor=cora, request=other, buddy=cast["bea"])


def test_parent_withdraws_after_the_buddy_said_yes(cora, cast):
    match = accepted(cora, cast)
    run(intake_services.withdraw_by_parent, request=cast["request"])
    assert status_of(match) == MatchStatus.CANCELLED
    with pytest.raises(DomainError, match="wacht niet"):
        services.parent_agrees(request=cast["request"], match=match)


def test_coordinator_withdraws_the_request_during_matching(cora, cast):
    match = proposed(cora, cast)
    run(
        intake_services.withdraw_by_coordinator,
        actor=cora,
        request=cast["request"],
        reason="Ouder belde: opgelost",
    )
    assert status_of(cast["request"]) == RequestStatus.WITHDRAWN
    assert status_of(match) == MatchStatus.CANCELLED
    recipients = [m.to for m in mail.outbox]
    assert [cast["bea"].email] in recipients
    assert [cast["request"].email] in recipients
    with pytest.raises(DomainError):
        services.accept(actor=buddy_membership(cast["bea"]), match=match)


def test_buddy_declines_twice(cora, cast):
    match = proposed(cora, cast)
    bea = buddy_membership(cast["bea"])
    with pytest.raises(DomainError, match="Kies een reden"):
        services.decline(actor=bea, match=match, reason="zomaar")
    match = run(services.decline, actor=bea, match=match, reason="no_time", note="Druk")
    assert match.status == MatchStatus.DECLINED
    assert (match.decline_reason, match.decline_note) == ("no_time", "Druk")
    assert status_of(cast["request"]) == RequestStatus.WAITING
    message = to_coordinator("Buddy zegt nee")
    assert "Wie nu het best past: Cor Volgende." in message.body

    with pytest.raises(DomainError, match="U heeft al geantwoord"):
        services.decline(actor=bea, match=match, reason="too_far")
    assert MatchEvent.objects.filter(match=match, to_status="declined").count() == 1
    assert status_of(match) == MatchStatus.DECLINED
    match.refresh_from_db()
    assert match.decline_reason == "no_time"


def test_declined_buddy_is_excluded_for_that_request_only(cora, cast):
    match = proposed(cora, cast)
    run(
        services.decline,
        actor=buddy_membership(cast["bea"]),
        match=match,
        reason="no_time",
    )
    page = selectors.shortlist(actor=cora, request=cast["request"])
    assert [o.buddy for o in page.candidates] == [cast["cor"]]
    assert [o.buddy for o in page.excluded] == [cast["bea"]]
    assert page.excluded[0].rules == ["Heeft deze hulpvraag al eerder afgewezen"]
    with pytest.raises(DomainError, match="heeft deze hulpvraag al eerder afgewezen"):
        services.propose(actor=cora, request=cast["request"], buddy=cast["bea"])
    other = waiting_request(cora, email="ander@example.nl")
    assert (
        selectors.shortlist(actor=cora, request=other).candidates[0].buddy
        == cast["bea"]
    )


def test_only_the_proposed_buddy_answers(cora, ben, cast):
    match = proposed(cora, cast)
    with pytest.raises(DomainError, match="niet voor u"):
        services.accept(actor=ben, match=match)
    with pytest.raises(DomainError, match="niet voor u"):
        services.accept(actor=buddy_membership(cast["cor"]), match=match)
    with pytest.raises(DomainError, match="niet voor u"):
        services.decline(actor=cora, match=match, reason="no_time")
    assert status_of(match) == MatchStatus.PROPOSED


def test_unanswered_proposal_expires_after_three_days(cora, cast):
    match = proposed(cora, cast)
    assert match.respond_by - match.created_at >= dt.timedelta(days=3) - dt.timedelta(
        seconds=5
    )
    assert (
        services.expire_proposals(now=timezone.now() + dt.timedelta(days=2, hours=23))
        == 0
    )
    assert status_of(match) == MatchStatus.PROPOSED
    assert mail.outbox == []

    later = timezone.now() + dt.timedelta(days=3, minutes=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.expire_proposals(now=later) == 1
    assert status_of(match) == MatchStatus.EXPIRED
    assert status_of(cast["request"]) == RequestStatus.WAITING
    message = to_coordinator("Geen antwoord van de buddy")
    assert "Wie nu het best past: Cor Volgende." in message.body
    assert MatchEvent.objects.filter(match=match, to_status="expired").count() == 1
    # Once only; and a late answer is refused.
    assert services.expire_proposals(now=later) == 0
    with pytest.raises(DomainError):
        services.accept(actor=buddy_membership(cast["bea"]), match=match)
    page = selectors.shortlist(actor=cora, request=cast["request"])
    assert [o.buddy for o in page.candidates] == [cast["cor"]]


def test_expiry_leaves_answered_proposals_alone(cora, cast):
    match = accepted(cora, cast)
    assert services.expire_proposals(now=timezone.now() + dt.timedelta(days=30)) == 0
    assert status_of(match) == MatchStatus.ACCEPTED


def test_expiry_without_a_next_candidate_says_so(cora, cast):
    match = proposed(cora, cast)
    Buddy.objects.filter(pk=cast["cor"].pk).update(status="paused")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.expire_proposals(now=timezone.now() + dt.timedelta(days=4))
    assert status_of(match) == MatchStatus.EXPIRED
    assert (
        "Er is nu geen andere buddy die kan."
        in to_coordinator("Geen antwoord van de buddy").body
    )


def test_parent_declines_the_buddy(cora, cast):
    other = waiting_request(cora, email="ander@example.nl")
    match = accepted(cora, cast)
    with pytest.raises(DomainError, match="hoort niet bij uw hulpvraag"):
        services.parent_declines(request=other, match=match)
    with pytest.raises(DomainError, match="hoort niet bij uw hulpvraag"):
        services.parent_agrees(request=other, match=match)
    match = run(
        services.parent_declines,
        request=cast["request"],
        match=match,
        note="Liever een man",
    )
    assert match.status == MatchStatus.PARENT_DECLINED
    assert status_of(cast["request"]) == RequestStatus.WAITING
    assert (
        "Wie nu het best past: Cor Volgende."
        in to_coordinator("Ouder wil een andere buddy").body
    )
    assert [cast["bea"].email] in [m.to for m in mail.outbox]
    assert MatchEvent.objects.get(match=match, to_status="parent_declined").by_parent
    page = selectors.shortlist(actor=cora, request=cast["request"])
    assert [o.buddy for o in page.candidates] == [cast["cor"]]


def test_plan_introduction_checks(cora, cast):
    match = accepted(cora, cast)
    soon = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(DomainError, match="allebei ja"):
        services.plan_introduction(actor=cora, match=match, at=soon, mode="video")
    match = run(services.parent_agrees, request=cast["request"], match=match)
    with pytest.raises(DomainError, match="in de toekomst") as caught:
        services.plan_introduction(
            actor=cora,
            match=match,
            at=timezone.now() - dt.timedelta(hours=1),
            mode="video",
        )
    assert caught.value.field == "at"
    with pytest.raises(DomainError, match="binnen vier maanden"):
        services.plan_introduction(
            actor=cora,
            match=match,
            at=timezone.now() + dt.timedelta(days=121),
            mode="video",
        )
    with pytest.raises(DomainError, match="Vul in waar u afspreekt") as caught:
        services.plan_introduction(
            actor=cora, match=match, at=soon, mode="in_person", place=" "
        )
    assert caught.value.field == "place"
    with pytest.raises(DomainError, match="Kies hoe"):
        services.plan_introduction(actor=cora, match=match, at=soon, mode="post")
    with pytest.raises(DomainError):
        services.plan_introduction(
            actor=buddy_membership(cast["bea"]), match=match, at=soon, mode="video"
        )
    assert status_of(match) == MatchStatus.AGREED

    mail.outbox.clear()
    match = run(
        services.plan_introduction,
        actor=cora,
        match=match,
        at=soon,
        mode="in_person",
        place="Bibliotheek Centrum",
        coordinator_present=True,
    )
    assert match.status == MatchStatus.INTRODUCTION_PLANNED
    assert (match.introduction_place, match.coordinator_present) == (
        "Bibliotheek Centrum",
        True,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast["bea"].email, cast["request"].email]
    )
    # It can move.
    later = soon + dt.timedelta(days=1)
    match = run(
        services.plan_introduction, actor=cora, match=match, at=later, mode="video"
    )
    assert match.introduction_at == later


def test_activate_checks(cora, cast):
    match = agreed(cora, cast)
    with pytest.raises(DomainError, match="Plan eerst de kennismaking"):
        services.activate(actor=cora, match=match, started_on=timezone.localdate())
    match = run(
        services.plan_introduction,
        actor=cora,
        match=match,
        at=timezone.now() + dt.timedelta(days=1),
        mode="video",
    )
    # Not before the introduction: its day has not come yet.
    with pytest.raises(DomainError, match="kennismaking is nog niet geweest"):
        services.activate(actor=cora, match=match, started_on=timezone.localdate())
    assert not services.can_activate(match)
    match = introduction_held(match)
    assert services.can_activate(match)
    with pytest.raises(DomainError, match="niet in de toekomst") as caught:
        services.activate(
            actor=cora,
            match=match,
            started_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert caught.value.field == "started_on"
    with pytest.raises(DomainError, match="niet voor de kennismaking") as caught:
        services.activate(
            actor=cora,
            match=match,
            started_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert caught.value.field == "started_on"
    assert status_of(match) == MatchStatus.INTRODUCTION_PLANNED
    assert status_of(cast["request"]) == RequestStatus.MATCHING
    match = run(
        services.activate, actor=cora, match=match, started_on=timezone.localdate()
    )
    assert match.status == MatchStatus.ACTIVE
    assert status_of(cast["request"]) == RequestStatus.MATCHED
    with pytest.raises(DomainError, match="Alleen een voorstel dat nog niet loopt"):
        services.cancel(actor=cora, match=match, reason="Toch niet")


def test_cancel(cora, olga, cast):
    match = accepted(cora, cast)
    with pytest.raises(DomainError, match="Schrijf kort waarom"):
        services.cancel(actor=cora, match=match, reason="  ")
    with pytest.raises(DomainError):
        services.cancel(actor=olga, match=match, reason="Niet van mij")
    match = run(services.cancel, actor=cora, match=match, reason="Buddy verhuist")
    assert match.status == MatchStatus.CANCELLED
    assert status_of(cast["request"]) == RequestStatus.WAITING
    # The parent already knew the buddy (accepted): both hear that it stops; the
    # parent's mail and status page say nothing about the reason.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast["bea"].email, cast["request"].email]
    )
    to_parent = next(m for m in mail.outbox if m.to == [cast["request"].email])
    assert "Buddy verhuist" not in to_parent.body
    assert "wachtlijst" in to_parent.body
    assert (
        "Buddy verhuist"
        in MatchEvent.objects.get(match=match, to_status="cancelled").description
    )
    with pytest.raises(DomainError):
        services.cancel(actor=cora, match=match, reason="Nog eens")
    # A cancelled proposal does not exclude the buddy for this request.
    run(services.propose, actor=cora, request=cast["request"], buddy=cast["bea"])


def test_propose_only_from_the_waiting_list(cora, cast):
    new = submit(cora.organisation, email="nieuw@example.nl")
    assert new.status == RequestStatus.NEW
    with pytest.raises(
        DomainError, match="niet op de wachtlijst, maar heeft de status 'Nieuw'"
    ):
        services.propose(actor=cora, request=new, buddy=cast["cor"])
    with pytest.raises(DomainError, match="hoogstens 300 tekens"):
        services.propose(
            actor=cora, request=cast["request"], buddy=cast["bea"], reason="x" * 301
        )
    assert not Match.objects.exists()


def test_a_second_proposal_for_the_same_request_is_refused(cora, cast):
    proposed(cora, cast)
    with pytest.raises(
        DomainError,
        match="niet op de wachtlijst, maar heeft de status 'Buddy voorgesteld'",
    ):
        services.propose(actor=cora, request=cast["request"], buddy=cast["cor"])
    assert Match.objects.filter(request=cast["request"]).count() == 1
    assert mail.outbox == []


def test_proposal_for_another_organisation_is_refused(cora, olga, cast):
    with pytest.raises(DomainError, match="coördinator van dit steunpunt"):
        services.propose(actor=olga, request=cast["request"], buddy=cast["bea"])


def test_stopping_a_buddy_cancels_every_pending_match(cora):
    bea = matchable_buddy(cora.organisation, "Bea Buddy", max_matches=3)
    requests = [waiting_request(cora, email=f"ouder{i}@example.nl") for i in range(3)]
    matches = [
        run(services.propose, actor=cora, request=r, buddy=bea) for r in requests
    ]
    bea_m = buddy_membership(bea)
    for m in matches[1:]:
        run(services.accept, actor=bea_m, match=m)
    run(services.parent_agrees, request=requests[2], match=matches[2])
    run(
        services.plan_introduction,
        actor=cora,
        match=matches[2],
        at=timezone.now() + dt.timedelta(days=1),
        mode="video",
    )
    introduction_held(matches[2])
    run(
        services.activate, actor=cora, match=matches[2], started_on=timezone.localdate()
    )
    mail.outbox.clear()

    run(buddy_services.stop_buddy, actor=cora, buddy=bea, reason_code="moved")

    assert [status_of(m) for m in matches] == [
        MatchStatus.CANCELLED,
        MatchStatus.CANCELLED,
        MatchStatus.ACTIVE,
    ]
    assert [status_of(r) for r in requests] == [
        RequestStatus.WAITING,
        RequestStatus.WAITING,
        RequestStatus.MATCHED,
    ]
    to_cora = [m for m in mail.outbox if m.to == [COORDINATOR_EMAIL]]
    assert len(to_cora) == 2
    assert all("Er is nu geen andere buddy die kan." in m.body for m in to_cora)


def test_the_scheduler_expires_unanswered_proposals_at_its_next_tick(cora, cast):
    from ouderbuddy.notifications.scheduler import FREQUENT_JOBS, run_frequent_jobs

    assert "matching.expire_proposals" in FREQUENT_JOBS
    match = run(
        services.propose, actor=cora, request=cast["request"], buddy=cast["bea"]
    )
    almost = match.respond_by - dt.timedelta(minutes=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_frequent_jobs(now=almost)
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_frequent_jobs(now=match.respond_by + dt.timedelta(minutes=1))
        run_frequent_jobs(now=match.respond_by + dt.timedelta(minutes=2))
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED
    assert MatchEvent.objects.filter(match=match, to_status="expired").count() == 1
