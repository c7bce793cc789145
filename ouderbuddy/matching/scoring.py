"""Scoring for matching's reads and steps: the organisation's weights, the waiting
list, one pair's score with its words (`Option`), the snapshot kept with a proposal,
and the best buddy now. The shortlist and the preview (`selectors`) and the steps
(`services`) both build on it; nothing here writes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.intake.models import HelpRequest, RequestStatus
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.matching import engine, explain, loading
from ouderbuddy.matching.models import MatchingWeights
from ouderbuddy.organisations.models import Membership, Role


def require_coordinator(actor: Membership, organisation_id: uuid.UUID) -> None:
    """Refuse anyone but a coordinator of this organisation (a Dutch DomainError)."""
    if actor.role != Role.COORDINATOR or actor.organisation_id != organisation_id:
        raise DomainError(_("Dit mag alleen de coördinator van dit steunpunt."))


def weights_of(organisation_id: uuid.UUID) -> MatchingWeights:
    """The organisation's weights, or the defaults (not saved) when it has none."""
    found = MatchingWeights.objects.filter(organisation_id=organisation_id).first()
    return found or MatchingWeights(organisation_id=organisation_id)


@dataclass(frozen=True)
class Option:
    """One buddy for one request: score, words, and the rules that exclude the pair."""

    buddy: Buddy
    total: int
    snapshot: dict[str, Any]
    excluded: int
    # Worded beforehand when the option is kept in the cache (in the active language).
    worded: explain.Explanation | None = None

    @property
    def explanation(self) -> explain.Explanation:
        return self.worded or explain.explain(self.snapshot)

    @property
    def rules(self) -> list[str]:
        return explain.rules(self.excluded)

    @property
    def points(self) -> str:
        return explain.points(self.total)


def snapshot(
    pool: loading.Pool,
    row: int,
    col: int,
    contributions: list[int],
    distance_km: float,
) -> dict[str, Any]:
    shared = {
        g: [
            pool.columns.codes[g][i]
            for i, both in enumerate(
                getattr(pool.requests, g)[row] & getattr(pool.buddies, g)[col]
            )
            if both
        ]
        for g in engine.CODE_GROUPS
    }
    return explain.snapshot(
        contributions=dict(zip(engine.CRITERIA, contributions, strict=True)),
        shared=shared,
        distance_km=distance_km,
        free_places=int(pool.buddies.free_places[col]),
        capacity=int(pool.buddies.capacity[col]),
        languages=explain.common_languages(
            pool.request_list[row].languages, pool.buddy_list[col].languages
        ),
        days_waiting=float(pool.requests.days_waiting[row]),
    )


def dense_snapshot(
    pool: loading.Pool, scores: engine.Scores, row: int, col: int
) -> dict[str, Any]:
    return snapshot(
        pool,
        row,
        col,
        scores.contributions[:, row, col].tolist(),
        float(scores.distance_km[row, col]),
    )


def score(pool: loading.Pool, weights: engine.Weights) -> engine.Scores:
    return engine.score(pool.requests, pool.buddies, weights, pool.exclusions)


def sparse_scores(pool: loading.Pool, weights: engine.Weights) -> engine.PairScores:
    """Only the pairs within both distance limits with a free buddy (the rest are
    excluded anyway), so a large waiting list never builds the full matrix."""
    ri, bi = engine.candidate_pairs(pool.requests, pool.buddies)
    return engine.score_pairs(
        pool.requests, pool.buddies, ri, bi, weights, pool.exclusions
    )


def pair(request: HelpRequest, buddy: Buddy) -> Option:
    weights = weights_of(request.organisation_id).as_engine()
    pool = loading.load_pool(request.organisation_id, [request], buddy_ids=[buddy.pk])
    if not pool.buddy_list:
        return Option(
            buddy=buddy, total=0, snapshot={}, excluded=int(engine.Exclusion.NOT_ACTIVE)
        )
    scores = score(pool, weights)
    return Option(
        buddy=pool.buddy_list[0],
        total=int(scores.total[0, 0]),
        snapshot=dense_snapshot(pool, scores, 0, 0),
        excluded=int(scores.excluded[0, 0]),
    )


def waiting(organisation_id: uuid.UUID) -> QuerySet[HelpRequest]:
    """The organisation's requests on the waiting list (not one whose processing is
    restricted: it is not matched until the restriction is lifted)."""
    return HelpRequest.objects.filter(
        organisation_id=organisation_id,
        status=RequestStatus.WAITING,
        restricted_at__isnull=True,
    )


def next_candidate_name(request: HelpRequest) -> str:
    """The name of the best buddy for `request` now ('' when there is none); for the
    coordinator's e-mail."""
    weights = weights_of(request.organisation_id).as_engine()
    pool = loading.load_pool(request.organisation_id, [request])
    found = engine.shortlist(
        0, pool.requests, pool.buddies, weights, pool.exclusions, k=1
    )
    if not found.candidates:
        return ""
    return pool.buddy_list[found.candidates[0].buddy].full_name
