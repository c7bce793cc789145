from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def membership(request: HttpRequest) -> dict[str, Any]:
    """The acting membership and its organisation for the page header and navigation."""
    current = getattr(request, "membership", None)
    return {
        "membership": current,
        "organisation": current.organisation if current else None,
    }
