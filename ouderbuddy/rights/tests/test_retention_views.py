"""The coordinator's retention page: the periods, what goes in the next 30 days,
keeping one case longer (once, with a reason), an own period; access."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.privacy.models import AuditEvent, RetentionHold, RetentionPolicy
from ouderbuddy.rights.tests.test_retention import START, at, closed_case

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("privacy:retention")


def test_the_page_shows_every_category_and_what_goes_soon(cora):
    match = closed_case(cora)
    reference = match.request.reference
    with time_machine.travel(at(12, days=-20), tick=False):
        page = signed_in_client(cora.user).get(OVERVIEW)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Afgesloten koppeling en de begeleiding" in text
    assert "Onkostendeclaraties en bonnen" in text and "7 jaar" in text
    assert reference in text
    # Two months earlier it is not yet in the 30 days.
    with time_machine.travel(at(10), tick=False):
        later = signed_in_client(cora.user)
        assert reference not in later.get(OVERVIEW).content.decode()


def test_keeping_a_case_longer_with_a_reason_once(cora):
    match = closed_case(cora)
    url = reverse(
        "privacy:retention_hold",
        kwargs={"category": "closed_match", "case_id": match.request_id},
    )
    with time_machine.travel(at(12, days=-5), tick=False):
        cora_client = signed_in_client(cora.user)
        assert cora_client.get(url).status_code == 200
        refused = cora_client.post(url, {"reason": "kort"})
        assert refused.status_code == 400
        assert "minstens 10 tekens" in refused.content.decode()
        assert not RetentionHold.objects.exists()
        done = cora_client.post(url, {"reason": "De ouder heeft een klacht ingediend"})
        assert done.status_code == 302
        assert RetentionHold.objects.get().until == at(24).date()
        page = cora_client.get(OVERVIEW).content.decode()
        assert "Wordt al langer bewaard" in page
        again = cora_client.post(url, {"reason": "Nog een keer, graag langer"})
        assert again.status_code == 400
        assert "maar één keer" in again.content.decode()
    assert AuditEvent.objects.filter(verb="privacy.retention_hold").count() == 1


def test_an_own_period_not_below_the_legal_minimum(cora, cora_client):
    url = reverse("privacy:retention_policy", kwargs={"category": "expenses"})
    refused = cora_client.post(url, {"months": "12", "reason": ""})
    assert refused.status_code == 400
    assert "minstens 84 maanden" in refused.content.decode()
    assert not RetentionPolicy.objects.exists()
    for bad in ("", "abc", "-1", "9999", "1\x00"):
        assert cora_client.post(url, {"months": bad}).status_code == 400
    assert not RetentionPolicy.objects.exists()
    done = cora_client.post(
        reverse("privacy:retention_policy", kwargs={"category": "closed_match"}),
        {"months": "6", "reason": "Wij bewaren zo kort als het kan."},
    )
    assert done.status_code == 302
    assert "6 maanden" in cora_client.get(OVERVIEW).content.decode()


def test_unknown_categories_and_other_organisations_cases_are_404(cora, olga):
    match = closed_case(cora)
    with time_machine.travel(at(12, days=-5), tick=False):
        olga_client = signed_in_client(olga.user)
        other = olga_client.get(
            reverse(
                "privacy:retention_hold",
                kwargs={"category": "closed_match", "case_id": match.request_id},
            )
        )
        assert other.status_code == 404
        assert (
            olga_client.get(
                reverse("privacy:retention_policy", kwargs={"category": "nothing"})
            ).status_code
            == 404
        )


def test_only_coordinators(ben_client, mia_client, client):
    assert ben_client.get(OVERVIEW).status_code == 403
    assert mia_client.get(OVERVIEW).status_code == 403
    assert client.get(OVERVIEW).status_code == 302
    assert START  # the shared clock of these tests


def test_platform_wide_periods_cannot_be_changed_by_an_organisation(cora, cora_client):
    from ouderbuddy.lib.errors import DomainError
    from ouderbuddy.rights import services_retention

    page = cora_client.get(OVERVIEW).content.decode()
    assert "Deze termijn geldt voor het hele platform." in page
    url = reverse("privacy:retention_policy", kwargs={"category": "sessions"})
    assert cora_client.get(url).status_code == 404
    with pytest.raises(DomainError):
        services_retention.set_policy(cora, category="email", months=12, reason="")
    assert not RetentionPolicy.objects.exists()
