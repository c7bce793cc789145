"""A request's history is stored as codes and worded in the reader's language: a
parent with English switched on who withdraws writes no English into the Dutch
coordinator's history (issue 10, item 11)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation

from ouderbuddy.intake import services
from ouderbuddy.intake.history import REQUEST_HISTORY
from ouderbuddy.intake.models import OrganisationReferralTarget, RequestEvent
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy.models import ConsentPurpose

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "ouderbuddy.intake.migrations.0007_request_event_codes"
)


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_withdrawn_in_english_reads_dutch_for_the_coordinator(cora, cora_client):
    request = submit(cora.organisation)
    parent = _english(Client())
    url = reverse("intake:status_withdraw", args=[services.status_token(request)])
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert parent.post(url, {"confirm": "yes"}).status_code == 302
    event = request.events.get(to_status="withdrawn")
    assert event.code == "withdrawn_by_parent"
    assert event.description == "Ingetrokken door de ouder."
    body = cora_client.get(reverse("intake:detail", args=[request.pk])).content.decode()
    assert "Ingetrokken door de ouder." in body
    assert "Withdrawn by the parent." not in body
    # ... and English for a reader who chose English.
    english = _english(cora_client).get(reverse("intake:detail", args=[request.pk]))
    assert "Withdrawn by the parent." in english.content.decode()


def test_parameters_are_worded_in_the_readers_language(cora):
    request = submit(cora.organisation)
    with translation.override("en"):
        services.withdraw_consent(
            request=request, purpose=ConsentPurpose.SHARE_WITH_BUDDY
        )
    event = request.events.get(code="consent_withdrawn")
    assert event.params == {"what": "share_with_buddy"}
    with translation.override("nl"):
        assert event.text == "Toestemming ingetrokken: Samenvatting delen met een buddy"
    with translation.override("en"):
        assert event.text.startswith("Consent withdrawn: ")
        assert "Samenvatting" not in event.text


def test_a_referral_and_a_withdrawal_by_the_coordinator(cora):
    first = submit(cora.organisation, email="a@example.nl")
    target = OrganisationReferralTarget.objects.get(
        organisation=cora.organisation, default_id="education_consultant"
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide_referral(
            actor=cora, request=first, target=target, reason="Past."
        )
    event = first.events.get(to_status="referred")
    assert (event.code, event.params) == ("referred", {"target": "Onderwijsconsulent"})
    second = submit(cora.organisation, email="b@example.nl")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.withdraw_by_coordinator(actor=cora, request=second, reason="Opgelost.")
    event = second.events.get(to_status="withdrawn")
    assert (event.code, event.params) == ("withdrawn", {"reason": "Opgelost."})
    with translation.override("en"):
        assert event.text == "Withdrawn: Opgelost."


def test_every_text_is_recognised_in_both_languages():
    for code, template in REQUEST_HISTORY.texts.items():
        params = {"what": "research", "target": "Wijkteam", "reason": "Klaar."}
        for language in ("nl", "en"):
            with translation.override(language):
                text = REQUEST_HISTORY.word(code, params, "")
            found = REQUEST_HISTORY.recognise(text)
            assert found is not None, (code, language, text)
            assert found[0] == code, (code, language, text)
            used = {k: v for k, v in params.items() if f"%({k})s" in str(template)}
            assert found[1] == used


def test_unknown_text_stays_as_it_was(cora):
    request = submit(cora.organisation)
    event = RequestEvent.objects.create(
        organisation=cora.organisation, request=request, description="Iets bijzonders."
    )
    assert event.code == ""
    with translation.override("en"):
        assert event.text == "Iets bijzonders."
    event.code, event.params = "consent_withdrawn", {"wrong": 1}
    assert event.text == "Iets bijzonders."  # broken parameters: the stored text


def test_the_migration_gives_old_rows_their_code(cora):
    request = submit(cora.organisation)
    with translation.override("en"):
        consent_in_english = f"Consent withdrawn: {ConsentPurpose.RESEARCH.label}"
    rows = {
        "Withdrawn by the parent.": ("withdrawn_by_parent", {}),
        "Ingetrokken door de ouder.": ("withdrawn_by_parent", {}),
        consent_in_english: ("consent_withdrawn", {"what": "research"}),
        "Doorverwezen naar Wijkteam Oost.": ("referred", {"target": "Wijkteam Oost"}),
        "Besluit na het intakegesprek.": ("", {}),
    }
    ids = {}
    for text in rows:
        event = RequestEvent.objects.create(
            organisation=cora.organisation, request=request, description="x"
        )
        # As the old code stored it: text only, in the writer's language.
        RequestEvent.objects.filter(pk=event.pk).update(
            description=text, code="", params={}
        )
        ids[text] = event.pk
    migration.to_codes(django_apps, None)
    for text, expected in rows.items():
        event = RequestEvent.objects.get(pk=ids[text])
        assert (event.code, event.params) == expected, text
    stored = RequestEvent.objects.get(pk=ids["Withdrawn by the parent."])
    assert stored.description == "Ingetrokken door de ouder."
    unknown = RequestEvent.objects.get(pk=ids["Besluit na het intakegesprek."])
    assert unknown.description == "Besluit na het intakegesprek."
