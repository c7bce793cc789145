"""What other pages show of intervisie: the coordinator's buddy page, the start
page panel of buddies without intervisie, the buddy's agenda feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.casework import services as casework_services
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.support import services
from ouderbuddy.support.panels import without_intervisie
from ouderbuddy.support.selectors import support_record
from ouderbuddy.support.tests.factories import group, held, session
from ouderbuddy.training.models import Enrolment, EnrolmentStatus
from ouderbuddy.training.tests.factories import make_course, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


@pytest.fixture
def bram(noord):
    return matchable_buddy(noord, "Bram Twee")


def _attended(cora, buddies, *, days_ago, theme="Grenzen stellen"):
    made = group(cora, buddies, name=f"Groep {days_ago}")
    past = held(session(cora, made, theme=theme), days_ago=days_ago)
    services.record_attendance(
        actor=cora, session=past, attendance={b.pk: True for b in buddies}
    )
    return past


def test_the_buddy_page_shows_the_last_year_of_intervisie_and_training(
    cora, cora_client, anna
):
    _attended(cora, [anna], days_ago=20, theme="Samen naar school")
    _attended(cora, [anna], days_ago=400, theme="Te lang geleden")
    course = make_course(cora.organisation, title="Gespreksvaardigheden")
    training = make_session(course, timezone.now() - dt.timedelta(days=30))
    Enrolment.objects.create(
        organisation=cora.organisation,
        session=training,
        buddy=anna,
        status=EnrolmentStatus.ENROLLED,
        attended=True,
    )
    record = support_record(anna)
    assert [r["title"] for r in record["intervisie"]] == ["Samen naar school"]
    assert "trainings" not in record  # training's record gives them (one read)
    page = cora_client.get(reverse("buddies:detail", args=[anna.pk]))
    text = page.content.decode()
    assert "Samen naar school" in text
    assert "training, Gespreksvaardigheden" in text
    assert "Te lang geleden" not in text
    # Both reads ran as statements compiled once per process (not the ORM fallback).
    from ouderbuddy.support import selectors

    assert selectors._ATTENDED._compiled
    assert None not in selectors._ATTENDED._compiled.values()


def test_the_buddy_page_says_when_there_was_no_support(cora_client, anna):
    page = cora_client.get(reverse("buddies:detail", args=[anna.pk]))
    assert "niet bij een intervisie of training" in page.content.decode()


def test_the_start_page_lists_active_buddies_without_intervisie(cora, anna, bram):
    _attended(cora, [anna], days_ago=10)
    _attended(cora, [bram], days_ago=250)
    rows = without_intervisie(cora)
    assert [r["label"].split(":")[0] for r in rows] == ["Bram Twee"]
    assert "laatste intervisie" in rows[0]["label"]
    assert rows[0]["url"].endswith("#support")


def test_a_buddy_who_never_came_is_listed_and_a_paused_one_is_not(cora, anna, bram):
    bram.status = "paused"
    bram.save(update_fields=["status"])
    rows = without_intervisie(cora)
    assert [r["label"] for r in rows] == ["Anna Een: nog nooit bij een intervisie"]


def test_the_start_page_shows_the_panel(cora_client, anna):
    page = cora_client.get(reverse("dashboard:start"))
    text = page.content.decode()
    assert "zonder intervisie in de afgelopen zes maanden" in text
    assert "Anna Een: nog nooit bij een intervisie" in text


def test_the_agenda_feed_carries_the_sessions_the_buddy_signed_up_for(cora, anna):
    made = group(cora, [anna])
    mine = session(cora, made, theme="Grenzen stellen")
    other = session(cora, made, theme="Niet aangemeld", days=9)
    called_off = session(cora, made, theme="Gaat niet door", days=10)
    member = buddy_membership(anna)
    services.sign_up(actor=member, session=mine)
    services.sign_up(actor=member, session=called_off)
    services.cancel_session(actor=cora, session=called_off)
    token = casework_services.new_calendar_feed(actor=member, buddy=anna)
    feed = Client().get(reverse("casework:calendar_feed", args=[token]))
    assert feed.status_code == 200
    text = feed.content.decode()
    assert "Intervisie: Grenzen stellen" in text
    assert f"intervisie-{mine.pk}@" in text
    assert other.theme not in text
    assert called_off.theme not in text


def test_the_feed_keeps_a_session_that_started_recently(cora, anna):
    made = group(cora, [anna])
    planned = session(cora, made)
    services.sign_up(actor=buddy_membership(anna), session=planned)
    started = timezone.now() - dt.timedelta(days=2)
    type(planned).objects.filter(pk=planned.pk).update(
        starts_at=started, ends_at=started + dt.timedelta(hours=2)
    )
    token = casework_services.new_calendar_feed(
        actor=buddy_membership(anna), buddy=anna
    )
    text = Client().get(reverse("casework:calendar_feed", args=[token])).content
    assert b"Intervisie: Grenzen stellen" in text
