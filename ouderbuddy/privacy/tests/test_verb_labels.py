"""Every action the code writes to the audit log has a plain Dutch label."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from ouderbuddy.privacy.verbs import VERB_LABELS, verb_label

PACKAGE = Path(__file__).resolve().parents[2]
QUERIES = frozenset({"filter", "exclude", "get", "create", "count", "exists"})


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).parts
        if "tests" in parts or "migrations" in parts:
            continue
        module = ".".join(parts)[: -len(".py")]
        yield module, ast.parse(path.read_text(), str(path))


def _value(module: str, node: ast.expr) -> str | None:
    """A constant, or a `Choices.MEMBER` the module imports, as text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = getattr(importlib.import_module(module), node.value.id, None)
        member = getattr(owner, node.attr, None)
        return None if member is None else str(member)
    return None


def _arguments(module: str, tree: ast.Module, function: str, name: str) -> set[str]:
    """The values `name` takes in the calls to `function` in the module."""
    found: set[str] = set()
    position = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == function:
            names = [a.arg for a in node.args.args]
            position = names.index(name) if name in names else None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != function:
            continue
        candidates = [k.value for k in node.keywords if k.arg == name]
        if position is not None and len(node.args) > position:
            candidates.append(node.args[position])
        found |= {v for c in candidates if (v := _value(module, c)) is not None}
    return found


def verbs_in_code() -> dict[str, str]:
    """Every verb written by `record_event` / `record_read` (verb → where)."""
    verbs: dict[str, str] = {}
    for module, tree in _sources():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            defaults = dict(
                zip(
                    [a.arg for a in function.args.args][
                        -len(function.args.defaults) or len(function.args.args) :
                    ],
                    function.args.defaults,
                    strict=False,
                )
            )
            defaults |= {
                a.arg: d
                for a, d in zip(
                    function.args.kwonlyargs, function.args.kw_defaults, strict=True
                )
                if d is not None
            }
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                if isinstance(node.func, ast.Attribute) and node.func.attr in QUERIES:
                    continue  # reading the log, not writing it
                for keyword in node.keywords:
                    if keyword.arg != "verb":
                        continue
                    where = f"{module}:{node.lineno}"
                    value = keyword.value
                    if isinstance(value, ast.IfExp):
                        # "a" if x else "b": both.
                        branches = [value.body, value.orelse]
                        texts = [_value(module, b) for b in branches]
                        assert None not in texts, f"{where}: verb too dynamic to check"
                        verbs |= dict.fromkeys(texts, where)  # type: ignore[arg-type]
                    elif isinstance(value, ast.Constant) and isinstance(
                        value.value, str
                    ):
                        verbs[value.value] = where
                    elif isinstance(value, ast.Name):
                        # A variable: its default and every constant assigned to it.
                        default = defaults.get(value.id)
                        text = None if default is None else _value(module, default)
                        if text is not None:
                            verbs[text] = where
                        for assign in ast.walk(function):
                            if (
                                isinstance(assign, ast.Assign)
                                and any(
                                    isinstance(t, ast.Name) and t.id == value.id
                                    for t in assign.targets
                                )
                                and (text := _value(module, assign.value))
                            ):
                                verbs[text] = where
                    elif isinstance(value, ast.JoinedStr):
                        # f"prefix.{parameter}": the values callers pass.
                        prefix = "".join(
                            str(p.value)
                            for p in value.values
                            if isinstance(p, ast.Constant)
                        )
                        holes = [
                            p.value.id
                            for p in value.values
                            if isinstance(p, ast.FormattedValue)
                            and isinstance(p.value, ast.Name)
                        ]
                        assert len(holes) == 1, f"{where}: verb too dynamic to check"
                        passed = _arguments(module, tree, function.name, holes[0])
                        assert passed, f"{where}: no caller passes {holes[0]}"
                        for text in passed:
                            verbs[prefix + text] = where
                    else:
                        raise AssertionError(f"{where}: verb too dynamic to check")
    return verbs


def test_the_scan_finds_the_verbs_it_should():
    found = verbs_in_code()
    # A literal, a default, a variable, and both f-strings.
    assert {
        "read",
        "request.status",
        "referral_target.update",
        "knowledge.article.publish",
        "training.reminder.vog",
    } <= set(found)


def test_every_verb_in_the_code_has_a_label():
    missing = {
        verb: where
        for verb, where in verbs_in_code().items()
        if verb not in VERB_LABELS
    }
    assert not missing, (
        "Give these audit verbs a Dutch label in ouderbuddy/privacy/verbs.py: "
        f"{missing}"
    )


def test_labels_are_plain_words():
    with translation.override("nl"):
        for verb, label in VERB_LABELS.items():
            text = str(label)
            assert text and text[0].isupper(), verb
            assert "." not in text.rstrip("."), (verb, text)
            assert "_" not in text, (verb, text)


@pytest.mark.parametrize(
    ("verb", "label"),
    [("read", "Bekeken"), ("request.create", "Hulpvraag ingediend")],
)
def test_verb_label(verb, label):
    with translation.override("nl"):
        assert verb_label(verb) == label


def test_an_unknown_verb_is_still_readable():
    with translation.override("nl"):
        assert verb_label("iets.nieuws") == "Andere handeling (iets.nieuws)"
