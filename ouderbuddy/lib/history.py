"""History rows stored as a code with small parameters, worded when they are read.

A history row written while a parent had English switched on must read as Dutch for
a Dutch coordinator (and the other way round). So a row keeps `code` + `params`, and
`History.word` puts it into words in the reader's language. Each app lists its texts
once (`History({...})`); the same list recognises rows that were stored as text
(in Dutch or in English), for the data migration and for writers that still pass
text: `History.recognise` turns such a text back into its code and parameters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import Promise

# The languages a stored text may have been written in.
LANGUAGES = ("nl", "en")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Choice:
    """A parameter that is a choice (stored as its value, worded as its label)."""

    choices: Any  # a TextChoices class

    def word(self, value: Any) -> str:
        known = dict(self.choices.choices)
        return str(known.get(value, value))

    def recognise(self, text: str) -> Any:
        for language in LANGUAGES:
            with translation.override(language):
                for value, label in self.choices.choices:
                    if str(label) == text:
                        return value
        return text  # unknown: kept as the text it was


@dataclass(frozen=True)
class Date:
    """A parameter that is a date (stored as ISO, worded in the reader's language)."""

    def word(self, value: Any) -> str:
        try:
            return str(date_format(dt.date.fromisoformat(str(value)), "j F Y"))
        except ValueError:
            return str(value)

    def recognise(self, text: str) -> Any:
        return text  # a worded date stays as it was written


@dataclass
class History:
    """The texts of one kind of history row: code -> lazy msgid with %(name)s."""

    texts: Mapping[str, str | Promise]
    params: Mapping[str, Choice | Date] = field(default_factory=dict)
    _patterns: dict[str, list[tuple[str, re.Pattern[str]]]] = field(
        default_factory=dict, init=False, repr=False
    )

    def extend(
        self,
        texts: Mapping[str, str | Promise],
        params: Mapping[str, Choice | Date] | None = None,
    ) -> None:
        """Texts of an app above the one that owns this history (casework adds its
        steps to a match's history); called once, from that app's `ready`."""
        clash = set(texts) & set(self.texts)
        if clash:
            raise ValueError(f"history codes given twice: {sorted(clash)}")
        self.texts = {**self.texts, **texts}
        self.params = {**self.params, **(params or {})}
        self._patterns.clear()

    def word(self, code: str, params: Mapping[str, Any] | None, fallback: str) -> str:
        """The row in the active language; an unknown code or broken parameters
        give the stored fallback text."""
        template = self.texts.get(code) if code else None
        if template is None:
            return fallback
        values = {
            name: self.params[name].word(value) if name in self.params else value
            for name, value in (params or {}).items()
        }
        try:
            return (
                str(template) % values
                if _PLACEHOLDER.search(str(template))
                else str(template)
            )
        except (KeyError, TypeError, ValueError):
            return fallback or str(template)

    def _compiled(self) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
        if not self._patterns:
            for code, template in self.texts.items():
                for language in LANGUAGES:
                    with translation.override(language):
                        text = str(template)
                    parts = _PLACEHOLDER.split(text)
                    if not re.search(r"\w", "".join(parts[::2])):
                        # No words besides placeholders ("%(a)s: %(b)s"): it would
                        # match any text, so its rows are written with their code.
                        continue
                    # split gives text, name, text, name, ...: names at odd places.
                    regex = "".join(
                        f"(?P<{part}>.+?)" if i % 2 else re.escape(part)
                        for i, part in enumerate(parts)
                    )
                    self._patterns.setdefault(code, []).append(
                        (language, re.compile(f"^{regex}$", re.S))
                    )
        return self._patterns

    def recognise(self, text: str) -> tuple[str, dict[str, Any]] | None:
        """(code, params) of a text that one of the texts produced, in Dutch or
        English; None for anything else (kept as free text)."""
        text = (text or "").strip()
        for code, patterns in self._compiled().items():
            for _language, pattern in patterns:
                found = pattern.match(text)
                if found:
                    params = {
                        name: self.params[name].recognise(value)
                        if name in self.params
                        else value
                        for name, value in found.groupdict().items()
                    }
                    return code, params
        return None


def code_stored_rows(model: Any, history: History, text_field: str) -> None:
    """For a data migration: rows stored as text that one of `history`'s texts made
    (in Dutch or English) get its code and parameters, and their Dutch text; other
    rows keep their text as it is."""
    changed = []
    rows = model.objects.filter(code="").only("pk", text_field)
    for row in rows.iterator():
        stored = getattr(row, text_field)
        found = history.recognise(stored)
        if not found:
            continue
        row.code, row.params = found
        with translation.override("nl"):
            setattr(row, text_field, history.word(row.code, row.params, stored)[:300])
        changed.append(row)
    model.objects.bulk_update(changed, ["code", "params", text_field], batch_size=1000)
