"""A questionnaire version's content as data: pages of items, the scales they make
up with their scoring rule, and the checks on answers. Pure Python, no Django.

A version's definition is JSON (stored on `QuestionnaireVersion.definition`):

    {"title": {"nl": …, "en": …}, "intro": {…}, "minutes": 4,
     "anchors": {"agree": [{"nl": …, "en": …} (five)], …},
     "scales": [{"code": "voice", "name": {…}, "min_items": 2}, …],
     "pages": [{"title": {…}, "items": [
         {"code": "voice_1", "kind": "likert", "anchors": "agree",
          "text": {…}, "scale": "voice", "reverse": false},
         {"code": "overall", "kind": "scale10", "text": {…},
          "low": {…}, "high": {…}},
         {"code": "escalation", "kind": "single", "text": {…},
          "options": [{"value": "none", "text": {…}}, …]},
         {"code": "helped", "kind": "text", "text": {…}}]}, …]}

Every text is a pair of languages; English falls back to Dutch. A scale's score is
the mean of its answered items (a reverse-scored item counts as max + min - answer),
and only when at least `min_items` of them were answered; otherwise it has no score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KINDS = ("likert", "single", "multiple", "scale10", "text")
SCORED_KINDS = {"likert": (1, 5), "scale10": (0, 10)}
TEXT_MAX = 1000
"""An open answer is short: at most this many characters."""


class DefinitionError(ValueError):
    """The definition is not a valid questionnaire."""


class AnswerError(ValueError):
    """An answer that does not fit the item (out of range, unknown item or option)."""


def text_in(texts: Mapping[str, str] | None, language: str) -> str:
    """The text in `language`, else the Dutch one."""
    if not texts:
        return ""
    return texts.get(language) or texts.get("nl", "")


@dataclass(frozen=True)
class Item:
    code: str
    kind: str
    text: Mapping[str, str]
    page: int
    scale: str | None = None
    reverse: bool = False
    anchors: tuple[Mapping[str, str], ...] = ()
    options: tuple[tuple[str, Mapping[str, str]], ...] = ()
    low: Mapping[str, str] | None = None
    high: Mapping[str, str] | None = None
    own: bool = False
    """An organisation's own extra item (not part of the default instrument)."""

    @property
    def range(self) -> tuple[int, int] | None:
        return SCORED_KINDS.get(self.kind)

    def values(self) -> list[str]:
        """The allowed values of a choice or scored item, as submitted (strings)."""
        if self.kind in SCORED_KINDS:
            low, high = SCORED_KINDS[self.kind]
            return [str(v) for v in range(low, high + 1)]
        return [value for value, _ in self.options]

    def clean(self, value: Any) -> Any:
        """The stored form of one answer (int, str or list of str), or AnswerError.
        None and "" (and an empty list) mean "not answered" and clean to None."""
        if value is None or value == "" or value == []:
            return None
        if self.kind == "text":
            if not isinstance(value, str):
                raise AnswerError(self.code)
            value = value.strip()
            if len(value) > TEXT_MAX:
                raise AnswerError(self.code)
            return value or None
        if self.kind == "multiple":
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, str) for v in value
            ):
                raise AnswerError(self.code)
            allowed = self.values()
            if any(v not in allowed for v in value):
                raise AnswerError(self.code)
            return sorted(set(value), key=allowed.index)
        if isinstance(value, bool):
            raise AnswerError(self.code)
        if self.kind in SCORED_KINDS:
            if isinstance(value, str):
                if value not in self.values():
                    raise AnswerError(self.code)
                return int(value)
            if isinstance(value, int) and str(value) in self.values():
                return value
            raise AnswerError(self.code)
        if not isinstance(value, str) or value not in self.values():
            raise AnswerError(self.code)
        return value

    def scored(self, value: int) -> float:
        low, high = SCORED_KINDS[self.kind]
        return float(high + low - value) if self.reverse else float(value)


@dataclass(frozen=True)
class Scale:
    code: str
    name: Mapping[str, str]
    min_items: int
    items: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    number: int
    title: Mapping[str, str]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Instrument:
    title: Mapping[str, str]
    intro: Mapping[str, str]
    minutes: int
    pages: tuple[Page, ...]
    scales: tuple[Scale, ...]

    @property
    def items(self) -> dict[str, Item]:
        return {item.code: item for page in self.pages for item in page.items}

    def clean_answers(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Every answer checked against its item; an unknown item is refused."""
        items = self.items
        cleaned: dict[str, Any] = {}
        for code, value in answers.items():
            item = items.get(code)
            if item is None:
                raise AnswerError(code)
            stored = item.clean(value)
            if stored is not None:
                cleaned[code] = stored
        return cleaned

    def scores(self, answers: Mapping[str, Any]) -> dict[str, float]:
        """Each scale's score by its rule; scales with too few answers are left out."""
        items = self.items
        result: dict[str, float] = {}
        for scale in self.scales:
            values = [
                items[code].scored(answers[code])
                for code in scale.items
                if isinstance(answers.get(code), int)
            ]
            if values and len(values) >= scale.min_items:
                result[scale.code] = sum(values) / len(values)
        return result


def _texts(raw: Any, where: str, *, required: bool = True) -> dict[str, str]:
    if raw is None and not required:
        return {}
    if (
        not isinstance(raw, dict)
        or not isinstance(raw.get("nl"), str)
        or not raw["nl"].strip()
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items())
    ):
        raise DefinitionError(f"{where}: a Dutch text is needed")
    return {k: v for k, v in raw.items() if v}


