"""The e-mails of training, in the reader's language. Each is sent after the commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.training.models import Enrolment, Session


def _send(
    to: Buddy | mail.Addressee,
    subject: Promise,
    subject_args: dict[str, Any],
    template: str,
    context: dict[str, Any],
) -> None:
    """Subject and body in the reader's language: a buddy's account language (or the
    language of their application), a coordinator's own."""
    recipient = mail.buddy_recipient(to) if isinstance(to, Buddy) else to
    mail.send_templated(
        to=[recipient],
        subject=subject,
        subject_params=subject_args,
        template=f"training/email/{template}.txt",
        context=context,
    )


def _session_context(buddy: Buddy, session: Session) -> dict[str, Any]:
    return {
        "buddy": buddy,
        "session": session,
        "course": session.course,
        "organisation": buddy.organisation,
        "link": mail.absolute_url("training:my_trainings"),
    }


def enrolled(enrolment: Enrolment) -> None:
    """Tell the buddy they have a place."""
    _send(
        enrolment.buddy,
        _("U bent ingeschreven voor %(course)s"),
        {"course": enrolment.session.course.title},
        "enrolled",
        _session_context(enrolment.buddy, enrolment.session),
    )


def waitlisted(enrolment: Enrolment, position: int) -> None:
    """Tell the buddy the session is full and they are on the waiting list."""
    context = _session_context(enrolment.buddy, enrolment.session)
    context["position"] = position
    _send(
        enrolment.buddy,
        _("U staat op de wachtlijst voor %(course)s"),
        {"course": enrolment.session.course.title},
        "waitlisted",
        context,
    )


def promoted(enrolment: Enrolment) -> None:
    """Tell the buddy a place came free and they now have it."""
    _send(
        enrolment.buddy,
        _("Er is een plaats vrij: u bent ingeschreven voor %(course)s"),
        {"course": enrolment.session.course.title},
        "promoted",
        _session_context(enrolment.buddy, enrolment.session),
    )


def enrolment_cancelled(enrolment: Enrolment) -> None:
    """Tell the buddy the coordinator took them off a session."""
    _send(
        enrolment.buddy,
        _("Uw aanmelding voor %(course)s is geannuleerd"),
        {"course": enrolment.session.course.title},
        "enrolment_cancelled",
        _session_context(enrolment.buddy, enrolment.session),
    )


def session_cancelled(enrolment: Enrolment) -> None:
    """Tell an enrolled or waiting buddy the session does not go ahead."""
    _send(
        enrolment.buddy,
        _("%(course)s gaat niet door"),
        {"course": enrolment.session.course.title},
        "session_cancelled",
        _session_context(enrolment.buddy, enrolment.session),
    )


def session_reminder(enrolment: Enrolment) -> None:
    """Remind the buddy of a session in the next few days."""
    _send(
        enrolment.buddy,
        _("Herinnering: %(course)s"),
        {"course": enrolment.session.course.title},
        "session_reminder",
        _session_context(enrolment.buddy, enrolment.session),
    )


def refresher_due(buddy: Buddy, due_on: dt.date) -> None:
    """Tell the buddy their refresher training is due soon (or overdue)."""
    _send(
        buddy,
        _("Tijd voor een opfristraining"),
        {},
        "refresher_reminder",
        {
            "buddy": buddy,
            "due_on": due_on,
            "organisation": buddy.organisation,
            "link": mail.absolute_url("training:my_trainings"),
        },
    )


def vog_due_to_buddy(buddy: Buddy) -> None:
    """Tell the buddy their VOG must be renewed soon (or has expired)."""
    _send(
        buddy,
        _("U heeft binnenkort een nieuwe VOG nodig"),
        {},
        "vog_reminder_buddy",
        {
            "buddy": buddy,
            "due_on": buddy.vog_valid_until,
            "organisation": buddy.organisation,
        },
    )


def vog_due_to_coordinator(
    coordinator: mail.Addressee, organisation: Organisation, buddies: Sequence[Buddy]
) -> None:
    """Tell a coordinator (a User: their language) which buddies need a new VOG soon."""
    _send(
        coordinator,
        _("VOG's die bijna verlopen bij %(organisation)s"),
        {"organisation": organisation.name},
        "vog_reminder_coordinator",
        {
            "buddies": buddies,
            "organisation": organisation,
            "link": mail.absolute_url("dashboard:start"),
        },
    )
