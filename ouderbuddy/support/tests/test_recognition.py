"""Recognition: the year in numbers, the thank-you note, the anniversaries panel."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.buddies.models import StatusChange
from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.support import recognition, services, services_recognition
from ouderbuddy.support.models import ThankYou
from ouderbuddy.support.panels import anniversaries
from ouderbuddy.support.tests.factories import group, held, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(noord):
    return matchable_buddy(noord, "Anna Een")


def test_the_year_counts_matches_contacts_minutes_trainings_and_intervisie(cora, anna):
    match = active_match(cora, anna)
    member = buddy_membership(anna)
    today = timezone.localdate()
    for minutes in (30, 45):
        casework.log_contact(
            actor=member, match=match, on=today, mode="phone", minutes=minutes
        )
    past = held(session(cora, group(cora, [anna])), days_ago=1)
    services.record_attendance(actor=cora, session=past, attendance={anna.pk: True})
    summary = recognition.year_summary(anna, today.year)
    assert (summary.matches, summary.contacts, summary.minutes) == (1, 2, 75)
    assert summary.hours == 1.2  # 75 minutes, to one decimal
    assert summary.intervisie == (1 if past.starts_at.year == today.year else 0)
    last_year = recognition.year_summary(anna, today.year - 1)
    assert last_year.contacts == 0 and last_year.is_empty
    # A training attended counts; one of another buddy does not.
    from ouderbuddy.training.models import Enrolment, EnrolmentStatus
    from ouderbuddy.training.tests.factories import make_course, make_session

    course = make_course(cora.organisation, title="Gespreksvaardigheden")
    training = make_session(
        course, timezone.now().replace(month=1, day=15, hour=10, minute=0)
    )
    for buddy, came in ((anna, True), (matchable_buddy(cora.organisation, "Bo"), True)):
        Enrolment.objects.create(
            organisation=cora.organisation,
            session=training,
            buddy=buddy,
            status=EnrolmentStatus.ENROLLED,
            attended=came,
        )
    assert recognition.year_summary(anna, today.year).trainings == 1
    # One statement, compiled once per process (not the ORM fallback).
    assert None not in recognition._YEAR._compiled.values()


def test_the_buddy_sees_the_year_and_the_coordinator_sends_thanks(
    cora, cora_client, anna
):
    member = buddy_membership(anna)
    page = signed_in_client(member.user).get(reverse("support:my_year"))
    assert page.status_code == 200
    assert "Mijn jaar" in page.content.decode()
    url = reverse("support:buddy_year", args=[anna.pk])
    assert cora_client.get(url).status_code == 200
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = cora_client.post(
            url, {"year": str(timezone.localdate().year), "note": "Fijn dat u er bent."}
        )
    assert sent.status_code == 302
    assert [m.to for m in mail.outbox] == [[anna.email]]
    assert "Fijn dat u er bent." in mail.outbox[0].body
    assert ThankYou.objects.filter(buddy=anna).count() == 1
    assert "Eerder verstuurd" in cora_client.get(url).content.decode()


def test_a_thank_you_needs_words_and_a_year_of_the_buddy(cora, cora_client, anna):
    url = reverse("support:buddy_year", args=[anna.pk])
    for data, message in (
        ({"year": str(timezone.localdate().year), "note": " "}, "persoonlijke woorden"),
        ({"year": "1999", "note": "Dank"}, "Kies een jaar uit de lijst."),
        ({"year": "x", "note": "Dank"}, "Kies een jaar uit de lijst."),
    ):
        response = cora_client.post(url, data)
        assert response.status_code == 400
        assert message in response.content.decode()
    with pytest.raises(DomainError):
        services_recognition.send_thank_you(
            actor=cora, buddy=anna, year=1999, note="Dank"
        )
    assert not ThankYou.objects.exists()


def test_access_rules(client, cora, olga_client, mia_client, anna, zuid):
    url = reverse("support:buddy_year", args=[anna.pk])
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    assert mia_client.get(url).status_code == 403
    assert olga_client.get(url).status_code == 404
    assert signed_in_client(buddy_membership(anna).user).get(url).status_code == 403
    assert client.get(reverse("support:my_year"))["Location"].startswith(
        reverse("accounts:login")
    )
    theirs = matchable_buddy(zuid, "Zora Zuid")
    with pytest.raises(DomainError):
        services_recognition.send_thank_you(
            actor=cora, buddy=theirs, year=timezone.localdate().year, note="Dank"
        )


def test_an_unknown_year_in_the_address_shows_this_year(anna):
    client = signed_in_client(buddy_membership(anna).user)
    for asked in ("1800", "abc", "2026' OR 1=1"):
        page = client.get(reverse("support:my_year"), {"jaar": asked})
        assert page.status_code == 200
        assert str(timezone.localdate().year) in page.content.decode()


def test_anniversaries_of_one_and_five_years_show_on_the_start_page(cora, noord):
    today = dt.date(2026, 12, 4)
    one = matchable_buddy(noord, "Eva Eenjaar")
    five = matchable_buddy(noord, "Vera Vijfjaar")
    two = matchable_buddy(noord, "Tom Tweejaar")
    for buddy, started in (
        (one, dt.date(2025, 12, 10)),
        (five, dt.date(2021, 12, 1)),
        (two, dt.date(2024, 12, 10)),
    ):
        StatusChange.objects.filter(buddy=buddy).delete()
        StatusChange.objects.create(
            organisation=noord,
            buddy=buddy,
            from_status="training",
            to_status="active",
            at=timezone.make_aware(dt.datetime.combine(started, dt.time(12))),
        )
    with time_machine.travel(dt.datetime(2026, 12, 4, 9, tzinfo=dt.UTC), tick=False):
        rows = anniversaries(cora)
    labels = [r["label"] for r in rows]
    assert labels == [
        "Vera Vijfjaar: 5 jaar buddy op 1 december 2026",
        "Eva Eenjaar: 1 jaar buddy op 10 december 2026",
    ]
    assert all(r["url"].startswith("/jaaroverzicht/") for r in rows) and today
