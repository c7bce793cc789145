"""The read side of casework, scoped to the coordinator's organisation: the list of
running matches with their flags, the start-page rows and the match page sections;
and what the parent sees of the support on the status page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.casework.models import (
    PREPARATION,
    Agreement,
    CheckIn,
    Closure,
    Contact,
    ContactMode,
    Fit,
    FitAnswer,
    Frequency,
    MeetingKind,
    SafetySignal,
    SchoolMeeting,
    Side,
    SignalKind,
)
from ouderbuddy.casework.services import QUIET_DAYS
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.sections import choice_labels
from ouderbuddy.lib.prepared import Prepared
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.sections import last_closed_match
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.taxonomy import selectors as taxonomy

PANEL_ROWS = 10
LATEST_CONTACTS = 20

# The flags of the overview, by the value of its filter (Dutch, it is in the URL).
FLAGS = {
    "stil": "quiet",
    "check-in": "overdue",
    "zorg": "signal",
    "klik": "fit",
}

# What the list and the panels read of a match: no encrypted text, no score details.
_MATCH_FIELDS = (
    "id",
    "organisation_id",
    "status",
    "started_on",
    "request",
    "request__reference",
    "buddy",
    "buddy__full_name",
)


def _coordinator(actor: Membership) -> bool:
    return actor.role == Role.COORDINATOR


def quiet_cutoff(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=QUIET_DAYS)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated COUNT(*) of `queryset` (already filtered on the outer match)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("match").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def active_matches(actor: Membership) -> QuerySet[Match]:
    """Running matches of the organisation, each with its last contact, next check-in,
    overdue check-ins, open signals, a 'not good' fit answer and whether it is quiet
    (no contact for QUIET_DAYS days since the start or the last contact)."""
    if not _coordinator(actor):
        return Match.objects.none()
    today = timezone.localdate()
    return running_matches(actor.organisation_id, today, quiet_cutoff(today))


def running_matches(
    organisation_id: Any, today: dt.date, cutoff: dt.date
) -> QuerySet[Match]:
    """`active_matches` of an organisation on `today` (quiet: no contact after
    `cutoff`); for a read compiled once per process (`lib/prepared.py`)."""
    match = OuterRef("pk")
    contacts = Contact.objects.filter(match=match)
    open_check_ins = CheckIn.objects.filter(match=match, done_on__isnull=True)
    return (
        Match.objects.filter(organisation_id=organisation_id, status=MatchStatus.ACTIVE)
        .select_related("request", "buddy")
        .only(*_MATCH_FIELDS)
        .annotate(
            last_contact=Subquery(contacts.order_by("-on").values("on")[:1]),
            next_check_in=Subquery(
                open_check_ins.order_by("due_on").values("due_on")[:1]
            ),
            overdue_check_ins=_count(open_check_ins.filter(due_on__lt=today)),
            open_signals=_count(
                SafetySignal.objects.filter(match=match, closed_at__isnull=True)
            ),
            fit_not_good=Exists(
                FitAnswer.objects.filter(
                    match=match, answer=Fit.NOT_GOOD, followed_up_at__isnull=True
                )
            ),
            quiet=Case(
                When(
                    Q(started_on__lte=cutoff) & ~Exists(contacts.filter(on__gt=cutoff)),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


# Typed loosely: the flags are annotations, which the type checker cannot see.
def with_flag(matches: QuerySet[Any], flag: str) -> QuerySet[Any]:
    """`active_matches` narrowed to one flag (a key of FLAGS); unknown: unchanged."""
    name = FLAGS.get(flag)
    if name == "quiet":
        return matches.filter(quiet=True)
    if name == "overdue":
        return matches.filter(overdue_check_ins__gt=0)
    if name == "signal":
        return matches.filter(open_signals__gt=0)
    if name == "fit":
        return matches.filter(fit_not_good=True)
    return matches


_get = get_or_404


def get_signal_for(actor: Membership, signal_id: Any) -> SafetySignal:
    """A safety signal of the coordinator's organisation; 404 for anything else."""
    if not _coordinator(actor):
        raise Http404
    return _get(
        SafetySignal.objects.filter(
            organisation_id=actor.organisation_id
        ).select_related(
            "match__request", "match__buddy", "raised_by", "acknowledged_by"
        ),
        signal_id,
    )


