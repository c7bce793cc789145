"""The read side of matching, scoped to the actor's organisation: the buddy's own
matches, the gap signal, the shortlist, one pair's comparison and the preview of
weights."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, F, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.selectors import own_buddy_id
from ouderbuddy.intake import selectors as intake_selectors
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.lib import org_cache
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.matching import engine, explain, loading, scoring
from ouderbuddy.matching.models import (
    HOLDS_PLACE,
    BatchDraft,
    BatchLine,
    DeclineReason,
    Match,
    MatchStatus,
)
from ouderbuddy.matching.scoring import Option
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.taxonomy import selectors as taxonomy


def _coordinator(actor: Membership) -> bool:
    return actor.role == Role.COORDINATOR


def visible_matches(actor: Membership) -> QuerySet[Match]:
    if not _coordinator(actor):
        return Match.objects.none()
    return Match.objects.filter(organisation_id=actor.organisation_id)


_get = get_or_404


def get_match_for(actor: Membership, match_id: Any) -> Match:
    return _get(visible_matches(actor).select_related("request", "buddy"), match_id)


def own_matches(actor: Membership, buddy: Buddy | None = None) -> QuerySet[Match]:
    """The matches of the signed-in buddy in the acting organisation: the one rule
    for "a buddy's own match" (matching's proposals, casework's match pages, the
    start page). 404 without a buddy record here. `buddy`: the actor's own record
    when the caller already holds it (saves its query); anyone else's is a 404."""
    if buddy is None:
        # `get_own_buddy`'s rule, reading only the record's key (compiled once).
        buddy_id = own_buddy_id(actor)
        if buddy_id is None:
            raise Http404
    elif (buddy.organisation_id, buddy.user_id) != (
        actor.organisation_id,
        actor.user_id,
    ):
        raise Http404
    else:
        buddy_id = buddy.pk
    # A request whose processing is restricted (AVG art. 18) is the coordinators' only.
    return Match.objects.filter(
        organisation_id=actor.organisation_id,
        buddy_id=buddy_id,
        request__restricted_at__isnull=True,
    )


def get_own_match(
    actor: Membership, match_id: Any, matches: QuerySet[Match] | None = None
) -> Match:
    """One match of the signed-in buddy (from `matches`, a narrowing of
    `own_matches(actor)` with what the page loads); 404 for anyone else's."""
    return _get(own_matches(actor) if matches is None else matches, match_id)


def parents_match(help_request: HelpRequest, statuses: tuple[str, ...]) -> Match | None:
    """The parent's own match in one of `statuses`, found through the request behind
    the parent's status link only (with its buddy)."""
    return (
        Match.objects.filter(request=help_request, status__in=statuses)
        .select_related("buddy")
        .first()
    )


def visible_drafts(actor: Membership) -> QuerySet[BatchDraft]:
    if not _coordinator(actor):
        return BatchDraft.objects.none()
    return BatchDraft.objects.filter(organisation_id=actor.organisation_id)


def get_draft_for(actor: Membership, draft_id: Any) -> BatchDraft:
    return _get(visible_drafts(actor), draft_id)


def get_line_for(actor: Membership, line_id: Any) -> BatchLine:
    if not _coordinator(actor):
        raise Http404
    return _get(
        BatchLine.objects.filter(organisation_id=actor.organisation_id).select_related(
            "draft", "request", "buddy"
        ),
        line_id,
    )


# --- Gap signal -----------------------------------------------------------------------------


@dataclass
class Gap:
    """Waiting requests that no eligible buddy can take, by what is missing."""

    label: str
    requests: list[HelpRequest] = field(default_factory=list)


NO_ONE = "__no_one__"
# Experience a gap is about: what goes on at school and what the child needs.
GAP_GROUPS = ("issue", "need")


def gaps(organisation_id: uuid.UUID) -> list[Gap]:
    """`compute_gaps`, kept in the shared cache until the organisation's data changes
    (ouderbuddy.lib.org_cache)."""
    return org_cache.remember(
        organisation_id, "gaps", lambda: compute_gaps(organisation_id)
    )


