"""A table's counts as an accessible bar chart: an SVG drawn on the server (no
script, so it works under the strict CSP), with a title and a description, every
bar labelled with its number (not colour alone), and focusable from the keyboard.
A suppressed figure has no bar, only its x."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ouderbuddy.reports.selectors import Table, money
from ouderbuddy.reports.services import hours_text

register = template.Library()

WIDTH = 340
ROW = 46
BAR = 18


@register.simple_tag
def bar_chart(table: Table) -> SafeString:
    largest = table.largest or 1
    rows = []
    for index, (label, value) in enumerate(table.bars):
        top = index * ROW
        length = 0 if not value else max(2, round((WIDTH - 60) * value / largest))
        rows.append(
            (
                top + 16,
                label,
                top + 22,
                length,
                length + 6,
                top + 36,
                _("x") if value is None else value,
            )
        )
    bars = format_html_join(
        "",
        '<text class="ob-chart__label" x="0" y="{}">{}</text>'
        '<rect class="ob-chart__bar" x="0" y="{}" width="{}" height="18" rx="2" fill="#01689b"></rect>'
        '<text class="ob-chart__value" x="{}" y="{}">{}</text>',
        rows,
    )
    height = max(ROW, ROW * len(rows))
    return format_html(
        '<svg class="ob-chart" role="img" tabindex="0" viewBox="0 0 {} {}" '
        'aria-labelledby="chart-{}-title chart-{}-desc">'
        '<title id="chart-{}-title">{}</title><desc id="chart-{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        table.key,
        table.key,
        table.key,
        table.title,
        table.key,
        table.summary,
        bars,
    )


@register.filter
def euro(value: Decimal | None) -> str:
    return money(value)


@register.filter
def css_string(value: object) -> SafeString:
    """Text as a quoted CSS string, for the PDF's page header: backslash, quote,
    line breaks and `<` escaped, so no name can end the string or the style block."""
    text = str(value)
    for plain, escaped in (
        ("\\", "\\\\"),
        ('"', '\\"'),
        ("<", "\\3c "),
        (">", "\\3e "),
    ):
        text = text.replace(plain, escaped)
    text = " ".join(text.split())
    return mark_safe(f'"{text}"')  # noqa: S308 - escaped above for a CSS string


@register.filter
def hours(minutes: int) -> str:
    """Minutes as hours the Dutch way (90 -> "1,5")."""
    return hours_text(minutes)
