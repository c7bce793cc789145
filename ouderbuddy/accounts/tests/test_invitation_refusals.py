"""The refusals of the invitation services called directly: a second withdrawal, the
withdrawal of an accepted invitation, an accepted or withdrawn link used again, and a
new account without a password or with a weak one. None of them makes an account or a
membership."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase

from conftest import PASSWORD, invitation_token_from_mail
from ouderbuddy.accounts import services
from ouderbuddy.accounts.models import Invitation, User
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


def _invite(cora, email: str = "nieuw@noord.test") -> tuple[Invitation, str]:
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.invite_person(
            actor=cora, email=email, full_name="Nieuwe Buddy", role=Role.BUDDY
        )
    return invitation, invitation_token_from_mail()


def test_a_withdrawn_invitation_cannot_be_withdrawn_again_or_used(cora):
    invitation, token = _invite(cora)
    services.revoke_invitation(actor=cora, invitation=invitation)
    with pytest.raises(DomainError, match="al ingetrokken"):
        services.revoke_invitation(
            actor=cora, invitation=Invitation.objects.get(pk=invitation.pk)
        )
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(token=token, password=PASSWORD)
    assert not User.objects.filter(email="nieuw@noord.test").exists()


def test_an_accepted_invitation_cannot_be_withdrawn_or_used_again(cora):
    invitation, token = _invite(cora)
    services.accept_invitation(token=token, password=PASSWORD)
    with pytest.raises(DomainError, match="al geaccepteerd"):
        services.revoke_invitation(
            actor=cora, invitation=Invitation.objects.get(pk=invitation.pk)
        )
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(token=token, password=PASSWORD)
    assert Membership.objects.filter(user__email="nieuw@noord.test").count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "Kies een wachtwoord"), (None, "Kies een"), ("1", None)],
)
def test_a_new_account_needs_a_good_password(cora, password, message):
    _, token = _invite(cora)
    with pytest.raises(DomainError, match=message) as refused:
        services.accept_invitation(token=token, password=password)
    assert refused.value.field == "password1"
    assert not User.objects.filter(email="nieuw@noord.test").exists()
    assert Invitation.objects.get(email="nieuw@noord.test").accepted_at is None
