"""Every status change and every gate of the buddy pipeline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from conftest import PASSWORD, invitation_token_from_mail
from ouderbuddy.accounts import services as account_services
from ouderbuddy.buddies import checklist, services
from ouderbuddy.buddies.models import Buddy, BuddyStatus, StatusChange
from ouderbuddy.buddies.tests.factories import apply, paperwork_done, screened
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def give_basic_training(buddy: Buddy) -> None:
    from ouderbuddy.training.models import Qualification

    Qualification.objects.create(
        organisation=buddy.organisation,
        buddy=buddy,
        kind="basic",
        obtained_on=timezone.localdate(),
    )


def accept_invitation(buddy: Buddy) -> None:
    account_services.accept_invitation(
        token=invitation_token_from_mail(), password=PASSWORD
    )
    buddy.refresh_from_db()


def ready(cora, **overrides) -> Buddy:
    """A buddy with everything done, moved to active."""
    buddy = apply(cora.organisation, **overrides)
    buddy = screened(cora, buddy)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.advance_buddy(actor=cora, buddy=buddy)
    accept_invitation(buddy)
    paperwork_done(cora, buddy)
    give_basic_training(buddy)
    services.advance_buddy(actor=cora, buddy=buddy)
    buddy.refresh_from_db()
    return buddy


def test_the_whole_path_to_matchable(cora):
    buddy = ready(cora)
    assert buddy.status == BuddyStatus.ACTIVE
    assert buddy.user is not None
    assert Membership.objects.get(user=buddy.user).role == Role.BUDDY
    assert checklist.is_matchable(services.facts_for(buddy))
    steps = list(
        StatusChange.objects.filter(buddy=buddy)
        .order_by("at")
        .values_list("to_status", flat=True)
    )
    assert steps == ["applied", "introduction", "screening", "training", "active"]
    assert all(
        change.actor == cora.user
        for change in StatusChange.objects.filter(buddy=buddy).exclude(
            to_status="applied"
        )
    )


def test_skipping_a_step_is_refused_with_the_reason(cora):
    buddy = apply(cora.organisation)
    with pytest.raises(DomainError, match="eerst volgt Kennismaking"):
        services.move_buddy(actor=cora, buddy=buddy, to_status=BuddyStatus.SCREENING)
    with pytest.raises(DomainError):
        services.move_buddy(actor=cora, buddy=buddy, to_status=BuddyStatus.ACTIVE)
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.APPLIED


def test_screening_needs_the_introduction(cora):
    buddy = apply(cora.organisation)
    services.advance_buddy(actor=cora, buddy=buddy)
    with pytest.raises(DomainError, match="kennismakingsgesprek"):
        services.advance_buddy(actor=cora, buddy=buddy)


def test_training_needs_a_suitable_interview_and_sends_the_invitation(cora):
    buddy = screened(cora, apply(cora.organisation), outcome="not_yet")
    with pytest.raises(DomainError, match="geschikt"):
        services.advance_buddy(actor=cora, buddy=buddy)
    buddy = screened_again = buddy
    services.record_interview(
        actor=cora,
        buddy=screened_again,
        held_on=timezone.localdate(),
        experience_processed=3,
        experience_processed_note="",
        listening=3,
        listening_note="",
        reflection=3,
        reflection_note="",
        boundaries=3,
        boundaries_note="",
        communication=3,
        communication_note="",
        outcome="suitable",
    )
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.advance_buddy(actor=cora, buddy=buddy)
    assert [m.to for m in mail.outbox] == [["fatima@example.nl"]]
    assert "/account/uitnodiging/" in mail.outbox[0].body


def test_active_needs_every_checklist_item_and_names_what_is_missing(cora):
    buddy = screened(cora, apply(cora.organisation))
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.advance_buddy(actor=cora, buddy=buddy)
    with pytest.raises(DomainError) as error:
        services.advance_buddy(actor=cora, buddy=buddy)
    message = error.value.message
    assert "VOG" in message and "Basistraining" in message and "Account" in message


def test_expired_vog_makes_a_buddy_unmatchable(cora):
    buddy = ready(cora)
    later = timezone.now() + dt.timedelta(days=3 * 366)
    with time_machine.travel(later):
        facts = services.facts_for(buddy)
        assert not checklist.is_matchable(facts)
        assert any(item.key == "vog" for item in checklist.missing(facts))


def test_vog_rules(cora):
    buddy = apply(cora.organisation)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="toekomst"):
        services.record_vog(
            actor=cora,
            buddy=buddy,
            requested_on=today + dt.timedelta(days=1),
            issued_on=None,
        )
    with pytest.raises(DomainError, match="screeningsprofiel"):
        services.record_vog(actor=cora, buddy=buddy, requested_on=None, issued_on=today)
    with pytest.raises(DomainError, match="eerder"):
        services.record_vog(
            actor=cora,
            buddy=buddy,
            requested_on=today,
            issued_on=today - dt.timedelta(days=1),
            screening_profile="45",
        )
    services.record_vog(
        actor=cora,
        buddy=buddy,
        requested_on=None,
        issued_on=dt.date(2024, 2, 29),
        screening_profile="45",
    )
    buddy.refresh_from_db()
    assert buddy.vog_valid_until == dt.date(2027, 2, 28)


def test_pause_and_automatic_resume(cora):
    buddy = ready(cora)
    until = timezone.localdate() + dt.timedelta(days=14)
    services.pause_buddy(actor=cora, buddy=buddy, until=until)
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.PAUSED
    assert not checklist.is_matchable(services.facts_for(buddy))
    assert services.resume_due_pauses(today=until - dt.timedelta(days=1)) == 0
    assert services.resume_due_pauses(today=until) == 1
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.ACTIVE
    assert buddy.paused_until is None
    assert StatusChange.objects.filter(
        buddy=buddy, to_status="active", actor=None
    ).exists()


def test_pause_rules(cora):
    buddy = apply(cora.organisation)
    with pytest.raises(DomainError, match="actieve"):
        services.pause_buddy(
            actor=cora, buddy=buddy, until=timezone.localdate() + dt.timedelta(days=3)
        )
    active = ready(cora, email="ander@example.nl")
    with pytest.raises(DomainError, match="na vandaag"):
        services.pause_buddy(actor=cora, buddy=active, until=timezone.localdate())
    with pytest.raises(DomainError, match="jaar"):
        services.pause_buddy(
            actor=cora,
            buddy=active,
            until=timezone.localdate() + dt.timedelta(days=400),
        )


def test_a_buddy_pauses_only_themselves(cora):
    fatima = ready(cora)
    other = ready(cora, email="ander@example.nl", full_name="Anne de Vries")
    fatima_membership = Membership.objects.get(
        user=fatima.user, organisation=cora.organisation
    )
    until = timezone.localdate() + dt.timedelta(days=7)
    with pytest.raises(DomainError, match="eigen"):
        services.pause_buddy(actor=fatima_membership, buddy=other, until=until)
    services.pause_buddy(actor=fatima_membership, buddy=fatima, until=until)


def test_stop_needs_a_reason_and_ends_portal_access(cora):
    buddy = ready(cora)
    with pytest.raises(DomainError, match="reden"):
        services.stop_buddy(actor=cora, buddy=buddy, reason_code="")
    services.stop_buddy(
        actor=cora, buddy=buddy, reason_code="no_time", note="Nieuwe baan"
    )
    buddy.refresh_from_db()
    assert buddy.status == BuddyStatus.STOPPED
    assert buddy.stop_reason == "no_time"
    assert not Membership.objects.get(user=buddy.user).is_active
    assert "Nieuwe baan" in StatusChange.objects.filter(buddy=buddy).first().reason
    with pytest.raises(DomainError):
        services.advance_buddy(actor=cora, buddy=buddy)
    with pytest.raises(DomainError):
        services.stop_buddy(actor=cora, buddy=buddy, reason_code="other")


def test_introduction_and_interview_dates_cannot_be_in_the_future(cora):
    buddy = apply(cora.organisation)
    with pytest.raises(DomainError, match="toekomst"):
        services.record_introduction(
            actor=cora, buddy=buddy, held_on=timezone.localdate() + dt.timedelta(days=1)
        )


def test_resend_invitation(cora):
    buddy = screened(cora, apply(cora.organisation))
    with pytest.raises(DomainError):
        services.resend_invitation(
            actor=cora, buddy=apply(cora.organisation, email="x@example.nl")
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.advance_buddy(actor=cora, buddy=buddy)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.resend_invitation(actor=cora, buddy=buddy)
    assert len(mail.outbox) == 1
    accept_invitation(buddy)
    assert buddy.user is not None
    with pytest.raises(DomainError, match="al een account"):
        services.resend_invitation(actor=cora, buddy=buddy)


def test_next_step_texts(cora):
    buddy = apply(cora.organisation)
    facts = services.facts_for(buddy)
    assert "kennismakingsgesprek" in checklist.next_step(facts, for_buddy=True)
    assert checklist.next_step(facts, for_buddy=False).startswith("Volgende stap")
    active = ready(cora, email="klaar@example.nl")
    assert "klaar om gekoppeld" in checklist.next_step(
        services.facts_for(active), for_buddy=True
    )
