"""Sessions in the database that are kept alive while used, without a write on every
request.

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every page view, which
cost every signed-in page an UPDATE (and its WAL) for nothing but a new expiry time.
Here the session store remembers the expiry it read, and `SessionTouchMiddleware`
renews it only when it is more than `SESSION_TOUCH_SECONDS` (default 60) old: a
session ends after between `SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS` and
`SESSION_COOKIE_AGE` seconds without activity. A session that changed is saved as
always (SessionMiddleware does that). This module is also the SESSION_ENGINE.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ouderbuddy.lib import fixed_reads


@functools.cache
def _session_sql(model: type[Model]) -> str:
    return fixed_reads.select(model, "s", ("session_key", "="), ("expire_date", ">"))


class SessionStore(db.SessionStore):
    """The database session store; `loaded_expiry` is the expiry of the row it read.

    The row is read with a statement built once per process (`lib/fixed_reads.py`), not
    through a queryset compiled on every request; the same row, the same instance.
    """

    loaded_expiry: dt.datetime | None = None

    def _get_session_from_db(self) -> Any:
        model = self.model
        columns = fixed_reads.columns(model, "s")
        now = fixed_reads.param(model, "expire_date", timezone.now())
        rows = fixed_reads.fetch(_session_sql(model), [self.session_key, now])
        if not rows:
            self._session_key = None
            self.loaded_expiry = None
            return None
        found = columns.build(rows[0], 0, "default")
        self.loaded_expiry = found.expire_date
        return found


class SessionTouchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        expiry = getattr(session, "loaded_expiry", None)
        # Only a stored session that was read here and is not saved anyway.
        if session is None or expiry is None or session.modified:
            return response
        every = getattr(settings, "SESSION_TOUCH_SECONDS", 60)
        left = (expiry - timezone.now()).total_seconds()
        if left <= settings.SESSION_COOKIE_AGE - every:
            session.modified = True  # SessionMiddleware saves it with a new expiry
        return response
