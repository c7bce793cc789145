"""Daily jobs of training: reminders for sessions, refreshers and VOGs.

Each reminder is recorded before its e-mail is queued, in the same transaction, so a
reminder goes out once even when a job runs again. The windows overlap from day to
day, so a day the scheduler missed is caught up the next day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.notifications.scheduler import daily_job, local_date
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.training import emails
from ouderbuddy.training.models import (
    Enrolment,
    EnrolmentStatus,
    ReminderKind,
    ReminderSent,
)
from ouderbuddy.training.selectors import refreshers_due_among

SESSION_REMINDER_DAYS = 2
REFRESHER_REMINDER_DAYS = 30
VOG_REMINDER_DAYS = 60


@daily_job("training.session_reminders")
def send_session_reminders(now: dt.datetime) -> int:
    """E-mail each enrolled buddy once before a session in the next two days."""
    due = Enrolment.objects.filter(
        status=EnrolmentStatus.ENROLLED,
        reminder_sent_at__isnull=True,
        session__cancelled_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + dt.timedelta(days=SESSION_REMINDER_DAYS),
        session__organisation__is_active=True,
    ).select_related("session__course", "buddy__organisation")
    sent = 0
    for enrolment in due:
        with transaction.atomic():
            # Claim the reminder with a conditional update: only one claim can win.
            claimed = Enrolment.objects.filter(
                pk=enrolment.pk,
                status=EnrolmentStatus.ENROLLED,
                reminder_sent_at__isnull=True,
            ).update(reminder_sent_at=now)
            if not claimed:
                continue
            emails.session_reminder(enrolment)
            record_event(
                actor=None,
                organisation=enrolment.buddy.organisation,
                verb="training.reminder.session",
                target=enrolment,
            )
            sent += 1
    return sent


def _record_reminder(kind: str, buddy: Buddy, due_on: dt.date) -> bool:
    """True when this reminder is new; False when it went out before."""
    _reminder, created = ReminderSent.objects.get_or_create(
        kind=kind,
        buddy=buddy,
        due_on=due_on,
        defaults={"organisation_id": buddy.organisation_id},
    )
    if created:
        record_event(
            actor=None,
            organisation=buddy.organisation,
            verb=f"training.reminder.{kind}",
            target=buddy,
            data={"due_on": due_on.isoformat()},
        )
    return created


@daily_job("training.refresher_reminders")
def send_refresher_reminders(now: dt.datetime) -> int:
    """E-mail buddies whose refresher is due within 30 days, once per due date."""
    until = local_date(now) + dt.timedelta(days=REFRESHER_REMINDER_DAYS)
    buddies = Buddy.objects.filter(organisation__is_active=True).exclude(
        status=BuddyStatus.STOPPED
    )
    sent = 0
    for buddy, due_on in refreshers_due_among(
        buddies.select_related("organisation"), until
    ):
        with transaction.atomic():
            if _record_reminder(ReminderKind.REFRESHER, buddy, due_on):
                emails.refresher_due(buddy, due_on)
                sent += 1
    return sent


@daily_job("training.vog_reminders")
def send_vog_reminders(now: dt.datetime) -> int:
    """E-mail buddies whose VOG expires within 60 days, and their coordinators, once
    per buddy per expiry date; each coordinator gets one list per organisation."""
    until = local_date(now) + dt.timedelta(days=VOG_REMINDER_DAYS)
    buddies = (
        Buddy.objects.filter(
            organisation__is_active=True,
            vog_valid_until__isnull=False,
            vog_valid_until__lte=until,
        )
        .exclude(status=BuddyStatus.STOPPED)
        .select_related("organisation")
        .order_by("vog_valid_until", "full_name")
    )
    by_organisation: dict[Organisation, list[Buddy]] = defaultdict(list)
    for buddy in buddies:
        by_organisation[buddy.organisation].append(buddy)
    sent = 0
    for organisation, candidates in by_organisation.items():
        with transaction.atomic():
            new = [
                buddy
                for buddy in candidates
                if buddy.vog_valid_until is not None
                and _record_reminder(ReminderKind.VOG, buddy, buddy.vog_valid_until)
            ]
            if not new:
                continue
            for buddy in new:
                emails.vog_due_to_buddy(buddy)
            coordinators = Membership.objects.filter(
                organisation=organisation,
                role=Role.COORDINATOR,
                is_active=True,
                user__is_active=True,
            ).select_related("user")
            for membership in coordinators:
                emails.vog_due_to_coordinator(membership.user, organisation, new)
            sent += len(new)
    return sent
