"""Pages of the coordinator's triage: the inbox of new requests, one request with its
decisions, and the waiting list."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from html import escape
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from ouderbuddy.intake import forms_triage as forms
from ouderbuddy.intake import rows, selectors, services, services_targets
from ouderbuddy.intake.models import (
    HelpRequest,
    RequestEvent,
    RequestStatus,
    Source,
)
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.lib.csv_export import csv_response
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.prepared import Prepared, loaded
from ouderbuddy.lib.templatetags.ob_dates import days_ago_text
from ouderbuddy.lib.views import (
    PER_PAGE,
    SignedInRequest,
    acting_membership,
    add_domain_error,
)
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.models import Consent, ConsentPurpose
from ouderbuddy.privacy.services import record_event, record_read
from ouderbuddy.taxonomy import selectors as taxonomy
from ouderbuddy.taxonomy.forms import codes_form_html
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode

COORDINATOR = [Role.COORDINATOR]
URGENT_DAYS = 14
REQUEST_PURPOSES = (
    ConsentPurpose.REQUEST_PROCESSING,
    ConsentPurpose.SHARE_WITH_BUDDY,
    ConsentPurpose.RESEARCH,
)

# Each decision on the detail page: its form, the status it leads to.
DECISIONS: dict[str, tuple[str, type[Form]]] = {
    "to_matching": (RequestStatus.WAITING, forms.ConfirmForm),
    "information": (RequestStatus.INFORMED, forms.InformationForm),
    "refer": (RequestStatus.REFERRED, forms.ReferralForm),
    "withdraw": (RequestStatus.WITHDRAWN, forms.WithdrawForm),
}


def _received_on(help_request: HelpRequest) -> dt.date:
    return timezone.localtime(help_request.received_at).date()


def _code_order(code: ExperienceCode) -> tuple[int, int]:
    """Codes in CodeGroup order (route, transition, issue, need, context), then `order`."""
    return (CodeGroup.values.index(code.group), code.order)


def _list_rows(page: Any, today: dt.date, group: str | None) -> list[dict[str, Any]]:
    """The rows (of `values`) of the inbox or the waiting list with their texts made
    here: link, dates and ages, flags, the request's codes (of `group`, or all)."""
    requests = list(page.object_list)
    codes = selectors.codes_of([r["id"] for r in requests], group)
    url = rows.url_maker("intake:detail", "request_id")
    dates = rows.LongDates()
    flags = rows.Flags(today, today + dt.timedelta(days=URGENT_DAYS))
    found = []
    for r in requests:
        received = timezone.localtime(r["received_at"], dates.zone).date()
        found.append(
            {
                "url": url(r["id"]),
                "reference": r["reference"],
                "received": dates(r["received_at"]),
                "age_days": (today - received).days,
                "working_days": selectors.working_days_between(received, today),
                "child_name": r["child_name"],
                "child_grade": r["child_grade"],
                "source": r["source"],
                "codes": [code.label for code in codes.get(r["id"], ())],
                "flags": flags(
                    deadline_on=r["deadline_on"],
                    deadline_kind=r["deadline_kind"],
                    out_of_school=r["out_of_school"],
                ),
            }
        )
    return found


@role_required(COORDINATOR)
def inbox(request: SignedInRequest) -> HttpResponse:
    """New requests, the most urgent and oldest first."""
    actor = acting_membership(request)
    today = timezone.localdate()
    soon = today + dt.timedelta(days=URGENT_DAYS)
    # The same rule as the inbox's order: a deadline soon or a child at home.
    counts = selectors.request_counts(actor, urgent_by=soon)
    paginator = Paginator(
        selectors.inbox(actor).values(*selectors.ROW_FIELDS), PER_PAGE
    )
    paginator.count = counts[RequestStatus.NEW]  # counted with the others
    page = paginator.get_page(request.GET.get("pagina"))
    sources = dict(HelpRequest._meta.get_field("source").flatchoices)
    found = _list_rows(page, today, CodeGroup.ROUTE)
    for row in found:
        row["age"] = days_ago_text(row["age_days"])
        row["source"] = str(sources.get(row["source"], row["source"]))
    return render(
        request,
        "intake/triage/inbox.html",
        {
            "page": page,
            "rows": found,
            "new_count": counts[RequestStatus.NEW],
            "waiting_count": counts[RequestStatus.WAITING],
            "urgent_count": counts["urgent"],
        },
    )


