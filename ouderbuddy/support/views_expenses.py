"""Allowance and expenses: a buddy's claims on the phone (kilometres, a receipt) and
their year against the caps; the coordinators' review, flat allowances, the month
export for the bookkeeping (CSV and XLSX), closing a month and the settings; the
receipt itself, served only through this access check."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.selectors import get_own_buddy, own_buddy_id
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.csv_export import csv_response, safe_cell
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.services import record_event, record_read
from ouderbuddy.support import receipts, services_expenses
from ouderbuddy.support import selectors_expenses as selectors
from ouderbuddy.support.caps import Level
from ouderbuddy.support.forms_expenses import (
    AllowanceForm,
    AllowanceSettingsForm,
    KmClaimForm,
    MonthAllowanceForm,
    ReceiptClaimForm,
    RejectForm,
)
from ouderbuddy.support.models_expenses import ClaimStatus, ExpenseClaim

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _caps_notice(year: int) -> dict[str, Any]:
    caps = selectors.caps_for_year(year)
    return {"caps": caps, "caps_unverified": caps is not None and not caps.verified}


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- The buddy's side ------------------------------------------------------------


@role_required(BUDDY)
def my_expenses(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    # The page shows nothing of the record itself: its key is enough.
    buddy_id = own_buddy_id(actor)
    if buddy_id is None:
        raise Http404
    buddy = Buddy(pk=buddy_id, organisation_id=actor.organisation_id)
    overview = selectors.year_overview(buddy)
    return render(
        request,
        "support/expenses/my_expenses.html",
        {
            "claims": list(selectors.own_claims(actor, buddy)[:50]),
            "overview": overview,
            "caps_unverified": overview["caps"] is not None
            and not overview["caps"].verified,
            "settings": selectors.allowance_settings_of(actor.organisation_id),
            "warn": overview["standing"] is not None
            and overview["standing"].level != Level.OK,
        },
    )


@role_required(BUDDY, methods=["GET", "POST"])
def new_km_claim(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    get_own_buddy(actor)
    found = selectors.allowance_settings_of(actor.organisation_id)
    form = KmClaimForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services_expenses.submit_km_claim(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Uw declaratie is ingediend. De coördinator bekijkt hem.")
            )
            return redirect("support:my_claim", claim_id=claim.pk)
    return render(
        request,
        "support/expenses/new_km_claim.html",
        {"form": form, "km_rate": found.km_rate},
        status=_status(request),
    )


@role_required(BUDDY, methods=["GET", "POST"])
def new_receipt_claim(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    get_own_buddy(actor)
    form = ReceiptClaimForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = services_expenses.submit_receipt_claim(
                actor=actor, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Uw declaratie is ingediend. De coördinator bekijkt hem.")
            )
            return redirect("support:my_claim", claim_id=claim.pk)
    return render(
        request,
        "support/expenses/new_receipt_claim.html",
        {"form": form},
        status=_status(request),
    )


@role_required(BUDDY)
def my_claim(request: SignedInRequest, claim_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    claim = selectors.get_claim_for(actor, claim_id)
    return render(
        request,
        "support/expenses/my_claim.html",
        {"claim": claim, "history": selectors.claim_history(claim)},
    )


# --- The receipt -------------------------------------------------------------------


@role_required([Role.COORDINATOR, Role.BUDDY])
def receipt(request: SignedInRequest, claim_id: UUID) -> HttpResponse:
    """The receipt's file, for the claim's buddy and the organisation's
    coordinators only (404 for anyone else): its checked content type, a photo
    inline and a PDF as a download, never sniffed, never cached."""
    actor = acting_membership(request)
    claim = selectors.get_claim_for(actor, claim_id)
    if not claim.receipt_name:
        raise Http404
    try:
        with receipts.storage().open(claim.receipt_name, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise Http404 from exc
    record_read(actor=actor, target=claim)
    extension = claim.receipt_name.rsplit(".", 1)[-1]
    response = HttpResponse(content, content_type=claim.receipt_type)
    response["Content-Disposition"] = (
        content_disposition_header(
            not claim.is_image, f"bon-{claim.spent_on:%Y-%m-%d}.{extension}"
        )
        or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- The coordinators' side -------------------------------------------------------


@role_required(COORDINATOR)
def claims(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    status = request.GET.get("status", "")
    if status not in ClaimStatus.values:
        status = ""
    return render(
        request,
        "support/expenses/claims.html",
        {
            "rows": list(selectors.claims_to_review(actor, status)[:100]),
            "status": status,
            "statuses": ClaimStatus.choices,
            **_caps_notice(timezone.localdate().year),
        },
    )


def _claim_page(
    request: HttpRequest,
    claim: ExpenseClaim,
    form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "support/expenses/claim.html",
        {
            "claim": claim,
            "history": selectors.claim_history(claim),
            "form": form or RejectForm(),
            "closed": selectors.is_closed(claim.organisation_id, claim.spent_on),
        },
        status=status,
    )


@role_required(COORDINATOR)
def claim(request: SignedInRequest, claim_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.get_claim_for(actor, claim_id)
    record_read(actor=actor, target=found)
    return _claim_page(request, found)


@role_required(COORDINATOR, methods=["POST"])
def approve_claim(request: SignedInRequest, claim_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.get_claim_for(actor, claim_id)
    try:
        services_expenses.approve_claim(actor=actor, claim=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De declaratie is goedgekeurd."))
    return redirect("support:claim", claim_id=found.pk)


@role_required(COORDINATOR, methods=["POST"])
def reject_claim(request: SignedInRequest, claim_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.get_claim_for(actor, claim_id)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services_expenses.reject_claim(
                actor=actor, claim=found, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("De declaratie is afgewezen. De buddy ziet de reden.")
            )
            return redirect("support:claim", claim_id=found.pk)
    return _claim_page(request, found, form=form, status=400)


@role_required(COORDINATOR, methods=["GET", "POST"])
def allowance_new(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.allowance_settings_of(actor.organisation_id)
    buddies = selectors.allowance_buddy_choices(actor)
    form = AllowanceForm(
        request.POST if request.method == "POST" else None,
        buddies=buddies,
        initial={"paid_on": timezone.localdate(), "amount": found.monthly_allowance},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _made, standing = services_expenses.record_flat_allowance(
                actor=actor,
                buddy=form.chosen_buddy(),
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if standing.level == Level.WARN:
                messages.warning(
                    request,
                    _(
                        "De vergoeding is vastgelegd. Let op: deze buddy zit nu op "
                        "%(month)s%% van het maximum per maand en %(year)s%% van "
                        "het maximum per jaar."
                    )
                    % {
                        "month": standing.month_percent,
                        "year": standing.year_percent,
                    },
                )
            else:
                messages.success(request, _("De vergoeding is vastgelegd."))
            return redirect("support:allowance_new")
    return render(
        request,
        "support/expenses/allowance_form.html",
        {
            "form": form,
            "month_form": MonthAllowanceForm(initial={"paid_on": timezone.localdate()}),
            "settings": found,
            **_caps_notice(timezone.localdate().year),
        },
        status=_status(request),
    )


@role_required(COORDINATOR, methods=["POST"])
def allowance_month(request: SignedInRequest) -> HttpResponse:
    """The monthly amount for every active buddy at once."""
    actor = acting_membership(request)
    form = MonthAllowanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vul een geldige datum in."))
        return redirect("support:allowance_new")
    try:
        done = services_expenses.record_month_allowances(
            actor=actor, paid_on=form.cleaned_data["paid_on"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("support:allowance_new")
    messages.success(
        request,
        ngettext(
            "De vergoeding is vastgelegd voor %(n)s buddy.",
            "De vergoeding is vastgelegd voor %(n)s buddy's.",
            len(done.recorded),
        )
        % {"n": len(done.recorded)},
    )
    warned = [b.full_name for b, s in done.recorded if s.level == Level.WARN]
    if warned:
        messages.warning(
            request,
            _(
                "Let op, deze buddy's zitten nu op 80%% of meer van een maximum: %(names)s."
            )
            % {"names": ", ".join(warned)},
        )
    for buddy, reason in done.refused:
        messages.error(request, f"{buddy.full_name}: {reason}")
    return redirect("support:allowance_new")


def _month_of(request: HttpRequest) -> dt.date:
    month = selectors.parse_month(request.GET.get("maand"))
    if month is None:
        previous = selectors.first_of_month(timezone.localdate()) - dt.timedelta(days=1)
        month = selectors.first_of_month(previous)
    return month


def _total(rows: list[dict[str, Any]]) -> Decimal:
    return sum((row["amount"] for row in rows), Decimal(0))


@role_required(COORDINATOR)
def month(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    chosen = _month_of(request)
    rows = selectors.month_rows(actor.organisation_id, chosen)
    return render(
        request,
        "support/expenses/month.html",
        {
            "month": chosen,
            "month_key": f"{chosen:%Y-%m}",
            "rows": rows,
            "total": _total(rows),
            "closed": selectors.is_closed(actor.organisation_id, chosen),
            "waiting": selectors.submitted_in_month(actor.organisation_id, chosen),
            "closed_months": selectors.closed_months(actor.organisation_id),
        },
    )


def _header() -> list[str]:
    return [
        _("Buddy"),
        _("Datum"),
        _("Soort"),
        _("Omschrijving"),
        _("Kilometers"),
        _("Bedrag"),
    ]


@role_required(COORDINATOR)
def month_csv(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    chosen = _month_of(request)
    rows = selectors.month_rows(actor.organisation_id, chosen)

    def money(value: Decimal) -> str:
        return f"{value:.2f}".replace(".", ",")

    lines: list[list[Any]] = [
        [
            r["buddy"],
            f"{r['date']:%d-%m-%Y}",
            r["kind"],
            r["description"],
            "" if r["km"] is None else f"{r['km']}".replace(".", ","),
            money(r["amount"]),
        ]
        for r in rows
    ]
    lines.append([_("Totaal"), "", "", "", "", money(_total(rows))])
    _record_export(actor, chosen, "csv")
    return csv_response(f"onkosten-{chosen:%Y-%m}.csv", _header(), lines)


def _record_export(actor: Any, month: dt.date, kind: str) -> None:
    """A download of the buddies' names and expenses is an audit event (AVG)."""
    record_event(
        actor=actor,
        organisation=actor.organisation_id,
        verb="support.expenses.export",
        data={"month": f"{month:%Y-%m}", "format": kind},
    )


