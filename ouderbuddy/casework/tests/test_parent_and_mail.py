"""The parent's part in a running match (status link: agreements, fit question, what
they see of the support) and every casework e-mail, rendered through the services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    Agreement,
    Closure,
    FitAnswer,
    SchoolMeeting,
)
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.organisations.models import Membership

pytestmark = pytest.mark.django_db

QUESTION = "Mijn dochter zit sinds de herfstvakantie thuis."
GOALS = "Ik wil zelf het gesprek over de TLV kunnen voeren."
NOTE = "Moeder was erg moe, sprak over thuis."
SIGNAL = "Vader dreigde tijdens het gesprek, ik maak me zorgen."
CHILD = re.compile(r"\bNoor\b")
PLACE = "Basisschool De Regenboog, kamer 2"


def run(fn: Callable[..., Any], **kw: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


def post(client: Client, url: str, data: dict[str, str] | None = None) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


_TOKENS: dict[Any, str] = {}


def token(request: HelpRequest) -> str:
    """One token per request: a token holds the second it was made, so two made a
    moment apart can differ."""
    if request.pk not in _TOKENS:
        _TOKENS[request.pk] = intake_services.status_token(request)
    return _TOKENS[request.pk]


def assert_status_link(body: str, request: HelpRequest) -> None:
    found = re.search(r"/hulpvraag/status/([^/\s]+)/", body)
    assert found, body
    assert intake_services.request_for_token(found.group(1)).pk == request.pk


def status_url(request: HelpRequest) -> str:
    return reverse("intake:status", args=[token(request)])


def ack_url(request: HelpRequest) -> str:
    return reverse("casework:parent_agreement", args=[token(request)])


def fit_url(request: HelpRequest) -> str:
    return reverse("casework:parent_fit", args=[token(request)])


@pytest.fixture
def ben_buddy(cora: Membership, ben: Membership) -> Buddy:
    return matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)


@pytest.fixture
def match(cora: Membership, ben_buddy: Buddy) -> Match:
    match = active_match(cora, ben_buddy, question=QUESTION)
    mail.outbox.clear()
    return match


def agree(cora: Membership, match: Match, goals: str = GOALS) -> Agreement:
    return run(
        services.set_agreement,
        actor=cora,
        match=match,
        goals=goals,
        frequency="fortnightly",
        contact_modes=["phone", "school_meeting"],
    )


def assert_clean(messages: list[Any]) -> None:
    """Nothing about the child, the question or a signal's text leaves by e-mail, and
    every template rendered completely."""
    assert messages
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        assert not CHILD.search(text), text
        assert QUESTION not in text
        assert "herfstvakantie" not in text
        assert SIGNAL not in text
        assert NOTE not in text
        assert "{{" not in text and "{%" not in text


# --- The parent, through the status link ---------------------------------------------


class TestParentAgreement:
    def test_acknowledge_once_twice_is_harmless(self, cora, match):
        agreement = agree(cora, match)
        client = Client()
        response = post(client, ack_url(match.request))
        assert response.status_code == 302
        assert response["Location"] == status_url(match.request)
        agreement.refresh_from_db()
        first = agreement.parent_acknowledged_at
        assert first is not None
        assert agreement.buddy_acknowledged_at is None
        response = post(client, ack_url(match.request))
        assert response.status_code == 302
        agreement.refresh_from_db()
        assert agreement.parent_acknowledged_at == first

    def test_new_version_needs_a_new_acknowledgement(self, cora, match):
        agree(cora, match)
        post(Client(), ack_url(match.request))
        page = Client().get(status_url(match.request)).content.decode()
        assert ack_url(match.request) not in page
        assert "U heeft deze afspraken gelezen" in page
        second = agree(cora, match, goals="Nieuwe doelen van de ouder.")
        assert second.version == 2
        assert second.parent_acknowledged_at is None
        page = Client().get(status_url(match.request)).content.decode()
        assert ack_url(match.request) in page
        assert "Nieuwe doelen van de ouder." in page
        assert post(Client(), ack_url(match.request)).status_code == 302
        second.refresh_from_db()
        assert second.parent_acknowledged_at is not None

    def test_no_agreement_yet_is_400(self, match):
        assert post(Client(), ack_url(match.request)).status_code == 400

    def test_post_only(self, cora, match):
        agree(cora, match)
        assert Client().get(ack_url(match.request)).status_code == 405
        assert Client().get(fit_url(match.request)).status_code == 405


class TestParentFit:
    def test_answered_once(self, match):
        client = Client()
        response = post(client, fit_url(match.request), {"answer": "good"})
        assert response.status_code == 302
        fit = FitAnswer.objects.get(match=match)
        assert (fit.side, fit.answer) == ("parent", "good")
        response = post(client, fit_url(match.request), {"answer": "not_good"})
        assert response.status_code == 400
        assert "al beantwoord" in response.content.decode()
        fit.refresh_from_db()
        assert fit.answer == "good"
        assert mail.outbox == []

    def test_unknown_answer_is_400(self, match):
        response = post(Client(), fit_url(match.request), {"answer": "super"})
        assert response.status_code == 400
        assert not FitAnswer.objects.exists()

    def test_not_good_mails_the_coordinators(self, cora, match):
        response = post(Client(), fit_url(match.request), {"answer": "not_good"})
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [[cora.user.email]]
        message = mail.outbox[0]
        assert match.request.reference in message.subject
        assert "Ouder" in message.body
        assert reverse("matching:match", args=[match.pk]) in message.body
        assert_clean(mail.outbox)

    def test_the_page_asks_until_answered(self, match):
        page = Client().get(status_url(match.request)).content.decode()
        assert fit_url(match.request) in page
        assert len(re.findall(r'<input type="radio" name="answer"', page)) == 3
        for i in range(3):
            assert f'for="id_fit_{i}"' in page
        # A CSRF token in every form.
        assert page.count("<form") == page.count("csrfmiddlewaretoken")
        post(Client(), fit_url(match.request), {"answer": "not_sure"})
        page = Client().get(status_url(match.request)).content.decode()
        assert fit_url(match.request) not in page
        assert "Weet ik nog niet" in page


class TestLinks:
    def test_tampered_token_is_400(self, cora, match):
        agree(cora, match)
        bad = token(match.request)[:-3] + "xyz"
        for name in ("casework:parent_agreement", "casework:parent_fit"):
            response = post(Client(), reverse(name, args=[bad]), {"answer": "good"})
            assert response.status_code == 400
            assert response["Referrer-Policy"] == "strict-origin"
        assert not FitAnswer.objects.exists()
        assert Agreement.objects.get().parent_acknowledged_at is None

    def test_another_request_only_touches_its_own_match(self, cora, match):
        agree(cora, match)
        bea = matchable_buddy(cora.organisation, "Bea Buddy")
        other = active_match(cora, bea, email="ander@example.nl", full_name="Ali Ander")
        # No agreements for the other match yet: nothing to confirm there.
        assert post(Client(), ack_url(other.request)).status_code == 400
        assert Agreement.objects.get(match=match).parent_acknowledged_at is None
        response = post(Client(), fit_url(other.request), {"answer": "not_good"})
        assert response.status_code == 302
        assert FitAnswer.objects.get().match_id == other.pk
        assert not FitAnswer.objects.filter(match=match).exists()

    def test_a_request_without_a_running_match_is_400(self, cora, match):
        run(
            services.close_match,
            actor=cora,
            match=match,
            reason="goal_reached",
            initiator="together",
        )
        response = post(Client(), fit_url(match.request), {"answer": "good"})
        assert response.status_code == 400
        assert post(Client(), ack_url(match.request)).status_code == 400


class TestStatusPage:
    def test_shows_contacts_without_the_note_and_the_meeting(self, cora, ben, match):
        agree(cora, match)
        run(
            services.log_contact,
            actor=ben,
            match=match,
            on=timezone.localdate(),
            mode="phone",
            minutes=45,
            topics=["issue.out_of_school"],
            note=NOTE,
        )
        starts = timezone.now() + dt.timedelta(days=3)
        run(
            services.plan_meeting,
            actor=ben,
            match=match,
            starts_at=starts,
            place=PLACE,
            kind="tlv",
        )
        response = Client().get(status_url(match.request))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Telefoon, 45 minuten" in page
        assert NOTE not in page
        assert "Gesprek over een TLV" in page
        assert PLACE in page
        assert GOALS in page
        assert "Elke twee weken" in page
        assert "Telefoon, Gesprek op school" in page
        assert ack_url(match.request) in page

    def test_after_closing_the_log_stays_and_the_forms_go(self, cora, ben, match):
        agree(cora, match)
        run(
            services.log_contact,
            actor=ben,
            match=match,
            on=timezone.localdate(),
            mode="video",
            minutes=30,
            note=NOTE,
        )
        run(
            services.close_match,
            actor=cora,
            match=match,
            reason="goal_reached",
            initiator="together",
        )
        page = Client().get(status_url(match.request)).content.decode()
        assert "is afgesloten op" in page
        assert "Videobellen, 30 minuten" in page
        assert NOTE not in page
        assert ack_url(match.request) not in page
        assert fit_url(match.request) not in page


# --- Every e-mail, through the services --------------------------------------------


class TestMails:
    def test_agreement_to_buddy_and_parent(self, cora, match):
        agree(cora, match)
        by_to = {m.to[0]: m for m in mail.outbox}
        assert set(by_to) == {match.buddy.email, match.request.email}
        parent = by_to[match.request.email].body
        assert_status_link(parent, match.request)
        assert "Ben" in parent
        buddy = by_to[match.buddy.email].body
        assert reverse("casework:buddy_match", args=[match.pk]) in buddy
        assert GOALS not in parent + buddy
        assert_clean(mail.outbox)

    def test_fit_not_good_from_the_buddy(self, cora, ben, match):
        run(
            services.answer_fit,
            match=match,
            side="buddy",
            answer="not_good",
            actor=ben,
        )
        assert [m.to for m in mail.outbox] == [[cora.user.email]]
        assert "Buddy" in mail.outbox[0].body
        assert_clean(mail.outbox)

    def test_signal_and_seen(self, cora, ben, match):
        signal = run(
            services.raise_signal,
            actor=ben,
            match=match,
            kind="child_safety",
            description=SIGNAL,
        )
        assert [m.to for m in mail.outbox] == [[cora.user.email]]
        body = mail.outbox[0].body
        assert "Zorg over de veiligheid van het kind" in body
        assert "Ben Buddy" in body
        assert "meldcode" in body
        assert reverse("matching:match", args=[match.pk]) in body
        run(services.acknowledge_signal, actor=cora, signal=signal)
        assert [m.to for m in mail.outbox[1:]] == [[match.buddy.email]]
        assert "gezien" in mail.outbox[1].body
        # Seen twice: one e-mail.
        run(services.acknowledge_signal, actor=cora, signal=signal)
        assert len(mail.outbox) == 2
        assert_clean(mail.outbox)

    @pytest.mark.parametrize("rematch", [True, False])
    def test_closed(self, cora, match, rematch):
        run(
            services.close_match,
            actor=cora,
            match=match,
            reason="mismatch" if rematch else "goal_reached",
            initiator="coordinator",
            note="Afsluitende notitie voor het dossier.",
            rematch=rematch,
        )
        by_to = {m.to[0]: m.body for m in mail.outbox}
        assert len(mail.outbox) == 2
        parent, buddy = by_to[match.request.email], by_to[match.buddy.email]
        assert "korte vragenlijst" in parent
        assert "korte vragenlijst" in buddy
        assert ("andere buddy" in parent) is rematch
        assert "andere buddy" not in buddy
        assert "Dank u wel" in buddy
        assert_status_link(parent, match.request)
        assert "Afsluitende notitie" not in parent + buddy
        assert_clean(mail.outbox)

    def test_meeting_reminder_once(self, cora, ben, match):
        now = timezone.now()
        meeting = run(
            services.plan_meeting,
            actor=ben,
            match=match,
            starts_at=now + dt.timedelta(days=1),
            place=PLACE,
            kind="opp_review",
            preparation=["questions"],
        )
        assert run(services.send_meeting_reminders, now=now) == 1
        assert [m.to for m in mail.outbox] == [[match.buddy.email]]
        body = mail.outbox[0].body
        assert PLACE in body
        assert "Bespreking van het OPP" in body
        assert "Klaar: Vragen van de ouder opgeschreven" in body
        assert "Nog doen: Stukken gelezen" in body
        local = timezone.localtime(meeting.starts_at)
        assert local.strftime("%H:%M") in body
        assert run(services.send_meeting_reminders, now=now) == 0
        assert len(mail.outbox) == 1
        assert_clean(mail.outbox)

    def test_reminder_is_for_tomorrow_only(self, match):
        """The job runs just after midnight: this afternoon is not 'tomorrow'."""
        zone = timezone.get_current_timezone()
        today = timezone.localdate()
        now = dt.datetime.combine(today, dt.time(0, 5), tzinfo=zone)

        def meeting(day: dt.date, hour: int) -> SchoolMeeting:
            return SchoolMeeting.objects.create(
                organisation=match.organisation,
                match=match,
                starts_at=dt.datetime.combine(day, dt.time(hour), tzinfo=zone),
                place=PLACE,
                kind="tlv",
            )

        this_afternoon = meeting(today, 15)
        tomorrow_afternoon = meeting(today + dt.timedelta(days=1), 15)
        meeting(today + dt.timedelta(days=2), 9)
        assert run(services.send_meeting_reminders, now=now) == 1
        this_afternoon.refresh_from_db()
        tomorrow_afternoon.refresh_from_db()
        assert this_afternoon.reminder_sent_at is None
        assert tomorrow_afternoon.reminder_sent_at == now
        assert "15:00" in mail.outbox[0].body

    def test_meeting_prompt_once(self, match):
        now = timezone.now()
        SchoolMeeting.objects.create(
            organisation=match.organisation,
            match=match,
            starts_at=now - dt.timedelta(hours=3),
            place=PLACE,
            kind="progress",
        )
        assert run(services.send_meeting_prompts, now=now) == 1
        assert [m.to for m in mail.outbox] == [[match.buddy.email]]
        assert "Gesprek over hoe het gaat" in mail.outbox[0].body
        assert reverse("casework:buddy_match", args=[match.pk]) in mail.outbox[0].body
        assert run(services.send_meeting_prompts, now=now) == 0
        assert len(mail.outbox) == 1
        assert_clean(mail.outbox)

    def test_follow_up_once(self, cora, match):
        closure = run(
            services.close_match,
            actor=cora,
            match=match,
            reason="school_resolved",
            initiator="parent",
        )
        mail.outbox.clear()
        day = closure.closed_on + dt.timedelta(days=90)
        assert run(services.send_follow_up_reminders, today=day - dt.timedelta(1)) == 0
        assert run(services.send_follow_up_reminders, today=day) == 1
        assert [m.to for m in mail.outbox] == [[cora.user.email]]
        message = mail.outbox[0]
        assert match.request.reference in message.subject
        assert "Situatie op school opgelost" in message.body
        assert run(services.send_follow_up_reminders, today=day) == 0
        assert len(mail.outbox) == 1
        assert Closure.objects.get().follow_up_reminded_at is not None
        assert_clean(mail.outbox)


def test_the_daily_jobs_are_registered() -> None:
    from ouderbuddy.notifications.scheduler import JOBS

    assert {
        "casework.meeting_reminders",
        "casework.meeting_prompts",
        "casework.follow_ups",
    } <= set(JOBS)
