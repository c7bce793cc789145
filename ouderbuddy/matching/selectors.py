"""The read side of matching, scoped to the actor's organisation; the gap signal."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.matching import engine, explain, loading, services
from ouderbuddy.matching.models import BatchDraft, BatchLine, Match, MatchStatus
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.taxonomy.models import ExperienceCode


def _coordinator(actor: Membership) -> bool:
    return actor.role == Role.COORDINATOR


def visible_matches(actor: Membership) -> QuerySet[Match]:
    if not _coordinator(actor):
        return Match.objects.none()
    return Match.objects.filter(organisation_id=actor.organisation_id)


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def get_match_for(actor: Membership, match_id: Any) -> Match:
    return _get(visible_matches(actor).select_related("request", "buddy"), match_id)


def get_own_match(actor: Membership, match_id: Any) -> Match:
    """A match of the signed-in buddy; 404 for anyone else's."""
    if actor.role != Role.BUDDY:
        raise Http404
    return _get(
        Match.objects.filter(
            organisation_id=actor.organisation_id, buddy__user_id=actor.user_id
        ).select_related("request", "buddy", "request__postcode"),
        match_id,
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


NO_ONE_NEARBY = "__nearby__"
OTHER_RULES = "__rules__"


def gaps(organisation_id: uuid.UUID) -> list[Gap]:
    """Waiting requests with no eligible buddy, grouped by the experience that no
    available buddy within reach has (the recruitment targets), biggest group first.

    A request counts in the group of each of its codes that none of the free,
    matchable buddies within both distance limits has. A request whose codes are all
    covered nearby is listed under the other rules (capacity in use, contact mode,
    gender); one with nobody free nearby under "no buddy nearby".
    """
    requests = loading.with_postcode(services.waiting(organisation_id))
    if not requests:
        return []
    pool = loading.load_pool(organisation_id, requests)
    weights = services.weights_of(organisation_id).as_engine()
    scores = services.sparse_scores(pool, weights)
    has_eligible = np.zeros(len(requests), dtype=bool)
    has_eligible[scores.request[scores.eligible]] = True
    groups: dict[str, list[HelpRequest]] = defaultdict(list)
    starts = np.searchsorted(scores.request, np.arange(len(requests) + 1))
    for i in np.flatnonzero(~has_eligible).tolist():
        nearby = scores.buddy[starts[i] : starts[i + 1]]
        if nearby.size == 0:
            groups[NO_ONE_NEARBY].append(requests[i])
            continue
        missing = []
        for group in engine.CODE_GROUPS:
            wanted = getattr(pool.requests, group)[i]
            covered = getattr(pool.buddies, group)[nearby].any(axis=0)
            missing += [
                pool.columns.codes[group][c]
                for c in np.flatnonzero(wanted & ~covered).tolist()
            ]
        for code in missing or [OTHER_RULES]:
            groups[code].append(requests[i])
    labels = {
        c.code: c.label
        for c in ExperienceCode.objects.filter(code__in=list(groups))
    }
    fixed = {
        NO_ONE_NEARBY: _("Geen vrije buddy in de buurt"),
        OTHER_RULES: _(
            "Ervaring is er wel, maar de buddy's passen niet (contact of voorkeur)"
        ),
    }
    result = [
        Gap(label=fixed.get(code) or labels.get(code, code), requests=rows)
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
    requests = loading.with_postcode(
        HelpRequest.objects.filter(pk__in=[line.request_id for line in lines])
    )
    pool = loading.load_pool(actor.organisation_id, requests)
    weights = services.weights_of(actor.organisation_id).as_engine()
    scores = services.sparse_scores(pool, weights)
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
    from django.urls import reverse
    from django.utils import timezone

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
