"""Every e-mail goes through a task after the commit; the worker delivers it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from ouderbuddy.notifications.backends import message_to_payload, payload_to_message


@pytest.mark.django_db
def test_mail_is_sent_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_mail("Onderwerp", "Tekst", None, ["ouder@example.nl"])
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["ouder@example.nl"]]


@pytest.mark.django_db
def test_rolled_back_work_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                send_mail("Onderwerp", "Tekst", None, ["ouder@example.nl"])
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []


def test_payload_round_trip_keeps_everything():
    message = EmailMultiAlternatives(
        "Onderwerp é",
        "Tekst",
        "a@b.nl",
        ["c@d.nl"],
        cc=["e@f.nl"],
        reply_to=["g@h.nl"],
        headers={"X-Test": "1"},
    )
    message.attach_alternative("<p>Tekst</p>", "text/html")
    again = payload_to_message(message_to_payload(message))
    assert (again.subject, again.body, again.to, again.cc, again.reply_to) == (
        "Onderwerp é",
        "Tekst",
        ["c@d.nl"],
        ["e@f.nl"],
        ["g@h.nl"],
    )
    assert again.alternatives[0][0] == "<p>Tekst</p>"
    assert again.extra_headers == {"X-Test": "1"}


@pytest.mark.django_db
def test_database_queue_and_worker_deliver_the_mail(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    # The worker drops stale connections between tasks; inside the test transaction
    # that would end the test's own connection, so it is switched off here.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    # django-tasks resets its backends when the TASKS setting changes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("In de wachtrij", "Tekst", None, ["ouder@example.nl"])
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    # startup_delay is the option's dest: call_command(no_startup_delay=True) sets it
    # to True, and the worker slept up to a second before every run.
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert [m.subject for m in mail.outbox] == ["In de wachtrij"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
