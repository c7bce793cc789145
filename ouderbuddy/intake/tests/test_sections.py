"""Intake's sections of the parent's status page: the day the coordinator calls at the
latest, the history the parent reads, what is kept and the consents that still count."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from ouderbuddy.intake import sections, services
from ouderbuddy.intake.models import RequestEvent
from ouderbuddy.intake.tests.factories import submit, young_birth_date
from ouderbuddy.privacy.models import ConsentPurpose

pytestmark = pytest.mark.django_db


def test_contact_by_counts_working_days_past_the_weekend(cora):
    # Received on a Thursday: five working days on, past the weekend, is the next
    # Thursday (five calendar days would be the Tuesday).
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, tzinfo=dt.UTC), tick=False):
        request = submit(cora.organisation)
    assert services.CONTACT_WITHIN_WORKING_DAYS == 5
    status = sections.request_status(request)
    assert status["contact_by"] == dt.date(2026, 3, 12)


def test_the_history_shows_status_changes_and_the_parents_own_steps_only(cora):
    request = submit(cora.organisation)
    RequestEvent.objects.create(
        organisation=request.organisation,
        request=request,
        description="Interne notitie van de coördinator",
    )
    shown = sections.request_status(request)["events"]
    expected = request.events.filter(Q(to_status__gt="") | Q(by_parent=True))
    assert shown
    # Each line as the template worded the event: its day, then its text.
    assert shown == [
        f"{date_format(timezone.localtime(e.at), 'j F Y')}: {e.text}"
        for e in expected.order_by("at")
    ]
    assert not any("Interne notitie van de coördinator" in line for line in shown)


def test_a_withdrawn_consent_is_listed_but_no_longer_counts(cora):
    request = submit(cora.organisation, consent_research=True)
    services.withdraw_consent(request=request, purpose=ConsentPurpose.RESEARCH)
    status = sections.request_status(request)
    assert ConsentPurpose.RESEARCH in {c.purpose for c in status["consents"]}
    assert ConsentPurpose.RESEARCH not in status["active_purposes"]
    assert ConsentPurpose.REQUEST_PROCESSING in status["active_purposes"]
    # The consents as the ORM reads them, through a statement compiled once.
    from ouderbuddy.privacy.models import Consent

    orm = Consent.objects.filter(
        organisation_id=request.organisation_id, subject_id=str(request.pk)
    ).order_by("given_at")
    assert [
        (c.pk, c.purpose, c.given_at, c.withdrawn_at, c.text, c.get_purpose_display())
        for c in status["consents"]
    ] == [
        (c.pk, c.purpose, c.given_at, c.withdrawn_at, c.text, c.get_purpose_display())
        for c in orm
    ]
    for read in (sections._CONSENTS, sections._EVENTS):
        assert read._compiled and None not in read._compiled.values()


def test_held_data_speaks_to_a_young_person_about_themselves(cora):
    parent = dict(sections.held_data(submit(cora.organisation)))
    assert "Over uw kind" in parent
    young = submit(
        cora.organisation,
        email="jong@example.nl",
        asker="young_person",
        young_person_birth_date=young_birth_date(17, dt.date.today()),
    )
    held = dict(sections.held_data(young))
    assert "Over jezelf" in held and "Over uw kind" not in held
    rows = {row.label: row for row in held["Wat er speelt"]}
    assert rows["Uw vraag"].multiline
    assert rows["Langer dan 4 weken thuis"].value == "Ja"


def test_choice_labels_names_known_values_and_says_when_empty():
    assert sections.choice_labels(["phone", "video"], _Modes) == "Telefoon, Video"
    assert sections.choice_labels(["unknown"], _Modes) == "unknown"
    assert sections.choice_labels([], _Modes) == "Niet ingevuld"


class _Modes:
    choices = [("phone", "Telefoon"), ("video", "Video")]


def test_the_request_page_shows_given_and_withdrawn_consents(cora):
    from django.urls import reverse

    from conftest import signed_in_client
    from ouderbuddy.intake import views_triage

    request = submit(cora.organisation, consent_research=True)
    services.withdraw_consent(request=request, purpose=ConsentPurpose.RESEARCH)
    page = signed_in_client(cora.user).get(reverse("intake:detail", args=[request.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Gegeven" in body and "Ingetrokken" in body
    assert "ingetrokken op" in body
    assert None not in views_triage._CONSENTS._compiled.values()
