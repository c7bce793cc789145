"""The coordinator's casework pages: the running matches with what needs attention,
the working agreements, check-ins, safety signals and closing a match. The match page
itself is assembled in views_match; these forms post from it and show it again with
their errors."""

from __future__ import annotations

from html import escape
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.casework import forms, selectors, services
from ouderbuddy.casework.closed import counted_page, windowed
from ouderbuddy.casework.models import SignalKind
from ouderbuddy.casework.views_match import check_in_auto_id, match_page
from ouderbuddy.intake import rows
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.lib.views import (
    PER_PAGE,
    SignedInRequest,
    acting_membership,
    add_domain_error,
)
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.selectors import get_match_for
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.services import record_read

COORDINATOR = [Role.COORDINATOR]


def _match_url(match: Match, anchor: str = "") -> str:
    return reverse("matching:match", args=[match.pk]) + anchor


# What a row of the running matches shows (`selectors.active_matches`' annotations).
OVERVIEW_FIELDS = (
    "id",
    "started_on",
    "request__reference",
    "buddy__full_name",
    "last_contact",
    "next_check_in",
    "overdue_check_ins",
    "open_signals",
    "fit_not_good",
    "quiet",
)


def _overview_rows(matches: Any) -> list[SafeString]:
    """Each table row of the running matches (rows of `OVERVIEW_FIELDS`), drawn here as
    the template's tags did (one reverse and one translation of each text per page)."""
    url = rows.url_maker("matching:match", "match_id")
    dates = rows.LongDates()
    # {% translate %} escapes.
    no_contact = escape(_("nog geen"))
    no_check_in = escape(_("geen gepland"))
    late = f'<span class="ob-badge">{escape(_("Check-in te laat"))}</span>'
    quiet = f'<span class="ob-badge">{escape(_("Stil"))}</span>'
    fit = f'<span class="ob-badge">{escape(_("Klikt niet goed"))}</span>'
    # The cells' labels (`data-label`, for the stacked table on a phone).
    labels = [
        escape(_("Buddy")),
        escape(_("Sinds")),
        escape(_("Laatste contact")),
        escape(_("Volgende check-in")),
        escape(_("Let op")),
    ]
    found = []
    for m in matches:
        href = url(m["id"])
        flags = []
        if m["open_signals"]:
            n = m["open_signals"]
            text = ngettext("%(n)s zorgsignaal", "%(n)s zorgsignalen", n)
            flags.append(
                f'<a class="ob-badge" href="{href}#zorgsignalen">'
                f"{rows.fill(text, n=str(n))}</a>"
            )
        if m["overdue_check_ins"]:
            flags.append(late)
        if m["quiet"]:
            flags.append(quiet)
        if m["fit_not_good"]:
            flags.append(fit)
        cells = (
            escape(m["buddy__full_name"]),
            escape(dates(m["started_on"])) if m["started_on"] else "",
            dates(m["last_contact"]) if m["last_contact"] else no_contact,
            dates(m["next_check_in"]) if m["next_check_in"] else no_check_in,
            "\n        " + "\n".join(flags) + "\n      ",
        )
        found.append(
            mark_safe(  # noqa: S308 - every value is escaped
                '\n    <tr class="utrecht-table__row">\n      '
                '<th scope="row" class="utrecht-table__header-cell">'
                f'<a class="utrecht-link" href="{escape(href)}">'
                f"{escape(m['request__reference'])}</a></th>"
                + "".join(
                    f'\n      <td data-label="{label}" class="utrecht-table__cell">'
                    f"{cell}</td>"
                    for label, cell in zip(labels, cells, strict=True)
                )
                + "\n    </tr>\n  "
            )
        )
    return found


