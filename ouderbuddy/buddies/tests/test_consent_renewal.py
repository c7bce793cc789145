"""A buddy who agreed to an older application consent is asked again on the portal
after a material change of its text, and only then."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.privacy import consent_texts
from ouderbuddy.privacy.consent_texts import ConsentText
from ouderbuddy.privacy.models import AuditEvent, Consent, ConsentPurpose
from ouderbuddy.privacy.services import record_consent

pytestmark = pytest.mark.django_db

APPLICATION = ConsentPurpose.BUDDY_APPLICATION
V3 = ConsentText(
    APPLICATION,
    "buddy-aanmelding-test-v3",
    "Het steunpunt mag mijn profiel ook delen met een ander steunpunt.",
    asks_again=True,
)
PROFILE = reverse("buddies:portal_profile")
RENEW = reverse("buddies:portal_consent")


@pytest.fixture
def bea(noord):
    buddy = matchable_buddy(noord)
    record_consent(
        organisation=noord, purpose=APPLICATION, subject=buddy, given_by="Bea Buddy"
    )
    return buddy


def test_no_question_while_the_text_has_not_changed_materially(bea):
    client = signed_in_client(buddy_membership(bea).user)
    assert (
        "De tekst van uw toestemming is veranderd."
        not in client.get(PROFILE).content.decode()
    )
    before = Consent.objects.count()
    response = client.post(RENEW)
    assert response.status_code == 302
    assert Consent.objects.count() == before
    page = client.get(response["Location"]).content.decode()
    assert "hoeft u niets opnieuw te geven" in page


def test_the_buddy_agrees_to_the_new_text(bea, monkeypatch):
    monkeypatch.setitem(consent_texts.CURRENT, APPLICATION, V3)
    monkeypatch.setitem(
        consent_texts.HISTORY, APPLICATION, [*consent_texts.HISTORY[APPLICATION], V3]
    )
    client = signed_in_client(buddy_membership(bea).user)
    page = client.get(PROFILE).content.decode()
    assert "De tekst van uw toestemming is veranderd." in page
    assert "ander steunpunt" in page
    assert client.post(RENEW).status_code == 302
    active = Consent.objects.get(
        subject_id=str(bea.pk), purpose=APPLICATION, withdrawn_at__isnull=True
    )
    assert active.text_version == V3.version and active.text == V3.text
    assert AuditEvent.objects.filter(verb="consent.renew").count() == 1
    assert (
        "De tekst van uw toestemming is veranderd."
        not in client.get(PROFILE).content.decode()
    )


def test_only_the_buddy_themselves(cora_client, client):
    assert cora_client.post(RENEW).status_code == 403
    assert client.post(RENEW).status_code == 302
    assert cora_client.get(RENEW).status_code == 405
