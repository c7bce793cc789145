"""Announcements: to all active buddies, a group or a course's buddies; one e-mail
each; a card on the start page until read; read counts for the coordinator."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.support import selectors, services_announcements
from ouderbuddy.support.models import Announcement, AnnouncementRecipient
from ouderbuddy.support.tests.factories import group
from ouderbuddy.training.models import Qualification, QualificationKind
from ouderbuddy.training.tests.factories import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


@pytest.fixture
def bram(noord):
    return matchable_buddy(noord, "Bram Twee")


def _send(actor, **fields):
    values = {
        "title": "Nieuwe folder",
        "body": "Ligt op kantoor.",
        "audience": "active",
    }
    values.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services_announcements.send_announcement(actor=actor, **values)


def test_to_all_active_buddies_each_gets_an_own_email(cora, anna, bram, noord):
    stopped = matchable_buddy(noord, "Stijn Gestopt")
    stopped.status = "stopped"
    stopped.save(update_fields=["status"])
    mail.outbox.clear()
    sent = _send(cora)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([anna.email, bram.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "Ligt op kantoor." in mail.outbox[0].body
    assert AnnouncementRecipient.objects.filter(announcement=sent).count() == 2


def test_to_a_group_or_a_course(cora, anna, bram):
    made = group(cora, [anna])
    sent = _send(cora, audience="group", group=made)
    assert list(
        AnnouncementRecipient.objects.filter(announcement=sent).values_list(
            "buddy", flat=True
        )
    ) == [anna.pk]
    course = make_course(cora.organisation, title="Opfristraining")
    Qualification.objects.create(
        organisation=cora.organisation,
        buddy=bram,
        kind=QualificationKind.REFRESHER,
        course=course,
        obtained_on="2026-01-10",
    )
    sent = _send(cora, audience="course", course=course)
    assert list(
        AnnouncementRecipient.objects.filter(announcement=sent).values_list(
            "buddy", flat=True
        )
    ) == [bram.pk]


def test_refused_without_recipients_or_with_another_organisations_group(
    cora, olga, zuid, anna
):
    theirs = group(olga, [matchable_buddy(zuid, "Zora Zuid")])
    with pytest.raises(DomainError):
        _send(cora, audience="group", group=theirs)
    with pytest.raises(DomainError):
        _send(cora, audience="group", group=None)
    anna.status = "paused"
    anna.save(update_fields=["status"])
    with pytest.raises(DomainError):
        _send(cora)
    with pytest.raises(DomainError):
        _send(buddy_membership(anna))
    assert not Announcement.objects.exists()


def test_the_card_stays_on_the_start_page_until_read(cora, cora_client, anna):
    member = buddy_membership(anna)
    sent = _send(cora, title="Intervisie in december")
    client = signed_in_client(member.user)
    start = client.get(reverse("dashboard:start")).content.decode()
    assert "Intervisie in december" in start
    desk = cora_client.get(reverse("support:announcements")).content.decode()
    assert "0 van 1 gelezen" in desk
    read = client.post(reverse("support:mark_read", args=[sent.pk]))
    assert read["Location"] == reverse("dashboard:start")
    assert "Intervisie in december" not in (
        client.get(reverse("dashboard:start")).content.decode()
    )
    assert "Intervisie in december" in (
        client.get(reverse("support:my_announcements")).content.decode()
    )
    detail = cora_client.get(reverse("support:announcement", args=[sent.pk]))
    assert "1 van 1" in detail.content.decode()
    assert selectors.unread_announcements(member) == []
    # Marking it read again changes nothing.
    assert client.post(reverse("support:mark_read", args=[sent.pk])).status_code == 302


def test_the_form_sends_and_refuses_bad_input(cora_client, anna):
    url = reverse("support:announcement_new")
    assert cora_client.get(url).status_code == 200
    for data, message in (
        (
            {"title": "", "body": "x", "audience": "active"},
            "Geef het bericht een titel.",
        ),
        ({"title": "T", "body": "", "audience": "active"}, "Schrijf het bericht."),
        ({"title": "T", "body": "x", "audience": "iedereen"}, "Kies voor wie"),
        ({"title": "T", "body": "x", "audience": "group"}, "Kies een intervisiegroep."),
        (
            {"title": "T", "body": "x", "audience": "group", "group": "nope"},
            "Kies een groep uit de lijst.",
        ),
        ({"title": "x" * 121, "body": "x", "audience": "active"}, "120 tekens"),
    ):
        response = cora_client.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Announcement.objects.exists()
    sent = cora_client.post(url, {"title": "T", "body": "x", "audience": "active"})
    assert sent.status_code == 302
    assert Announcement.objects.count() == 1


def test_access_rules(client, cora, cora_client, mia_client, olga_client, anna, bram):
    sent = _send(cora, audience="group", group=group(cora, [anna]))
    desk = [
        reverse("support:announcements"),
        reverse("support:announcement_new"),
        reverse("support:announcement", args=[sent.pk]),
    ]
    anna_client = signed_in_client(buddy_membership(anna).user)
    for url in desk:
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
        assert anna_client.get(url).status_code == 403
        assert mia_client.get(url).status_code == 403
    assert olga_client.get(desk[2]).status_code == 404
    read = reverse("support:mark_read", args=[sent.pk])
    assert anna_client.get(read).status_code == 405
    assert cora_client.post(read).status_code == 403
    # Bram got no such message: 404, and Anna's stays unread.
    bram_client = signed_in_client(buddy_membership(bram).user)
    assert bram_client.post(read).status_code == 404
    assert AnnouncementRecipient.objects.get(buddy=anna).read_at is None
