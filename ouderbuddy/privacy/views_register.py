"""The processing register (coordinators and managers), the public privacy statement
per organisation, and the breach register (coordinators)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.csv_export import csv_response
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import (
    PER_PAGE,
    SignedInRequest,
    acting_membership,
    add_domain_error,
)
from ouderbuddy.privacy import register as register_data
from ouderbuddy.privacy import selectors, services_breaches
from ouderbuddy.privacy.forms import FORM_FIELD, BreachForm
from ouderbuddy.privacy.services import record_event

REGISTER_ROLES = [Role.COORDINATOR, Role.MANAGER]
BREACH_ROLES = [Role.COORDINATOR]


def _organisation(pk: Any, *, active: bool = False) -> Any:
    # privacy sits below organisations: the model is found by label, not imported.
    model = apps.get_model("organisations", "Organisation")
    found = model.objects.filter(pk=pk)
    if active:
        found = found.filter(is_active=True)
    organisation = found.first()
    if organisation is None:
        raise Http404
    return organisation


# --- The processing register --------------------------------------------------------


@role_required(REGISTER_ROLES)
def register(request: SignedInRequest) -> HttpResponse:
    """The organisation's register of processing activities (AVG art. 30)."""
    actor = acting_membership(request)
    data = register_data.register_for(_organisation(actor.organisation_id))
    return render(request, "privacy/register/register.html", {"register": data})


def _export(actor: Any, kind: str) -> None:
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="privacy.register.export",
        data={"format": kind},
    )


@role_required(REGISTER_ROLES)
def register_csv(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    data = register_data.register_for(_organisation(actor.organisation_id))
    _export(actor, "csv")
    return csv_response(
        "verwerkingsregister.csv",
        register_data.register_header(),
        register_data.register_rows(data),
    )


@role_required(REGISTER_ROLES)
def register_markdown(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    data = register_data.register_for(_organisation(actor.organisation_id))
    _export(actor, "markdown")
    response = HttpResponse(
        register_data.register_markdown(data),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="verwerkingsregister.md"'
    response["Cache-Control"] = "no-store"
    return response


# --- The privacy statement (public) -------------------------------------------------


@require_safe
def statements(request: HttpRequest) -> HttpResponse:
    """The privacy statement before a support point is known (the first steps of a
    public form): the defaults every support point starts from."""
    return render(
        request,
        "privacy/register/statement.html",
        {"organisation": None, "register": register_data.register_for(None)},
    )


@require_safe
def statement(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    """One support point's privacy statement in plain words (B1); no sign-in."""
    organisation = _organisation(organisation_id, active=True)
    return render(
        request,
        "privacy/register/statement.html",
        {
            "organisation": organisation,
            "register": register_data.register_for(organisation),
        },
    )


# --- The breach register ------------------------------------------------------------


def _moment(value: Any) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "j F Y H:i")


@role_required(BREACH_ROLES)
def breaches(request: SignedInRequest) -> HttpResponse:
    """The organisation's data breaches, each with whether the AP heard in time."""
    actor = acting_membership(request)
    rows = [
        (
            breach,
            _moment(breach.discovered_at),
            _moment(breach.reported_to_ap_at),
            selectors.reported_in_time(breach),
        )
        for breach in selectors.visible_breaches(actor)[: PER_PAGE * 4]
    ]
    return render(request, "privacy/register/breaches.html", {"rows": rows})


def _breach_page(
    request: HttpRequest, form: BreachForm, breach: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "privacy/register/breach_form.html",
        {"form": form, "breach": breach},
        status=status,
    )


def _save(
    request: SignedInRequest, form: BreachForm, breach: Any
) -> HttpResponse | None:
    actor = acting_membership(request)
    if not form.is_valid():
        return None
    try:
        if breach is None:
            services_breaches.record_breach(actor=actor, **form.values())
            messages.success(request, _("Het datalek is vastgelegd."))
        else:
            services_breaches.update_breach(actor=actor, breach=breach, **form.values())
            messages.success(request, _("Het datalek is bijgewerkt."))
    except DomainError as exc:
        exc.field = FORM_FIELD.get(exc.field or "", exc.field)
        add_domain_error(form, exc)
        return None
    return redirect("privacy:breaches")


@role_required(BREACH_ROLES, methods=["GET", "POST"])
def breach_new(request: SignedInRequest) -> HttpResponse:
    if request.method == "POST":
        form = BreachForm(request.POST)
        return _save(request, form, None) or _breach_page(request, form, None, 400)
    now = timezone.localtime()
    form = BreachForm(
        initial={
            "discovered_on": now.date(),
            "discovered_time": now.time().replace(second=0, microsecond=0),
        }
    )
    return _breach_page(request, form, None)


@role_required(BREACH_ROLES, methods=["GET", "POST"])
def breach_edit(request: SignedInRequest, breach_id: UUID) -> HttpResponse:
    breach = selectors.get_breach_for(acting_membership(request), breach_id)
    if request.method == "POST":
        form = BreachForm(request.POST)
        return _save(request, form, breach) or _breach_page(request, form, breach, 400)
    return _breach_page(
        request, BreachForm(initial=BreachForm.initial_for(breach)), breach
    )
