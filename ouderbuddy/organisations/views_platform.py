"""The platform admin's pages: support points, their region and their first
coordinator. Organisations and accounts only, never case content (PRODUCT.md §2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import add_domain_error
from ouderbuddy.organisations import forms, selectors, services

View = Callable[..., HttpResponse]


def platform_admin_required(
    methods: Iterable[str] = ("GET",),
) -> Callable[[View], View]:
    """Anonymous → login page; wrong method → 405; not a platform admin past the
    second step → 403."""
    allowed = [m.upper() for m in methods]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.append("HEAD")

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            if not (selectors.is_platform_admin(user) and user.is_verified()):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.platform_admin_only = True  # type: ignore[attr-defined]
        return wrapper

    return decorator


@platform_admin_required()
def organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "organisations/platform/list.html",
        {"organisations": selectors.platform_organisations()},
    )


@platform_admin_required(methods=["GET", "POST"])
def new_organisation(request: HttpRequest) -> HttpResponse:
    form = forms.OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(
                admin=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is aangemaakt. Nodig nu de eerste coördinator uit.")
                % {"name": organisation.name},
            )
            return redirect("platform:organisation", organisation.pk)
    return render(
        request,
        "organisations/platform/form.html",
        {"form": form, "support_point": None},
        status=400 if form.errors else 200,
    )


@platform_admin_required(methods=["GET", "POST"])
def edit_organisation(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    organisation = selectors.get_platform_organisation(organisation_id)
    form = forms.OrganisationForm(
        request.POST or None,
        initial={
            "name": organisation.name,
            "contact_email": organisation.contact_email,
            "districts": list(organisation.districts.all()),
            "is_active": organisation.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                admin=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De gegevens zijn opgeslagen."))
            return redirect("platform:organisation", organisation.pk)
    return render(
        request,
        "organisations/platform/form.html",
        {"form": form, "support_point": organisation},
        status=400 if form.errors else 200,
    )
