"""Intervisie pages: access rules for every view, the journeys through the pages,
bad input with a Dutch message and nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.support.models import (
    GroupMember,
    IntervisieGroup,
    IntervisieSession,
    Participation,
    ParticipationStatus,
)
from ouderbuddy.support.tests.factories import group, held, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


@pytest.fixture
def bram(noord):
    return matchable_buddy(noord, "Bram Twee")


@pytest.fixture
def world(cora, anna, bram):
    made = group(cora, [anna], name="Groep Oost")
    planned = session(cora, made)
    past = held(session(cora, made, days=3))
    return {"group": made, "planned": planned, "past": past}


def urls(world):
    g, planned, past = world["group"], world["planned"], world["past"]
    leader = {
        reverse("support:groups"): ("get",),
        reverse("support:group", args=[g.pk]): ("get",),
        reverse("support:session_new", args=[g.pk]): ("get", "post"),
        reverse("support:session", args=[planned.pk]): ("get",),
        reverse("support:record_attendance", args=[past.pk]): ("post",),
        reverse("support:record_session", args=[past.pk]): ("post",),
        reverse("support:cancel_session", args=[planned.pk]): ("post",),
    }
    coordinator = {
        reverse("support:group_new"): ("get", "post"),
        reverse("support:group_edit", args=[g.pk]): ("get", "post"),
    }
    buddy = {
        reverse("support:my_intervisie"): ("get",),
        reverse("support:sign_up", args=[planned.pk]): ("post",),
        reverse("support:cancel_sign_up", args=[planned.pk]): ("post",),
    }
    return leader, coordinator, buddy


def _nothing_changed(world):
    planned = IntervisieSession.objects.get(pk=world["planned"].pk)
    past = IntervisieSession.objects.get(pk=world["past"].pk)
    assert planned.cancelled_at is None
    assert past.recorded_at is None and past.attendance_recorded_at is None
    assert not Participation.objects.exists()
    assert IntervisieGroup.objects.count() == 1
    assert IntervisieSession.objects.count() == 2


class TestAccess:
    def test_anonymous_is_sent_to_sign_in(self, world):
        for group_urls in urls(world):
            for url, methods in group_urls.items():
                for method in methods:
                    response = getattr(Client(), method)(url)
                    assert response.status_code == 302, url
                    assert response["Location"].startswith(reverse("accounts:login"))
        _nothing_changed(world)

    def test_another_organisation_gets_404(self, world, olga):
        client = signed_in_client(olga.user)
        leader, coordinator, _buddy = urls(world)
        for url, methods in {**leader, **coordinator}.items():
            if url == reverse("support:groups") or url == reverse("support:group_new"):
                continue  # her own (empty) pages
            for method in methods:
                assert getattr(client, method)(url).status_code == 404, url
        _nothing_changed(world)

    def test_a_member_who_does_not_lead_gets_404_and_a_stranger_too(
        self, world, anna, bram
    ):
        leader, coordinator, _buddy = urls(world)
        for person in (anna, bram):
            client = signed_in_client(person.user, verified=False)
            for url, methods in leader.items():
                if url == reverse("support:groups"):
                    continue
                for method in methods:
                    assert getattr(client, method)(url).status_code == 404, url
            for url, methods in coordinator.items():
                for method in methods:
                    assert getattr(client, method)(url).status_code == 403, url
        # Bram is in no group: another group's session is not his to sign up for.
        client = signed_in_client(bram.user, verified=False)
        for name in ("support:sign_up", "support:cancel_sign_up"):
            url = reverse(name, args=[world["planned"].pk])
            assert client.post(url).status_code == 404
        _nothing_changed(world)

    def test_a_coordinator_has_no_buddy_pages(self, world, cora):
        client = signed_in_client(cora.user)
        for url, methods in urls(world)[2].items():
            for method in methods:
                assert getattr(client, method)(url).status_code == 403, url
        _nothing_changed(world)

    def test_wrong_methods_get_405(self, world, cora, anna):
        client = signed_in_client(cora.user)
        for url, methods in {**urls(world)[0], **urls(world)[1]}.items():
            for method in ("get", "post", "put", "delete"):
                if method not in methods:
                    assert getattr(client, method)(url).status_code == 405, url
        client = signed_in_client(anna.user, verified=False)
        for url, methods in urls(world)[2].items():
            for method in ("get", "post", "put"):
                if method not in methods:
                    assert getattr(client, method)(url).status_code == 405, url
        _nothing_changed(world)

    def test_a_facilitating_buddy_leads_their_group_only(self, cora, anna, bram):
        lead = buddy_membership(bram)
        mine = group(cora, [anna], name="Mijn groep", facilitator=lead)
        other = group(cora, [bram], name="Andere groep")
        client = signed_in_client(bram.user, verified=False)
        assert client.get(reverse("support:group", args=[mine.pk])).status_code == 200
        assert client.get(reverse("support:group", args=[other.pk])).status_code == 404
        page = client.get(reverse("support:groups")).content.decode()
        assert "Mijn groep" in page and "Andere groep" not in page


def test_a_coordinator_makes_a_group_and_plans_a_session(
    cora, anna, bram, django_capture_on_commit_callbacks
):
    client = signed_in_client(cora.user)
    response = client.post(
        reverse("support:group_new"),
        {
            "name": "Groep West",
            "facilitator": str(cora.pk),
            "members": [str(anna.pk), str(bram.pk)],
        },
    )
    made = IntervisieGroup.objects.get(name="Groep West")
    assert response["Location"] == reverse("support:group", args=[made.pk])
    assert GroupMember.objects.filter(group=made).count() == 2
    day = timezone.localdate() + dt.timedelta(days=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support:session_new", args=[made.pk]),
            {
                "date": day.isoformat(),
                "start_time": "19:30",
                "end_time": "21:30",
                "theme": "Een gesprek op school",
                "method": "incident",
                "location": "Buurthuis De Brug",
            },
        )
    planned = IntervisieSession.objects.get()
    assert response["Location"] == reverse("support:session", args=[planned.pk])
    assert len(mail.outbox) == 2
    page = client.get(response["Location"]).content.decode()
    assert "Een gesprek op school" in page and "Bijeenkomst annuleren" in page


def test_bad_input_gets_a_dutch_message_and_saves_nothing(cora, anna, zuid):
    client = signed_in_client(cora.user)
    stranger = matchable_buddy(zuid, "Zora Zuid")
    for data, message in (
        ({"name": "", "facilitator": str(cora.pk)}, "Geef de groep een naam."),
        ({"name": "X", "facilitator": "geen-id"}, "Kies een begeleider uit de lijst."),
        (
            {"name": "X", "facilitator": str(cora.pk), "members": [str(stranger.pk)]},
            "Kies buddy&#x27;s uit de lijst.",
        ),
        ({"name": "X\x00", "facilitator": str(cora.pk)}, ""),
        ({"name": "x" * 500, "facilitator": str(cora.pk)}, "hoogstens 120 tekens"),
    ):
        response = client.post(reverse("support:group_new"), data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not IntervisieGroup.objects.exists()
    made = group(cora, [anna])
    for data, message in (
        ({"date": "gisteren"}, "Vul een datum in"),
        (
            {
                "date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
                "start_time": "19:00",
                "end_time": "20:00",
                "theme": "T",
                "method": "incident",
                "location": "Hier",
            },
            "Kies een moment in de toekomst",
        ),
        (
            {
                "date": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
                "start_time": "19:00",
                "end_time": "20:00",
                "theme": "T",
                "method": "zomaar",
                "location": "",
            },
            "Kies een werkvorm uit de lijst.",
        ),
    ):
        response = client.post(reverse("support:session_new", args=[made.pk]), data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not IntervisieSession.objects.exists()


def test_a_buddy_signs_up_and_the_leader_records_attendance_and_the_record(
    cora, anna, bram
):
    match_parent = "Sanne"
    from ouderbuddy.casework.tests.factories import active_match

    active_match(cora, bram, full_name=f"{match_parent} Jansen")
    made = group(cora, [anna, bram])
    planned = session(cora, made)
    client = signed_in_client(anna.user, verified=False)
    page = client.get(reverse("support:my_intervisie")).content.decode()
    assert "Grenzen stellen" in page and "Nog niet aangemeld" in page
    response = client.post(reverse("support:sign_up", args=[planned.pk]))
    assert response["Location"] == reverse("support:my_intervisie")
    assert Participation.objects.get().status == ParticipationStatus.SIGNED_UP
    held(planned)
    leader = signed_in_client(cora.user)
    url = reverse("support:record_attendance", args=[planned.pk])
    # Not everyone answered: nothing saved.
    response = leader.post(url, {f"attended_{anna.pk}": "yes"})
    assert response.status_code == 400
    assert "Kies aanwezig of afwezig voor Bram Twee." in response.content.decode()
    assert not Participation.objects.filter(attended__isnull=False).exists()
    response = leader.post(
        url, {f"attended_{anna.pk}": "yes", f"attended_{bram.pk}": "no"}
    )
    assert response.status_code == 302
    assert Participation.objects.get(buddy=anna).attended is True
    record = reverse("support:record_session", args=[planned.pk])
    response = leader.post(record, {"themes": f"{match_parent} en school"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "In het verslag staat een naam uit een lopende koppeling: Sanne." in page
    assert "geen namen van ouders of kinderen" in page
    planned.refresh_from_db()
    assert planned.recorded_at is None
    response = leader.post(record, {"themes": "Grenzen stellen", "agreements": ""})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.record_themes == "Grenzen stellen"
    page = client.get(reverse("support:my_intervisie")).content.decode()
    assert "Waar ik was" in page and "Grenzen stellen (Groep Oost)" in page
