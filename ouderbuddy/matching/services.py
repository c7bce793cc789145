"""Matching: weights, shortlists, batch proposals, and every step of a match.

Each step is a service that checks who may do it and from which status, moves the
match through its one owner (`states.move_match`: the table, the `MatchEvent`, the
audit event) and the request through its own (`intake.states.move_request`), and
tells the people involved by e-mail after the commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.intake.services import status_url
from ouderbuddy.intake.states import move_request
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import engine, hooks, loading, scoring
from ouderbuddy.matching.models import (
    PENDING,
    BatchDraft,
    BatchLine,
    BatchLineState,
    BatchObjective,
    Conflict,
    DeclineReason,
    IntroductionMode,
    Match,
    MatchingWeights,
    MatchStatus,
)
from ouderbuddy.matching.scoring import (
    next_candidate_name,
    waiting,
    weights_of,
)
from ouderbuddy.matching.states import move_match, start_match
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.privacy.services import record_event

# A buddy answers a proposal within this many days; then the coordinator is told.
RESPOND_WITHIN_DAYS = 3
REASON_MAX = 300


# --- Weights ---------------------------------------------------------------------------

WEIGHT_MESSAGES = {
    "all_zero": gettext_lazy(
        "Zet minstens één gewicht hoger dan 0, anders telt niets mee."
    ),
    "negative": gettext_lazy("Een gewicht kan niet lager zijn dan 0."),
    "too_large": gettext_lazy("Dit getal is te groot."),
    "not_a_number": gettext_lazy("Vul een getal in."),
    "not_finite": gettext_lazy("Vul een getal in."),
}


def engine_weights(values: dict[str, Any]) -> engine.Weights:
    """`values` as engine weights; a Dutch DomainError when they cannot be used."""
    try:
        return engine.Weights(**values)
    except engine.WeightsError as exc:
        raise DomainError(
            str(WEIGHT_MESSAGES.get(exc.code, _("Deze gewichten kunnen niet."))),
            field=exc.field,
        ) from exc


_coordinator = scoring.require_coordinator


@transaction.atomic
def save_weights(*, actor: Membership, values: dict[str, Any]) -> MatchingWeights:
    _coordinator(actor, actor.organisation_id)
    weights = (
        MatchingWeights.objects.select_for_update()
        .filter(organisation_id=actor.organisation_id)
        .first()
    ) or MatchingWeights(organisation_id=actor.organisation_id)
    unknown = set(values) - {*engine.WEIGHT_FIELDS, "waiting_cap_weeks"}
    if unknown:
        raise DomainError(
            _("Onbekend gewicht: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    # Check the weights as they will be saved, not `values` on top of the defaults:
    # setting the last non-zero weight to 0 must be refused too.
    saved = {
        name: getattr(weights, name)
        for name in (*engine.WEIGHT_FIELDS, "waiting_cap_weeks")
    }
    engine_weights({**saved, **values})
    for name, value in values.items():
        setattr(weights, name, float(value))
    weights.changed_by = actor.user
    weights.full_clean()
    weights.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="matching.weights",
        target=weights,
        data={name: float(value) for name, value in values.items()},
    )
    return weights


# --- Conflicts of interest ---------------------------------------------------------------


@transaction.atomic
def record_conflict(
    *, actor: Membership, request: HelpRequest, buddy: Buddy, note: str
) -> Conflict:
    _coordinator(actor, request.organisation_id)
    if buddy.organisation_id != request.organisation_id:
        raise DomainError(_("Deze buddy hoort niet bij uw organisatie."))
    if not note.strip():
        raise DomainError(_("Schrijf kort waarom."), field="note")
    conflict, _created = Conflict.objects.get_or_create(
        organisation_id=request.organisation_id,
        request=request,
        buddy=buddy,
        defaults={"note": note.strip()[:200], "recorded_by": actor.user},
    )
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="matching.conflict",
        target=request,
        data={"buddy": str(buddy.pk)},
    )
    return conflict


# --- The steps of a match ----------------------------------------------------------------


def _locked_match(match: Match) -> Match:
    return (
        Match.objects.select_for_update()
        .select_related("request", "buddy", "organisation")
        .get(pk=match.pk)
    )


def _locked_request(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def propose(
    *,
    actor: Membership,
    request: HelpRequest,
    buddy: Buddy,
    reason: str = "",
    from_batch: bool = False,
) -> Match:
    """Propose `buddy` for `request`. Checks every hard filter and the buddy's free
    places while holding a lock on the buddy, so two coordinators can never both give
    away the last place."""
    _coordinator(actor, request.organisation_id)
    if buddy.organisation_id != request.organisation_id:
        raise DomainError(_("Deze buddy hoort niet bij uw organisatie."))
    if len(reason) > REASON_MAX:
        raise DomainError(
            _("Schrijf de reden in hoogstens 300 tekens."), field="reason"
        )
    request = _locked_request(request)
    if request.restricted_at is not None:
        raise DomainError(
            _(
                "De verwerking van deze hulpvraag is beperkt op verzoek van de ouder. "
                "Hef de beperking eerst op."
            )
        )
    if request.status != RequestStatus.WAITING:
        raise DomainError(
            _(
                "Deze hulpvraag staat nu niet op de wachtlijst, maar heeft de status "
                "'%(status)s'."
            )
            % {"status": request.get_status_display()}
        )
    # The buddy row is the lock for the buddy's places.
    Buddy.objects.select_for_update().get(pk=buddy.pk)
    option = scoring.pair(request, buddy)
    if option.excluded:
        raise DomainError(
            _("%(name)s kan niet: %(rules)s.")
            % {"name": buddy.full_name, "rules": "; ".join(option.rules).lower()}
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            match = Match.objects.create(
                organisation_id=request.organisation_id,
                request=request,
                buddy=buddy,
                proposed_by=actor.user,
                reason=reason.strip(),
                score=option.total,
                explanation=option.snapshot,
                from_batch=from_batch,
                respond_by=now + dt.timedelta(days=RESPOND_WITHIN_DAYS),
            )
    except IntegrityError as exc:
        raise DomainError(_("Voor deze hulpvraag loopt al een voorstel.")) from exc
    start_match(
        match,
        description=(
            _("Voorgesteld aan %(name)s: %(reason)s")
            % {"name": buddy.full_name, "reason": reason.strip()}
            if reason.strip()
            else _("Voorgesteld aan %(name)s.") % {"name": buddy.full_name}
        ),
        actor=actor,
    )
    move_request(
        request,
        to_status=RequestStatus.MATCHING,
        description=_("Buddy voorgesteld; wacht op antwoord van de buddy."),
        actor=actor,
    )
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="match.propose",
        target=match,
        data={"request": str(request.pk), "buddy": str(buddy.pk), "batch": from_batch},
    )
    _mail_buddy(
        match,
        gettext_lazy("Een ouder zoekt een buddy: wilt u helpen?"),
        "matching/email/proposed.txt",
    )
    return match


def _own_match(actor: Membership, match: Match) -> None:
    if (
        actor.role != Role.BUDDY
        or match.organisation_id != actor.organisation_id
        or match.buddy.user_id != actor.user_id
    ):
        raise DomainError(_("Dit voorstel is niet voor u."))


@transaction.atomic
def accept(*, actor: Membership, match: Match) -> Match:
    """The buddy says yes; the parent is told who their buddy will be."""
    match = _locked_match(match)
    _own_match(actor, match)
    if match.status != MatchStatus.PROPOSED:
        raise DomainError(
            _("U heeft al geantwoord, of dit voorstel loopt niet meer ('%(status)s').")
            % {"status": match.get_status_display()}
        )
    if match.buddy.status != BuddyStatus.ACTIVE:
        raise DomainError(
            _(
                "U heeft nu een pauze of bent niet actief. Neem contact op met de "
                "coördinator."
            )
        )
    move_match(
        match,
        to_status=MatchStatus.ACCEPTED,
        description=_("De buddy zegt ja."),
        actor=actor,
    )
    _mail_parent(
        match,
        gettext_lazy("Wij hebben een buddy voor u"),
        "matching/email/parent_buddy_found.txt",
    )
    _mail_coordinators(match, gettext_lazy("Buddy zegt ja: %(ref)s"))
    return match


@transaction.atomic
def decline(*, actor: Membership, match: Match, reason: str, note: str = "") -> Match:
    """The buddy says no, with a reason; the request goes back to the waiting list."""
    match = _locked_match(match)
    _own_match(actor, match)
    if reason not in DeclineReason.values:
        raise DomainError(_("Kies een reden."), field="reason")
    if len(note) > REASON_MAX:
        raise DomainError(_("Schrijf hoogstens 300 tekens."), field="note")
    if match.status != MatchStatus.PROPOSED:
        raise DomainError(
            _("U heeft al geantwoord, of dit voorstel loopt niet meer ('%(status)s').")
            % {"status": match.get_status_display()}
        )
    match.decline_reason = reason
    match.decline_note = note.strip()
    move_match(
        match,
        to_status=MatchStatus.DECLINED,
        description=_("De buddy zegt nee: %(decline_reason)s")
        % {"decline_reason": DeclineReason(reason).label},
        actor=actor,
        fields=("decline_reason", "decline_note"),
    )
    _back_to_waiting(match)
    _mail_coordinators(
        match, gettext_lazy("Buddy zegt nee: %(ref)s"), suggest_next=True
    )
    return match


def _back_to_waiting(match: Match) -> None:
    """The request waits again. The parent reads this line on the status page, so it
    says nothing about why (a buddy's pause or reason is not the parent's business)."""
    request = _locked_request(match.request)
    if request.status == RequestStatus.MATCHING:
        move_request(
            request,
            to_status=RequestStatus.WAITING,
            description=_(
                "Het voorstel gaat niet door; u staat weer op de wachtlijst."
            ),
        )


# Once the buddy said yes, the parent knows who it is: a stop is news for them.
PARENT_KNOWS = (
    MatchStatus.ACCEPTED,
    MatchStatus.AGREED,
    MatchStatus.INTRODUCTION_PLANNED,
)


def _tell_parent_of_stop(match: Match, previous: str) -> None:
    if previous in PARENT_KNOWS:
        _mail_parent(
            match,
            gettext_lazy("Uw buddy kan toch niet; wij zoeken verder"),
            "matching/email/parent_cancelled.txt",
        )


def expire_proposals(now: dt.datetime | None = None) -> int:
    """Proposals the buddy did not answer in time: the coordinator is told and the
    next candidate is suggested. Returns how many expired."""
    now = now or timezone.now()
    count = 0
    for pk in Match.objects.filter(
        status=MatchStatus.PROPOSED, respond_by__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            match = _locked_match(Match(pk=pk))
            if match.status != MatchStatus.PROPOSED or match.respond_by >= now:
                continue
            move_match(
                match,
                to_status=MatchStatus.EXPIRED,
                description=_("Geen antwoord van de buddy binnen %(days)s dagen.")
                % {"days": RESPOND_WITHIN_DAYS},
            )
            _back_to_waiting(match)
            _mail_coordinators(
                match,
                gettext_lazy("Geen antwoord van de buddy: %(ref)s"),
                suggest_next=True,
            )
            count += 1
    return count


@transaction.atomic
def parent_agrees(*, request: HelpRequest, match: Match) -> Match:
    """The parent (through the status link) agrees with the proposed buddy."""
    match = _locked_match(match)
    if match.request_id != request.pk:
        raise DomainError(_("Dit voorstel hoort niet bij uw hulpvraag."))
    if match.status != MatchStatus.ACCEPTED:
        raise DomainError(_("Dit voorstel wacht niet meer op uw antwoord."))
    move_match(
        match,
        to_status=MatchStatus.AGREED,
        description=_("De ouder is akkoord met de buddy."),
        by_parent=True,
    )
    _mail_coordinators(
        match, gettext_lazy("Ouder akkoord, plan de kennismaking: %(ref)s")
    )
    _mail_buddy(
        match,
        gettext_lazy("De ouder is akkoord"),
        "matching/email/buddy_parent_agreed.txt",
    )
    return match


@transaction.atomic
def parent_declines(*, request: HelpRequest, match: Match, note: str = "") -> Match:
    """The parent would rather have another buddy; back on the waiting list."""
    match = _locked_match(match)
    if match.request_id != request.pk:
        raise DomainError(_("Dit voorstel hoort niet bij uw hulpvraag."))
    if match.status != MatchStatus.ACCEPTED:
        raise DomainError(_("Dit voorstel wacht niet meer op uw antwoord."))
    if len(note) > REASON_MAX:
        raise DomainError(_("Schrijf hoogstens 300 tekens."), field="note")
    match.decline_note = note.strip()
    move_match(
        match,
        to_status=MatchStatus.PARENT_DECLINED,
        description=_("De ouder wil liever een andere buddy."),
        by_parent=True,
        fields=("decline_note",),
    )
    _back_to_waiting(match)
    _mail_coordinators(
        match, gettext_lazy("Ouder wil een andere buddy: %(ref)s"), suggest_next=True
    )
    _mail_buddy(
        match,
        gettext_lazy("Het voorstel gaat niet door"),
        "matching/email/buddy_cancelled.txt",
    )
    return match


def _coordinator_of(actor: Membership, match: Match) -> None:
    _coordinator(actor, match.organisation_id)


@transaction.atomic
def plan_introduction(
    *,
    actor: Membership,
    match: Match,
    at: dt.datetime,
    mode: str,
    place: str = "",
    coordinator_present: bool = False,
) -> Match:
    """Plan (or move) the introduction meeting of parent and buddy."""
    match = _locked_match(match)
    _coordinator_of(actor, match)
    if match.status not in (MatchStatus.AGREED, MatchStatus.INTRODUCTION_PLANNED):
        raise DomainError(
            _("Eerst moeten buddy en ouder allebei ja zeggen (nu: '%(status)s').")
            % {"status": match.get_status_display()}
        )
    if mode not in IntroductionMode.values:
        raise DomainError(_("Kies hoe de kennismaking gaat."), field="mode")
    if at <= timezone.now():
        raise DomainError(_("Kies een moment in de toekomst."), field="at")
    if at > timezone.now() + dt.timedelta(days=120):
        raise DomainError(_("Kies een moment binnen vier maanden."), field="at")
    if mode == IntroductionMode.IN_PERSON and not place.strip():
        raise DomainError(_("Vul in waar u afspreekt."), field="place")
    if len(place) > 200:
        raise DomainError(_("Schrijf hoogstens 200 tekens."), field="place")
    match.introduction_at = at
    match.introduction_mode = mode
    match.introduction_place = place.strip()
    match.coordinator_present = coordinator_present
    move_match(
        match,
        to_status=MatchStatus.INTRODUCTION_PLANNED,
        description=_("Kennismaking gepland op %(at)s.")
        % {"at": timezone.localtime(at).strftime("%d-%m-%Y %H:%M")},
        actor=actor,
        fields=(
            "introduction_at",
            "introduction_mode",
            "introduction_place",
            "coordinator_present",
        ),
    )
    _mail_parent(
        match,
        gettext_lazy("Kennismaking met uw buddy"),
        "matching/email/introduction.txt",
    )
    _mail_buddy(
        match,
        gettext_lazy("Kennismaking met de ouder"),
        "matching/email/introduction.txt",
    )
    return match


def introduction_date(match: Match) -> dt.date | None:
    """The local day of the planned introduction (None when none is planned)."""
    if match.introduction_at is None:
        return None
    return timezone.localdate(match.introduction_at)


def can_activate(match: Match) -> bool:
    """The introduction is planned and its day has come: the match may start."""
    day = introduction_date(match)
    return (
        match.status == MatchStatus.INTRODUCTION_PLANNED
        and day is not None
        and day <= timezone.localdate()
    )


@transaction.atomic
def activate(*, actor: Membership, match: Match, started_on: dt.date) -> Match:
    """After the introduction: the match is running."""
    match = _locked_match(match)
    _coordinator_of(actor, match)
    if match.status != MatchStatus.INTRODUCTION_PLANNED:
        raise DomainError(_("Plan eerst de kennismaking."))
    today = timezone.localdate()
    introduction_day = introduction_date(match)
    if introduction_day is None or introduction_day > today:
        raise DomainError(
            _(
                "De kennismaking is nog niet geweest. U kunt de koppeling starten "
                "vanaf de dag van de kennismaking (%(day)s)."
            )
            % {
                "day": date_format(introduction_day, "j F Y")
                if introduction_day
                else "–"
            }
        )
    if started_on < introduction_day:
        raise DomainError(
            _("De startdatum kan niet voor de kennismaking liggen."),
            field="started_on",
        )
    if started_on > today:
        raise DomainError(
            _("De startdatum kan niet in de toekomst liggen."), field="started_on"
        )
    if started_on < timezone.localdate(match.created_at):
        raise DomainError(
            _("De startdatum kan niet voor het voorstel liggen."), field="started_on"
        )
    if match.buddy.status != BuddyStatus.ACTIVE:
        raise DomainError(_("De buddy is nu niet actief (pauze of gestopt)."))
    match.started_on = started_on
    move_match(
        match,
        to_status=MatchStatus.ACTIVE,
        description=_("Kennismaking gehouden; de koppeling loopt."),
        actor=actor,
        fields=("started_on",),
    )
    request = _locked_request(match.request)
    move_request(
        request,
        to_status=RequestStatus.MATCHED,
        description=_("Gekoppeld aan een buddy."),
        actor=actor,
    )
    hooks.match_started(match)
    _mail_parent(
        match, gettext_lazy("Uw buddy is gestart"), "matching/email/active.txt"
    )
    _mail_buddy(
        match, gettext_lazy("De koppeling is gestart"), "matching/email/active.txt"
    )
    return match


@transaction.atomic
def cancel(*, actor: Membership, match: Match, reason: str) -> Match:
    """The coordinator stops a proposal before it is active."""
    match = _locked_match(match)
    _coordinator_of(actor, match)
    if match.status not in PENDING:
        raise DomainError(_("Alleen een voorstel dat nog niet loopt kan stoppen."))
    if not reason.strip():
        raise DomainError(_("Schrijf kort waarom."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Schrijf hoogstens 300 tekens."), field="reason")
    previous = match.status
    move_match(
        match,
        to_status=MatchStatus.CANCELLED,
        description=_("Gestopt door de coördinator: %(reason)s")
        % {"reason": reason.strip()},
        actor=actor,
    )
    _back_to_waiting(match)
    _tell_parent_of_stop(match, previous)
    _mail_buddy(
        match,
        gettext_lazy("Het voorstel gaat niet door"),
        "matching/email/buddy_cancelled.txt",
    )
    return match


def cancel_for_request(request: HelpRequest, description: str) -> None:
    """The request was withdrawn: stop its pending proposal and tell the buddy.
    Called by intake inside its own transaction."""
    for match in Match.objects.select_for_update().filter(
        request=request, status__in=PENDING
    ):
        move_match(match, to_status=MatchStatus.CANCELLED, description=description)
        _mail_buddy(
            match,
            gettext_lazy("Het voorstel gaat niet door"),
            "matching/email/buddy_cancelled.txt",
        )


def cancel_for_buddy(
    buddy: Buddy, description: str, *, all_pending: bool = False
) -> None:
    """The buddy paused (unanswered proposals) or stopped (all proposals not yet
    active): they go back to the coordinator. Called inside buddies' transaction."""
    statuses = PENDING if all_pending else (MatchStatus.PROPOSED,)
    for match in (
        Match.objects.select_for_update()
        .filter(buddy=buddy, status__in=statuses)
        .select_related("request", "buddy", "organisation")
    ):
        previous = match.status
        move_match(match, to_status=MatchStatus.CANCELLED, description=description)
        _back_to_waiting(match)
        _tell_parent_of_stop(match, previous)
        _mail_coordinators(
            match,
            gettext_lazy("Voorstel gestopt door pauze of stop van de buddy: %(ref)s"),
            suggest_next=True,
        )


