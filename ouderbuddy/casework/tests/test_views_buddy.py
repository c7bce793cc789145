"""The buddy's pages of a running match: the match page, the contact log, school
meetings, the safety signal, the agreements, the fit question and the calendar feed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import signed_in_client
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    CalendarFeed,
    Contact,
    FitAnswer,
    SafetySignal,
    SchoolMeeting,
)
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching import services as matching
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import matchable_buddy, waiting_request
from ouderbuddy.organisations.models import Membership
from ouderbuddy.training.models import Enrolment, EnrolmentStatus
from ouderbuddy.training.tests.factories import make_course, make_session

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
PARENT_EMAIL = "sanne@example.nl"
PARENT_PHONE = "0612345678"
SCHOOL = "Basisschool De Regenboog"
QUESTION = "Mijn dochter zit sinds de herfstvakantie thuis."
# The child's name in the intake factory.
CHILD = re.compile(r"\bNoor\b")
MELDCODE = (
    "Denkt u dat een kind in gevaar is? Bel bij direct gevaar 112. Twijfelt u? Bel "
    "Veilig Thuis: 0800-2000 (gratis, dag en nacht). De coördinator werkt met de "
    "meldcode huiselijk geweld en kindermishandeling."
)
HOST = urlsplit(settings.SITE_URL).hostname
MISSING = "00000000-0000-0000-0000-000000000000"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {})


def run(fn: Any, **kw: Any) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(**kw)


def url(name: str, *args: Any) -> str:
    return reverse(f"casework:{name}", args=args)


def checked(body: str, name: str, value: str) -> bool:
    return bool(re.search(rf'name="{name}" value="{value}"[^>]*\bchecked\b', body))


def assert_no_inline_script(response: Any) -> None:
    body = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", body)
    assert " style=" not in body


@pytest.fixture
def ben_buddy(cora: Membership, ben: Membership) -> Buddy:
    return matchable_buddy(cora.organisation, "Ben Buddy", user=ben.user)


@pytest.fixture
def match(cora: Membership, ben_buddy: Buddy) -> Match:
    found = active_match(
        cora,
        buddy=ben_buddy,
        phone=PARENT_PHONE,
        school_name=SCHOOL,
        question=QUESTION,
    )
    mail.outbox.clear()
    return found


@pytest.fixture
def other_match(cora: Membership) -> Match:
    """Bea's match: another buddy of the same organisation."""
    return active_match(cora, buddy=matchable_buddy(cora.organisation, "Bea Buddy"))


def contact_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "on": TODAY().isoformat(),
        "mode": "phone",
        "minutes": "20",
    }
    data.update(overrides)
    return data


def plan(cora: Membership, match: Match, *, days: int = 3, **kw: Any) -> SchoolMeeting:
    values: dict[str, Any] = {
        "place": "Basisschool De Linde, Lindelaan 1",
        "kind": "opp_review",
        "starts_at": (timezone.now() + dt.timedelta(days=days)).replace(
            second=0, microsecond=0
        ),
    }
    values.update(kw)
    return services.plan_meeting(actor=cora, match=match, **values)


def in_the_past(meeting: SchoolMeeting, hours: int = 3) -> SchoolMeeting:
    """A planned meeting that has taken place (the service only plans ahead), earlier
    today: never before local midnight, when the match (started today) did not run yet
    (the test failed between 0 and 3 o'clock Amsterdam time)."""
    now = timezone.now()
    since_midnight = now - timezone.localtime(now).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    ago = min(dt.timedelta(hours=hours), since_midnight - dt.timedelta(seconds=1))
    SchoolMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=now - max(ago, dt.timedelta(seconds=1))
    )
    meeting.refresh_from_db()
    return meeting


def close(cora: Membership, match: Match) -> None:
    run(
        services.close_match,
        actor=cora,
        match=match,
        reason="goal_reached",
        initiator="together",
    )
    match.refresh_from_db()


# --- Access ------------------------------------------------------------------------------


def match_urls(match: Match) -> list[str]:
    """The match's pages that take a POST (the match page itself is GET only)."""
    return [
        url("buddy_contact", match.pk),
        url("buddy_meeting_new", match.pk),
        url("buddy_signal", match.pk),
        url("buddy_agreement", match.pk),
        url("buddy_fit", match.pk),
    ]