def compute_gaps(organisation_id: uuid.UUID) -> list[Gap]:
    """Waiting requests for which no eligible buddy has any of the experience the
    request asks for, grouped by that experience (the recruitment targets), biggest
    group first. A request that asks for no particular experience is a gap only when
    no buddy is eligible at all (distance, places, contact, preference)."""
    requests = loading.with_postcode(scoring.waiting(organisation_id))
    if not requests:
        return []
    pool = loading.load_pool(organisation_id, requests)
    weights = scoring.weights_of(organisation_id).as_engine()
    scores = scoring.sparse_scores(pool, weights)
    request_rows = scores.request[scores.eligible]
    buddy_rows = scores.buddy[scores.eligible]
    starts = np.searchsorted(request_rows, np.arange(len(requests) + 1))
    groups: dict[str, list[HelpRequest]] = defaultdict(list)
    for i, request in enumerate(requests):
        eligible = buddy_rows[starts[i] : starts[i + 1]]
        wanted: list[tuple[str, int]] = [
            (group, c)
            for group in GAP_GROUPS
            for c in np.flatnonzero(getattr(pool.requests, group)[i]).tolist()
        ]
        if not wanted:
            if eligible.size == 0:
                groups[NO_ONE].append(request)
            continue
        covered = any(
            bool(getattr(pool.buddies, group)[eligible, c].any()) for group, c in wanted
        )
        if not covered:
            for group, c in wanted:
                groups[pool.columns.codes[group][c]].append(request)
    labels = taxonomy.labels(groups)
    labels[NO_ONE] = _("Geen enkele buddy past (afstand, plek of voorkeur)")
    result = [
        Gap(label=labels.get(code, code), requests=rows)
        for code, rows in groups.items()
    ]
    result.sort(key=lambda gap: (-len(gap.requests), gap.label))
    return result


def alternatives(
    actor: Membership, lines: list[BatchLine], k: int = 3
) -> dict[uuid.UUID, list[tuple[Any, str]]]:
    """For each draft line, up to `k` other eligible buddies (buddy, points), best
    first: the choices when the coordinator changes a line. One pool for all lines."""
    if not lines:
        return {}
    vary = ",".join(f"{line.pk}:{line.request_id}:{line.buddy_id}" for line in lines)
    return org_cache.remember(
        actor.organisation_id,
        "alternatives",
        lambda: _alternatives(actor, lines, k),
        vary=f"{k}:{hashlib.sha256(vary.encode()).hexdigest()}",
    )


def _alternatives(
    actor: Membership, lines: list[BatchLine], k: int
) -> dict[uuid.UUID, list[tuple[Any, str]]]:
    requests = loading.with_postcode(
        HelpRequest.objects.filter(pk__in=[line.request_id for line in lines])
    )
    pool = loading.load_pool(actor.organisation_id, requests)
    weights = scoring.weights_of(actor.organisation_id).as_engine()
    scores = scoring.sparse_scores(pool, weights)
    row_of = {r.pk: i for i, r in enumerate(pool.request_list)}
    eligible = scores.eligible
    result: dict[uuid.UUID, list[tuple[Any, str]]] = {}
    for line in lines:
        i = row_of.get(line.request_id)
        if i is None:
            continue
        mine = np.flatnonzero((scores.request == i) & eligible)
        mine = mine[np.argsort(-scores.total[mine], kind="stable")]
        options = []
        for p in mine.tolist():
            buddy = pool.buddy_list[int(scores.buddy[p])]
            if buddy.pk == line.buddy_id:
                continue
            options.append((buddy, explain.points(int(scores.total[p]))))
            if len(options) == k:
                break
        result[line.pk] = options
    return result


def attention(actor: Membership) -> list[dict[str, Any]]:
    """Start-page rows: matches where the coordinator has the next step (plan the
    introduction, start the match) and proposals past their answer date."""

    rows = []
    matches = (
        visible_matches(actor)
        .filter(status__in=[MatchStatus.AGREED, MatchStatus.INTRODUCTION_PLANNED])
        .select_related("request", "buddy")
        .order_by("status_changed_at")[:10]
    )
    for m in matches:
        if m.status == MatchStatus.AGREED:
            text = _("%(ref)s met %(name)s: plan de kennismaking")
        else:
            text = _("%(ref)s met %(name)s: kennismaking gepland, daarna starten")
        rows.append(
            {
                "url": reverse("matching:match", args=[m.pk]),
                "label": text % {"ref": m.request.reference, "name": m.buddy.full_name},
            }
        )
    late = (
        visible_matches(actor)
        .filter(status=MatchStatus.PROPOSED, respond_by__lt=timezone.now())
        .select_related("request", "buddy")[:10]
    )
    for m in late:
        rows.append(
            {
                "url": reverse("matching:match", args=[m.pk]),
                "label": _("%(ref)s: %(name)s heeft nog niet geantwoord")
                % {"ref": m.request.reference, "name": m.buddy.full_name},
            }
        )
    return rows


