"""Small helpers every view module shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest

from ouderbuddy.lib.errors import DomainError

# Rows per page of every paginated list: a page's cost grows with its rows (each one is
# rendered and its encrypted fields decrypted), and 25 fit a phone screen or two.
PER_PAGE = 25

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from ouderbuddy.accounts.models import User
    from ouderbuddy.organisations.models import Membership


class Request(HttpRequest):
    """A request as the middleware leaves it (for the type checker; at run time every
    request is a plain HttpRequest). MembershipMiddleware sets `membership` (the role
    the person acts in now, or None) and `memberships`; SecondFactorMiddleware sets
    `second_factor_pending` for staff."""

    user: User | AnonymousUser
    membership: Membership | None
    memberships: list[Membership]
    second_factor_pending: bool


class SignedInRequest(Request):
    """A request to a view behind `role_required`: signed in, acting in a role."""

    user: User
    membership: Membership


def acting_membership(request: HttpRequest) -> Membership:
    """The membership the signed-in person acts in (set by MembershipMiddleware; the
    access decorators have made sure it exists)."""
    return cast("SignedInRequest", request).membership


def client_ip(request: HttpRequest) -> str:
    """The client's address as the server sees it (for rate limits)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def add_domain_error(form: Any, exc: DomainError) -> None:
    """Show a service's DomainError next to its field, or at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
