"""The team page: who belongs to the organisation, the invitations, and the form to
invite someone (organisations' views switch a member's access off and on)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ouderbuddy.accounts import selectors as account_selectors
from ouderbuddy.accounts import services as account_services
from ouderbuddy.accounts.forms import InviteForm
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import PER_PAGE, SignedInRequest, acting_membership
from ouderbuddy.organisations import selectors as organisation_selectors
from ouderbuddy.organisations.models import Membership

COORDINATOR = [Role.COORDINATOR]


@role_required(COORDINATOR, methods=["GET", "POST"])
def team(request: SignedInRequest) -> HttpResponse:
    """Members and invitations; the form at the bottom sends a new invitation."""
    actor = acting_membership(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = account_services.invite_person(
                actor=actor, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("De uitnodiging is verstuurd naar %(email)s.")
                % {"email": invitation.email},
            )
            return redirect("organisations:team")
    page = Paginator(
        organisation_selectors.visible_memberships(actor), PER_PAGE
    ).get_page(request.GET.get("pagina"))
    return render(
        request,
        "organisations/team.html",
        {
            "page": page,
            "team_members": _with_role_labels(page.object_list),
            # The latest; older ones have expired or were answered long ago.
            "invitations": account_selectors.visible_invitations(actor)[:PER_PAGE],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _with_role_labels(
    memberships: Iterable[Membership],
) -> list[tuple[Membership, str]]:
    """Each member with the name of their role, translated once per role."""
    labels = {value: str(label) for value, label in Role.choices}
    return [(m, labels.get(m.role, m.role)) for m in memberships]


@role_required(COORDINATOR, methods=["POST"])
def revoke_invitation(request: SignedInRequest, invitation_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    invitation = account_selectors.get_invitation_for(actor, invitation_id)
    try:
        account_services.revoke_invitation(actor=actor, invitation=invitation)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De uitnodiging is ingetrokken."))
    return redirect("organisations:team")
