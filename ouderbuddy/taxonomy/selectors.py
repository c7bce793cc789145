"""The read side of the taxonomy, and the one check every form and API uses on codes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode

# Codes are at most 60 characters; longer input is cut short before it is echoed.
_ECHO_LENGTH = 60


def _check_groups(groups: Iterable[str]) -> set[str]:
    groups = set(groups)
    unknown = groups - set(CodeGroup.values)
    if unknown:
        raise ValueError(f"Unknown code group(s): {', '.join(sorted(unknown))}")
    return groups


def _group_position() -> Case:
    """Sorts on the order of CodeGroup (route, transition, issue, need, context)."""
    return Case(
        *(When(group=group, then=Value(i)) for i, group in enumerate(CodeGroup.values)),
        output_field=IntegerField(),
    )


def active_codes(group: str | None = None) -> QuerySet[ExperienceCode]:
    """The codes in use, optionally of one group, in CodeGroup order then `order`."""
    codes = ExperienceCode.objects.filter(is_active=True)
    if group is not None:
        _check_groups({group})
        codes = codes.filter(group=group)
    return codes.order_by(_group_position(), "order", "code")


# The code list is read on most pages (checkboxes, labels of stored codes) and changes
# only when a platform admin edits it: each process keeps it for MEMO_SECONDS.
MEMO_SECONDS = 60
_memo: dict[str, tuple[float, tuple[ExperienceCode, ...]]] = {}
_CHANGED = "_ob_taxonomy_changed"


def _read() -> tuple[ExperienceCode, ...]:
    return tuple(ExperienceCode.objects.order_by(_group_position(), "order", "code"))


def all_codes() -> tuple[ExperienceCode, ...]:
    """Every code, in use or not, in CodeGroup order then `order`, then code.

    Kept in this process for up to MEMO_SECONDS: a change made here is seen at once
    (`codes_changed`, called by the model's signals), another process sees it within
    that minute. A transaction that changed codes reads them from the database until
    it ends, so it never fills the memo with rows that may be rolled back.
    """
    connection = transaction.get_connection()
    if getattr(connection, _CHANGED, False):
        if connection.in_atomic_block:
            return _read()
        forget()  # left by a transaction that rolled back
    now = time.monotonic()
    found = _memo.get("codes")
    if found is None or now - found[0] > MEMO_SECONDS:
        found = (now, _read())
        _memo["codes"] = found
    return found[1]


def forget() -> None:
    """Empty the memo of `all_codes` (after a commit, a rollback or a test)."""
    _memo.clear()
    setattr(transaction.get_connection(), _CHANGED, False)


def codes_changed(**kwargs: Any) -> None:
    """The codes changed (a signal receiver; also after a flush)."""
    _memo.clear()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        setattr(connection, _CHANGED, True)
        transaction.on_commit(forget)


def codes_in_use(group: str | None = None) -> list[ExperienceCode]:
    """`active_codes(group)` from the memo of `all_codes`, as a list."""
    if group is not None:
        _check_groups({group})
    return [
        c for c in all_codes() if c.is_active and (group is None or c.group == group)
    ]


def labels(codes: Iterable[str]) -> dict[str, str]:
    """The label (active language) of each known code among `codes`."""
    wanted = set(codes)
    return {c.code: c.label for c in all_codes() if c.code in wanted}


def codes_by_group() -> dict[str, list[ExperienceCode]]:
    """Every group (in CodeGroup order, also when empty) with its active codes."""
    grouped: dict[str, list[ExperienceCode]] = {group: [] for group in CodeGroup.values}
    for code in codes_in_use():
        grouped[code.group].append(code)
    return grouped


def _echo(codes: Iterable[str]) -> str:
    return ", ".join(
        code if len(code) <= _ECHO_LENGTH else f"{code[:_ECHO_LENGTH]}…"
        for code in codes
    )


def validate_codes(
    codes: Iterable[str], *, groups: set[str] | None = None
) -> list[str]:
    """The given codes stripped and without duplicates, in the order given.

    Raises DomainError (Dutch message naming the codes) when a code does not exist,
    is no longer in use, or, when ``groups`` is given, belongs to another group.
    """
    if isinstance(codes, str):
        raise TypeError("validate_codes expects a collection of codes, not one string")
    allowed = _check_groups(groups) if groups is not None else None

    unique: dict[str, None] = {}  # a dict keeps the order in which codes came
    for raw in codes:
        if not isinstance(raw, str):
            raise DomainError(gettext("Een ervaringscode moet tekst zijn."))
        if code := raw.strip():
            unique[code] = None
    cleaned = list(unique)
    if not cleaned:
        return []

    found = {
        row["code"]: row
        for row in ExperienceCode.objects.filter(code__in=cleaned).values(
            "code", "group", "is_active"
        )
    }
    unknown = [code for code in cleaned if code not in found]
    inactive = [
        code for code in cleaned if code in found and not found[code]["is_active"]
    ]
    wrong_group = [
        code
        for code in cleaned
        if code in found
        and found[code]["is_active"]
        and allowed is not None
        and found[code]["group"] not in allowed
    ]

    problems = []
    if unknown:
        problems.append(
            gettext("Deze ervaringscodes bestaan niet: %(codes)s.")
            % {"codes": _echo(unknown)}
        )
    if inactive:
        problems.append(
            gettext("Deze ervaringscodes worden niet meer gebruikt: %(codes)s.")
            % {"codes": _echo(inactive)}
        )
    if wrong_group:
        problems.append(
            gettext("Deze ervaringscodes horen hier niet bij: %(codes)s.")
            % {"codes": _echo(wrong_group)}
        )
    if problems:
        raise DomainError(" ".join(problems))
    return cleaned
