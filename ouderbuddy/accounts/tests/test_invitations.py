"""Invitations: sent by a coordinator, accepted once, refused when spent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, invitation_token_from_mail
from ouderbuddy.accounts import services
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.models import AuditEvent


def invite(
    cora, django_capture_on_commit_callbacks, email="nieuw@noord.test", role=Role.BUDDY
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_person(
            actor=cora, email=email, full_name="Nieuwe Persoon", role=role
        )
    return invitation, invitation_token_from_mail()


@pytest.mark.django_db
def test_invitation_mail_is_sent_after_commit_with_a_working_link(
    cora, django_capture_on_commit_callbacks
):
    invitation, token = invite(cora, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nieuw@noord.test"]
    assert "Steunpunt Noord" in message.subject
    assert token not in invitation.token_hash  # only a hash is stored
    assert AuditEvent.objects.filter(
        verb="invitation.create", target_id=str(invitation.pk)
    ).exists()


@pytest.mark.django_db
def test_no_mail_when_the_transaction_rolls_back(
    cora, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invite_person(
            actor=cora, email="x@noord.test", full_name="X", role=Role.BUDDY
        )
    # The callbacks were queued but never run: nothing went out.
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_accepting_creates_account_membership_and_signs_in(
    cora, django_capture_on_commit_callbacks
):
    _, token = invite(cora, django_capture_on_commit_callbacks)
    client = Client()
    url = reverse("accounts:accept_invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Welkom bij Steunpunt Noord" in page.content.decode()
    response = client.post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@noord.test")
    assert Membership.objects.get(user=user).role == Role.BUDDY
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.password.startswith(("md5$", "argon2"))


@pytest.mark.django_db
def test_a_used_link_cannot_be_used_again(cora, django_capture_on_commit_callbacks):
    _, token = invite(cora, django_capture_on_commit_callbacks)
    url = reverse("accounts:accept_invitation", args=[token])
    Client().post(url, {"password1": PASSWORD, "password2": PASSWORD})
    response = Client().post(url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 410
    assert "al gebruikt" in response.content.decode()
    assert User.objects.filter(email="nieuw@noord.test").count() == 1


@pytest.mark.django_db
def test_an_expired_link_is_refused(cora, django_capture_on_commit_callbacks, settings):
    _, token = invite(cora, django_capture_on_commit_callbacks)
    later = timezone.now() + dt.timedelta(
        days=settings.INVITATION_VALID_DAYS, minutes=1
    )
    with time_machine.travel(later):
        response = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()


@pytest.mark.django_db
def test_a_revoked_link_is_refused(cora, django_capture_on_commit_callbacks):
    invitation, token = invite(cora, django_capture_on_commit_callbacks)
    services.revoke_invitation(actor=cora, invitation=invitation)
    response = Client().get(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "ingetrokken" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_or_tampered_link_is_404(cora, django_capture_on_commit_callbacks):
    _, token = invite(cora, django_capture_on_commit_callbacks)
    response = Client().get(
        reverse("accounts:accept_invitation", args=[token[:-2] + "xx"])
    )
    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()


@pytest.mark.django_db
def test_mismatched_or_weak_passwords_save_nothing(
    cora, django_capture_on_commit_callbacks
):
    _, token = invite(cora, django_capture_on_commit_callbacks)
    url = reverse("accounts:accept_invitation", args=[token])
    response = Client().post(url, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert "De twee wachtwoorden zijn niet gelijk" in response.content.decode()
    response = Client().post(url, {"password1": "1234", "password2": "1234"})
    assert response.status_code == 200
    assert not User.objects.filter(email="nieuw@noord.test").exists()
    assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db
def test_existing_account_joins_without_a_new_password(
    cora, olga, django_capture_on_commit_callbacks
):
    _, token = invite(cora, django_capture_on_commit_callbacks, email=olga.user.email)
    response = Client().post(reverse("accounts:accept_invitation", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert Membership.objects.filter(user=olga.user).count() == 2


@pytest.mark.django_db
def test_double_invitations_and_members_are_refused(
    cora, ben, django_capture_on_commit_callbacks
):
    invite(cora, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="al een uitnodiging open"):
        services.invite_person(
            actor=cora, email="NIEUW@noord.test", full_name="Dubbel", role=Role.BUDDY
        )
    with pytest.raises(DomainError, match="hoort al bij uw organisatie"):
        services.invite_person(
            actor=cora, email=ben.user.email, full_name="Ben", role=Role.BUDDY
        )


@pytest.mark.django_db
def test_only_coordinators_invite_and_not_as_network_admin(cora, ben):
    with pytest.raises(DomainError):
        services.invite_person(
            actor=ben, email="a@b.nl", full_name="A", role=Role.BUDDY
        )
    with pytest.raises(DomainError):
        services.invite_person(
            actor=cora, email="a@b.nl", full_name="A", role=Role.NETWORK_ADMIN
        )
    assert not Invitation.objects.filter(email="a@b.nl").exists()
