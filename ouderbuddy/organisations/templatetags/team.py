"""The team page's rows without a `reverse` and a `{% blocktranslate %}` per row.

- `{{ member|access_action }}`: `{% url 'organisations:deactivate_membership' m.pk %}`
  for an active member, `…:reactivate_membership` for a stopped one.
- `{{ member|access_button }}`: the text of that form's button, as the
  `{% blocktranslate with name=m.user.full_name %}` it replaces (same message ids).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ouderbuddy.organisations.models import Membership

register = template.Library()

_ZERO = UUID(int=0)
_paths: dict[tuple[str, str], tuple[str, str]] = {}


def _path(name: str, pk: Any) -> str:
    """`reverse(name, args=[pk])`: reversed once per process and script prefix."""
    key = (name, get_script_prefix())
    parts = _paths.get(key)
    if parts is None:
        head, tail = reverse(name, args=[_ZERO]).split(str(_ZERO))
        parts = _paths[key] = (head, tail)
    return f"{parts[0]}{pk}{parts[1]}"


@register.filter
def access_action(member: Membership) -> str:
    if member.is_active:
        return _path("organisations:deactivate_membership", member.pk)
    return _path("organisations:reactivate_membership", member.pk)


@register.filter
def access_button(member: Membership) -> SafeString:
    text = (
        gettext("Toegang van %(name)s stoppen")
        if member.is_active
        else gettext("%(name)s weer toegang geven")
    )
    # The name escaped, the translation as it is (as `{% blocktranslate %}` does).
    return mark_safe(text % {"name": escape(member.user.full_name)})  # noqa: S308
