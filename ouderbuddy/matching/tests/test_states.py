"""Every step of a match as the parent (status page), the coordinator (the start
button) and the buddy (start page) read it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.organisations.models import Membership

pytestmark = pytest.mark.django_db

OLD_TEXT = "De buddy zegt of die tijd heeft."
READY = "U bent klaar om gekoppeld te worden"


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


def status_page(request: HelpRequest) -> str:
    url = reverse("intake:status", args=[intake_services.status_token(request)])
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def the_lead(page: str) -> str:
    """The "Waar staat uw vraag nu?" section of the status page."""
    start = page.index('id="status-title"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def ben_buddy(cora: Membership, ben: Membership) -> Buddy:
    return matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)


def to_status(cora: Membership, buddy: Buddy, target: str) -> Match:
    """A proposal for a new request, taken to `target` through the services."""
    request = waiting_request(cora)
    match = run(services.propose, actor=cora, request=request, buddy=buddy)
    steps = [
        (
            MatchStatus.ACCEPTED,
            lambda: services.accept(actor=buddy_membership(buddy), match=match),
        ),
        (
            MatchStatus.AGREED,
            lambda: services.parent_agrees(request=request, match=match),
        ),
        (
            MatchStatus.INTRODUCTION_PLANNED,
            lambda: services.plan_introduction(
                actor=cora,
                match=match,
                at=timezone.now() + dt.timedelta(days=2),
                mode="video",
            ),
        ),
    ]
    for status, step in steps:
        if match.status == target:
            break
        with TestCase.captureOnCommitCallbacks(execute=True):
            step()
        match.refresh_from_db()
        assert match.status == status
    mail.outbox.clear()
    return match


# --- The parent's status page ---------------------------------------------------------


class TestParentStatus:
    def test_proposed_waits_for_the_buddy(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.PROPOSED)
        lead = the_lead(status_page(match.request))
        assert "We hebben een buddy gevraagd" in lead
        assert OLD_TEXT in lead

    def test_accepted_asks_the_parent(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.ACCEPTED)
        lead = the_lead(status_page(match.request))
        assert "De buddy wil graag: nu kiest u" in lead
        assert "Zeg ja of nee." in lead
        assert OLD_TEXT not in lead
        assert "Buddy voorgesteld" not in lead

    def test_agreed_says_the_introduction_is_being_planned(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.AGREED)
        lead = the_lead(status_page(match.request))
        assert "U zei ja: de kennismaking wordt gepland" in lead
        assert "U hoeft nu niets te doen." in lead
        assert OLD_TEXT not in lead

    def test_introduction_planned_gives_the_date(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        lead = the_lead(status_page(match.request))
        day = timezone.localtime(match.introduction_at)
        assert "Kennismaking gepland" in lead
        assert "U maakt kennis met Ben op " in lead
        assert f"{day.day} " in lead and f"{day:%Y}, {day:%H:%M}" in lead
        assert OLD_TEXT not in lead

    def test_active(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
        run(services.activate, actor=cora, match=match, started_on=timezone.localdate())
        lead = the_lead(status_page(match.request))
        assert "Gekoppeld aan een buddy" in lead
        assert OLD_TEXT not in lead

    def test_declined_by_the_buddy_is_back_looking(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.PROPOSED)
        run(
            services.decline,
            actor=buddy_membership(ben_buddy),
            match=match,
            reason="no_time",
        )
        lead = the_lead(status_page(match.request))
        assert "Op de wachtlijst" in lead
        assert "Het voorstel ging niet door." in lead
        assert "Het steunpunt zoekt een andere buddy." in lead
        assert OLD_TEXT not in lead

    def test_the_parent_asked_for_another_buddy(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.ACCEPTED)
        run(services.parent_declines, request=match.request, match=match)
        lead = the_lead(status_page(match.request))
        assert "U wilde liever een andere buddy." in lead
        assert "Het voorstel ging niet door." not in lead

    def test_a_waiting_request_without_a_proposal_says_nothing_of_one(self, cora):
        request = waiting_request(cora)
        lead = the_lead(status_page(request))
        assert "Op de wachtlijst" in lead
        assert "ging niet door" not in lead


# --- The start of a match: not before the introduction --------------------------------


class TestStartAfterTheIntroduction:
    def test_refused_before_the_introduction_day(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        with pytest.raises(DomainError, match="kennismaking is nog niet geweest"):
            services.activate(actor=cora, match=match, started_on=timezone.localdate())
        match.refresh_from_db()
        assert match.status == MatchStatus.INTRODUCTION_PLANNED

    def test_the_button_comes_on_the_introduction_day(
        self, cora, cora_client, ben_buddy
    ):
        match = to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        url = reverse("matching:match", args=[match.pk])
        page = cora_client.get(url).content.decode()
        assert reverse("matching:activate", args=[match.pk]) not in page
        assert "U kunt de koppeling starten als de kennismaking is geweest" in page
        # A post anyway: refused with the reason, nothing changes.
        response = cora_client.post(
            reverse("matching:activate", args=[match.pk]),
            {"started_on": timezone.localdate().isoformat()},
        )
        assert response.status_code == 400
        assert "nog niet geweest" in response.content.decode()
        match.refresh_from_db()
        assert match.status == MatchStatus.INTRODUCTION_PLANNED

        # The introduction took place a minute ago: now the button is there.
        Match.objects.filter(pk=match.pk).update(
            introduction_at=timezone.now() - dt.timedelta(minutes=1)
        )
        page = cora_client.get(url).content.decode()
        assert reverse("matching:activate", args=[match.pk]) in page
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = cora_client.post(
                reverse("matching:activate", args=[match.pk]),
                {"started_on": timezone.localdate().isoformat()},
            )
        assert response.status_code == 302
        match.refresh_from_db()
        assert match.status == MatchStatus.ACTIVE
        assert match.started_on == timezone.localdate()

    def test_not_started_before_the_introduction_day(self, cora, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        day_before = timezone.localdate(match.introduction_at) - dt.timedelta(days=1)
        with (
            time_machine.travel(match.introduction_at + dt.timedelta(days=1)),
            pytest.raises(DomainError, match="voor de kennismaking") as caught,
        ):
            services.activate(actor=cora, match=match, started_on=day_before)
        assert caught.value.field == "started_on"


# --- The buddy's start page -----------------------------------------------------------


def start_page(client: Client) -> str:
    response = client.get(reverse("dashboard:start"))
    assert response.status_code == 200
    return response.content.decode()


class TestBuddyStart:
    def test_ready_without_a_match(self, ben_client, ben_buddy):
        assert READY in start_page(ben_client)

    def test_an_open_proposal(self, cora, ben_client, ben_buddy):
        to_status(cora, ben_buddy, MatchStatus.PROPOSED)
        page = start_page(ben_client)
        assert READY not in page
        assert "Er is een voorstel voor u. Lees het en zeg ja of nee." in page

    def test_on_the_way_to_the_start(self, cora, ben_client, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.ACCEPTED)
        page = start_page(ben_client)
        assert READY not in page
        assert "Nu kiest de ouder." in page
        assert reverse("matching:proposal", args=[match.pk]) in page
        run(services.parent_agrees, request=match.request, match=match)
        page = start_page(ben_client)
        assert "De coördinator plant nu de kennismaking." in page

    def test_introduction_planned(self, cora, ben_client, ben_buddy):
        to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        page = start_page(ben_client)
        assert READY not in page
        assert "Uw kennismaking met de ouder is op" in page

    def test_an_active_match(self, cora, ben_client, ben_buddy):
        match = to_status(cora, ben_buddy, MatchStatus.INTRODUCTION_PLANNED)
        Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
        run(services.activate, actor=cora, match=match, started_on=timezone.localdate())
        page = start_page(ben_client)
        assert READY not in page
        assert "U bent buddy van een ouder." in page
        assert reverse("casework:buddy_match", args=[match.pk]) in page
