"""Training's e-mails come whole in the reader's language, dates included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import translation

from ouderbuddy.accounts.models import User
from ouderbuddy.notifications.tests.language import assert_wholly, mails_to
from ouderbuddy.training import jobs, services
from ouderbuddy.training.tests.factories import at, make_buddy, make_session

pytestmark = pytest.mark.django_db

NAMES = ["Steunpunt Noord", "Basistraining", "Bea Bakker", "Vera Vog", "Ouderbuddy"]
SUBJECTS = {
    "nl": "U bent ingeschreven voor Basistraining",
    "en": "You are enrolled in Basistraining",
}


def buddy_reading(noord, language, **kw):
    """A buddy with an account in `language`."""
    user = User.objects.create_user(
        kw.get("email", "bea@buddy.test"), "x" * 12, full_name="Bea", language=language
    )
    return make_buddy(noord, full_name="Bea Bakker", user=user, **kw)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_enrolment_mail_is_in_the_buddys_language(
    cora, course, noord, language, django_capture_on_commit_callbacks
):
    session = make_session(course, at(2027, 1, 20, 19), location="Zwolle")
    buddy = buddy_reading(noord, language)
    mail.outbox.clear()
    # The coordinator enrols the buddy with her page in the other language.
    with (
        translation.override("en" if language == "nl" else "nl"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    (message,) = mails_to(mail.outbox, buddy.email)
    assert message.subject == SUBJECTS[language]
    assert_wholly(message, language, ignore=[*NAMES, "Zwolle"])
    assert {"nl": "januari", "en": "January"}[language] in message.body


def test_an_applicant_without_an_account_reads_the_applications_language(
    cora, course, noord, django_capture_on_commit_callbacks
):
    session = make_session(course, at(2027, 1, 20, 19), location="Zwolle")
    buddy = make_buddy(noord, full_name="Bea Bakker", email_language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    (message,) = mails_to(mail.outbox, buddy.email)
    assert message.subject == SUBJECTS["en"]
    assert_wholly(message, "en", ignore=[*NAMES, "Zwolle"])


def test_vog_reminders_each_in_their_readers_language(
    cora, noord, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=cora.user_id).update(language="en")
    make_buddy(noord, full_name="Vera Vog", vog_valid_until=dt.date(2027, 2, 15))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        jobs.send_vog_reminders(at(2027, 1, 10, 7))
    (to_cora,) = mails_to(mail.outbox, cora.user.email)
    assert "Vera Vog: before 15 February 2027" in to_cora.body
    assert_wholly(to_cora, "en", ignore=NAMES)
    (to_vera,) = mails_to(mail.outbox, "vera@buddy.test")
    assert "vóór 15 februari 2027" in to_vera.body
    assert_wholly(to_vera, "nl", ignore=NAMES)
