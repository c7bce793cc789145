"""The Django admin is for platform admins only, after the second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse

from ouderbuddy.lib.control_characters import has_control_characters


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
    site.login = _login  # type: ignore[method-assign]
    original_admin_view = site.admin_view

    def admin_view(view: Callable[..., HttpResponse], cacheable: bool = False) -> Any:
        inner = original_admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # A signed-in person who is not a platform admin gets 403, not a login form.
            if request.user.is_authenticated and not _has_permission(request):
                raise PermissionDenied
            # The admin's forms are Django's own, not the project's (lib.forms): refuse
            # control characters here (a tab or line break may be in a text area).
            if request.method == "POST" and any(
                has_control_characters(value, multiline=True)
                for key, values in request.POST.lists()
                for value in (key, *values)
            ):
                raise BadRequest("control character in an admin form")
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    site.admin_view = admin_view  # type: ignore[method-assign,assignment]
    site.site_header = "Ouderbuddy platformbeheer"
    site.site_title = "Ouderbuddy platformbeheer"