class TestAccess:
    def test_anonymous_goes_to_login(self, cora, match):
        meeting = plan(cora, match)
        addresses = [*match_urls(match), url("buddy_meeting", meeting.pk)]
        for address in [url("buddy_match", match.pk), *addresses]:
            for method in ("get", "post"):
                response = getattr(Client(), method)(address)
                assert response.status_code == 302, address
                assert response["Location"].startswith(reverse("accounts:login"))
        response = Client().get(url("calendar"))
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_coordinators_get_403(self, cora, match, cora_client, olga_client):
        meeting = plan(cora, match)
        for client in (cora_client, olga_client):
            for address in [*match_urls(match), url("buddy_meeting", meeting.pk)]:
                assert client.post(address, contact_data()).status_code == 403
            assert client.get(url("buddy_match", match.pk)).status_code == 403
            assert client.get(url("calendar")).status_code == 403
        assert not Contact.objects.exists()

    def test_another_buddys_match_is_404(self, cora, match, other_match, ben_client):
        meeting = plan(cora, other_match)
        assert ben_client.get(url("buddy_match", other_match.pk)).status_code == 404
        for address in match_urls(other_match):
            assert post(ben_client, address, contact_data()).status_code == 404
        assert ben_client.get(url("buddy_meeting", meeting.pk)).status_code == 404
        response = post(
            ben_client,
            url("buddy_meeting", meeting.pk),
            {"action": "cancel"},
        )
        assert response.status_code == 404
        meeting.refresh_from_db()
        assert not meeting.cancelled
        assert not Contact.objects.exists()
        assert not SafetySignal.objects.exists()
        # A meeting of another match cannot be logged on one's own match either.
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(meeting=str(meeting.pk)),
        )
        assert response.status_code == 404
        assert ben_client.get(url("buddy_match", MISSING)).status_code == 404
        assert ben_client.get(url("buddy_meeting", MISSING)).status_code == 404
        # Bea herself sees her match.
        bea = signed_in_client(other_match.buddy.user, verified=False)
        assert bea.get(url("buddy_match", other_match.pk)).status_code == 200

    def test_a_buddy_without_a_buddy_record_gets_404(self, ben_client):
        assert ben_client.get(url("calendar")).status_code == 404
        assert ben_client.get(url("buddy_match", MISSING)).status_code == 404

    def test_wrong_methods(self, match, ben_client):
        assert ben_client.get(url("buddy_agreement", match.pk)).status_code == 405
        assert ben_client.get(url("buddy_fit", match.pk)).status_code == 405
        assert ben_client.put(url("buddy_contact", match.pk)).status_code == 405
        assert Client().post(url("calendar_feed", "abc")).status_code == 405


# --- The match page ----------------------------------------------------------------------


