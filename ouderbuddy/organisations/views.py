"""The organisation's settings page and switching a team member's access off and on
(the team page itself, with its invitations, is accounts' `views_team`)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.organisations import forms, selectors, services
from ouderbuddy.organisations.models import Role

COORDINATOR = [Role.COORDINATOR]


@role_required(COORDINATOR, methods=["POST"])
def deactivate_membership(
    request: SignedInRequest, membership_id: UUID
) -> HttpResponse:
    actor = acting_membership(request)
    membership = selectors.get_membership_for(actor, membership_id)
    try:
        services.deactivate_membership(actor=actor, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s heeft geen toegang meer.") % {"name": membership.user}
        )
    return redirect("organisations:team")


@role_required(COORDINATOR, methods=["POST"])
def reactivate_membership(
    request: SignedInRequest, membership_id: UUID
) -> HttpResponse:
    actor = acting_membership(request)
    membership = selectors.get_membership_for(actor, membership_id)
    try:
        services.reactivate_membership(actor=actor, membership=membership)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s heeft weer toegang.") % {"name": membership.user}
        )
    return redirect("organisations:team")


# --- The organisation's own settings -----------------------------------------------------


@role_required([Role.COORDINATOR, Role.MANAGER], methods=["GET", "POST"])
def organisation_settings(request: SignedInRequest) -> HttpResponse:
    """Contact details for parents, the waiting-time target, the check-in rhythm and
    the e-mail signature. A coordinator changes them; a manager reads them."""
    actor = acting_membership(request)
    organisation = actor.organisation
    may_change = selectors.can_change_settings(actor)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    initial = {
        field: getattr(organisation, field) for field in services.SETTINGS_FIELDS
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_settings(
                actor=actor, organisation=organisation, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if changed:
                messages.success(request, _("De instellingen zijn opgeslagen."))
            else:
                messages.info(request, _("Er was niets veranderd."))
            return redirect("organisations:settings")
    return render(
        request,
        "organisations/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "may_change": may_change,
            "interval_label": dict(forms.INTERVAL_CHOICES).get(
                organisation.check_in_interval_months,
                organisation.check_in_interval_months,
            ),
        },
        status=400 if form.errors else 200,
    )
