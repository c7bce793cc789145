"""The coordinator's match page, assembled here, in the highest app it shows: the match
facts, its actions and its history come from matching (matching.sections), the support
sections (agreements, check-ins, signals, closure) from casework. The page's own
matching forms (plan the introduction, start, stop the proposal) post here too, so an
error shows on the whole page. The routes keep their names in matching's namespace
(casework.urls_screens)."""

from __future__ import annotations

from html import escape
from typing import Any
from uuid import UUID

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ouderbuddy.buddies.forms import StampedForm
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework import forms, selectors, services
from ouderbuddy.casework.models import CheckIn, ContactMode
from ouderbuddy.intake import rows
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.prepared import Prepared, loaded
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.matching import forms as matching_forms
from ouderbuddy.matching import sections as matching_sections
from ouderbuddy.matching import services as matching_services
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.selectors import get_match_for, visible_matches
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.services import record_read

COORDINATOR = [Role.COORDINATOR]
# Matches whose page shows the casework sections (agreements are written from the
# planned introduction on).
CASEWORK_STATUSES = (
    MatchStatus.INTRODUCTION_PLANNED,
    MatchStatus.ACTIVE,
    MatchStatus.CLOSED,
)

# What the match page reads of its match (its own columns that the page, its forms
# and its sections read), and of the request and the buddy only what it shows: none of
# their other columns, nor their encrypted texts, are read (or decrypted).
MATCH_PAGE_FIELDS = (
    "organisation",
    "request",
    "buddy",
    "status",
    "status_changed_at",
    "reason",
    "score",
    "explanation",
    "respond_by",
    "decline_reason",
    "decline_note",
    "introduction_at",
    "introduction_mode",
    "introduction_place",
    "coordinator_present",
    "started_on",
    "request__reference",
    "buddy__full_name",
)


def check_in_auto_id(check_in: CheckIn | UUID) -> str:
    """Field ids unique per check-in (a check-in or its key): the match page has one
    form for each."""
    pk = check_in if isinstance(check_in, UUID) else check_in.pk
    return f"id_check_in_{pk.hex}_%s"


class _Drawn:
    """An unbound form drawn ahead: its HTML, and no errors (as the template asks)."""

    errors: dict[str, Any] = {}

    def __init__(self, html: str) -> None:
        self.html = mark_safe(html)  # noqa: S308 - a form's own drawing

    def __html__(self) -> SafeString:
        return self.html

    def __str__(self) -> SafeString:
        return self.html


# The unbound forms of the check-ins, drawn once per process, language and day: the
# add form empty, the record form with today as its day and a stamp where the
# check-in's key goes in its field ids. They hold no data of a match.
_CHECK_IN_STAMP = "obcheckinstamp0"
_DRAWN_CHECK_IN_FORMS: dict[tuple[str, Any], tuple[_Drawn, str]] = {}


def _check_in_forms(today: Any) -> tuple[_Drawn, str]:
    key = (get_language() or "", today)
    found = _DRAWN_CHECK_IN_FORMS.get(key)
    if found is None:
        if len(_DRAWN_CHECK_IN_FORMS) > 64:  # yesterday's
            _DRAWN_CHECK_IN_FORMS.clear()
        found = _DRAWN_CHECK_IN_FORMS[key] = (
            _Drawn(str(forms.AddCheckInForm())),
            str(
                forms.RecordCheckInForm(
                    initial={"done_on": today},
                    auto_id=f"id_check_in_{_CHECK_IN_STAMP}_%s",
                )
            ),
        )
    return found


# The agreement form, unbound, drawn per field (buddies.forms.StampedForm).
_AGREEMENT_FORM = StampedForm(lambda initial: forms.AgreementForm(initial=initial))


