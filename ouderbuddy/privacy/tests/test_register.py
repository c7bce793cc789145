"""The processing register, its downloads, the public privacy statement and its links
from every public form."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape

from ouderbuddy.privacy import register
from ouderbuddy.privacy.models import AuditEvent, RetentionCategory, RetentionPolicy

REGISTER = "/privacy/register/"
DOWNLOADS = ("/privacy/register/csv/", "/privacy/register/markdown/")


@pytest.mark.django_db
class TestAccess:
    def test_register_for_coordinators_and_managers(
        self, client, ben_client, mia_client, cora_client
    ):
        for url in ("/privacy/", REGISTER, *DOWNLOADS):
            assert client.get(url)["Location"].startswith(reverse("accounts:login"))
            assert ben_client.get(url).status_code == 403
            assert cora_client.post(url).status_code == 405
            assert cora_client.get(url).status_code == 200
            assert mia_client.get(url).status_code == 200

    def test_the_overview_shows_a_manager_no_case_pages(self, mia_client, cora_client):
        manager = mia_client.get("/privacy/").content.decode()
        assert reverse("privacy:register") in manager
        assert reverse("privacy:audit_log") not in manager
        assert reverse("privacy:breaches") not in manager
        coordinator = cora_client.get("/privacy/").content.decode()
        assert reverse("privacy:audit_log") in coordinator
        assert reverse("privacy:breaches") in coordinator
        assert reverse("privacy:retention") in coordinator

    def test_the_menu_has_one_privacy_item(self, cora_client, ben_client):
        assert (
            f'href="{reverse("privacy:overview")}"'
            in cora_client.get("/start/").content.decode()
        )
        assert (
            reverse("privacy:overview")
            not in ben_client.get("/start/").content.decode()
        )


@pytest.mark.django_db
class TestRegister:
    def test_every_activity_with_data_retention_and_recipients(self, cora_client):
        body = cora_client.get(REGISTER).content.decode()
        for activity in register.ACTIVITIES:
            assert escape(str(activity.name)) in body
        # Derived from the models: a field of the request, marked encrypted.
        assert "De vraag (versleuteld)" in body
        # The children's codes are special-category data.
        assert "bijzonder, als code" in body
        assert "Bijzondere persoonsgegevens" in body
        assert "Steunpunt Noord" in body
        assert "Verwerkers" in body
        assert "tweede stap" in body

    def test_data_from_the_models(self):
        intake = next(a for a in register.activities_for(None) if a.key == "intake")
        labels = {item.label: item for item in intake.data}
        assert labels["De vraag"].encrypted
        assert labels["Wat speelt er"].special
        assert "Postcode" in labels  # where the parent lives (four digits)
        assert "Id" not in labels and "Organisatie" not in labels

    def test_the_organisations_own_period(self, cora, cora_client):
        RetentionPolicy.objects.create(
            organisation=cora.organisation,
            category=RetentionCategory.CLOSED_MATCH,
            months=18,
        )
        body = cora_client.get(REGISTER).content.decode()
        assert "18 maanden" in body
        assert "eigen termijn" in body

    def test_csv(self, cora, cora_client):
        response = cora_client.get(DOWNLOADS[0])
        assert "attachment" in response["Content-Disposition"]
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        assert rows[0][:2] == ["Verwerking", "Doel"]
        assert len(rows) == 1 + len(register.ACTIVITIES)
        assert any("versleuteld" in row[4] for row in rows[1:])
        event = AuditEvent.objects.get(verb="privacy.register.export")
        assert event.data == {"format": "csv"}
        assert event.actor_id == cora.user_id

    def test_markdown(self, cora_client):
        response = cora_client.get(DOWNLOADS[1])
        assert response["Content-Type"].startswith("text/markdown")
        text = response.content.decode()
        assert text.startswith("# Verwerkingsregister van Steunpunt Noord")
        assert "Naam: …, land: …" in text
        assert AuditEvent.objects.filter(verb="privacy.register.export").exists()


@pytest.mark.django_db
class TestStatement:
    def test_public_in_plain_words(self, client, noord):
        noord.contact_email = "info@noord.example"
        noord.save()
        response = client.get(reverse("privacy:statement", args=[noord.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Privacyverklaring van Steunpunt Noord" in body
        assert "info@noord.example" in body
        assert "Autoriteit Persoonsgegevens" in body
        assert reverse("intake:new_link") in body
        assert reverse("buddies:portal_profile") in body
        assert "3 maanden" in body  # a withdrawn request's period

    def test_unknown_or_inactive_organisation_is_404(self, client, zuid):
        assert client.get(f"/privacy/verklaring/{uuid.uuid4()}/").status_code == 404
        assert client.get("/privacy/verklaring/abc/").status_code == 404
        zuid.is_active = False
        zuid.save()
        assert client.get(f"/privacy/verklaring/{zuid.pk}/").status_code == 404

    def test_before_the_support_point_is_known(self, client, noord):
        body = client.get("/privacy/verklaring/").content.decode()
        assert "hangt af van uw postcode" in body
        assert "Autoriteit Persoonsgegevens" in body
        assert "3 maanden" in body
        # It names no support point (the public pages without an id show none).
        assert noord.name not in body

    def test_methods(self, client, noord):
        assert client.post("/privacy/verklaring/").status_code == 405
        assert client.post(f"/privacy/verklaring/{noord.pk}/").status_code == 405

    def test_linked_from_every_public_form(self, client, noord):
        own = reverse("privacy:statement", args=[noord.pk])
        general = reverse("privacy:statements")
        for url, link in (
            (reverse("intake:start"), general),
            (reverse("buddies:apply_start"), general),
            (reverse("buddies:apply", args=[noord.pk]), own),
            (reverse("intake:referral_start"), general),
            (reverse("intake:referral", args=[noord.pk]), own),
        ):
            body = client.get(url).content.decode()
            assert f'href="{link}"' in body, url
