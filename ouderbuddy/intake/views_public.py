"""Public pages of intake: the parent's help request in short steps, and asking for a
new status link. The status page itself shows matching's and casework's parts too, so
casework assembles it (casework.views_parent, from intake.sections).

The steps work without JavaScript: each is a plain POST form, and the answers wait in
the session draft (draft.py) until the last step sends them to the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from ouderbuddy.intake import selectors, services
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
    ContactForm,
    NewLinkForm,
    PreferencesForm,
    SituationForm,
    StepForm,
    WhoForm,
)
from ouderbuddy.intake.models import Asker, HelpRequest
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import client_ip
from ouderbuddy.organisations.models import Organisation

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
    return selectors.active_organisation(draft["organisation_id"])


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
        referral = selectors.open_referral(draft["referral_id"], organisation)
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
                services.send_new_status_links(
                    email=form.cleaned_data["email"],
                    stop_old=form.cleaned_data["stop_old"],
                )
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
