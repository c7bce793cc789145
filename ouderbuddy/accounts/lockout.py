"""How django-axes recognises the person behind a failed login."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_for(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail address tried, lower-cased, so 'Ben@x' and 'ben@x' count together."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()[:254]
