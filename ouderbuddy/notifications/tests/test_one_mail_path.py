"""Issue 11, item 5: one e-mail path, queued once. Every app sends through notifications.mail and
makes links absolute with `mail.absolute_url`; nothing outside notifications sends mail
itself or builds a link on SITE_URL (a scan of the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core import mail as outbox
from django.db import transaction
from django.test import TestCase, override_settings
from django.utils.translation import gettext_lazy

from ouderbuddy.notifications import mail
from ouderbuddy.notifications.models import OutgoingEmail

PACKAGE = Path(__file__).resolve().parents[2]
# Django's mail functions and classes: only notifications may touch them.
MAIL_MODULES = {"django.core.mail", "django.core.mail.message"}
TEMPLATE = "matching/email/buddy_cancelled.txt"
SUBJECT = gettext_lazy("Het voorstel gaat niet door")


def _app_sources() -> list[Path]:
    """Every module of the package outside notifications, its tests and migrations."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if parts[0] in {"notifications", "settings.py"}:
            continue
        if "tests" in parts or "migrations" in parts:
            continue
        found.append(path)
    return found


def _problems(path: Path) -> list[str]:
    return _problems_in(
        path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE))
    )


def _problems_in(source: str, where: str) -> list[str]:
    tree = ast.parse(source, filename=where)
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (
            node.module in MAIL_MODULES
            or (
                node.module == "django.core"
                and any(a.name == "mail" for a in node.names)
            )
        ):
            problems.append(f"{where}:{node.lineno} imports from django.core.mail")
        elif isinstance(node, ast.Import) and any(
            a.name in MAIL_MODULES for a in node.names
        ):
            problems.append(f"{where}:{node.lineno} imports django.core.mail")
        elif (isinstance(node, ast.Attribute) and node.attr == "SITE_URL") or (
            isinstance(node, ast.Name) and node.id == "SITE_URL"
        ):
            problems.append(f"{where}:{node.lineno} reads SITE_URL")
    return problems


def test_the_scan_sees_the_apps():
    names = {p.relative_to(PACKAGE).as_posix() for p in _app_sources()}
    assert "accounts/services.py" in names
    assert "training/emails.py" in names
    assert not any(n.startswith("notifications/") for n in names)


def test_no_app_sends_mail_or_builds_a_site_link_itself():
    """Send with `mail.send_templated` (subject and body in the reader's language,
    queued after commit); make a link with `mail.absolute_url`."""
    problems = [p for path in _app_sources() for p in _problems(path)]
    assert problems == []


def test_the_scan_finds_what_it_looks_for():
    source = (
        "from django.conf import settings\n"
        "from django.core.mail import send_mail, EmailMessage\n"
        "from django.core import mail\n"
        "import django.core.mail\n"
        "link = settings.SITE_URL.rstrip('/') + '/x/'\n"
    )
    assert len(_problems_in(source, "example.py")) == 4


def test_no_email_template_makes_its_own_link():
    """Links reach e-mail templates in the context (from `mail.absolute_url`), never
    from the request's host ({{ protocol }}://{{ domain }})."""
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.glob("*/templates/*/email/*")
        if "://" in p.read_text(encoding="utf-8")
        or "{{ domain" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


@override_settings(SITE_URL="https://ouderbuddy.example.nl/")
def test_absolute_url_takes_a_path_or_a_url_name():
    assert mail.absolute_url("/account/") == "https://ouderbuddy.example.nl/account/"
    assert (
        mail.absolute_url("intake:status", "abc")
        == "https://ouderbuddy.example.nl/hulpvraag/status/abc/"
    )
    assert mail.absolute_url("intake:status", token="abc") == mail.absolute_url(
        "intake:status", "abc"
    )
    with pytest.raises(TypeError):
        mail.absolute_url("/account/", "abc")


@pytest.mark.django_db
def test_a_message_is_stored_in_the_sending_transaction_and_queued_once():
    """send_templated hands the message to the backend at once: it is stored with the
    work that caused it and its delivery is queued once, on commit."""
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        mail.send_templated(
            to=["a@x.test"], subject=SUBJECT, template=TEMPLATE, context={"name": "A"}
        )
        assert OutgoingEmail.objects.count() == 1
    assert len(callbacks) == 1  # the delivery task, nothing else
    assert outbox.outbox == []


@pytest.mark.django_db
def test_a_rolled_back_message_leaves_no_stored_row():
    with (
        TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        mail.send_templated(
            to=["a@x.test"], subject=SUBJECT, template=TEMPLATE, context={"name": "A"}
        )
        raise RuntimeError
    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert outbox.outbox == []
