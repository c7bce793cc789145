"""Where parents read how to reach their support point: the confirmation page, the
status page and under every e-mail; the e-mail signature."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ouderbuddy.intake.services import status_token
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.intake.views_public import DONE_SESSION_KEY
from ouderbuddy.organisations.templatetags.support_point import footer_text


@pytest.fixture
def reachable(noord):
    noord.contact_phone = "030 123 45 67"
    noord.contact_email = "info@noord.test"
    noord.website = "https://www.noord.test"
    noord.contact_hours = "Maandag tot en met donderdag van 9 tot 17 uur"
    noord.email_signature = "Cora en Kees\nCoördinatoren"
    noord.save()
    return noord


def _status(help_request) -> str:
    return reverse("intake:status", args=[status_token(help_request)])


@pytest.mark.django_db
def test_the_status_page_shows_how_to_reach_the_support_point(reachable, cora):
    help_request = submit(reachable)
    body = Client().get(_status(help_request)).content.decode()
    assert "Contact met Steunpunt Noord" in body
    assert 'href="tel:0301234567"' in body
    assert 'href="mailto:info@noord.test"' in body
    assert 'href="https://www.noord.test"' in body
    assert "van 9 tot 17 uur" in body
    assert f"Noem uw kenmerk {help_request.reference}" in body


@pytest.mark.django_db
def test_no_contact_section_when_the_support_point_has_no_details(noord, cora):
    help_request = submit(noord)
    body = Client().get(_status(help_request)).content.decode()
    assert "Contact met Steunpunt Noord" not in body
    assert "contact-title" not in body


@pytest.mark.django_db
def test_the_confirmation_page_shows_how_to_reach_the_support_point(reachable):
    client = Client()
    session = client.session
    session[DONE_SESSION_KEY] = {
        "reference": "HV-ABC123",
        "organisation": reachable.name,
    }
    session.save()
    body = client.get(reverse("intake:done")).content.decode()
    assert "Contact met Steunpunt Noord" in body
    assert "030 123 45 67" in body
    assert "Noem uw kenmerk HV-ABC123" in body


@pytest.mark.django_db
def test_the_parents_email_ends_with_the_signature_and_the_contact_details(
    reachable, cora
):
    mail.outbox.clear()
    help_request = submit(reachable)
    [to_parent] = [m for m in mail.outbox if help_request.email in m.to]
    assert to_parent.body.rstrip().endswith(
        "-- \nCora en Kees\nCoördinatoren\n\nSteunpunt Noord\nTelefoon: 030 123 45 67\n"
        "E-mail: info@noord.test\nWebsite: https://www.noord.test\n"
        "Bereikbaar: Maandag tot en met donderdag van 9 tot 17 uur"
    ), to_parent.body


@pytest.mark.django_db
def test_a_support_point_without_signature_or_details_adds_no_footer(noord):
    assert footer_text(noord) == ""
    noord.email_signature = "Team Noord"
    assert footer_text(noord) == "-- \nTeam Noord"
    noord.email_signature = ""
    noord.contact_phone = "030 123 45 67"
    assert footer_text(noord) == "-- \nSteunpunt Noord\nTelefoon: 030 123 45 67"
    assert footer_text(None) == ""


@pytest.mark.django_db
def test_a_signature_with_markup_stays_plain_text_in_the_email(noord, cora):
    noord.email_signature = "<b>Team</b> & co"
    noord.save()
    mail.outbox.clear()
    help_request = submit(noord)
    [to_parent] = [m for m in mail.outbox if help_request.email in m.to]
    assert "<b>Team</b> & co" in to_parent.body
