"""The platform admin's page of one support point: its region, who has access, and
the form to invite its first coordinator (the other platform pages are organisations'
`views_platform`)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ouderbuddy.accounts import selectors as account_selectors
from ouderbuddy.accounts import services as account_services
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import add_domain_error
from ouderbuddy.organisations import forms
from ouderbuddy.organisations import selectors as organisation_selectors
from ouderbuddy.organisations.views_platform import platform_admin_required


@platform_admin_required(methods=["GET", "POST"])
def organisation(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    """One support point: its region, who has access, and the form to invite a
    coordinator."""
    organisation = organisation_selectors.get_platform_organisation(organisation_id)
    form = forms.FirstCoordinatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = account_services.invite_coordinator(
                admin=request.user, organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("De uitnodiging is verstuurd naar %(email)s.")
                % {"email": invitation.email},
            )
            return redirect("platform:organisation", organisation.pk)
    return render(
        request,
        "organisations/platform/detail.html",
        {
            # Not "organisation": base.html names the acting organisation with that.
            "support_point": organisation,
            "districts": organisation.districts.order_by("sector", "code"),
            "postcode_count": organisation_selectors.served_postcode_count(
                organisation
            ),
            "members": organisation_selectors.platform_members(organisation),
            "invitations": account_selectors.platform_invitations(organisation)[:20],
            "form": form,
        },
        status=400 if form.errors else 200,
    )
