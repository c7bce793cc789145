"""The coordinator's matching pages: overview, weights, shortlist, comparison, batch
proposal and the list of proposals and matches. Each match's own page shows casework's
sections too, so casework assembles it (casework.views_match, from matching.sections)."""

from __future__ import annotations

from html import escape
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from ouderbuddy.buddies.selectors import (
    get_buddy_for,
    get_buddy_name_for,
    visible_buddies,
)
from ouderbuddy.intake import rows
from ouderbuddy.intake.models import BuddyGenderPreference, RequestStatus
from ouderbuddy.intake.selectors import get_request_for
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import ContactMode
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import (
    PER_PAGE,
    SignedInRequest,
    acting_membership,
    add_domain_error,
)
from ouderbuddy.matching import engine, explain, forms, scoring, selectors, services
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    BatchLineState,
    MatchStatus,
)
from ouderbuddy.organisations.models import Role
from ouderbuddy.privacy.services import record_read
from ouderbuddy.taxonomy import selectors as taxonomy
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode

COORDINATOR = [Role.COORDINATOR]


def _request_codes(code_ids: Any) -> list[tuple[str, list[str]]]:
    """The request's codes (their keys, in code order) by group, with their labels."""
    grouped: dict[str, list[str]] = {}
    known = {code.pk: code for code in taxonomy.all_codes()}
    if any(pk not in known for pk in code_ids):  # added within the memo's minute
        known.update(
            {c.pk: c for c in ExperienceCode.objects.filter(pk__in=list(code_ids))}
        )
    codes = [known[pk] for pk in code_ids if pk in known]
    for code in sorted(codes, key=lambda c: (c.group, c.order)):
        group = CodeGroup.ROUTE if code.group == CodeGroup.TRANSITION else code.group
        grouped.setdefault(str(CodeGroup(group).label), []).append(code.label)
    return list(grouped.items())


def _candidate_rows(candidates: list[Any], help_request: Any, can_propose: bool) -> str:
    """The shortlisted buddies' table rows, drawn whole here (10 rows, each with its
    score built up per criterion): the HTML the template's row loop drew."""
    buddy_url = rows.url_maker("buddies:detail", "buddy_id")
    propose_url = rows.url_maker(
        "matching:propose", "buddy_id", request_id=help_request.pk
    )
    compare = gettext("%(name)s vergelijken")
    propose = gettext("%(name)s voorstellen")
    total = escape(gettext("Totaal"))
    # The column labels and the summary's text, as the template's `translate … as`.
    col_1, col_2 = gettext("Vergelijk"), gettext("Score")
    col_3, col_4 = gettext("Waarom"), gettext("Actie")
    breakdown = gettext("Opbouw van de score")
    drawn = []
    for n, option in enumerate(candidates, 1):
        e = option.explanation
        name = option.buddy.full_name
        pk = option.buddy.pk
        parts = "".join(
            f"<li>{escape(label)}: {escape(what)} ({escape(pts)})</li>"
            for label, what, pts in e.rows
        )
        if can_propose:
            action = (
                f'<a class="utrecht-link" href="{escape(propose_url(pk))}">'
                f"{rows.fill(propose, name=name)}</a>"
            )
        else:
            action = "–"
        drawn.append(
            '<tr class="utrecht-table__row">\n'
            f'      <td data-label="{col_1}" class="utrecht-table__cell">'
            '<input type="checkbox" class="utrecht-checkbox '
            f'utrecht-checkbox--html-input" name="buddy" value="{pk}" '
            f'id="vergelijk-{n}"><label for="vergelijk-{n}" '
            f'class="ob-visually-hidden">{rows.fill(compare, name=name)}</label></td>\n'
            '      <th scope="row" class="utrecht-table__header-cell">'
            f'<a class="utrecht-link" href="{escape(buddy_url(pk))}">{escape(name)}'
            "</a></th>\n"
            f'      <td data-label="{col_2}" class="utrecht-table__cell">'
            f"{escape(option.points)}</td>\n"
            f'      <td data-label="{col_3}" class="utrecht-table__cell">'
            f"{escape(' · '.join(e.summary))}\n"
            f'        <details class="ob-details"><summary>{breakdown}</summary>\n'
            f'          <ul class="utrecht-unordered-list">{parts}'
            f"<li><strong>{total}: {escape(e.total)}</strong></li></ul>\n"
            "        </details></td>\n"
            f'      <td data-label="{col_4}" class="utrecht-table__cell">{action}</td>\n'
            "    </tr>"
        )
    return mark_safe("\n  ".join(drawn))  # noqa: S308 - every value is escaped


