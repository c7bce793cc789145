"""The read side of the taxonomy, and the one check every form and API uses on codes."""

from __future__ import annotations

from collections.abc import Iterable

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


def codes_by_group() -> dict[str, list[ExperienceCode]]:
    """Every group (in CodeGroup order, also when empty) with its active codes."""
    grouped: dict[str, list[ExperienceCode]] = {group: [] for group in CodeGroup.values}
    for code in active_codes():
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