def parse(definition: Mapping[str, Any]) -> Instrument:
    """The instrument of a definition, or DefinitionError naming what is wrong."""
    if not isinstance(definition, Mapping):
        raise DefinitionError("the definition is not an object")
    anchors_raw = definition.get("anchors") or {}
    anchors: dict[str, tuple[Mapping[str, str], ...]] = {}
    for name, labels in anchors_raw.items():
        if not isinstance(labels, list) or len(labels) != 5:
            raise DefinitionError(f"anchors {name}: five labels are needed")
        anchors[name] = tuple(_texts(label, f"anchors {name}") for label in labels)
    scale_codes: dict[str, dict[str, Any]] = {}
    for raw in definition.get("scales") or []:
        code = raw.get("code") if isinstance(raw, dict) else None
        if not isinstance(code, str) or not code or code in scale_codes:
            raise DefinitionError(f"scale {code!r}: a unique code is needed")
        scale_codes[code] = raw
    pages: list[Page] = []
    seen: set[str] = set()
    scale_items: dict[str, list[str]] = {code: [] for code in scale_codes}
    scale_kinds: dict[str, set[str]] = {code: set() for code in scale_codes}
    for number, raw_page in enumerate(definition.get("pages") or [], start=1):
        items: list[Item] = []
        for raw in raw_page.get("items") or []:
            items.append(_item(raw, number, anchors, scale_codes, seen))
            item = items[-1]
            if item.scale:
                scale_items[item.scale].append(item.code)
                scale_kinds[item.scale].add(item.kind)
        if not items:
            raise DefinitionError(f"page {number}: it has no items")
        pages.append(Page(number, _texts(raw_page.get("title"), "page"), tuple(items)))
    if not pages:
        raise DefinitionError("the questionnaire has no pages")
    scales = []
    for code, raw in scale_codes.items():
        minimum = raw.get("min_items", 1)
        if not scale_items[code]:
            raise DefinitionError(f"scale {code}: it has no items")
        if len(scale_kinds[code]) > 1:
            raise DefinitionError(f"scale {code}: its items are of different kinds")
        if (
            not isinstance(minimum, int)
            or isinstance(minimum, bool)
            or not 1 <= minimum <= len(scale_items[code])
        ):
            raise DefinitionError(f"scale {code}: min_items out of range")
        scales.append(
            Scale(
                code, _texts(raw.get("name"), code), minimum, tuple(scale_items[code])
            )
        )
    minutes = definition.get("minutes", 5)
    if not isinstance(minutes, int) or not 1 <= minutes <= 5:
        raise DefinitionError("minutes: 1 to 5")
    return Instrument(
        title=_texts(definition.get("title"), "title"),
        intro=_texts(definition.get("intro"), "intro", required=False),
        minutes=minutes,
        pages=tuple(pages),
        scales=tuple(scales),
    )


def _item(
    raw: Any,
    page: int,
    anchors: Mapping[str, tuple[Mapping[str, str], ...]],
    scales: Mapping[str, Any],
    seen: set[str],
) -> Item:
    if not isinstance(raw, dict):
        raise DefinitionError(f"page {page}: an item is not an object")
    code, kind = raw.get("code"), raw.get("kind")
    if not isinstance(code, str) or not code.isidentifier() or code in seen:
        raise DefinitionError(f"item {code!r}: a unique code is needed")
    seen.add(code)
    if kind not in KINDS:
        raise DefinitionError(f"item {code}: unknown kind {kind!r}")
    scale = raw.get("scale")
    if scale is not None and (scale not in scales or kind not in SCORED_KINDS):
        raise DefinitionError(f"item {code}: scale {scale!r} cannot hold it")
    options: tuple[tuple[str, Mapping[str, str]], ...] = ()
    if kind in ("single", "multiple"):
        raw_options = raw.get("options") or []
        values = [o.get("value") for o in raw_options if isinstance(o, dict)]
        if (
            len(values) < 2
            or len(set(values)) != len(values)
            or not all(isinstance(v, str) and v for v in values)
        ):
            raise DefinitionError(f"item {code}: two or more distinct options needed")
        options = tuple(
            (o["value"], _texts(o.get("text"), f"{code} option")) for o in raw_options
        )
    item_anchors: tuple[Mapping[str, str], ...] = ()
    if kind == "likert":
        name = raw.get("anchors")
        if not isinstance(name, str) or name not in anchors:
            raise DefinitionError(f"item {code}: unknown anchors {name!r}")
        item_anchors = anchors[name]
    return Item(
        code=code,
        kind=kind,
        text=_texts(raw.get("text"), code),
        page=page,
        scale=scale,
        reverse=bool(raw.get("reverse", False)),
        anchors=item_anchors,
        options=options,
        low=_texts(raw.get("low"), code, required=False) or None,
        high=_texts(raw.get("high"), code, required=False) or None,
        own=bool(raw.get("own", False)),
    )


def with_own_items(
    definition: Mapping[str, Any],
    *,
    page_title: Mapping[str, str],
    items: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """A copy of `definition` with an organisation's own items on a last page of
    their own (replacing an earlier own page); the default items stay as they are."""
    copy = {key: value for key, value in definition.items() if key != "pages"}
    pages = [
        page
        for page in definition.get("pages", [])
        if not all(item.get("own") for item in page.get("items", []))
    ]
    if items:
        pages.append(
            {
                "title": dict(page_title),
                "items": [{**dict(item), "own": True} for item in items],
            }
        )
    copy["pages"] = pages
    parse(copy)  # refuses what would not make a valid questionnaire
    return copy