class TestMatchPage:
    def test_shows_the_parent_first_name_and_contact_but_nothing_else(
        self, match, ben_client
    ):
        response = ben_client.get(url("buddy_match", match.pk))
        assert response.status_code == 200
        body = response.content.decode()
        for shown in (
            "Koppeling met Sanne",
            PARENT_EMAIL,
            PARENT_PHONE,
            'name="mode"',
            'name="minutes"',
            'name="minutes_other"',
            'name="note"',
            "geen namen",
            url("buddy_contact", match.pk),
            url("buddy_signal", match.pk),
            url("buddy_meeting_new", match.pk),
            "Zorg melden",
            'name="answer" value="not_good"',
            "Nog geen contact vastgelegd.",
            "Er staat geen gesprek op school gepland.",
        ):
            assert shown in body, shown
        for hidden in ("Jansen", SCHOOL, "herfstvakantie", match.request.reference):
            assert hidden not in body, hidden
        assert not CHILD.search(body)
        # The contact form comes first.
        assert body.index('name="mode"') < body.index(PARENT_EMAIL)
        assert_no_inline_script(response)

    def test_the_date_defaults_to_today(self, match, ben_client):
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert f'value="{TODAY().isoformat()}"' in body

    def test_topics_are_the_requests_codes_and_issue_codes(self, match, ben_client):
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        for code in ("need.anxiety", "route.po_regular", "issue.opp", "issue.tlv"):
            assert f'value="{code}"' in body, code

    def test_without_the_share_consent_the_requests_codes_stay_hidden(
        self, cora, ben_buddy, ben_client
    ):
        found = active_match(cora, buddy=ben_buddy, consent_share=False)
        body = ben_client.get(url("buddy_match", found.pk)).content.decode()
        assert 'value="need.anxiety"' not in body
        assert 'value="issue.opp"' in body

    def test_a_match_before_the_start_goes_to_the_proposal(self, cora, ben_buddy):
        request = waiting_request(cora)
        proposal = run(matching.propose, actor=cora, request=request, buddy=ben_buddy)
        client = signed_in_client(ben_buddy.user, verified=False)
        response = client.get(url("buddy_match", proposal.pk))
        assert response.status_code == 302
        assert response["Location"] == reverse("matching:proposal", args=[proposal.pk])

    def test_a_closed_match_shows_the_closure_only(self, cora, match, ben_client):
        close(cora, match)
        response = ben_client.get(url("buddy_match", match.pk))
        assert response.status_code == 200
        body = response.content.decode()
        assert "afgesloten" in body
        assert "Doel bereikt" in body
        for hidden in ('name="mode"', PARENT_EMAIL, PARENT_PHONE, 'name="answer"'):
            assert hidden not in body, hidden

    def test_reading_the_parents_contact_is_recorded(self, match, ben, ben_client):
        from ouderbuddy.privacy.models import AuditEvent

        ben_client.get(url("buddy_match", match.pk))
        assert AuditEvent.objects.filter(
            verb="read", actor=ben.user, target_id=str(match.request.pk)
        ).exists()


# --- Agreements and the fit question -------------------------------------------------------


class TestAgreement:
    def test_acknowledge(self, cora, match, ben_client):
        agreement = run(
            services.set_agreement,
            actor=cora,
            match=match,
            goals="Samen het OPP-gesprek voorbereiden.",
            frequency="fortnightly",
            contact_modes=["phone", "school_meeting"],
        )
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert "Samen het OPP-gesprek voorbereiden." in body
        assert "Elke twee weken" in body
        assert "Gesprek op school" in body
        assert "Ik heb de afspraken gelezen" in body
        response = post(ben_client, url("buddy_agreement", match.pk), {"version": "1"})
        assert response.status_code == 302
        assert response["Location"] == url("buddy_match", match.pk)
        agreement.refresh_from_db()
        assert agreement.buddy_acknowledged_at is not None
        assert agreement.parent_acknowledged_at is None
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert "Ik heb de afspraken gelezen" not in body
        assert "U heeft deze afspraken gelezen" in body

    def test_an_old_version_cannot_be_acknowledged(self, cora, match, ben_client):
        for goals in ("Eerste versie.", "Tweede versie."):
            run(
                services.set_agreement,
                actor=cora,
                match=match,
                goals=goals,
                frequency="weekly",
                contact_modes=["phone"],
            )
        response = post(ben_client, url("buddy_agreement", match.pk), {"version": "1"})
        assert response.status_code == 400
        assert "nieuwere versie" in response.content.decode()
        assert not match.agreements.filter(buddy_acknowledged_at__isnull=False).exists()

    def test_without_agreements(self, match, ben_client):
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert "schrijft de werkafspraken nog op" in body
        response = post(ben_client, url("buddy_agreement", match.pk))
        assert response.status_code == 400


class TestFit:
    def test_answer_good(self, match, ben_client):
        response = post(ben_client, url("buddy_fit", match.pk), {"answer": "good"})
        assert response.status_code == 302
        answer = FitAnswer.objects.get(match=match)
        assert (answer.side, answer.answer) == ("buddy", "good")
        assert not mail.outbox
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert 'name="answer"' not in body

    def test_not_good_alerts_the_coordinator(self, match, ben_client):
        response = post(ben_client, url("buddy_fit", match.pk), {"answer": "not_good"})
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [["cora@noord.test"]]

    def test_once_and_a_known_answer(self, match, ben_client):
        response = post(ben_client, url("buddy_fit", match.pk), {"answer": "maybe"})
        assert response.status_code == 400
        assert "Kies een antwoord." in response.content.decode()
        post(ben_client, url("buddy_fit", match.pk), {"answer": "good"})
        response = post(ben_client, url("buddy_fit", match.pk), {"answer": "not_good"})
        assert response.status_code == 400
        assert "al beantwoord" in response.content.decode()
        assert FitAnswer.objects.get(match=match).answer == "good"