def _overview_page_read(flag: str) -> Prepared:
    """A page of the running matches with `flag` (a key of FLAGS, or ""), compiled
    once per process: the overview's one statement (`casework/closed.counted_page`)."""
    return Prepared(
        lambda organisation_id, today, cutoff, start, per_page: windowed(
            selectors.with_flag(
                selectors.running_matches(organisation_id, today, cutoff), flag
            )
            .order_by("started_on", "pk")
            .values(*OVERVIEW_FIELDS),
            start,
            per_page,
        )
    )


_OVERVIEW_PAGES = {flag: _overview_page_read(flag) for flag in ("", *selectors.FLAGS)}


@role_required(COORDINATOR)
def overview(request: SignedInRequest) -> HttpResponse:
    """The running matches with their last contact, next check-in and flags."""
    actor = acting_membership(request)
    flag = request.GET.get("vlag", "")
    if flag not in selectors.FLAGS:
        flag = ""
    matches = selectors.with_flag(selectors.active_matches(actor), flag).order_by(
        "started_on", "pk"
    )
    today = timezone.localdate()
    page = counted_page(
        matches.values(*OVERVIEW_FIELDS),
        request.GET.get("pagina"),
        PER_PAGE,
        read=_OVERVIEW_PAGES[flag],
        args=(actor.organisation_id, today, selectors.quiet_cutoff(today)),
    )
    page.object_list = _overview_rows(page.object_list)  # worded rows
    return render(
        request,
        "casework/coordinator/overview.html",
        {
            "page": page,
            "flag": flag,
            "flags": [
                ("stil", _("Stil: 21 dagen of langer geen contact")),
                ("check-in", _("Check-in te laat")),
                ("zorg", _("Zorgsignaal")),
                ("klik", _("Klikt niet goed")),
            ],
        },
    )


