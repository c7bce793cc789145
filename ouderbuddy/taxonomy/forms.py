"""A form field for choosing experience codes (checkboxes, checked by validate_codes)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.taxonomy.models import CodeGroup
from ouderbuddy.taxonomy.selectors import codes_in_use, validate_codes

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
