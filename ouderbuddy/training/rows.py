"""What a table row of a training page shows, worked out in Python once per row
instead of by template tags and filters per cell (each `{% url %}`, `|date` and
`{% blocktranslate %}` costs more than the row's data). The text is the same as
those tags and filters give."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ZERO = UUID(int=0)


def url_maker(name: str) -> Callable[[Any], str]:
    """`{% url name pk %}` for many keys: one `reverse` a page, then the key put in."""
    head, tail = reverse(name, args=[_ZERO]).split(str(_ZERO))
    return lambda pk: f"{head}{pk}{tail}"


def date(value: dt.datetime, format_: str) -> str:
    """`value|date:format_` (in the current time zone, as the filter does)."""
    return formats.date_format(timezone.localtime(value), format_)


def time(value: dt.datetime, format_: str) -> str:
    """`value|time:format_` (in the current time zone, as the filter does)."""
    return formats.time_format(timezone.localtime(value), format_)


def fill(text: str, **values: Any) -> SafeString:
    """`{% blocktranslate with k=v %}`: `text` (the translation, from `gettext` with
    the literal message id so makemessages finds it) with the values localised and
    escaped as the tag does."""
    return mark_safe(  # noqa: S308 - the values are escaped, the text is ours
        text % {k: escape(formats.localize(v)) for k, v in values.items()}
    )
