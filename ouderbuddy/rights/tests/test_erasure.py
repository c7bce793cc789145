"""Erasure on request: what it does is shown first, a running match or an open
safety signal stops it (explained), a tick and the word WISSEN confirm it; afterwards
only the anonymised trace is left, the status link is dead, and the record of it
holds no content."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.notifications.models import OutgoingEmail
from ouderbuddy.privacy.models import AuditEvent, RightRequest
from ouderbuddy.support.models_expenses import ExpenseClaim
from ouderbuddy.support.tests.factories import km_claim, pays

pytestmark = pytest.mark.django_db


def _url(request):
    return reverse("privacy:erase_parent", kwargs={"request_id": request.pk})


def test_a_withdrawn_requests_parent_is_erased_after_two_steps(
    cora, cora_client, noord
):
    request = submit(noord, full_name="Pieter Geheim", email="pieter@example.nl")
    intake.withdraw_by_coordinator(
        actor=cora, request=request, reason="Pieter belde af"
    )
    token = intake.status_token(request)
    page = cora_client.get(_url(request))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Wat er gebeurt" in text and "Wat blijft" in text
    assert request.reference in text
    # Without the tick and the word nothing happens.
    for data in ({}, {"understood": "on", "confirm": "ja"}, {"confirm": "WISSEN"}):
        assert cora_client.post(_url(request), data).status_code == 400
        request.refresh_from_db()
        assert request.full_name == "Pieter Geheim"
    done = cora_client.post(_url(request), {"understood": "on", "confirm": "wissen"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.anonymised_at is not None
    assert (request.full_name, request.email, request.question) == ("", "", "")
    detail = cora_client.get(done["Location"]).content.decode()
    assert "zijn op" in detail and "gewist" in detail
    assert "Pieter" not in detail and "pieter@example.nl" not in detail
    # The status link no longer opens the request.
    assert cora_client.get(reverse("intake:status", args=[token])).status_code == 410
    # A record that it was done, without the content.
    right = RightRequest.objects.get()
    assert right.kind == "erasure" and right.status == "done"
    assert right.subject_label == request.reference
    event = AuditEvent.objects.get(verb="privacy.erasure")
    assert "Pieter" not in event.target_label and event.data == {}
    # Nothing to erase twice.
    assert "al gewist" in cora_client.get(_url(request)).content.decode()


def test_a_waiting_parent_is_withdrawn_and_erased_with_every_request_and_mail(
    cora, cora_client, noord
):
    first = submit(noord, email="twee@example.nl")
    second = submit(noord, email="Twee@Example.nl")
    other = submit(noord, email="ander@example.nl")
    OutgoingEmail.objects.create(payload='{"to": ["twee@example.nl"], "subject": "x"}')
    OutgoingEmail.objects.create(payload='{"to": ["ander@example.nl"], "subject": "y"}')
    done = cora_client.post(_url(first), {"understood": "on", "confirm": "WISSEN"})
    assert done.status_code == 302
    for request in (first, second):
        request.refresh_from_db()
        assert request.anonymised_at is not None and request.status == "withdrawn"
    other.refresh_from_db()
    assert other.anonymised_at is None
    assert OutgoingEmail.objects.count() == 1


def test_a_running_match_or_an_open_signal_stops_it(cora, cora_client):
    match = active_match(cora)
    page = cora_client.get(_url(match.request)).content.decode()
    assert "Wissen kan nu nog niet" in page and "Sluit de koppeling" in page
    refused = cora_client.post(
        _url(match.request), {"understood": "on", "confirm": "WISSEN"}
    )
    assert refused.status_code == 400
    match.request.refresh_from_db()
    assert match.request.anonymised_at is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        casework.raise_signal(
            actor=buddy_membership(match.buddy),
            match=match,
            kind="child_safety",
            description="Zorgen",
        )
        casework.close_match(
            actor=cora, match=match, reason="goal_reached", initiator="parent"
        )
    page = cora_client.get(_url(match.request)).content.decode()
    assert "zorgsignaal" in page


def test_a_buddy_with_an_active_match_waits_then_is_erased_keeping_expenses(
    cora, cora_client, noord
):
    match = active_match(cora)
    buddy = match.buddy
    pays(cora)
    km_claim(buddy_membership(buddy))
    url = reverse("privacy:erase_buddy", kwargs={"buddy_id": buddy.pk})
    page = cora_client.get(url).content.decode()
    assert "lopende koppeling" in page
    with TestCase.captureOnCommitCallbacks(execute=True):
        casework.close_match(
            actor=cora, match=match, reason="goal_reached", initiator="parent"
        )
    page = cora_client.get(url).content.decode()
    assert "zeven jaar" in page and "gestopt" in page
    done = cora_client.post(url, {"understood": "on", "confirm": "WISSEN"})
    assert done.status_code == 302
    buddy.refresh_from_db()
    assert buddy.status == "stopped" and buddy.anonymised_at is not None
    assert buddy.full_name == "" and not buddy.user.is_active
    claim = ExpenseClaim.objects.get()
    assert claim.anonymised_at is None and claim.from_place  # seven years


def test_other_organisations_people_are_404(cora, olga_client, noord):
    request = submit(noord)
    buddy = matchable_buddy(noord)
    assert olga_client.get(_url(request)).status_code == 404
    assert (
        olga_client.post(
            _url(request), {"understood": "on", "confirm": "WISSEN"}
        ).status_code
        == 404
    )
    url = reverse("privacy:erase_buddy", kwargs={"buddy_id": buddy.pk})
    assert olga_client.get(url).status_code == 404
    assert HelpRequest.objects.filter(anonymised_at__isnull=False).count() == 0


def test_only_coordinators(ben_client, mia_client, noord):
    request = submit(noord)
    assert ben_client.get(_url(request)).status_code == 403
    assert mia_client.get(_url(request)).status_code == 403


def test_no_new_note_on_a_wiped_request(cora, cora_client, noord):
    request = submit(noord)
    cora_client.post(_url(request), {"understood": "on", "confirm": "WISSEN"})
    page = cora_client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    assert "Notitie opslaan" not in page
    refused = cora_client.post(
        reverse("intake:note", args=[request.pk]), {"note": "Naam: Petra"}
    )
    assert refused.status_code == 400
    request.refresh_from_db()
    assert request.intake_note == ""
