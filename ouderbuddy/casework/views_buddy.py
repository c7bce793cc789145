"""The buddy's side of a running match, phone first: the match page with the quick
contact form at the top, school meetings with their preparation, the fit question,
the safety signal, the agreements to read, and the personal calendar feed.

A buddy reaches only their own matches in the organisation they act in; another
buddy's match is a 404. On a match page the buddy sees the parent's first name and,
while the match runs, how to reach the parent: never the child's name or the question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from ouderbuddy.buddies.forms import DateInput
from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.selectors import get_own_buddy
from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    MINUTES_MAX,
    NOTE_MAX,
    PREPARATION,
    Agreement,
    CalendarFeed,
    Closure,
    Contact,
    ContactMode,
    Fit,
    FitAnswer,
    MeetingKind,
    SafetySignal,
    SchoolMeeting,
    Side,
    SignalKind,
)
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.services import active_consents
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.views import acting_membership, add_domain_error
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.selectors import get_own_match, own_matches
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.privacy.services import record_read
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode
from ouderbuddy.taxonomy.selectors import active_codes
from ouderbuddy.training.models import Enrolment, EnrolmentStatus

BUDDY = [Role.BUDDY]
RECENT_CONTACTS = 5
QUICK_MINUTES = (10, 20, 30, 60)
OTHER = "other"
# A meeting that took place waits this long for its contact (as the prompt e-mail).
LOG_MEETING_DAYS = 14
# The feed keeps a little history, so a phone does not drop last week's meeting.
FEED_HISTORY_DAYS = 90
MEETING_HOURS = 1
# Free text of the request that no buddy page needs: never decrypted here.
_REQUEST_SECRETS = (
    "request__question",
    "request__intake_note",
    "request__information_given",
)


# --- Finding the buddy's own matches -------------------------------------------------


def _own_matches(actor: Membership) -> QuerySet[Match]:
    """The signed-in buddy's matches (`matching.selectors.own_matches`, the one rule),
    with what these pages show and without the request's encrypted texts."""
    return (
        own_matches(actor)
        .select_related("request", "buddy", "organisation")
        .defer(*_REQUEST_SECRETS)
    )


def _get_own_match(actor: Membership, match_id: UUID) -> Match:
    """One match of the signed-in buddy; 404 when missing or someone else's."""
    return get_own_match(actor, match_id, _own_matches(actor))


