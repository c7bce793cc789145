"""The retention job with a moving clock: every category is anonymised or deleted on
its due date and not a day earlier; a run twice does nothing twice; a run killed
halfway is finished by the next; a held case waits; an open safety signal keeps its
case; the report figures are the same after a run."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.sessions.models import Session
from django.test import TestCase

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.services import stop_buddy
from ouderbuddy.casework import services as casework
from ouderbuddy.casework.models import Closure, Contact
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy
from ouderbuddy.notifications.models import OutgoingEmail
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy import retention
from ouderbuddy.privacy.models import (
    AuditEvent,
    Consent,
    RetentionCategory,
    RetentionHold,
    RetentionPolicy,
    RetentionRun,
)
from ouderbuddy.privacy.services import record_event
from ouderbuddy.reports import selectors
from ouderbuddy.rights import retention_job, services_retention
from ouderbuddy.support.models_expenses import ExpenseClaim
from ouderbuddy.support.tests.factories import km_claim, pays

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2026, 3, 10, 10, 0, tzinfo=AMSTERDAM)
C = RetentionCategory


def at(months: int = 0, days: int = 0) -> dt.datetime:
    return START + relativedelta(months=months) + dt.timedelta(days=days)


def run_at(moment: dt.datetime) -> RetentionRun:
    with time_machine.travel(moment, tick=False):
        return retention_job.run()


def closed_case(cora: Membership, buddy_name: str = "Bea Buddy") -> Match:
    """A match with a contact note, closed on START's day; its request is closed."""
    with time_machine.travel(START, tick=False):
        buddy = matchable_buddy(cora.organisation, buddy_name)
        match = active_match(cora, buddy, full_name="Pieter Geheim", child_name="Jip")
        with TestCase.captureOnCommitCallbacks(execute=True):
            casework.log_contact(
                actor=buddy_membership(match.buddy),
                match=match,
                on=START.date(),
                mode="phone",
                minutes=30,
                topics=[],
                note="Gesprek over de juf van Jip",
            )
            casework.close_match(
                actor=cora,
                match=match,
                reason="goal_reached",
                initiator="parent",
                note="Jip gaat weer naar school",
            )
    return match


def figures(organisation: Any) -> list[Any]:
    """Every figure and table of the report of the school year of START."""
    report = selectors.scoped_report(
        selectors.Scope.of(organisation),
        selectors.Period.school_year(selectors.school_year_of(START.date())),
        selectors.Filters(),
    )
    found: list[Any] = []
    for section in report.sections:
        found.append([(f.label, f.value) for f in section.figures])
        found.append([(t.key, t.bars, t.grid.total) for t in section.tables])
        found.append(section.money_lines)
        found.append(section.hour_lines)
    return found


def test_a_closed_case_is_anonymised_twelve_months_after_closure_not_a_day_earlier(
    cora, noord
):
    match = closed_case(cora)
    request = match.request
    before = run_at(at(12, days=-1))
    assert before.counts.get(C.CLOSED_MATCH, 0) == 0
    request.refresh_from_db()
    assert request.full_name == "Pieter Geheim" and request.anonymised_at is None

    with time_machine.travel(at(12), tick=False):
        report_before = figures(noord)
        record = retention_job.run()
        report_after = figures(noord)
    assert record.counts[C.CLOSED_MATCH] == 1
    assert record.finished_at is not None
    request.refresh_from_db()
    assert request.anonymised_at is not None
    assert (request.full_name, request.email, request.child_name) == ("", "", "")
    assert request.question == ""
    # What the reports count stays: codes, status, dates, postcode area.
    assert request.status == "closed" and request.postcode_id
    assert set(request.codes.values_list("code", flat=True)) >= {"route.po_regular"}
    contact = Contact.objects.get(match=match)
    assert contact.note == "" and contact.minutes == 30
    assert Closure.objects.get(match=match).note == ""
    match.refresh_from_db()
    assert match.anonymised_at is not None and match.started_on is not None
    assert report_after == report_before
    # The consent stays as proof, without the name of who gave it.
    consents = Consent.objects.filter(subject_id=str(request.pk))
    assert consents.exists() and set(consents.values_list("given_by", flat=True)) == {
        ""
    }
    # The run is in the organisation's audit log, as counts only.
    event = AuditEvent.objects.get(organisation=noord, verb="privacy.retention_run")
    assert event.data == {"counts": {C.CLOSED_MATCH: 1, C.QUESTIONNAIRE: 1}}


def test_a_second_run_does_nothing_twice(cora):
    closed_case(cora)
    first = run_at(at(13))
    second = run_at(at(13, days=1))
    assert first.counts[C.CLOSED_MATCH] == 1
    assert second.counts.get(C.CLOSED_MATCH, 0) == 0


