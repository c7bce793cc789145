"""The report pages: the figures of a period (manager and coordinator; figures only,
never a person or a case), their downloads, the coordinator's hours and the costs."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.csv_export import csv_response, safe_cell
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.organisations.models import Organisation, Role
from ouderbuddy.reports import pdf, selectors, services
from ouderbuddy.reports import planner as recruitment
from ouderbuddy.reports import signals as board
from ouderbuddy.reports.figures import Period, PeriodError, Quarter
from ouderbuddy.reports.forms import (
    BoardReportForm,
    CostForm,
    HourCostForm,
    ReportForm,
    SignalsForm,
    TimeEntryForm,
    current_school_year,
    period_label,
)
from ouderbuddy.reports.models import BoardReport, CostSettings, RequestSignal
from ouderbuddy.training.models import Session

STAFF = [Role.COORDINATOR, Role.MANAGER]
COORDINATOR = [Role.COORDINATOR]
FIGURES = [Role.COORDINATOR, Role.MANAGER, Role.NETWORK_ADMIN]
"""Who reads the figures: coordinators and managers of their own organisation, the
network admin the national figures of her network (never one organisation's)."""


def _scope(request: SignedInRequest) -> selectors.Scope:
    actor = acting_membership(request)
    if actor.role == Role.NETWORK_ADMIN:
        return selectors.network_scope(request.user)
    return selectors.Scope.of(actor.organisation)


def _chosen(
    request: HttpRequest, organisation: Organisation | selectors.Scope
) -> tuple[ReportForm, Period | None, selectors.Filters]:
    """The period and filters of the link; without any, the current school year."""
    options = selectors.filter_options(selectors.as_scope(organisation))
    if not request.GET:
        return ReportForm(options=options), current_school_year(), selectors.Filters()
    form = ReportForm(request.GET, options=options)
    if not form.is_valid() or "report_period" not in form.cleaned_data:
        return form, None, selectors.Filters()
    data = form.cleaned_data
    filters = selectors.Filters(
        swv=data.get("swv") or "",
        sector=data.get("sector") or "",
        route=data.get("route") or "",
        code=data.get("code") or "",
    )
    return form, data["report_period"], filters


@role_required(FIGURES)
def dashboard(request: SignedInRequest) -> HttpResponse:
    """The figures of a period: demand, matching, support, closure and outcomes,
    costs. Every figure about fewer than five people is left out (an x)."""
    scope = _scope(request)
    form, period, filters = _chosen(request, scope)
    if period is None:
        return render(
            request,
            "reports/dashboard.html",
            {"form": form, "report": None, "scope": scope},
            status=400,
        )
    report = selectors.scoped_report(scope, period, filters)
    return render(
        request,
        "reports/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "report": report,
            "period_label": period_label(period),
            "query": request.GET.urlencode(),
        },
    )


def _rows(table: selectors.Table) -> list[list[Any]]:
    found: list[list[Any]] = [
        [label, "x" if value is None else value] for label, value in table.bars
    ]
    if table.show_total:
        found.append(
            [_("Totaal"), "x" if table.grid.total is None else table.grid.total]
        )
    return found


def _report_or_400(
    request: SignedInRequest,
) -> tuple[selectors.Report | None, HttpResponse | None]:
    scope = _scope(request)
    _form, period, filters = _chosen(request, scope)
    if period is None:
        return None, HttpResponse(
            _("Deze periode of deze filters kloppen niet."), status=400
        )
    return selectors.scoped_report(scope, period, filters), None


COSTS = "costs"
"""The key of the costs table in the download links (amounts, not counts)."""


@role_required(FIGURES)
def table_csv(request: SignedInRequest, key: str) -> HttpResponse:
    report, refused = _report_or_400(request)
    if report is None:
        return refused  # type: ignore[return-value]
    filename = f"{key}-{report.period.start:%Y-%m}.csv"
    section = report.section(COSTS)
    if key == COSTS and section is not None:
        # Amounts the Dutch way, with a decimal comma (the file's separator is ;).
        return csv_response(
            filename,
            [_("Soort kosten"), _("Bedrag")],
            [[label, selectors.money(amount)] for label, amount in section.money_lines],
        )
    table = report.table(key)
    if table is None:
        return HttpResponse(_("Deze tabel bestaat niet."), status=404)
    return csv_response(filename, [table.row_header, *table.columns], _rows(table))