# --- The contact log ---------------------------------------------------------------------


class TestLogContact:
    def test_the_form_alone(self, match, ben_client):
        response = ben_client.get(url("buddy_contact", match.pk))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'name="mode"' in body
        assert f'value="{TODAY().isoformat()}"' in body
        assert_no_inline_script(response)

    def test_log_with_topics_and_note(self, match, ben, ben_client):
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(
                topics=["issue.opp", "need.anxiety"],
                note="Samen de vragen voor school opgeschreven.",
            ),
        )
        assert response.status_code == 302
        assert response["Location"] == url("buddy_match", match.pk)
        contact = Contact.objects.get(match=match)
        assert contact.on == TODAY()
        assert contact.mode == "phone"
        assert contact.minutes == 20
        assert contact.topics == ["issue.opp", "need.anxiety"]
        assert contact.note == "Samen de vragen voor school opgeschreven."
        assert contact.logged_by == ben.user
        assert contact.organisation_id == match.organisation_id
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert "Het contact is vastgelegd." in body
        assert "20 minuten" in body
        assert "Telefoon" in body

    def test_other_minutes(self, match, ben_client):
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(minutes="other", minutes_other="45", mode="in_person"),
        )
        assert response.status_code == 302
        assert Contact.objects.get(match=match).minutes == 45

    def test_a_typed_number_counts_without_tapping_other(self, match, ben_client):
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            {"on": TODAY().isoformat(), "mode": "phone", "minutes_other": "15"},
        )
        assert response.status_code == 302
        assert Contact.objects.get(match=match).minutes == 15

    def test_the_next_form_remembers_mode_and_minutes(self, match, ben_client):
        post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(mode="video", minutes="other", minutes_other="75"),
        )
        body = ben_client.get(url("buddy_contact", match.pk)).content.decode()
        assert checked(body, "mode", "video")
        assert checked(body, "minutes", "other")
        assert 'value="75"' in body

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"on": "future"}, "toekomst"),
            ({"on": "before"}, "voor de start van de koppeling"),
            ({"on": "abc"}, "Vul een geldige datum in."),
            ({"on": ""}, "Vul de datum in."),
            ({"minutes": "other", "minutes_other": "0"}, "tussen 1 en 600"),
            ({"minutes": "other", "minutes_other": "601"}, "tussen 1 en 600"),
            ({"minutes": "other", "minutes_other": "abc"}, "heel aantal minuten"),
            ({"minutes": "other", "minutes_other": ""}, "Vul het aantal minuten"),
            ({"minutes": "0"}, "Kies hoe lang"),
            ({"minutes": "601"}, "Kies hoe lang"),
            ({"minutes": "abc"}, "Kies hoe lang"),
            ({"minutes": ""}, "Kies hoe lang"),
            ({"mode": "letter"}, "Kies de soort contact."),
            ({"topics": ["issue.nonsense"]}, "Kies onderwerpen uit de lijst."),
            ({"note": "x" * 1001}, "hoogstens 1000 tekens"),
        ],
    )
    def test_bad_input_is_400_and_saves_nothing(
        self, match, ben_client, overrides, message
    ):
        Match.objects.filter(pk=match.pk).update(
            started_on=TODAY() - dt.timedelta(days=10)
        )
        if overrides.get("on") == "future":
            overrides["on"] = (TODAY() + dt.timedelta(days=1)).isoformat()
        elif overrides.get("on") == "before":
            overrides["on"] = (TODAY() - dt.timedelta(days=11)).isoformat()
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(**{"note": "Mijn notitie", **overrides}),
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "Er is iets niet goed ingevuld" in body
        assert not Contact.objects.exists()
        # What was typed stays.
        if "note" not in overrides:
            assert "Mijn notitie" in body

    def test_on_the_start_day_is_fine(self, match, ben_client):
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(on=match.started_on.isoformat()),
        )
        assert response.status_code == 302

    def test_a_closed_match(self, cora, match, ben_client):
        close(cora, match)
        response = post(ben_client, url("buddy_contact", match.pk), contact_data())
        assert response.status_code == 400
        assert "loopt nu niet" in response.content.decode()
        assert not Contact.objects.exists()
        body = ben_client.get(url("buddy_contact", match.pk)).content.decode()
        assert 'name="mode"' not in body

    def test_a_school_meeting_afterwards(self, cora, match, ben_client):
        meeting = in_the_past(plan(cora, match, days=1))
        page = ben_client.get(url("buddy_match", match.pk)).content.decode()
        log_link = f"{url('buddy_contact', match.pk)}?meeting={meeting.pk}"
        assert log_link in page
        body = ben_client.get(log_link).content.decode()
        assert checked(body, "mode", "school_meeting")
        assert f'value="{meeting.pk}"' in body
        assert "Bespreking van het OPP" in body
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(
                mode="school_meeting",
                minutes="60",
                meeting=str(meeting.pk),
                on=timezone.localtime(meeting.starts_at).date().isoformat(),
            ),
        )
        assert response.status_code == 302
        assert Contact.objects.get(match=match).meeting == meeting
        page = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert log_link not in page
        # Only once.
        response = post(
            ben_client,
            url("buddy_contact", match.pk),
            contact_data(mode="school_meeting", meeting=str(meeting.pk)),
        )
        assert response.status_code == 400
        assert "al vastgelegd" in response.content.decode()
        assert Contact.objects.count() == 1

    def test_an_unknown_meeting_is_404(self, match, ben_client):
        address = url("buddy_contact", match.pk)
        assert ben_client.get(f"{address}?meeting=nonsense").status_code == 404
        assert ben_client.get(f"{address}?meeting={MISSING}").status_code == 404


