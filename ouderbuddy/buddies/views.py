"""Pages of the buddies app: the public application, the coordinator's pipeline and
buddy page, and the buddy's own profile."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.base import render_value_in_context
from django.urls import get_script_prefix, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ouderbuddy.buddies import checklist, forms, hooks, selectors, services
from ouderbuddy.buddies.history import BUDDY_HISTORY
from ouderbuddy.buddies.models import PIPELINE, AgreementKind, Buddy, BuddyStatus
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import (
    PER_PAGE,
    SignedInRequest,
    acting_membership,
    add_domain_error,
    client_ip,
)
from ouderbuddy.organisations.models import Membership, Organisation, Role
from ouderbuddy.organisations.selectors import organisations_serving
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.privacy.services import record_read

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]


# --- Public ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def apply_start(request: HttpRequest) -> HttpResponse:
    """Find the support point for a postcode, then go to its application form."""
    form = forms.OrganisationFinderForm(request.POST or None)
    options: list[Organisation] | None = None
    if request.method == "POST" and form.is_valid():
        options = organisations_serving(form.cleaned_data["postcode"])
        if len(options) == 1:
            return redirect("buddies:apply", organisation_id=options[0].pk)
    return render(
        request,
        "buddies/apply_start.html",
        {"form": form, "options": options},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    """The application form of one support point."""
    organisation = get_object_or_404(Organisation, pk=organisation_id, is_active=True)
    form = forms.ApplicationForm(request.POST or None)
    if request.method == "POST":
        if form.is_spam:
            # Tell a robot nothing; store nothing.
            return redirect("buddies:apply_done", organisation_id=organisation.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.submit_application(
                    organisation=organisation,
                    full_name=data["full_name"],
                    email=data["email"],
                    phone=data["phone"],
                    gender=data["gender"],
                    motivation=data["motivation"],
                    experience_codes=form.experience_codes(),
                    experience_unsaid=data["experience_unsaid"],
                    hours_per_month=data["hours_per_month"],
                    commitment_months=data["commitment_months"],
                    postcode=data["postcode"],
                    travel_km=data["travel_km"],
                    languages=data["languages"],
                    contact_modes=data["contact_modes"],
                    availability=data["availability"],
                    how_heard=data["how_heard"],
                    consent=data["consent"],
                    client_ip=client_ip(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect("buddies:apply_done", organisation_id=organisation.pk)
    return render(
        request,
        "buddies/apply.html",
        {"form": form, "public_organisation": organisation},
        status=400 if form.errors else 200,
    )


@require_safe
def apply_done(request: HttpRequest, organisation_id: UUID) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=organisation_id, is_active=True)
    return render(
        request, "buddies/apply_done.html", {"public_organisation": organisation}
    )


# --- Coordinator ---------------------------------------------------------------------


@role_required(COORDINATOR)
def pipeline(request: SignedInRequest) -> HttpResponse:
    """All buddies by status, with a search box and a status filter. The board shows
    the first few of each status; one status is shown whole, page by page."""
    actor = acting_membership(request)
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in BuddyStatus.values:
        status = ""
    columns = []
    page = None
    if status:
        counts = selectors.status_counts(actor)
        page = Paginator(
            selectors.pipeline_buddies(actor, query, status), PER_PAGE
        ).get_page(request.GET.get("pagina"))
        columns.append(_column(status, counts, _cards(page.object_list), None))
    else:
        by_status: dict[str, list[dict[str, Any]]] = {s: [] for s in PIPELINE}
        for card in selectors.pipeline_columns(actor, query):
            by_status[card["status"]].append(card)
        # Unsearched, the board's counts are how many of each status it found.
        counts = (
            selectors.status_counts(actor)
            if query
            else {s: shown[0]["found"] for s, shown in by_status.items() if shown}
        )
        for value in PIPELINE:
            shown = by_status[value]
            found = shown[0]["found"] if shown else 0
            columns.append(_column(value, counts, _cards(shown), found))
    return render(
        request,
        "buddies/pipeline.html",
        {
            "columns": columns,
            "page": page,
            "query": query,
            "status": status,
            "statuses": [(s, BuddyStatus(s).label, counts.get(s, 0)) for s in PIPELINE],
        },
    )


def _cards(cards: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The board's cards with the link to each buddy's page and how long they are in
    their step: one `reverse` and one translation a page, not one a card."""
    head, tail = reverse("buddies:detail", args=[_ZERO]).split(str(_ZERO))
    in_step = _("%(since)s in deze stap")
    return [
        {
            **card,
            "url": f"{head}{card['id']}{tail}",
            # `{% blocktranslate with since=…|timesince %}`: the value escaped.
            "in_step": mark_safe(  # noqa: S308 - the value is escaped, the text ours
                in_step % {"since": escape(timesince(card["status_changed_at"]))}
            ),
        }
        for card in cards
    ]