def test_a_run_killed_halfway_is_finished_by_the_next(cora, monkeypatch):
    closed_case(cora)
    closed_case(cora, "Cas Buddy")
    monkeypatch.setattr(retention_job, "BATCH", 1)
    real = retention_job.anonymise_cases
    calls: list[int] = []

    def dies_on_the_second_batch(ids: list[Any], now: dt.datetime) -> int:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("killed")
        return real(ids, now)

    monkeypatch.setitem(
        retention_job.ANONYMISE, C.CLOSED_MATCH, dies_on_the_second_batch
    )
    with pytest.raises(RuntimeError):
        run_at(at(13))
    interrupted = RetentionRun.objects.get()
    assert interrupted.finished_at is None and interrupted.error == "RuntimeError"
    assert HelpRequest.objects.filter(anonymised_at__isnull=False).count() == 1
    monkeypatch.setitem(retention_job.ANONYMISE, C.CLOSED_MATCH, real)
    again = run_at(at(13))
    assert again.counts[C.CLOSED_MATCH] == 1
    assert HelpRequest.objects.filter(anonymised_at__isnull=True).count() == 0


def test_an_open_safety_signal_keeps_its_case(cora):
    with time_machine.travel(START, tick=False):
        match = active_match(cora)
        with TestCase.captureOnCommitCallbacks(execute=True):
            casework.raise_signal(
                actor=buddy_membership(match.buddy),
                match=match,
                kind="child_safety",
                description="Zorgen over thuis",
            )
            casework.close_match(
                actor=cora, match=match, reason="goal_reached", initiator="parent"
            )
    run_at(at(24))
    match.request.refresh_from_db()
    assert match.request.anonymised_at is None


def test_withdrawn_and_information_requests_on_their_own_dates(cora, noord):
    with time_machine.travel(START, tick=False):
        withdrawn = submit(noord, full_name="Anna Weg")
        intake.withdraw_by_coordinator(
            actor=cora, request=withdrawn, reason="Ouder belde: niet meer nodig"
        )
        informed = submit(noord, full_name="Bram Info")
        with TestCase.captureOnCommitCallbacks(execute=True):
            intake.decide_information_only(
                actor=cora, request=informed, answer="Bel de onderwijsconsulent."
            )
    run_at(at(3, days=-1))
    withdrawn.refresh_from_db()
    assert withdrawn.anonymised_at is None
    record = run_at(at(3))
    withdrawn.refresh_from_db()
    informed.refresh_from_db()
    assert record.counts[C.ENDED_REQUEST] == 1
    assert withdrawn.full_name == "" and withdrawn.anonymised_at is not None
    assert informed.full_name == "Bram Info"
    run_at(at(6, days=-1))
    informed.refresh_from_db()
    assert informed.anonymised_at is None
    run_at(at(6))
    informed.refresh_from_db()
    assert informed.full_name == "" and informed.information_given == ""


def test_a_stopped_buddy_after_two_years_with_the_account(cora, noord):
    with time_machine.travel(START, tick=False):
        match = active_match(cora)
        buddy = match.buddy
        with TestCase.captureOnCommitCallbacks(execute=True):
            casework.close_match(
                actor=cora, match=match, reason="goal_reached", initiator="parent"
            )
            stop_buddy(actor=cora, buddy=buddy, reason_code="no_time")
    run_at(at(24, days=-1))
    buddy.refresh_from_db()
    assert buddy.anonymised_at is None and buddy.full_name
    run_at(at(24))
    buddy.refresh_from_db()
    assert buddy.anonymised_at is not None
    assert (buddy.full_name, buddy.email, buddy.motivation) == ("", "", "")
    assert buddy.status == "stopped"  # the figures of buddies stay
    assert buddy.lived_experience.exists()
    user = buddy.user
    user.refresh_from_db()
    assert not user.is_active and user.email.endswith("@ouderbuddy.invalid")
    assert not user.has_usable_password()


def test_expense_claims_after_the_fiscal_seven_years_and_never_below(cora, noord):
    with time_machine.travel(START, tick=False):
        match = active_match(cora)
        pays(cora)
        claim = km_claim(buddy_membership(match.buddy), spent_on=START.date())
    # Seven years after the end of 2026: kept through 31 December 2033.
    assert claim.retain_until == dt.date(2033, 12, 31)
    run_at(dt.datetime(2033, 12, 31, 23, 0, tzinfo=AMSTERDAM))
    claim.refresh_from_db()
    assert claim.anonymised_at is None and claim.from_place == "Zwolle"
    run_at(dt.datetime(2034, 1, 1, 1, 0, tzinfo=AMSTERDAM))
    claim.refresh_from_db()
    assert claim.anonymised_at is not None
    assert (claim.description, claim.from_place, claim.to_place) == ("", "", "")
    assert claim.amount > Decimal(0)
    # An organisation cannot go below the fiscal seven years.
    with pytest.raises(DomainError):
        services_retention.set_policy(cora, category=C.EXPENSES, months=12, reason="")
    assert ExpenseClaim.objects.filter(anonymised_at__isnull=True).count() == 0