@role_required(COORDINATOR)
def waiting_list(request: SignedInRequest) -> HttpResponse:
    """Requests waiting for a buddy, with how long they wait against the target."""
    actor = acting_membership(request)
    today = timezone.localdate()
    counts = selectors.request_counts(actor)
    paginator = Paginator(
        selectors.waiting_list(actor).values(*selectors.ROW_FIELDS), PER_PAGE
    )
    paginator.count = counts[RequestStatus.WAITING]  # counted with the others
    page = paginator.get_page(request.GET.get("pagina"))
    target = actor.organisation.request_wait_target_days
    found = _list_rows(page, today, None)
    for row in found:
        row["too_long"] = row["working_days"] > target
        days, working = row["age_days"], row["working_days"]
        row["age"] = ngettext("%(days)s dag", "%(days)s dagen", days) % {"days": days}
        row["working"] = ngettext("%(days)s werkdag", "%(days)s werkdagen", working) % {
            "days": working
        }
    return render(
        request,
        "intake/triage/waiting_list.html",
        {
            "page": page,
            "rows": found,
            "target": target,
            "new_count": counts[RequestStatus.NEW],
            "waiting_count": counts[RequestStatus.WAITING],
        },
    )


def _grouped_codes(codes: list[ExperienceCode]) -> list[tuple[str, list[str]]]:
    grouped: dict[str, list[str]] = {}
    for code in sorted(codes, key=_code_order):
        grouped.setdefault(code.group, []).append(code.label)
    return [(str(CodeGroup(group).label), labels) for group, labels in grouped.items()]


# Every column of a consent but its text (the page shows the version, not the text),
# read through a statement compiled once per process (`lib/prepared.py`).
_CONSENT_NAMES = {
    f.name: f.name
    for f in Consent._meta.concrete_fields
    if f.name not in ("id", "text")
}
_CONSENTS = Prepared(
    lambda organisation_id, subject_id: Consent.objects.filter(
        organisation_id=organisation_id,
        subject_type="intake.helprequest",
        subject_id=subject_id,
    ).values("pk", *_CONSENT_NAMES)
)


def _consents(help_request: HelpRequest) -> list[dict[str, Any]]:
    """Per purpose: the consent in force, and the ones the parent withdrew."""
    # All of the request's consents in one query (newest given first), split here as
    # `services.active_consents` and `selectors.withdrawn_consents` would.
    rows = [
        loaded(Consent, row, _CONSENT_NAMES)
        for row in _CONSENTS.rows(help_request.organisation_id, str(help_request.pk))
    ]
    active = {c.purpose: c for c in rows if c.withdrawn_at is None}
    withdrawn: dict[str, list[Consent]] = {}
    gone = [c for c in rows if c.withdrawn_at is not None]
    gone.sort(key=lambda c: c.withdrawn_at.timestamp() if c.withdrawn_at else 0.0)
    for consent in reversed(gone):  # last withdrawn first
        withdrawn.setdefault(consent.purpose, []).append(consent)
    return [
        {
            "label": purpose.label,
            "active": active.get(purpose),
            "withdrawn": withdrawn.get(purpose, []),
        }
        for purpose in REQUEST_PURPOSES
    ]


def _labels(values: list[str], choices: Any) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values]


