"""The coordinator's request lists, worded once per row in Python.

A list page shows 25 rows; through the template engine each date filter,
`blocktranslate`, `{% url %}` and include of a row costs more than the row's query.
Here each row's texts are made with the same functions the template tags use
(the date format's month names, `gettext` with escaped values, one `reverse` per page),
so the HTML is the same. `tests/test_rows.py` compares them with the templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any
from uuid import UUID

from django.forms import BoundField
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib.field_html import _help_errors
from ouderbuddy.lib.models import quick_display
from ouderbuddy.lib.widget_html import _out

_ZERO = UUID(int=0)


# The month names of each language, as the "F" of a date format gives them.
_MONTHS: dict[str, tuple[str, ...]] = {}


class LongDates:
    """`value|date:"j F Y"` in the active language and time zone (a moment on the
    Dutch clock, as the template shows it); made once per page, called per row."""

    def __init__(self) -> None:
        language = get_language() or ""
        months = _MONTHS.get(language)
        if months is None:
            months = _MONTHS[language] = tuple(str(MONTHS[m]) for m in range(1, 13))
        self.months = months
        self.zone = timezone.get_current_timezone()

    def __call__(self, value: dt.date | dt.datetime) -> str:
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            value = value.astimezone(self.zone)
        return f"{value.day} {self.months[value.month - 1]} {value.year:04d}"

    def day_and_time(self, value: dt.datetime) -> str:
        """`value|date:"j F H:i"`."""
        if timezone.is_aware(value):
            value = value.astimezone(self.zone)
        month = self.months[value.month - 1]
        return f"{value.day} {month} {value.hour:02d}:{value.minute:02d}"


def long_date(value: dt.date | dt.datetime) -> str:
    """`value|date:"j F Y"` for one value."""
    return LongDates()(value)


def fill(text: str, **values: str) -> SafeString:
    """`{% blocktranslate with k=v %}` with text values: `text` (the translation, from
    `gettext` with the literal msgid, so that makemessages finds it) with the values
    escaped."""
    return mark_safe(  # noqa: S308 - the values are escaped, the msgstr is ours
        text % {k: escape(v) for k, v in values.items()}
    )


def url_maker(name: str, kwarg: str, **fixed: Any) -> Callable[[Any], str]:
    """`{% url name … pk %}` for many keys: one `reverse` per page, then the key put in
    (`fixed` holds the route's other arguments)."""
    head, _, tail = reverse(name, kwargs={**fixed, kwarg: _ZERO}).partition(str(_ZERO))
    return lambda pk: f"{head}{pk}{tail}"


_DEADLINE_KIND = HelpRequest._meta.get_field("deadline_kind")


class _Kind:
    """Enough of a HelpRequest for `quick_display` of its deadline kind."""

    __slots__ = ("deadline_kind",)

    def __init__(self, value: str) -> None:
        self.deadline_kind = value


def deadline_kind_display(value: str) -> str:
    """`get_deadline_kind_display` for a stored value."""
    return str(quick_display(_Kind(value), _DEADLINE_KIND))  # type: ignore[arg-type]


class Flags:
    """What `intake/triage/_flags.html` draws for a request: made once per page (the
    fixed texts translated once), called per row."""

    def __init__(self, today: dt.date, soon: dt.date) -> None:
        self.today = today
        self.soon = soon
        self.dates = LongDates()
        self.important = gettext("Belangrijke datum")
        self.past = gettext("%(kind)s: %(date)s (voorbij)")
        self.ahead = gettext("%(kind)s: %(date)s")
        self.within = (
            f" <strong>{escape(gettext('(binnen 14 dagen)'))}</strong></span>\n"
        )
        self.home = (
            f'<span class="ob-badge">{escape(gettext("Langer dan 4 weken thuis"))}'
            "</span>\n"
        )
        self.calm = (
            f'<span class="ob-empty">{escape(gettext("Geen haast bekend"))}</span>\n'
        )

    def __call__(
        self, *, deadline_on: dt.date | None, deadline_kind: str, out_of_school: bool
    ) -> SafeString:
        parts = []
        if deadline_on:
            kind = (
                deadline_kind_display(deadline_kind) if deadline_kind else ""
            ) or self.important
            date = self.dates(deadline_on)
            if deadline_on < self.today:
                text = fill(self.past, date=date, kind=kind)
            else:
                text = fill(self.ahead, date=date, kind=kind)
            parts.append(f'<span class="ob-badge">{text}')
            parts.append(self.within if deadline_on <= self.soon else "</span>\n")
        else:
            parts.append("\n")
        parts.append(self.home if out_of_school else "\n")
        parts.append(self.calm if not deadline_on and not out_of_school else "\n")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def flags_html(
    *,
    deadline_on: dt.date | None,
    deadline_kind: str,
    out_of_school: bool,
    today: dt.date,
    soon: dt.date,
) -> SafeString:
    """What `intake/triage/_flags.html` draws for one request."""
    return Flags(today, soon)(
        deadline_on=deadline_on,
        deadline_kind=deadline_kind,
        out_of_school=out_of_school,
    )


def filter_field_html(field: BoundField) -> SafeString:
    """What `intake/triage/_filter_field.html` draws for `field`."""
    return mark_safe(  # noqa: S308 - every value is escaped
        '<div class="utrecht-form-field'
        + (" utrecht-form-field--invalid" if field.errors else "")
        + '">\n  <div class="utrecht-form-field__label">'
        '<label class="utrecht-form-label" for="'
        + _out(field.id_for_label)
        + '">'
        + _out(field.label)
        + "</label></div>\n  "
        + _help_errors(field)
        + '\n  <div class="utrecht-form-field__input">'
        + _out(field)
        + "</div>\n</div>\n"
    )
