"""The casework services: each rule and each edge the issue names."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    CheckIn,
    Closure,
    Contact,
    SafetySignal,
    SchoolMeeting,
)
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.evaluation.models import Invitation
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import engine
from ouderbuddy.matching import selectors as matching_selectors
from ouderbuddy.matching.models import MatchStatus
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy

TODAY = dt.date.today


@pytest.fixture
def match(cora):
    return active_match(cora)


@pytest.fixture
def bea(match):
    return buddy_membership(match.buddy)


def test_check_ins_twice_in_the_first_month_then_monthly(match):
    start = match.started_on
    days = list(CheckIn.objects.filter(match=match).values_list("due_on", flat=True))
    assert days[:2] == [start + dt.timedelta(days=7), start + dt.timedelta(days=21)]
    # From the first month on: a match started on 2 December has 2 January.
    assert days[2:] == [start + relativedelta(months=m) for m in range(1, 7)]


def test_check_ins_follow_the_organisations_rhythm(cora):
    organisation = cora.organisation
    organisation.check_in_first_days = [10]
    organisation.check_in_interval_months = 2
    organisation.save()
    match = active_match(cora)
    start = match.started_on
    days = list(
        CheckIn.objects.filter(match=match)
        .order_by("due_on")
        .values_list("due_on", flat=True)
    )
    assert days == [start + dt.timedelta(days=10)] + [
        start + relativedelta(months=m) for m in (2, 4, 6)
    ]


def test_contact_is_logged_with_codes_and_an_encrypted_note(match, bea):
    contact = services.log_contact(
        actor=bea,
        match=match,
        on=timezone.localdate(),
        mode="school_meeting",
        minutes=45,
        topics=["issue.opp", "issue.opp"],
        note="Samen naar het OPP-gesprek",
    )
    contact.refresh_from_db()
    assert contact.topics == ["issue.opp"]
    assert contact.note == "Samen naar het OPP-gesprek"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM casework_contact WHERE id = %s", [contact.pk.hex]
        )
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores UUIDs natively
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT note FROM casework_contact WHERE id = %s", [contact.pk]
            )
            row = cursor.fetchone()
    assert "OPP-gesprek" not in row[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("on", 1, "niet in de toekomst"),
        ("on", -1, "niet voor de start"),
        ("minutes", 0, "tussen 1 en 600"),
        ("minutes", 601, "tussen 1 en 600"),
        ("minutes", "30", "tussen 1 en 600"),
        ("mode", "letter", "Kies de soort contact"),
        ("topics", ["issue.made_up"], "bestaan niet"),
        ("note", "x" * 1001, "hoogstens 1000"),
    ],
)
def test_bad_contacts_are_refused_and_nothing_is_saved(
    match, bea, field, value, message
):
    data = {
        "on": timezone.localdate(),
        "mode": "phone",
        "minutes": 20,
        "topics": [],
        "note": "",
    }
    if field == "on":
        data["on"] = timezone.localdate() + dt.timedelta(days=value)
    else:
        data[field] = value
    with pytest.raises(DomainError, match=message):
        services.log_contact(actor=bea, match=match, **data)
    assert not Contact.objects.exists()


def test_only_the_own_buddy_or_the_coordinator_logs(cora, olga, match):
    other = matchable_buddy(cora.organisation, "Otto Ander")
    for actor in (buddy_membership(other), olga):
        with pytest.raises(DomainError):
            services.log_contact(
                actor=actor,
                match=match,
                on=timezone.localdate(),
                mode="phone",
                minutes=5,
            )
    services.log_contact(
        actor=cora, match=match, on=timezone.localdate(), mode="phone", minutes=5
    )
    assert Contact.objects.count() == 1


def test_agreements_are_versioned_and_acknowledged_again(cora, match, bea):
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = services.set_agreement(
            actor=cora,
            match=match,
            goals="Dat Noor weer naar school gaat",
            frequency="weekly",
            contact_modes=["phone"],
        )
    assert first.expected_until == match.started_on + relativedelta(months=6)
    services.acknowledge_agreement(agreement=first, side="buddy", actor=bea)
    services.acknowledge_agreement(agreement=first, side="parent")
    second = services.set_agreement(
        actor=cora,
        match=match,
        goals="Ook: een goed OPP",
        frequency="fortnightly",
        contact_modes=["phone", "in_person"],
    )
    assert second.version == 2
    assert second.buddy_acknowledged_at is None
    with pytest.raises(DomainError, match="nieuwere versie"):
        services.acknowledge_agreement(agreement=first, side="buddy", actor=bea)
    with pytest.raises(DomainError):
        services.acknowledge_agreement(agreement=second, side="buddy", actor=cora)
    with pytest.raises(DomainError, match="Kies minstens één manier"):
        services.set_agreement(
            actor=cora, match=match, goals="x", frequency="weekly", contact_modes=[]
        )
    with pytest.raises(DomainError):
        services.set_agreement(
            actor=bea,
            match=match,
            goals="x",
            frequency="weekly",
            contact_modes=["phone"],
        )


def test_meeting_must_be_in_the_future_with_a_place_and_a_known_kind(match, bea):
    soon = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(DomainError, match="toekomst"):
        services.plan_meeting(
            actor=bea,
            match=match,
            starts_at=timezone.now() - dt.timedelta(hours=1),
            place="School",
            kind="tlv",
        )
    with pytest.raises(DomainError, match="waar het gesprek is"):
        services.plan_meeting(
            actor=bea, match=match, starts_at=soon, place=" ", kind="tlv"
        )
    with pytest.raises(DomainError, match="voorbereiding"):
        services.plan_meeting(
            actor=bea,
            match=match,
            starts_at=soon,
            place="School",
            kind="tlv",
            preparation=["bribe"],
        )
    meeting = services.plan_meeting(
        actor=bea,
        match=match,
        starts_at=soon,
        place="De Regenboog",
        kind="opp_review",
        preparation=["questions"],
    )
    services.update_preparation(actor=bea, meeting=meeting, done=["questions", "notes"])
    meeting.refresh_from_db()
    assert meeting.preparation == ["questions", "notes"]
    services.cancel_meeting(actor=bea, meeting=meeting)
    with pytest.raises(DomainError):
        services.cancel_meeting(actor=bea, meeting=meeting)


def test_a_meeting_is_logged_once(match, bea):
    meeting = services.plan_meeting(
        actor=bea,
        match=match,
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="School",
        kind="tlv",
    )
    services.log_contact(
        actor=bea,
        match=match,
        on=timezone.localdate(),
        mode="school_meeting",
        minutes=60,
        meeting=meeting,
    )
    with pytest.raises(DomainError, match="al vastgelegd"):
        services.log_contact(
            actor=bea,
            match=match,
            on=timezone.localdate(),
            mode="school_meeting",
            minutes=60,
            meeting=meeting,
        )


def test_calendar_token_is_stored_hashed_and_revocable(match, bea):
    token = services.new_calendar_feed(actor=bea, buddy=match.buddy)
    assert services.buddy_for_calendar(token) == match.buddy
    assert not match.buddy.calendar_feeds.filter(token_hash=token).exists()
    newer = services.new_calendar_feed(actor=bea, buddy=match.buddy)
    assert services.buddy_for_calendar(token) is None
    services.revoke_calendar_feed(actor=bea, buddy=match.buddy)
    assert services.buddy_for_calendar(newer) is None


def test_check_in_is_recorded_once_and_not_in_the_future(cora, match):
    check_in = CheckIn.objects.filter(match=match).first()
    with pytest.raises(DomainError, match="Met wie"):
        services.record_check_in(
            actor=cora,
            check_in=check_in,
            done_on=timezone.localdate(),
            with_buddy=False,
            with_parent=False,
        )
    with pytest.raises(DomainError, match="toekomst"):
        services.record_check_in(
            actor=cora,
            check_in=check_in,
            done_on=timezone.localdate() + dt.timedelta(days=1),
            with_buddy=True,
            with_parent=False,
        )
    services.record_check_in(
        actor=cora,
        check_in=check_in,
        done_on=timezone.localdate(),
        with_buddy=True,
        with_parent=True,
        note="Gaat goed",
    )
    with pytest.raises(DomainError, match="al vastgelegd"):
        services.record_check_in(
            actor=cora,
            check_in=check_in,
            done_on=timezone.localdate(),
            with_buddy=True,
            with_parent=False,
        )
    with pytest.raises(DomainError):
        services.drop_check_in(actor=cora, check_in=check_in)


def test_signal_reaches_the_coordinators_at_once_and_is_followed_up(cora, match, bea):
    from django.core import mail

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        signal = services.raise_signal(
            actor=bea, match=match, kind="child_safety", description="Blauwe plekken"
        )
    assert [m.to for m in mail.outbox] == [[cora.user.email]]
    assert "Blauwe plekken" not in mail.outbox[0].body
    with pytest.raises(DomainError, match="Schrijf kort"):
        services.raise_signal(actor=bea, match=match, kind="crisis", description="")
    with pytest.raises(DomainError):
        services.acknowledge_signal(actor=bea, signal=signal)
    services.acknowledge_signal(actor=cora, signal=signal)
    services.follow_up_signal(
        actor=cora, signal=signal, follow_up="Veilig Thuis gebeld", close=True
    )
    signal.refresh_from_db()
    assert signal.closed_at and signal.follow_up == "Veilig Thuis gebeld"
    with pytest.raises(DomainError, match="al afgehandeld"):
        services.follow_up_signal(actor=cora, signal=signal, follow_up="x", close=True)
    assert SafetySignal.objects.count() == 1


def test_fit_not_good_alerts_the_coordinator_once_per_side(cora, match, bea):
    from django.core import mail

    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.answer_fit(match=match, side="parent", answer="not_good")
    assert [m.to for m in mail.outbox] == [[cora.user.email]]
    with pytest.raises(DomainError, match="al beantwoord"):
        services.answer_fit(match=match, side="parent", answer="good")
    services.answer_fit(match=match, side="buddy", answer="good", actor=bea)
    with pytest.raises(DomainError):
        services.answer_fit(match=match, side="buddy", answer="good")


def test_close_without_rematch_closes_the_request(cora, match, bea):
    services.plan_meeting(
        actor=bea,
        match=match,
        starts_at=timezone.now() + dt.timedelta(days=2),
        place="School",
        kind="tlv",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        closure = services.close_match(
            actor=cora,
            match=match,
            reason="goal_reached",
            initiator="together",
            note="Noor zit weer op school",
        )
    match.refresh_from_db()
    match.request.refresh_from_db()
    assert match.status == MatchStatus.CLOSED
    assert match.request.status == RequestStatus.CLOSED
    assert closure.follow_up_on == timezone.localdate() + dt.timedelta(days=90)
    # Both sides are invited to the questionnaire at the end (the evaluation app).
    assert set(
        Invitation.objects.filter(moment="t1").values_list("audience", flat=True)
    ) == {"buddy", "parent"}
    assert not CheckIn.objects.filter(match=match, done_on__isnull=True).exists()
    assert SchoolMeeting.objects.get().cancelled
    with pytest.raises(DomainError, match="al afgesloten"):
        services.close_match(
            actor=cora, match=match, reason="goal_reached", initiator="buddy"
        )
    with pytest.raises(DomainError, match="loopt nu niet"):
        services.log_contact(
            actor=bea, match=match, on=timezone.localdate(), mode="phone", minutes=5
        )
    assert Closure.objects.count() == 1


def test_rematch_returns_the_request_and_excludes_the_former_buddy(cora, match):
    other = matchable_buddy(cora.organisation, "Cor Volgende")
    with pytest.raises(DomainError, match="Kies een reden"):
        services.close_match(
            actor=cora, match=match, reason="bored", initiator="parent"
        )
    services.close_match(
        actor=cora, match=match, reason="mismatch", initiator="parent", rematch=True
    )
    match.request.refresh_from_db()
    assert match.request.status == RequestStatus.WAITING
    page = matching_selectors.shortlist(actor=cora, request=match.request)
    assert [o.buddy for o in page.candidates] == [other]
    former = next(o for o in page.excluded if o.buddy == match.buddy)
    assert former.excluded & engine.Exclusion.PREVIOUSLY_MATCHED
    # The former buddy has a free place again and can help someone else.
    assert match.buddy.matches.filter(status__in=["active"]).count() == 0


def test_fit_follow_up_takes_it_off_the_start_page(cora, olga, match):
    from ouderbuddy.casework.selectors import fit_alerts

    fit = services.answer_fit(match=match, side="parent", answer="not_good")
    assert len(fit_alerts(cora)) == 1
    with pytest.raises(DomainError):
        services.follow_up_fit(actor=olga, fit=fit)
    services.follow_up_fit(actor=cora, fit=fit)
    assert fit_alerts(cora) == []


def test_a_longer_agreement_adds_the_monthly_check_ins(cora, match):
    before = CheckIn.objects.filter(match=match).count()
    services.set_agreement(
        actor=cora,
        match=match,
        goals="Verlengd",
        frequency="monthly",
        contact_modes=["phone"],
        expected_until=match.started_on + relativedelta(months=9),
    )
    days = list(CheckIn.objects.filter(match=match).values_list("due_on", flat=True))
    assert len(days) == before + 3
    assert days[-1] == match.started_on + relativedelta(months=9)
    assert len(set(days)) == len(days)
