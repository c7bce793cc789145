"""Control characters (NUL, escape, backspace, ...) are never valid input.

PostgreSQL cannot store or compare a NUL byte at all (a 500 on any query that meets
one); the other control characters are not text a person types. Two layers keep them
out:

- every project form (`lib.forms`) refuses them at the field, with a Dutch error next
  to it; only a multi-line text (a textarea) may hold a tab or a line break;
- `ControlCharacterMiddleware` refuses, with the Dutch 400 page, what no form sees: a
  query string (search, filters, page numbers) with a control character, and any
  request that carries a NUL byte (raw reads of request.POST, the Django admin's own
  forms). A cookie with a control character is ignored, as an unknown cookie would be.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

# A tab or a line break belongs in a multi-line text, nowhere else.
MULTILINE_ALLOWED = frozenset("\t\n\r")
NUL = "\x00"


def _is_control(char: str) -> bool:
    # Category Cc: C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F).
    return unicodedata.category(char) == "Cc"


def has_control_characters(value: object, *, multiline: bool = False) -> bool:
    """True when `value` (a string, or a list of strings as a checkbox group sends)
    holds a control character; in `multiline` text a tab or line break is fine."""
    if isinstance(value, str):
        allowed = MULTILINE_ALLOWED if multiline else frozenset()
        return any(_is_control(char) and char not in allowed for char in value)
    if isinstance(value, (list, tuple)):
        return any(has_control_characters(item, multiline=multiline) for item in value)
    return False


def _pairs(data: Any) -> Iterable[str]:
    for key, values in data.lists():
        yield key
        yield from values


def refuses_query(request: HttpRequest) -> bool:
    """A query string may hold no control character at all (tabs and line breaks
    included: a search box is one line)."""
    return any(has_control_characters(value) for value in _pairs(request.GET))


def refuses_body(request: HttpRequest) -> bool:
    """A form post may hold no NUL byte, in a name or in a value."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    return any(NUL in value for value in _pairs(request.POST))


class ControlCharacterMiddleware:
    """Refuses input with control characters before any view or query sees it.

    Sits before the session middleware, so a cookie with a control character is
    dropped before the session store looks it up; the check of GET and POST runs in
    process_view, when the request has its user and language for the 400 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name, value in list(request.COOKIES.items()):
            if has_control_characters(name) or has_control_characters(value):
                del request.COOKIES[name]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: Any,
        kwargs: Any,
    ) -> None:
        if has_control_characters(request.path) or refuses_query(request):
            raise BadRequest("control character in the URL or query string")
        if refuses_body(request):
            raise BadRequest("NUL byte in the posted form")
