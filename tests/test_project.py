"""Project-wide checks: migrations are complete, the English catalogue is complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_model_change_lacks_a_migration(tmp_path):
    env = {
        **os.environ,
        "DOTENV_PATH": str(ROOT / ".env"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_english_catalogue_is_complete():
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert po.exists(), "run: manage.py makemessages -l en"
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def _msgids(text: str) -> set[str]:
    ids, current, inside = set(), [], False
    for line in text.splitlines():
        if line.startswith("msgid "):
            current, inside = [line[6:].strip('"')], True
        elif inside and line.startswith('"'):
            current.append(line.strip('"'))
        else:
            if inside and current:
                ids.add("".join(current))
            inside = False
    return ids - {""}


def test_every_translatable_string_is_in_the_catalogue(tmp_path):
    """makemessages on a copy of the current code finds no string the catalogue lacks."""
    for name in ("ouderbuddy", "templates", "locale"):
        shutil.copytree(
            ROOT / name,
            tmp_path / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo"),
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DOTENV_PATH": str(ROOT / ".env")}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "en",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    repo = _msgids(
        (ROOT / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    )
    fresh = _msgids(
        (tmp_path / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    )
    missing = fresh - repo
    assert not missing, f"Run makemessages -l en and translate: {sorted(missing)[:20]}"