# --- Batch proposal ------------------------------------------------------------------------


# The columns of a draft's line that vary per line; the rest are the draft's.
_LINE_VARYING = (
    "id",
    "created_at",
    "updated_at",
    "request",
    "buddy",
    "score",
    "explanation",
)


def _write_lines(
    draft: BatchDraft, lines: list[tuple[uuid.UUID, uuid.UUID, int, dict[str, Any]]]
) -> None:
    """Insert the draft's lines (request, buddy, score, explanation) in one
    `executemany`. `bulk_create` spent most of create_batch's writing time preparing
    each value of each object through the generic compiler; here each column is
    prepared by its own field once per line (the draft's columns once), so the rows
    hold exactly what `bulk_create` would write. Like `bulk_create` it sends no
    signal: the organisation's cached results are renewed explicitly."""
    if not lines:
        return
    connection = connections[router.db_for_write(BatchLine)]
    fields = list(BatchLine._meta.concrete_fields)
    fixed = BatchLine(
        organisation_id=draft.organisation_id,
        draft_id=draft.pk,
        state=BatchLineState.DRAFT,
    )
    constant = {
        f.attname: f.get_db_prep_save(getattr(fixed, f.attname), connection)
        for f in fields
        if f.name not in _LINE_VARYING
    }
    prep = {f.name: f for f in fields}
    rows = []
    for request_id, buddy_id, score, explanation in lines:
        now = timezone.now()
        at = prep["created_at"].get_db_prep_save(now, connection)
        values = {
            "id": prep["id"].get_db_prep_save(uuid.uuid4(), connection),
            "created_at": at,
            "updated_at": at,
            "request_id": prep["request"].get_db_prep_save(request_id, connection),
            "buddy_id": prep["buddy"].get_db_prep_save(buddy_id, connection),
            "score": int(score),
            "explanation": prep["explanation"].get_db_prep_save(
                explanation, connection
            ),
            **constant,
        }
        rows.append([values[f.attname] for f in fields])
    quote = connection.ops.quote_name
    # Only the model's own table and column names go into the text; every value is
    # a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(BatchLine._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    org_cache.changed(draft.organisation_id)