_ZERO = UUID(int=0)


def _column(
    status: str,
    counts: dict[str, int],
    buddies: list[dict[str, Any]],
    found: int | None,
) -> dict[str, Any]:
    """One column of the board; `more` when it shows fewer buddies than match."""
    return {
        "status": status,
        "label": BuddyStatus(status).label,
        "count": counts.get(status, 0),
        "buddies": buddies,
        "more": found if found is not None and found > len(buddies) else 0,
    }


def _labels(codes: list[str] | None, choices: Any) -> list[str]:
    """The labels of stored choice codes, in their stored order; unknown codes as is."""
    known = dict(choices.choices)
    return [str(known.get(code, code)) for code in codes or []]


# The buddy page's forms that start empty (no value of the buddy in them), per language
# and day (the agreement's date starts at today): the same for everyone, so drawn once
# per process. A form sent back with errors is drawn as it is.
_EMPTY_FORMS: dict[tuple[str, str, Any], SafeString] = {}

INTERVIEW_FIELDS = tuple(forms.InterviewForm.Meta.fields)


def _empty_form(name: str, make: Callable[[], Any]) -> SafeString:
    key = (name, get_language() or "", timezone.localdate())
    html = _EMPTY_FORMS.get(key)
    if html is None:
        if len(_EMPTY_FORMS) > 64:  # yesterday's
            _EMPTY_FORMS.clear()
        html = _EMPTY_FORMS[key] = SafeString(str(make()))
    return html


# The buddy page's links and form actions: each name reversed once per process (per
# script prefix and language), the buddy's key put in per page.
_PAGE_URLS = (
    "buddies:advance",
    "buddies:agreement",
    "buddies:interview",
    "buddies:introduction",
    "buddies:pause",
    "buddies:resend_invitation",
    "buddies:resume",
    "buddies:stop",
    "buddies:vog",
    "training:training_elsewhere",
)
_URL_PARTS: dict[tuple[str, str], tuple[str, dict[str, tuple[str, str]]]] = {}


def _page_urls(buddy_id: Any) -> dict[str, str]:
    """`{% url name buddy.pk %}` of each of `_PAGE_URLS` (by the name after the
    colon), and `pipeline` (`{% url 'buddies:pipeline' %}`)."""
    key = (get_script_prefix(), get_language() or "")
    found = _URL_PARTS.get(key)
    if found is None:
        parts = {}
        for name in _PAGE_URLS:
            head, tail = reverse(name, args=[_ZERO]).split(str(_ZERO))
            parts[name.split(":")[1]] = (head, tail)
        found = _URL_PARTS[key] = (reverse("buddies:pipeline"), parts)
    pipeline_url, parts = found
    return {
        "pipeline": pipeline_url,
        **{name: f"{head}{buddy_id}{tail}" for name, (head, tail) in parts.items()},
    }


