"""The project's field layout (templates/components/field.html), written out in Python.

Every form field of every page is drawn through that template and the one it
includes (field_help_errors.html): label, "(niet verplicht)", hint, errors, the
search box of a long list, the widget. On a page with a form per row (a session's
attendance, a buddy's page) that was a quarter of the page's CPU. `field_html` gives
the same HTML, character for character (lib/tests/test_field_html.py renders every
field of every project form, empty and with errors, both ways and compares); the
templates stay the reference, and a change to them fails that test until this module
follows.
"""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.template.defaultfilters import length
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ouderbuddy.lib.widget_html import _out

TEMPLATE = "components/field.html"
FORM_TEMPLATE = "components/form.html"


def _help_errors(field: BoundField) -> str:
    """templates/components/field_help_errors.html (two lines, each with its newline)."""
    parts = []
    if field.help_text:
        parts.append(
            '<div class="utrecht-form-field__description '
            'utrecht-form-field-description" id="'
            + _out(field.auto_id)
            + '_helptext">'
            + _out(field.help_text)
            + "</div>"
        )
    parts.append("\n")
    errors = field.errors
    if errors:
        parts.append(
            '<div class="utrecht-form-field__error-message '
            'utrecht-form-field-error-message" id="' + _out(field.auto_id) + '_error">'
        )
        for error in errors:
            parts.append('<p class="utrecht-paragraph">' + _out(error) + "</p>")
        parts.append("</div>")
    parts.append("\n")
    return "".join(parts)


def _listed(form: Any, attribute: str, name: str) -> bool:
    """`name in form.attribute|default:""`."""
    values = getattr(form, attribute, "") or ""
    return name in values


def _optional(field: BoundField) -> str:
    if not field.field.required and not _listed(
        field.form, "conditionally_required", field.name
    ):
        return (
            ' <span class="ob-optional">('
            + _out(gettext("niet verplicht"))
            + ")</span>"
        )
    return ""


def field_html(field: BoundField) -> SafeString:
    """What components/field.html gives for `field` (stripped, as the renderer does)."""
    errors = field.errors
    widget_type = field.widget_type
    out = [
        '<div class="utrecht-form-field utrecht-form-field--distanced',
        " utrecht-form-field--invalid" if errors else "",
        " utrecht-form-field--checkbox" if widget_type == "checkbox" else "",
        '">\n',
    ]
    if field.use_fieldset:
        described = field.aria_describedby
        out += [
            '\n  <fieldset class="utrecht-form-fieldset '
            "utrecht-form-fieldset--html-fieldset",
            " utrecht-form-fieldset--invalid" if errors else "",
            '"',
            ' aria-describedby="' + _out(described) + '"' if described else "",
            ">\n    "
            '<legend class="utrecht-form-fieldset__legend '
            'utrecht-form-fieldset__legend--html-legend">',
            _out(field.label),
            _optional(field),
            "</legend>\n    ",
            _help_errors(field),
            "\n    ",
        ]
        if _listed(field.form, "filterable", field.name):
            auto_id = _out(field.auto_id)
            out += [
                '\n    <div class="ob-filter" hidden data-ob-filter-for="',
                auto_id,
                '" data-ob-filter-count="',
                # As {% translate %} looks up a literal: percent signs doubled.
                _out(
                    gettext(
                        "Te zien: %%(shown)s van %%(total)s. Wat u aanvinkte blijft "
                        "staan."
                    ).replace("%%", "%")
                ),
                '">\n      <label class="utrecht-form-label" for="',
                auto_id,
                '_zoek">',
                _out(gettext("Zoek in deze lijst")),
                '</label>\n      <input type="search" id="',
                auto_id,
                '_zoek" class="utrecht-textbox utrecht-textbox--html-input" '
                'autocomplete="off" enterkeyhint="search">\n      '
                '<p class="utrecht-paragraph ob-filter__count" aria-live="polite">'
                "</p>\n    </div>\n    ",
            ]
        choices = getattr(field.field, "choices", ())
        inline = widget_type == "radioselect" and length(choices) <= 5
        out += [
            '\n    <div class="ob-choices',
            " ob-choices--inline" if inline else "",
            '">',
            _out(field),
            "</div>\n  </fieldset>\n",
        ]
    elif widget_type == "checkbox":
        out += [
            '\n  \n  <div class="utrecht-form-field__input">',
            _out(field),
            '</div>\n  <div class="utrecht-form-field__label">\n    '
            '<label class="utrecht-form-label utrecht-form-label--checkbox" for="',
            _out(field.id_for_label),
            '">',
            _out(field.label),
            "</label>\n  </div>\n  ",
            _help_errors(field),
            "\n",
        ]
    else:
        out += [
            '\n  <div class="utrecht-form-field__label">\n    '
            '<label class="utrecht-form-label" for="',
            _out(field.id_for_label),
            '">',
            _out(field.label),
            _optional(field),
            "</label>\n  </div>\n  ",
            _help_errors(field),
            '\n  <div class="utrecht-form-field__input">',
            _out(field),
            "</div>\n",
        ]
    out.append("\n</div>\n")
    return mark_safe("".join(out).strip())  # noqa: S308 - every value is escaped


def _error_summary(form: Any) -> str:
    """templates/components/error_summary.html (its newline at the end included)."""
    if not form.errors:
        return "\n"
    out = [
        '\n<div class="utrecht-alert utrecht-alert--error ob-error-summary" '
        'role="alert" tabindex="-1" id="error-summary" '
        'aria-labelledby="error-summary-title">\n  <div class="utrecht-alert__content">'
        '\n    <h2 class="utrecht-heading-3" id="error-summary-title">',
        _out(gettext("Er is iets niet goed ingevuld")),
        '</h2>\n    <ul class="utrecht-unordered-list">\n      ',
    ]
    for error in form.non_field_errors():
        out.append('<li class="utrecht-unordered-list__item">' + _out(error) + "</li>")
    out.append("\n      ")
    for field in form.visible_fields():
        for error in field.errors:
            out += [
                '\n      <li class="utrecht-unordered-list__item">'
                '<a class="utrecht-link" href="#',
                _out(field.auto_id),
                "_0" if field.use_fieldset else "",
                '">',
                _out(field.label),
                ": ",
                _out(error),
                "</a></li>\n      ",
            ]
    out.append("\n    </ul>\n  </div>\n</div>\n\n")
    return "".join(out)


def form_html(form: Any) -> SafeString:
    """What components/form.html gives for `form` (stripped, as the renderer does):
    the error summary, the hidden fields, then each visible field's layout."""
    out = [_error_summary(form), "\n"]
    out += [_out(field) for field in form.hidden_fields()]
    out.append("\n")
    out += [_out(field.as_field_group()) for field in form.visible_fields()]
    out.append("\n")
    return mark_safe("".join(out).strip())  # noqa: S308 - every value is escaped
