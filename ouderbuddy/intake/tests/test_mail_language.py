"""Intake's e-mails come whole in the reader's language: the parent's from the form,
each coordinator's and buddy's from their account."""

from __future__ import annotations

import pytest
from django.core import mail as outbox
from django.test import TestCase
from django.utils import translation

from ouderbuddy.accounts.models import User
from ouderbuddy.intake import services
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.notifications.tests.language import assert_wholly, mails_to

PARENT = "sanne@example.nl"
NAMES = ["Steunpunt Noord", "Sanne Jansen", "Bea Buddy", "Bea", "Sanne"]


def english_parent_request(cora):
    """A parent who filled in the form with the site in English."""
    with translation.override("en"):
        return waiting_request(cora)


@pytest.mark.django_db
@pytest.mark.parametrize("buddy_language", ["nl", "en"])
def test_a_withdrawal_by_an_english_parent(cora, buddy_language):
    """Item 11: the parent withdraws with English switched on. The coordinator reads
    Dutch (subject and body), the buddy their own language."""
    request = english_parent_request(cora)
    assert request.email_language == "en"
    bea = matchable_buddy(cora.organisation, "Bea Buddy")
    User.objects.filter(pk=bea.user_id).update(language=buddy_language)
    bea.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        matching.propose(actor=cora, request=request, buddy=bea, reason="Past goed")
    outbox.outbox.clear()
    with translation.override("en"), TestCase.captureOnCommitCallbacks(execute=True):
        services.withdraw_by_parent(request=request)

    (to_cora,) = mails_to(outbox.outbox, cora.user.email)
    assert to_cora.subject == f"Hulpvraag {request.reference} is ingetrokken"
    assert_wholly(to_cora, "nl", ignore=NAMES)
    assert "Ingetrokken" in to_cora.body

    (to_bea,) = mails_to(outbox.outbox, bea.email)
    assert (
        to_bea.subject
        == {
            "nl": "Het voorstel gaat niet door",
            "en": "The proposal will not go ahead",
        }[buddy_language]
    )
    assert_wholly(to_bea, buddy_language, ignore=NAMES)


@pytest.mark.django_db
def test_an_english_coordinator_reads_english_whoever_caused_the_mail(cora):
    User.objects.filter(pk=cora.user_id).update(language="en")
    outbox.outbox.clear()
    request = submit(cora.organisation)  # a Dutch parent
    (to_cora,) = mails_to(outbox.outbox, cora.user.email)
    assert to_cora.subject == f"New help request {request.reference}"
    assert_wholly(to_cora, "en", ignore=NAMES)
    (to_parent,) = mails_to(outbox.outbox, PARENT)
    assert to_parent.subject == "We hebben uw hulpvraag ontvangen"
    assert_wholly(to_parent, "nl", ignore=NAMES)


@pytest.mark.django_db
def test_the_parent_reads_the_language_of_the_form(cora):
    outbox.outbox.clear()
    with translation.override("en"):
        request = submit(cora.organisation)
    assert request.email_language == "en"
    (received,) = mails_to(outbox.outbox, PARENT)
    assert received.subject == "We have received your help request"
    assert_wholly(received, "en", ignore=NAMES)
    # A later decision, taken by a Dutch coordinator, still reaches the parent in English.
    outbox.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide_to_matching(actor=cora, request=request)
    (decision,) = mails_to(outbox.outbox, PARENT)
    assert decision.subject == "We are looking for a buddy for you"
    assert_wholly(decision, "en", ignore=NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_referral_reaches_the_parent_in_the_professionals_language(cora, language):
    outbox.outbox.clear()
    with (
        translation.override(language),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        referral = services.submit_professional_referral(
            organisation=cora.organisation,
            referrer_name="Wim Wijk",
            referrer_organisation="Wijkteam Oost",
            referrer_role="Ouderconsulent",
            referrer_email="wim@wijkteam.test",
            parent_name="Sanne Jansen",
            parent_email=PARENT,
            reason="Zoon zit thuis.",
            parent_agreed=True,
        )
    assert referral.email_language == language
    (message,) = mails_to(outbox.outbox, PARENT)
    assert_wholly(message, language, ignore=[*NAMES, "Wim Wijk", "Wijkteam Oost"])
