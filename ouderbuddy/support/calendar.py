"""The intervisie sessions in the buddy's agenda feed (casework.hooks.feed_items)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework.hooks import FeedItem
from ouderbuddy.notifications import mail
from ouderbuddy.support import selectors


def add_sessions(buddy: Buddy, since: dt.datetime, items: list[FeedItem]) -> None:
    """Add the sessions the buddy signed up for (cancelled ones drop out)."""
    items.extend(
        FeedItem(
            uid=f"intervisie-{s.pk}",
            summary=_("Intervisie: %(theme)s") % {"theme": s.theme},
            start=s.starts_at,
            end=s.ends_at,
            location=s.location or s.online_url or None,
            url=mail.absolute_url("support:my_intervisie"),
        )
        for s in selectors.feed_sessions(buddy, since)
    )
