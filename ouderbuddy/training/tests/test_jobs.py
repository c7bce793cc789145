"""The daily reminder jobs: who gets an e-mail, and never the same reminder twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from conftest import invite_and_accept
from ouderbuddy.buddies.models import BuddyStatus
from ouderbuddy.notifications.scheduler import run_due_jobs
from ouderbuddy.organisations.models import Role
from ouderbuddy.training import jobs, services
from ouderbuddy.training.models import (
    Enrolment,
    Qualification,
    QualificationKind,
    ReminderKind,
    ReminderSent,
)
from ouderbuddy.training.tests.factories import at, make_buddy, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run a job and return the e-mails it sent, by recipient."""

    def run(job, now):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            job(now)
        return {m.to[0]: m for m in mail.outbox}

    return run


def qualify(buddy, kind, obtained_on, valid_until=None):
    Qualification.objects.create(
        organisation_id=buddy.organisation_id,
        buddy=buddy,
        kind=kind,
        obtained_on=obtained_on,
        valid_until=valid_until,
    )


# --- Session reminders ---------------------------------------------------------------


def test_enrolled_buddies_are_reminded_once_before_a_session(
    cora, session, course, bea, dirk, eva, deliver
):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    services.enrol_buddy(actor=cora, session=session, buddy=dirk)
    services.enrol_buddy(actor=cora, session=session, buddy=eva)  # waiting
    later = make_session(course, at(2027, 1, 23, 19))
    services.enrol_buddy(actor=cora, session=later, buddy=eva)
    cancelled = make_session(course, at(2027, 1, 21, 10))
    services.enrol_buddy(actor=cora, session=cancelled, buddy=eva)
    services.cancel_session(actor=cora, session=cancelled)

    assert deliver(jobs.send_session_reminders, at(2027, 1, 17, 8)) == {}
    sent = deliver(jobs.send_session_reminders, at(2027, 1, 19, 8))
    assert set(sent) == {"bea@buddy.test", "dirk@buddy.test"}
    assert "woensdag 20 januari 2027, 19:00" in sent["bea@buddy.test"].body
    assert sent["bea@buddy.test"].subject == "Herinnering: Basistraining"
    assert Enrolment.objects.filter(reminder_sent_at__isnull=False).count() == 2
    # The next day: the same session is still close, but nobody hears twice.
    assert deliver(jobs.send_session_reminders, at(2027, 1, 20, 8)) == {}
    # Eva's later session comes within reach.
    assert set(deliver(jobs.send_session_reminders, at(2027, 1, 21, 20))) == {
        "eva@buddy.test"
    }


def test_a_buddy_promoted_from_the_waiting_list_is_reminded_too(
    cora, session, bea, dirk, eva, deliver
):
    for buddy in (bea, dirk, eva):
        services.enrol_buddy(actor=cora, session=session, buddy=buddy)
    deliver(jobs.send_session_reminders, at(2027, 1, 19, 8))
    services.cancel_enrolment(actor=cora, enrolment=Enrolment.objects.get(buddy=bea))
    assert set(deliver(jobs.send_session_reminders, at(2027, 1, 20, 8))) == {
        "eva@buddy.test"
    }


def test_run_due_jobs_sends_reminders_once_even_when_called_twice(
    cora, session, bea, django_capture_on_commit_callbacks
):
    services.enrol_buddy(actor=cora, session=session, buddy=bea)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ran = run_due_jobs(at(2027, 1, 19, 7))
        again = run_due_jobs(at(2027, 1, 19, 7, 1))
    assert "training.session_reminders" in ran
    assert again == []
    assert [m.to for m in mail.outbox] == [["bea@buddy.test"]]


# --- Refresher reminders ---------------------------------------------------------------


