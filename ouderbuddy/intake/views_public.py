"""Public pages of intake: the parent's help request in short steps, and the parent's
status page behind the personal link from the e-mail.

The steps work without JavaScript: each is a plain POST form, and the answers wait in
the session draft (draft.py) until the last step sends them to the service.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from ouderbuddy.casework.models import Closure, Fit, Side
from ouderbuddy.casework.models import ContactMode as CaseworkContactMode
from ouderbuddy.intake import services
from ouderbuddy.intake.draft import (
    SESSION_KEY,
    clear_draft,
    get_draft,
    save_values,
    set_organisation,
)
from ouderbuddy.intake.forms_public import (
    CheckForm,
    ChildForm,
    ConsentWithdrawForm,
    ContactForm,
    NewLinkForm,
    PreferencesForm,
    SituationForm,
    StepForm,
    WhoForm,
)
from ouderbuddy.intake.models import (
    Asker,
    HelpRequest,
    ProfessionalReferral,
    RequestStatus,
)
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import client_ip
from ouderbuddy.matching.models import HOLDS_PLACE, Match, MatchStatus
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.privacy.models import Consent, ConsentPurpose
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode

# The e-mail after sending promises contact within this many working days
# (templates/intake/email/received.txt says the same).
CONTACT_WITHIN_WORKING_DAYS = services.CONTACT_WITHIN_WORKING_DAYS

# What the confirmation page shows after sending: the reference and the support point.
DONE_SESSION_KEY = "intake_done"


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any
    form_class: type[StepForm] | None
    intro: Any = ""
    title_young: Any = ""


STEPS: tuple[Step, ...] = (
    Step(
        "wie",
        gettext_lazy("Wie vraagt hulp, en waar?"),
        WhoForm,
        gettext_lazy(
            "Met uw postcode zoeken we het ouder- en jeugdsteunpunt bij u in de buurt."
        ),
    ),
    Step(
        "contact",
        gettext_lazy("Uw gegevens"),
        ContactForm,
        gettext_lazy("Zo kan het steunpunt u bereiken."),
    ),
    Step(
        "kind",
        gettext_lazy("Over uw kind"),
        ChildForm,
        gettext_lazy(
            "We vragen zo weinig mogelijk: alleen wat nodig is om u goed te helpen."
        ),
        title_young=gettext_lazy("Over jezelf"),
    ),
    Step(
        "situatie",
        gettext_lazy("Wat speelt er?"),
        SituationForm,
        gettext_lazy(
            "Zo weet het steunpunt waar het over gaat. U hoeft niet alles in te vullen."
        ),
    ),
    Step(
        "voorkeuren",
        gettext_lazy("Wat vindt u belangrijk?"),
        PreferencesForm,
        gettext_lazy("Hiermee zoeken we een buddy die bij u past."),
    ),
    Step(
        "controleren",
        gettext_lazy("Controleren en versturen"),
        None,
        gettext_lazy(
            "Kijk of alles klopt. Klopt er iets niet? Kies dan 'Wijzigen' bij dat deel."
        ),
    ),
)
FORM_STEPS = STEPS[:-1]
CHECK_STEP = STEPS[-1]
STEP_BY_SLUG = {s.slug: s for s in STEPS}


def _field_steps() -> dict[str, str]:
    """Which step asks for a field, to show a service's DomainError in the right place."""
    found: dict[str, str] = {}
    for step in FORM_STEPS:
        if step.form_class is not None:
            found.update(dict.fromkeys(step.form_class.base_fields, step.slug))
    return found


FIELD_STEP = _field_steps()


def _is_young_person(draft: dict[str, Any]) -> bool:
    return bool(draft["values"].get("asker") == Asker.YOUNG_PERSON)


def _title(step: Step, draft: dict[str, Any]) -> Any:
    return (
        step.title_young if step.title_young and _is_young_person(draft) else step.title
    )


def _form_for(step: Step, draft: dict[str, Any], **kwargs: Any) -> StepForm:
    if step.form_class is None:
        raise ValueError(f"Step {step.slug!r} has no form of its own.")
    return step.form_class(draft=draft, **kwargs)


def _bound_to_draft(step: Step, draft: dict[str, Any]) -> StepForm:
    """The step's form filled with what the draft holds, to check it again."""
    return _form_for(step, draft, data=dict(draft["values"]))


