"""The two locks: production gets the runtime packages only, with the dev lock's pins."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(\S+)", re.MULTILINE)
DEV_ONLY = {
    "faker",
    "hypothesis",
    "mentor-match",
    "munkres",
    "mypy",
    "playwright",
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "ruff",
    "time-machine",
    "django-stubs",
}


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {m[1].lower().replace("_", "-"): m[2] for m in PIN.finditer(text)}


def test_the_runtime_lock_has_no_development_tools() -> None:
    runtime = pins("requirements.lock")
    assert "django" in runtime
    assert not DEV_ONLY & set(runtime)


def test_both_locks_pin_the_same_versions_with_hashes() -> None:
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert set(dev) >= DEV_ONLY
    assert {name: dev[name] for name in runtime} == runtime
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text()
        assert text.count("==") <= text.count("--hash=sha256:")


def test_every_declared_package_is_in_its_lock() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    for spec in project["dependencies"]:
        name, version = PIN.match(spec).groups()  # type: ignore[union-attr]
        assert runtime.get(name.lower()) == version, f"{spec}: run `make lock`"
    for spec in project["optional-dependencies"]["dev"]:
        name, version = PIN.match(spec).groups()  # type: ignore[union-attr]
        assert dev.get(name.lower()) == version, f"{spec}: run `make lock`"
