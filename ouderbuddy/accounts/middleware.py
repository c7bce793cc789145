"""Attach the acting membership to the request, and hold staff at the second factor."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts.selectors import memberships_of, needs_second_factor
from ouderbuddy.lib.views import Request

SESSION_ORGANISATION_KEY = "organisation_id"


class MembershipMiddleware:
    """Sets `request.membership`: the role the user acts in now (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: Request) -> HttpResponse:
        memberships = memberships_of(request.user)
        chosen = request.session.get(SESSION_ORGANISATION_KEY) if memberships else None
        current = next(
            (m for m in memberships if str(m.organisation_id) == chosen),
            memberships[0] if memberships else None,
        )
        request.memberships = memberships
        request.membership = current
        return self.get_response(request)


# Pages a signed-in person may open before the second step is done.
OPEN_BEFORE_SECOND_FACTOR = (
    "accounts:verify",
    "accounts:enrol",
    "accounts:logout",
    "set_language",
)


class SecondFactorMiddleware:
    """A staff member who has not passed the second step sees only the 2FA pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: set[str] | None = None

    def __call__(self, request: Request) -> HttpResponse:
        user = request.user
        memberships = getattr(request, "memberships", None)
        if user.is_authenticated and needs_second_factor(user, memberships):
            verified = getattr(user, "is_verified", lambda: False)()
            # The menu stays hidden until the second step is done.
            request.second_factor_pending = not verified
            if not verified and not self._is_open(request.path):
                if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                    return redirect("accounts:verify")
                return redirect("accounts:enrol")
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = {reverse(name) for name in OPEN_BEFORE_SECOND_FACTOR}

        return path in self._open_paths or path.startswith(settings.STATIC_URL)
