"""The questionnaire definitions (evaluation/instrument.py) and the default set."""

from __future__ import annotations

import pytest
from django.utils import translation

from ouderbuddy.evaluation import defaults, instrument

DEFAULTS = {key: build for key, _, _, build in defaults.DEFAULTS}


@pytest.mark.parametrize("key", sorted(DEFAULTS))
def test_every_default_is_valid_short_and_bilingual(key):
    definition = DEFAULTS[key]()
    parsed = instrument.parse(definition)
    assert parsed.minutes <= 5
    # About ten seconds a statement: five minutes hold at most thirty items.
    assert len(parsed.items) <= 30
    for item in parsed.items.values():
        assert item.text["nl"] and item.text["en"]
        assert item.text["en"] != item.text["nl"], item.code


def test_the_parent_questionnaires_share_their_core_for_the_paired_change():
    core = set(instrument.parse(defaults.parent_start()).items)
    assert core <= set(instrument.parse(defaults.parent_end()).items)
    assert core <= set(instrument.parse(defaults.parent_later()).items)
    scales = {s.code for s in instrument.parse(defaults.parent_start()).scales}
    assert {
        "voice",
        "communication",
        "wellbeing",
        "support",
        "inclusion",
        "stress",
        "regie",
        "equality",
    } == scales


def test_english_falls_back_to_dutch():
    assert instrument.text_in({"nl": "Hallo"}, "en") == "Hallo"
    with translation.override("en"):
        assert instrument.text_in({"nl": "Hallo", "en": "Hello"}, "en") == "Hello"


def _small(**item):
    return {
        "title": {"nl": "T"},
        "anchors": {"agree": [{"nl": str(n)} for n in range(5)]},
        "scales": [{"code": "s", "name": {"nl": "S"}, "min_items": 2}],
        "pages": [
            {
                "title": {"nl": "P"},
                "items": [
                    {
                        "code": "a",
                        "kind": "likert",
                        "anchors": "agree",
                        "text": {"nl": "A"},
                        "scale": "s",
                    },
                    {
                        "code": "b",
                        "kind": "likert",
                        "anchors": "agree",
                        "text": {"nl": "B"},
                        "scale": "s",
                        "reverse": True,
                    },
                    {
                        "code": "c",
                        "kind": "likert",
                        "anchors": "agree",
                        "text": {"nl": "C"},
                        "scale": "s",
                    },
                    *([item] if item else []),
                ],
            }
        ],
    }


def test_scoring_reverse_items_and_the_minimum():
    parsed = instrument.parse(_small())
    assert parsed.scores({"a": 5, "b": 1, "c": 2}) == {"s": 4.0}
    assert parsed.scores({"a": 5, "b": 1}) == {"s": 5.0}
    assert parsed.scores({"a": 5}) == {}  # fewer than min_items answered


@pytest.mark.parametrize(
    "broken",
    [
        {"code": "a", "kind": "likert", "anchors": "agree", "text": {"nl": "dubbel"}},
        {"code": "d", "kind": "slider", "text": {"nl": "D"}},
        {"code": "d", "kind": "likert", "anchors": "often", "text": {"nl": "D"}},
        {
            "code": "d",
            "kind": "single",
            "text": {"nl": "D"},
            "options": [{"value": "x", "text": {"nl": "X"}}],
        },
        {"code": "d", "kind": "text", "text": {"en": "only English"}},
        {"code": "d", "kind": "text", "text": {"nl": "D"}, "scale": "s"},
        {"code": "d d", "kind": "text", "text": {"nl": "D"}},
        {
            "code": "d",
            "kind": "scale10",
            "text": {"nl": "D"},
            "scale": "s",
        },  # kinds mixed
    ],
)
def test_broken_definitions_are_refused(broken):
    with pytest.raises(instrument.DefinitionError):
        instrument.parse(_small(**broken))


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("likert", "3", 3),
        ("likert", 5, 5),
        ("scale10", "0", 0),
        ("scale10", "10", 10),
        ("text", "  hallo  ", "hallo"),
        ("text", "", None),
    ],
)
def test_answers_are_stored_typed(kind, value, stored):
    item = instrument.Item(code="x", kind=kind, text={"nl": "X"}, page=1)
    assert item.clean(value) == stored


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("likert", "6"),
        ("likert", 0),
        ("likert", True),
        ("likert", 2.0),
        ("likert", "drie"),
        ("scale10", "11"),
        ("scale10", -1),
        ("text", "x" * 1001),
        ("text", 5),
        ("single", "zz"),
        ("multiple", "a"),
        ("multiple", ["a", "zz"]),
    ],
)
def test_wrong_answers_are_refused(kind, value):
    options = (("a", {"nl": "A"}), ("b", {"nl": "B"}))
    item = instrument.Item(
        code="x", kind=kind, text={"nl": "X"}, page=1, options=options
    )
    with pytest.raises(instrument.AnswerError):
        item.clean(value)


def test_own_items_go_on_a_last_page_of_their_own():
    base = defaults.parent_start()
    extra = [{"code": "own_1", "kind": "text", "text": {"nl": "Eigen"}}]
    copy = instrument.with_own_items(
        base, page_title={"nl": "Eigen vragen"}, items=extra
    )
    assert len(copy["pages"]) == len(base["pages"]) + 1
    assert instrument.parse(copy).items["own_1"].own
    again = instrument.with_own_items(copy, page_title={"nl": "Eigen vragen"}, items=[])
    assert again["pages"] == base["pages"]
    with pytest.raises(instrument.DefinitionError):
        instrument.with_own_items(
            base,
            page_title={"nl": "E"},
            items=[{"code": "voice_1", "kind": "text", "text": {"nl": "dubbel"}}],
        )