@transaction.atomic
def create_batch(*, actor: Membership, objective: str) -> BatchDraft:
    """An optimal proposal for the whole waiting list, kept as a draft."""
    _coordinator(actor, actor.organisation_id)
    if objective not in BatchObjective.values:
        raise DomainError(_("Kies wat het voorstel moet bereiken."), field="objective")
    weights = weights_of(actor.organisation_id).as_engine()
    requests = loading.for_engine(waiting(actor.organisation_id))
    draft = BatchDraft.objects.create(
        organisation_id=actor.organisation_id,
        objective=objective,
        created_by=actor.user,
        waiting=len(requests),
    )
    if not requests:
        return draft
    pool = loading.load_pool(
        actor.organisation_id,
        requests,
        request_scope=waiting(actor.organisation_id),
    )
    # The lean path: totals of the eligible pairs for the batch and the greedy
    # baseline, and the full scores (contributions, distance) of the proposed pairs
    # only, for their explanations.
    ri, bi = engine.candidate_pairs(pool.requests, pool.buddies)
    totals = engine.pair_totals(
        pool.requests, pool.buddies, ri, bi, weights, pool.exclusions
    )
    capacities = pool.buddies.free_places.clip(min=0)
    best = engine.batch(totals, capacities, engine.Objective(objective))
    baseline = engine.greedy(totals, capacities)
    chosen = np.flatnonzero(best.buddy_of >= 0)
    chosen_buddies = best.buddy_of[chosen]
    explained = engine.score_pairs(
        pool.requests, pool.buddies, chosen, chosen_buddies, weights, pool.exclusions
    )
    contributions = explained.contributions.T.tolist()
    distances = explained.distance_km.tolist()
    scores = explained.total.tolist()
    _write_lines(
        draft,
        [
            (
                pool.request_list[r].pk,
                pool.buddy_list[b].pk,
                int(scores[k]),
                scoring.snapshot(pool, r, b, contributions[k], float(distances[k])),
            )
            for k, (r, b) in enumerate(
                zip(chosen.tolist(), chosen_buddies.tolist(), strict=True)
            )
        ],
    )
    draft.total_score = best.total
    draft.matched = best.matched
    draft.greedy_total_score = baseline.total
    draft.greedy_matched = baseline.matched
    draft.save()
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="matching.batch",
        target=draft,
        data={"waiting": len(requests), "matched": best.matched},
    )
    return draft


