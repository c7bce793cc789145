"""Pages for a referral by a professional, and the parent's confirmation link.

A school or professional fills in who they are and which parent they refer; the parent
gets an e-mail and nothing is processed until they confirm and complete the request
through the public form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from ouderbuddy.intake import draft, services
from ouderbuddy.intake.forms_referral import ReferralFinderForm, ReferralForm
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import add_domain_error, client_ip
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.organisations.selectors import organisations_serving

View = Callable[..., HttpResponse]


def _no_referrer(view: View) -> View:
    """The URL holds the parent's token: send only the site's origin as Referer (the
    Origin header stays, which the CSRF check of the page's form needs)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapper


def _public_organisation(organisation_id: UUID) -> Organisation:
    return get_object_or_404(Organisation, pk=organisation_id, is_active=True)


# --- The professional ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def referral_start(request: HttpRequest) -> HttpResponse:
    """What a referral means, then the parent's postcode to find the support point."""
    form = ReferralFinderForm(request.POST or None)
    options: list[Organisation] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            options = organisations_serving(form.cleaned_data["postcode"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if len(options) == 1:
                return redirect("intake:referral", organisation_id=options[0].pk)
    return render(
        request,
        "intake/referral/start.html",
        {"form": form, "options": options},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def referral_form(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    """The referral form of one support point."""
    organisation = _public_organisation(organisation_id)
    form = ReferralForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam:
            # Tell a robot nothing; store nothing.
            return redirect("intake:referral_done", organisation_id=organisation.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_professional_referral(
                    organisation=organisation,
                    referrer_name=data["referrer_name"],
                    referrer_organisation=data["referrer_organisation"],
                    referrer_role=data["referrer_role"],
                    referrer_email=data["referrer_email"],
                    parent_name=data["parent_name"],
                    parent_email=data["parent_email"],
                    reason=data["reason"],
                    parent_agreed=data["parent_agreed"],
                    client_ip=client_ip(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("intake:referral_done", organisation_id=organisation.pk)
    return render(
        request,
        "intake/referral/form.html",
        {"form": form, "public_organisation": organisation},
        status=400 if form.errors else 200,
    )


@require_safe
def referral_done(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    organisation = _public_organisation(organisation_id)
    return render(
        request,
        "intake/referral/done.html",
        {
            "public_organisation": organisation,
            "days": services.REFERRAL_LINK_DAYS,
        },
    )


# --- The parent ------------------------------------------------------------------------


def _link_problem(
    request: HttpRequest, token: str, exc: services.LinkProblem
) -> HttpResponse:
    kind = "expired" if exc.expired else "used" if exc.used else "tampered"
    status = exc.status
    return render(
        request,
        "intake/referral/link_problem.html",
        {"message": exc.message, "kind": kind, "days": services.REFERRAL_LINK_DAYS},
        status=status,
    )


@never_cache
@_no_referrer
@require_http_methods(["GET", "HEAD", "POST"])
def referral_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's link: who referred them, and a button to complete the request."""
    try:
        referral = services.referral_for_token(token)
    except services.LinkProblem as exc:
        return _link_problem(request, token, exc)
    if request.method == "POST":
        draft.start_for_referral(request, referral)
        return redirect("intake:start")
    return render(
        request,
        "intake/referral/confirm.html",
        {
            "referral": referral,
            "public_organisation": referral.organisation,
            "days": services.REFERRAL_LINK_DAYS,
        },
    )
