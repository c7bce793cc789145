"""Restriction on request (AVG art. 18): the case stays; only coordinators see it;
the parent gets no e-mail; it is not proposed to a buddy; the retention job leaves it;
lifting it restores everything."""

from __future__ import annotations

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.rights.services_restriction import lift, restrict
from ouderbuddy.rights.tests.test_retention import at, closed_case, run_at

pytestmark = pytest.mark.django_db
REASON = "De ouder vindt dat de gegevens niet kloppen"


def _url(request):
    return reverse("privacy:restrict_parent", kwargs={"request_id": request.pk})


def test_the_coordinator_restricts_and_lifts_with_a_reason(cora_client, noord):
    request = submit(noord)
    page = cora_client.get(_url(request)).content.decode()
    assert "Alleen de coördinatoren zien de hulpvraag" in page
    refused = cora_client.post(_url(request), {"reason": "kort"})
    assert refused.status_code == 400
    request.refresh_from_db()
    assert request.restricted_at is None
    assert cora_client.post(_url(request), {"reason": REASON}).status_code == 302
    request.refresh_from_db()
    assert request.restricted_at is not None
    detail = cora_client.get(
        reverse("intake:detail", args=[request.pk])
    ).content.decode()
    assert "is beperkt sinds" in detail
    assert cora_client.post(_url(request)).status_code == 302
    request.refresh_from_db()
    assert request.restricted_at is None
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"privacy.restriction", "privacy.restriction_lifted"} <= verbs


def test_a_restricted_case_sends_nothing_and_is_not_proposed(cora, noord):
    request = waiting_request(cora)
    buddy = matchable_buddy(noord)
    restrict(cora, request, reason=REASON)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake.send_new_status_links(email=request.email)
    assert mail.outbox == []
    with pytest.raises(DomainError):
        matching.propose(actor=cora, request=request, buddy=buddy)
    lift(cora, request)
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake.send_new_status_links(email=request.email)
    assert len(mail.outbox) == 1


def test_the_buddy_no_longer_sees_the_match(cora):
    match = active_match(cora)
    buddy_client = signed_in_client(buddy_membership(match.buddy).user)
    url = reverse("casework:buddy_match", args=[match.pk])
    assert buddy_client.get(url).status_code == 200
    restrict(cora, match.request, reason=REASON)
    assert buddy_client.get(url).status_code == 404
    lift(cora, match.request)
    assert buddy_client.get(url).status_code == 200


def test_the_retention_job_leaves_a_restricted_case(cora):
    match = closed_case(cora)
    with time_machine.travel(at(6), tick=False):
        restrict(cora, match.request, reason=REASON)
    run_at(at(13))
    match.request.refresh_from_db()
    assert match.request.anonymised_at is None


def test_access(olga_client, ben_client, noord):
    request = submit(noord)
    assert olga_client.get(_url(request)).status_code == 404
    assert olga_client.post(_url(request), {"reason": REASON}).status_code == 404
    assert ben_client.get(_url(request)).status_code == 403
    request.refresh_from_db()
    assert request.restricted_at is None
