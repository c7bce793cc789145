"""Issue 10, item 3: no e-mail text stays in the database after delivery, the platform
admin cannot read it, and a worker killed mid-job still gets the message out once."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import smtplib

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import signed_in_client
from ouderbuddy.notifications import tasks
from ouderbuddy.notifications.models import OutgoingEmail

SECRET = "https://ouderbuddy.test/status/geheim-token-4711/"
BODY = f"Beste ouder,\n\nUw persoonlijke link: {SECRET}\n"


@pytest.fixture
def db_queue(settings, monkeypatch):
    """The real database queue instead of running tasks at once."""
    from django_tasks_db.management.commands import db_worker

    # The worker drops stale connections between tasks; inside the test transaction
    # that would end the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    # startup_delay is the option's dest: call_command(no_startup_delay=True) sets it
    # to True, and the worker slept up to a second before every run.
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def every_stored_value() -> str:
    """Everything in every table of the database, as one long text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def queue_mail(django_capture_on_commit_callbacks, subject="Uw hulpvraag"):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail(subject, BODY, None, ["ouder@example.nl"])


@pytest.mark.django_db(transaction=False)
def test_the_task_queue_never_holds_the_text(
    db_queue, django_capture_on_commit_callbacks
):
    queue_mail(django_capture_on_commit_callbacks)
    # Waiting: the task knows only an id; the stored text is encrypted.
    assert SECRET not in every_stored_value()
    assert "Beste ouder" not in every_stored_value()
    run_worker()
    assert [m.body for m in mail.outbox] == [BODY]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # Delivered: nothing of the message is left anywhere.
    assert OutgoingEmail.objects.count() == 0
    stored = every_stored_value()
    assert SECRET not in stored
    assert "Uw hulpvraag" not in stored
    assert "ouder@example.nl" not in stored


