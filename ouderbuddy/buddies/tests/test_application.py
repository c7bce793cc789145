"""The public application form and its service."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from ouderbuddy.buddies import services
from ouderbuddy.buddies.models import Buddy, BuddyStatus, StatusChange
from ouderbuddy.buddies.tests.factories import application_data, apply
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def form_data(**overrides):
    data = application_data()
    post = {
        "full_name": data["full_name"],
        "email": data["email"],
        "gender": "female",
        "postcode": "1012 AB",
        "travel_km": "10",
        "route_codes": ["route.so_c4"],
        "issue_codes": ["issue.out_of_school"],
        "need_codes": ["need.autism"],
        "motivation": data["motivation"],
        "hours_per_month": "8",
        "commitment_months": "12",
        "languages": ["nl", "ar"],
        "contact_modes": ["phone"],
        "consent": "on",
        "website": "",
    }
    post.update(overrides)
    return post


def test_application_creates_buddy_history_consent_and_mails(
    cora, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    buddy = apply(cora.organisation)
    assert buddy.status == BuddyStatus.APPLIED
    assert set(buddy.lived_experience.values_list("code", flat=True)) == {
        "route.so_c4",
        "issue.out_of_school",
        "need.autism",
    }
    assert buddy.postcode_id == "1012"
    assert StatusChange.objects.filter(buddy=buddy, to_status="applied").exists()
    consent = Consent.objects.get(subject_id=str(buddy.pk))
    assert consent.text_version == "buddy-aanmelding-2026-12"
    assert "gezondheid" in consent.text
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == [cora.user.email, "fatima@example.nl"]


def test_motivation_is_encrypted_at_rest(cora):
    from django.db import connection

    buddy = apply(cora.organisation)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT motivation FROM buddies_buddy WHERE email = %s", [buddy.email]
        )
        stored = cursor.fetchone()[0]
    assert "thuis" not in stored
    assert Buddy.objects.get(pk=buddy.pk).motivation.startswith("Mijn zoon")


def test_duplicate_application_adds_to_the_same_person_and_tells_the_coordinator(cora):
    first = apply(cora.organisation)
    mail.outbox.clear()
    second = apply(
        cora.organisation, email="FATIMA@example.nl", full_name="F. El Amrani"
    )
    assert second.pk == first.pk
    assert Buddy.objects.filter(organisation=cora.organisation).count() == 1
    first.refresh_from_db()
    assert first.repeat_application_at is not None
    assert any("Dubbele aanmelding" in m.subject for m in mail.outbox)
    assert StatusChange.objects.filter(buddy=first).count() == 2


def test_the_same_person_may_apply_at_another_organisation(cora, olga):
    apply(cora.organisation)
    apply(olga.organisation)
    assert Buddy.objects.count() == 2


def test_missing_consent_saves_nothing(cora):
    with pytest.raises(DomainError, match="toestemming"):
        services.submit_application(
            organisation=cora.organisation, **application_data(consent=False)
        )
    assert not Buddy.objects.exists()


def test_unknown_code_and_bad_postcode_save_nothing(cora):
    with pytest.raises(DomainError):
        services.submit_application(
            organisation=cora.organisation,
            **application_data(experience_codes=["need.bestaat_niet"]),
        )
    with pytest.raises(DomainError):
        services.submit_application(
            organisation=cora.organisation, **application_data(postcode="0000 AA")
        )
    assert not Buddy.objects.exists()


def test_rate_limit_per_address(cora):
    for _ in range(services.APPLICATIONS_PER_ADDRESS_PER_DAY):
        apply(cora.organisation)
    with pytest.raises(DomainError, match="te veel"):
        apply(cora.organisation)


class TestPublicForm:
    def url(self, organisation):
        return reverse("buddies:apply", args=[organisation.pk])

    def test_form_is_public_and_lists_the_codes(self, noord):
        response = Client().get(self.url(noord))
        assert response.status_code == 200
        body = response.content.decode()
        assert "need.autism" in body
        assert "Laat dit veld leeg" in body  # the honeypot is there for robots

    def test_submit_and_thank_you(self, cora, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(self.url(cora.organisation), form_data())
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "buddies:apply_done", args=[cora.organisation.pk]
        )
        assert Buddy.objects.filter(email="fatima@example.nl").exists()

    def test_honeypot_stores_nothing_but_looks_successful(self, cora):
        response = Client().post(
            self.url(cora.organisation), form_data(website="http://spam")
        )
        assert response.status_code == 302
        assert not Buddy.objects.exists()

    def test_bad_input_keeps_what_was_typed(self, cora):
        response = Client().post(
            self.url(cora.organisation),
            form_data(
                postcode="12", motivation="x" * 2001, consent="", hours_per_month="999"
            ),
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Deze postcode klopt niet" in body
        assert "Zonder uw toestemming" in body
        assert 'value="Fatima El Amrani"' in body
        assert not Buddy.objects.exists()

    def test_tampered_code_is_refused(self, cora):
        response = Client().post(
            self.url(cora.organisation), form_data(need_codes=["need.x"])
        )
        assert response.status_code == 400
        assert not Buddy.objects.exists()

    def test_unknown_or_inactive_organisation_is_404(self, noord):
        import uuid

        assert (
            Client().get(reverse("buddies:apply", args=[uuid.uuid4()])).status_code
            == 404
        )
        noord.is_active = False
        noord.save()
        assert Client().get(self.url(noord)).status_code == 404

    def test_finder_by_postcode(self, noord):
        noord.districts.set(["PO2707"])
        response = Client().post(reverse("buddies:apply_start"), {"postcode": "1012AB"})
        assert response["Location"] == self.url(noord)
        response = Client().post(reverse("buddies:apply_start"), {"postcode": "9401"})
        assert "nog geen steunpunt" in response.content.decode()
        response = Client().post(reverse("buddies:apply_start"), {"postcode": "abc"})
        assert response.status_code == 400
