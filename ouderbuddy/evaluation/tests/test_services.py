"""The evaluation's moments, links and answers, through the services (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail, signing
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.evaluation import instrument, selectors, services
from ouderbuddy.evaluation.models import (
    Invitation,
    InvitationStatus,
    MatchKey,
    QuestionnaireVersion,
    Response,
    Score,
    Subject,
    TextAnswer,
)
from ouderbuddy.evaluation.tests.factories import (
    answer_all,
    close,
    invitation,
    started,
    tokens_in_mail,
)
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.services import LinkProblem
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import Consent, ConsentPurpose

pytestmark = pytest.mark.django_db


def test_a_started_match_sends_the_parent_t0_with_a_personal_link(cora):
    mail.outbox.clear()
    match = started(cora, consent_research=True)
    t0 = invitation(match, "parent", "t0")
    assert t0.status == InvitationStatus.SENT
    assert t0.expires_at - t0.sent_at == dt.timedelta(days=30)
    assert tokens_in_mail(), "the parent's e-mail carries the questionnaire link"
    token = tokens_in_mail()[-1]
    assert services.invitation_for_token(token) == t0
    subject = t0.subject
    # Pseudonymous: no name, only what the figures are broken down by.
    assert subject.school_year and subject.route == "route.po_regular"
    assert "need.anxiety" not in subject.codes  # special-category codes stay out
    assert subject.research_consent is True
    assert MatchKey.objects.get(subject=subject).match == match


def test_the_link_refuses_tampering_another_salt_and_an_earlier_sending(cora):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    token = services.token_for(t0)
    with pytest.raises(LinkProblem) as tampered:
        services.invitation_for_token(token[:-2] + "xx")
    assert tampered.value.status == 400
    # The parent's status link is not a questionnaire link, nor the other way round.
    with pytest.raises(LinkProblem):
        services.invitation_for_token(intake_services.status_token(match.request))
    with pytest.raises(LinkProblem):
        intake_services.request_for_token(token)
    # A well-signed token for an id that is not an invitation.
    forged = signing.dumps({"i": "not-a-uuid", "g": 1}, salt=services.LINK_SALT)
    with pytest.raises(LinkProblem):
        services.invitation_for_token(forged)
    # Resending makes the earlier link stop working.
    services.resend(actor=cora, invitation=t0)
    with pytest.raises(LinkProblem, match="nieuwste e-mail"):
        services.invitation_for_token(token)
    fresh = services.token_for(Invitation.objects.get(pk=t0.pk))
    assert services.invitation_for_token(fresh).pk == t0.pk


def test_an_expired_link_is_refused_and_the_job_marks_it_expired(cora):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    token = services.token_for(t0)
    later = timezone.now() + dt.timedelta(days=31)
    assert services.expire_invitations(now=later) == 1
    with pytest.raises(LinkProblem) as expired:
        services.invitation_for_token(token)
    assert expired.value.expired and expired.value.status == 410


def test_answers_are_saved_per_page_and_the_scores_follow_the_rule(cora):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    services.save_page(
        invitation=t0,
        page=1,
        answers={"wellbeing_1": "4", "wellbeing_2": 2, "voice_1": "5"},
    )
    t0.refresh_from_db()
    assert t0.status == InvitationStatus.STARTED
    response = Response.objects.get(invitation=t0)
    assert response.page == 1
    assert response.answers == {"wellbeing_1": 4, "wellbeing_2": 2, "voice_1": 5}
    # Coming back to page 1 replaces its answers (an answer taken back is gone).
    services.save_page(invitation=t0, page=1, answers={"wellbeing_1": "3"})
    response.refresh_from_db()
    assert response.answers == {"wellbeing_1": 3}
    services.save_page(invitation=t0, page=2, answers={})
    services.save_page(
        invitation=t0, page=3, answers={"stress_1": "5", "stress_2": "4"}, finish=True
    )
    scores = dict(Score.objects.filter(response=response).values_list("scale", "value"))
    assert scores["wellbeing"] == 3.0
    # stress_2 is reverse-scored: 4 counts as 2; the mean of 5 and 2.
    assert scores["stress"] == 3.5
    assert "voice" not in scores  # no item answered, no score
    t0.refresh_from_db()
    assert t0.status == InvitationStatus.ANSWERED
    with pytest.raises(LinkProblem) as used:
        services.invitation_for_token(services.token_for(t0))
    assert used.value.used


@pytest.mark.parametrize(
    "answers",
    [
        {"wellbeing_1": "6"},
        {"wellbeing_1": "0"},
        {"wellbeing_1": 1.5},
        {"wellbeing_1": True},
        {"wellbeing_1": ["4"]},
        {"communication_1": "4"},  # an item of page 2
        {"not_an_item": "4"},
    ],
)
def test_a_wrong_answer_is_refused_and_nothing_is_saved(cora, answers):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    with pytest.raises(DomainError):
        services.save_page(invitation=t0, page=1, answers=answers)
    assert not Response.objects.filter(invitation=t0).exists()
    t0.refresh_from_db()
    assert t0.status == InvitationStatus.SENT


def test_a_page_that_does_not_exist_is_refused(cora):
    t0 = invitation(started(cora), "parent", "t0")
    for page in (0, 4, -1):
        with pytest.raises(DomainError):
            services.save_page(invitation=t0, page=page, answers={})


def test_who_began_finishes_the_version_they_started_on(cora):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    first = services.version_for(t0)
    services.save_page(invitation=t0, page=1, answers={"wellbeing_1": "4"})
    draft = services.make_own_copy(actor=cora, version=first)
    services.add_own_item(
        actor=cora, draft=draft, kind="likert", text_nl="Ik ken de buddy."
    )
    services.publish(actor=cora, draft=draft)
    assert services.current_version(cora.organisation_id, "parent", "t0") == draft
    assert services.version_for(t0) == first
    answer_all(t0, 4)
    assert Response.objects.get(invitation=t0).version == first
    # A new match starts on the organisation's own version, with the extra page.
    other = invitation(started(cora), "parent", "t0")
    assert services.version_for(other) == draft
    draft.refresh_from_db()
    assert len(instrument.parse(draft.definition).pages) == 4


def test_a_published_version_never_changes(cora):
    version = QuestionnaireVersion.objects.filter(
        questionnaire__key="parent-start"
    ).first()
    if version is None:
        services.ensure_defaults()
        version = QuestionnaireVersion.objects.get(questionnaire__key="parent-start")
    with pytest.raises(DomainError):
        services.add_own_item(actor=cora, draft=version, kind="likert", text_nl="Extra")
    draft = services.make_own_copy(actor=cora, version=version)
    services.publish(actor=cora, draft=draft)
    with pytest.raises(DomainError, match="verandert niet meer"):
        services.add_own_item(actor=cora, draft=draft, kind="text", text_nl="Nog een")


def test_another_organisation_cannot_touch_an_own_version(cora, olga):
    services.ensure_defaults()
    version = QuestionnaireVersion.objects.get(questionnaire__key="parent-start")
    draft = services.make_own_copy(actor=cora, version=version)
    with pytest.raises(DomainError):
        services.add_own_item(actor=olga, draft=draft, kind="likert", text_nl="X")
    with pytest.raises(DomainError):
        services.publish(actor=olga, draft=draft)
    with pytest.raises(DomainError):
        services.make_own_copy(actor=olga, version=draft)


def test_open_answers_are_encrypted_and_shown_only_on_the_match(cora):
    match = started(cora)
    close(cora, match)
    t1 = invitation(match, "parent", "t1")
    answer_all(t1, {"helped": "De voorbereiding van het gesprek", "wellbeing_1": "4"})
    stored = TextAnswer.objects.get(item="helped")
    assert stored.text == "De voorbereiding van het gesprek"
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM evaluation_textanswer")
        raw = cursor.fetchone()[0]
    assert "voorbereiding" not in raw
    rows = selectors.match_questionnaires(cora, match)
    texts = [text for row in rows for _, text in row.texts]
    assert texts == ["De voorbereiding van het gesprek"]
    assert "helped" not in Response.objects.get(invitation=t1).answers


def test_closure_sends_t1_links_to_both_and_withdraws_an_unanswered_t0(cora):
    match = started(cora)
    mail.outbox.clear()
    close(cora, match)
    t0 = invitation(match, "parent", "t0")
    assert t0.status == InvitationStatus.WITHDRAWN
    parent_t1 = invitation(match, "parent", "t1")
    buddy_t1 = invitation(match, "buddy", "t1")
    linked = {services.invitation_for_token(t).pk for t in tokens_in_mail()}
    assert {parent_t1.pk, buddy_t1.pk} <= linked
    assert "binnenkort een korte vragenlijst" not in " ".join(
        m.body for m in mail.outbox
    )
    subject = Subject.objects.get(pk=parent_t1.subject_id)
    assert subject.closure_reason == "goal_reached"
    assert subject.anonymise_on == subject.closed_on + dt.timedelta(days=365)


def test_a_parent_who_declines_is_not_asked_again(cora):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    services.decline(invitation=t0)
    with pytest.raises(LinkProblem) as declined:
        services.invitation_for_token(services.token_for(t0))
    assert declined.value.used
    mail.outbox.clear()
    close(cora, match)
    assert not Invitation.objects.filter(
        subject=t0.subject, audience="parent", moment="t1"
    ).exists()
    assert Invitation.objects.filter(subject=t0.subject, audience="buddy").exists()
    today = timezone.localdate() + dt.timedelta(days=91)
    assert services.send_follow_up_questionnaires(today=today) == 0


def test_t2_three_months_after_closure_and_one_reminder_after_a_week(cora):
    match = started(cora)
    close(cora, match)
    t1 = invitation(match, "parent", "t1")
    mail.outbox.clear()
    week = timezone.now() + dt.timedelta(days=7, minutes=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.send_reminders(now=week) == 2  # parent and buddy
        assert services.send_reminders(now=week) == 0  # once only
    assert len(mail.outbox) == 2
    assert t1.pk in {services.invitation_for_token(t).pk for t in tokens_in_mail()}
    closed_on = Subject.objects.get(pk=t1.subject_id).closed_on
    assert (
        services.send_follow_up_questionnaires(today=closed_on + dt.timedelta(days=89))
        == 0
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert (
            services.send_follow_up_questionnaires(
                today=closed_on + dt.timedelta(days=90)
            )
            == 1
        )
    assert (
        services.send_follow_up_questionnaires(today=closed_on + dt.timedelta(days=91))
        == 0
    )
    assert invitation(match, "parent", "t2").status == InvitationStatus.SENT


def test_resend_once_only_and_not_after_answering(cora):
    match = started(cora)
    t0 = invitation(match, "parent", "t0")
    services.expire_invitations(now=timezone.now() + dt.timedelta(days=31))
    again = services.resend(actor=cora, invitation=t0)
    assert again.status == InvitationStatus.SENT and again.resent_at is not None
    with pytest.raises(DomainError, match="al een keer"):
        services.resend(actor=cora, invitation=again)
    answer_all(again, 3)
    other = invitation(started(cora), "parent", "t0")
    answer_all(other, 3)
    with pytest.raises(DomainError):
        services.resend(actor=cora, invitation=other)


def test_resend_by_another_organisation_is_refused(cora, olga):
    t0 = invitation(started(cora), "parent", "t0")
    with pytest.raises(DomainError):
        services.resend(actor=olga, invitation=t0)


def test_the_research_consent_is_asked_in_the_first_questionnaire(cora):
    match = started(cora, consent_research=False)
    t0 = invitation(match, "parent", "t0")
    assert services.needs_research_consent(t0)
    services.save_page(invitation=t0, page=1, answers={}, research_consent=True)
    consent = Consent.objects.get(
        purpose=ConsentPurpose.RESEARCH, subject_id=str(match.request_id)
    )
    assert consent.text_version == "onderzoek-2026-12"
    assert Subject.objects.get(pk=t0.subject_id).research_consent


def test_a_withdrawn_research_consent_takes_the_answers_out_of_the_figures(cora):
    matches = [
        started(cora, consent_research=True, email=f"p{n}@example.nl") for n in range(5)
    ]
    for match in matches:
        answer_all(invitation(match, "parent", "t0"), 2)
    found = selectors.results(cora.organisation_id)
    voice = next(row for row in found.parent if row.code == "voice")
    assert voice.means["t0"] is not None and voice.means["t0"].n == 5
    intake_services.withdraw_consent(
        request=matches[0].request, purpose=ConsentPurpose.RESEARCH
    )
    found = selectors.results(cora.organisation_id)
    voice = next(row for row in found.parent if row.code == "voice")
    assert voice.means["t0"] is None  # four left: suppressed


def test_paired_change_with_its_interval_and_suppression_under_five(cora):
    matches = [
        started(cora, consent_research=True, email=f"q{n}@example.nl") for n in range(6)
    ]
    for n, match in enumerate(matches):
        answer_all(invitation(match, "parent", "t0"), 2)
        close(cora, match)
        if n < 5:
            answer_all(invitation(match, "parent", "t1"), 4 if n % 2 else 3)
    found = selectors.results(cora.organisation_id)
    voice = next(row for row in found.parent if row.code == "voice")
    assert voice.means["t0"].n == 6
    assert voice.change_end.n == 5
    assert voice.change_end.mean == pytest.approx((1 + 2 + 1 + 2 + 1) / 5)
    assert voice.change_end.low < voice.change_end.mean < voice.change_end.high
    assert voice.change_later is None  # nobody answered T2
    rates = {(m, a): r for m, a, r in found.rates}
    assert rates[("Aan het einde (T1)", "Ouder")].answered == 5
    assert rates[("Aan het einde (T1)", "Iemand van school")] is None


def test_an_organisation_with_four_answers_shows_no_figure(cora):
    for n in range(4):
        match = started(cora, consent_research=True, email=f"r{n}@example.nl")
        answer_all(invitation(match, "parent", "t0"), 4)
    found = selectors.results(cora.organisation_id)
    assert all(row.means["t0"] is None for row in found.parent)
    assert all(rate is None for _, _, rate in found.rates)
    assert found.escalation == []


def test_the_school_link_is_its_own_invitation(cora):
    match = started(cora)
    close(cora, match)
    t1 = invitation(match, "parent", "t1")
    with pytest.raises(DomainError):
        services.school_invitation(invitation=invitation(match, "buddy", "t1"))
    school = services.school_invitation(invitation=t1)
    assert services.school_invitation(invitation=t1) == school
    assert school.audience == "school"
    assert services.invitation_for_token(services.token_for(school)) == school
    answer_all(school, 4)
    assert Score.objects.filter(audience="school").count() == 3


def test_a_parent_who_declined_is_not_asked_after_a_rematch(cora):
    from ouderbuddy.casework import services as casework
    from ouderbuddy.matching import services as matching
    from ouderbuddy.matching.models import Match
    from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy

    match = started(cora)
    services.decline(invitation=invitation(match, "parent", "t0"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        casework.close_match(
            actor=cora,
            match=match,
            reason="mismatch",
            initiator="together",
            rematch=True,
        )
    request = match.request
    request.refresh_from_db()
    other = matchable_buddy(cora.organisation, "Tweede Buddy")
    with TestCase.captureOnCommitCallbacks(execute=True):
        again = matching.propose(actor=cora, request=request, buddy=other)
        matching.accept(actor=buddy_membership(other), match=again)
        matching.parent_agrees(request=request, match=again)
        matching.plan_introduction(
            actor=cora,
            match=again,
            at=timezone.now() + dt.timedelta(hours=1),
            mode="video",
        )
        Match.objects.filter(pk=again.pk).update(introduction_at=timezone.now())
        matching.activate(actor=cora, match=again, started_on=timezone.localdate())
    assert services.subject_for(again).parent_declined
    assert not Invitation.objects.filter(
        subject__key__match=again, audience="parent"
    ).exists()
