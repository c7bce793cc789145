"""Links that outlive a long wait: a parent asks for a fresh status link at any time;
the old links keep working unless the parent asks to stop them; every e-mail to the
parent carries a fresh link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from ouderbuddy.intake import services
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+(/hulpvraag/status/\S+/)")


def _ask(address: str, *, stop_old: bool) -> list[str]:
    mail.outbox.clear()
    data = {"email": address}
    if stop_old:
        data["stop_old"] = "on"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Client().post(reverse("intake:new_link"), data)
    assert response.status_code == 302
    return [LINK.search(m.body).group(1) for m in mail.outbox]


def test_a_fresh_link_leaves_the_old_one_working(noord):
    request = submit(noord)
    old = reverse("intake:status", args=[services.status_token(request)])
    (new,) = _ask("sanne@example.nl", stop_old=False)
    assert Client().get(old).status_code == 200
    assert Client().get(new).status_code == 200


def test_on_request_the_old_links_stop_and_the_new_one_works(noord):
    request = submit(noord)
    old = reverse("intake:status", args=[services.status_token(request)])
    (new,) = _ask("Sanne@Example.nl", stop_old=True)
    stopped = Client().get(old)
    assert stopped.status_code == 410
    assert "omdat u een nieuwe link heeft gevraagd" in stopped.content.decode()
    assert Client().get(new).status_code == 200
    assert AuditEvent.objects.filter(verb="intake.status_links_stopped").count() == 1
    # A second time: the link of the first time stops too.
    (newest,) = _ask("sanne@example.nl", stop_old=True)
    assert Client().get(new).status_code == 410
    assert Client().get(newest).status_code == 200


def test_an_unknown_address_gets_the_same_answer_and_nothing_changes(noord):
    request = submit(noord)
    assert _ask("onbekend@example.nl", stop_old=True) == []
    request.refresh_from_db()
    assert request.status_link_version == 0
    old = reverse("intake:status", args=[services.status_token(request)])
    assert Client().get(old).status_code == 200


def test_the_form_offers_the_choice(client):
    page = client.get(reverse("intake:new_link")).content.decode()
    assert "Laat mijn oude links niet meer werken" in page
