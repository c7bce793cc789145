"""The e-mails of buddy support, each in the buddy's language, sent after commit."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.notifications import mail
from ouderbuddy.support.models import (
    Announcement,
    ClaimStatus,
    ExpenseClaim,
    IntervisieSession,
    Question,
    ThankYou,
)
from ouderbuddy.support.recognition import YearSummary


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


# --- The question desk -----------------------------------------------------------


def _question_context(question: Question) -> dict[str, Any]:
    # The subject and the text stay in the app: a buddy may have written about the
    # parent or the child in them, and an e-mail travels further than a page.
    return {
        "question": question,
        "buddy": question.buddy,
        "organisation": question.buddy.organisation,
    }


def question_asked(question: Question) -> None:
    """Tell the organisation's coordinators a buddy asked a question."""
    mail.send_templated(
        to=mail.coordinators(question.organisation_id),
        subject=_("Nieuwe vraag in de vraagbaak"),
        template="support/email/question_asked.txt",
        context={
            **_question_context(question),
            "link": mail.absolute_url("support:question", question.pk),
        },
        organisation=question.buddy.organisation,
    )


def question_followed_up(question: Question) -> None:
    """Tell the coordinators the buddy wrote again in the thread."""
    mail.send_templated(
        to=mail.coordinators(question.organisation_id),
        subject=_("Een buddy reageert in de vraagbaak"),
        template="support/email/question_followed_up.txt",
        context={
            **_question_context(question),
            "link": mail.absolute_url("support:question", question.pk),
        },
        organisation=question.buddy.organisation,
    )


def question_answered(question: Question) -> None:
    """Tell the buddy their question has an answer (the text stays in the app)."""
    mail.send_templated(
        to=[mail.buddy_recipient(question.buddy)],
        subject=_("Er is een antwoord op uw vraag"),
        template="support/email/question_answered.txt",
        context={
            **_question_context(question),
            "link": mail.absolute_url("support:my_question", question.pk),
        },
        organisation=question.buddy.organisation,
    )


def announcement(buddy: Buddy, message: Announcement) -> None:
    """A coordinator's message to one buddy (the frame in the buddy's language, the
    message as the coordinator wrote it)."""
    mail.send_templated(
        to=[mail.buddy_recipient(buddy)],
        subject=_("Bericht van %(organisation)s: %(title)s"),
        subject_params={
            "organisation": buddy.organisation.name,
            "title": message.title,
        },
        template="support/email/announcement.txt",
        context={
            "buddy": buddy,
            "announcement": message,
            "organisation": buddy.organisation,
            "link": mail.absolute_url("dashboard:start"),
        },
        organisation=buddy.organisation,
    )


def thank_you(buddy: Buddy, thanks: ThankYou, summary: YearSummary) -> None:
    """The coordinator's thank-you note with the buddy's year in numbers."""
    mail.send_templated(
        to=[mail.buddy_recipient(buddy)],
        subject=_("Dank u wel voor %(year)s"),
        subject_params={"year": thanks.year},
        template="support/email/thank_you.txt",
        context={
            "buddy": buddy,
            "thanks": thanks,
            "summary": summary,
            "organisation": buddy.organisation,
            "link": mail.absolute_url("support:my_year") + f"?jaar={thanks.year}",
        },
        organisation=buddy.organisation,
    )


# --- Expenses ---------------------------------------------------------------------
# The amount, the description and the reason stay in the app.


def claim_submitted(claim: ExpenseClaim) -> None:
    """Tell the organisation's coordinators a buddy filed a claim."""
    mail.send_templated(
        to=mail.coordinators(claim.organisation_id),
        subject=_("Nieuwe declaratie van een buddy"),
        template="support/email/claim_submitted.txt",
        context={
            "buddy": claim.buddy,
            "organisation": claim.buddy.organisation,
            "link": mail.absolute_url("support:claim", claim.pk),
        },
        organisation=claim.buddy.organisation,
    )


def claim_decided(claim: ExpenseClaim) -> None:
    """Tell the buddy their claim was approved or rejected."""
    approved = claim.status == ClaimStatus.APPROVED
    mail.send_templated(
        to=[mail.buddy_recipient(claim.buddy)],
        subject=_("Uw declaratie is goedgekeurd")
        if approved
        else _("Uw declaratie is afgewezen"),
        template="support/email/claim_decided.txt",
        context={
            "buddy": claim.buddy,
            "claim": claim,
            "approved": approved,
            "organisation": claim.buddy.organisation,
            "link": mail.absolute_url("support:my_claim", claim.pk),
        },
        organisation=claim.buddy.organisation,
    )