# --- The buddy's own start page ----------------------------------------------------------

# Matches the buddy said yes to that have not started yet.
STARTING = (
    MatchStatus.ACCEPTED,
    MatchStatus.AGREED,
    MatchStatus.INTRODUCTION_PLANNED,
)
# Matches the buddy said yes to that are not over.
RUNNING = (*STARTING, MatchStatus.ACTIVE)


@dataclass(frozen=True)
class BuddyMatches:
    """Where the buddy's matches stand: proposals to answer, matches on their way to
    the start, the number running, and one sentence for "your next step" (None: no
    match at all, so the checklist decides)."""

    open_proposals: list[Match]
    starting: list[Match]
    active: int
    next_step: str | None


def _starting_step(match: Match) -> str:
    if match.status == MatchStatus.ACCEPTED:
        return _("U zei ja tegen een voorstel. Nu kiest de ouder. U krijgt een e-mail.")
    if match.status == MatchStatus.AGREED:
        return _("De ouder zei ook ja. De coördinator plant nu de kennismaking.")
    assert match.introduction_at is not None
    return _("Uw kennismaking met de ouder is op %(day)s.") % {
        "day": date_format(timezone.localtime(match.introduction_at), "l j F, H:i")
    }


def buddy_matches(actor: Membership, buddy: Buddy) -> BuddyMatches:
    """The signed-in buddy's matches in the acting organisation, for the start page."""
    matches = list(
        own_matches(actor, buddy)
        .filter(status__in=(MatchStatus.PROPOSED, *STARTING, MatchStatus.ACTIVE))
        .select_related("request__postcode__municipality")
        .defer(
            "request__question", "request__intake_note", "request__information_given"
        )
        .order_by("respond_by", "created_at")
    )
    proposals = [m for m in matches if m.status == MatchStatus.PROPOSED]
    starting = [m for m in matches if m.status in STARTING]
    active = sum(m.status == MatchStatus.ACTIVE for m in matches)
    step: str | None = None
    if proposals:
        step = ngettext(
            "Er is een voorstel voor u. Lees het en zeg ja of nee.",
            "Er zijn %(n)s voorstellen voor u. Lees ze en zeg bij elk ja of nee.",
            len(proposals),
        ) % {"n": len(proposals)}
    elif starting:
        step = _starting_step(starting[0])
    elif active:
        step = ngettext(
            "U bent buddy van een ouder. Leg na elk contact vast wat u deed.",
            "U bent buddy van %(n)s ouders. Leg na elk contact vast wat u deed.",
            active,
        ) % {"n": active}
    return BuddyMatches(
        open_proposals=proposals, starting=starting, active=active, next_step=step
    )


def own_proposals_and_running(actor: Membership) -> QuerySet[Match]:
    """The buddy's match list: proposals waiting for an answer and the matches that
    run or are on their way, with the place and the parent's name (only the columns
    the list shows: none of the request's encrypted texts), soonest answer first."""
    return (
        own_matches(actor)
        .filter(status__in=(MatchStatus.PROPOSED, *RUNNING))
        .select_related("request__postcode__municipality")
        .only(
            "organisation",
            "request",
            "buddy",
            "status",
            "respond_by",
            "started_on",
            "introduction_at",
            "introduction_mode",
            "introduction_place",
            "request__full_name",
            "request__postcode__municipality__name",
        )
        .order_by("respond_by")
    )


# --- Shortlist, comparison and the preview of weights -----------------------------------

SHORTLIST_SIZE = 10


@dataclass(frozen=True)
class RequestMatch:
    """One of the request's matches as the shortlist shows it (a proposal, a running
    match or an earlier one), with the buddy's name."""

    pk: uuid.UUID
    status: str
    decline_reason: str
    buddy_name: str

    def get_status_display(self) -> str:
        return str(MatchStatus(self.status).label)

    def get_decline_reason_display(self) -> str:
        return str(dict(DeclineReason.choices).get(self.decline_reason, ""))


