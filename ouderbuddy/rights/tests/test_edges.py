"""The edges of the issue: erasure while a download link for the parent's export is
out (the link stops working), a consent withdrawn before an export (the export shows
it withdrawn, with the date), and the contact-log period on its own."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, TestCase

from ouderbuddy.casework.models import Contact
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy import access, services_access
from ouderbuddy.privacy.models import RetentionCategory
from ouderbuddy.rights import services_erasure, services_retention
from ouderbuddy.rights.tests.test_retention import at, closed_case, run_at

pytestmark = pytest.mark.django_db


def _download_link(request) -> str:
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services_access.request_access_by_parent(help_request=request)
    found = re.search(r"https?://\S+(/privacy/gegevens/\S+/)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_erasure_stops_a_download_link_that_is_out(cora, noord):
    request = submit(noord, full_name="Petra de Vries", email="petra@example.nl")
    intake.withdraw_by_coordinator(actor=cora, request=request, reason="Niet nodig")
    link = _download_link(request)
    assert Client().get(link).status_code == 200
    services_erasure.erase_parent(cora, request, confirm="WISSEN")
    gone = Client().get(link + "?formaat=json")
    assert gone.status_code == 404
    assert "Petra" not in gone.content.decode()


def test_a_consent_withdrawn_before_the_export_shows_as_withdrawn(noord):
    request = submit(noord)
    intake.withdraw_consent(request=request, purpose="share_with_buddy")
    person = access.find_person(access.PARENT, request.pk, noord.pk)
    found = {c["purpose"]: c for c in access.export(person)["consents"]}
    shared = found["share_with_buddy"]
    assert shared["withdrawn_at"] is not None and shared["withdrawn_at_text"]
    assert shared["text"] and shared["text_version"].startswith("delen-met-buddy")
    assert found["request_processing"]["withdrawn_at"] is None


def test_contact_notes_have_their_own_shorter_period(cora):
    match = closed_case(cora)
    services_retention.set_policy(
        cora, category=RetentionCategory.CONTACT_LOG, months=3, reason="Kort"
    )
    run_at(at(3, days=-1))
    contact = Contact.objects.get(match=match)
    assert contact.note and contact.anonymised_at is None
    record = run_at(at(3))
    contact.refresh_from_db()
    assert record.counts[RetentionCategory.CONTACT_LOG] == 1
    assert contact.note == "" and contact.minutes == 30
    match.request.refresh_from_db()
    assert match.request.anonymised_at is None  # the case keeps its 12 months
