"""The team page: who belongs to the organisation, the invitations, and the form to
invite someone (organisations' views switch a member's access off and on)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
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
from ouderbuddy.organisations.templatetags.team import access_action, access_button

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
            "member_rows": _member_rows(request, actor, page.object_list),
            # The latest; older ones have expired or were answered long ago.
            "invitations": account_selectors.visible_invitations(actor)[:PER_PAGE],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _member_rows(
    request: SignedInRequest, actor: Membership, memberships: Iterable[Membership]
) -> list[SafeString]:
    """Each member's table row, drawn here as the template's loop drew it: the labels
    and the role names translated once a page, one CSRF field for every form, each
    value escaped (`{{ }}`), the button's text as `team.access_button` words it."""
    labels = {value: escape(str(label)) for value, label in Role.choices}
    name, email = escape(_("Naam")), escape(_("E-mailadres"))
    role, access = escape(_("Rol")), escape(_("Toegang"))
    you, stopped = escape(_("Dat bent u")), escape(_("Gestopt"))
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
    cell = '<td data-label="{label}" class="utrecht-table__cell">{value}</td>'
    drawn = []
    for m in memberships:
        control: str
        if m.pk == actor.pk:
            control = you
        else:
            control = (
                f'<form method="post" action="{escape(access_action(m))}"'
                f' class="ob-inline-form">{csrf}'
                + ("" if m.is_active else f"<span>{stopped}</span>")
                + '<button type="submit" class="utrecht-button'
                f' utrecht-button--secondary-action">{access_button(m)}</button>'
                "</form>"
            )
        drawn.append(
            mark_safe(  # noqa: S308 - every value is escaped
                '<tr class="utrecht-table__row">'
                + cell.format(label=name, value=escape(m.user.full_name))
                + cell.format(label=email, value=escape(m.user.email))
                + cell.format(label=role, value=labels.get(m.role, escape(m.role)))
                + cell.format(label=access, value=control)
                + "</tr>"
            )
        )
    return drawn


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
