"""Small helpers every view module shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

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


TokenView = Callable[..., HttpResponse]


def private_page(view: TokenView) -> TokenView:
    """Pages whose address holds the personal token: not cached, not indexed, and the
    address never leaves in a Referer header. "strict-origin" sends only the site's
    origin (never the path with the token), and keeps the Origin header that Django's
    CSRF check needs on the page's own forms."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = "strict-origin"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return cast(TokenView, never_cache(wrapper))