@role_required(COORDINATOR)
def month_xlsx(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    chosen = _month_of(request)
    rows = selectors.month_rows(actor.organisation_id, chosen)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{chosen:%Y-%m}")
    bold = Font(bold=True)

    def text(value: str, *, strong: bool = False) -> WriteOnlyCell:
        # Text stays text: openpyxl would store "=…" as a formula.
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.data_type = "s"
        if strong:
            cell.font = bold
        return cell

    def number(value: Decimal | None, fmt: str) -> WriteOnlyCell | None:
        if value is None:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = fmt
        return cell

    def day(value: dt.date) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "DD-MM-YYYY"
        return cell

    sheet.append([text(h, strong=True) for h in _header()])
    for r in rows:
        sheet.append(
            [
                text(r["buddy"]),
                day(r["date"]),
                text(r["kind"]),
                text(r["description"]),
                number(r["km"], "0.0"),
                number(r["amount"], "#,##0.00"),
            ]
        )
    total = number(_total(rows), "#,##0.00")
    assert total is not None
    total.font = bold
    sheet.append([text(_("Totaal"), strong=True), None, None, None, None, total])
    out = io.BytesIO()
    book.save(out)
    _record_export(actor, chosen, "xlsx")
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="onkosten-{chosen:%Y-%m}.xlsx"'
    )
    response["Cache-Control"] = "no-store"
    return response


@role_required(COORDINATOR, methods=["POST"])
def close_month(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    chosen = selectors.parse_month(request.POST.get("month"))
    if chosen is None:
        messages.error(request, _("Kies een maand."))
        return redirect("support:month")
    try:
        services_expenses.close_month(actor=actor, month=chosen)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("De maand is afgesloten. Er kan niets meer in gedeclareerd worden."),
        )
    return redirect(f"{reverse('support:month')}?maand={chosen:%Y-%m}")


@role_required(COORDINATOR, methods=["GET", "POST"])
def allowance_settings(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    found = selectors.allowance_settings_of(actor.organisation_id)
    form = AllowanceSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "pays_flat_allowance": found.pays_flat_allowance,
            "monthly_allowance": found.monthly_allowance,
            "km_rate": found.km_rate,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_expenses.update_allowance_settings(
                actor=actor, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De instellingen zijn opgeslagen."))
            return redirect("support:allowance_settings")
    return render(
        request,
        "support/expenses/settings.html",
        {"form": form, **_caps_notice(timezone.localdate().year)},
        status=_status(request),
    )
