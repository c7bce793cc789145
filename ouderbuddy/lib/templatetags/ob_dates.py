"""Dates in plain Dutch (B1): "vandaag", "gisteren", "3 dagen geleden".

Load with `{% load ob_dates %}` (registered in settings.TEMPLATES as a library):
`{{ request.received_at|days_ago }}` or `{{ row.age_days|days_ago }}`. Python code
uses `days_ago_text(days)`.
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.translation import gettext, ngettext

register = template.Library()


def days_ago_text(days: int) -> str:
    """How long ago, in words: never "0 dagen geleden"."""
    if days <= 0:
        return gettext("vandaag")
    if days == 1:
        return gettext("gisteren")
    return ngettext("%(days)d dag geleden", "%(days)d dagen geleden", days) % {
        "days": days
    }


def days_since(value: dt.date | dt.datetime, today: dt.date | None = None) -> int:
    """Whole calendar days (Dutch clock) from `value` to today."""
    if isinstance(value, dt.datetime):
        value = (
            timezone.localtime(value).date()
            if timezone.is_aware(value)
            else value.date()
        )
    return ((today or timezone.localdate()) - value).days


@register.filter
def days_ago(value: int | dt.date | dt.datetime | None) -> str:
    """A number of days, or a date or moment, as "vandaag"/"gisteren"/"n dagen geleden"."""
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        value = days_since(value)
    try:
        days = int(value)
    except (TypeError, ValueError):
        return ""
    return days_ago_text(days)
