"""Casework's e-mails come whole in each reader's language: the parent's from the form,
the buddy's and the coordinator's from their account."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation

from ouderbuddy.accounts.models import User
from ouderbuddy.casework import services
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.notifications.tests.language import assert_wholly, mails_to

pytestmark = pytest.mark.django_db

NAMES = ["Steunpunt Noord", "Sanne Jansen", "Sanne", "Bea Buddy", "Bea"]


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


@pytest.fixture
def english_parent_dutch_buddy(cora):
    buddy = matchable_buddy(cora.organisation, "Bea Buddy")
    with translation.override("en"):
        match = active_match(cora, buddy)
    assert match.request.email_language == "en"
    mail.outbox.clear()
    return match


def test_the_agreement_reaches_each_side_in_their_language(
    cora, english_parent_dutch_buddy
):
    match = english_parent_dutch_buddy
    run(
        services.set_agreement,
        actor=cora,
        match=match,
        goals="Samen naar school.",
        frequency="fortnightly",
        contact_modes=["phone"],
    )
    (to_parent,) = mails_to(mail.outbox, match.request.email)
    assert to_parent.subject == "Working agreements to read"
    assert_wholly(to_parent, "en", ignore=NAMES)
    (to_buddy,) = mails_to(mail.outbox, match.buddy.email)
    assert to_buddy.subject == "Werkafspraken om te lezen"
    assert_wholly(to_buddy, "nl", ignore=NAMES)


def test_a_signal_reaches_an_english_coordinator_in_english(
    cora, english_parent_dutch_buddy
):
    match = english_parent_dutch_buddy
    User.objects.filter(pk=cora.user_id).update(language="en")
    # The buddy raises it with the site in Dutch.
    with translation.override("nl"):
        run(
            services.raise_signal,
            actor=buddy_membership(match.buddy),
            match=match,
            kind="crisis",
            description="Het gaat niet goed thuis.",
        )
    (to_cora,) = mails_to(mail.outbox, cora.user.email)
    assert to_cora.subject == f"Safety signal from a buddy: {match.request.reference}"
    assert "Crisis for the parent or in the family" in to_cora.body
    assert_wholly(to_cora, "en", ignore=[*NAMES, "Veilig Thuis", "Crisis"])
