"""The read side of the buddy's pages in casework: the buddy's own matches and
meetings with what those pages show, the summary of each running match (match list
and start page), and what the match page, the calendar and the agenda feed read.

"A buddy's own match" is one rule, `matching.selectors.own_matches`; everything here
narrows it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.casework import services
from ouderbuddy.casework.models import (
    Agreement,
    CalendarFeed,
    Closure,
    Contact,
    FitAnswer,
    SafetySignal,
    SchoolMeeting,
    Side,
)
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.services import has_active_consent
from ouderbuddy.lib.prepared import M, Prepared, loaded
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.selectors import get_own_match, own_matches
from ouderbuddy.organisations.models import Membership
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode
from ouderbuddy.taxonomy.selectors import codes_in_use
from ouderbuddy.training.models import Enrolment, EnrolmentStatus

RECENT_CONTACTS = 5
# A school meeting in the past this many days without a contact is "to log".
LOG_MEETING_DAYS = 14
# The agenda feed shows meetings and trainings from this many days back.
FEED_HISTORY_DAYS = 90

_REQUEST_SECRETS = (
    "request__question",
    "request__intake_note",
    "request__information_given",
)


# --- Finding the buddy's own matches -------------------------------------------------


def own_match_pages(actor: Membership, buddy: Buddy | None = None) -> QuerySet[Match]:
    """The signed-in buddy's matches (`matching.selectors.own_matches`, the one rule),
    with what these pages show and without the request's encrypted texts."""
    return (
        own_matches(actor, buddy)
        .select_related("request", "buddy", "organisation")
        .defer(*_REQUEST_SECRETS)
    )


def get_own_match_page(actor: Membership, match_id: UUID) -> Match:
    """One match of the signed-in buddy; 404 when missing or someone else's."""
    return get_own_match(actor, match_id, own_match_pages(actor))


def get_own_match_glance(actor: Membership, match_id: UUID) -> Match:
    """`get_own_match_page` (the same rule) for a page that only shows the match's
    status and the parent's name, and posts nowhere with it: only those are read."""
    return get_own_match(
        actor,
        match_id,
        own_matches(actor)
        .select_related("request")
        .only("status", "request", "request__full_name"),
    )


# What the buddy's match page reads of its match (the same rule, `own_matches`): the
# status, and of the request what the page shows of the parent and the audit line.
_MATCH_PAGE_SHOWN = (
    "status",
    "organisation",
    "request",
    "buddy",
    "request__organisation",
    "request__reference",
    "request__full_name",
    "request__email",
    "request__phone",
    "request__preferred_contact",
)


def _own_match_page(organisation_id: Any, user_id: Any, match_id: Any) -> Any:
    # `own_matches`' rule (the matches of the actor's buddy record here, the first
    # by name as `.first()` finds it there), with that record's key asked inside the
    # match's query instead of in one of its own.
    own_buddy = (
        Buddy.objects.filter(organisation_id=organisation_id, user_id=user_id)
        .order_by("full_name")
        .values("pk")[:1]
    )
    return (
        Match.objects.filter(
            organisation_id=organisation_id,
            buddy_id=Subquery(own_buddy),
            pk=match_id,
            request__restricted_at__isnull=True,
        )
        .annotate(
            buddy_fit_answered=Exists(
                FitAnswer.objects.filter(
                    organisation_id=organisation_id,
                    match=OuterRef("pk"),
                    side=Side.BUDDY,
                )
            )
        )
        .values("pk", *_MATCH_PAGE_SHOWN, "buddy_fit_answered")
    )


# Compiled once per process (lib.prepared); the rule stays in `_own_match_page`.
_OWN_MATCH_PAGE = Prepared(_own_match_page)
_MATCH_OWN = tuple(f for f in _MATCH_PAGE_SHOWN if not f.startswith("request__"))
_REQUEST_OWN = tuple(
    f.removeprefix("request__") for f in _MATCH_PAGE_SHOWN if f.startswith("request__")
)


