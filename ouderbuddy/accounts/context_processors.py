from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, Any]:
    """The acting membership, all memberships and the organisation for the page header."""
    current = getattr(request, "membership", None)
    return {
        "membership": current,
        "memberships": getattr(request, "memberships", []),
        "organisation": current.organisation if current else None,
    }
