"""Signing in: password, lockout, second factor, sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, add_totp, signed_in_client, totp_code
from ouderbuddy.accounts import services
from ouderbuddy.privacy.models import AuditEvent

LOGIN = "/account/inloggen/"


def login(client: Client, email: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


@pytest.mark.django_db
def test_login_page_is_public_and_dutch(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Inloggen" in response.content.decode()
    assert response["Content-Language"] == "nl"


@pytest.mark.django_db
def test_wrong_password_gives_a_dutch_message_and_no_session(client, ben):
    response = login(client, ben.user.email, "fout-wachtwoord")
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_unknown_email_gives_the_same_message(client, ben):
    response = login(client, "niemand@noord.test", "fout-wachtwoord")
    assert "Het e-mailadres of het wachtwoord klopt niet" in response.content.decode()


@pytest.mark.django_db
def test_malformed_and_over_long_email_is_refused_without_error(client):
    response = login(client, "a" * 300 + "@x.nl", "x")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = login(client, "geen-emailadres", "x")
    assert response.status_code == 200


@pytest.mark.django_db
def test_buddy_without_authenticator_goes_straight_to_start(client, ben):
    response = login(client, ben.user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:start")
    assert AuditEvent.objects.filter(verb="login", target_id=str(ben.user.pk)).exists()


@pytest.mark.django_db
def test_staff_without_authenticator_must_enrol(client, cora):
    response = login(client, cora.user.email)
    assert response["Location"].startswith(reverse("accounts:enrol"))
    # Every other page sends them back to enrolment until it is done.
    response = client.get(reverse("organisations:team"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:enrol")


@pytest.mark.django_db
def test_staff_with_authenticator_must_pass_the_second_step(client, cora):
    device = add_totp(cora.user)
    response = login(client, cora.user.email)
    assert response["Location"].startswith(reverse("accounts:verify"))
    assert client.get(reverse("organisations:team"))["Location"] == reverse(
        "accounts:verify"
    )
    response = client.post(reverse("accounts:verify"), {"token": totp_code(device)})
    assert response.status_code == 302
    assert client.get(reverse("organisations:team")).status_code == 200


@pytest.mark.django_db
def test_wrong_totp_code_is_refused_with_a_message(client, cora):
    device = add_totp(cora.user)
    login(client, cora.user.email)
    good = totp_code(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:verify"), {"token": wrong})
    assert response.status_code == 200
    assert "Deze code klopt niet" in response.content.decode()
    assert client.get(reverse("organisations:team")).status_code == 302
    assert AuditEvent.objects.filter(verb="second_factor.fail").count() == 1


@pytest.mark.django_db
def test_a_totp_code_cannot_be_replayed(cora):
    device = add_totp(cora.user)
    code = totp_code(device)
    first = Client()
    login(first, cora.user.email)
    assert first.post(reverse("accounts:verify"), {"token": code}).status_code == 302
    second = Client()
    login(second, cora.user.email)
    response = second.post(reverse("accounts:verify"), {"token": code})
    assert response.status_code == 200
    assert "Deze code klopt niet of is al gebruikt" in response.content.decode()


@pytest.mark.django_db
def test_recovery_code_works_once(client, cora):
    device = add_totp(cora.user)
    codes = services.confirm_totp_enrolment(
        user=cora.user, device=device, token=totp_code(device)
    )
    assert len(codes) == 10
    login(client, cora.user.email)
    response = client.post(reverse("accounts:verify"), {"token": codes[0].upper()})
    assert response.status_code == 302
    other = Client()
    login(other, cora.user.email)
    response = other.post(reverse("accounts:verify"), {"token": codes[0]})
    assert response.status_code == 200


@pytest.mark.django_db
def test_enrolment_shows_qr_and_key_and_confirms_with_a_code(client, cora):
    login(client, cora.user.email)
    response = client.get(reverse("accounts:enrol"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body
    device = TOTPDevice.objects.get(user=cora.user, confirmed=False)
    # Reloading the page keeps the same secret (no new device per view).
    client.get(reverse("accounts:enrol"))
    assert TOTPDevice.objects.filter(user=cora.user).count() == 1
    response = client.post(reverse("accounts:enrol"), {"token": "12345a"})
    assert "De code bestaat alleen uit cijfers" in response.content.decode()
    response = client.post(reverse("accounts:enrol"), {"token": totp_code(device)})
    assert response.status_code == 200
    assert "Uw herstelcodes" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("organisations:team")).status_code == 200


@pytest.mark.django_db
def test_lockout_after_repeated_failures(client, ben, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, ben.user.email, "fout").status_code == 200
    response = login(client, ben.user.email, "fout")
    assert response.status_code == 429
    assert "Inloggen tijdelijk geblokkeerd" in response.content.decode()
    # Even the right password is refused during the cool-off.
    response = login(client, ben.user.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_session_ends_after_thirty_minutes_without_activity(ben, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client = Client()
        login(client, ben.user.email)
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get(reverse("dashboard:start")).status_code == 200
        traveller.shift(dt.timedelta(minutes=29))  # activity renewed the session
        assert client.get(reverse("dashboard:start")).status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get(reverse("dashboard:start"))
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:login")


@pytest.mark.django_db
def test_a_page_view_renews_the_session_at_most_once_a_minute(ben):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client = Client()
        login(client, ben.user.email)
        client.get(reverse("dashboard:start"))

        def session_writes() -> int:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("dashboard:start")).status_code == 200
            return sum(
                1
                for q in queries
                if "django_session" in q["sql"]
                and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
            )

        traveller.shift(dt.timedelta(seconds=30))
        assert session_writes() == 0
        traveller.shift(dt.timedelta(seconds=31))
        assert session_writes() == 1
        assert session_writes() == 0


@pytest.mark.django_db
def test_logout_needs_post(ben):
    client = signed_in_client(ben.user, verified=False)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_without_csrf_token_is_refused_in_dutch(ben):
    client = Client(enforce_csrf_checks=True)
    response = login(client, ben.user.email)
    assert response.status_code == 403
    assert "Uw formulier is verlopen" in response.content.decode()


@pytest.mark.django_db
def test_next_parameter_cannot_send_people_elsewhere(client, ben):
    response = client.post(
        LOGIN + "?next=https://kwaadwillend.example/",
        {"username": ben.user.email, "password": PASSWORD},
    )
    assert response["Location"] == reverse("dashboard:start")