def test_refresher_reminders_go_once_per_due_date(noord, deliver):
    soon = make_buddy(noord, full_name="Sanne Snel")
    qualify(soon, QualificationKind.BASIC, dt.date(2026, 2, 1))  # due 1 Feb 2027
    later = make_buddy(noord, full_name="Lotte Later")
    qualify(later, QualificationKind.BASIC, dt.date(2026, 4, 1))  # due 1 Apr 2027
    stopped = make_buddy(noord, full_name="Gert Gestopt", status=BuddyStatus.STOPPED)
    qualify(stopped, QualificationKind.BASIC, dt.date(2026, 1, 1))
    make_buddy(noord, full_name="Nina Nieuw")  # no training yet

    sent = deliver(jobs.send_refresher_reminders, at(2027, 1, 10, 7))
    assert set(sent) == {"sanne@buddy.test"}
    assert "vóór 1 februari 2027" in sent["sanne@buddy.test"].body
    assert deliver(jobs.send_refresher_reminders, at(2027, 1, 11, 7)) == {}
    assert ReminderSent.objects.filter(
        kind=ReminderKind.REFRESHER, buddy=soon, due_on=dt.date(2027, 2, 1)
    ).exists()
    # Lotte comes within 30 days on 2 March; Sanne, still overdue, is not told again.
    assert set(deliver(jobs.send_refresher_reminders, at(2027, 3, 2, 7))) == {
        "lotte@buddy.test"
    }
    # Sanne follows a refresher; a year later she is reminded of the new date.
    qualify(soon, QualificationKind.REFRESHER, dt.date(2027, 3, 5), dt.date(2028, 3, 5))
    assert deliver(jobs.send_refresher_reminders, at(2028, 1, 10, 7)) == {}
    assert "sanne@buddy.test" in deliver(
        jobs.send_refresher_reminders, at(2028, 2, 10, 7)
    )


def test_inactive_organisations_get_no_reminders(noord, deliver):
    buddy = make_buddy(noord)
    qualify(buddy, QualificationKind.BASIC, dt.date(2026, 2, 1))
    noord.is_active = False
    noord.save()
    assert deliver(jobs.send_refresher_reminders, at(2027, 1, 10, 7)) == {}


# --- VOG reminders --------------------------------------------------------------------


def test_vog_reminders_reach_the_buddy_and_the_coordinators_once(
    cora, olga, noord, zuid, deliver
):
    colleague = invite_and_accept(cora, "carla@noord.test", "Carla", Role.COORDINATOR)
    gone = invite_and_accept(cora, "gone@noord.test", "Gone", Role.COORDINATOR)
    gone.is_active = False
    gone.save()
    make_buddy(noord, full_name="Vera Vog", vog_valid_until=dt.date(2027, 2, 15))
    make_buddy(noord, full_name="Wim Wacht", vog_valid_until=dt.date(2027, 6, 1))
    make_buddy(
        noord,
        full_name="Stan Stop",
        vog_valid_until=dt.date(2027, 1, 20),
        status=BuddyStatus.STOPPED,
    )
    make_buddy(
        zuid,
        full_name="Zoë Zuid",
        email="zoe@buddy.test",
        vog_valid_until=dt.date(2027, 1, 31),
    )

    sent = deliver(jobs.send_vog_reminders, at(2027, 1, 10, 7))
    assert set(sent) == {
        "vera@buddy.test",
        "zoe@buddy.test",
        "cora@noord.test",
        colleague.user.email,
        "olga@zuid.test",
    }
    assert "vóór 15 februari 2027" in sent["vera@buddy.test"].body
    to_cora = sent["cora@noord.test"].body
    assert "Vera Vog: vóór 15 februari 2027" in to_cora
    assert "Zoë" not in to_cora
    assert "Vera" not in sent["olga@zuid.test"].body
    assert deliver(jobs.send_vog_reminders, at(2027, 1, 11, 7)) == {}
    # Wim comes within 60 days in April; only Wim is in the new list.
    sent = deliver(jobs.send_vog_reminders, at(2027, 4, 5, 7))
    assert set(sent) == {"wim@buddy.test", "cora@noord.test", colleague.user.email}
    assert "Vera" not in sent["cora@noord.test"].body


def test_a_renewed_vog_gets_its_own_reminder_later(noord, deliver):
    vera = make_buddy(noord, full_name="Vera Vog", vog_valid_until=dt.date(2027, 2, 1))
    assert "vera@buddy.test" in deliver(jobs.send_vog_reminders, at(2027, 1, 10, 7))
    vera.vog_valid_until = dt.date(2030, 1, 20)
    vera.save()
    assert deliver(jobs.send_vog_reminders, at(2027, 2, 10, 7)) == {}
    assert "vera@buddy.test" in deliver(jobs.send_vog_reminders, at(2029, 12, 1, 7))
