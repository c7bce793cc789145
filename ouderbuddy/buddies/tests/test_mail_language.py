"""An applicant reads the language of the application form; coordinators their own;
the invitation follows the applicant, and the account keeps the language it was made in."""

from __future__ import annotations

import pytest
from django.core import mail as outbox
from django.core.cache import cache
from django.test import TestCase
from django.utils import translation

from conftest import PASSWORD, invitation_token_from_mail
from ouderbuddy.accounts import services as account_services
from ouderbuddy.accounts.models import User
from ouderbuddy.buddies import services
from ouderbuddy.buddies.tests.factories import apply, screened
from ouderbuddy.notifications.tests.language import assert_wholly, mails_to

pytestmark = pytest.mark.django_db

APPLICANT = "fatima@example.nl"
NAMES = ["Steunpunt Noord", "Fatima El Amrani", "Fatima", "Cora Coördinator"]


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_applicant_reads_the_forms_language_the_coordinator_dutch(cora, language):
    outbox.outbox.clear()
    with translation.override(language):
        buddy = apply(cora.organisation)
    assert buddy.email_language == language
    (thanks,) = mails_to(outbox.outbox, APPLICANT)
    assert (
        thanks.subject
        == {
            "nl": "Bedankt voor uw aanmelding als buddy",
            "en": "Thank you for applying to be a buddy",
        }[language]
    )
    assert_wholly(thanks, language, ignore=NAMES)
    (to_cora,) = mails_to(outbox.outbox, cora.user.email)
    assert to_cora.subject == "Nieuwe aanmelding als buddy: Fatima El Amrani"
    assert_wholly(to_cora, "nl", ignore=NAMES)


def test_an_english_coordinator_reads_english(cora):
    User.objects.filter(pk=cora.user_id).update(language="en")
    outbox.outbox.clear()
    apply(cora.organisation)
    (to_cora,) = mails_to(outbox.outbox, cora.user.email)
    assert to_cora.subject == "New buddy application: Fatima El Amrani"
    assert_wholly(to_cora, "en", ignore=NAMES)


def test_the_invitation_follows_the_application_and_the_account_keeps_it(cora):
    with translation.override("en"):
        buddy = apply(cora.organisation)
    buddy = screened(cora, buddy)
    outbox.outbox.clear()
    # The coordinator works in Dutch; the invitation is for the applicant.
    with translation.override("nl"), TestCase.captureOnCommitCallbacks(execute=True):
        services.advance_buddy(actor=cora, buddy=buddy)
    (invitation,) = mails_to(outbox.outbox, APPLICANT)
    assert invitation.subject == "Invitation to Ouderbuddy from Steunpunt Noord"
    assert_wholly(invitation, "en", ignore=NAMES)
    with translation.override("en"):
        accepted = account_services.accept_invitation(
            token=invitation_token_from_mail(), password=PASSWORD
        )
    assert accepted.user.language == "en"