def test_the_audit_log_e_mails_and_sessions_are_deleted(cora, noord):
    with time_machine.travel(START, tick=False):
        record_event(actor=cora, organisation=noord, verb="test.old", target=noord)
        OutgoingEmail.objects.create(payload="{}")
        Session.objects.create(
            session_key="x" * 32, session_data="", expire_date=at(0, days=1)
        )
    # An expired session goes at once; an e-mail after three months.
    first = run_at(at(0, days=2))
    assert first.counts[C.SESSIONS] == 1 and not Session.objects.exists()
    run_at(at(3, days=-1))
    assert OutgoingEmail.objects.exists()
    record = run_at(at(3))
    assert not OutgoingEmail.objects.exists()
    assert record.counts[C.EMAIL] == 1
    assert AuditEvent.objects.filter(verb="test.old").exists()
    run_at(at(36, days=-1))
    assert AuditEvent.objects.filter(verb="test.old").exists()
    run_at(at(36))
    assert not AuditEvent.objects.filter(verb="test.old").exists()


def test_an_organisation_sets_its_own_period(cora, noord):
    closed_case(cora)
    services_retention.set_policy(
        cora, category=C.CLOSED_MATCH, months=6, reason="Zo kort als het kan"
    )
    assert retention.months_for(noord.pk)[C.CLOSED_MATCH] == 6
    record = run_at(at(6))
    assert record.counts[C.CLOSED_MATCH] == 1
    assert AuditEvent.objects.filter(verb="privacy.retention_policy").exists()
    assert RetentionPolicy.objects.get().changed_by_id == cora.user_id


def test_a_case_kept_longer_once_with_a_reason(cora, noord):
    match = closed_case(cora)
    request = match.request
    with time_machine.travel(at(12, days=-10), tick=False):
        due = retention_job.upcoming(noord.pk)
        assert [d.pk for d in due if d.category == C.CLOSED_MATCH] == [request.pk]
        with pytest.raises(DomainError):
            services_retention.hold(
                cora, category=C.CLOSED_MATCH, target_id=request.pk, reason="kort"
            )
        held = services_retention.hold(
            cora,
            category=C.CLOSED_MATCH,
            target_id=request.pk,
            reason="De ouder heeft een klacht ingediend",
        )
        with pytest.raises(DomainError):
            services_retention.hold(
                cora,
                category=C.CLOSED_MATCH,
                target_id=request.pk,
                reason="Nog een keer langer graag",
            )
    assert held.until == at(24).date()
    assert AuditEvent.objects.filter(verb="privacy.retention_hold").count() == 1
    run_at(at(24, days=-1))
    request.refresh_from_db()
    assert request.anonymised_at is None
    run_at(at(24))
    request.refresh_from_db()
    assert request.anonymised_at is not None
    assert RetentionHold.objects.count() == 1


def test_a_case_of_another_organisation_cannot_be_held(cora, olga, zuid):
    closed_case(cora)
    request = HelpRequest.objects.get()
    with time_machine.travel(at(12, days=-5), tick=False), pytest.raises(DomainError):
        services_retention.hold(
            olga,
            category=C.CLOSED_MATCH,
            target_id=request.pk,
            reason="Niet van deze organisatie",
        )


def test_a_clock_moved_years_ahead_anonymises_everything_due_once(cora, noord):
    closed_case(cora)
    with time_machine.travel(START, tick=False):
        withdrawn = submit(noord)
        intake.withdraw_by_coordinator(
            actor=cora, request=withdrawn, reason="Niet nodig"
        )
    record = run_at(at(120))
    assert record.counts[C.CLOSED_MATCH] == 1
    assert record.counts[C.ENDED_REQUEST] == 1
    assert not HelpRequest.objects.filter(anonymised_at__isnull=True).exists()
    assert not Buddy.objects.filter(anonymised_at__isnull=False).exists()  # active


def test_questionnaire_answers_lose_their_match_after_twelve_months(cora):
    from ouderbuddy.evaluation.models import MatchKey, Subject

    match = closed_case(cora)
    assert MatchKey.objects.filter(match=match).exists()
    run_at(at(12, days=-1))
    assert MatchKey.objects.filter(match=match).exists()
    record = run_at(at(12))
    assert record.counts[C.QUESTIONNAIRE] == 1
    assert not MatchKey.objects.filter(match=match).exists()
    assert Subject.objects.filter(organisation=cora.organisation).count() == 1


def test_a_closed_question_thread_after_two_years(cora):
    from ouderbuddy.support import services_questions as questions
    from ouderbuddy.support.models import Question, Reply

    with time_machine.travel(START, tick=False):
        buddy = matchable_buddy(cora.organisation)
        with TestCase.captureOnCommitCallbacks(execute=True):
            question = questions.ask_question(
                actor=buddy_membership(buddy),
                subject="Wat doe ik bij een boze leraar?",
                body="De leraar van Jip werd boos in het gesprek.",
            )
            questions.reply_to_question(
                actor=cora, question=question, body="Blijf rustig en vat samen."
            )
            questions.close_question(actor=cora, question=question)
    run_at(at(24, days=-1))
    question.refresh_from_db()
    assert question.anonymised_at is None and question.subject
    run_at(at(24))
    question = Question.objects.get()
    assert question.anonymised_at is not None and question.subject == ""
    assert {r.body for r in Reply.objects.filter(question=question)} == {""}