def _workbook(
    report: selectors.Report,
    tables: Iterable[selectors.Table],
    *,
    with_costs: bool = False,
) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cijfers"))
    bold = Font(bold=True)

    def text(value: Any, *, strong: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=safe_cell(value))
        cell.data_type = "s"  # text stays text, never a formula
        if strong:
            cell.font = bold
        return cell

    def value(shown: Any) -> WriteOnlyCell:
        if isinstance(shown, int):
            return WriteOnlyCell(sheet, value=shown)
        return text(shown)

    sheet.append([text(report.scope.name, strong=True)])
    sheet.append([text(period_label(report.period))])
    sheet.append(
        [text(_("x: niet getoond (minder dan 5 personen of daaruit af te leiden)."))]
    )
    costs = report.section(COSTS)
    if with_costs and costs is not None:
        sheet.append([])
        sheet.append([text(costs.title, strong=True)])
        for label, amount in costs.money_lines:
            cell = WriteOnlyCell(sheet, value=amount)
            cell.number_format = "#,##0.00"
            sheet.append([text(label), cell])
    for table in tables:
        sheet.append([])
        sheet.append([text(table.title, strong=True)])
        sheet.append(
            [
                text(table.row_header, strong=True),
                *(text(c, strong=True) for c in table.columns),
            ]
        )
        for row in _rows(table):
            sheet.append([text(row[0]), value(row[1])])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@role_required(FIGURES)
def table_xlsx(request: SignedInRequest, key: str) -> HttpResponse:
    report, refused = _report_or_400(request)
    if report is None:
        return refused  # type: ignore[return-value]
    filename = f"{key}-{report.period.start:%Y-%m}.xlsx"
    if key == COSTS:
        return _xlsx_response(_workbook(report, [], with_costs=True), filename)
    table = report.table(key)
    if table is None:
        return HttpResponse(_("Deze tabel bestaat niet."), status=404)
    return _xlsx_response(_workbook(report, [table]), filename)


@role_required(FIGURES)
def report_xlsx(request: SignedInRequest) -> HttpResponse:
    """Every table of the report in one workbook."""
    report, refused = _report_or_400(request)
    if report is None:
        return refused  # type: ignore[return-value]
    tables = [t for section in report.sections for t in section.tables]
    return _xlsx_response(
        _workbook(report, tables, with_costs=True),
        f"rapportage-{report.period.start:%Y-%m}.xlsx",
    )


