"""The e-mails of buddy support, each in the buddy's language, sent after commit."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.notifications import mail
from ouderbuddy.support.models import IntervisieSession


def _send(
    buddy: Buddy, subject: Promise, template: str, context: dict[str, Any]
) -> None:
    mail.send_templated(
        to=[mail.buddy_recipient(buddy)],
        subject=subject,
        subject_params={"theme": context["session"].theme},
        template=f"support/email/{template}.txt",
        context=context,
        organisation=context["organisation"],
    )


def _context(buddy: Buddy, session: IntervisieSession) -> dict[str, Any]:
    return {
        "buddy": buddy,
        "session": session,
        "group": session.group,
        "organisation": buddy.organisation,
        "link": mail.absolute_url("support:my_intervisie"),
    }


def invited(buddy: Buddy, session: IntervisieSession) -> None:
    """Invite a member of the group to a new session."""
    _send(
        buddy,
        _("Uitnodiging intervisie: %(theme)s"),
        "invited",
        _context(buddy, session),
    )


def cancelled(buddy: Buddy, session: IntervisieSession) -> None:
    """Tell a buddy who signed up that the session is off."""
    _send(
        buddy,
        _("Intervisie gaat niet door: %(theme)s"),
        "cancelled",
        _context(buddy, session),
    )