@transaction.atomic
def set_line(*, actor: Membership, line: BatchLine, keep: bool) -> BatchLine:
    """Leave a line out of the draft, or take it back in."""
    _coordinator(actor, line.organisation_id)
    if line.draft.published_at is not None or line.state not in (
        BatchLineState.DRAFT,
        BatchLineState.DROPPED,
    ):
        raise DomainError(_("Dit voorstel is al verstuurd."))
    line.state = BatchLineState.DRAFT if keep else BatchLineState.DROPPED
    line.save(update_fields=["state", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="matching.batch_line",
        target=line.draft,
        data={"line": str(line.pk), "keep": keep},
    )
    return line


@transaction.atomic
def change_line(*, actor: Membership, line: BatchLine, buddy: Buddy) -> BatchLine:
    """Choose another buddy for one line of the draft (checked like a proposal)."""
    _coordinator(actor, line.organisation_id)
    if line.draft.published_at is not None or line.state != BatchLineState.DRAFT:
        raise DomainError(_("Deze regel kan niet meer veranderen."))
    if buddy.organisation_id != line.organisation_id:
        raise DomainError(_("Deze buddy hoort niet bij uw organisatie."))
    option = scoring.pair(line.request, buddy)
    if option.excluded:
        raise DomainError(
            _("%(name)s kan niet: %(rules)s.")
            % {"name": buddy.full_name, "rules": "; ".join(option.rules).lower()}
        )
    line.buddy = buddy
    line.score = option.total
    line.explanation = option.snapshot
    line.save(update_fields=["buddy", "score", "explanation", "updated_at"])
    record_event(
        actor=actor,
        organisation=actor.organisation,
        verb="matching.batch_line_change",
        target=line.draft,
        data={"line": str(line.pk), "buddy": str(buddy.pk), "score": line.score},
    )
    return line


@dataclass(frozen=True)
class Published:
    sent: int
    conflicts: int


def publish_batch(
    *, actor: Membership, draft: BatchDraft, line_ids: list[uuid.UUID] | None = None
) -> Published:
    """Send the chosen lines (all draft lines when `line_ids` is None) as proposals.

    Every line is proposed on its own, with all checks of `propose`: a line whose
    request left the waiting list or whose buddy has no place left any more is
    marked as a conflict with the reason, and nothing is booked twice."""
    _coordinator(actor, draft.organisation_id)
    queryset = draft.lines.filter(state=BatchLineState.DRAFT).select_related(
        "request", "buddy"
    )
    if line_ids is not None:
        queryset = queryset.filter(pk__in=line_ids)
    lines = list(queryset)
    if not lines:
        raise DomainError(_("Kies minstens één voorstel om te versturen."))
    sent = conflicts = 0
    for line in lines:
        try:
            propose(
                actor=actor,
                request=line.request,
                buddy=line.buddy,
                reason=_("Uit het voorstel voor de hele wachtlijst."),
                from_batch=True,
            )
        except DomainError as exc:
            line.state = BatchLineState.CONFLICT
            line.problem = str(exc.message)[:300]
            conflicts += 1
        else:
            line.state = BatchLineState.PUBLISHED
            sent += 1
        line.save(update_fields=["state", "problem", "updated_at"])
    if not draft.lines.filter(state=BatchLineState.DRAFT).exists():
        draft.published_at = timezone.now()
        draft.save(update_fields=["published_at", "updated_at"])
    return Published(sent=sent, conflicts=conflicts)


# --- E-mail ---------------------------------------------------------------------------------


def _mail_buddy(match: Match, subject: Promise, template: str) -> None:
    """In the buddy's language (their account's)."""
    mail.send_templated(
        to=[mail.buddy_recipient(match.buddy)],
        subject=subject,
        template=template,
        context={
            "match": match,
            "to_buddy": True,
            "name": mail.first_name(match.buddy.full_name),
            "organisation": match.organisation,
            "link": mail.absolute_url("matching:proposal", match.pk),
            "days": RESPOND_WITHIN_DAYS,
        },
    )


def _mail_parent(match: Match, subject: Promise, template: str) -> None:
    """In the language the parent used on the form."""

    mail.send_templated(
        to=[mail.parent_recipient(match.request)],
        subject=subject,
        template=template,
        context={
            "match": match,
            "to_buddy": False,
            "name": mail.first_name(match.request.full_name),
            "buddy_name": mail.first_name(match.buddy.full_name),
            "buddy_introduction": match.buddy.introduction,
            "organisation": match.organisation,
            "link": status_url(match.request),
        },
    )


def _mail_coordinators(
    match: Match, subject: Promise, *, suggest_next: bool = False
) -> None:
    """Each coordinator in their own language; `subject` may use %(ref)s."""
    recipients = mail.coordinators(match.organisation_id)
    if not recipients:
        return
    suggestion = ""
    if suggest_next:
        suggestion = next_candidate_name(match.request)
    mail.send_templated(
        to=recipients,
        subject=subject,
        subject_params={"ref": match.request.reference},
        template="matching/email/to_coordinators.txt",
        context={
            "match": match,
            "link": mail.absolute_url("matching:shortlist", match.request_id),
            "match_link": mail.absolute_url("matching:match", match.pk),
            "suggestion": suggestion,
        },
        organisation=match.organisation,
    )