def _history_rows(buddy: Buddy) -> list[dict[str, Any]]:
    """The buddy's newest 50 status changes as the page shows them, worded here: only
    the shown columns and the actor's name are read."""
    labels = dict(BuddyStatus.choices)
    rows = []
    for change in selectors.history_rows(buddy):
        moved = change["from_status"] and change["from_status"] != change["to_status"]
        to_status = change["to_status"]
        rows.append(
            {
                "at": formats.date_format(
                    timezone.localtime(change["at"]), "j F Y H:i"
                ),
                "from": labels.get(change["from_status"], change["from_status"])
                if moved
                else "",
                "to": labels.get(to_status, to_status),
                "actor": (change["actor__full_name"] or change["actor__email"])
                if change["actor_id"]
                else "",
                "text": BUDDY_HISTORY.word(
                    change["code"], change["params"], change["reason"] or ""
                ),
            }
        )
    return rows


def _checklist_html(items: list[checklist.Item]) -> SafeString:
    """The checklist's list items as the page drew them with template tags (the
    texts escaped as `{{ }}` escapes them)."""
    done_text, open_text = escape(_("(klaar)")), escape(_("(nog niet klaar)"))
    out = []
    for item in items:
        text: str = conditional_escape(item.label)
        if item.detail:
            text += ": " + conditional_escape(item.detail)
        out.append(
            '\n  <li class="ob-checklist__item'
            + (" ob-checklist__item--done" if item.done else "")
            + '">\n    <span class="ob-checklist__mark" aria-hidden="true">'
            + ("✓" if item.done else "○")
            + "</span>\n    <span>"
            + text
            + '</span>\n    <span class="ob-visually-hidden">'
            + (done_text if item.done else open_text)
            + "</span>\n  </li>"
        )
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped


def _history_html(rows: list[dict[str, Any]]) -> SafeString:
    """The history's list items as the page drew them with template tags."""
    out = []
    for change in rows:
        line: str = conditional_escape(change["at"]) + " · "
        if change["from"]:
            line += conditional_escape(change["from"]) + " → "
        line += conditional_escape(change["to"])
        if change["actor"]:
            line += " · " + conditional_escape(change["actor"])
        if change["text"]:
            line += " · " + conditional_escape(change["text"])
        out.append('\n  <li class="utrecht-ordered-list__item">' + line + "</li>")
    return mark_safe("".join(out))  # noqa: S308 - every text is escaped


class _Autoescape:
    """What `render_value_in_context` reads of a template context (a DTL render's
    defaults: autoescape on, localisation and time zone as the settings say)."""

    autoescape = True
    use_l10n = None
    use_tz = None


_OUT: Any = _Autoescape()


def _out(value: Any) -> str:
    """`{{ value }}`."""
    return str(render_value_in_context(value, _OUT))


def _joined(values: list[str]) -> str:
    """`{{ values|join:", " }}`."""
    return ", ".join(conditional_escape(v) for v in values)


def _data_html(
    buddy: Buddy,
    languages: list[str],
    contact_modes: list[str],
    experience: list[Any],
    consents: list[dict[str, Any]],
) -> SafeString:
    """The page's data list ("Gegevens") as the template drew it, row by row."""
    if buddy.experience_unsaid:
        shown_experience = _out(_("Zegt liever niet"))
    else:
        shown_experience = ", ".join(_out(code.label) for code in experience) or "—"
    withdrawn = _out(_("ingetrokken"))
    shown_consents = "".join(
        _out(c["get_purpose_display"])
        + ": "
        + _out(formats.date_format(timezone.localtime(c["given_at"]), "j F Y"))
        + " ("
        + _out(c["text_version"])
        + ")"
        + (", " + withdrawn if c["withdrawn_at"] else "")
        for c in consents
    )
    rows = [
        (_("E-mailadres"), _out(buddy.email), ""),
        (_("Telefoonnummer"), _out(buddy.phone or "—"), ""),
        (
            _("Woonplaats"),
            _out(buddy.postcode.municipality.name)
            + " ("
            + _out(buddy.postcode_id)
            + "), "
            + _("reist tot %(km)s km") % {"km": _out(buddy.travel_km)},
            "",
        ),
        (
            _("Tijd"),
            _("%(hours)s uur per maand, %(months)s")
            % {
                "hours": _out(buddy.hours_per_month),
                "months": _out(buddy.get_commitment_months_display()),
            }
            + ("; " + _out(buddy.availability) if buddy.availability else ""),
            "",
        ),
        (_("Geslacht"), _out(buddy.get_gender_display()), ""),
        (_("Talen"), _joined(languages) or "—", ""),
        (
            _("Manieren van contact"),
            _joined(contact_modes) if contact_modes else _out(_("Geen voorkeur")),
            "",
        ),
        (_("Ouders tegelijk"), _out(buddy.max_matches), ""),
        (_("Eigen ervaring"), shown_experience, ""),
        (_("Motivatie"), _out(buddy.motivation), " ob-prewrap"),
        (_("Toestemming"), shown_consents or "—", ""),
    ]
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            '\n  <div class="utrecht-data-list__item"><dt '
            f'class="utrecht-data-list__item-key">{_out(label)}</dt><dd '
            f'class="utrecht-data-list__item-value{css}">{value}</dd></div>'
            for label, value, css in rows
        )
    )