def _get_own_meeting(actor: Membership, meeting_id: UUID) -> SchoolMeeting:
    """A school meeting of one of the buddy's own matches; 404 otherwise."""
    meeting = (
        SchoolMeeting.objects.filter(
            pk=meeting_id, match__in=_own_matches(actor).values("pk")
        )
        .select_related("match__request", "match__buddy", "match__organisation")
        .defer(*(f"match__{name}" for name in _REQUEST_SECRETS))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def first_name(full_name: str) -> str:
    return (full_name.split() or [""])[0]


# --- The summary of each running match (list and start page) ----------------------------


def with_summary(matches: QuerySet[Match]) -> QuerySet[Match]:
    """Annotate each match with its next meeting, last contact and what is due, in the
    one query that lists them."""
    now = timezone.now()
    latest_agreement = Agreement.objects.filter(match=OuterRef("pk")).order_by(
        "-version"
    )
    return matches.annotate(
        next_meeting_at=Subquery(
            SchoolMeeting.objects.filter(
                match=OuterRef("pk"), cancelled=False, starts_at__gte=now
            )
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
        last_contact_on=Subquery(
            Contact.objects.filter(match=OuterRef("pk"))
            .order_by("-on")
            .values("on")[:1]
        ),
        has_agreement=Exists(latest_agreement),
        agreement_read_at=Subquery(
            latest_agreement.values("buddy_acknowledged_at")[:1]
        ),
        fit_answered=Exists(
            FitAnswer.objects.filter(match=OuterRef("pk"), side=Side.BUDDY)
        ),
        meeting_to_log=Exists(
            SchoolMeeting.objects.filter(
                match=OuterRef("pk"),
                cancelled=False,
                starts_at__lt=now,
                starts_at__gte=now - dt.timedelta(days=LOG_MEETING_DAYS),
                contact__isnull=True,
            )
        ),
    )


@dataclass(frozen=True)
class MatchSummary:
    """One running match as the buddy's lists show it."""

    match: Match
    parent_first_name: str
    next_meeting_at: dt.datetime | None
    last_contact_on: dt.date | None
    due: list[str]


def summarise(match: Match) -> MatchSummary:
    """The summary of a match annotated by `with_summary`."""
    due = []
    if getattr(match, "has_agreement", False) and not getattr(
        match, "agreement_read_at", None
    ):
        due.append(_("Werkafspraken lezen"))
    if not getattr(match, "fit_answered", True):
        due.append(_("Vraag: hoe klikt het?"))
    if getattr(match, "meeting_to_log", False):
        due.append(_("Gesprek op school vastleggen"))
    return MatchSummary(
        match=match,
        parent_first_name=first_name(match.request.full_name),
        next_meeting_at=getattr(match, "next_meeting_at", None),
        last_contact_on=getattr(match, "last_contact_on", None),
        due=due,
    )


def active_summaries(actor: Membership, buddy: Buddy) -> list[MatchSummary]:
    """The buddy's active matches with their summary (for the start page)."""
    matches = (
        Match.objects.filter(
            organisation_id=actor.organisation_id,
            buddy=buddy,
            status=MatchStatus.ACTIVE,
        )
        .select_related("request")
        .defer(*_REQUEST_SECRETS)
        .order_by("started_on", "created_at")
    )
    return [summarise(m) for m in with_summary(matches)]


# --- Forms ---------------------------------------------------------------------------------


def _topic_codes(match: Match) -> list[ExperienceCode]:
    """The request's own codes (only when the parent agreed to share them with a buddy),
    then the common issue codes."""
    codes: list[ExperienceCode] = []
    if ConsentPurpose.SHARE_WITH_BUDDY in active_consents(match.request):
        codes.extend(
            match.request.codes.filter(
                is_active=True, group__in=services.TOPIC_GROUPS
            ).order_by("group", "order")
        )
    seen = {code.code for code in codes}
    codes.extend(c for c in active_codes(CodeGroup.ISSUE) if c.code not in seen)
    return codes


def _minutes_text(n: int) -> str:
    return _("%(n)d min") % {"n": n}


# Translated when the form is shown, not when the module is loaded.
_minutes_label = lazy(_minutes_text, str)


class ContactForm(Form):
    on = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Vul de datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Hoe had u contact?"),
        choices=ContactMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies de soort contact."),
            "invalid_choice": gettext_lazy("Kies de soort contact."),
        },
    )
    minutes = forms.ChoiceField(
        label=gettext_lazy("Hoe lang?"),
        choices=[
            *((str(n), _minutes_label(n)) for n in QUICK_MINUTES),
            (OTHER, gettext_lazy("Anders")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies hoe lang het contact duurde."),
            "invalid_choice": gettext_lazy("Kies hoe lang het contact duurde."),
        },
    )
    minutes_other = forms.IntegerField(
        label=gettext_lazy("Anders: aantal minuten"),
        required=False,
        min_value=1,
        max_value=MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": gettext_lazy("Vul een heel aantal minuten in."),
            "min_value": gettext_lazy("Vul een aantal minuten in tussen 1 en 600."),
            "max_value": gettext_lazy("Vul een aantal minuten in tussen 1 en 600."),
        },
    )
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Waar ging het over?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Kies onderwerpen uit de lijst."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Korte notitie"),
        help_text=gettext_lazy(
            "Schrijf geen namen en geen medische gegevens, zoals een diagnose. "
            "Hoogstens 1000 tekens."
        ),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Schrijf hoogstens 1000 tekens.")},
    )
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *args: Any, codes: list[ExperienceCode], **kwargs: Any
    ) -> None:
        if data is not None and data.get("minutes_other") and not data.get("minutes"):
            # A number typed under "Anders" without tapping "Anders" still counts.
            data = data.copy()
            data["minutes"] = OTHER
        super().__init__(data, *args, **kwargs)
        topics = self.fields["topics"]
        assert isinstance(topics, forms.MultipleChoiceField)
        topics.choices = [(c.code, c.label) for c in codes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "minutes" in self.errors or "minutes_other" in self.errors:
            return data
        preset, other = data.get("minutes"), data.get("minutes_other")
        if other is not None:
            # A typed number wins over a preset left selected from last time.
            data["total_minutes"] = other
        elif preset and preset != OTHER:
            data["total_minutes"] = int(preset)
        else:
            self.add_error("minutes_other", _("Vul het aantal minuten in."))
        return data


def _contact_form(
    match: Match,
    data: Any = None,
    *,
    meeting: SchoolMeeting | None = None,
) -> ContactForm:
    initial: dict[str, Any] = {"on": timezone.localdate()}
    if meeting is not None:
        initial.update(
            on=timezone.localtime(meeting.starts_at).date(),
            mode=ContactMode.SCHOOL_MEETING,
            meeting=meeting.pk,
        )
    else:
        # The same as last time, so a routine contact is one tap on "save".
        last = match.contacts.order_by("-on", "-created_at").first()
        if last is not None:
            minutes = str(last.minutes)
            initial.update(
                mode=last.mode,
                minutes=minutes if minutes in _quick() else OTHER,
                minutes_other=None if minutes in _quick() else last.minutes,
            )
    return ContactForm(data, initial=initial, codes=_topic_codes(match))


def _quick() -> set[str]:
    return {str(n) for n in QUICK_MINUTES}


class MeetingForm(Form):
    day = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Vul de datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    time = forms.TimeField(
        label=gettext_lazy("Tijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": gettext_lazy("Vul de tijd in."),
            "invalid": gettext_lazy("Vul een geldige tijd in, zoals 14:30."),
        },
    )
    place = forms.CharField(
        label=gettext_lazy("Waar"),
        help_text=gettext_lazy("De school en het adres, of de link bij videobellen."),
        max_length=200,
        error_messages={
            "required": gettext_lazy("Vul in waar het gesprek is."),
            "max_length": gettext_lazy("Schrijf hoogstens 200 tekens."),
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Soort gesprek"),
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies de soort gesprek."),
            "invalid_choice": gettext_lazy("Kies de soort gesprek."),
        },
    )
    preparation = forms.MultipleChoiceField(
        label=gettext_lazy("Voorbereiding die al klaar is"),
        choices=PREPARATION,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Kies punten uit de lijst."),
        },
    )

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))


