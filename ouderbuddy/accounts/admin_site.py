"""The Django admin is for platform admins only, after the second factor."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def _has_permission(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(
        user.is_active and user.is_staff and user.is_superuser and user.is_verified()
    )


def _login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    # The admin's own login has no second factor: send people to ours.
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect_to_login(request.get_full_path())


def secure_admin(site: AdminSite) -> None:
    """Limit `site` to verified platform admins and route its login to ours."""
    site.has_permission = _has_permission  # type: ignore[method-assign]
    site.login = _login  # type: ignore[method-assign,assignment]
    site.site_header = "Ouderbuddy platformbeheer"
    site.site_title = "Ouderbuddy platformbeheer"