@pytest.mark.django_db
def test_immediate_backend_leaves_no_row_either(django_capture_on_commit_callbacks):
    queue_mail(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert OutgoingEmail.objects.count() == 0


@pytest.mark.django_db
def test_rolled_back_mail_leaves_no_stored_message(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_mail("Onderwerp", BODY, None, ["ouder@example.nl"])
        raise RuntimeError
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


class Killed(BaseException):
    """What a SIGKILL looks like from inside: the code after it never runs."""


@pytest.mark.django_db
def test_worker_killed_before_delivery_still_delivers_once(
    db_queue, django_capture_on_commit_callbacks, monkeypatch
):
    queue_mail(django_capture_on_commit_callbacks)
    result = DBTaskResult.objects.get()
    result.claim("worker-1")  # the worker took the task ...
    message_id = result.args_kwargs["args"][0]

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(tasks, "get_connection", die)
    with pytest.raises(Killed):  # ... claimed the message and died before sending.
        tasks.deliver_email.call(message_id)
    monkeypatch.undo()
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )
    run_worker()  # the dead task stays RUNNING: no worker picks it up again
    assert mail.outbox == []
    assert OutgoingEmail.objects.count() == 1

    now = timezone.now()
    # Before the claim is stale, nothing is queued again (it may still be working).
    assert tasks.redeliver_stuck_email(now + dt.timedelta(minutes=5)) == 0
    later = now + tasks.STALE_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert tasks.redeliver_stuck_email(timezone.now()) == 1
        # A second scheduler process in the same minute queues nothing more.
        assert tasks.redeliver_stuck_email(timezone.now()) == 0
        run_worker()
    assert [m.body for m in mail.outbox] == [BODY]
    assert OutgoingEmail.objects.count() == 0
    with time_machine.travel(later + dt.timedelta(hours=1), tick=False):
        assert tasks.redeliver_stuck_email(timezone.now()) == 0
        run_worker()
    assert len(mail.outbox) == 1
    assert SECRET not in every_stored_value()


@pytest.mark.django_db
def test_two_tasks_for_one_message_send_it_once(
    db_queue, django_capture_on_commit_callbacks
):
    queue_mail(django_capture_on_commit_callbacks)
    message_id = DBTaskResult.objects.get().args_kwargs["args"][0]
    tasks.deliver_email.enqueue(message_id)  # e.g. queued again by the scheduler
    run_worker()
    assert len(mail.outbox) == 1
    assert set(DBTaskResult.objects.values_list("return_value", flat=True)) == {0, 1}


@pytest.mark.django_db
def test_a_refused_message_is_tried_again(
    db_queue, django_capture_on_commit_callbacks, monkeypatch
):
    queue_mail(django_capture_on_commit_callbacks)
    real = tasks.get_connection

    class Refusing:
        def send_messages(self, messages):
            raise smtplib.SMTPServerDisconnected("weg")

    monkeypatch.setattr(tasks, "get_connection", lambda *a, **k: Refusing())
    run_worker()
    assert DBTaskResult.objects.get().status == "FAILED"
    assert OutgoingEmail.objects.get().claimed_at is None
    monkeypatch.setattr(tasks, "get_connection", real)
    later = timezone.now() + tasks.STALE_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        assert tasks.redeliver_stuck_email(timezone.now()) == 1
        run_worker()
    assert [m.body for m in mail.outbox] == [BODY]
    assert OutgoingEmail.objects.count() == 0


def test_the_redelivery_runs_with_the_scheduler():
    from ouderbuddy.notifications.scheduler import FREQUENT_JOBS

    assert FREQUENT_JOBS["notifications.redeliver_email"] is tasks.redeliver_stuck_email


@pytest.mark.django_db
def test_platform_admin_sees_no_message_in_the_task_list(
    db_queue, django_capture_on_commit_callbacks
):
    from ouderbuddy.accounts.models import User

    queue_mail(django_capture_on_commit_callbacks)
    waiting = DBTaskResult.objects.get()
    run_worker()
    # An old result that still holds a whole message (as before this fix).
    old = DBTaskResult.objects.create(
        task_path="ouderbuddy.notifications.tasks.deliver_email",
        args_kwargs={"args": [{"body": BODY}], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        status="SUCCESSFUL",
        return_value=1,
    )
    admin = User.objects.create_superuser("beheer@test.nl", "x" * 12, full_name="B")
    client = signed_in_client(admin)
    base = "/platformbeheer/django_tasks_database/dbtaskresult/"
    for url in (base, f"{base}{waiting.pk}/change/", f"{base}{old.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "deliver_email" in page
        assert "geheim-token" not in page
        assert "Beste ouder" not in page
        assert "args" not in page.lower().replace("arguments", "")
    assert client.get(f"{base}?q=geheim").status_code in {200, 400}
    assert "geheim-token" not in client.get(f"{base}?q=geheim").content.decode()


@pytest.mark.django_db
def test_migration_moves_waiting_mail_and_blanks_the_rest(db_queue):
    migration = importlib.import_module(
        "ouderbuddy.notifications.migrations.0004_email_bodies_out_of_task_queue"
    )
    payload = {
        "subject": "Oud",
        "body": BODY,
        "from_email": "a@b.nl",
        "to": ["ouder@example.nl"],
        "cc": [],
        "bcc": [],
        "reply_to": [],
        "headers": {},
        "alternatives": [],
    }
    common = {
        "task_path": "ouderbuddy.notifications.tasks.deliver_email",
        "backend_name": "default",
        "run_after": timezone.now(),
    }
    waiting = DBTaskResult.objects.create(
        args_kwargs={"args": [payload], "kwargs": {}}, status="READY", **common
    )
    for status in ("SUCCESSFUL", "FAILED", "RUNNING"):
        DBTaskResult.objects.create(
            args_kwargs={"args": [payload], "kwargs": {}}, status=status, **common
        )

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.forwards(django_apps, editor)

    assert SECRET not in every_stored_value()
    stored = OutgoingEmail.objects.get()
    assert json.loads(stored.payload) == payload
    waiting.refresh_from_db()
    assert waiting.args_kwargs == {"args": [str(stored.pk)], "kwargs": {}}
    run_worker()
    assert [(m.subject, m.body) for m in mail.outbox] == [("Oud", BODY)]
    assert OutgoingEmail.objects.count() == 0
