"""Matching's e-mails come whole in each reader's language, dates included."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation

from ouderbuddy.accounts.models import User
from ouderbuddy.matching import services
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)
from ouderbuddy.notifications.tests.language import assert_wholly, mails_to

pytestmark = pytest.mark.django_db

# Names, and what the buddy wrote about themselves (their own words, not ours).
NAMES = [
    "Steunpunt Noord",
    "Sanne Jansen",
    "Sanne",
    "Bea Buddy",
    "Bea",
    "Moeder van twee; mijn zoon zat een jaar thuis.",
]


def run(fn, **kw):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_proposal_reaches_the_buddy_in_their_language(cora, language):
    bea = matchable_buddy(cora.organisation, "Bea Buddy")
    User.objects.filter(pk=bea.user_id).update(language=language)
    bea.refresh_from_db()
    request = waiting_request(cora)
    mail.outbox.clear()
    with translation.override("en" if language == "nl" else "nl"):
        run(services.propose, actor=cora, request=request, buddy=bea, reason="Past")
    (message,) = mails_to(mail.outbox, bea.email)
    assert (
        message.subject
        == {
            "nl": "Een ouder zoekt een buddy: wilt u helpen?",
            "en": "A parent is looking for a buddy: do you want to help?",
        }[language]
    )
    assert_wholly(message, language, ignore=NAMES)


def test_after_the_buddy_says_yes_each_reader_has_their_language(cora):
    """English parent, Dutch coordinator, English buddy: each mail whole in its
    reader's language."""
    bea = matchable_buddy(cora.organisation, "Bea Buddy")
    User.objects.filter(pk=bea.user_id).update(language="en")
    bea.refresh_from_db()
    with translation.override("en"):
        request = waiting_request(cora)
    match = run(services.propose, actor=cora, request=request, buddy=bea, reason="x")
    mail.outbox.clear()
    with translation.override("en"):
        run(services.accept, actor=buddy_membership(bea), match=match)
    (to_parent,) = mails_to(mail.outbox, request.email)
    assert to_parent.subject == "We have a buddy for you"
    assert_wholly(to_parent, "en", ignore=NAMES)
    (to_cora,) = mails_to(mail.outbox, cora.user.email)
    assert to_cora.subject == f"Buddy zegt ja: {request.reference}"
    assert_wholly(to_cora, "nl", ignore=NAMES)


def test_the_introduction_date_is_worded_in_the_readers_language(cora):
    bea = matchable_buddy(cora.organisation, "Bea Buddy")
    with translation.override("en"):
        request = waiting_request(cora)
    match = run(services.propose, actor=cora, request=request, buddy=bea, reason="x")
    run(services.accept, actor=buddy_membership(bea), match=match)
    run(services.parent_agrees, request=request, match=match)
    mail.outbox.clear()
    # A Wednesday, at half past three in Amsterdam.
    day = dt.date.today() + dt.timedelta(days=30)
    while day.weekday() != 2:
        day += dt.timedelta(days=1)
    at = dt.datetime(
        day.year,
        day.month,
        day.day,
        15,
        30,
        tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"),
    )
    run(services.plan_introduction, actor=cora, match=match, at=at, mode="video")
    (to_parent,) = mails_to(mail.outbox, request.email)
    (to_bea,) = mails_to(mail.outbox, bea.email)
    assert "Wednesday" in to_parent.body
    assert "woensdag" in to_bea.body
    assert_wholly(to_parent, "en", ignore=NAMES)
    assert_wholly(to_bea, "nl", ignore=NAMES)