@role_required(COORDINATOR)
def overview(request: SignedInRequest) -> HttpResponse:
    """The waiting list with the best buddy for each request, the gap signal and the
    running proposals."""
    actor = acting_membership(request)
    found = selectors.overview(actor=actor, limit=PER_PAGE)
    return render(
        request,
        "matching/overview.html",
        {
            "rows": found.rows,
            "waiting": found.waiting,
            "limit": PER_PAGE,
            "gaps": found.gaps,
            "running": [
                (MatchStatus(status).label, found.running.get(status, 0), status)
                for status in HOLDS_PLACE
            ],
        },
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def weights(request: SignedInRequest) -> HttpResponse:
    """The organisation's weights, with a preview of how the waiting list would rank."""
    actor = acting_membership(request)
    current = scoring.weights_of(actor.organisation_id)
    initial = {name: getattr(current, name) for name in forms.WeightsForm.base_fields}
    preview_rows = None
    status = 200
    if request.method == "POST":
        form = forms.WeightsForm(request.POST)
        if form.is_valid():
            values = form.cleaned_data
            try:
                engine_weights = services.engine_weights(values)
                if "save" in request.POST:
                    services.save_weights(actor=actor, values=values)
                    messages.success(request, _("De gewichten zijn opgeslagen."))
                    return redirect("matching:weights")
                preview_rows = selectors.preview(actor=actor, weights=engine_weights)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = 400
        else:
            status = 400
    else:
        form = forms.WeightsForm(initial=initial)
        preview_rows = selectors.preview(actor=actor, weights=current.as_engine())
    # The live preview (htmx, as the coordinator types) gets only the table, rendered
    # from the page's own partial (django-template-partials), not the whole page.
    live = request.method == "POST" and request.headers.get("HX-Request") == "true"
    template = "matching/weights.html" + ("#preview-table" if live else "")
    response = render(
        request,
        template,
        {"form": form, "preview_rows": preview_rows, "saved": current.pk is not None},
        status=status,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required(COORDINATOR)
def shortlist(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    """The best buddies for one request, why, and (on request) who is out and why."""
    actor = acting_membership(request)
    # Only the columns the page shows (none of the request's texts).
    help_request = selectors.shortlist_request_for(actor, request_id)
    record_read(actor=actor, organisation=actor.organisation, target=help_request)
    show_excluded = request.GET.get("uitgesloten") == "1"
    page = selectors.shortlist(
        actor=actor,
        request=help_request,
        with_excluded=show_excluded,
        with_request=True,
    )
    running, earlier = page.running, page.earlier
    can_propose = help_request.status == RequestStatus.WAITING
    return render(
        request,
        "matching/shortlist.html",
        {
            "help_request": help_request,
            "codes": _request_codes(page.code_ids),
            "languages": ", ".join(
                explain.language_names(help_request.languages or ["nl"])
            ),
            "contact_modes": ", ".join(
                str(dict(ContactMode.choices).get(m, m))
                for m in help_request.contact_modes or ()
            ),
            "page": page,
            "candidates": _candidate_rows(
                page.candidates, help_request, can_propose and running is None
            ),
            "strict_genders": BuddyGenderPreference.strict(),
            "show_excluded": show_excluded,
            "running": running,
            "can_propose": can_propose,
            # Only a buddy who could be proposed needs excluding by hand.
            "conflict_form": forms.ConflictForm(
                buddies=[o.buddy for o in page.candidates]
            ),
            "earlier": earlier,
        },
    )


@role_required(COORDINATOR)
def compare(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    """Two buddies side by side for one request."""
    actor = acting_membership(request)
    help_request = get_request_for(actor, request_id)
    chosen = request.GET.getlist("buddy")
    if len(chosen) != 2 or chosen[0] == chosen[1]:
        messages.error(
            request, _("Kies precies twee verschillende buddy's om te vergelijken.")
        )
        return redirect("matching:shortlist", request_id=help_request.pk)
    options = []
    for buddy_id in chosen:
        buddy = get_buddy_for(actor, buddy_id)
        options.append(
            selectors.option_for(actor=actor, request=help_request, buddy=buddy)
        )
    explanations = [o.explanation if o.snapshot else None for o in options]
    rows = []
    for i, criterion in enumerate(engine.CRITERIA):
        rows.append(
            (
                str(explain.CRITERION_LABELS[criterion]),
                [
                    (e.rows[i][1], e.rows[i][2]) if e else ("–", "–")
                    for e in explanations
                ],
            )
        )
    # Two buddies' profiles next to the request: a read of the request (AVG).
    record_read(actor=actor, organisation=actor.organisation, target=help_request)
    return render(
        request,
        "matching/compare.html",
        {
            "help_request": help_request,
            "options": options,
            "rows": rows,
            "totals": [o.points for o in options],
            "can_propose": help_request.status == RequestStatus.WAITING,
        },
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def propose(request: SignedInRequest, request_id: UUID, buddy_id: UUID) -> HttpResponse:
    """Confirm a proposal: the score in words, and the reason for the file."""
    actor = acting_membership(request)
    posted = request.method == "POST"
    # Showing the proposal needs the buddy's name only and none of the texts.
    help_request = get_request_for(actor, request_id, texts=posted)
    buddy = (get_buddy_for if posted else get_buddy_name_for)(actor, buddy_id)
    option = selectors.option_for(actor=actor, request=help_request, buddy=buddy)
    status = 200
    if request.method == "POST":
        form = forms.ProposeForm(request.POST)
        if form.is_valid():
            try:
                match = services.propose(
                    actor=actor,
                    request=help_request,
                    buddy=buddy,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("%(name)s is gevraagd. U hoort het als de buddy antwoordt.")
                    % {"name": buddy.full_name},
                )
                return redirect("matching:match", match_id=match.pk)
        status = 400
    else:
        form = forms.ProposeForm()
    return render(
        request,
        "matching/propose.html",
        {
            "help_request": help_request,
            "buddy": buddy,
            "option": option,
            "form": form,
            "can_propose": help_request.status == RequestStatus.WAITING
            and not option.excluded,
        },
        status=status,
    )


@role_required(COORDINATOR, methods=["POST"])
def conflict(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    """Record that a buddy must never be matched with this request."""
    actor = acting_membership(request)
    help_request = get_request_for(actor, request_id)
    buddies = list(visible_buddies(actor).order_by("full_name"))
    form = forms.ConflictForm(request.POST, buddies=buddies)
    if form.is_valid():
        buddy = get_buddy_for(actor, form.cleaned_data["buddy"])
        try:
            services.record_conflict(
                actor=actor,
                request=help_request,
                buddy=buddy,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s wordt niet meer voorgesteld voor deze hulpvraag.")
                % {"name": buddy.full_name},
            )
    else:
        messages.error(request, _("Kies een buddy en schrijf kort waarom."))
    return redirect("matching:shortlist", request_id=help_request.pk)


# --- Batch proposal ---------------------------------------------------------------------


@role_required(COORDINATOR, methods=["GET", "POST"])
def batch_new(request: SignedInRequest) -> HttpResponse:
    """Start a proposal for the whole waiting list; earlier drafts."""
    actor = acting_membership(request)
    status = 200
    if request.method == "POST":
        form = forms.BatchForm(request.POST)
        if form.is_valid():
            try:
                draft = services.create_batch(
                    actor=actor, objective=form.cleaned_data["objective"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("matching:batch_detail", draft_id=draft.pk)
        status = 400
    else:
        form = forms.BatchForm()
    return render(
        request,
        "matching/batch_new.html",
        {
            "form": form,
            "drafts": selectors.visible_drafts(actor)[:10],
            "waiting": scoring.waiting(actor.organisation_id).count(),
        },
        status=status,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def batch_detail(request: SignedInRequest, draft_id: UUID) -> HttpResponse:
    """Review a draft; publish all or the ticked lines."""
    actor = acting_membership(request)
    draft = selectors.get_draft_for(actor, draft_id)
    if request.method == "POST":
        chosen = request.POST.getlist("line")
        try:
            line_ids = None if "all" in request.POST else [UUID(v) for v in chosen]
        except ValueError:
            line_ids = []
        try:
            result = services.publish_batch(actor=actor, draft=draft, line_ids=line_ids)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(sent)d voorstel verstuurd naar een buddy.",
                    "%(sent)d voorstellen verstuurd naar buddy's.",
                    result.sent,
                )
                % {"sent": result.sent},
            )
            if result.conflicts:
                messages.warning(
                    request,
                    ngettext(
                        "%(n)d regel kon niet: de wachtlijst of de buddy's zijn "
                        "veranderd. Zie de reden bij de regel.",
                        "%(n)d regels konden niet: de wachtlijst of de buddy's zijn "
                        "veranderd. Zie de reden per regel.",
                        result.conflicts,
                    )
                    % {"n": result.conflicts},
                )
        return redirect("matching:batch_detail", draft_id=draft.pk)
    # Only what the table shows of each line's request and buddy.
    lines = list(
        draft.lines.select_related("request", "buddy").only(
            "organisation",
            "draft",
            "request",
            "buddy",
            "score",
            "explanation",
            "state",
            "problem",
            "request__reference",
            "buddy__full_name",
        )
    )
    alternatives = selectors.alternatives(
        actor, [line for line in lines if line.state == BatchLineState.DRAFT]
    )
    return render(
        request,
        "matching/batch_detail.html",
        {
            "draft": draft,
            "lines": [
                {
                    "line": line,
                    # The table shows the summary only: no rows worded.
                    "summary": explain.summary(line.explanation),
                    "points": explain.points(line.score),
                    "alternatives": alternatives.get(line.pk, []),
                }
                for line in lines
            ],
            "points": explain.points(draft.total_score),
            "greedy_points": explain.points(draft.greedy_total_score),
            "gain": explain.points(draft.total_score - draft.greedy_total_score),
            "unmatched": draft.waiting - draft.matched,
            "states": BatchLineState,
        },
    )


@role_required(COORDINATOR, methods=["POST"])
def batch_line(request: SignedInRequest, line_id: UUID) -> HttpResponse:
    """Leave a line out, take it back in, or choose another buddy for it."""
    actor = acting_membership(request)
    line = selectors.get_line_for(actor, line_id)
    action = request.POST.get("action")
    try:
        if action in ("drop", "keep"):
            services.set_line(actor=actor, line=line, keep=action == "keep")
        elif action == "change":
            try:
                buddy = get_buddy_for(actor, request.POST.get("buddy", ""))
            except Http404:
                raise DomainError(_("Kies een buddy uit de lijst.")) from None
            services.change_line(actor=actor, line=line, buddy=buddy)
            messages.success(request, _("De regel is aangepast."))
        else:
            raise DomainError(_("Onbekende keuze."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("matching:batch_detail", draft_id=line.draft_id)


# --- Matches ------------------------------------------------------------------------------


def _match_rows(matches: Any) -> list[dict[str, Any]]:
    """Each row of the list of matches (rows of `values`), its texts made here."""
    url = rows.url_maker("matching:match", "match_id")
    dates = rows.LongDates()
    statuses = {value: str(label) for value, label in MatchStatus.choices}
    answer = gettext("antwoord voor %(at)s")
    return [
        {
            "url": url(m["id"]),
            "reference": m["request__reference"],
            "buddy": m["buddy__full_name"],
            "status": statuses.get(m["status"], m["status"]),
            "answer": rows.fill(answer, at=dates.day_and_time(m["respond_by"]))
            if m["status"] == MatchStatus.PROPOSED
            else "",
            "since": dates(m["status_changed_at"]),
        }
        for m in matches
    ]


@role_required(COORDINATOR)
def match_list(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    status = request.GET.get("status", "")
    if status not in MatchStatus.values:
        status = ""
    matches = selectors.match_list(actor, status=status).values(
        "id",
        "status",
        "respond_by",
        "status_changed_at",
        "request__reference",
        "buddy__full_name",
    )
    page = Paginator(matches, PER_PAGE).get_page(request.GET.get("pagina"))
    page.object_list = _match_rows(page.object_list)  # type: ignore[assignment]  # worded rows
    return render(
        request,
        "matching/match_list.html",
        {"page": page, "status": status, "statuses": MatchStatus.choices},
    )
