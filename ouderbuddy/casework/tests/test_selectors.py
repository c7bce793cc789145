"""The casework read side: the flags of the running matches, the start-page rows, the
match page sections, and that nothing reaches another organisation or another role."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.casework import selectors, services
from ouderbuddy.casework.models import CheckIn, SafetySignal
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy


@pytest.fixture
def match(cora):
    return active_match(cora)


@pytest.fixture
def bea(match):
    return buddy_membership(match.buddy)


def _started_days_ago(match: Match, days: int) -> None:
    """Contacts cannot lie before the start, so a test of the past moves the start."""
    Match.objects.filter(pk=match.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=days)
    )
    match.refresh_from_db()


def _contact(actor, match, days_ago: int, minutes: int = 30):
    return services.log_contact(
        actor=actor,
        match=match,
        on=timezone.localdate() - dt.timedelta(days=days_ago),
        mode="phone",
        minutes=minutes,
    )


def _signal(actor, match, kind: str = "child_safety") -> SafetySignal:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.raise_signal(
            actor=actor, match=match, kind=kind, description="Het kind is bang thuis."
        )


def _one(actor) -> Match:
    [found] = selectors.active_matches(actor)
    return found


def test_a_new_match_has_its_first_check_in_next_and_no_flags(cora, match):
    found = _one(cora)
    assert found.last_contact is None
    assert found.next_check_in == match.started_on + dt.timedelta(days=7)
    assert found.overdue_check_ins == 0
    assert found.open_signals == 0
    assert found.fit_not_good is False
    assert found.quiet is False


def test_last_contact_is_the_latest_date_not_the_latest_logged(cora, match, bea):
    _started_days_ago(match, 30)
    _contact(bea, match, days_ago=3)
    _contact(bea, match, days_ago=10)
    assert _one(cora).last_contact == timezone.localdate() - dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("started", "contact", "quiet"),
    [
        (20, None, False),  # 20 days without contact since the start
        (21, None, True),  # 21 days: quiet
        (40, 21, True),  # the last contact was 21 days ago
        (40, 20, False),
    ],
)
def test_quiet_means_21_days_without_contact_since_start_or_last_contact(
    cora, match, bea, started, contact, quiet
):
    _started_days_ago(match, started)
    if contact is not None:
        _contact(bea, match, days_ago=contact)
    assert _one(cora).quiet is quiet
    assert selectors.match_context(match)["quiet"] is quiet
    flagged = selectors.with_flag(selectors.active_matches(cora), "stil")
    assert flagged.exists() is quiet
    assert bool(selectors.quiet_matches(cora)) is quiet


def test_overdue_check_ins_are_counted_and_listed(cora, match):
    eight_days_later = timezone.now() + dt.timedelta(days=8)
    with time_machine.travel(eight_days_later, tick=False):
        found = _one(cora)
        assert found.overdue_check_ins == 1
        [row] = selectors.overdue_check_ins(cora)
    assert match.request.reference in row["label"]
    assert row["url"].endswith(f"{match.pk}/#check-ins")
    # A check-in that is done is no longer overdue.
    first = CheckIn.objects.filter(match=match).order_by("due_on").first()
    CheckIn.objects.filter(pk=first.pk).update(done_on=first.due_on)
    with time_machine.travel(eight_days_later, tick=False):
        assert _one(cora).overdue_check_ins == 0
        assert selectors.overdue_check_ins(cora) == []


def test_open_signals_unseen_first_and_closed_ones_gone(cora, match, bea):
    seen = _signal(bea, match, kind="crisis")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.acknowledge_signal(actor=cora, signal=seen)
    unseen = _signal(bea, match)
    rows = selectors.open_signals(cora)
    assert [r["url"].rsplit("/", 2)[-2] for r in rows] == [
        str(unseen.pk),
        str(seen.pk),
    ]
    assert "nog niet gezien" in rows[0]["label"]
    assert "nog niet gezien" not in rows[1]["label"]
    assert _one(cora).open_signals == 2
    services.follow_up_signal(actor=cora, signal=seen, follow_up="Gebeld", close=True)
    assert len(selectors.open_signals(cora)) == 1
    assert _one(cora).open_signals == 1


def test_fit_not_good_flags_the_match_while_it_runs(cora, match):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.answer_fit(match=match, side="parent", answer="not_good")
    assert _one(cora).fit_not_good is True
    [row] = selectors.fit_alerts(cora)
    assert "ouder zegt dat het niet goed klikt" in row["label"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.close_match(
            actor=cora, match=match, reason="mismatch", initiator="coordinator"
        )
    assert selectors.fit_alerts(cora) == []


def test_panels_stop_at_ten_rows_with_a_link_to_the_rest(cora):
    matches = [
        active_match(
            cora,
            matchable_buddy(cora.organisation, f"Buddy{i} Test"),
            email=f"ouder{i}@example.nl",
        )
        for i in range(11)
    ]
    Match.objects.filter(pk__in=[m.pk for m in matches]).update(
        started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    rows = selectors.quiet_matches(cora)
    assert len(rows) == 11
    assert rows[-1]["label"] == "Alle 11 koppelingen"
    assert rows[-1]["url"].endswith("?vlag=stil")


def test_nothing_for_another_organisation_or_another_role(cora, match, bea, olga):
    signal = _signal(bea, match)
    check_in = CheckIn.objects.filter(match=match).first()
    Match.objects.filter(pk=match.pk).update(
        started_on=timezone.localdate() - dt.timedelta(days=30)
    )
    for actor in (olga, bea):
        assert not selectors.active_matches(actor).exists()
        assert selectors.open_signals(actor) == []
        assert selectors.overdue_check_ins(actor) == []
        assert selectors.quiet_matches(actor) == []
        assert selectors.fit_alerts(actor) == []
        with pytest.raises(Http404):
            selectors.get_signal_for(actor, signal.pk)
        with pytest.raises(Http404):
            selectors.get_check_in_for(actor, check_in.pk)
    assert selectors.get_signal_for(cora, signal.pk) == signal
    assert selectors.get_check_in_for(cora, check_in.pk) == check_in
    with pytest.raises(Http404):
        selectors.get_signal_for(cora, "geen-uuid")


def test_match_context_shows_the_latest_20_contacts_with_totals(
    cora, match, bea, django_assert_max_num_queries
):
    _started_days_ago(match, 60)
    for day in range(25):
        _contact(bea, match, days_ago=day, minutes=10)
    services.set_agreement(
        actor=cora,
        match=match,
        goals="Weer naar school",
        frequency="weekly",
        contact_modes=["phone", "video"],
    )
    with django_assert_max_num_queries(10):
        context = selectors.match_context(match)
    assert len(context["contacts"]) == 20
    assert context["contacts"][0]["on"] == timezone.localdate()
    assert context["contact_count"] == 25
    assert context["contact_minutes"] == 250
    assert context["agreement"]["version"] == 1
    assert context["agreement"]["mode_labels"] == ["Telefoon", "Videobellen"]
    assert context["closure"] is None


def test_match_context_of_a_closed_match_has_the_closure(cora, match):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.close_match(
            actor=cora,
            match=match,
            reason="goal_reached",
            initiator="together",
            note="Noor gaat weer naar school",
        )
    match.refresh_from_db()
    context = selectors.match_context(match)
    assert context["closure"].get_reason_display() == "Doel bereikt"
    # The open check-ins went away with the match; a closed match is never quiet.
    assert all(c["done_on"] for c in context["check_ins"])
    assert context["quiet"] is False


def test_the_parent_sees_the_latest_20_contacts_and_how_many_in_all(
    cora, match, bea, client
):
    from ouderbuddy.intake import services as intake_services

    _started_days_ago(match, 60)
    for day in range(selectors.LATEST_CONTACTS + 2):
        _contact(bea, match, days_ago=day, minutes=10)
    support = selectors.parent_support(match.request, match)
    assert support is not None
    assert len(support["contacts"]) == selectors.LATEST_CONTACTS
    assert support["contacts"][0]["on"] == timezone.localdate()
    assert support["contact_count"] == selectors.LATEST_CONTACTS + 2
    token = intake_services.status_token(match.request)
    body = client.get(reverse("intake:status", args=[token])).content.decode()
    assert "De laatste 20 van 22 contacten." in body


def test_meetings_around_splits_ahead_and_to_log_in_one_query(
    cora, match, bea, django_assert_num_queries
):
    from ouderbuddy.casework import selectors_buddy
    from ouderbuddy.casework.models import SchoolMeeting

    _started_days_ago(match, 60)
    now = timezone.now()

    def meeting(days: int, **fields) -> SchoolMeeting:
        made = services.plan_meeting(
            actor=bea,
            match=match,
            starts_at=now + dt.timedelta(days=30 + days),
            place="School",
            kind="tlv",
        )
        SchoolMeeting.objects.filter(pk=made.pk).update(
            starts_at=now + dt.timedelta(days=days), **fields
        )
        return made

    ahead = meeting(3)
    to_log = meeting(-2)
    logged = meeting(-3)
    services.log_contact(
        actor=bea,
        match=match,
        on=timezone.localdate() - dt.timedelta(days=3),
        mode="school_meeting",
        minutes=45,
        meeting=logged,
    )
    meeting(-(selectors_buddy.LOG_MEETING_DAYS + 2))  # too long ago to ask
    meeting(-1, cancelled=True)
    meeting(5, cancelled=True)
    with django_assert_num_queries(1):
        upcoming, unlogged = selectors_buddy.meetings_around(match)
    assert [m.pk for m in upcoming] == [ahead.pk]
    assert [m.pk for m in unlogged] == [to_log.pk]
