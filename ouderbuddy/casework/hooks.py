"""Points where casework asks higher apps for more (`lib.hooks`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ouderbuddy.lib.hooks import Answer, Hook

if TYPE_CHECKING:
    from ouderbuddy.buddies.models import Buddy
    from ouderbuddy.casework.models import Closure
    from ouderbuddy.matching.models import Match


@dataclass(frozen=True)
class FeedItem:
    """One event of the buddy's agenda feed, named without parent or child."""

    uid: str
    summary: str
    start: dt.datetime
    end: dt.datetime
    location: str | None = None
    url: str | None = None


def _feed_items(buddy: Buddy, since: dt.datetime, items: list[FeedItem]) -> object:
    """Higher apps add the buddy's events since `since` to `items` (support: the
    intervisie sessions the buddy signed up for)."""


feed_items = Hook.like(_feed_items, "casework.feed_items")


def _closure_questionnaires(match: Match, closure: Closure) -> dict[str, str]:
    """At closure (in casework's transaction) the evaluation app invites parent and
    buddy to the questionnaire at the end; the answer maps each side ("parent",
    "buddy") to its personal link, which the closure e-mail carries. A side missing
    from the answer gets no link (a parent who declined before)."""
    return {}


closure_questionnaires = Answer.like(
    _closure_questionnaires, "casework.closure_questionnaires"
)
