"""The write side of the question desk (vraagbaak): a buddy asks, the organisation's
coordinators answer, the thread goes back and forth, a coordinator closes it; an
answer can become a draft knowledge-base article."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.knowledge import services as knowledge
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.selectors import RUNNING
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event
from ouderbuddy.support import emails
from ouderbuddy.support.checks import clean_text, own_buddy
from ouderbuddy.support.models import Question, QuestionStatus, Reply
from ouderbuddy.taxonomy.models import ExperienceCode

SUBJECT_MAX = 200
BODY_MAX = 4000


def _body(value: str) -> str:
    return clean_text(
        value, "body", limit=BODY_MAX, empty=_("Schrijf uw bericht."), multiline=True
    )


def _lock(question: Question) -> Question:
    # Only the question's row is locked: PostgreSQL cannot lock the nullable side
    # of the outer join to the buddy's user.
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("buddy__user")
        .get(pk=question.pk)
    )


def _require_coordinator_of(actor: Membership, question: Question) -> None:
    if actor.role != Role.COORDINATOR or actor.organisation_id != (
        question.organisation_id
    ):
        raise DomainError(_("Alleen een coördinator van dit steunpunt kan dit doen."))


@transaction.atomic
def ask_question(
    *, actor: Membership, subject: str, body: str, match_id: Any = None
) -> Question:
    """The signed-in buddy asks the coordinators a question, optionally about one of
    their own running matches; the coordinators get an e-mail."""
    buddy = own_buddy(actor, _("Alleen een buddy kan hier een vraag stellen."))
    subject = clean_text(
        subject,
        "subject",
        limit=SUBJECT_MAX,
        empty=_("Schrijf waar uw vraag over gaat."),
    )
    body = clean_text(
        body, "body", limit=BODY_MAX, empty=_("Schrijf uw vraag."), multiline=True
    )
    match = None
    if match_id:
        match = Match.objects.filter(
            organisation_id=actor.organisation_id,
            buddy=buddy,
            status__in=RUNNING,
            pk=match_id,
        ).first()
        if match is None:
            raise DomainError(_("Kies een van uw eigen koppelingen."), field="match")
    now = timezone.now()
    question = Question(
        organisation_id=actor.organisation_id,
        buddy=buddy,
        match=match,
        subject=subject,
        status=QuestionStatus.OPEN,
        waiting_since=now,
    )
    question.full_clean()
    question.save()
    Reply.objects.create(
        organisation_id=actor.organisation_id,
        question=question,
        author_id=actor.user_id,
        by_coordinator=False,
        body=body,
    )
    emails.question_asked(question)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.question.ask",
        target=question,
        data={"about_match": match is not None},
    )
    return question


@transaction.atomic
def reply_to_question(*, actor: Membership, question: Question, body: str) -> Reply:
    """A message in the thread: a coordinator's answer (the buddy gets an e-mail and
    the question counts as answered) or the buddy's follow-up (it waits for a
    coordinator again)."""
    question = _lock(question)
    if actor.organisation_id != question.organisation_id:
        raise DomainError(_("Deze vraag hoort niet bij uw steunpunt."))
    by_coordinator = actor.role == Role.COORDINATOR
    if not by_coordinator and not (
        actor.role == Role.BUDDY and question.buddy.user_id == actor.user_id
    ):
        raise DomainError(_("Alleen de buddy en de coördinatoren schrijven hier."))
    if question.status == QuestionStatus.CLOSED:
        raise DomainError(_("Deze vraag is gesloten. Stel gerust een nieuwe vraag."))
    reply = Reply.objects.create(
        organisation_id=question.organisation_id,
        question=question,
        author_id=actor.user_id,
        by_coordinator=by_coordinator,
        body=_body(body),
    )
    if by_coordinator:
        question.status = QuestionStatus.ANSWERED
        question.waiting_since = None
    else:
        question.status = QuestionStatus.OPEN
        question.waiting_since = question.waiting_since or timezone.now()
    question.save(update_fields=["status", "waiting_since", "updated_at"])
    if by_coordinator:
        emails.question_answered(question)
    else:
        emails.question_followed_up(question)
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.question.reply",
        target=question,
        data={"by_coordinator": by_coordinator},
    )
    return reply


@transaction.atomic
def close_question(*, actor: Membership, question: Question) -> Question:
    """A coordinator closes the thread; the buddy can still read it."""
    _require_coordinator_of(actor, question)
    question = _lock(question)
    if question.status == QuestionStatus.CLOSED:
        raise DomainError(_("Deze vraag is al gesloten."))
    question.status = QuestionStatus.CLOSED
    question.waiting_since = None
    question.closed_at = timezone.now()
    question.closed_by_id = actor.user_id
    question.save(
        update_fields=[
            "status",
            "waiting_since",
            "closed_at",
            "closed_by",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.question.close",
        target=question,
    )
    return question


@transaction.atomic
def reopen_question(*, actor: Membership, question: Question) -> Question:
    """A coordinator opens a closed thread again (closed by mistake)."""
    _require_coordinator_of(actor, question)
    question = _lock(question)
    if question.status != QuestionStatus.CLOSED:
        raise DomainError(_("Deze vraag is niet gesloten."))
    question.status = QuestionStatus.ANSWERED
    question.closed_at = None
    question.closed_by = None
    question.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.question.reopen",
        target=question,
    )
    return question


@transaction.atomic
def answer_to_article(*, actor: Membership, question: Question, reply: Reply) -> Any:
    """Turn a coordinator's answer into a draft knowledge-base article for buddies,
    tagged with the codes of the match's request (if the question is about one). The
    draft is the coordinator's to anonymise before publishing; returns it."""
    _require_coordinator_of(actor, question)
    locked = (
        Reply.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id, question=question, pk=reply.pk)
        .first()
    )
    if locked is None or not locked.by_coordinator:
        raise DomainError(
            _("Alleen een antwoord van een coördinator kan een artikel worden.")
        )
    reply = locked
    if reply.article_id is not None:
        raise DomainError(_("Van dit antwoord is al een artikel gemaakt."))
    codes: list[str] = []
    if question.match_id:
        codes = list(
            ExperienceCode.objects.filter(
                help_requests__matches__pk=question.match_id
            ).values_list("code", flat=True)
        )
    article = knowledge.draft_article_from_answer(
        actor=actor,
        title=question.subject,
        body_markdown=reply.body,
        codes=codes,
    )
    reply.article_id = article.pk
    reply.save(update_fields=["article_id", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.question.to_article",
        target=question,
        data={"article": str(article.pk)},
    )
    return article
