"""The intake services: creating a request, the status link, consents, triage."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.intake import services
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    RequestStatus,
)
from ouderbuddy.intake.tests.factories import request_data, submit, young_birth_date
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import Consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def test_a_request_with_consents_history_and_mails(cora):
    mail.outbox.clear()
    request = submit(cora.organisation, consent_research=True)
    assert request.status == RequestStatus.NEW
    assert request.reference.startswith("HV-")
    assert set(
        Consent.objects.filter(subject_id=str(request.pk)).values_list(
            "purpose", flat=True
        )
    ) == {"request_processing", "share_with_buddy", "research"}
    assert request.events.count() == 1
    parent_mail = next(m for m in mail.outbox if m.to == ["sanne@example.nl"])
    assert "/hulpvraag/status/" in parent_mail.body
    assert any(cora.user.email in m.to for m in mail.outbox)


def test_double_submit_gives_one_request(cora):
    key = uuid.uuid4()
    first = submit(cora.organisation, key=key)
    second = submit(cora.organisation, key=key)
    assert first.pk == second.pk
    assert HelpRequest.objects.count() == 1


def test_missing_consent_unknown_postcode_and_long_text_save_nothing(cora):
    for overrides, field in (
        ({"consent_processing": False}, "consent_processing"),
        ({"postcode": "0000"}, "postcode"),
        ({"postcode": "1000"}, "postcode"),
        ({"question": "x" * 2001}, "question"),
        ({"question": "   "}, "question"),
        ({"codes": ["need.bestaat_niet"]}, None),
    ):
        with pytest.raises(DomainError) as error:
            submit(cora.organisation, **overrides)
        if field:
            assert error.value.field == field
    assert not HelpRequest.objects.exists()


def test_sixteen_may_ask_fifteen_is_told_kindly(cora):
    today = timezone.localdate()
    with pytest.raises(DomainError, match="Kindertelefoon"):
        submit(
            cora.organisation,
            asker="young_person",
            young_person_birth_date=young_birth_date(16, today) + dt.timedelta(days=1),
        )
    request = submit(
        cora.organisation,
        asker="young_person",
        young_person_birth_date=young_birth_date(16, today),
    )
    assert request.child_birth_year == today.year - 16


def test_status_link_works_and_rejects_tampering_and_expiry(cora):
    request = submit(cora.organisation)
    token = services.status_token(request)
    assert services.request_for_token(token) == request
    with pytest.raises(services.LinkProblem) as error:
        services.request_for_token(token[:-3] + "abc")
    assert not error.value.expired
    with (
        time_machine.travel(
            timezone.now() + dt.timedelta(days=services.STATUS_LINK_DAYS + 1)
        ),
        pytest.raises(services.LinkProblem) as error,
    ):
        services.request_for_token(token)
    assert error.value.expired


def test_a_status_link_reads_the_request_and_its_place_as_the_orm_does(cora):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = submit(cora.organisation)
    orm = HelpRequest.objects.select_related(
        "organisation", "postcode__municipality"
    ).get(pk=request.pk)
    with CaptureQueriesContext(connection) as queries:
        read = services.request_for_token(services.status_token(request))
        pairs = [
            (read, orm),
            (read.organisation, orm.organisation),
            (read.postcode, orm.postcode),
            (read.postcode.municipality, orm.postcode.municipality),
        ]
        for mine, theirs in pairs:
            for f in type(theirs)._meta.concrete_fields:
                assert getattr(mine, f.attname) == getattr(theirs, f.attname), f.name
    assert len(queries) == 1  # one statement, nothing read afterwards
    # A request that is gone: the link says so.
    HelpRequest.objects.filter(pk=request.pk).delete()
    with pytest.raises(services.LinkProblem):
        services.request_for_token(services.status_token(request))


def test_new_links_by_email_say_nothing_about_unknown_addresses(cora):
    submit(cora.organisation)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.send_new_status_links(email="SANNE@example.nl") == 1
        assert services.send_new_status_links(email="niemand@example.nl") == 0
    assert [m.to for m in mail.outbox] == [["sanne@example.nl"]]


def test_parent_withdraws(cora):
    request = submit(cora.organisation)
    services.withdraw_by_parent(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    with pytest.raises(DomainError):
        services.withdraw_by_parent(request=request)


def test_withdrawing_share_consent_while_waiting_stops_sharing_at_once(cora):
    request = submit(cora.organisation)
    services.decide_to_matching(actor=cora, request=request)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.withdraw_consent(request=request, purpose="share_with_buddy")
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING
    assert request.share_with_buddy is False
    assert Consent.objects.get(
        subject_id=str(request.pk), purpose="share_with_buddy"
    ).withdrawn_at
    assert any("niet meer delen" in m.subject for m in mail.outbox)
    with pytest.raises(DomainError):
        services.withdraw_consent(request=request, purpose="share_with_buddy")


def test_withdrawing_processing_consent_stops_the_request(cora):
    request = submit(cora.organisation)
    services.withdraw_consent(request=request, purpose="request_processing")
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_triage_decisions_mail_the_parent(cora, olga):
    request = submit(cora.organisation)
    with pytest.raises(DomainError):
        services.decide_to_matching(actor=olga, request=request)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide_to_matching(actor=cora, request=request)
    assert mail.outbox[-1].to == ["sanne@example.nl"]
    assert "buddy" in mail.outbox[-1].body
    target = OrganisationReferralTarget.objects.get(
        organisation=cora.organisation, default_id="education_consultant"
    )
    with pytest.raises(DomainError, match="waarom"):
        services.decide_referral(actor=cora, request=request, target=target, reason=" ")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decide_referral(
            actor=cora,
            request=request,
            target=target,
            reason="Uw kind zit al lang thuis; de onderwijsconsulent kan bemiddelen.",
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFERRED
    assert "Onderwijsconsulent" in mail.outbox[-1].body
    with pytest.raises(DomainError, match="kan niet meer"):
        services.decide_to_matching(actor=cora, request=request)


def test_information_only_and_withdraw_by_coordinator(cora):
    request = submit(cora.organisation)
    with pytest.raises(DomainError):
        services.decide_information_only(actor=cora, request=request, answer="")
    services.decide_information_only(
        actor=cora, request=request, answer="Zo werkt een OPP: ..."
    )
    assert HelpRequest.objects.get(pk=request.pk).information_given.startswith(
        "Zo werkt"
    )
    other = submit(cora.organisation, email="ander@example.nl")
    services.withdraw_by_coordinator(actor=cora, request=other, reason="Ouder belde af")
    assert HelpRequest.objects.get(pk=other.pk).status == RequestStatus.WITHDRAWN


def test_note_and_code_correction(cora):
    request = submit(cora.organisation)
    services.save_intake_note(
        actor=cora, request=request, note="Gebeld, moeder wil graag hulp."
    )
    services.correct_codes(
        actor=cora, request=request, codes=["route.sbo", "issue.tlv"]
    )
    request.refresh_from_db()
    assert set(request.codes.values_list("code", flat=True)) == {
        "route.sbo",
        "issue.tlv",
    }
    with pytest.raises(DomainError):
        services.correct_codes(actor=cora, request=request, codes=["x.y"])


def test_professional_referral_waits_for_the_parent(cora):
    mail.outbox.clear()
    with pytest.raises(DomainError):
        services.submit_professional_referral(
            organisation=cora.organisation,
            referrer_name="IB'er",
            referrer_organisation="De Regenboog",
            referrer_role="Intern begeleider",
            referrer_email="ib@school.nl",
            parent_name="Sanne",
            parent_email="sanne@example.nl",
            reason="",
            parent_agreed=False,
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        referral = services.submit_professional_referral(
            organisation=cora.organisation,
            referrer_name="Els",
            referrer_organisation="De Regenboog",
            referrer_role="Intern begeleider",
            referrer_email="ib@school.nl",
            parent_name="Sanne",
            parent_email="sanne@example.nl",
            reason="Zit vast",
            parent_agreed=True,
        )
    assert not HelpRequest.objects.exists()
    assert mail.outbox[-1].to == ["sanne@example.nl"]
    token = mail.outbox[-1].body.split("/hulpvraag/bevestigen/")[1].split("/")[0]
    assert services.referral_for_token(token) == referral
    with TestCase.captureOnCommitCallbacks(execute=True):
        request = services.create_help_request(
            organisation=cora.organisation,
            data=request_data(),
            submission_key=uuid.uuid4(),
            referral=referral,
        )
    assert request.source == "professional"
    with pytest.raises(services.LinkProblem):
        services.referral_for_token(token)


def test_working_days():
    from ouderbuddy.intake.selectors import working_days_between

    monday = dt.date(2026, 11, 16)
    assert working_days_between(monday, monday + dt.timedelta(days=7)) == 5
    assert working_days_between(monday, monday + dt.timedelta(days=14)) == 10
    assert working_days_between(monday, monday) == 0


def test_has_active_consent_answers_as_active_consents_does(cora):
    request = submit(cora.organisation)
    for purpose in ("share_with_buddy", "research", "request_processing"):
        assert services.has_active_consent(request, purpose) == (
            purpose in services.active_consents(request)
        )
    services.withdraw_consent(request=request, purpose="share_with_buddy")
    assert not services.has_active_consent(request, "share_with_buddy")
    assert "share_with_buddy" not in services.active_consents(request)
    assert services.has_active_consent(request, "request_processing")