def _detail_context(actor: Membership, buddy: Buddy, **forms_: Any) -> dict[str, Any]:
    interview = selectors.interview_of(buddy)
    # Each list reads only the columns the page shows, as values in the shape the
    # page reads them.
    agreement_kinds = dict(AgreementKind.choices)
    agreements: list[dict[str, Any]] = [
        {**a, "get_kind_display": agreement_kinds.get(a["kind"], a["kind"])}
        for a in selectors.agreement_rows(buddy)
    ]
    # Training (a higher app) gives its section through the hook.
    training = hooks.training_record(buddy)
    facts = services.facts_for(
        buddy,
        interview=interview,
        agreement_kinds={a["kind"] for a in agreements},
        basic_training=training.get("has_basic_training"),
    )
    forward = (
        checklist.FORWARD.get(BuddyStatus(buddy.status))
        if buddy.status in checklist.FORWARD
        else None
    )
    purposes = dict(ConsentPurpose.choices)
    # The checklist once: its words, whether matchable, the next step.
    drawn = checklist.items(facts)
    return {
        "buddy": buddy,
        "urls": _page_urls(buddy.pk),
        "checklist_html": _checklist_html(drawn),
        "matchable": checklist.is_matchable(facts, drawn),
        "next_step": checklist.next_step(facts, for_buddy=False, drawn=drawn),
        "forward": BuddyStatus(forward) if forward else None,
        "forward_problem": checklist.forward_problem(facts, forward, drawn)
        if forward
        else None,
        "interview": interview,
        "agreements": agreements,
        "history_html": _history_html(_history_rows(buddy)),
        "data_html": _data_html(
            buddy,
            _labels(buddy.languages, SpokenLanguage),
            _labels(buddy.contact_modes, ContactMode),
            # Not shown when the buddy would rather not say.
            [] if buddy.experience_unsaid else selectors.experience_of(buddy),
            [
                {**c, "get_purpose_display": purposes.get(c["purpose"], c["purpose"])}
                for c in selectors.consent_rows(buddy)
            ],
        ),
        **training,
        # Support (a higher app) gives the last year's intervisie and training.
        "support": hooks.support_record(buddy),
        # Unbound, these are drawn from stamps (forms.StampedForm): the same HTML.
        "introduction_form": forms_.get("introduction_form")
        or forms.INTRODUCTION_FORM.html({"held_on": buddy.introduction_held_on}),
        "interview_form": forms_.get("interview_form")
        or forms.INTERVIEW_FORM.html(
            {name: getattr(interview, name) for name in INTERVIEW_FIELDS}
            if interview
            else {}
        ),
        "vog_form": forms_.get("vog_form")
        or forms.VOG_FORM.html(
            {
                "requested_on": buddy.vog_requested_on,
                "issued_on": buddy.vog_issued_on,
                "screening_profile": buddy.vog_screening_profile,
            }
        ),
        "agreement_form": forms_.get("agreement_form")
        or _empty_form("agreement", lambda: forms.AgreementForm(prefix="agreement")),
        "advance_form": forms_.get("advance_form")
        or _empty_form("advance", lambda: forms.AdvanceForm(prefix="advance")),
        "pause_form": forms_.get("pause_form")
        or _empty_form("pause", lambda: forms.PauseForm(prefix="pause")),
        "stop_form": forms_.get("stop_form")
        or _empty_form("stop", lambda: forms.StopForm(prefix="stop")),
    }


