"""Start pages per role, the landing page, the error pages and the language switch."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import signed_in_client
from ouderbuddy.dashboard import views
from ouderbuddy.dashboard.panels import COORDINATOR_PANELS


@pytest.mark.django_db
def test_landing_page_is_public_and_sends_members_to_their_start(client, ben_client):
    assert client.get("/").status_code == 200
    assert ben_client.get("/")["Location"] == reverse("dashboard:start")


@pytest.mark.django_db
def test_start_requires_login(client):
    assert client.get("/start/")["Location"] == reverse("accounts:login")


@pytest.mark.django_db
def test_coordinator_start_has_its_panels_and_own_navigation(cora_client):
    body = cora_client.get("/start/").content.decode()
    assert body.count('class="ob-panel"') == len(COORDINATOR_PANELS) == 17
    assert "Nieuwe hulpvragen" in body
    assert reverse("organisations:team") in body
    assert "Steunpunt Noord" in body  # organisation name in the header
    assert 'aria-current="page"' in body


@pytest.mark.django_db
def test_buddy_start_has_no_coordinator_navigation(ben_client):
    body = ben_client.get("/start/").content.decode()
    assert "Welkom, Ben" in body
    assert reverse("organisations:team") not in body
    assert reverse("privacy:audit_log") not in body


@pytest.mark.django_db
def test_manager_and_network_admin_start_pages(mia_client, nina):
    assert "cijfers" in mia_client.get("/start/").content.decode()
    body = signed_in_client(nina.user).get("/start/").content.decode()
    assert "gedeelde kennisbank" in body


@pytest.mark.django_db
def test_person_without_membership_gets_an_explanation(ben):
    ben.is_active = False
    ben.save()
    body = signed_in_client(ben.user, verified=False).get("/start/").content.decode()
    assert "U hoort nog niet bij een steunpunt" in body


@pytest.mark.django_db
def test_start_refuses_post(ben_client):
    assert ben_client.post("/start/").status_code == 405


@pytest.mark.django_db
def test_switching_organisation(olga, cora, django_capture_on_commit_callbacks):
    from ouderbuddy.organisations.models import Membership, Role

    Membership.objects.create(
        organisation=cora.organisation, user=olga.user, role=Role.COORDINATOR
    )
    client = signed_in_client(olga.user)
    assert "Steunpunt Zuid" in client.get("/start/").content.decode()
    client.post(
        reverse("accounts:switch_organisation"),
        {"organisation_id": str(cora.organisation_id)},
    )
    assert "Steunpunt Noord" in client.get("/organisatie/team/").content.decode()
    # A made-up organisation id changes nothing.
    response = client.post(
        reverse("accounts:switch_organisation"),
        {"organisation_id": "niet-bestaand"},
        follow=True,
    )
    assert "U hoort niet bij die organisatie" in response.content.decode()


@pytest.mark.django_db
def test_404_page_is_dutch(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()


def test_500_page_renders_without_database():
    request = RequestFactory().get("/")
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


@pytest.mark.django_db
def test_400_and_403_pages(rf):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert views.bad_request(request).status_code == 400
    assert "geen toegang" in views.permission_denied(request).content.decode()


@pytest.mark.django_db
def test_dutch_by_default_english_on_request():
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    response = client.get("/account/inloggen/")
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl"' in response.content.decode()
    client.post(
        reverse("set_language"), {"language": "en", "next": "/account/inloggen/"}
    )
    response = client.get("/account/inloggen/")
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert '<html lang="en"' in body
    assert "Log in" in body