def _contact_rows(contacts: list[dict[str, Any]]) -> SafeString:
    """The table's rows of the contacts (rows of `selectors.CONTACT_FIELDS`), drawn
    here whole as the template's loop drew them, everything escaped."""
    dates = rows.LongDates()
    modes = {value: escape(str(label)) for value, label in ContactMode.choices}
    # {% translate "…" as col %} then {{ col }}: escaped.
    labels = [escape(_("Soort")), escape(_("Minuten")), escape(_("Onderwerpen"))]
    labels.append(escape(_("Notitie")))
    cell = '<td data-label="{}" class="utrecht-table__cell{}">'
    mode_cell, minutes_cell, topics_cell = (
        cell.format(label, "") for label in labels[:3]
    )
    note_cell = cell.format(labels[3], " ob-prewrap")
    parts = []
    for c in contacts:
        logged_by = f" ({escape(c['logged_by__full_name'])})" if c["logged_by"] else ""
        parts.append(
            '<tr class="utrecht-table__row">'
            f'<th scope="row" class="utrecht-table__header-cell">{dates(c["on"])}</th>'
            f"{mode_cell}{modes.get(c['mode']) or escape(c['mode'])}</td>"
            f"{minutes_cell}{c['minutes']}</td>"
            f"{topics_cell}{escape(', '.join(c['topic_labels']))}</td>"
            f"{note_cell}{escape(c['note'])}{logged_by}</td>"
            "</tr>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - escaped


def _check_in_state(
    c: dict[str, Any], texts: dict[str, str], dates: rows.LongDates
) -> SafeString:
    """What the list says of a check-in after its planned day."""
    if c["done_on"]:
        parts: list[str] = [rows.fill(texts["done"], date=dates(c["done_on"]))]
        if c["with_buddy"] and c["with_parent"]:
            parts.append(" " + texts["both"])
        elif c["with_buddy"]:
            parts.append(" " + texts["buddy"])
        elif c["with_parent"]:
            parts.append(" " + texts["parent"])
        if c["done_by"]:
            parts.append(f" ({escape(c['done_by__full_name'])})")
        if c["note"]:
            parts.append(f'<br><span class="ob-prewrap">{escape(c["note"])}</span>')
        return mark_safe("".join(parts))  # noqa: S308 - escaped
    if c["overdue"]:
        return mark_safe(f'<span class="ob-badge">{texts["late"]}</span>')  # noqa: S308
    return mark_safe(texts["open"])  # noqa: S308 - escaped


def match_sections(match: Match, bound: dict[str, Any]) -> dict[str, Any]:
    """The casework sections of the match page with their forms; `bound` holds a form
    that came back with errors."""
    data = selectors.match_context(match)
    running = match.status == MatchStatus.ACTIVE
    current = data["agreement"]
    form = bound.get("agreement_form")
    if form is None and match.status in (
        MatchStatus.INTRODUCTION_PLANNED,
        MatchStatus.ACTIVE,
    ):
        initial: dict[str, Any] = {}
        if current is not None:
            initial = {
                "goals": current["goals"],
                "frequency": current["frequency"],
                "contact_modes": current["contact_modes"],
                "expected_until": current["expected_until"],
            }
        else:
            start = match.started_on or timezone.localdate()
            initial = {
                "expected_until": start + relativedelta(months=services.DEFAULT_MONTHS)
            }
        form = _Drawn(_AGREEMENT_FORM.html(initial))
    data["agreement_form"] = form
    today = timezone.localdate()
    add_form, record_form = _check_in_forms(today)
    data["add_check_in_form"] = bound.get("add_check_in_form") or (
        add_form if running else None
    )
    bound_id, bound_form = bound.get("record_form") or (None, None)
    dates = rows.LongDates()
    url = rows.url_maker("casework:check_in", "check_in_id")
    planned = _("Gepland op %(date)s")
    summary = _("Check-in van %(date)s vastleggen of weghalen")
    texts = {
        "done": _("gedaan op %(date)s"),
        # {% translate %} escapes.
        "both": escape(_("met buddy en ouder")),
        "buddy": escape(_("met de buddy")),
        "parent": escape(_("met de ouder")),
        "late": escape(_("te laat")),
        "open": escape(_("nog niet gedaan")),
    }
    check_in_rows = []
    for check_in in data["check_ins"]:
        row: dict[str, Any] = {
            "planned": rows.fill(planned, date=dates(check_in["due_on"])),
            "state": _check_in_state(check_in, texts, dates),
            "form": None,
        }
        if running and check_in["done_on"] is None:
            pk = check_in["id"]
            row["form"] = (
                bound_form
                if pk == bound_id
                else _Drawn(record_form.replace(_CHECK_IN_STAMP, pk.hex))
            )
            row["url"] = url(pk)
            due = check_in["due_on"]  # |date:"j F"
            row["summary"] = rows.fill(
                summary, date=f"{due.day} {dates.months[due.month - 1]}"
            )
        check_in_rows.append(row)
    data["check_in_rows"] = check_in_rows
    data["contact_rows"] = _contact_rows(data["contacts"])
    data["running"] = running
    return data


def match_page(
    request: HttpRequest,
    match: Match,
    *,
    forms_: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole match page; `forms_` holds a form that came back with errors."""
    bound = forms_ or {}
    context: dict[str, Any] = {
        "match": match,
        **matching_sections.match_facts(match),
        **matching_sections.match_history(match),
        **matching_sections.match_actions(match),
    }
    if match.status in CASEWORK_STATUSES:
        # Agreements, contacts, check-ins, signals, closure (selectors.match_context).
        context["casework"] = match_sections(match, bound)
    context.update(bound)
    return render(request, "casework/coordinator/match.html", context, status=status)


# The match page's match, read as the columns of `MATCH_PAGE_FIELDS` (compiled once
# per process, lib.prepared) from `visible_matches`' queryset: the stand-in actor only
# carries the organisation key (a coordinator's, see `_page_match`).
_MATCH_OWN = tuple(f for f in MATCH_PAGE_FIELDS if "__" not in f)
_MATCH_ROW = Prepared(
    lambda organisation_id, match_id: (
        visible_matches(_Coordinator(organisation_id))  # type: ignore[arg-type]
        .filter(pk=match_id)
        .values("pk", *MATCH_PAGE_FIELDS)
    )
)


class _Coordinator:
    """What `visible_matches` reads of a coordinator's membership."""

    role = Role.COORDINATOR
    is_active = True

    def __init__(self, organisation_id: Any) -> None:
        self.organisation_id = organisation_id


def _page_match(actor: Any, match_id: UUID) -> Match:
    """`get_match_for`'s match (404 outside the actor's organisation), as a model
    with only `MATCH_PAGE_FIELDS` loaded and its request and buddy with their names."""
    if visible_matches(actor).query.is_empty():
        raise Http404
    found = _MATCH_ROW.rows(actor.organisation_id, match_id)
    if not found:
        raise Http404
    row = found[0]
    page_match = loaded(Match, row, {f: f for f in _MATCH_OWN})
    page_match.request = loaded(
        HelpRequest, row, {"reference": "request__reference"}, pk="request"
    )
    page_match.buddy = loaded(Buddy, row, {"full_name": "buddy__full_name"}, pk="buddy")
    return page_match


@role_required(COORDINATOR)
def match(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    # get_match_for's rule; of the request and the buddy the page shows their names.
    found = _page_match(actor, match_id)
    # The page shows the case and its contact log: a read of the match (AVG).
    record_read(actor=actor, organisation=actor.organisation_id, target=found)
    return match_page(request, found)


@role_required(COORDINATOR, methods=["POST"])
def plan(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    form = matching_forms.PlanForm(request.POST)
    if form.is_valid():
        try:
            matching_services.plan_introduction(
                actor=actor,
                match=found,
                at=form.moment(),
                mode=form.cleaned_data["mode"],
                place=form.cleaned_data["place"],
                coordinator_present=form.cleaned_data["coordinator_present"],
            )
        except DomainError as exc:
            if exc.field in ("at",):
                form.add_error("day", exc.message)
            else:
                add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("De kennismaking is gepland. Ouder en buddy krijgen een e-mail."),
            )
            return redirect("matching:match", match_id=found.pk)
    return match_page(request, found, forms_={"plan_form": form}, status=400)


@role_required(COORDINATOR, methods=["POST"])
def activate(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    form = matching_forms.ActivateForm(request.POST)
    if form.is_valid():
        try:
            matching_services.activate(
                actor=actor, match=found, started_on=form.cleaned_data["started_on"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De koppeling loopt."))
            return redirect("matching:match", match_id=found.pk)
    return match_page(request, found, forms_={"activate_form": form}, status=400)


@role_required(COORDINATOR, methods=["POST"])
def cancel(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_match_for(actor, match_id)
    form = matching_forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            matching_services.cancel(
                actor=actor, match=found, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Het voorstel is gestopt; de hulpvraag staat weer op de wachtlijst."),
            )
            return redirect("matching:match", match_id=found.pk)
    return match_page(request, found, forms_={"cancel_form": form}, status=400)
