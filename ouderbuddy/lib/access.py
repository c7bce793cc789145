"""View decorators for access rules: sign-in, role and HTTP method, in that order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

View = Callable[..., HttpResponse]


def role_required(
    roles: Iterable[str], methods: Iterable[str] = ("GET",)
) -> Callable[[View], View]:
    """Anonymous → login page; wrong method → 405; no membership with one of `roles` → 403."""
    allowed_roles = frozenset(roles)
    allowed_methods = [m.upper() for m in methods]
    if "GET" in allowed_methods and "HEAD" not in allowed_methods:
        allowed_methods.append("HEAD")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in allowed_methods:
                return HttpResponseNotAllowed(allowed_methods)
            membership = getattr(request, "membership", None)
            if membership is None or membership.role not in allowed_roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed_roles  # type: ignore[attr-defined]
        return wrapper

    return decorator


def login_required(methods: Iterable[str] = ("GET",)) -> Callable[[View], View]:
    """Anonymous → login page; wrong method → 405. For pages every signed-in person may see."""
    allowed_methods = [m.upper() for m in methods]
    if "GET" in allowed_methods and "HEAD" not in allowed_methods:
        allowed_methods.append("HEAD")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in allowed_methods:
                return HttpResponseNotAllowed(allowed_methods)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
