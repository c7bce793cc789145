"""Subject access pages (AVG art. 15 and 20): the parent's request on the status page
and the download behind the e-mailed link, the buddy's "Mijn gegevens", and the
coordinator's list of open rights requests with the export of anyone of the
organisation. Each export is HTML (the page), PDF or JSON (`?formaat=`)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, private_page
from ouderbuddy.privacy import access, hooks, pdf, selectors_access
from ouderbuddy.privacy import services_access as services
from ouderbuddy.privacy.forms_access import (
    FORMS,
    BuddyExportForm,
    ParentExportForm,
    StaffExportForm,
    subject_of,
)
from ouderbuddy.privacy.models import RightRequest

FORMAT = "formaat"
KIND_OF_SUBJECT = {model: kind for kind, model in access.SUBJECT_MODEL.items()}
EXPORT_ROUTE = {
    access.PARENT: "privacy:export_request",
    access.BUDDY: "privacy:export_buddy",
    access.STAFF: "privacy:export_staff",
}


def _format(request: HttpRequest, default: str | None = "html") -> str | None:
    """The format asked for; an unknown one is the page."""
    value = request.GET.get(FORMAT)
    if value is None:
        return default
    return value if value in services.FORMATS else "html"


def _file_name(export: dict[str, Any], extension: str) -> str:
    day = timezone.localdate().isoformat()
    return f"gegevens-{day}.{extension}"


def _answer(
    request: HttpRequest,
    export: dict[str, Any],
    fmt: str,
    *,
    links: str,
    back: str = "",
    template: str = "privacy/access/export.html",
) -> HttpResponse:
    """The export in the format asked for; `links` is the page's own address, for
    the PDF and JSON links."""
    if fmt == "json":
        response = HttpResponse(
            json.dumps(export, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{_file_name(export, "json")}"'
        )
        return response
    if fmt == "pdf":
        response = HttpResponse(pdf.render_pdf(export), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="{_file_name(export, "pdf")}"'
        )
        return response
    return render(
        request,
        template,
        {
            "export": export,
            "pdf_url": f"{links}?{FORMAT}=pdf",
            "json_url": f"{links}?{FORMAT}=json",
            "back": back,
        },
    )


# --- The parent, through the status link ----------------------------------------------


@private_page
@require_POST
def status_request(request: HttpRequest, token: str) -> HttpResponse:
    """The parent asks for their data on the status page, and goes back to it. The
    message is the same whether the e-mail went out, a new link replaced the last
    one, or the parent asked too often."""
    try:
        help_request = hooks.request_for_status_token(token)
    except DomainError:
        help_request = None
    if help_request is not None:
        services.request_access_by_parent(help_request=help_request)
        messages.success(
            request,
            _(
                "U krijgt binnen een paar minuten een e-mail met een link naar al uw "
                "gegevens. De link werkt %(days)d dagen. Geen e-mail gekregen? Kijk "
                "ook bij uw ongewenste e-mail, of neem contact op met het steunpunt."
            )
            % {"days": services.LINK_DAYS},
        )
    # A wrong link lands on the status page's own answer to it.
    return redirect("intake:status", token=token)


def _link_problem(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/access/link_problem.html", status=404)


@private_page
@require_safe
def download(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the e-mailed link: the export as a page, PDF or JSON. A wrong
    or expired link gets one neutral page."""
    right = services.right_request_for_token(token)
    if right is None:
        return _link_problem(request)
    fmt = _format(request, default=None)
    here = reverse("privacy:download", args=[token])
    if fmt is None:
        return render(
            request,
            "privacy/access/download.html",
            {
                "html_url": f"{here}?{FORMAT}=html",
                "pdf_url": f"{here}?{FORMAT}=pdf",
                "json_url": f"{here}?{FORMAT}=json",
                "days": services.LINK_DAYS,
            },
        )
    try:
        person = services.download_by_parent(right_request=right, fmt=fmt)
    except Http404:
        return _link_problem(request)
    return _answer(request, access.export(person), fmt, links=here, back=here)


# --- The buddy ------------------------------------------------------------------------


@role_required([Role.BUDDY])
def my_data(request: SignedInRequest) -> HttpResponse:
    """Everything the support point keeps about the buddy, to read or download."""
    actor = acting_membership(request)
    fmt = _format(request) or "html"
    person = services.export_for_buddy(
        actor=actor, buddy_id=selectors_access.own_buddy_id(actor), fmt=fmt
    )
    return _answer(
        request, access.export(person), fmt, links=reverse("privacy:my_data")
    )