@role_required([Role.COORDINATOR, Role.BUDDY])
def detail(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    """One buddy: the checklist, what is missing, the next step, the history."""
    actor = acting_membership(request)
    if actor.role == Role.BUDDY:
        # A buddy's own record lives in the portal; anyone else's does not exist for them.
        if selectors.get_own_buddy(actor).pk == buddy_id:
            return redirect("buddies:portal_profile")
        raise Http404
    buddy = selectors.get_buddy_page_for(actor, buddy_id)
    record_read(actor=actor, target=buddy)
    return render(request, "buddies/detail.html", _detail_context(actor, buddy))


def _checklist_post(
    request: HttpRequest,
    buddy_id: UUID,
    form_name: str,
    make_form: Callable[[Any], Any],
    act: Callable[[Membership, Buddy, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    actor = acting_membership(request)
    buddy = selectors.get_buddy_for(actor, buddy_id)
    form = make_form(request.POST)
    if form.is_valid():
        try:
            act(actor, buddy, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("buddies:detail", buddy_id=buddy.pk)
    buddy.refresh_from_db()
    return render(
        request,
        "buddies/detail.html",
        _detail_context(actor, buddy, **{form_name: form}),
        status=400,
    )


@role_required(COORDINATOR, methods=["POST"])
def introduction(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "introduction_form",
        forms.DateForm,
        lambda actor, buddy, data: services.record_introduction(
            actor=actor, buddy=buddy, held_on=data["held_on"]
        ),
        _("Het kennismakingsgesprek is vastgelegd."),
    )


@role_required(COORDINATOR, methods=["POST"])
def interview(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "interview_form",
        lambda data: forms.InterviewForm(data, prefix="interview"),
        lambda actor, buddy, data: services.record_interview(
            actor=actor, buddy=buddy, **data
        ),
        _("Het screeningsgesprek is vastgelegd."),
    )


@role_required(COORDINATOR, methods=["POST"])
def vog(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "vog_form",
        lambda data: forms.VogForm(data, prefix="vog"),
        lambda actor, buddy, data: services.record_vog(
            actor=actor, buddy=buddy, **data
        ),
        _("De VOG-gegevens zijn opgeslagen."),
    )


@role_required(COORDINATOR, methods=["POST"])
def agreement(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "agreement_form",
        lambda data: forms.AgreementForm(data, prefix="agreement"),
        lambda actor, buddy, data: services.record_agreement(
            actor=actor, buddy=buddy, **data
        ),
        _("De handtekening is vastgelegd."),
    )


@role_required(COORDINATOR, methods=["POST"])
def advance(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "advance_form",
        lambda data: forms.AdvanceForm(data, prefix="advance"),
        lambda actor, buddy, data: services.advance_buddy(
            actor=actor, buddy=buddy, reason=data["reason"]
        ),
        _("De status is gewijzigd."),
    )


@role_required(COORDINATOR, methods=["POST"])
def pause(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "pause_form",
        lambda data: forms.PauseForm(data, prefix="pause"),
        lambda actor, buddy, data: services.pause_buddy(
            actor=actor, buddy=buddy, **data
        ),
        _("De buddy heeft nu een pauze."),
    )


@role_required(COORDINATOR, methods=["POST"])
def resume(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    buddy = selectors.get_buddy_for(actor, buddy_id)
    try:
        services.resume_buddy(actor=actor, buddy=buddy)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("De pauze is voorbij."))
    return redirect("buddies:detail", buddy_id=buddy.pk)


@role_required(COORDINATOR, methods=["POST"])
def stop(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    return _checklist_post(
        request,
        buddy_id,
        "stop_form",
        lambda data: forms.StopForm(data, prefix="stop"),
        lambda actor, buddy, data: services.stop_buddy(
            actor=actor, buddy=buddy, **data
        ),
        _("De buddy is gestopt."),
    )


@role_required(COORDINATOR, methods=["POST"])
def resend_invitation(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    buddy = selectors.get_buddy_for(actor, buddy_id)
    try:
        services.resend_invitation(actor=actor, buddy=buddy)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Er is een nieuwe uitnodiging verstuurd."))
    return redirect("buddies:detail", buddy_id=buddy.pk)


# --- The buddy's own portal ------------------------------------------------------------


# What the profile page shows of the buddy's record (saving it reads it whole).
PROFILE_FIELDS = (
    "phone",
    "postcode",
    "travel_km",
    "languages",
    "contact_modes",
    "max_matches",
    "availability",
    "experience_unsaid",
    "status",
    "paused_until",
)


@role_required(BUDDY, methods=["GET", "POST"])
def portal_profile(request: SignedInRequest) -> HttpResponse:
    """The buddy's own profile: experience, region, languages, capacity, pause."""
    actor = acting_membership(request)
    buddy = (
        selectors.get_own_buddy(actor)
        if request.method == "POST"
        else selectors.get_own_buddy(actor, only=PROFILE_FIELDS)
    )
    initial = {
        "phone": buddy.phone,
        "postcode": buddy.postcode_id,
        "travel_km": buddy.travel_km,
        "languages": buddy.languages,
        "contact_modes": buddy.contact_modes,
        "max_matches": buddy.max_matches,
        "availability": buddy.availability,
        "experience_unsaid": buddy.experience_unsaid,
    }
    codes = [(code.pk, code.group) for code in selectors.experience_of(buddy)]
    initial["route_codes"] = [c for c, g in codes if g in ("route", "transition")]
    initial["issue_codes"] = [c for c, g in codes if g == "issue"]
    initial["need_codes"] = [c for c, g in codes if g == "need"]
    form = forms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_profile(
                actor=actor,
                buddy=buddy,
                experience_codes=form.experience_codes(),
                experience_unsaid=data["experience_unsaid"],
                postcode=data["postcode"],
                travel_km=data["travel_km"],
                languages=data["languages"],
                contact_modes=data["contact_modes"],
                max_matches=data["max_matches"],
                availability=data["availability"],
                phone=data["phone"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Uw profiel is opgeslagen."))
            return redirect("buddies:portal_profile")
    return render(
        request,
        "buddies/portal_profile.html",
        {
            "buddy": buddy,
            "form": form,
            "pause_form": forms.PauseForm(prefix="pause"),
            "consent_renewal": services.application_consent_renewal(buddy),
        },
        status=400 if form.errors else 200,
    )


@role_required(BUDDY, methods=["POST"])
def portal_consent(request: SignedInRequest) -> HttpResponse:
    """The buddy agrees to the changed text of the application consent."""
    actor = acting_membership(request)
    buddy = selectors.get_own_buddy(actor)
    try:
        services.renew_application_consent(actor=actor, buddy=buddy)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Dank u. Uw toestemming met de nieuwe tekst geldt vanaf nu.")
        )
    return redirect("buddies:portal_profile")


@role_required(BUDDY, methods=["POST"])
def portal_pause(request: SignedInRequest) -> HttpResponse:
    """The buddy pauses (or ends a pause) themselves."""
    actor = acting_membership(request)
    buddy = selectors.get_own_buddy(actor)
    if request.POST.get("action") == "resume":
        try:
            services.resume_buddy(actor=actor, buddy=buddy)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Welkom terug! Uw pauze is voorbij."))
        return redirect("buddies:portal_profile")
    form = forms.PauseForm(request.POST, prefix="pause")
    if form.is_valid():
        try:
            services.pause_buddy(actor=actor, buddy=buddy, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Uw pauze is opgeslagen."))
            return redirect("buddies:portal_profile")
    return render(
        request,
        "buddies/portal_profile.html",
        {"buddy": buddy, "form": forms.ProfileForm(initial={}), "pause_form": form},
        status=400,
    )
