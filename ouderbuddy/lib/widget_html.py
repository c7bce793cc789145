"""Django's own widget templates, written out in Python.

A form field's widget is drawn by Django's templates in django/forms/widgets/: an
option of a list of 60 checkboxes takes four nested template renders
(checkbox_option → input_option → input → attrs). On the pages with the taxonomy's
code lists that was a third of the page's CPU. These functions give the same HTML,
character for character (tests/test_widget_html.py renders every widget of every form
of the project both ways and compares), from the same widget context, with the same
escaping and localisation as the template engine (`render_value_in_context`,
`stringformat`). Templates this module does not know still go through the engine.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, SafeString, mark_safe


class _Context:
    """What `render_value_in_context` reads of a template context (the defaults of
    a DTL render: autoescape on, localisation and time zone as the settings say)."""

    autoescape = True
    use_l10n = None
    use_tz = None


_CONTEXT: Any = _Context()


def _out(value: Any) -> str:
    """`{{ value }}`."""
    # The common cases first, as the engine treats them: plain text is escaped, safe
    # text is kept; anything else (numbers, dates, lazy text) goes the engine's way.
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is SafeString:
        return str(value)
    return render_value_in_context(value, _CONTEXT)


def _fmt(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe string safe)."""
    kind = type(value)
    if kind is str or kind is int:
        return html.escape(str(value))
    formatted = stringformat(value, "s")
    if isinstance(value, SafeData):
        formatted = mark_safe(formatted)  # noqa: S308 - it was safe before
    return render_value_in_context(formatted, _CONTEXT)


def _lookup(mapping: Any, key: str) -> Any:
    """`{{ mapping.key }}` for a dict: the value, or "" when missing."""
    if isinstance(mapping, Mapping):
        return mapping.get(key, "")
    return ""


def attrs(widget: Mapping[str, Any]) -> str:
    parts = []
    for name, value in widget["attrs"].items():
        if value is not False:
            parts.append(" " + _out(name))
            if value is not True:
                parts.append('="' + _fmt(value) + '"')
    return "".join(parts)


# Each function gives what its template gives, up to the newline at the end of the
# file; a template that only includes another adds one more (text.html holds
# `{% include "django/forms/widgets/input.html" %}` and a newline).


def input_html(widget: Mapping[str, Any]) -> str:
    """input.html."""
    value = widget.get("value")
    shown = ' value="' + _fmt(value) + '"' if value is not None else ""
    return (
        f'<input type="{_out(widget.get("type", ""))}" '
        f'name="{_out(widget.get("name", ""))}"{shown}{attrs(widget)}>\n'
    )


def typed_input(widget: Mapping[str, Any]) -> str:
    """text.html, date.html, …: input.html included."""
    return input_html(widget) + "\n"


def input_option(widget: Mapping[str, Any]) -> str:
    """input_option.html."""
    if not widget.get("wrap_label"):
        return input_html(widget) + "\n"
    option_id = _lookup(widget.get("attrs"), "id")
    for_attr = f' for="{_out(option_id)}"' if option_id else ""
    label = _out(widget.get("label", ""))
    return f"<label{for_attr}>{input_html(widget)} {label}</label>\n"


def choice_option(widget: Mapping[str, Any]) -> str:
    """radio_option.html, checkbox_option.html: input_option.html included."""
    return input_option(widget) + "\n"


def select_option(widget: Mapping[str, Any]) -> str:
    """select_option.html."""
    return (
        f'<option value="{_fmt(widget.get("value"))}"{attrs(widget)}>'
        f"{_out(widget.get('label', ''))}</option>\n"
    )


def _option(option: Mapping[str, Any]) -> str:
    render = OPTION_TEMPLATES.get(option.get("template_name", ""))
    if render is None:
        raise _NotOurs
    return render(option)


def select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{_out(widget.get("name", ""))}"{attrs(widget)}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_out(group_name)}">')
        for option in group_choices:
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def multiple_input(widget: Mapping[str, Any]) -> str:
    widget_id = _lookup(widget.get("attrs"), "id")
    widget_class = _lookup(widget.get("attrs"), "class")
    parts = ["<div"]
    if widget_id:
        parts.append(f' id="{_out(widget_id)}"')
    if widget_class:
        parts.append(f' class="{_out(widget_class)}"')
    parts.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_out(group)}</label>")
        for option in options:
            parts.append("<div>\n    " + _option(option) + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def choice_list(widget: Mapping[str, Any]) -> str:
    """radio.html, checkbox_select.html: multiple_input.html included."""
    return multiple_input(widget) + "\n"


def textarea(widget: Mapping[str, Any]) -> str:
    value = widget.get("value")
    body = _out(value) if value else ""
    return f'<textarea name="{_out(widget.get("name", ""))}"{attrs(widget)}>\n{body}</textarea>\n'


class _NotOurs(Exception):
    """An option drawn by a template this module does not know: render the widget
    with the engine instead."""


_INPUTS = [
    "checkbox",
    "color",
    "date",
    "datetime",
    "email",
    "file",
    "hidden",
    "number",
    "password",
    "search",
    "tel",
    "text",
    "time",
    "url",
]
WIDGET_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{f"django/forms/widgets/{name}.html": typed_input for name in _INPUTS},
    "django/forms/widgets/input.html": input_html,
    "django/forms/widgets/select.html": select,
    "django/forms/widgets/checkbox_select.html": choice_list,
    "django/forms/widgets/radio.html": choice_list,
    "django/forms/widgets/multiple_input.html": multiple_input,
    "django/forms/widgets/textarea.html": textarea,
}
OPTION_TEMPLATES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "django/forms/widgets/select_option.html": select_option,
    "django/forms/widgets/checkbox_option.html": choice_option,
    "django/forms/widgets/radio_option.html": choice_option,
    "django/forms/widgets/input_option.html": input_option,
}


def render_widget(template_name: str, context: Mapping[str, Any]) -> SafeString | None:
    """The widget's HTML, or None when this module does not draw that template."""
    render = WIDGET_TEMPLATES.get(template_name)
    widget = context.get("widget")
    if render is None or not isinstance(widget, Mapping) or len(context) != 1:
        return None
    try:
        # BaseRenderer.render strips what the template gives.
        return mark_safe(render(widget).strip())  # noqa: S308 - every value is escaped
    except _NotOurs:
        return None