# --- The coordinator ------------------------------------------------------------------


def _forms(actor: Any, bound: Any = None) -> dict[str, Any]:
    organisation_id = actor.organisation_id
    forms = {
        "parent_form": ParentExportForm(
            organisation_id=organisation_id, prefix="ouder"
        ),
        "buddy_form": BuddyExportForm(organisation_id=organisation_id, prefix="buddy"),
        "staff_form": StaffExportForm(
            organisation_id=organisation_id, prefix="medewerker"
        ),
    }
    if bound is not None:
        key = {
            ParentExportForm: "parent_form",
            BuddyExportForm: "buddy_form",
            StaffExportForm: "staff_form",
        }[type(bound)]
        forms[key] = bound
    return forms


def _right_requests_page(
    request: SignedInRequest, bound: Any = None, status: int = 200
) -> HttpResponse:
    actor = acting_membership(request)
    return render(
        request,
        "privacy/access/right_requests.html",
        {
            "rows": selectors_access.open_right_request_rows(actor),
            **_forms(actor, bound),
        },
        status=status,
    )


@role_required([Role.COORDINATOR])
def right_requests(request: SignedInRequest) -> HttpResponse:
    """The open rights requests with their legal deadline, and the export of anyone
    of the organisation."""
    return _right_requests_page(request)


PREFIXES = {access.PARENT: "ouder", access.BUDDY: "buddy", access.STAFF: "medewerker"}


@role_required([Role.COORDINATOR], methods=["POST"])
def make_export(request: SignedInRequest) -> HttpResponse:
    """'Inzage-export maken': answers the person's open access requests and opens
    their export."""
    actor = acting_membership(request)
    right_id = request.POST.get("right_request")
    if right_id:
        try:
            key = uuid.UUID(right_id)
        except ValueError as exc:
            raise Http404 from exc
        right = RightRequest.objects.filter(
            pk=key, organisation_id=actor.organisation_id
        ).first()
        if right is None:
            raise Http404
        kind = KIND_OF_SUBJECT.get(right.subject_type)
        if kind is None:
            raise Http404
        subject_id: Any = right.subject_id
    else:
        kind = next(
            (k for k, prefix in PREFIXES.items() if f"{prefix}-kind" in request.POST),
            None,
        )
        if kind is None:
            messages.error(request, _("Kies eerst van wie u de gegevens wilt."))
            return redirect("privacy:right_requests")
        form = FORMS[kind](
            request.POST, organisation_id=actor.organisation_id, prefix=PREFIXES[kind]
        )
        if not form.is_valid():
            return _right_requests_page(request, bound=form, status=400)
        subject_id = subject_of(form)
    person, answered = services.make_export(
        actor=actor, kind=kind, subject_id=subject_id
    )
    if answered:
        messages.success(
            request,
            _("De export is gemaakt. Het verzoek staat nu op afgehandeld."),
        )
    return redirect(EXPORT_ROUTE[kind], person.subject.pk)


def _coordinator_export(
    request: SignedInRequest, kind: str, subject_id: Any, route: str
) -> HttpResponse:
    actor = acting_membership(request)
    person = access.find_person(kind, subject_id, actor.organisation_id)
    fmt = _format(request) or "html"
    services.record_export(actor=actor, person=person, fmt=fmt)
    return _answer(
        request,
        access.export(person),
        fmt,
        links=reverse(route, args=[subject_id]),
        back=reverse("privacy:right_requests"),
    )


@role_required([Role.COORDINATOR])
def export_request(request: SignedInRequest, request_id: Any) -> HttpResponse:
    """The export of the parent behind a help request (all their requests)."""
    return _coordinator_export(
        request, access.PARENT, request_id, "privacy:export_request"
    )


@role_required([Role.COORDINATOR])
def export_buddy(request: SignedInRequest, buddy_id: Any) -> HttpResponse:
    """The export of a buddy."""
    return _coordinator_export(request, access.BUDDY, buddy_id, "privacy:export_buddy")


@role_required([Role.COORDINATOR])
def export_staff(request: SignedInRequest, membership_id: Any) -> HttpResponse:
    """The export of a staff member."""
    return _coordinator_export(
        request, access.STAFF, membership_id, "privacy:export_staff"
    )
