"""The organisation's settings page: who may open it, what it changes, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ouderbuddy.organisations import services
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.privacy.models import AuditEvent

URL = "/organisatie/instellingen/"

GOOD = {
    "contact_email": "info@noord.test",
    "contact_phone": "030 123 45 67",
    "website": "https://www.steunpunt-noord.test",
    "contact_hours": "Maandag tot en met donderdag van 9 tot 17 uur",
    "request_wait_target_days": "15",
    "check_in_first_days": "10, 24",
    "check_in_interval_months": "2",
    "email_signature": "Cora en Kees\nSteunpunt Noord",
}


def test_the_url_is_the_settings_page():
    assert reverse("organisations:settings") == URL


@pytest.mark.django_db
class TestAccess:
    def test_anonymous_goes_to_login(self):
        response = Client().get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_buddy_and_network_admin_get_403(self, ben_client, nina):
        from conftest import signed_in_client

        assert ben_client.get(URL).status_code == 403
        assert signed_in_client(nina.user).get(URL).status_code == 403

    def test_manager_reads_but_cannot_change(self, mia_client, cora):
        response = mia_client.get(URL)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Alleen een coördinator" in body
        assert "elke maand" in body
        assert '<form method="post" action="/organisatie/instellingen/"' not in body
        assert mia_client.post(URL, GOOD).status_code == 403
        cora.organisation.refresh_from_db()
        assert cora.organisation.request_wait_target_days == 10

    def test_wrong_method_is_405(self, cora_client):
        assert cora_client.put(URL).status_code == 405
        assert cora_client.delete(URL).status_code == 405

    def test_olga_sees_and_changes_only_her_own(self, olga_client, cora, olga):
        body = olga_client.get(URL).content.decode()
        assert cora.organisation.name not in body
        assert olga_client.post(URL, GOOD).status_code == 302
        cora.organisation.refresh_from_db()
        olga.organisation.refresh_from_db()
        assert cora.organisation.contact_phone == ""
        assert olga.organisation.contact_phone == "030 123 45 67"


@pytest.mark.django_db
def test_coordinator_changes_every_setting_and_it_is_audited(cora_client, cora):
    response = cora_client.post(URL, GOOD)
    assert response.status_code == 302
    organisation = Organisation.objects.get(pk=cora.organisation_id)
    assert organisation.contact_email == "info@noord.test"
    assert organisation.contact_phone == "030 123 45 67"
    assert organisation.website == "https://www.steunpunt-noord.test"
    assert organisation.request_wait_target_days == 15
    assert organisation.check_in_first_days == [10, 24]
    assert organisation.check_in_interval_months == 2
    assert organisation.email_signature == "Cora en Kees\nSteunpunt Noord"
    event = AuditEvent.objects.get(verb="organisation.settings")
    assert event.actor == cora.user
    assert event.organisation == organisation
    assert set(event.data["fields"]) == {
        "contact_email",
        "contact_phone",
        "website",
        "contact_hours",
        "request_wait_target_days",
        "check_in_first_days",
        "check_in_interval_months",
        "email_signature",
    }
    # The values themselves (a signature may hold names) are not in the audit log.
    assert "Cora en Kees" not in str(event.data)
    page = cora_client.get(URL).content.decode()
    assert 'value="10, 24"' in page


@pytest.mark.django_db
def test_saving_without_changes_writes_no_audit_event(cora_client, cora):
    cora_client.post(URL, GOOD)
    cora_client.post(URL, GOOD)
    assert AuditEvent.objects.filter(verb="organisation.settings").count() == 1


BAD: list[tuple[str, Any, str]] = [
    ("contact_phone", "bel mij", "telefoonnummer"),
    ("contact_phone", "12", "telefoonnummer"),
    ("contact_email", "geen-adres", "e-mailadres"),
    ("website", "javascript:alert(1)", "URL"),
    ("request_wait_target_days", "0", "1"),
    ("request_wait_target_days", "999", "60"),
    ("request_wait_target_days", "tien", "geheel getal"),
    ("check_in_first_days", "21, 7", "van vroeg naar laat"),
    ("check_in_first_days", "7, zeven", "hele dagen"),
    ("check_in_first_days", "1, 40", "hoogstens 31 dagen"),
    ("check_in_first_days", "99", "1 tot en met 60"),
    ("check_in_first_days", "1, 2, 3, 4, 5", "hoogstens 4"),
    ("check_in_first_days", "٧", "hele dagen"),
    ("check_in_interval_months", "12", "geldige keuze"),
    ("email_signature", "x" * 501, "500"),
    ("contact_hours", "x" * 201, "200"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_bad_input_is_refused_in_dutch_next_to_the_field(
    cora_client, cora, field, value, message
):
    response = cora_client.post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'aria-describedby="id_{field}' in body or f"id_{field}_error" in body
    organisation = Organisation.objects.get(pk=cora.organisation_id)
    assert organisation.contact_phone == ""
    assert organisation.request_wait_target_days == 10
    assert not AuditEvent.objects.filter(verb="organisation.settings").exists()


@pytest.mark.django_db
def test_the_service_refuses_a_manager_and_another_organisation(mia, cora, olga):
    from ouderbuddy.lib.errors import DomainError

    with pytest.raises(DomainError):
        services.update_settings(
            actor=mia, organisation=cora.organisation, contact_phone="0301234567"
        )
    with pytest.raises(DomainError):
        services.update_settings(
            actor=olga, organisation=cora.organisation, contact_phone="0301234567"
        )


@pytest.mark.django_db
def test_the_waiting_list_uses_the_target(cora_client, cora):
    import datetime as dt

    from django.test import TestCase
    from django.utils import timezone

    from ouderbuddy.intake import services as intake
    from ouderbuddy.intake.models import HelpRequest
    from ouderbuddy.intake.tests.factories import submit

    help_request = submit(cora.organisation)
    # A week ago: five working days, whatever today is.
    HelpRequest.objects.filter(pk=help_request.pk).update(
        received_at=timezone.now() - dt.timedelta(days=7)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake.decide_to_matching(actor=cora, request=help_request)
    waiting = reverse("intake:waiting_list")
    body = cora_client.get(waiting).content.decode()
    assert "binnen 10 werkdagen" in body
    assert "Langer dan de streeftijd" not in body
    cora_client.post(URL, {**GOOD, "request_wait_target_days": "3"})
    body = cora_client.get(waiting).content.decode()
    assert "binnen 3 werkdagen" in body
    assert "Langer dan de streeftijd" in body
