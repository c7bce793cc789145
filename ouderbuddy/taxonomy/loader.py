"""Read the experience codes from the CSV file and write them to the database.

Used by the data migration (with historical models, via ``apps``) and by
``manage.py load_taxonomy``. Loading is idempotent: a code is matched on ``code``,
created when new and updated when its row changed. The loader never deletes a code
and never switches ``is_active`` back on, so a code an admin deactivated stays off;
codes that are in the database but no longer in the file are only reported.
"""

from __future__ import annotations

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from ouderbuddy.taxonomy.models import (
    CODE_REGEX,
    SENSITIVE_GROUPS,
    SUBGROUP_LABELS,
    CodeGroup,
)

if TYPE_CHECKING:
    from django.apps.registry import Apps

CSV_PATH = Path(__file__).resolve().parent / "data" / "experience_codes.csv"

COLUMNS = (
    "code",
    "group",
    "subgroup",
    "order",
    "is_sensitive",
    "is_opt_out",
    "label_nl",
    "label_en",
    "description_nl",
    "description_en",
)
CODE_PATTERN = re.compile(CODE_REGEX)
CODE_MAX_LENGTH = 60
LABEL_MAX_LENGTH = 150
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


class TaxonomyFileError(ValueError):
    """The CSV file is malformed; the message names the line and the problem."""


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # In the database but not in the file: left alone (deactivate them in the admin).
    not_in_file: list[str] = field(default_factory=list)


def _parse_bool(value: str, *, column: str, line: int) -> bool:
    try:
        return _BOOLEANS[value.strip().lower()]
    except KeyError:
        raise TaxonomyFileError(
            f"line {line}: {column} must be true or false, not {value!r}"
        ) from None


def _parse_row(raw: dict[str, str | None], line: int) -> dict[str, Any]:
    if None in raw:
        raise TaxonomyFileError(f"line {line}: more fields than columns")
    row = {key: (value or "").strip() for key, value in raw.items() if key}
    code, group, subgroup = row["code"], row["group"], row["subgroup"]

    if not CODE_PATTERN.match(code) or len(code) > CODE_MAX_LENGTH:
        raise TaxonomyFileError(f"line {line}: invalid code {code!r}")
    if group not in CodeGroup.values:
        raise TaxonomyFileError(f"line {line}: unknown group {group!r}")
    if not code.startswith(f"{group}."):
        raise TaxonomyFileError(f"line {line}: {code!r} does not start with {group}.")
    if subgroup and subgroup not in SUBGROUP_LABELS:
        raise TaxonomyFileError(f"line {line}: unknown subgroup {subgroup!r}")
    if not row["order"].isdigit():
        raise TaxonomyFileError(f"line {line}: order must be a whole number")
    for column in ("label_nl", "label_en"):
        if not row[column]:
            raise TaxonomyFileError(f"line {line}: {column} is empty")
        if len(row[column]) > LABEL_MAX_LENGTH:
            raise TaxonomyFileError(f"line {line}: {column} is too long")

    is_sensitive = _parse_bool(row["is_sensitive"], column="is_sensitive", line=line)
    if group in SENSITIVE_GROUPS and not is_sensitive:
        raise TaxonomyFileError(f"line {line}: {group} codes must be sensitive")

    return {
        "code": code,
        "group": group,
        "subgroup": subgroup,
        "order": int(row["order"]),
        "is_sensitive": is_sensitive,
        "is_opt_out": _parse_bool(row["is_opt_out"], column="is_opt_out", line=line),
        "label_nl": row["label_nl"],
        "label_en": row["label_en"],
        "description_nl": row["description_nl"],
        "description_en": row["description_en"],
    }


def read_codes(path: Path = CSV_PATH) -> list[dict[str, Any]]:
    """The rows of the CSV file as field dicts, checked; raises TaxonomyFileError."""
    # utf-8-sig: a spreadsheet program may have saved the file with a BOM.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise TaxonomyFileError(f"missing columns: {', '.join(sorted(missing))}")
        rows: list[dict[str, Any]] = []
        seen: set[str] = set()
        for raw in reader:
            row = _parse_row(raw, reader.line_num)
            if row["code"] in seen:
                raise TaxonomyFileError(
                    f"line {reader.line_num}: duplicate code {row['code']!r}"
                )
            seen.add(row["code"])
            rows.append(row)
    return rows


def load_codes(
    apps: Apps | None = None,
    *,
    path: Path = CSV_PATH,
    introduced: datetime.date | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> LoadResult:
    """Create or update every code of the file; returns what changed.

    ``apps`` is the migration state's app registry inside a data migration, and the
    real registry otherwise. ``introduced`` is stored on newly created codes only
    (default: today). Only fields the (historical) model has are written, so an old
    migration keeps working when the file later gains columns.
    """
    model = (apps or global_apps).get_model("taxonomy", "ExperienceCode")
    field_names = {f.name for f in model._meta.concrete_fields}
    introduced = introduced or timezone.localdate()
    rows = read_codes(path)
    result = LoadResult()

    manager = model._default_manager.db_manager(using)
    with transaction.atomic(using=using):
        existing = {values["code"]: values for values in manager.values(*field_names)}
        for row in rows:
            code = row["code"]
            defaults = {
                key: value
                for key, value in row.items()
                if key != "code" and key in field_names
            }
            current = existing.get(code)
            if current is not None and all(
                current[key] == value for key, value in defaults.items()
            ):
                result.unchanged.append(code)
                continue
            create_defaults = dict(defaults)
            if "introduced" in field_names:
                create_defaults["introduced"] = introduced
            _, created = manager.update_or_create(
                code=code, defaults=defaults, create_defaults=create_defaults
            )
            (result.created if created else result.updated).append(code)

    in_file = {row["code"] for row in rows}
    result.not_in_file = sorted(set(existing) - in_file)
    return result
