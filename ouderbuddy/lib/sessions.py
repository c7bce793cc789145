"""Keep a session alive while it is used, without writing it on every request.

Django's `SESSION_SAVE_EVERY_REQUEST` writes the session row on every page view, which
cost every signed-in page an UPDATE (and its WAL) for nothing but a new expiry time.
This middleware renews the expiry at most once per `SESSION_TOUCH_SECONDS` (default
60): the session ends after between `SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS` and
`SESSION_COOKIE_AGE` seconds without activity. A session that changed is saved as
always (SessionMiddleware does that).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

TOUCHED_KEY = "_touched"


class SessionTouchMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session that exists and was read: an anonymous visitor's page makes
        # none, and a session flushed by signing out is left alone.
        if (
            session is not None
            and session.session_key
            and session.accessed
            and not session.is_empty()
        ):
            now = int(time.time())
            every = getattr(settings, "SESSION_TOUCH_SECONDS", 60)
            if now - int(session.get(TOUCHED_KEY, 0)) >= every:
                session[TOUCHED_KEY] = now
        return response