@role_required(COORDINATOR, methods=["POST"])
def agreement(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """Write the working agreements, or a new version of them."""
    actor = acting_membership(request)
    match = get_match_for(actor, match_id)
    form = forms.AgreementForm(request.POST)
    if form.is_valid():
        try:
            saved = services.set_agreement(
                actor=actor,
                match=match,
                goals=form.cleaned_data["goals"],
                frequency=form.cleaned_data["frequency"],
                contact_modes=form.cleaned_data["contact_modes"],
                expected_until=form.cleaned_data["expected_until"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "De werkafspraken zijn opgeslagen (versie %(version)d). Ouder en "
                    "buddy krijgen een e-mail om ze te lezen en te bevestigen."
                )
                % {"version": saved.version},
            )
            return redirect(_match_url(match, "#werkafspraken"))
    return match_page(request, match, forms_={"agreement_form": form}, status=400)


@role_required(COORDINATOR, methods=["POST"])
def add_check_in(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """Plan an extra check-in."""
    actor = acting_membership(request)
    match = get_match_for(actor, match_id)
    form = forms.AddCheckInForm(request.POST)
    if form.is_valid():
        try:
            services.add_check_in(
                actor=actor, match=match, due_on=form.cleaned_data["due_on"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De check-in is gepland."))
            return redirect(_match_url(match, "#check-ins"))
    return match_page(request, match, forms_={"add_check_in_form": form}, status=400)


@role_required(COORDINATOR, methods=["POST"])
def check_in(request: SignedInRequest, check_in_id: UUID) -> HttpResponse:
    """Record a check-in as done, or take a planned one away."""
    actor = acting_membership(request)
    found = selectors.get_check_in_for(actor, check_in_id)
    match = found.match
    action = request.POST.get("action")
    if action == "drop":
        try:
            services.drop_check_in(actor=actor, check_in=found)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("De check-in is weggehaald."))
        return redirect(_match_url(match, "#check-ins"))
    if action != "record":
        messages.error(request, _("Onbekende keuze."))
        return redirect(_match_url(match, "#check-ins"))
    form = forms.RecordCheckInForm(request.POST, auto_id=check_in_auto_id(found))
    if form.is_valid():
        try:
            services.record_check_in(
                actor=actor,
                check_in=found,
                done_on=form.cleaned_data["done_on"],
                with_buddy=form.cleaned_data["with_buddy"],
                with_parent=form.cleaned_data["with_parent"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De check-in is vastgelegd."))
            return redirect(_match_url(match, "#check-ins"))
    return match_page(
        request, match, forms_={"record_form": (found.pk, form)}, status=400
    )


@role_required(COORDINATOR, methods=["POST"])
def fit_follow_up(request: SignedInRequest, fit_id: UUID) -> HttpResponse:
    """The coordinator followed up a 'not good' fit answer."""
    actor = acting_membership(request)
    fit = selectors.get_fit_for(actor, fit_id)
    services.follow_up_fit(actor=actor, fit=fit)
    messages.success(request, _("Vastgelegd dat u dit heeft opgevolgd."))
    return redirect(_match_url(fit.match, "#klik"))


@role_required(COORDINATOR, methods=["GET", "POST"])
def signal(request: SignedInRequest, signal_id: UUID) -> HttpResponse:
    """A safety signal: what the buddy wrote, the meldcode steps, 'seen' and what was
    done about it."""
    actor = acting_membership(request)
    found = selectors.get_signal_for(actor, signal_id)
    form = forms.FollowUpForm(initial={"follow_up": found.follow_up})
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "acknowledge":
            try:
                services.acknowledge_signal(actor=actor, signal=found)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "U heeft het signaal gezien. De buddy krijgt daarover een e-mail."
                    ),
                )
            return redirect("casework:signal", signal_id=found.pk)
        if action != "follow_up":
            messages.error(request, _("Onbekende keuze."))
            return redirect("casework:signal", signal_id=found.pk)
        form = forms.FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.follow_up_signal(
                    actor=actor,
                    signal=found,
                    follow_up=form.cleaned_data["follow_up"],
                    close=form.cleaned_data["close"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Het signaal is afgehandeld.")
                    if form.cleaned_data["close"]
                    else _("Wat u heeft gedaan is opgeslagen."),
                )
                return redirect("casework:signal", signal_id=found.pk)
        status = 400
    else:
        record_read(actor=actor, organisation=actor.organisation, target=found)
    return render(
        request,
        "casework/coordinator/signal.html",
        {
            "signal": found,
            "match": found.match,
            "form": form if found.closed_at is None else None,
            "child_safety": found.kind == SignalKind.CHILD_SAFETY,
        },
        status=status,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def close(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """End a running match: reason, who decided, a note, and whether to look for
    another buddy."""
    actor = acting_membership(request)
    match = get_match_for(actor, match_id)
    status = 200
    if request.method == "POST":
        form = forms.CloseForm(request.POST)
        if form.is_valid():
            try:
                services.close_match(
                    actor=actor,
                    match=match,
                    reason=form.cleaned_data["reason"],
                    initiator=form.cleaned_data["initiator"],
                    note=form.cleaned_data["note"],
                    rematch=form.cleaned_data["rematch"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if form.cleaned_data["rematch"]:
                    messages.success(
                        request,
                        format_html(
                            '{} <a class="utrecht-link" href="{}">{}</a>',
                            _(
                                "De koppeling is afgesloten. De hulpvraag staat weer "
                                "op de wachtlijst."
                            ),
                            reverse("matching:shortlist", args=[match.request_id]),
                            _("Zoek een andere buddy"),
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("De koppeling is afgesloten. De hulpvraag is afgerond."),
                    )
                return redirect("matching:match", match_id=match.pk)
        status = 400
    elif match.status != MatchStatus.ACTIVE:
        messages.info(request, _("Deze koppeling loopt nu niet."))
        return redirect("matching:match", match_id=match.pk)
    else:
        form = forms.CloseForm()
    return render(
        request,
        "casework/coordinator/close.html",
        {"match": match, "form": form, "follow_up_days": services.FOLLOW_UP_DAYS},
        status=status,
    )