@dataclass(frozen=True)
class ShortlistPage:
    request: HelpRequest
    candidates: list[Option]
    excluded: list[Option]
    eligible: int
    counts: list[tuple[str, int]]  # rule, buddies it excludes
    n_excluded: int
    # `with_request`: the request's codes (their keys, in code order) and its matches
    # (newest first): organisation data like the pool, kept with the page under the
    # same version.
    code_ids: tuple[Any, ...] = ()
    matches: tuple[RequestMatch, ...] = ()

    @property
    def running(self) -> RequestMatch | None:
        """The match that holds a place (a proposal or a running match), if any."""
        return next((m for m in self.matches if m.status in HOLDS_PLACE), None)

    @property
    def earlier(self) -> list[RequestMatch]:
        """The request's earlier matches, newest first."""
        return [m for m in self.matches if m.status not in HOLDS_PLACE]


# The request's columns the shortlist page shows, with its key, status and organisation.
SHORTLIST_REQUEST_FIELDS = (
    "reference",
    "status",
    "organisation",
    "postcode",
    "max_distance_km",
    "buddy_gender",
    "languages",
    "contact_modes",
)


def shortlist_request_for(actor: Membership, request_id: Any) -> HelpRequest:
    """The request of the actor's organisation the shortlist is for, with only the
    columns its page shows and its `municipality_name` (`shortlist` reads it whole
    when it scores the pool); 404 when missing or not theirs."""
    found = (
        intake_selectors.visible_requests(actor)
        .only(*SHORTLIST_REQUEST_FIELDS)
        # The postcode's municipality by name only (no rows of the postcode's own).
        .annotate(municipality_name=F("postcode__municipality__name"))
    )
    try:
        return found.get(pk=request_id)
    except (HelpRequest.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def shortlist(
    *,
    actor: Membership,
    request: HelpRequest,
    k: int = SHORTLIST_SIZE,
    with_excluded: bool = True,
    with_request: bool = False,
) -> ShortlistPage:
    """The best buddies for one request, and every other buddy with its rules (the
    excluded list is built only `with_excluded`; its size is always counted). The pool
    is scored once, by `engine.shortlist`: its candidates carry their parts and its
    row of totals and flags gives the excluded buddies. `with_request`: with the
    request's codes and matches too (what its page shows beside the buddies)."""
    scoring.require_coordinator(actor, request.organisation_id)
    return org_cache.remember(
        request.organisation_id,
        "shortlist",
        lambda: _shortlist(request, k, with_excluded, with_request),
        vary=f"{request.pk}:{k}:{with_excluded}:{with_request}",
    )


def _request_code_ids(request: HelpRequest) -> tuple[Any, ...]:
    found = intake_selectors.codes_of([request.pk]).get(request.pk, [])
    return tuple(code.pk for code in found)


def _request_matches(request: HelpRequest) -> tuple[RequestMatch, ...]:
    return tuple(
        RequestMatch(*row)
        for row in Match.objects.filter(
            request_id=request.pk, organisation_id=request.organisation_id
        )
        .order_by("-created_at", "pk")
        .values_list("pk", "status", "decline_reason", "buddy__full_name")
    )


def _shortlist(
    request: HelpRequest, k: int, with_excluded: bool, with_request: bool
) -> ShortlistPage:
    if request.get_deferred_fields():  # read for its page only: the pool needs it all
        request = HelpRequest.objects.select_related("postcode__municipality").get(
            pk=request.pk, organisation_id=request.organisation_id
        )
    weights = scoring.weights_of(request.organisation_id).as_engine()
    pool = loading.load_pool(request.organisation_id, [request])
    found = engine.shortlist(
        0, pool.requests, pool.buddies, weights, pool.exclusions, k=k
    )
    candidates = [
        Option(
            buddy=pool.buddy_list[c.buddy],
            total=c.total,
            snapshot=scoring.snapshot(
                pool,
                0,
                c.buddy,
                [c.contributions[name] for name in engine.CRITERIA],
                c.distance_km,
            ),
            excluded=0,
        )
        for c in found.candidates
    ]
    # Worded now, once, so the cached page needs no wording per view.
    candidates = [
        dataclasses.replace(o, worded=explain.explain(o.snapshot)) for o in candidates
    ]
    out = np.flatnonzero(found.flags).tolist()
    excluded = []
    if with_excluded:
        # Only the rules matter for a buddy who is out: no explanation is built.
        excluded = sorted(
            (
                Option(
                    buddy=pool.buddy_list[col],
                    total=int(found.totals[col]),
                    snapshot={},
                    excluded=int(found.flags[col]),
                )
                for col in out
            ),
            key=lambda o: (o.excluded.bit_count(), -o.total),
        )
    counts = [
        (str(explain.EXCLUSION_LABELS[flag]), n) for flag, n in found.excluded.items()
    ]
    return ShortlistPage(
        request=request,
        candidates=candidates,
        excluded=excluded,
        eligible=found.eligible,
        counts=counts,
        n_excluded=len(out),
        code_ids=_request_code_ids(request) if with_request else (),
        matches=_request_matches(request) if with_request else (),
    )


def option_for(*, actor: Membership, request: HelpRequest, buddy: Buddy) -> Option:
    """One pair's score and rules (for the comparison and for a proposal)."""
    scoring.require_coordinator(actor, request.organisation_id)

    def read() -> Option:
        option = scoring.pair(request, buddy)
        if option.excluded or not option.snapshot:
            return option
        # Worded now, once, so the cached option needs no wording per view.
        return dataclasses.replace(option, worded=explain.explain(option.snapshot))

    return org_cache.remember(
        request.organisation_id, "pair", read, vary=f"{request.pk}:{buddy.pk}"
    )


@dataclass(frozen=True)
class PreviewRow:
    request: HelpRequest
    best: Option | None
    eligible: int


def preview(
    *, actor: Membership, weights: engine.Weights, limit: int = 20
) -> list[PreviewRow]:
    """How the waiting list would rank with `weights`: the best buddy per request
    (one scoring of the page's requests against the pool)."""
    scoring.require_coordinator(actor, actor.organisation_id)
    return org_cache.remember(
        actor.organisation_id,
        "preview",
        lambda: _preview(actor, weights, limit),
        vary=f"{limit}:{hashlib.sha256(repr(weights).encode()).hexdigest()}",
    )


def _preview(
    actor: Membership, weights: engine.Weights, limit: int
) -> list[PreviewRow]:
    requests = loading.with_postcode(scoring.waiting(actor.organisation_id))[:limit]
    if not requests:
        return []
    pool = loading.load_pool(actor.organisation_id, requests)
    scores = scoring.score(pool, weights)
    rows = []
    for i, request in enumerate(requests):
        eligible = scores.excluded[i] == 0
        best = None
        if eligible.any():
            masked = scores.total[i].copy()
            masked[~eligible] = masked.min() - 1
            col = int(masked.argmax())
            best = Option(
                buddy=pool.buddy_list[col],
                total=int(scores.total[i, col]),
                snapshot=scoring.dense_snapshot(pool, scores, i, col),
                excluded=0,
            )
        rows.append(
            PreviewRow(request=request, best=best, eligible=int(eligible.sum()))
        )
    return rows


@dataclass(frozen=True)
class Overview:
    """What `/koppelen/` shows: the waiting list's best buddies, how many wait, the
    gap signal and the running proposals and matches by status."""

    rows: list[PreviewRow]
    waiting: int
    gaps: list[Gap]
    running: dict[str, int]


def overview(*, actor: Membership, limit: int) -> Overview:
    """The matching overview with the organisation's own weights, kept in the shared
    cache as one value until the organisation's data (its weights too) changes."""
    scoring.require_coordinator(actor, actor.organisation_id)
    organisation_id = actor.organisation_id

    def read() -> Overview:
        weights = scoring.weights_of(organisation_id).as_engine()
        return Overview(
            rows=_preview(actor, weights, limit),
            waiting=scoring.waiting(organisation_id).count(),
            gaps=gaps(organisation_id),
            running=running_counts(actor),
        )

    return org_cache.remember(organisation_id, "overview", read, vary=str(limit))


def running_counts(actor: Membership) -> dict[str, int]:
    """How many of the organisation's matches hold a place, by status."""
    return dict(
        visible_matches(actor)
        .filter(status__in=HOLDS_PLACE)
        .values_list("status")
        .annotate(n=Count("pk"))
    )


def match_list(actor: Membership, *, status: str = "") -> QuerySet[Match]:
    """The organisation's matches with one status, or all that hold a place ("")."""
    # Only the shown columns: the other encrypted texts are not decrypted per row.
    matches = (
        visible_matches(actor)
        .select_related("request", "buddy")
        .only(
            "status",
            "respond_by",
            "status_changed_at",
            "organisation_id",
            "request__reference",
            "buddy__full_name",
        )
    )
    if status:
        matches = matches.filter(status=status)
    else:
        matches = matches.filter(status__in=HOLDS_PLACE)
    return matches.order_by("respond_by")