# --- School meetings -----------------------------------------------------------------------


class TestMeetings:
    def test_plan(self, match, ben, ben_client):
        page = ben_client.get(url("buddy_meeting_new", match.pk))
        assert page.status_code == 200
        for shown in ('name="day"', 'name="time"', 'name="place"', "OPP", "TLV"):
            assert shown in page.content.decode(), shown
        assert_no_inline_script(page)
        day = TODAY() + dt.timedelta(days=7)
        response = post(
            ben_client,
            url("buddy_meeting_new", match.pk),
            {
                "day": day.isoformat(),
                "time": "14:30",
                "place": "Basisschool De Linde, Lindelaan 1",
                "kind": "tlv",
                "preparation": ["questions"],
            },
        )
        assert response.status_code == 302
        meeting = SchoolMeeting.objects.get(match=match)
        assert response["Location"] == url("buddy_meeting", meeting.pk)
        starts = timezone.localtime(meeting.starts_at)
        assert (starts.date(), starts.hour, starts.minute) == (day, 14, 30)
        assert meeting.kind == "tlv"
        assert meeting.preparation == ["questions"]
        assert meeting.created_by == ben.user
        body = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert "Gesprek over een TLV" in body
        assert "Lindelaan 1" in body
        listing = ben_client.get(reverse("matching:proposals")).content.decode()
        assert "Volgend gesprek op school" in listing

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"day": "yesterday"}, "Kies een moment in de toekomst."),
            ({"time": "25:00"}, "Vul een geldige tijd in"),
            ({"place": ""}, "Vul in waar het gesprek is."),
            ({"kind": "party"}, "Kies de soort gesprek."),
            ({"preparation": ["cake"]}, "Kies punten uit de lijst."),
        ],
    )
    def test_bad_input(self, match, ben_client, overrides, message):
        data = {
            "day": (TODAY() + dt.timedelta(days=7)).isoformat(),
            "time": "14:30",
            "place": "School",
            "kind": "tlv",
        }
        data.update(overrides)
        if data["day"] == "yesterday":
            data["day"] = (TODAY() - dt.timedelta(days=1)).isoformat()
        response = post(ben_client, url("buddy_meeting_new", match.pk), data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not SchoolMeeting.objects.exists()

    def test_not_on_a_closed_match(self, cora, match, ben_client):
        close(cora, match)
        response = post(
            ben_client,
            url("buddy_meeting_new", match.pk),
            {
                "day": (TODAY() + dt.timedelta(days=7)).isoformat(),
                "time": "14:30",
                "place": "School",
                "kind": "tlv",
            },
        )
        assert response.status_code == 400
        assert not SchoolMeeting.objects.exists()

    def test_detail_and_preparation(self, cora, match, ben_client):
        meeting = plan(cora, match)
        response = ben_client.get(url("buddy_meeting", meeting.pk))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Bespreking van het OPP" in body
        assert "Lindelaan 1" in body
        assert 'name="done" value="questions"' in body
        assert_no_inline_script(response)
        response = post(
            ben_client,
            url("buddy_meeting", meeting.pk),
            {"action": "preparation", "done": ["questions", "documents"]},
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.preparation == ["questions", "documents"]
        body = ben_client.get(url("buddy_meeting", meeting.pk)).content.decode()
        assert checked(body, "done", "questions")
        assert not checked(body, "done", "roles")

    def test_preparation_from_the_match_page(self, cora, match, ben_client):
        meeting = plan(cora, match)
        page = ben_client.get(url("buddy_match", match.pk)).content.decode()
        assert f'id="prep-{meeting.pk}-done_0"' in page
        response = post(
            ben_client,
            url("buddy_meeting", meeting.pk),
            {"action": "preparation", "done": ["roles"], "back": "match"},
        )
        assert response["Location"] == url("buddy_match", match.pk)
        meeting.refresh_from_db()
        assert meeting.preparation == ["roles"]

    def test_unknown_preparation_and_action(self, cora, match, ben_client):
        meeting = plan(cora, match, preparation=["notes"])
        response = post(
            ben_client,
            url("buddy_meeting", meeting.pk),
            {"action": "preparation", "done": ["cake"]},
        )
        assert response.status_code == 400
        response = post(ben_client, url("buddy_meeting", meeting.pk), {"action": "x"})
        assert response.status_code == 400
        meeting.refresh_from_db()
        assert meeting.preparation == ["notes"]

    def test_cancel(self, cora, match, ben_client):
        meeting = plan(cora, match)
        response = post(
            ben_client, url("buddy_meeting", meeting.pk), {"action": "cancel"}
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.cancelled
        body = ben_client.get(url("buddy_meeting", meeting.pk)).content.decode()
        assert "Dit gesprek gaat niet door." in body
        response = post(
            ben_client, url("buddy_meeting", meeting.pk), {"action": "cancel"}
        )
        assert response.status_code == 400


# --- Safety signal ---------------------------------------------------------------------------


class TestSignal:
    def test_the_page_points_to_the_meldcode_and_help(self, match, ben_client):
        response = ben_client.get(url("buddy_signal", match.pk))
        assert response.status_code == 200
        body = response.content.decode()
        assert MELDCODE in body
        assert "huisarts" in body
        assert "wijkteam" in body
        assert 'name="kind"' in body
        assert 'name="description"' in body
        assert_no_inline_script(response)

    def test_raise_reaches_the_coordinator_at_once(self, match, ben, ben_client):
        response = post(
            ben_client,
            url("buddy_signal", match.pk),
            {"kind": "child_safety", "description": "Het kind had blauwe plekken."},
        )
        assert response.status_code == 302
        assert response["Location"] == url("buddy_signal", match.pk)
        signal = SafetySignal.objects.get(match=match)
        assert signal.kind == "child_safety"
        assert signal.description == "Het kind had blauwe plekken."
        assert signal.raised_by == ben.user
        to_cora = [m for m in mail.outbox if m.to == ["cora@noord.test"]]
        assert len(to_cora) == 1
        assert match.request.reference in to_cora[0].subject
        body = ben_client.get(url("buddy_signal", match.pk)).content.decode()
        assert "De coördinator heeft hem nu gekregen" in body
        assert "Nog niet gezien door de coördinator" in body

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"kind": "crisis", "description": ""}, "Schrijf kort wat er is."),
            ({"kind": "crisis", "description": "x" * 1001}, "hoogstens 1000"),
            ({"kind": "other", "description": "Zorg."}, "Kies wat er aan de hand"),
        ],
    )
    def test_bad_input(self, match, ben_client, data, message):
        response = post(ben_client, url("buddy_signal", match.pk), data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not SafetySignal.objects.exists()
        assert not mail.outbox

    def test_not_on_a_closed_match(self, cora, match, ben_client):
        close(cora, match)
        mail.outbox.clear()
        body = ben_client.get(url("buddy_signal", match.pk)).content.decode()
        assert MELDCODE in body
        assert 'name="description"' not in body
        response = post(
            ben_client,
            url("buddy_signal", match.pk),
            {"kind": "crisis", "description": "Zorg."},
        )
        assert response.status_code == 400
        assert not SafetySignal.objects.exists()
        assert not mail.outbox


# --- The buddy's lists -----------------------------------------------------------------------


class TestLists:
    def test_running_matches_link_to_the_match_with_what_is_due(
        self, cora, match, ben_client
    ):
        run(
            services.set_agreement,
            actor=cora,
            match=match,
            goals="Doelen.",
            frequency="weekly",
            contact_modes=["phone"],
        )
        body = ben_client.get(reverse("matching:proposals")).content.decode()
        assert url("buddy_match", match.pk) in body
        assert url("buddy_contact", match.pk) in body
        assert "Sanne in Amsterdam" in body
        assert "Nog geen contact" in body
        assert "Geen gesprek op school gepland" in body
        assert "Werkafspraken lezen" in body
        assert "Vraag: hoe klikt het?" in body
        post(ben_client, url("buddy_agreement", match.pk), {"version": "1"})
        post(ben_client, url("buddy_fit", match.pk), {"answer": "good"})
        post(ben_client, url("buddy_contact", match.pk), contact_data())
        body = ben_client.get(reverse("matching:proposals")).content.decode()
        assert "Nog geen contact" not in body
        assert "Laatste contact" in body
        assert "Nog te doen" not in body

    def test_the_list_takes_the_same_queries_for_more_matches(self, cora, ben):
        buddy = matchable_buddy(
            cora.organisation, "Ben Buddy", user=ben.user, max_matches=3
        )
        client = signed_in_client(ben.user, verified=False)
        first = active_match(cora, buddy=buddy)
        plan(cora, first)
        with CaptureQueriesContext(connection) as one:
            assert client.get(reverse("matching:proposals")).status_code == 200
        for n in (2, 3):
            more = active_match(
                cora, buddy=buddy, full_name=f"Ouder {n}", email=f"o{n}@example.nl"
            )
            plan(cora, more)
            services.log_contact(
                actor=cora, match=more, on=TODAY(), mode="phone", minutes=10
            )
        with CaptureQueriesContext(connection) as three:
            body = client.get(reverse("matching:proposals")).content.decode()
        assert body.count("Volgend gesprek op school") == 3
        assert body.count("Laatste contact") == 2
        assert len(three.captured_queries) == len(one.captured_queries)

    def test_start_page_two_taps_to_a_contact(self, match, ben_client):
        start = ben_client.get(reverse("dashboard:start")).content.decode()
        assert "Mijn koppelingen" in start
        contact_url = url("buddy_contact", match.pk)
        assert contact_url in start
        assert url("buddy_match", match.pk) in start
        post(ben_client, contact_url, contact_data())
        # The next time mode and minutes are already chosen: open, save.
        form = ben_client.get(contact_url).content.decode()
        assert checked(form, "mode", "phone")
        assert checked(form, "minutes", "20")
        response = post(
            ben_client,
            contact_url,
            {"on": TODAY().isoformat(), "mode": "phone", "minutes": "20"},
        )
        assert response.status_code == 302
        assert Contact.objects.filter(match=match).count() == 2

    def test_a_closed_match_leaves_the_start_page(self, cora, match, ben_client):
        close(cora, match)
        start = ben_client.get(reverse("dashboard:start")).content.decode()
        assert url("buddy_contact", match.pk) not in start


# --- Calendar --------------------------------------------------------------------------------


def new_feed(client: Client) -> tuple[str, str]:
    """Make a new feed through the page; returns the page and the feed's path."""
    response = post(client, url("calendar"), {"action": "new"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    found = re.search(r"http://testserver(/agenda/[^/<\s]+/)", body)
    assert found, body
    return body, found.group(1)


class TestCalendar:
    def test_the_page(self, ben_buddy, ben_client):
        response = ben_client.get(url("calendar"))
        assert response.status_code == 200
        body = response.content.decode()
        assert "U heeft nog geen agenda-link." in body
        assert 'value="revoke"' not in body
        assert_no_inline_script(response)

    def test_feed_with_meetings_and_trainings(self, cora, match, ben_buddy, ben_client):
        meeting = plan(cora, match)
        cancelled = plan(cora, match, days=5, kind="tlv")
        services.cancel_meeting(actor=cora, meeting=cancelled)
        course = make_course(cora.organisation)
        session = make_session(
            course, (timezone.now() + dt.timedelta(days=10)).replace(microsecond=0)
        )
        Enrolment.objects.create(
            organisation=cora.organisation,
            session=session,
            buddy=ben_buddy,
            status=EnrolmentStatus.ENROLLED,
            enrolled_by=cora.user,
        )
        waiting = make_session(
            make_course(cora.organisation, title="Opfristraining gesprekken"),
            timezone.now() + dt.timedelta(days=12),
        )
        Enrolment.objects.create(
            organisation=cora.organisation,
            session=waiting,
            buddy=ben_buddy,
            status=EnrolmentStatus.WAITLISTED,
            enrolled_by=cora.user,
        )
        other = active_match(cora, buddy=matchable_buddy(cora.organisation, "Bea B"))
        plan(cora, other, kind="multidisciplinary")

        page, path = new_feed(ben_client)
        assert "webcal://testserver/agenda/" in page
        response = Client().get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Robots-Tag"] == "noindex"
        text = response.content.decode()
        for hidden in ("Sanne", "Jansen", PARENT_EMAIL, "Ben Buddy"):
            assert hidden not in text, hidden
        assert not CHILD.search(text)
        events = {str(e["UID"]): e for e in Calendar.from_ical(response.content).events}
        assert set(events) == {
            f"{meeting.pk}@{HOST}",
            f"{session.pk}@{HOST}",
        }
        talk = events[f"{meeting.pk}@{HOST}"]
        assert str(talk["SUMMARY"]) == "Gesprek op school: Bespreking van het OPP"
        assert str(talk["LOCATION"]) == "Basisschool De Linde, Lindelaan 1"
        assert talk.start == meeting.starts_at
        assert talk.end - talk.start == dt.timedelta(hours=1)
        training = events[f"{session.pk}@{HOST}"]
        assert str(training["SUMMARY"]) == "Training: Basistraining ouderbuddy"
        assert training.start == session.starts_at
        assert training.end == session.ends_at
        assert str(training["LOCATION"]) == "Buurthuis De Linde"
        assert Client().head(path).status_code == 200

    def test_revoke_and_renew(self, ben_buddy, ben_client):
        _page, old = new_feed(ben_client)
        assert Client().get(old).status_code == 200
        _page, new = new_feed(ben_client)
        assert new != old
        assert Client().get(old).status_code == 404
        assert Client().get(new).status_code == 200
        body = ben_client.get(url("calendar")).content.decode()
        assert "U heeft een agenda-link." in body
        # The address is shown only once.
        assert new not in body
        response = post(ben_client, url("calendar"), {"action": "revoke"})
        assert response.status_code == 302
        assert Client().get(new).status_code == 404
        assert not CalendarFeed.objects.filter(revoked_at__isnull=True).exists()
        assert "U heeft nog geen agenda-link." in (
            ben_client.get(url("calendar")).content.decode()
        )

    def test_unknown_token_and_action(self, ben_buddy, ben_client):
        assert Client().get(url("calendar_feed", "onbekend")).status_code == 404
        response = post(ben_client, url("calendar"), {"action": "delete"})
        assert response.status_code == 400
        assert not CalendarFeed.objects.exists()

    def test_a_closed_match_leaves_the_feed(self, cora, match, ben_client):
        plan(cora, match)
        _page, path = new_feed(ben_client)
        assert "BEGIN:VEVENT" in Client().get(path).content.decode()
        close(cora, match)
        assert "BEGIN:VEVENT" not in Client().get(path).content.decode()
