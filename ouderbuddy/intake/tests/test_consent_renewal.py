"""A changed consent text is a new version; who agreed to an older one is asked again
on the status page when the change is material (`ConsentText.asks_again`), and only
then."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from ouderbuddy.intake import services
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy import consent_texts
from ouderbuddy.privacy.consent_texts import ConsentText, renewal_for
from ouderbuddy.privacy.models import AuditEvent, Consent, ConsentPurpose

pytestmark = pytest.mark.django_db

SHARE = ConsentPurpose.SHARE_WITH_BUDDY
V3 = ConsentText(
    SHARE,
    "delen-met-buddy-test-v3",
    "Het steunpunt mag de samenvatting ook aan een buddy van een ander steunpunt geven.",
    asks_again=True,
)


def change_the_text(monkeypatch) -> ConsentText:
    """From now on the sharing text is V3, a material change."""
    monkeypatch.setitem(consent_texts.CURRENT, SHARE, V3)
    monkeypatch.setitem(
        consent_texts.HISTORY, SHARE, [*consent_texts.HISTORY[SHARE], V3]
    )
    return V3


def test_a_plainer_rewording_asks_nobody_again():
    assert renewal_for(SHARE, consent_texts.SHARE_WITH_BUDDY_V1.version) is None
    assert renewal_for(SHARE, consent_texts.SHARE_WITH_BUDDY_V2.version) is None


def test_a_material_change_asks_every_older_version_again(monkeypatch):
    change_the_text(monkeypatch)
    assert renewal_for(SHARE, consent_texts.SHARE_WITH_BUDDY_V1.version) == V3
    assert renewal_for(SHARE, consent_texts.SHARE_WITH_BUDDY_V2.version) == V3
    assert renewal_for(SHARE, V3.version) is None


def test_the_parent_reads_and_agrees_to_the_new_text(noord, monkeypatch):
    request = submit(noord)  # agreed to today's text
    change_the_text(monkeypatch)
    url = reverse("intake:status", args=[services.status_token(request)])
    page = Client().get(url).content.decode()
    assert "De tekst van deze toestemming is veranderd." in page
    assert "buddy van een ander steunpunt" in page
    renew = reverse("intake:status_renew", args=[services.status_token(request)])
    done = Client().post(renew, {"purpose": SHARE})
    assert done.status_code == 302
    active = Consent.objects.get(
        subject_id=str(request.pk), purpose=SHARE, withdrawn_at__isnull=True
    )
    assert active.text_version == V3.version and active.text == V3.text
    assert Consent.objects.filter(
        subject_id=str(request.pk), purpose=SHARE, withdrawn_at__isnull=False
    ).exists()
    assert AuditEvent.objects.filter(verb="consent.renew").count() == 1
    after = Client().get(url).content.decode()
    assert "De tekst van deze toestemming is veranderd." not in after


def test_nothing_to_renew_is_refused_and_saves_nothing(noord):
    request = submit(noord)
    before = Consent.objects.count()
    renew = reverse("intake:status_renew", args=[services.status_token(request)])
    for data in ({"purpose": SHARE}, {"purpose": "nonsense"}, {}):
        assert Client().post(renew, data).status_code == 400
    assert Consent.objects.count() == before
    assert Client().get(renew).status_code == 405
