"""How the results page words a figure: a mean with its n, a change with its
interval, and "fewer than 5" for every suppressed figure (`evaluation.stats`)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ouderbuddy.evaluation import stats

register = template.Library()


def _suppressed() -> str:
    return _("minder dan %(n)s mensen") % {"n": stats.MIN_CELL}


def _number(value: float, signed: bool = False) -> str:
    text = number_format(round(value, 1), 1)
    if signed and round(value, 1) > 0:
        return f"+{text}"
    return text


@register.filter
def mean_text(value: stats.Mean | None) -> str:
    if value is None:
        return _suppressed()
    return _("%(mean)s (n = %(n)s)") % {"mean": _number(value.mean), "n": value.n}


@register.filter
def change_text(value: stats.Change | None) -> str:
    if value is None:
        return _suppressed()
    return _("%(mean)s (95%%-interval %(low)s tot %(high)s; n = %(n)s)") % {
        "mean": _number(value.mean, signed=True),
        "low": _number(value.low, signed=True),
        "high": _number(value.high, signed=True),
        "n": value.n,
    }


@register.filter
def rate_text(value: stats.Rate | None) -> str:
    if value is None:
        return _suppressed()
    return _("%(percent)s%% (%(answered)s van %(invited)s)") % {
        "percent": value.percent,
        "answered": value.answered,
        "invited": value.invited,
    }
