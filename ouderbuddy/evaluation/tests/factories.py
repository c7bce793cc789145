"""Evaluation worlds made through the services: a started match (T0 sent), answers
given page by page, a closure (T1 sent)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from django.core import mail
from django.test import TestCase

from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.evaluation import instrument, services
from ouderbuddy.evaluation.models import Invitation
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.organisations.models import Membership

LINK = re.compile(r"https?://\S+/vragenlijst/(?P<token>[^/\s]+)/")


def tokens_in_mail() -> list[str]:
    return [
        m.group("token") for message in mail.outbox for m in LINK.finditer(message.body)
    ]


def invitation(match: Match, audience: str, moment: str) -> Invitation:
    return Invitation.objects.get(
        subject__key__match=match, audience=audience, moment=moment
    )


def answer_all(inv: Invitation, value: int | dict[str, Any], **extra: Any) -> None:
    """Answer every page of the invitation's questionnaire: every Likert item with
    `value` (or the answers of a dict), then submit."""
    parsed = instrument.parse(services.version_for(inv).definition)
    for page in parsed.pages:
        if isinstance(value, dict):
            answers = {
                k: v for k, v in value.items() if k in {i.code for i in page.items}
            }
        else:
            answers = {i.code: value for i in page.items if i.kind == "likert"}
        services.save_page(
            invitation=inv,
            page=page.number,
            answers=answers,
            finish=page.number == len(parsed.pages),
            **extra,
        )
        extra = {}


def close(coordinator: Membership, match: Match, reason: str = "goal_reached") -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return casework.close_match(
            actor=coordinator, match=match, reason=reason, initiator="together"
        )


_names = itertools.count(1)


def started(coordinator: Membership, **fields: Any) -> Match:
    """An active match with a buddy of its own (T0 went out when it started)."""
    buddy = matchable_buddy(coordinator.organisation, f"Buddy{next(_names)} Test")
    return active_match(coordinator, buddy, **fields)
