"""Password reset by e-mail and the person's own security page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import add_totp, signed_in_client


def request_reset(
    client: Client, email: str, django_capture_on_commit_callbacks
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code == 302


@pytest.mark.django_db
def test_reset_by_email_sets_a_new_password(ben, django_capture_on_commit_callbacks):
    client = Client()
    request_reset(client, ben.user.email, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    link = re.search(
        r"https?://[^/]+(/account/wachtwoord-instellen/\S+)", mail.outbox[0].body
    )
    assert link, mail.outbox[0].body
    response = client.get(link.group(1), follow=True)
    assert "Nieuw wachtwoord kiezen" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    new = "een-heel-nieuw-wachtwoord"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    ben.user.refresh_from_db()
    assert ben.user.check_password(new)
    # The link works once.
    response = client.get(link.group(1), follow=True)
    assert "Deze link werkt niet meer" in response.content.decode()


@pytest.mark.django_db
def test_reset_for_unknown_address_sends_nothing_but_looks_the_same(
    db, django_capture_on_commit_callbacks
):
    request_reset(Client(), "onbekend@noord.test", django_capture_on_commit_callbacks)
    assert mail.outbox == []


@pytest.mark.django_db
def test_reset_with_malformed_address_shows_an_error(db):
    response = Client().post(reverse("accounts:password_reset"), {"email": "x" * 300})
    assert response.status_code == 200
    assert "Er is iets niet goed ingevuld" in response.content.decode()


@pytest.mark.django_db
class TestSecurityPage:
    url = "/account/beveiliging/"

    def test_access(self, client, ben_client):
        assert client.get(self.url)["Location"].startswith(reverse("accounts:login"))
        assert ben_client.post(self.url).status_code == 405
        body = ben_client.get(self.url).content.decode()
        assert "Tweede stap aanzetten" in body

    def test_new_recovery_codes_need_the_second_step(self, ben, cora_client, cora):
        unverified = signed_in_client(ben.user, verified=False)
        add_totp(ben.user)
        response = unverified.post(reverse("accounts:recovery_codes"))
        assert response.status_code == 302
        response = cora_client.post(reverse("accounts:recovery_codes"))
        assert response.status_code == 200
        codes = re.findall(
            r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode()
        )
        assert len(codes) == 10
        assert cora_client.get(reverse("accounts:recovery_codes")).status_code == 405
