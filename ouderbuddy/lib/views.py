"""Small helpers every view module shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from ouderbuddy.lib.errors import DomainError

if TYPE_CHECKING:
    from ouderbuddy.organisations.models import Membership


def acting_membership(request: HttpRequest) -> Membership:
    """The membership the signed-in person acts in (set by MembershipMiddleware; the
    access decorators have made sure it exists)."""
    membership: Membership = request.membership  # type: ignore[attr-defined]
    return membership


def client_ip(request: HttpRequest) -> str:
    """The client's address as the server sees it (for rate limits)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def add_domain_error(form: Any, exc: DomainError) -> None:
    """Show a service's DomainError next to its field, or at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
