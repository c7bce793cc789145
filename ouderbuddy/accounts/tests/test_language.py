"""A person's language: set by the language switch and at sign-up, used for every
e-mail to them (invitation, password reset)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD, invitation_token_from_mail, signed_in_client
from ouderbuddy.accounts import services
from ouderbuddy.accounts.models import User
from ouderbuddy.notifications.tests.language import assert_wholly

NAMES = [
    "Steunpunt Noord",
    "Cora Coördinator",
    "Ben Buddy",
    "Eva English",
    "Ouderbuddy",
]


def switch(client: Client, language: str):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


@pytest.mark.django_db
def test_the_language_switch_stores_a_signed_in_persons_preference(cora):
    client = signed_in_client(cora.user)
    response = switch(client, "en")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    cora.user.refresh_from_db()
    assert cora.user.language == "en"
    switch(client, "nl")
    cora.user.refresh_from_db()
    assert cora.user.language == "nl"


@pytest.mark.django_db
def test_a_language_the_site_does_not_speak_changes_nothing(cora):
    client = signed_in_client(cora.user)
    switch(client, "en")
    response = switch(client, "xx")
    assert response.status_code == 302
    cora.user.refresh_from_db()
    assert cora.user.language == "en"


@pytest.mark.django_db
def test_the_language_switch_for_a_visitor_sets_only_the_cookie():
    response = switch(Client(), "en")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not User.objects.exists()


def test_the_language_switch_takes_only_post():
    assert Client().get(reverse("set_language")).status_code == 405


@pytest.mark.django_db
def test_set_language_preference_refuses_other_languages(cora):
    from ouderbuddy.lib.errors import DomainError

    with pytest.raises(DomainError):
        services.set_language_preference(user=cora.user, language="de")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_new_account_takes_the_language_it_is_made_in(cora, language):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite_person(
            actor=cora, email="nieuw@noord.test", full_name="Nieuw", role="buddy"
        )
    with translation.override(language):
        accepted = services.accept_invitation(
            token=invitation_token_from_mail(), password=PASSWORD
        )
    assert accepted.user.language == language


@pytest.mark.django_db
def test_an_invitation_to_an_existing_account_uses_its_language(cora, zuid):
    from conftest import make_first_coordinator

    eva = make_first_coordinator(zuid, "eva@zuid.test", "Eva English").user
    User.objects.filter(pk=eva.pk).update(language="en")
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite_person(
            actor=cora, email="eva@zuid.test", full_name="Eva English", role="manager"
        )
    (message,) = mail.outbox
    assert message.subject == "Invitation to Ouderbuddy from Steunpunt Noord"
    assert_wholly(message, "en", ignore=NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("account", "page"), [("en", "nl"), ("nl", "en")], ids=["english", "dutch"]
)
def test_the_password_reset_mail_uses_the_accounts_language(
    ben, account, page, django_capture_on_commit_callbacks
):
    """Whatever language the page asking for it was in."""
    User.objects.filter(pk=ben.user_id).update(language=account)
    client = Client()
    switch(client, page)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": ben.user.email})
    (message,) = mail.outbox
    assert (
        message.subject
        == {
            "nl": "Nieuw wachtwoord voor Ouderbuddy",
            "en": "New password for Ouderbuddy",
        }[account]
    )
    assert_wholly(message, account, ignore=NAMES)


@pytest.mark.django_db
def test_signing_in_switches_the_site_to_the_accounts_language(cora):
    User.objects.filter(pk=cora.user_id).update(language="en")
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": cora.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(response["Location"], follow=True)
    assert page["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_language_chosen_before_signing_in_becomes_the_accounts(cora):
    assert cora.user.language == "nl"
    client = Client()
    switch(client, "en")
    response = client.post(
        reverse("accounts:login"), {"username": cora.user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    cora.user.refresh_from_db()
    assert cora.user.language == "en"