@role_required(FIGURES)
def report_pdf(request: SignedInRequest) -> HttpResponse:
    """The printable annual report of the period, as PDF."""
    report, refused = _report_or_400(request)
    if report is None:
        return refused  # type: ignore[return-value]
    scope = report.scope
    content = pdf.render_pdf(
        {
            "report": report,
            "period_label": period_label(report.period),
            "board_report": None
            if scope.organisation is None
            else board.shared_board_report(scope.organisation.pk, report.period),
            "trends": board.trends(scope, report.period),
        }
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="jaarverslag-{report.period.start:%Y-%m}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@role_required(STAFF)
def planner(request: SignedInRequest) -> HttpResponse:
    """Whom to recruit: demand against supply per experience code, and what one
    more buddy with that experience would add, by the matching engine's own batch."""
    actor = acting_membership(request)
    return render(
        request,
        "reports/planner.html",
        {"plan": recruitment.plan(actor.organisation_id)},
    )


# --- Signals to the SWV board --------------------------------------------------


@role_required(STAFF)
def signals(request: SignedInRequest) -> HttpResponse:
    """The period's themes against the period before, and the board reports."""
    actor = acting_membership(request)
    form, period, _filters = _chosen(request, actor.organisation)
    if period is None:
        return render(
            request, "reports/signals.html", {"form": form, "trends": None}, status=400
        )
    return render(
        request,
        "reports/signals.html",
        {
            "form": form,
            "trends": board.trends(actor.organisation, period),
            "period": period,
            "period_label": period_label(period),
            "first": f"{period.first.school_year}-{period.first.number}",
            "last": f"{period.last.school_year}-{period.last.number}",
            "board_reports": board.board_reports(actor.organisation_id),
        },
    )


def _quarter_of(text: str) -> Quarter | None:
    found = re.fullmatch(r"(\d{4})-([1-4])", text or "")
    if found is None:
        return None
    return Quarter(int(found.group(1)), int(found.group(2)))


@role_required(COORDINATOR, methods=["POST"])
def board_new(request: SignedInRequest) -> HttpResponse:
    """A draft of the board report for the period, its text drafted from the figures."""
    actor = acting_membership(request)
    first = _quarter_of(request.POST.get("first", ""))
    last = _quarter_of(request.POST.get("last", ""))
    try:
        period = Period(first, last) if first and last else None
    except PeriodError:
        period = None
    if period is None:
        messages.error(request, _("Deze periode klopt niet."))
        return redirect("reports:signals")
    label = period_label(period)
    text = board.draft_text(
        actor.organisation, label, board.trends(actor.organisation, period)
    )
    report = services.draft_board_report(
        actor=actor, first=period.first, last=period.last, text=text
    )
    messages.success(
        request, _("Het concept staat klaar. Pas het aan en deel het daarna.")
    )
    return redirect("reports:board_report", board_report_id=report.pk)


@role_required(STAFF, methods=["GET", "POST"])
def board_report(request: SignedInRequest, board_report_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    report = get_or_404(
        BoardReport.objects.filter(organisation_id=actor.organisation_id),
        pk=board_report_id,
    )
    editable = report.shared_at is None and actor.role == Role.COORDINATOR
    form = BoardReportForm(
        request.POST if request.method == "POST" else None,
        initial={"text": report.text},
    )
    if request.method == "POST":
        if actor.role != Role.COORDINATOR:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.edit_board_report(
                    actor=actor,
                    report=report,
                    text=data["text"],
                    share=data["share"],
                    not_a_name=data["not_a_name"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("De rapportage is gedeeld.")
                    if data["share"]
                    else _("De tekst is bewaard."),
                )
                return redirect("reports:board_report", board_report_id=report.pk)
    return render(
        request,
        "reports/board_report.html",
        {"report": report, "form": form, "editable": editable},
        status=400 if request.method == "POST" else 200,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def request_signals(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    """The themes the coordinator signals on one help request."""
    actor = acting_membership(request)
    help_request = get_or_404(
        HelpRequest.objects.filter(organisation_id=actor.organisation_id).only(
            "pk", "reference", "organisation_id"
        ),
        pk=request_id,
    )
    current = list(
        RequestSignal.objects.filter(
            organisation_id=actor.organisation_id, request=help_request
        ).values_list("theme", flat=True)
    )
    form = SignalsForm(
        request.POST if request.method == "POST" else None,
        initial={"themes": current},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_signals(
                actor=actor, request=help_request, themes=form.cleaned_data["themes"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De signalen zijn bewaard."))
            return redirect("intake:detail", request_id=help_request.pk)
    return render(
        request,
        "reports/request_signals.html",
        {"help_request": help_request, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- Hours ---------------------------------------------------------------------


def _next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@role_required(COORDINATOR, methods=["GET", "POST"])
def hours(request: SignedInRequest) -> HttpResponse:
    """The coordinator's own hours: add an entry, see the latest."""
    actor = acting_membership(request)
    form = TimeEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.log_time(
                actor=actor,
                worked_on=data["worked_on"],
                activity=data["activity"],
                minutes=data["hours"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(hours)s uur geschreven.")
                % {"hours": services.hours_text(data["hours"])},
            )
            return redirect(_next(request, request.path))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "reports/hours.html",
        {
            "form": form,
            "entries": selectors.time_entries(actor),
            "week": services.hours_text(selectors.week_minutes(actor)),
        },
        status=status,
    )


@role_required(COORDINATOR, methods=["POST"])
def hours_delete(request: SignedInRequest, time_entry_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    entry = selectors.get_time_entry_for(actor, time_entry_id)
    try:
        services.delete_time(actor=actor, entry=entry)
    except DomainError as exc:  # pragma: no cover - the selector finds own entries only
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De tijd is weggehaald."))
    return redirect("reports:hours")


# --- Costs ---------------------------------------------------------------------


def _sessions(organisation_id: Any) -> list[tuple[str, str]]:
    rows = (
        Session.objects.filter(organisation_id=organisation_id)
        .select_related("course")
        .order_by("-starts_at")[:50]
    )
    return [(str(s.pk), f"{s.course.title} {s.starts_at:%d-%m-%Y}") for s in rows]


@role_required(STAFF, methods=["GET", "POST"])
def costs(request: SignedInRequest) -> HttpResponse:
    """The organisation's other costs of the current period, and the price of a
    coordinator hour."""
    actor = acting_membership(request)
    sessions = _sessions(actor.organisation_id)
    form = CostForm(
        request.POST if request.POST.get("form") == "cost" else None, sessions=sessions
    )
    settings = CostSettings.objects.filter(
        organisation_id=actor.organisation_id
    ).first()
    hour_form = HourCostForm(
        request.POST if request.POST.get("form") == "hour_cost" else None,
        initial={"hour_cost": settings.hour_cost if settings else None},
    )
    if request.method == "POST":
        if request.POST.get("form") == "cost" and form.is_valid():
            data = form.cleaned_data
            session = None
            session_id = _uuid(data.get("session") or "")
            if session_id is not None:
                session = Session.objects.filter(
                    organisation_id=actor.organisation_id, pk=session_id
                ).first()
            try:
                services.add_cost(
                    actor=actor,
                    spent_on=data["spent_on"],
                    category=data["category"],
                    amount=data["amount"],
                    description=data["description"],
                    session=session,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("De kosten zijn toegevoegd."))
                return redirect("reports:costs")
        elif request.POST.get("form") == "hour_cost" and hour_form.is_valid():
            try:
                services.set_hour_cost(
                    actor=actor, hour_cost=hour_form.cleaned_data["hour_cost"]
                )
            except DomainError as exc:
                add_domain_error(hour_form, exc)
            else:
                messages.success(request, _("De kosten van een uur zijn bewaard."))
                return redirect("reports:costs")
    period = current_school_year()
    return render(
        request,
        "reports/costs.html",
        {
            "form": form,
            "hour_form": hour_form,
            "costs": selectors.cost_list(actor.organisation_id, period),
            "period_label": period_label(period),
        },
        status=400 if request.method == "POST" else 200,
    )


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


@role_required(STAFF, methods=["POST"])
def cost_delete(request: SignedInRequest, cost_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    cost = selectors.get_cost_for(actor, cost_id)
    services.delete_cost(actor=actor, cost=cost)
    messages.success(request, _("De kosten zijn weggehaald."))
    return redirect("reports:costs")