class PreparationForm(Form):
    done = forms.MultipleChoiceField(
        label=gettext_lazy("Voorbereiding"),
        choices=PREPARATION,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Kies punten uit de lijst."),
        },
    )


def _preparation_form(meeting: SchoolMeeting, data: Any = None) -> PreparationForm:
    return PreparationForm(
        data,
        initial={"done": meeting.preparation},
        auto_id=f"prep-{meeting.pk}-%s",
    )


class SignalForm(Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Waar maakt u zich zorgen over?"),
        choices=SignalKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies wat er aan de hand is."),
            "invalid_choice": gettext_lazy("Kies wat er aan de hand is."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Wat is er aan de hand?"),
        help_text=gettext_lazy(
            "Schrijf kort wat u zag of hoorde, en wanneer. Hoogstens 1000 tekens."
        ),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": gettext_lazy("Schrijf kort wat er is."),
            "max_length": gettext_lazy("Schrijf hoogstens 1000 tekens."),
        },
    )


# --- The match page --------------------------------------------------------------------------


def _render_match(
    request: HttpRequest,
    actor: Membership,
    match: Match,
    *,
    contact_form: ContactForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    if match.status == MatchStatus.CLOSED:
        closure = Closure.objects.filter(match=match).first()
        return render(
            request,
            "casework/buddy/closed.html",
            {
                "match": match,
                "closure": closure,
                "parent_first_name": first_name(match.request.full_name),
                "error": error,
            },
            status=status,
        )
    now = timezone.now()
    meetings = list(
        match.meetings.filter(cancelled=False, starts_at__gte=now).order_by("starts_at")
    )
    to_log = list(
        match.meetings.filter(
            cancelled=False,
            starts_at__lt=now,
            starts_at__gte=now - dt.timedelta(days=LOG_MEETING_DAYS),
            contact__isnull=True,
        ).order_by("starts_at")
    )
    agreement = services.current_agreement(match)
    help_request: HelpRequest = match.request
    record_read(actor=actor, target=help_request)
    return render(
        request,
        "casework/buddy/match.html",
        {
            "match": match,
            "parent_first_name": first_name(help_request.full_name),
            "parent": help_request,
            "contact_form": contact_form or _contact_form(match),
            "contacts": list(
                match.contacts.order_by("-on", "-created_at")[:RECENT_CONTACTS]
            ),
            "meetings": [(m, _preparation_form(m)) for m in meetings],
            "meetings_to_log": to_log,
            "agreement": agreement,
            "agreement_modes": [
                ContactMode(m).label
                for m in (agreement.contact_modes if agreement else [])
                if m in ContactMode.values
            ],
            "fit_due": not match.fit_answers.filter(side=Side.BUDDY).exists(),
            "fit_choices": Fit.choices,
            "error": error,
        },
        status=status,
    )


@role_required(BUDDY)
def match(request: HttpRequest, match_id: UUID) -> HttpResponse:
    """One running match on a phone: log a contact first, then what else matters."""
    actor = acting_membership(request)
    found = _get_own_match(actor, match_id)
    if found.status not in (MatchStatus.ACTIVE, MatchStatus.CLOSED):
        # Before the start (or a proposal that fell through) the proposal page tells.
        return redirect("matching:proposal", match_id=found.pk)
    return _render_match(request, actor, found)


# --- Contacts ------------------------------------------------------------------------------


def _render_contact(
    request: HttpRequest,
    match: Match,
    form: ContactForm,
    *,
    meeting: SchoolMeeting | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "casework/buddy/contact.html",
        {
            "match": match,
            "parent_first_name": first_name(match.request.full_name),
            "contact_form": form,
            "meeting": meeting,
            "running": match.status == MatchStatus.ACTIVE,
            "error": error,
        },
        status=status,
    )


def _meeting_of(match: Match, raw: Any) -> SchoolMeeting | None:
    """The meeting named in the request, of this match; 404 when it is not."""
    if not raw:
        return None
    try:
        return match.meetings.get(pk=UUID(str(raw)))
    except (ValueError, SchoolMeeting.DoesNotExist) as exc:
        raise Http404 from exc


@role_required(BUDDY, methods=["GET", "POST"])
def log_contact(request: HttpRequest, match_id: UUID) -> HttpResponse:
    """The quick contact form; with `meeting`, a school meeting logged afterwards."""
    actor = acting_membership(request)
    found = _get_own_match(actor, match_id)
    if request.method != "POST":
        meeting = _meeting_of(found, request.GET.get("meeting"))
        return _render_contact(
            request, found, _contact_form(found, meeting=meeting), meeting=meeting
        )

    meeting = _meeting_of(found, request.POST.get("meeting"))
    form = _contact_form(found, request.POST, meeting=meeting)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.log_contact(
                actor=actor,
                match=found,
                on=data["on"],
                mode=data["mode"],
                minutes=data["total_minutes"],
                topics=data["topics"],
                note=data["note"],
                meeting=meeting,
            )
        except DomainError as exc:
            if exc.field in form.fields:
                add_domain_error(form, exc)
            else:
                error = exc.message
        else:
            messages.success(request, _("Het contact is vastgelegd. Dank u wel!"))
            return redirect("casework:buddy_match", match_id=found.pk)
    return _render_contact(
        request, found, form, meeting=meeting, error=error, status=400
    )


# --- School meetings -----------------------------------------------------------------------


@role_required(BUDDY, methods=["GET", "POST"])
def plan_meeting(request: HttpRequest, match_id: UUID) -> HttpResponse:
    """Plan a meeting at school the buddy joins."""
    actor = acting_membership(request)
    found = _get_own_match(actor, match_id)
    form = MeetingForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.plan_meeting(
                actor=actor,
                match=found,
                starts_at=form.starts_at(),
                place=data["place"],
                kind=data["kind"],
                preparation=data["preparation"],
            )
        except DomainError as exc:
            if exc.field == "starts_at":
                form.add_error("day", exc.message)
            elif exc.field in form.fields:
                add_domain_error(form, exc)
            else:
                error = exc.message
        else:
            messages.success(
                request,
                _("Het gesprek staat erin. U krijgt de dag ervoor een herinnering."),
            )
            return redirect("casework:buddy_meeting", meeting_id=meeting.pk)
    return render(
        request,
        "casework/buddy/plan_meeting.html",
        {
            "match": found,
            "parent_first_name": first_name(found.request.full_name),
            "form": form,
            "running": found.status == MatchStatus.ACTIVE,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


def _render_meeting(
    request: HttpRequest,
    meeting: SchoolMeeting,
    *,
    form: PreparationForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    match = meeting.match
    now = timezone.now()
    logged = Contact.objects.filter(meeting=meeting).exists()
    return render(
        request,
        "casework/buddy/meeting.html",
        {
            "meeting": meeting,
            "match": match,
            "parent_first_name": first_name(match.request.full_name),
            "form": form or _preparation_form(meeting),
            "running": match.status == MatchStatus.ACTIVE,
            "upcoming": meeting.starts_at >= now,
            "logged": logged,
            "error": error,
        },
        status=status,
    )


@role_required(BUDDY, methods=["GET", "POST"])
def meeting(request: HttpRequest, meeting_id: UUID) -> HttpResponse:
    """One school meeting: its preparation checklist, and cancelling it."""
    actor = acting_membership(request)
    found = _get_own_meeting(actor, meeting_id)
    if request.method != "POST":
        return _render_meeting(request, found)

    action = request.POST.get("action")
    if action == "preparation":
        form = _preparation_form(found, request.POST)
        if form.is_valid():
            try:
                services.update_preparation(
                    actor=actor, meeting=found, done=form.cleaned_data["done"]
                )
            except DomainError as exc:
                return _render_meeting(
                    request, found, form=form, error=exc.message, status=400
                )
            messages.success(request, _("De voorbereiding is bijgewerkt."))
            back = request.POST.get("back")
            if back == "match":
                return redirect("casework:buddy_match", match_id=found.match_id)
            return redirect("casework:buddy_meeting", meeting_id=found.pk)
        return _render_meeting(request, found, form=form, status=400)
    if action == "cancel":
        try:
            services.cancel_meeting(actor=actor, meeting=found)
        except DomainError as exc:
            return _render_meeting(request, found, error=exc.message, status=400)
        messages.success(request, _("Het gesprek staat op 'gaat niet door'."))
        return redirect("casework:buddy_match", match_id=found.match_id)
    return _render_meeting(request, found, error=_("Onbekende keuze."), status=400)


# --- Safety signal -------------------------------------------------------------------------


@role_required(BUDDY, methods=["GET", "POST"])
def signal(request: HttpRequest, match_id: UUID) -> HttpResponse:
    """'Zorg melden': reaches the coordinator at once."""
    actor = acting_membership(request)
    found = _get_own_match(actor, match_id)
    form = SignalForm(request.POST if request.method == "POST" else None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.raise_signal(
                actor=actor,
                match=found,
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
            )
        except DomainError as exc:
            if exc.field in form.fields:
                add_domain_error(form, exc)
            else:
                error = exc.message
        else:
            messages.success(
                request,
                _(
                    "Uw melding is verstuurd. De coördinator heeft hem nu gekregen "
                    "en neemt zo snel mogelijk contact met u op."
                ),
            )
            return redirect("casework:buddy_signal", match_id=found.pk)
    return render(
        request,
        "casework/buddy/signal.html",
        {
            "match": found,
            "parent_first_name": first_name(found.request.full_name),
            "form": form,
            "signals": list(
                SafetySignal.objects.filter(match=found, raised_by=actor.user).order_by(
                    "-raised_at"
                )[:5]
            ),
            "can_signal": found.status
            in (MatchStatus.ACTIVE, MatchStatus.INTRODUCTION_PLANNED),
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Agreements and the fit question ----------------------------------------------------


@role_required(BUDDY, methods=["POST"])
def acknowledge(request: HttpRequest, match_id: UUID) -> HttpResponse:
    """'Ik heb de afspraken gelezen', for the version the buddy read."""
    actor = acting_membership(request)
    found = _get_own_match(actor, match_id)
    version = _int_or_none(request.POST.get("version"))
    agreement = (
        found.agreements.filter(version=version).first()
        if version is not None
        else services.current_agreement(found)
    )
    if agreement is None:
        return _render_match(
            request,
            actor,
            found,
            error=_("Er zijn geen werkafspraken om te bevestigen."),
            status=400,
        )
    try:
        services.acknowledge_agreement(
            agreement=agreement, side=Side.BUDDY, actor=actor
        )
    except DomainError as exc:
        return _render_match(request, actor, found, error=exc.message, status=400)
    messages.success(request, _("Dank u wel. U heeft de werkafspraken gelezen."))
    return redirect("casework:buddy_match", match_id=found.pk)


def _int_or_none(raw: Any) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@role_required(BUDDY, methods=["POST"])
def fit(request: HttpRequest, match_id: UUID) -> HttpResponse:
    """The buddy's answer to 'Hoe klikt het?'."""
    actor = acting_membership(request)
    found = _get_own_match(actor, match_id)
    answer = str(request.POST.get("answer", ""))
    try:
        services.answer_fit(match=found, side=Side.BUDDY, answer=answer, actor=actor)
    except DomainError as exc:
        return _render_match(request, actor, found, error=exc.message, status=400)
    if answer == Fit.NOT_GOOD:
        messages.success(
            request,
            _(
                "Dank u wel voor uw eerlijke antwoord. De coördinator neemt contact "
                "met u op."
            ),
        )
    else:
        messages.success(request, _("Dank u wel voor uw antwoord."))
    return redirect("casework:buddy_match", match_id=found.pk)


# --- Calendar feed -------------------------------------------------------------------------


@role_required(BUDDY, methods=["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The personal agenda link: make one (shown once) or stop it."""
    actor = acting_membership(request)
    buddy = get_own_buddy(actor)
    context: dict[str, Any] = {"error": ""}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "new":
                token = services.new_calendar_feed(actor=actor, buddy=buddy)
                feed_url = request.build_absolute_uri(
                    reverse("casework:calendar_feed", args=[token])
                )
                context["feed_url"] = feed_url
                context["webcal_url"] = "webcal://" + feed_url.split("://", 1)[1]
            elif action == "revoke":
                stopped = services.revoke_calendar_feed(actor=actor, buddy=buddy)
                messages.success(
                    request,
                    _("Uw agenda-link werkt niet meer.")
                    if stopped
                    else _("U had geen agenda-link."),
                )
                return redirect("casework:calendar")
            else:
                context["error"] = _("Onbekende keuze.")
                status = 400
        except DomainError as exc:
            context["error"] = exc.message
            status = 400
    context["has_feed"] = CalendarFeed.objects.filter(
        buddy=buddy, revoked_at__isnull=True
    ).exists()
    response = render(request, "casework/buddy/calendar.html", context, status=status)
    if "feed_url" in context:
        # The secret address is shown this once: keep it out of every cache.
        add_never_cache_headers(response)
    return response


def _site_host() -> str:
    return urlsplit(mail.absolute_url("/")).hostname or "ouderbuddy"


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The buddy's meetings and trainings as iCal, for a phone calendar to subscribe to.
    Public (the token is the key); no names of parent or child."""
    buddy = services.buddy_for_calendar(token)
    if buddy is None:
        raise Http404
    host = _site_host()
    since = timezone.now() - dt.timedelta(days=FEED_HISTORY_DAYS)
    events: list[Event] = []
    meetings = SchoolMeeting.objects.filter(
        organisation_id=buddy.organisation_id,
        match__buddy=buddy,
        match__status=MatchStatus.ACTIVE,
        cancelled=False,
        starts_at__gte=since,
    ).order_by("starts_at")
    for m in meetings:
        events.append(
            Event.new(
                uid=f"{m.pk}@{host}",
                summary=_("Gesprek op school: %(kind)s")
                % {"kind": MeetingKind(m.kind).label},
                start=m.starts_at,
                end=m.starts_at + dt.timedelta(hours=MEETING_HOURS),
                location=m.place,
                url=mail.absolute_url("casework:buddy_meeting", m.pk),
            )
        )
    enrolments = (
        Enrolment.objects.filter(
            organisation_id=buddy.organisation_id,
            buddy=buddy,
            status=EnrolmentStatus.ENROLLED,
            session__cancelled_at__isnull=True,
            session__starts_at__gte=since,
        )
        .select_related("session__course")
        .order_by("session__starts_at")
    )
    for enrolment in enrolments:
        session = enrolment.session
        events.append(
            Event.new(
                uid=f"{session.pk}@{host}",
                summary=_("Training: %(title)s") % {"title": session.course.title},
                start=session.starts_at,
                end=session.ends_at,
                location=session.location or session.online_url or None,
            )
        )
    feed = Calendar.new(
        uid=f"agenda-{buddy.pk}@{host}",
        prodid="-//Ouderbuddy//Agenda buddy//NL",
        name=_("Ouderbuddy: mijn afspraken"),
        refresh_interval=dt.timedelta(hours=6),
        subcomponents=events,
    )
    response = HttpResponse(feed.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