def _data_lists(
    help_request: HelpRequest, contact_modes: list[str], languages: str
) -> list[tuple[str, SafeString]]:
    """The page's lists of what the parent filled in (who asks, the child, urgency,
    wishes): each title with its rows drawn here, as the template drew them, every
    value escaped and "—" for one left empty."""
    hr = help_request
    dates = rows.LongDates()
    if hr.deadline_on:
        deadline = dates(hr.deadline_on)
        if hr.deadline_kind:
            deadline += f": {hr.get_deadline_kind_display()}"
    else:
        deadline = ""
    yes, no = gettext("ja,nee").split(",")[:2]
    area = f"{hr.postcode.municipality.name} ({hr.postcode_id})"
    sections: list[tuple[str, list[tuple[str, Any]]]] = [
        (
            gettext("Wie vraagt"),
            [
                (gettext("Wie"), hr.get_asker_display()),
                (gettext("Naam"), hr.full_name),
                (gettext("E-mailadres"), hr.email),
                (gettext("Telefoonnummer"), hr.phone),
                (gettext("Liefst contact via"), hr.get_preferred_contact_display()),
                (gettext("Talen"), languages),
            ],
        ),
        (
            gettext("Het kind"),
            [
                (gettext("Voornaam of voorletters"), hr.child_name),
                (gettext("Geboortejaar"), hr.child_birth_year),
                (gettext("Groep of leerjaar"), hr.child_grade),
                (gettext("School"), hr.school_name),
                (gettext("Woonplaats"), area),
            ],
        ),
        (
            gettext("Haast"),
            [
                (gettext("Belangrijke datum"), deadline),
                (
                    gettext("Kind zit langer dan vier weken thuis"),
                    yes if hr.out_of_school else no,
                ),
            ],
        ),
        (
            gettext("Wensen"),
            [
                (gettext("Manieren van contact"), ", ".join(contact_modes)),
                (gettext("Voorkeur buddy"), hr.get_buddy_gender_display()),
                (
                    gettext("Afstand"),
                    gettext("Buddy woont hoogstens %(km)s km weg")
                    % {"km": hr.max_distance_km},
                ),
            ],
        ),
    ]
    return [
        (
            title,
            mark_safe(  # noqa: S308 - every label and value is escaped
                "\n  ".join(
                    '<div class="utrecht-data-list__item">'
                    f'<dt class="utrecht-data-list__item-key">{escape(label)}</dt>'
                    '<dd class="utrecht-data-list__item-value">'
                    f"{escape(text) if text else '—'}</dd></div>"
                    for label, text in (
                        (label, "" if value is None else str(value))
                        for label, value in items
                    )
                )
            ),
        )
        for title, items in sections
    ]


def _history_lines(help_request: HelpRequest) -> list[str]:
    """The request's history, newest first (at most 100 steps), each line as the
    template worded it: when, the step, its words, and who (plain text: the template
    escapes it); only those columns read, as values."""
    dates = rows.LongDates()
    history = RequestEvent.history()
    statuses = dict(RequestStatus.choices)
    by_parent_text = gettext("de ouder")
    lines = []
    for (
        at,
        code,
        params,
        description,
        from_status,
        to_status,
        by_parent,
        actor_id,
        name,
        email,
    ) in help_request.events.values_list(
        "at",
        "code",
        "params",
        "description",
        "from_status",
        "to_status",
        "by_parent",
        "actor_id",
        "actor__full_name",
        "actor__email",
    )[:100]:
        local = timezone.localtime(at, dates.zone)
        line = f"{dates(local)} {local.hour:02d}:{local.minute:02d} · "
        if from_status and from_status != to_status:
            line += (
                f"{statuses.get(from_status, from_status)} → "
                f"{statuses.get(to_status, to_status)} · "
            )
        line += history.word(code, params, description or "")
        if by_parent:
            line += f" · {by_parent_text}"
        elif actor_id:
            line += f" · {name or email}"
        lines.append(line)
    return lines


def _decision_form(form_class: type[Form], help_request: HelpRequest, key: str) -> Any:
    """The unbound form of a decision, drawn ahead (forms_triage.DrawnForm); the
    referral form offers only the request's organisation's own targets."""
    if form_class is forms.ReferralForm:
        return forms.referral_form(help_request.organisation_id, prefix=key)
    return forms.unbound_form(form_class, prefix=key)


def _detail_context(
    help_request: HelpRequest, failed: str | None = None, **bound: Any
) -> dict[str, Any]:
    """Everything the detail page shows; `bound` holds a posted form with its errors."""
    allowed = services.ALLOWED.get(RequestStatus(help_request.status), set())
    decisions = {}
    for key, (to_status, form_class) in DECISIONS.items():
        # A refused decision stays on the page so its error can be read.
        if to_status in allowed or key == failed:
            decisions[key] = bound.get(key) or _decision_form(
                form_class, help_request, key
            )
    today = timezone.localdate()
    codes = selectors.codes_of([help_request.pk]).get(help_request.pk, [])
    return {
        "help_request": help_request,
        "age_days": (today - _received_on(help_request)).days,
        "flags": rows.flags_html(
            deadline_on=help_request.deadline_on,
            deadline_kind=help_request.deadline_kind,
            out_of_school=help_request.out_of_school,
            today=today,
            soon=today + dt.timedelta(days=URGENT_DAYS),
        ),
        "codes": _grouped_codes(codes),
        "consents": _consents(help_request),
        "data_lists": _data_lists(
            help_request,
            _labels(help_request.contact_modes, ContactMode),
            ", ".join(_labels(help_request.languages, SpokenLanguage)),
        ),
        # Only a professional's referral links a referral (create_help_request).
        "referral": selectors.referral_of(help_request)
        if help_request.source == Source.PROFESSIONAL
        else None,
        "history": _history_lines(help_request),
        # Unbound, the note and the codes are drawn ahead too (forms_triage).
        "note_form": bound.get("note")
        or forms.note_form(help_request.intake_note, prefix="note"),
        "codes_form": bound.get("codes")
        or forms.DrawnForm(
            codes_form_html(
                forms.CodesForm,
                prefix="codes",
                initial=forms.CodesForm.initial_from((c.code, c.group) for c in codes),
            )
        ),
        "decisions": decisions,
    }