def _first_unfinished(draft: dict[str, Any], steps: tuple[Step, ...]) -> Step | None:
    for step in steps:
        if not _bound_to_draft(step, draft).is_complete:
            return step
    return None


def _go_to_unfinished(request: HttpRequest, step: Step) -> HttpResponse:
    messages.info(request, _("Vul eerst deze stap in."))
    return redirect("intake:step", step=step.slug)


def _draft_organisation(draft: dict[str, Any]) -> Organisation | None:
    if not draft.get("organisation_id"):
        return None
    return Organisation.objects.filter(
        pk=draft["organisation_id"], is_active=True
    ).first()


def _render_step(
    request: HttpRequest,
    step: Step,
    form: StepForm,
    draft: dict[str, Any],
    *,
    return_to_check: bool = False,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    index = STEPS.index(step)
    return render(
        request,
        "intake/public/step.html",
        {
            "step": step,
            "title": _title(step, draft),
            "form": form,
            "number": index + 1,
            "total": len(STEPS),
            "return_to_check": return_to_check,
            "notice": notice,
            "public_organisation": _draft_organisation(draft),
        },
        status=status,
    )


# --- The steps ----------------------------------------------------------------------


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """What the form is for, what it asks, and how long it takes."""
    draft = request.session.get(SESSION_KEY)
    if not isinstance(draft, dict):
        draft = {}
    referred_to = _draft_organisation(draft) if draft.get("referral_id") else None
    return render(
        request,
        "intake/public/start.html",
        {
            "started": bool(draft.get("values")),
            "referred_to": referred_to,
            "first_step": STEPS[0],
            "total": len(STEPS),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def intake_step(request: HttpRequest, step: str) -> HttpResponse:
    """One step of the form: show it with what the draft holds, or save it and go on."""
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    draft = get_draft(request)
    if current is CHECK_STEP:
        return _check(request, draft)
    index = STEPS.index(current)
    unfinished = _first_unfinished(draft, STEPS[:index])
    if unfinished is not None:
        return _go_to_unfinished(request, unfinished)
    return_to_check = (
        request.GET.get("controleren") == "1"
        or request.POST.get("next") == CHECK_STEP.slug
    )
    if request.method != "POST":
        form = _form_for(current, draft, initial=dict(draft["values"]))
        return _render_step(
            request, current, form, draft, return_to_check=return_to_check
        )

    form = _form_for(current, draft, data=request.POST)
    if request.POST.get("action") == "back":
        save_values(request, form.typed_values())
        if index == 0:
            return redirect("intake:start")
        return redirect("intake:step", step=STEPS[index - 1].slug)
    if not form.is_valid():
        return _render_step(
            request, current, form, draft, return_to_check=return_to_check, status=400
        )
    save_values(request, form.draft_values())
    if isinstance(form, WhoForm):
        response = _after_who(request, form, draft, return_to_check=return_to_check)
        if response is not None:
            return response
    if return_to_check:
        return redirect("intake:step", step=CHECK_STEP.slug)
    return redirect("intake:step", step=STEPS[index + 1].slug)


def _after_who(
    request: HttpRequest,
    form: WhoForm,
    draft: dict[str, Any],
    *,
    return_to_check: bool,
) -> HttpResponse | None:
    """Remember the support point; explain when there is none, or ask which one."""
    if form.fixed_organisation is None:
        organisation = form.organisation
        set_organisation(request, str(organisation.pk) if organisation else None)
    if form.no_organisation:
        return render(
            request,
            "intake/public/no_organisation.html",
            {"postcode": form.cleaned_data["postcode"]},
        )
    if form.needs_choice:
        return _render_step(
            request,
            STEPS[0],
            form,
            draft,
            return_to_check=return_to_check,
            notice=_(
                "Bij uw postcode horen meer steunpunten. Kies hieronder bij welk "
                "steunpunt u uw vraag stelt."
            ),
        )
    return None


def _check(request: HttpRequest, draft: dict[str, Any]) -> HttpResponse:
    """The last step: everything on one page, the consents, and send."""
    if (
        request.method == "POST"
        and not draft["values"]
        and DONE_SESSION_KEY in request.session
    ):
        # The same form sent again after it went through (a second click, or the
        # browser's back button): the request exists already.
        return redirect("intake:done")
    step_forms: dict[str, StepForm] = {}
    for step in FORM_STEPS:
        step_form = _bound_to_draft(step, draft)
        if not step_form.is_complete:
            return _go_to_unfinished(request, step)
        step_forms[step.slug] = step_form

    form = CheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if request.POST.get("action") == "back":
            # Consents are not kept: a box is only ticked when the parent ticks it.
            return redirect("intake:step", step=FORM_STEPS[-1].slug)
        if form.is_spam:
            # Tell a robot nothing; store nothing.
            clear_draft(request)
            request.session.pop(DONE_SESSION_KEY, None)
            return redirect("intake:done")
        if form.is_valid():
            try:
                help_request = _submit(request, draft, step_forms, form.cleaned_data)
            except DomainError as exc:
                slug = FIELD_STEP.get(exc.field or "")
                if slug is not None:
                    step_form = step_forms[slug]
                    field = exc.field if exc.field in step_form.fields else None
                    step_form.add_error(field, exc.message)
                    return _render_step(
                        request,
                        STEP_BY_SLUG[slug],
                        step_form,
                        draft,
                        return_to_check=True,
                        status=400,
                    )
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                clear_draft(request)
                request.session[DONE_SESSION_KEY] = {
                    "reference": help_request.reference,
                    "organisation": help_request.organisation.name,
                }
                return redirect("intake:done")

    sections = [
        {
            "step": step,
            "title": _title(step, draft),
            "rows": step_forms[step.slug].summary_rows(),
        }
        for step in FORM_STEPS
    ]
    return render(
        request,
        "intake/public/check.html",
        {
            "step": CHECK_STEP,
            "title": CHECK_STEP.title,
            "form": form,
            "sections": sections,
            "number": len(STEPS),
            "total": len(STEPS),
            "public_organisation": _draft_organisation(draft),
        },
        status=400 if form.errors else 200,
    )


def _submit(
    request: HttpRequest,
    draft: dict[str, Any],
    step_forms: dict[str, StepForm],
    consents: dict[str, Any],
) -> HelpRequest:
    who_form = cast(WhoForm, step_forms["wie"])
    organisation = who_form.organisation
    if organisation is None:  # is_complete checked this; a guard for the type checker
        raise DomainError(_("Kies een steunpunt."), field="postcode")
    who = who_form.cleaned_data
    contact = step_forms["contact"].cleaned_data
    child = step_forms["kind"].cleaned_data
    situation = step_forms["situatie"].cleaned_data
    preferences = step_forms["voorkeuren"].cleaned_data
    referral = None
    if draft.get("referral_id"):
        referral = ProfessionalReferral.objects.filter(
            pk=draft["referral_id"],
            organisation=organisation,
            confirmed_at__isnull=True,
        ).first()
    data = services.RequestData(
        asker=who["asker"],
        full_name=contact["full_name"],
        email=contact["email"],
        child_name=child["child_name"],
        postcode=who["postcode"],
        question=situation["question"],
        consent_processing=consents["consent_processing"],
        phone=contact["phone"],
        preferred_contact=contact["preferred_contact"],
        languages=preferences["languages"],
        young_person_birth_date=who.get("young_person_birth_date"),
        child_birth_year=child.get("child_birth_year"),
        child_grade=child["child_grade"],
        school_name=child["school_name"],
        codes=[
            *child["route_codes"],
            *situation["issue_codes"],
            *situation["need_codes"],
        ],
        deadline_on=situation["deadline_on"],
        deadline_kind=situation["deadline_kind"],
        out_of_school=situation["out_of_school"],
        contact_modes=preferences["contact_modes"],
        buddy_gender=preferences["buddy_gender"],
        max_distance_km=preferences["max_distance_km"],
        consent_share=consents["consent_share"],
        consent_research=consents["consent_research"],
    )
    return services.create_help_request(
        organisation=organisation,
        data=data,
        submission_key=uuid.UUID(draft["submission_key"]),
        client_ip=client_ip(request),
        referral=referral,
    )


@require_safe
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation: the reference, the e-mail with the link, what happens next."""
    sent = request.session.get(DONE_SESSION_KEY) or {}
    return render(
        request,
        "intake/public/done.html",
        {
            "reference": sent.get("reference", ""),
            "organisation_name": sent.get("organisation", ""),
            "days": CONTACT_WITHIN_WORKING_DAYS,
            "link_days": services.STATUS_LINK_DAYS,
        },
    )


# --- The status page behind the personal link --------------------------------------


TokenView = Callable[[HttpRequest, str], HttpResponse]


def _private_page(view: TokenView) -> TokenView:
    """Pages whose address holds the personal token: not cached, not indexed, and the
    address never leaves in a Referer header. "strict-origin" sends only the site's
    origin (never the path with the token), and keeps the Origin header that Django's
    CSRF check needs on the page's own forms."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        response = view(request, token)
        response.headers["Referrer-Policy"] = "strict-origin"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return cast(TokenView, never_cache(wrapper))


def _link_problem(request: HttpRequest, problem: services.LinkProblem) -> HttpResponse:
    response = render(
        request,
        "intake/public/link_problem.html",
        {
            "message": problem.message,
            "expired": problem.expired,
            "form": NewLinkForm(),
        },
        status=410 if problem.expired else 400,
    )
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


def _add_working_days(day: dt.date, count: int) -> dt.date:
    while count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    multiline: bool = False


def _labels(values: list[str], choices: type[Any]) -> str:
    known = dict(choices.choices)
    return ", ".join(str(known.get(v, v)) for v in values) or _("Niet ingevuld")


def _held_data(help_request: HelpRequest) -> list[tuple[str, list[Row]]]:
    """Everything the support point keeps about this request, readable."""
    hr = help_request
    empty = _("Niet ingevuld")
    codes: dict[str, list[str]] = {}
    for code in hr.codes.all().order_by("group", "order"):
        group = "route" if code.group == CodeGroup.TRANSITION else code.group
        codes.setdefault(group, []).append(code.label)
    area = hr.postcode
    young = hr.asker == Asker.YOUNG_PERSON
    deadline = empty
    if hr.deadline_on:
        deadline = f"{hr.deadline_on:%d-%m-%Y}"
        if hr.deadline_kind:
            deadline += f" ({hr.get_deadline_kind_display()})"
    return [
        (
            _("Uw gegevens"),
            [
                Row(_("Wie vraagt"), hr.get_asker_display()),
                Row(_("Naam"), hr.full_name),
                Row(_("E-mailadres"), hr.email),
                Row(_("Telefoonnummer"), hr.phone or empty),
                Row(_("Liefst contact via"), hr.get_preferred_contact_display()),
                Row(
                    _("Postcode"),
                    f"{area.pc4} ({area.municipality.name})"
                    if area.municipality_id
                    else area.pc4,
                ),
            ],
        ),
        (
            _("Over jezelf") if young else _("Over uw kind"),
            [
                Row(_("Voornaam of voorletters"), hr.child_name),
                Row(
                    _("Geboortejaar"),
                    str(hr.child_birth_year) if hr.child_birth_year else empty,
                ),
                Row(_("Groep of leerjaar"), hr.child_grade or empty),
                Row(_("Naam van de school"), hr.school_name or empty),
                Row(_("Soort school"), ", ".join(codes.get("route", [])) or empty),
            ],
        ),
        (
            _("Wat er speelt"),
            [
                Row(
                    _("Waar de vraag over gaat"),
                    ", ".join(codes.get("issue", [])) or empty,
                ),
                Row(
                    _("Wat het kind nodig heeft"),
                    ", ".join(codes.get("need", [])) or empty,
                ),
                *(
                    [Row(_("Gezinssituatie"), ", ".join(codes["context"]))]
                    if codes.get("context")
                    else []
                ),
                Row(_("Uw vraag"), hr.question, multiline=True),
                Row(_("Belangrijke datum"), deadline),
                Row(
                    _("Langer dan 4 weken thuis"),
                    _("Ja") if hr.out_of_school else _("Nee"),
                ),
            ],
        ),
        (
            _("Voorkeuren"),
            [
                Row(_("Talen"), _labels(hr.languages, SpokenLanguage)),
                Row(_("Contact met de buddy"), _labels(hr.contact_modes, ContactMode)),
                Row(_("Voorkeur buddy"), hr.get_buddy_gender_display()),
                Row(_("Afstand hoogstens (km)"), str(hr.max_distance_km)),
            ],
        ),
    ]


# What the parent reads as "where your request stands" while a buddy is proposed.
PARENT_MATCH_STATES = {
    MatchStatus.PROPOSED: gettext_lazy("We hebben een buddy gevraagd"),
    MatchStatus.ACCEPTED: gettext_lazy("De buddy wil graag: nu kiest u"),
    MatchStatus.AGREED: gettext_lazy("U zei ja: de kennismaking wordt gepland"),
    MatchStatus.INTRODUCTION_PLANNED: gettext_lazy("Kennismaking gepland"),
}
# A proposal that ended before the start (the request waits again).
FELL_THROUGH = (
    MatchStatus.DECLINED,
    MatchStatus.EXPIRED,
    MatchStatus.PARENT_DECLINED,
    MatchStatus.CANCELLED,
)


def _casework(
    help_request: HelpRequest, buddy_match: Match | None
) -> dict[str, Any] | None:
    """What the parent sees of the support in their match: the working agreements, the
    contact log, the school meetings ahead and the fit question. For the running match
    (the agreements already while the introduction is planned), or else for the match
    that closed last."""
    if buddy_match is not None:
        if buddy_match.status not in (
            MatchStatus.INTRODUCTION_PLANNED,
            MatchStatus.ACTIVE,
        ):
            return None
        match = buddy_match
    else:
        closed = (
            Match.objects.filter(request=help_request, status=MatchStatus.CLOSED)
            .select_related("buddy")
            .order_by("-status_changed_at")
            .first()
        )
        if closed is None:
            return None
        match = closed
    active = match.status == MatchStatus.ACTIVE
    agreement = match.agreements.order_by("-version").first()
    # The contact log shows when, how, how long and about what. The buddy's note is
    # left out on purpose: it is the buddy's own working note (written for the
    # coordinator), not a text written for the parent.
    contacts = list(match.contacts.defer("note").order_by("-on", "-created_at"))
    codes = {code for contact in contacts for code in contact.topics}
    labels = {c.code: c.label for c in ExperienceCode.objects.filter(code__in=codes)}
    fit_answer = match.fit_answers.filter(side=Side.PARENT).first()
    closure = Closure.objects.filter(match=match).first()
    return {
        "match": match,
        "active": active,
        "closed": match.status == MatchStatus.CLOSED,
        "closed_on": closure.closed_on if closure else None,
        "agreement": agreement,
        "agreement_modes": _labels(agreement.contact_modes, CaseworkContactMode)
        if agreement
        else "",
        "can_acknowledge": agreement is not None
        and agreement.parent_acknowledged_at is None
        and match.status != MatchStatus.CLOSED,
        "contacts": [
            {
                "on": contact.on,
                "mode": contact.get_mode_display(),
                "minutes": contact.minutes,
                "topics": [labels.get(code, code) for code in contact.topics],
            }
            for contact in contacts
        ],
        "meetings": list(
            match.meetings.filter(
                cancelled=False, starts_at__gte=timezone.now()
            ).order_by("starts_at")
        )
        if active
        else [],
        "fit_pending": active and fit_answer is None,
        "fit_answer": fit_answer,
        "fit_choices": Fit.choices,
    }


def _render_status(
    request: HttpRequest,
    help_request: HelpRequest,
    token: str,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    active = services.active_consents(help_request)
    consents = Consent.objects.filter(
        organisation=help_request.organisation,
        subject_type=HelpRequest._meta.label_lower,
        subject_id=str(help_request.pk),
    ).order_by("given_at")
    received = timezone.localtime(help_request.received_at).date()
    # The proposal or match that is running now (the database allows one at most).
    buddy_match = (
        Match.objects.filter(request=help_request, status__in=HOLDS_PLACE)
        .select_related("buddy")
        .first()
    )
    casework = _casework(help_request, buddy_match)
    named = buddy_match or (casework["match"] if casework else None)
    # Back on the waiting list after a proposal: say that it did not go through.
    fell_through = None
    if help_request.status == RequestStatus.WAITING:
        fell_through = (
            Match.objects.filter(request=help_request, status__in=FELL_THROUGH)
            .order_by("-status_changed_at")
            .first()
        )
    return render(
        request,
        "intake/public/status.html",
        {
            "buddy_match": buddy_match,
            # During matching the step of the proposal says where the request is.
            "state_label": PARENT_MATCH_STATES.get(MatchStatus(buddy_match.status))
            if buddy_match and help_request.status == RequestStatus.MATCHING
            else None,
            "fell_through": fell_through,
            "buddy_first_name": (named.buddy.full_name.split() or [""])[0]
            if named
            else "",
            "casework": casework,
            "match_statuses": MatchStatus,
            "help_request": help_request,
            "public_organisation": help_request.organisation,
            "token": token,
            "statuses": RequestStatus,
            "purposes": ConsentPurpose,
            "contact_by": _add_working_days(received, CONTACT_WITHIN_WORKING_DAYS),
            "consents": consents,
            "active_purposes": set(active),
            "sections": _held_data(help_request),
            "events": help_request.events.filter(
                Q(to_status__gt="") | Q(by_parent=True)
            ).order_by("at"),
            "error": error,
        },
        status=status,
    )


@_private_page
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    """Where the parent's request stands, what is kept, and what they can stop."""
    try:
        help_request = services.request_for_token(token)
    except services.LinkProblem as problem:
        return _link_problem(request, problem)
    return _render_status(request, help_request, token)


@_private_page
@require_POST
def status_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """The parent stops their request (after one confirmation)."""
    try:
        help_request = services.request_for_token(token)
    except services.LinkProblem as problem:
        return _link_problem(request, problem)
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "intake/public/status_confirm.html",
            {
                "help_request": help_request,
                "token": token,
                "action": reverse("intake:status_withdraw", args=[token]),
                "purpose": "",
            },
        )
    try:
        services.withdraw_by_parent(request=help_request)
    except DomainError as exc:
        return _render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(
        request,
        _("Uw hulpvraag is gestopt. Het steunpunt gaat er niet meer mee verder."),
    )
    return redirect("intake:status", token=token)


@_private_page
@require_POST
def status_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The parent withdraws one consent; it counts from this moment."""
    try:
        help_request = services.request_for_token(token)
    except services.LinkProblem as problem:
        return _link_problem(request, problem)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        return _render_status(
            request,
            help_request,
            token,
            error=_("Kies welke toestemming u wilt intrekken."),
            status=400,
        )
    purpose = form.cleaned_data["purpose"]
    if (
        purpose == ConsentPurpose.REQUEST_PROCESSING
        and help_request.is_open
        and request.POST.get("confirm") != "yes"
    ):
        # Without this consent the request stops: ask once, like withdrawing it.
        return render(
            request,
            "intake/public/status_confirm.html",
            {
                "help_request": help_request,
                "token": token,
                "action": reverse("intake:status_consent", args=[token]),
                "purpose": purpose,
            },
        )
    try:
        services.withdraw_consent(request=help_request, purpose=purpose)
    except DomainError as exc:
        return _render_status(
            request, help_request, token, error=exc.message, status=400
        )
    messages.success(
        request,
        _("U heeft uw toestemming ingetrokken: %(what)s. Dit geldt vanaf nu.")
        % {"what": ConsentPurpose(purpose).label},
    )
    return redirect("intake:status", token=token)


@require_http_methods(["GET", "HEAD", "POST"])
def new_link(request: HttpRequest) -> HttpResponse:
    """A fresh status link by e-mail. The answer never tells whether the address is
    known."""
    form = NewLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam:
            return redirect(reverse("intake:new_link") + "?verstuurd=1")
        if form.is_valid():
            try:
                services.send_new_status_links(email=form.cleaned_data["email"])
            except DomainError:
                # The only refusal is the limit per address; it says nothing about
                # whether the address is known.
                form.add_error(
                    "email",
                    _(
                        "U heeft net al een paar keer een nieuwe link gevraagd. Kijk in "
                        "uw e-mail, ook bij ongewenste e-mail (spam). Of probeer het "
                        "over een uur opnieuw."
                    ),
                )
            else:
                return redirect(reverse("intake:new_link") + "?verstuurd=1")
    return render(
        request,
        "intake/public/new_link.html",
        {
            "form": form,
            "sent": request.method != "POST" and request.GET.get("verstuurd") == "1",
            "link_days": services.STATUS_LINK_DAYS,
        },
        status=400 if form.errors else 200,
    )
