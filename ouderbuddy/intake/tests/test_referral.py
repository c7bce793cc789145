"""Referral by a professional: the pages, the parent's link and the daily clean-up."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.intake import services
from ouderbuddy.intake.draft import SESSION_KEY
from ouderbuddy.intake.models import HelpRequest, ProfessionalReferral
from ouderbuddy.intake.tests.factories import request_data
from ouderbuddy.notifications.scheduler import JOBS
from ouderbuddy.organisations.models import Organisation

pytestmark = pytest.mark.django_db

CONFIRM_PATH = re.compile(r"/hulpvraag/bevestigen/([^/\s]+)/")


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def noord_serving_1012(cora: Any) -> Organisation:
    """Steunpunt Noord, serving the PO and VO districts of postcode 1012."""
    organisation: Organisation = cora.organisation
    organisation.districts.set(["PO2707", "VO2708"])
    return organisation


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "referrer_name": "Els de Vries",
        "referrer_organisation": "Basisschool De Regenboog",
        "referrer_role": "Intern begeleider",
        "referrer_email": "ib@regenboog.nl",
        "parent_name": "Sanne Jansen",
        "parent_email": "sanne@example.nl",
        "reason": "Het kind zit al drie weken thuis; de ouder loopt vast in de gesprekken.",
        "parent_agreed": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def refer(organisation: Organisation, **overrides: Any) -> ProfessionalReferral:
    """A referral made through the real service, its e-mail delivered."""
    values: dict[str, Any] = {
        key: value
        for key, value in form_data().items()
        if key not in ("parent_agreed", "website")
    }
    values.update(overrides)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.submit_professional_referral(
            organisation=organisation, parent_agreed=True, **values
        )


def token_from_mail(to: str = "sanne@example.nl") -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    match = CONFIRM_PATH.search(message.body)
    assert match, message.body
    return match.group(1)


def confirm_url(token: str) -> str:
    return reverse("intake:referral_confirm", args=[token])


def form_url(organisation: Organisation) -> str:
    return reverse("intake:referral", args=[organisation.pk])


def done_url(organisation: Organisation) -> str:
    return reverse("intake:referral_done", args=[organisation.pk])


class TestAccess:
    def test_every_page_is_public(self, noord: Organisation) -> None:
        mail.outbox.clear()
        refer(noord)
        for url in (
            reverse("intake:referral_start"),
            form_url(noord),
            done_url(noord),
            confirm_url(token_from_mail()),
        ):
            response = Client().get(url)
            assert response.status_code == 200, url

    def test_wrong_method_is_405(self, noord: Organisation) -> None:
        mail.outbox.clear()
        refer(noord)
        client = Client()
        assert client.put(reverse("intake:referral_start")).status_code == 405
        assert client.delete(form_url(noord)).status_code == 405
        assert client.post(done_url(noord)).status_code == 405
        assert client.put(confirm_url(token_from_mail())).status_code == 405

    def test_unknown_or_inactive_organisation_is_404(self, noord: Organisation) -> None:
        unknown = uuid.uuid4()
        client = Client()
        assert client.get(reverse("intake:referral", args=[unknown])).status_code == 404
        assert (
            client.post(
                reverse("intake:referral", args=[unknown]), form_data()
            ).status_code
            == 404
        )
        assert (
            client.get(reverse("intake:referral_done", args=[unknown])).status_code
            == 404
        )
        noord.is_active = False
        noord.save()
        assert client.get(form_url(noord)).status_code == 404
        assert client.post(form_url(noord), form_data()).status_code == 404
        assert not ProfessionalReferral.objects.exists()


class TestFindingTheSupportPoint:
    url = "intake:referral_start"

    def post(self, postcode: str) -> Any:
        return Client().post(reverse(self.url), {"postcode": postcode})

    def test_the_page_explains_before_it_asks(self) -> None:
        body = Client().get(reverse(self.url)).content.decode()
        assert "Wat is een buddy?" in body
        assert "Zonder toestemming van de ouder" in body
        assert "Er gebeurt niets tot de ouder zelf bevestigt" in body
        assert "Postcode van de ouder" in body

    def test_one_support_point_goes_straight_to_its_form(
        self, noord_serving_1012: Organisation
    ) -> None:
        response = self.post("1012 AB")
        assert response.status_code == 302
        assert response["Location"] == form_url(noord_serving_1012)

    def test_several_support_points_are_offered_to_choose(
        self, noord_serving_1012: Organisation, zuid: Organisation
    ) -> None:
        zuid.districts.set(["VO2708"])
        response = self.post("1012")
        assert response.status_code == 200
        body = response.content.decode()
        assert "Kies het steunpunt" in body
        assert form_url(noord_serving_1012) in body
        assert form_url(zuid) in body

    def test_no_support_point_says_where_else_to_go(
        self, noord_serving_1012: Organisation
    ) -> None:
        response = self.post("9401")
        assert response.status_code == 200
        body = response.content.decode()
        assert "nog geen steunpunt" in body
        assert "Ouders & Onderwijs" in body
        assert form_url(noord_serving_1012) not in body

    def test_a_wrong_or_unknown_postcode_is_explained_at_the_field(self) -> None:
        response = self.post("abc")
        assert response.status_code == 400
        assert "Deze postcode klopt niet" in response.content.decode()
        response = self.post("1000 AA")
        assert response.status_code == 400
        assert "We kennen postcode 1000 niet" in response.content.decode()


class TestReferralForm:
    def test_the_form_asks_for_agreement_and_has_a_honeypot(
        self, noord: Organisation
    ) -> None:
        body = Client().get(form_url(noord)).content.decode()
        assert "De ouder weet hiervan en vindt het goed" in body
        assert "geen medische details" in body
        assert "Laat dit veld leeg" in body
        assert "Steunpunt Noord" in body

    def test_a_referral_is_stored_and_mailed_but_no_request_exists(
        self, noord: Organisation, django_capture_on_commit_callbacks: Any
    ) -> None:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(form_url(noord), form_data())
        assert response.status_code == 302
        assert response["Location"] == done_url(noord)
        referral = ProfessionalReferral.objects.get()
        assert referral.organisation == noord
        assert referral.referrer_organisation == "Basisschool De Regenboog"
        assert referral.parent_email == "sanne@example.nl"
        assert referral.parent_agreed is True
        assert referral.confirmed_at is None
        assert referral.reason.startswith("Het kind zit al drie weken thuis")
        assert not HelpRequest.objects.exists()
        message = next(m for m in mail.outbox if m.to == ["sanne@example.nl"])
        assert "Els de Vries" in message.body
        assert services.referral_for_token(token_from_mail()) == referral

    def test_the_thank_you_page_says_nothing_happens_until_the_parent_confirms(
        self, noord: Organisation
    ) -> None:
        body = Client().get(done_url(noord)).content.decode()
        assert "krijgt nu een e-mail" in body
        assert "tot de ouder zelf bevestigt" in body
        assert "14 dagen" in body

    def test_without_the_parents_agreement_nothing_is_saved(
        self, noord: Organisation
    ) -> None:
        mail.outbox.clear()
        response = Client().post(form_url(noord), form_data(parent_agreed=""))
        assert response.status_code == 400
        body = response.content.decode()
        assert "Verwijs alleen door als de ouder dat goed vindt" in body
        assert 'value="Basisschool De Regenboog"' in body  # what was typed stays
        assert not ProfessionalReferral.objects.exists()
        assert mail.outbox == []

    def test_a_long_reason_or_bad_address_is_refused(self, noord: Organisation) -> None:
        response = Client().post(
            form_url(noord), form_data(reason="x" * 2001, parent_email="sanne")
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "E-mailadres van de ouder" in body
        assert "hoogstens 2000" in body.lower()
        assert not ProfessionalReferral.objects.exists()

    def test_a_refusal_by_the_service_is_shown_and_saves_nothing(
        self, noord: Organisation
    ) -> None:
        for number in range(20):
            refer(noord, parent_email=f"ouder{number}@example.nl")
        response = Client().post(form_url(noord), form_data())
        assert response.status_code == 400
        assert "te veel" in response.content.decode()
        assert ProfessionalReferral.objects.count() == 20
        assert not ProfessionalReferral.objects.filter(
            parent_email="sanne@example.nl"
        ).exists()

    def test_the_honeypot_stores_nothing_but_looks_successful(
        self, noord: Organisation, django_capture_on_commit_callbacks: Any
    ) -> None:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(
                form_url(noord), form_data(website="http://spam.example")
            )
        assert response.status_code == 302
        assert response["Location"] == done_url(noord)
        assert not ProfessionalReferral.objects.exists()
        assert mail.outbox == []


class TestConfirmationLink:
    def test_the_parent_sees_who_referred_them(self, noord: Organisation) -> None:
        mail.outbox.clear()
        refer(noord)
        response = Client().get(confirm_url(token_from_mail()))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Els de Vries" in body
        assert "Basisschool De Regenboog" in body
        assert "Steunpunt Noord" in body
        assert "Hulpvraag invullen" in body
        assert response["Referrer-Policy"] == "strict-origin"
        assert "no-store" in response["Cache-Control"]

    def test_confirming_starts_the_public_form_for_this_referral(
        self, noord: Organisation
    ) -> None:
        mail.outbox.clear()
        referral = refer(noord)
        client = Client()
        response = client.post(confirm_url(token_from_mail()))
        assert response.status_code == 302
        assert response["Location"] == reverse("intake:start")
        assert response["Referrer-Policy"] == "strict-origin"
        draft = client.session[SESSION_KEY]
        assert draft["referral_id"] == str(referral.pk)
        assert draft["organisation_id"] == str(noord.pk)
        assert draft["values"]["full_name"] == "Sanne Jansen"
        assert draft["values"]["email"] == "sanne@example.nl"
        # Only the last step of the public form makes the request.
        assert not HelpRequest.objects.exists()
        referral.refresh_from_db()
        assert referral.confirmed_at is None

    def test_a_tampered_link_is_400(self, noord: Organisation) -> None:
        mail.outbox.clear()
        refer(noord)
        token = token_from_mail()
        for bad in (token[:-3] + "abc", "niets"):
            for method in ("get", "post"):
                client = Client()
                response = getattr(client, method)(confirm_url(bad))
                assert response.status_code == 400
                body = response.content.decode()
                assert "Deze link klopt niet" in body
                assert reverse("intake:start") in body
                assert response["Referrer-Policy"] == "strict-origin"
                assert SESSION_KEY not in client.session

    def test_an_expired_link_is_410(self, noord: Organisation) -> None:
        mail.outbox.clear()
        refer(noord)
        token = token_from_mail()
        later = timezone.now() + dt.timedelta(days=services.REFERRAL_LINK_DAYS + 1)
        with time_machine.travel(later, tick=False):
            response = Client().get(confirm_url(token))
        assert response.status_code == 410
        body = response.content.decode()
        assert "verlopen" in body
        assert reverse("intake:start") in body

    def test_a_used_link_is_410(self, noord: Organisation) -> None:
        mail.outbox.clear()
        referral = refer(noord)
        token = token_from_mail()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.create_help_request(
                organisation=noord,
                data=request_data(),
                submission_key=uuid.uuid4(),
                referral=referral,
            )
        client = Client()
        response = client.get(confirm_url(token))
        assert response.status_code == 410
        body = response.content.decode()
        assert "al bevestigd" in body
        assert reverse("intake:start") in body
        assert client.post(confirm_url(token)).status_code == 410
        assert SESSION_KEY not in client.session


class TestPurge:
    def test_unconfirmed_referrals_go_after_fifteen_days_confirmed_ones_stay(
        self, noord: Organisation
    ) -> None:
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            old = refer(noord, parent_email="oud@example.nl")
            confirmed = refer(noord, parent_email="sanne@example.nl")
            with TestCase.captureOnCommitCallbacks(execute=True):
                services.create_help_request(
                    organisation=noord,
                    data=request_data(),
                    submission_key=uuid.uuid4(),
                    referral=confirmed,
                )
        with time_machine.travel(start + dt.timedelta(days=2), tick=False):
            recent = refer(noord, parent_email="recent@example.nl")
        purge = JOBS["intake.purge_unconfirmed_referrals"]
        purge(start + dt.timedelta(days=16))
        remaining = set(ProfessionalReferral.objects.values_list("pk", flat=True))
        assert remaining == {confirmed.pk, recent.pk}
        assert old.pk not in remaining
        assert HelpRequest.objects.filter(referral=confirmed).exists()


class TestOnTheRequestPage:
    """The coordinator's request page shows the professional who referred; for a
    request the parent sent themselves it does not look for one."""

    def test_the_referrer_is_shown(self, cora: Any, cora_client: Client) -> None:
        referral = refer(cora.organisation)
        with TestCase.captureOnCommitCallbacks(execute=True):
            request = services.create_help_request(
                organisation=cora.organisation,
                data=request_data(),
                submission_key=uuid.uuid4(),
                referral=referral,
            )
        assert request.source == "professional"
        body = cora_client.get(reverse("intake:detail", args=[request.pk])).content
        page = body.decode()
        assert "Verwezen door een professional" in page
        assert "Els de Vries" in page

    def test_no_referral_read_for_a_parents_own_request(
        self, cora: Any, cora_client: Client
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with TestCase.captureOnCommitCallbacks(execute=True):
            request = services.create_help_request(
                organisation=cora.organisation,
                data=request_data(),
                submission_key=uuid.uuid4(),
            )
        with CaptureQueriesContext(connection) as queries:
            page = cora_client.get(reverse("intake:detail", args=[request.pk]))
        assert "Verwezen door een professional" not in page.content.decode()
        assert not [q for q in queries if "intake_professionalreferral" in q["sql"]]