def get_check_in_for(actor: Membership, check_in_id: Any) -> CheckIn:
    """A check-in of the coordinator's organisation; 404 for anything else."""
    if not _coordinator(actor):
        raise Http404
    return _get(
        CheckIn.objects.filter(organisation_id=actor.organisation_id).select_related(
            "match__request", "match__buddy"
        ),
        check_in_id,
    )


def get_fit_for(actor: Membership, fit_id: Any) -> FitAnswer:
    """A fit answer of the coordinator's organisation; 404 for anything else."""
    if not _coordinator(actor):
        raise Http404
    return _get(
        FitAnswer.objects.filter(organisation_id=actor.organisation_id).select_related(
            "match"
        ),
        fit_id,
    )


# --- Start-page rows ---------------------------------------------------------------------


def _match_url(match_id: Any, anchor: str = "") -> str:
    return reverse("matching:match", args=[match_id]) + anchor


def open_signals(actor: Membership) -> list[dict[str, Any]]:
    """Safety signals not yet dealt with: unseen ones first, then the newest."""
    if not _coordinator(actor):
        return []
    open_ = SafetySignal.objects.filter(
        organisation_id=actor.organisation_id, closed_at__isnull=True
    )
    signals = list(
        open_.select_related("match__request")
        .only(
            "id",
            "kind",
            "raised_at",
            "acknowledged_at",
            "match",
            "match__request",
            "match__request__reference",
        )
        .order_by(
            Case(
                When(acknowledged_at__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-raised_at",
        )[: PANEL_ROWS + 1]
    )
    rows = []
    for signal in signals[:PANEL_ROWS]:
        label = _("%(ref)s: %(kind)s (%(when)s)") % {
            "ref": signal.match.request.reference,
            "kind": signal.get_kind_display(),
            "when": date_format(timezone.localtime(signal.raised_at), "j F H:i"),
        }
        if signal.acknowledged_at is None:
            label += " · " + _("nog niet gezien")
        rows.append(
            {"url": reverse("casework:signal", args=[signal.pk]), "label": label}
        )
    if len(signals) > PANEL_ROWS:
        rows.append(
            {
                "url": reverse("casework:overview") + "?vlag=zorg",
                "label": _("Alle %(n)d open zorgsignalen") % {"n": open_.count()},
            }
        )
    return rows


def overdue_check_ins(actor: Membership) -> list[dict[str, Any]]:
    """Check-ins past their date and not done, the oldest first, one row per match."""
    if not _coordinator(actor):
        return []
    matches = list(
        with_flag(active_matches(actor), "check-in").order_by("next_check_in", "pk")[
            : PANEL_ROWS + 1
        ]
    )
    rows = [
        {
            "url": _match_url(m.pk, "#check-ins"),
            "label": ngettext(
                "%(ref)s met %(name)s: check-in van %(date)s is nog niet gedaan",
                "%(ref)s met %(name)s: %(n)d check-ins niet gedaan, de eerste op "
                "%(date)s",
                m.overdue_check_ins,
            )
            % {
                "ref": m.request.reference,
                "name": m.buddy.full_name,
                "n": m.overdue_check_ins,
                "date": date_format(m.next_check_in),
            },
        }
        for m in matches[:PANEL_ROWS]
    ]
    _more_matches(rows, matches, actor, "check-in")
    return rows


def quiet_matches(actor: Membership) -> list[dict[str, Any]]:
    """Running matches without a logged contact for QUIET_DAYS days, longest first."""
    if not _coordinator(actor):
        return []
    matches = list(
        with_flag(active_matches(actor), "stil").order_by(
            Coalesce("last_contact", "started_on"), "pk"
        )[: PANEL_ROWS + 1]
    )
    today = timezone.localdate()
    rows = []
    for m in matches[:PANEL_ROWS]:
        last = m.last_contact
        if last is None:
            days = (today - m.started_on).days if m.started_on else 0
            text = ngettext(
                "%(ref)s met %(name)s: geen contact sinds de start, %(days)d dag",
                "%(ref)s met %(name)s: geen contact sinds de start, %(days)d dagen",
                days,
            )
        else:
            days = (today - last).days
            text = ngettext(
                "%(ref)s met %(name)s: %(days)d dag geen contact",
                "%(ref)s met %(name)s: %(days)d dagen geen contact",
                days,
            )
        rows.append(
            {
                "url": _match_url(m.pk, "#contacten"),
                "label": text
                % {"ref": m.request.reference, "name": m.buddy.full_name, "days": days},
            }
        )
    _more_matches(rows, matches, actor, "stil")
    return rows


def _more_matches(
    rows: list[dict[str, Any]], matches: list[Match], actor: Membership, flag: str
) -> None:
    """A last row linking to the filtered overview when there are more than fit."""
    if len(matches) <= PANEL_ROWS:
        return
    total = with_flag(active_matches(actor), flag).count()
    rows.append(
        {
            "url": reverse("casework:overview") + f"?vlag={flag}",
            "label": _("Alle %(n)d koppelingen") % {"n": total},
        }
    )


def fit_alerts(actor: Membership) -> list[dict[str, Any]]:
    """'Not good' answers to the fit question of running matches, the newest first."""
    if not _coordinator(actor):
        return []
    answers = (
        FitAnswer.objects.filter(
            organisation_id=actor.organisation_id,
            answer=Fit.NOT_GOOD,
            followed_up_at__isnull=True,
            match__status=MatchStatus.ACTIVE,
        )
        .select_related("match__request", "match__buddy")
        .only(
            "id",
            "side",
            "answered_at",
            "match",
            "match__request",
            "match__request__reference",
            "match__buddy",
            "match__buddy__full_name",
        )
        .order_by("-answered_at")[:PANEL_ROWS]
    )
    return [
        {
            "url": _match_url(a.match_id, "#klik"),
            "label": _("%(ref)s met %(name)s: %(side)s zegt dat het niet goed klikt")
            % {
                "ref": a.match.request.reference,
                "name": a.match.buddy.full_name,
                "side": a.get_side_display().lower(),
            },
        }
        for a in answers
    ]


# --- The match page ---------------------------------------------------------------------

# What the match page shows of a contact and of a check-in (rows of `values`).
CONTACT_FIELDS = (
    "on",
    "mode",
    "minutes",
    "topics",
    "note",
    "logged_by",
    "logged_by__full_name",
)
CHECK_IN_FIELDS = (
    "id",
    "due_on",
    "done_on",
    "with_buddy",
    "with_parent",
    "note",
    "done_by",
    "done_by__full_name",
)

# What the match page shows of the school meetings, fit answers and signals.
MEETING_FIELDS = ("starts_at", "kind", "place", "cancelled", "preparation")
FIT_ANSWER_FIELDS = ("pk", "side", "answer", "answered_at", "followed_up_at")
SIGNAL_FIELDS = ("pk", "kind", "raised_at", "acknowledged_at", "closed_at")


# The match page's reads (of the match's key and its organisation, the scoping every
# casework read keeps), compiled once per process (lib.prepared).
AGREEMENT_FIELDS = (
    "version",
    "created_at",
    "goals",
    "frequency",
    "contact_modes",
    "expected_until",
    "buddy_acknowledged_at",
    "parent_acknowledged_at",
)
# The newest version, carrying the number of versions (a window over all of them,
# computed before the slice): only the newest one's goals are read and decrypted.
_AGREEMENT = Prepared(
    lambda organisation_id, match_id: (
        Agreement.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .annotate(versions=Window(Count("pk")))
        .order_by("-version")
        .values(*AGREEMENT_FIELDS, "versions")[:1]
    )
)
# The latest contacts, each carrying the match's totals (window functions over all
# its contacts, computed before the slice): one query for both.
_CONTACTS = Prepared(
    lambda organisation_id, match_id: (
        Contact.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .annotate(
            all_count=Window(Count("pk")),
            all_minutes=Window(Sum("minutes")),
        )
        .order_by("-on", "-created_at")
        .values(*CONTACT_FIELDS, "all_count", "all_minutes")[:LATEST_CONTACTS]
    )
)
_CHECK_INS = Prepared(
    lambda organisation_id, match_id: (
        CheckIn.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .order_by("due_on", "created_at")
        .values(*CHECK_IN_FIELDS)
    )
)
_MEETINGS = Prepared(
    lambda organisation_id, match_id: (
        SchoolMeeting.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .order_by("-starts_at")
        .values(*MEETING_FIELDS)
    )
)
_FIT_ANSWERS = Prepared(
    lambda organisation_id, match_id: (
        FitAnswer.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .order_by("side")
        .values(*FIT_ANSWER_FIELDS)
    )
)
_SIGNALS = Prepared(
    lambda organisation_id, match_id: (
        SafetySignal.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .order_by("-raised_at")
        .values(*SIGNAL_FIELDS)
    )
)


def match_context(match: Match) -> dict[str, Any]:
    """What the coordinator's match page shows of the support, in a fixed number of
    queries: the newest agreement (a row of `AGREEMENT_FIELDS` with its
    `get_frequency_display` and `mode_labels`), contacts (the latest, with totals) and
    check-ins (both as rows of `CONTACT_FIELDS` and `CHECK_IN_FIELDS`), school
    meetings, fit answers, signals and the closure. Before the start (introduction
    planned) the page shows only the agreement and the signals: the other sections
    are not read."""
    keys = (match.organisation_id, match.pk)
    shown = match.status != MatchStatus.INTRODUCTION_PLANNED
    found = _AGREEMENT.rows(*keys)
    agreement = found[0] if found else None
    if agreement is not None:
        frequencies = dict(Frequency.choices)
        agreement["get_frequency_display"] = frequencies.get(
            agreement["frequency"], agreement["frequency"]
        )
        agreement["mode_labels"] = [
            ContactMode(mode).label if mode in ContactMode.values else mode
            for mode in agreement["contact_modes"]
        ]
    contacts = _CONTACTS.rows(*keys) if shown else []
    totals = {
        "n": contacts[0]["all_count"] if contacts else 0,
        "minutes": (contacts[0]["all_minutes"] or 0) if contacts else 0,
    }
    codes = {code for contact in contacts for code in contact["topics"]}
    labels = taxonomy.labels(codes) if codes else {}
    for contact in contacts:
        contact["topic_labels"] = [labels.get(code, code) for code in contact["topics"]]
    today = timezone.localdate()
    check_ins = _CHECK_INS.rows(*keys) if shown else []
    for check_in in check_ins:
        check_in["overdue"] = check_in["done_on"] is None and check_in["due_on"] < today
    closure = (
        Closure.objects.filter(match=match).select_related("closed_by").first()
        if match.status == MatchStatus.CLOSED
        else None
    )
    meetings = _MEETINGS.rows(*keys) if shown else []
    kinds = dict(MeetingKind.choices)
    for meeting in meetings:
        meeting["kind_label"] = kinds.get(meeting["kind"], meeting["kind"])
        meeting["prepared"] = len(meeting["preparation"])
    sides, fits = dict(Side.choices), dict(Fit.choices)
    fit_answers = _FIT_ANSWERS.rows(*keys) if shown else []
    for answer in fit_answers:
        answer["side_label"] = sides.get(answer["side"], answer["side"])
        answer["answer_label"] = fits.get(answer["answer"], answer["answer"])
    signal_kinds = dict(SignalKind.choices)
    signals = _SIGNALS.rows(*keys)
    for signal in signals:
        signal["kind_label"] = signal_kinds.get(signal["kind"], signal["kind"])
    last_contact = contacts[0]["on"] if contacts else None
    reference = max(filter(None, [match.started_on, last_contact]), default=None)
    return {
        "agreement": agreement,
        "agreement_versions": agreement["versions"] if agreement else 0,
        "contacts": contacts,
        "contact_count": totals["n"],
        "contact_minutes": totals["minutes"],
        "last_contact": last_contact,
        "quiet": match.status == MatchStatus.ACTIVE
        and reference is not None
        and reference <= quiet_cutoff(today),
        "meetings": meetings,
        "check_ins": check_ins,
        "preparation_steps": len(PREPARATION),
        "fit_answers": fit_answers,
        "signals": signals,
        "closure": closure,
    }


# --- The parent's status page ----------------------------------------------------


# The status page's three reads of the match, compiled once per process (`prepared.py`):
# each scoped to the match's organisation and the match.
_PARENT_AGREEMENT = Prepared(
    lambda organisation_id, match_id: (
        Agreement.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .annotate(
            parent_fit=Subquery(
                FitAnswer.objects.filter(
                    organisation_id=organisation_id, match_id=match_id, side=Side.PARENT
                ).values("answer")[:1]
            )
        )
        .order_by("-version")
        # Only the columns the page shows (the agreement's other texts stay encrypted).
        .values(
            "version",
            "goals",
            "frequency",
            "contact_modes",
            "expected_until",
            "parent_acknowledged_at",
            "parent_fit",
        )[:1]
    )
)
_PARENT_FIT = Prepared(
    lambda organisation_id, match_id: FitAnswer.objects.filter(
        organisation_id=organisation_id, match_id=match_id, side=Side.PARENT
    ).values("answer")[:1]
)
# The contact log shows when, how, how long and about what. The buddy's note is left
# out on purpose: it is the buddy's own working note (written for the coordinator),
# not a text written for the parent. The latest ones, as on the coordinator's page,
# with how many there are in all (a window over the match's contacts, counted before
# the limit).
_PARENT_CONTACTS = Prepared(
    lambda organisation_id, match_id: (
        Contact.objects.filter(organisation_id=organisation_id, match_id=match_id)
        .annotate(total=Window(Count("id")))
        .order_by("-on", "-created_at")
        .values("on", "mode", "minutes", "topics", "total")[:LATEST_CONTACTS]
    )
)
_PARENT_MEETINGS = Prepared(
    lambda organisation_id, match_id, now: (
        SchoolMeeting.objects.filter(
            organisation_id=organisation_id,
            match_id=match_id,
            cancelled=False,
            starts_at__gte=now,
        )
        .order_by("starts_at")
        .values("starts_at", "kind", "place")
    )
)


def parent_support(
    help_request: HelpRequest, buddy_match: Match | None
) -> dict[str, Any] | None:
    """What the parent sees of the support in their match: the working agreements, the
    contact log, the school meetings ahead and the fit question. For the running match
    (the agreements already while the introduction is planned), or else for the match
    that closed last. The agreement, contacts and meetings come as dicts (the
    agreement with its frequency worded as `get_frequency_display`, a meeting with
    its kind as `get_kind_display`)."""
    if buddy_match is not None:
        if buddy_match.status not in (
            MatchStatus.INTRODUCTION_PLANNED,
            MatchStatus.ACTIVE,
        ):
            return None
        match = buddy_match
    else:
        closed = last_closed_match(help_request)
        if closed is None:
            return None
        match = closed
    active = match.status == MatchStatus.ACTIVE
    organisation_id, match_id = match.organisation_id, match.pk
    # The parent's answer to the fit question (one per side): read with the agreement
    # when there is one, else on its own.
    agreements = _PARENT_AGREEMENT.rows(organisation_id, match_id)
    agreement = agreements[0] if agreements else None
    if agreement is not None:
        agreement["get_frequency_display"] = dict(Frequency.choices).get(
            agreement["frequency"], agreement["frequency"]
        )
        fit_answer: str | None = agreement["parent_fit"]
    else:
        fits = _PARENT_FIT.rows(organisation_id, match_id)
        fit_answer = fits[0]["answer"] if fits else None
    contacts = _PARENT_CONTACTS.rows(organisation_id, match_id)
    contact_count = contacts[0]["total"] if contacts else 0
    codes = {code for contact in contacts for code in contact["topics"]}
    labels = taxonomy.labels(codes)
    modes = dict(ContactMode.choices)
    closed_on = (
        Closure.objects.filter(match=match).values_list("closed_on", flat=True).first()
        if match.status == MatchStatus.CLOSED
        else None
    )
    meetings = (
        _PARENT_MEETINGS.rows(organisation_id, match_id, timezone.now())
        if active
        else []
    )
    if meetings:
        kinds = dict(MeetingKind.choices)
        for meeting in meetings:
            meeting["get_kind_display"] = kinds.get(meeting["kind"], meeting["kind"])
    return {
        "match": match,
        "active": active,
        "closed": match.status == MatchStatus.CLOSED,
        "closed_on": closed_on,
        "agreement": agreement,
        "agreement_modes": choice_labels(agreement["contact_modes"], ContactMode)
        if agreement
        else "",
        "can_acknowledge": agreement is not None
        and agreement["parent_acknowledged_at"] is None
        and match.status != MatchStatus.CLOSED,
        "contacts": [
            {
                "on": contact["on"],
                "mode": modes.get(contact["mode"], contact["mode"]),
                "minutes": contact["minutes"],
                "topics": [labels.get(code, code) for code in contact["topics"]],
            }
            for contact in contacts
        ],
        "contact_count": contact_count,
        "meetings": meetings,
        "fit_pending": active and fit_answer is None,
        "fit_answer": fit_answer,  # the stored answer, or None
        "fit_answer_label": dict(Fit.choices).get(fit_answer, fit_answer)
        if fit_answer
        else "",
        "fit_choices": Fit.choices,
    }
