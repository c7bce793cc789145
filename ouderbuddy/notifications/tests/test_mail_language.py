"""mail.send_templated: every e-mail whole in its reader's language, sent after commit."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail as outbox
from django.test import TestCase
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from ouderbuddy.accounts.models import User
from ouderbuddy.notifications import mail
from ouderbuddy.notifications.tests.language import assert_wholly

TEMPLATE = "matching/email/buddy_cancelled.txt"
SUBJECT = gettext_lazy("Het voorstel gaat niet door")
ORG = SimpleNamespace(name="Steunpunt Noord", email_signature="")


def send(**kw):
    values = {
        "to": [],
        "subject": SUBJECT,
        "template": TEMPLATE,
        "context": {"name": "Bea", "organisation": ORG},
    }
    values.update(kw)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return mail.send_templated(**values)


@pytest.mark.django_db
def test_each_language_gets_its_own_whole_message():
    eva = User.objects.create_user(
        "eva@x.test", "x" * 12, full_name="Eva", language="en"
    )
    outbox.outbox.clear()
    # The sender's own language (English here) plays no part.
    with translation.override("en"):
        queued = send(
            to=[
                mail.Recipient("nel@x.test", "nl"),
                eva,
                mail.Recipient("ed@x.test", "en"),
                "bare@x.test",
            ]
        )
    assert queued == 2
    by_to = {tuple(m.to): m for m in outbox.outbox}
    dutch = by_to[("nel@x.test", "bare@x.test")]
    english = by_to[("eva@x.test", "ed@x.test")]
    assert dutch.subject == "Het voorstel gaat niet door"
    assert english.subject == "The proposal will not go ahead"
    assert_wholly(dutch, "nl", ignore=["Steunpunt Noord"])
    assert_wholly(english, "en", ignore=["Steunpunt Noord"])


@pytest.mark.django_db
def test_mail_waits_for_the_commit():
    outbox.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        mail.send_templated(
            to=["a@x.test"], subject=SUBJECT, template=TEMPLATE, context={"name": "A"}
        )
    assert outbox.outbox == []
    assert len(callbacks) == 1


def test_a_subject_translated_before_the_call_is_refused():
    with pytest.raises(TypeError):
        mail.send_templated(
            to=["a@x.test"],
            subject=gettext("Het voorstel gaat niet door"),
            template=TEMPLATE,
            context={},
        )


@pytest.mark.django_db
def test_subject_parameters_are_worded_in_the_readers_language():
    outbox.outbox.clear()
    send(
        to=[mail.Recipient("ed@x.test", "en"), mail.Recipient("nel@x.test", "nl")],
        subject=gettext_lazy("Hulpvraag %(ref)s is ingetrokken"),
        subject_params={"ref": "HV-ABC123"},
    )
    subjects = {m.to[0]: m.subject for m in outbox.outbox}
    assert subjects == {
        "ed@x.test": "Help request HV-ABC123 has been withdrawn",
        "nel@x.test": "Hulpvraag HV-ABC123 is ingetrokken",
    }


@pytest.mark.django_db
def test_dates_are_worded_in_the_readers_language():
    outbox.outbox.clear()
    send(
        to=[mail.Recipient("ed@x.test", "en"), mail.Recipient("nel@x.test", "nl")],
        subject=gettext_lazy("Tijd voor een opfristraining"),
        template="training/email/refresher_reminder.txt",
        context={
            "buddy": SimpleNamespace(full_name="Bea"),
            "due_on": dt.date(2026, 12, 2),
            "organisation": ORG,
            "link": "https://example.test/trainingen/",
        },
    )
    bodies = {m.to[0]: m.body for m in outbox.outbox}
    assert "2 December 2026" in bodies["ed@x.test"]
    assert "2 december 2026" in bodies["nel@x.test"]


@pytest.mark.parametrize(
    ("given", "expected"), [("en", "en"), ("en-gb", "en"), ("ar", "nl"), ("", "nl")]
)
def test_a_language_the_site_does_not_speak_becomes_dutch(given, expected):
    assert mail.recipient(mail.Recipient("a@x.test", given)).language == expected


@pytest.mark.django_db
def test_the_footer_shows_the_organisations_signature(noord):
    """The hook for the organisation's signature: `organisation` reaches the footer
    (notifications/email/footer.txt) as `mail_organisation`."""
    outbox.outbox.clear()
    noord.email_signature = "Team Noord"
    noord.save()
    send(to=["a@x.test"], organisation=noord)
    send(to=["b@x.test"])
    body_signed, body_plain = (m.body for m in outbox.outbox)
    assert "-- \nTeam Noord" in body_signed
    assert "-- " not in body_plain


@pytest.mark.django_db
def test_a_buddy_reads_in_their_accounts_language_else_the_applications():
    eva = User.objects.create_user(
        "eva@x.test", "x" * 12, full_name="Eva", language="en"
    )
    with_account = SimpleNamespace(
        email="eva@x.test", user_id=eva.pk, user=eva, email_language="nl"
    )
    applicant = SimpleNamespace(
        email="ap@x.test", user_id=None, user=None, email_language="en"
    )
    assert mail.buddy_recipient(with_account) == mail.Recipient("eva@x.test", "en")
    assert mail.buddy_recipient(applicant) == mail.Recipient("ap@x.test", "en")
