"""The buddy's side of a running match, phone first: the match page with the quick
contact form at the top, school meetings with their preparation, the fit question,
the safety signal, the agreements to read, and the personal calendar feed.

A buddy reaches only their own matches in the organisation they act in; another
buddy's match is a 404. On a match page the buddy sees the parent's first name and,
while the match runs, how to reach the parent: never the child's name or the question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from icalendar import Calendar, Event

from ouderbuddy.buddies.selectors import get_own_buddy
from ouderbuddy.casework import forms_buddy, hooks, selectors_buddy, services
from ouderbuddy.casework.models import (
    ContactMode,
    Fit,
    MeetingKind,
    SchoolMeeting,
    Side,
)
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.services import has_active_consent
from ouderbuddy.knowledge import selectors as knowledge_selectors
from ouderbuddy.knowledge.models import Article, Audience
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.matching import selectors as matching_selectors
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.privacy.services import record_read

BUDDY = [Role.BUDDY]
MEETING_HOURS = 1


# --- The match list ------------------------------------------------------------------------


@role_required(BUDDY)
def proposals(request: SignedInRequest) -> HttpResponse:
    """The proposals waiting for the buddy's answer, and their running matches
    (matching:proposals; matching gives the list, casework each match's summary)."""
    actor = acting_membership(request)
    matches = list(
        selectors_buddy.with_summary(
            matching_selectors.own_proposals_and_running(actor)
        )
    )
    return render(
        request,
        "matching/buddy/proposals.html",
        {
            "waiting": [m for m in matches if m.status == MatchStatus.PROPOSED],
            # An active match comes with its summary: next meeting, last contact,
            # what is due.
            "running": [
                (
                    m,
                    selectors_buddy.summarise(m)
                    if m.status == MatchStatus.ACTIVE
                    else None,
                )
                for m in matches
                if m.status in matching_selectors.RUNNING
            ],
            "match_statuses": MatchStatus,
        },
    )


# --- The match page ------------------------------------------------------------------------


def _suggested_articles(actor: Membership, help_request: HelpRequest) -> list[Article]:
    """The kennisbank's articles for buddies that share codes with the request, only
    when the parent agreed to share the codes with the buddy (an article about
    autism would tell what the codes do)."""
    if not has_active_consent(help_request, ConsentPurpose.SHARE_WITH_BUDDY):
        return []
    codes = HelpRequest.codes.through.objects.filter(
        helprequest_id=help_request.pk
    ).values_list("experiencecode_id", flat=True)
    return knowledge_selectors.articles_for_codes(
        actor.organisation_id, codes, Audience.BUDDIES
    )


def _render_match(
    request: HttpRequest,
    actor: Membership,
    match: Match,
    *,
    contact_form: forms_buddy.ContactForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    if match.status == MatchStatus.CLOSED:
        closure = selectors_buddy.closure_of(match)
        return render(
            request,
            "casework/buddy/closed.html",
            {
                "match": match,
                "closure": closure,
                "parent_first_name": selectors_buddy.first_name(
                    match.request.full_name
                ),
                "error": error,
            },
            status=status,
        )
    meetings, to_log = selectors_buddy.meetings_around(match)
    contacts = selectors_buddy.recent_contacts(match)
    agreement = selectors_buddy.page_agreement(match)
    help_request: HelpRequest = match.request
    record_read(actor=actor, target=help_request)
    return render(
        request,
        "casework/buddy/match.html",
        {
            "match": match,
            "parent_first_name": selectors_buddy.first_name(help_request.full_name),
            "parent": help_request,
            "contact_form": contact_form
            or forms_buddy.contact_form(match, recent=contacts),
            "contacts": contacts,
            "meetings": [(m, forms_buddy.preparation_form(m)) for m in meetings],
            "meetings_to_log": to_log,
            "agreement": agreement,
            "agreement_modes": [
                ContactMode(m).label
                for m in (agreement.contact_modes if agreement else [])
                if m in ContactMode.values
            ],
            "fit_due": selectors_buddy.fit_due(match),
            "fit_choices": Fit.choices,
            "articles": _suggested_articles(actor, help_request),
            "error": error,
        },
        status=status,
    )


@role_required(BUDDY)
def match(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """One running match on a phone: log a contact first, then what else matters."""
    actor = acting_membership(request)
    found = selectors_buddy.get_own_match_with_fit(actor, match_id)
    if found.status not in (MatchStatus.ACTIVE, MatchStatus.CLOSED):
        # Before the start (or a proposal that fell through) the proposal page tells.
        return redirect("matching:proposal", match_id=found.pk)
    return _render_match(request, actor, found)


# --- Contacts ------------------------------------------------------------------------------


def _render_contact(
    request: HttpRequest,
    match: Match,
    form: forms_buddy.ContactForm,
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
            "parent_first_name": selectors_buddy.first_name(match.request.full_name),
            "contact_form": form,
            "meeting": meeting,
            "running": match.status == MatchStatus.ACTIVE,
            "error": error,
        },
        status=status,
    )


@role_required(BUDDY, methods=["GET", "POST"])
def log_contact(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """The quick contact form; with `meeting`, a school meeting logged afterwards."""
    actor = acting_membership(request)
    if request.method != "POST":
        # Shown only: the match's status and the parent's name (the same rule, one
        # statement compiled once per process).
        found = selectors_buddy.get_own_match_with_fit(actor, match_id)
        meeting = selectors_buddy.meeting_of(found, request.GET.get("meeting"))
        return _render_contact(
            request,
            found,
            forms_buddy.contact_form(found, meeting=meeting),
            meeting=meeting,
        )

    found = selectors_buddy.get_own_match_page(actor, match_id)
    meeting = selectors_buddy.meeting_of(found, request.POST.get("meeting"))
    form = forms_buddy.contact_form(found, request.POST, meeting=meeting)
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
def plan_meeting(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """Plan a meeting at school the buddy joins."""
    actor = acting_membership(request)
    if request.method == "POST":
        found = selectors_buddy.get_own_match_page(actor, match_id)
    else:
        found = selectors_buddy.get_own_match_glance(actor, match_id)
    form = forms_buddy.MeetingForm(request.POST if request.method == "POST" else None)
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
            "parent_first_name": selectors_buddy.first_name(found.request.full_name),
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
    form: forms_buddy.PreparationForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    match = meeting.match
    now = timezone.now()
    logged = selectors_buddy.meeting_logged(meeting)
    return render(
        request,
        "casework/buddy/meeting.html",
        {
            "meeting": meeting,
            "match": match,
            "parent_first_name": selectors_buddy.first_name(match.request.full_name),
            "form": form or forms_buddy.preparation_form(meeting),
            "running": match.status == MatchStatus.ACTIVE,
            "upcoming": meeting.starts_at >= now,
            "logged": logged,
            "error": error,
        },
        status=status,
    )


@role_required(BUDDY, methods=["GET", "POST"])
def meeting(request: SignedInRequest, meeting_id: UUID) -> HttpResponse:
    """One school meeting: its preparation checklist, and cancelling it."""
    actor = acting_membership(request)
    if request.method != "POST":
        return _render_meeting(
            request, selectors_buddy.get_own_meeting_page(actor, meeting_id)
        )
    found = selectors_buddy.get_own_meeting(actor, meeting_id)

    action = request.POST.get("action")
    if action == "preparation":
        form = forms_buddy.preparation_form(found, request.POST)
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
def signal(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """'Zorg melden': reaches the coordinator at once."""
    actor = acting_membership(request)
    if request.method == "POST":
        found = selectors_buddy.get_own_match_page(actor, match_id)
    else:
        found = selectors_buddy.get_own_match_glance(actor, match_id)
    form = forms_buddy.SignalForm(request.POST if request.method == "POST" else None)
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
            "parent_first_name": selectors_buddy.first_name(found.request.full_name),
            "form": form,
            "signals": selectors_buddy.own_signals(actor, found),
            "can_signal": found.status
            in (MatchStatus.ACTIVE, MatchStatus.INTRODUCTION_PLANNED),
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Agreements and the fit question ----------------------------------------------------


@role_required(BUDDY, methods=["POST"])
def acknowledge(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """'Ik heb de afspraken gelezen', for the version the buddy read."""
    actor = acting_membership(request)
    found = selectors_buddy.get_own_match_page(actor, match_id)
    version = _int_or_none(request.POST.get("version"))
    agreement = selectors_buddy.agreement_to_acknowledge(found, version)
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
def fit(request: SignedInRequest, match_id: UUID) -> HttpResponse:
    """The buddy's answer to 'Hoe klikt het?'."""
    actor = acting_membership(request)
    found = selectors_buddy.get_own_match_page(actor, match_id)
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
def calendar(request: SignedInRequest) -> HttpResponse:
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
    context["has_feed"] = selectors_buddy.has_calendar_feed(buddy)
    response = render(request, "casework/buddy/calendar.html", context, status=status)
    if "feed_url" in context:
        # The secret address is shown this once: keep it out of every cache.
        add_never_cache_headers(response)
    return response


def _site_host() -> str:
    return urlsplit(mail.absolute_url("/")).hostname or "ouderbuddy"


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The buddy's meetings, trainings and intervisie sessions (`hooks.feed_items`)
    as iCal, for a phone calendar to subscribe to.
    Public (the token is the key); no names of parent or child."""
    buddy = services.buddy_for_calendar(token)
    if buddy is None:
        raise Http404
    host = _site_host()
    since = timezone.now() - dt.timedelta(days=selectors_buddy.FEED_HISTORY_DAYS)
    events: list[Event] = []
    for m in selectors_buddy.feed_meetings(buddy, since):
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
    for enrolment in selectors_buddy.feed_enrolments(buddy, since):
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
    extra: list[hooks.FeedItem] = []
    hooks.feed_items(buddy, since, extra)
    events.extend(
        Event.new(
            uid=f"{item.uid}@{host}",
            summary=item.summary,
            start=item.start,
            end=item.end,
            location=item.location,
            url=item.url,
        )
        for item in extra
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