def get_own_match_with_fit(actor: Membership, match_id: UUID) -> Match:
    """`get_own_match_page` (the same rule) for the match page, which shows the match
    and posts nowhere with it: only what it shows is read (a model with those fields
    loaded), with whether the buddy answered the fit question (`buddy_fit_answered`,
    what `fit_due` asks)."""
    try:
        found = _OWN_MATCH_PAGE.rows(actor.organisation_id, actor.user_id, match_id)
    except (ValueError, ValidationError) as exc:  # no key at all
        raise Http404 from exc
    if not found:
        raise Http404
    row = found[0]
    match = loaded(Match, row, {f: f for f in _MATCH_OWN})
    match.request = loaded(
        HelpRequest, row, {f: f"request__{f}" for f in _REQUEST_OWN}, pk="request"
    )
    match.buddy_fit_answered = row["buddy_fit_answered"]  # type: ignore[attr-defined]
    return match


def get_own_meeting(actor: Membership, meeting_id: UUID) -> SchoolMeeting:
    """A school meeting of one of the buddy's own matches; 404 otherwise."""
    meeting = (
        SchoolMeeting.objects.filter(
            pk=meeting_id, match__in=own_match_pages(actor).values("pk")
        )
        .select_related("match__request", "match__buddy", "match__organisation")
        .defer(*(f"match__{name}" for name in _REQUEST_SECRETS))
        # What `meeting_logged` asks, in the same query.
        .annotate(contact_logged=Exists(Contact.objects.filter(meeting=OuterRef("pk"))))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_own_meeting_page(actor: Membership, meeting_id: UUID) -> SchoolMeeting:
    """`get_own_meeting` (the same rule) for showing the meeting only: its own columns,
    and of its match the status and the parent's name (nothing a service needs)."""
    meeting = (
        SchoolMeeting.objects.filter(
            pk=meeting_id, match__in=own_match_pages(actor).values("pk")
        )
        .select_related("match__request")
        .only(
            "match",
            "starts_at",
            "place",
            "kind",
            "preparation",
            "cancelled",
            "match__status",
            "match__request",
            "match__request__full_name",
        )
        .annotate(contact_logged=Exists(Contact.objects.filter(meeting=OuterRef("pk"))))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def meeting_of(match: Match, raw: Any) -> SchoolMeeting | None:
    """The meeting named in the request, of this match; 404 when it is not."""
    if not raw:
        return None
    try:
        return match.meetings.get(pk=UUID(str(raw)))
    except (ValueError, SchoolMeeting.DoesNotExist) as exc:
        raise Http404 from exc


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
        own_matches(actor, buddy)
        .filter(status=MatchStatus.ACTIVE)
        .select_related("request")
        .defer(*_REQUEST_SECRETS)
        .order_by("started_on", "created_at")
    )
    return [summarise(m) for m in with_summary(matches)]


# --- What the match page and its forms read ----------------------------------------------


def topic_codes(match: Match) -> list[ExperienceCode]:
    """The request's own codes (only when the parent agreed to share them with a buddy),
    then the common issue codes."""
    codes: list[ExperienceCode] = []
    if has_active_consent(match.request, ConsentPurpose.SHARE_WITH_BUDDY):
        codes.extend(
            match.request.codes.filter(
                is_active=True, group__in=services.TOPIC_GROUPS
            ).order_by("group", "order")
        )
    seen = {code.code for code in codes}
    codes.extend(c for c in codes_in_use(CodeGroup.ISSUE) if c.code not in seen)
    return codes


# What the buddy's pages read of a contact: the list's day, kind and minutes, which
# the contact form copies too (not the note: nothing shows it there).
_CONTACT_SHOWN = ("match", "on", "mode", "minutes", "created_at")


def last_contact(match: Match) -> Contact | None:
    return match.contacts.only(*_CONTACT_SHOWN).order_by("-on", "-created_at").first()


# The match page's reads of the match's key and its organisation (the scoping every
# casework read keeps), compiled once per process (lib.prepared); each gives models
# with only the fields the page shows loaded.
_RECENT_CONTACTS = Prepared(
    lambda organisation_id, match_id: (
        Contact.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .order_by("-on", "-created_at")
        .values("pk", *_CONTACT_SHOWN)[:RECENT_CONTACTS]
    )
)
_MEETING_SHOWN = (
    "organisation",
    "match",
    "starts_at",
    "place",
    "kind",
    "preparation",
    "cancelled",
)
_MEETINGS_AROUND = Prepared(
    lambda organisation_id, match_id, since: (
        SchoolMeeting.objects.filter(
            organisation_id=organisation_id,
            match_id=match_id,
            cancelled=False,
            starts_at__gte=since,
        )
        .annotate(
            logged=Exists(
                Contact.objects.filter(
                    organisation_id=organisation_id, meeting=OuterRef("pk")
                )
            )
        )
        .order_by("starts_at")
        .values("pk", *_MEETING_SHOWN, "logged")
    )
)
# Of the newest agreement what the buddy's page shows (its other texts stay encrypted).
_AGREEMENT_SHOWN = (
    "organisation",
    "match",
    "version",
    "goals",
    "frequency",
    "contact_modes",
    "expected_until",
    "buddy_acknowledged_at",
)
_PAGE_AGREEMENT = Prepared(
    lambda organisation_id, match_id: (
        Agreement.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .order_by("-version")
        .values("pk", *_AGREEMENT_SHOWN)[:1]
    )
)


def _models(
    model: type[M], names: tuple[str, ...], rows: list[dict[str, Any]]
) -> list[M]:
    return [loaded(model, row, {f: f for f in names}) for row in rows]


def recent_contacts(match: Match) -> list[Contact]:
    """The latest contacts, newest first (of each its day, kind and minutes)."""
    rows = _RECENT_CONTACTS.rows(match.organisation_id, match.pk)
    return _models(Contact, _CONTACT_SHOWN, rows)


def page_agreement(match: Match) -> Agreement | None:
    """`services.current_agreement` with only what the buddy's match page shows."""
    rows = _PAGE_AGREEMENT.rows(match.organisation_id, match.pk)
    found = _models(Agreement, _AGREEMENT_SHOWN, rows)
    return found[0] if found else None


def closure_of(match: Match) -> Closure | None:
    return Closure.objects.filter(match=match).first()


def meetings_around(match: Match) -> tuple[list[SchoolMeeting], list[SchoolMeeting]]:
    """The school meetings ahead, and the past ones of the last `LOG_MEETING_DAYS` days
    without a contact (to log), in one query; cancelled ones are neither."""
    now = timezone.now()
    rows = _MEETINGS_AROUND.rows(
        match.organisation_id, match.pk, now - dt.timedelta(days=LOG_MEETING_DAYS)
    )
    upcoming: list[SchoolMeeting] = []
    to_log: list[SchoolMeeting] = []
    for row, meeting in zip(
        rows, _models(SchoolMeeting, _MEETING_SHOWN, rows), strict=True
    ):
        meeting.logged = row["logged"]  # type: ignore[attr-defined]
        if meeting.starts_at >= now:
            upcoming.append(meeting)
        elif not meeting.logged:  # type: ignore[attr-defined]
            to_log.append(meeting)
    return upcoming, to_log


def fit_due(match: Match) -> bool:
    """The buddy has not answered "hoe klikt het?" yet (read with the match when it
    came from `get_own_match_with_fit`)."""
    answered = getattr(match, "buddy_fit_answered", None)
    if answered is not None:
        return not answered
    return not match.fit_answers.filter(side=Side.BUDDY).exists()


def meeting_logged(meeting: SchoolMeeting) -> bool:
    """A contact was logged for the meeting (read with it by `get_own_meeting`)."""
    logged = getattr(meeting, "contact_logged", None)
    if logged is not None:
        return bool(logged)
    return Contact.objects.filter(meeting=meeting).exists()


def own_signals(actor: Membership, match: Match) -> list[SafetySignal]:
    """The last five signals this person raised about the match."""
    return list(
        SafetySignal.objects.filter(match=match, raised_by=actor.user).order_by(
            "-raised_at"
        )[:5]
    )


def agreement_to_acknowledge(match: Match, version: int | None) -> Agreement | None:
    """The agreement version the buddy read, or the current one without a version."""
    if version is None:
        return services.current_agreement(match)
    return match.agreements.filter(version=version).first()


def has_calendar_feed(buddy: Buddy) -> bool:
    return CalendarFeed.objects.filter(buddy=buddy, revoked_at__isnull=True).exists()


def feed_meetings(buddy: Buddy, since: dt.datetime) -> QuerySet[SchoolMeeting]:
    """The buddy's school meetings in active matches for the agenda feed."""
    return SchoolMeeting.objects.filter(
        organisation_id=buddy.organisation_id,
        match__buddy=buddy,
        match__status=MatchStatus.ACTIVE,
        match__request__restricted_at__isnull=True,
        cancelled=False,
        starts_at__gte=since,
    ).order_by("starts_at")


def feed_enrolments(buddy: Buddy, since: dt.datetime) -> QuerySet[Enrolment]:
    """The buddy's enrolled, not cancelled training sessions for the agenda feed."""
    return (
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