@role_required(COORDINATOR)
def detail(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    """One request: what the parent wrote, the consents, the history, the decisions."""
    actor = acting_membership(request)
    help_request = selectors.get_request_page_for(actor, request_id)
    record_read(actor=actor, target=help_request)
    return render(request, "intake/triage/detail.html", _detail_context(help_request))


def _triage_post(
    request: HttpRequest,
    request_id: UUID,
    key: str,
    make_form: Callable[[Any], Any],
    act: Callable[[Membership, HelpRequest, Any], Any],
    success: str,
) -> HttpResponse:
    """Validate one form of the detail page and call its service; on a broken rule show
    the page again with the error next to the field (400) and nothing saved."""
    actor = acting_membership(request)
    help_request = selectors.get_request_for(actor, request_id)
    form = make_form(request.POST)
    if form.is_valid():
        try:
            act(actor, help_request, form)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("intake:detail", request_id=help_request.pk)
    help_request.refresh_from_db()
    return render(
        request,
        "intake/triage/detail.html",
        _detail_context(
            help_request, failed=key if key in DECISIONS else None, **{key: form}
        ),
        status=400,
    )


@role_required(COORDINATOR, methods=["POST"])
def note(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    return _triage_post(
        request,
        request_id,
        "note",
        lambda data: forms.NoteForm(data, prefix="note"),
        lambda actor, help_request, form: services.save_intake_note(
            actor=actor, request=help_request, note=form.cleaned_data["note"]
        ),
        _("De notitie is opgeslagen."),
    )


@role_required(COORDINATOR, methods=["POST"])
def codes(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    return _triage_post(
        request,
        request_id,
        "codes",
        lambda data: forms.CodesForm(data, prefix="codes"),
        lambda actor, help_request, form: services.correct_codes(
            actor=actor, request=help_request, codes=form.codes()
        ),
        _("De codes zijn aangepast."),
    )


@role_required(COORDINATOR, methods=["POST"])
def to_matching(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    return _triage_post(
        request,
        request_id,
        "to_matching",
        lambda data: forms.ConfirmForm(data, prefix="to_matching"),
        lambda actor, help_request, form: services.decide_to_matching(
            actor=actor, request=help_request
        ),
        _("De hulpvraag staat op de wachtlijst. De ouder krijgt een e-mail."),
    )


@role_required(COORDINATOR, methods=["POST"])
def information(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    return _triage_post(
        request,
        request_id,
        "information",
        lambda data: forms.InformationForm(data, prefix="information"),
        lambda actor, help_request, form: services.decide_information_only(
            actor=actor, request=help_request, answer=form.cleaned_data["answer"]
        ),
        _("Het antwoord is verstuurd naar de ouder."),
    )


@role_required(COORDINATOR, methods=["POST"])
def refer(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    return _triage_post(
        request,
        request_id,
        "refer",
        lambda data: forms.ReferralForm(
            data,
            prefix="refer",
            organisation_id=acting_membership(request).organisation_id,
        ),
        lambda actor, help_request, form: services.decide_referral(
            actor=actor,
            request=help_request,
            target=form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
        ),
        _("De ouder is doorverwezen en krijgt een e-mail."),
    )


@role_required(COORDINATOR, methods=["POST"])
def withdraw(request: SignedInRequest, request_id: UUID) -> HttpResponse:
    return _triage_post(
        request,
        request_id,
        "withdraw",
        lambda data: forms.WithdrawForm(data, prefix="withdraw"),
        lambda actor, help_request, form: services.withdraw_by_coordinator(
            actor=actor, request=help_request, reason=form.cleaned_data["reason"]
        ),
        _("De hulpvraag is gestopt. De ouder krijgt een e-mail."),
    )


# --- All requests: find any request, export the list -----------------------------------

EXPORT_HEADER = [
    gettext_lazy("Kenmerk"),
    gettext_lazy("Status"),
    gettext_lazy("Ontvangen op"),
    gettext_lazy("Status sinds"),
    gettext_lazy("Bron"),
    gettext_lazy("Postcode"),
    gettext_lazy("Gemeente"),
    gettext_lazy("Soort school"),
    gettext_lazy("Geboortejaar kind"),
    gettext_lazy("Belangrijke datum"),
    gettext_lazy("Soort datum"),
    gettext_lazy("Langer dan 4 weken thuis"),
    gettext_lazy("Doorverwezen naar"),
]


def _search_form(request: HttpRequest, actor: Membership) -> forms.RequestSearchForm:
    return forms.RequestSearchForm(
        request.GET, municipalities=selectors.request_municipalities(actor)
    )


def _cards(found: Any, page_number: Any, today: dt.date, total: int | None) -> Any:
    """The page of the list of all requests, each card's texts made here (rows.py)."""
    paginator = Paginator(found.values(*selectors.CARD_FIELDS), PER_PAGE)
    if total is not None:
        paginator.count = total  # counted with the status counts
    page = paginator.get_page(page_number)
    requests = list(page.object_list)
    codes = selectors.school_codes_of([r["id"] for r in requests])
    status_field = HelpRequest._meta.get_field("status")
    statuses = {value: str(label) for value, label in status_field.flatchoices}
    url = rows.url_maker("intake:detail", "request_id")
    dates = rows.LongDates()
    flags = rows.Flags(today, today + dt.timedelta(days=URGENT_DAYS))
    child = escape(gettext("kind"))
    received_on = gettext("Ontvangen op %(date)s")
    since = gettext("sinds %(date)s")
    cards = []
    for r in requests:
        year = r["child_birth_year"]
        received = rows.fill(received_on, date=dates(r["received_at"]))
        cards.append(
            {
                "url": url(r["id"]),
                "reference": r["reference"],
                "status": statuses.get(r["status"], r["status"]),
                "since": rows.fill(since, date=dates(r["status_changed_at"])),
                # The card's two lines of text, escaped here.
                "who": mark_safe(  # noqa: S308 - escaped
                    f"{escape(r['full_name'])} · {child}: {escape(r['child_name'])}"
                    + (f" ({year})" if year else "")
                ),
                "meta": mark_safe(  # noqa: S308 - escaped
                    f"{received} · {escape(r['postcode_id'])} "
                    f"{escape(r['postcode__municipality__name'])}"
                    + "".join(
                        f" · {escape(code.label)}" for code in codes.get(r["id"], ())
                    )
                ),
                "flags": (r["deadline_on"] or r["out_of_school"])
                and flags(
                    deadline_on=r["deadline_on"],
                    deadline_kind=r["deadline_kind"],
                    out_of_school=r["out_of_school"],
                ),
            }
        )
    page.object_list = cards
    return page


def _filter_fields(form: forms.RequestSearchForm) -> dict[str, SafeString]:
    """Each field as intake/triage/_filter_field.html draws it."""
    return {name: rows.filter_field_html(form[name]) for name in form.fields}


def _empty_filters(actor: Membership) -> dict[str, SafeString]:
    """The filter fields of the empty search: the same for every coordinator of the
    organisation, so kept in its cache (with the code list's school types, which
    are not the organisation's data, in the key)."""
    school = hashlib.sha256(
        repr(
            [
                (c.code, c.label_nl, c.label_en, c.order)
                for c in taxonomy.all_codes()
                if c.group == CodeGroup.ROUTE
            ]
        ).encode()
    ).hexdigest()
    return org_cache.remember(
        actor.organisation_id,
        "request-filters",
        lambda: _filter_fields(
            forms.RequestSearchForm(
                QueryDict(), municipalities=selectors.request_municipalities(actor)
            )
        ),
        vary=school,
    )


@role_required(COORDINATOR)
def all_requests(request: SignedInRequest) -> HttpResponse:
    """Every request of the organisation, whatever its status: search by reference,
    name, e-mail address or postcode; filters, sorting, pages, a CSV download."""
    actor = acting_membership(request)
    if request.GET.keys() <= {"pagina"}:
        # No search: no criteria, no errors, and the fields drawn as they always are.
        criteria: dict[str, Any] = {}
        errors = False
        fields = _empty_filters(actor)
    else:
        form = _search_form(request, actor)
        criteria = form.criteria()
        errors = bool(form.errors)
        fields = _filter_fields(form)
    searched = bool(criteria.keys() - {"sort"})
    counts = selectors.request_counts(actor)
    today = timezone.localdate()
    page = _cards(
        selectors.search_requests(actor, criteria),
        request.GET.get("pagina"),
        today,
        # Without a filter the list is every visible request: counted above.
        None if searched else counts["all"],
    )
    return render(
        request,
        "intake/triage/all.html",
        {
            "errors": errors,
            "fields": fields,
            "searched": searched,
            # On a phone the filters stay folded unless one is in use.
            "filtered": bool(criteria.keys() - {"q"}),
            "page": page,
            "rows": page.object_list,
            "new_count": counts[RequestStatus.NEW],
            "waiting_count": counts[RequestStatus.WAITING],
        },
    )


@role_required(COORDINATOR)
def export_requests(request: SignedInRequest) -> HttpResponse:
    """The filtered list as CSV: codes and dates, no names, no e-mail addresses and no
    free text (the question, notes and reasons stay in the application)."""
    actor = acting_membership(request)
    form = _search_form(request, actor)
    criteria = form.criteria()
    found = selectors.with_school_codes(selectors.search_requests(actor, criteria))
    rows = []
    for r in found:
        rows.append(
            [
                r.reference,
                r.get_status_display(),
                timezone.localtime(r.received_at).date().isoformat(),
                timezone.localtime(r.status_changed_at).date().isoformat(),
                r.get_source_display(),
                r.postcode_id,
                r.postcode.municipality.name,
                ", ".join(str(code.label) for code in r.school_codes),  # type: ignore[attr-defined]  # prefetched to_attr
                r.child_birth_year or "",
                r.deadline_on.isoformat() if r.deadline_on else "",
                r.get_deadline_kind_display() if r.deadline_kind else "",
                r.out_of_school,
                r.referral_target.label if r.referral_target else "",
            ]
        )
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="request.export",
        data={
            "rows": len(rows),
            "filters": {
                key: str(value) for key, value in criteria.items() if key != "q"
            },
            "searched_text": bool(criteria.get("q")),
        },
    )
    filename = f"hulpvragen-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, [str(h) for h in EXPORT_HEADER], rows)


# --- The organisation's own referral targets -------------------------------------------


def _save_target(
    request: HttpRequest, actor: Membership, form: forms.ReferralTargetForm, target: Any
) -> bool:
    if not form.is_valid():
        return False
    try:
        services_targets.save_referral_target(
            actor=actor, target=target, **form.cleaned_data
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    return True


@role_required(COORDINATOR, methods=["GET", "POST"])
def referral_targets(request: SignedInRequest) -> HttpResponse:
    """The places this organisation refers parents to; add a new one."""
    actor = acting_membership(request)
    form = forms.ReferralTargetForm(request.POST or None, prefix="new")
    if request.method == "POST" and _save_target(request, actor, form, None):
        messages.success(request, _("Het adres is toegevoegd."))
        return redirect("intake:referral_targets")
    return render(
        request,
        "intake/triage/referral_targets.html",
        {"targets": selectors.referral_targets_for(actor), "form": form},
        status=400 if form.errors else 200,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def referral_target(request: SignedInRequest, target_id: UUID) -> HttpResponse:
    """Change one referral target, or switch it off (it stays on earlier requests)."""
    actor = acting_membership(request)
    target = selectors.get_referral_target_for(actor, target_id)
    initial = {name: getattr(target, name) for name in services_targets.TARGET_FIELDS}
    form = forms.ReferralTargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save_target(request, actor, form, target):
        messages.success(request, _("Het adres is aangepast."))
        return redirect("intake:referral_targets")
    return render(
        request,
        "intake/triage/referral_target.html",
        {"target": target, "form": form},
        status=400 if form.errors else 200,
    )
