"""A form field for choosing experience codes (checkboxes, checked by validate_codes)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial
from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.taxonomy.models import CodeGroup
from ouderbuddy.taxonomy.selectors import all_codes, codes_in_use, validate_codes

Choice = tuple[str, str]
ChoiceGroup = tuple[str, list[Choice]]


def code_choices(groups: tuple[str, ...]) -> list[Choice | ChoiceGroup]:
    """Choices for the active codes of `groups`, labelled in the active language.

    Need codes are grouped by subgroup ("Ontwikkeling", "Leren", ...). When more than
    one group is asked for, the codes of every other group form one group under the
    group's label; with a single group other than need the list is flat.
    """
    grouped = len(groups) > 1
    choices: list[Choice | ChoiceGroup] = []
    for group in groups:
        codes = codes_in_use(group)
        if group == CodeGroup.NEED:
            by_subgroup: dict[str, list[Choice]] = {}
            for code in codes:
                heading = code.subgroup_label or str(CodeGroup.NEED.label)
                by_subgroup.setdefault(heading, []).append((code.code, code.label))
            choices.extend(by_subgroup.items())
        elif grouped:
            if codes:
                choices.append(
                    (str(CodeGroup(group).label), [(c.code, c.label) for c in codes])
                )
        else:
            choices.extend((c.code, c.label) for c in codes)
    return choices


class ExperienceCodeField(forms.MultipleChoiceField):
    """Checkboxes for the active codes of `groups` (default: all groups).

    The choices are read each time the field is rendered, from the code list each
    process keeps for a minute (`taxonomy.selectors.all_codes`), so a code switched
    off in the admin disappears within that minute, without a restart. The cleaned value
    is the list of chosen codes, checked by `validate_codes`.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, groups: Iterable[str] | None = None, **kwargs: Any) -> None:
        if groups is None:
            self.groups: tuple[str, ...] = tuple(CodeGroup.values)
        else:
            wanted = set(groups)
            unknown = wanted - set(CodeGroup.values)
            if unknown:
                raise ValueError(f"Unknown code group(s): {', '.join(sorted(unknown))}")
            self.groups = tuple(g for g in CodeGroup.values if g in wanted)
        kwargs.setdefault("choices", partial(code_choices, self.groups))
        super().__init__(**kwargs)

    def _check(self, value: list[str]) -> list[str]:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        try:
            return validate_codes(value, groups=set(self.groups))
        except DomainError as exc:
            raise ValidationError(exc.message, code="invalid_choice") from exc

    def validate(self, value: Any) -> None:
        self._check(value)

    def clean(self, value: Any) -> list[str]:
        codes = self._check(self.to_python(value))
        self.run_validators(codes)
        return codes


# A form of code checkboxes only (such as the coordinator's codes form on a request's
# page) draws every active code of its groups: the same HTML on every page but for
# which boxes start checked. Drawn once per process, form, prefix and language with no
# box checked, and again with every box checked to learn each box's checked tag; per
# page the request's codes are checked in that blank drawing. The drawing holds only
# the code list (no request's or organisation's data) and is drawn anew when the code
# list (`all_codes`, kept a minute) is read anew.
_Drawn = tuple[str, dict[tuple[str, str], tuple[str, str]]]
_DRAWN: dict[
    tuple[type[forms.Form], str | None, str], tuple[tuple[Any, ...], _Drawn | None]
] = {}
_INPUT = re.compile(r"<input [^>]*>")
_ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


def _draw(form_class: type[forms.Form], prefix: str | None) -> _Drawn | None:
    """The form's blank HTML and, per (field name, code), its box unchecked and
    checked; None when the two drawings differ in more than the boxes' tags."""
    blank = form_class(prefix=prefix)
    everything = {}
    for name, field in blank.fields.items():
        if not isinstance(field, ExperienceCodeField):
            return None
        everything[name] = [value for value, _label in _flat(field.choices)]
    empty_html = str(blank)
    full_html = str(form_class(prefix=prefix, initial=everything))
    if _INPUT.split(empty_html) != _INPUT.split(full_html):
        return None
    boxes: dict[tuple[str, str], tuple[str, str]] = {}
    for unchecked, checked in zip(
        _INPUT.findall(empty_html), _INPUT.findall(full_html), strict=True
    ):
        found = dict(_ATTRIBUTE.findall(unchecked))
        key = (found.get("name", ""), found.get("value", ""))
        if unchecked == checked or key in boxes or empty_html.count(unchecked) != 1:
            return None
        boxes[key] = (unchecked, checked)
    return empty_html, boxes


def _flat(choices: Any) -> Iterable[tuple[Any, Any]]:
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            yield from label
        else:
            yield value, label


def codes_form_html(
    form_class: type[forms.Form],
    *,
    prefix: str | None,
    initial: dict[str, list[str]],
) -> SafeString:
    """What `{{ form_class(prefix=prefix, initial=initial) }}` draws, for a form of
    ExperienceCodeFields only (any other form is drawn the usual way)."""
    codes = all_codes()
    key = (form_class, prefix, get_language() or "")
    drawn = _DRAWN.get(key)
    if drawn is None or drawn[0] is not codes:
        drawn = (codes, _draw(form_class, prefix))
        _DRAWN[key] = drawn
    if drawn[1] is None:
        return SafeString(str(form_class(prefix=prefix, initial=initial)))
    html, boxes = drawn[1]
    for name, values in initial.items():
        html_name = f"{prefix}-{name}" if prefix else name  # Form.add_prefix
        for value in values:
            box = boxes.get((html_name, escape(str(value))))
            if box is not None:
                html = html.replace(box[0], box[1], 1)
    return mark_safe(html)  # noqa: S308 - drawn by the form; only tags swapped
