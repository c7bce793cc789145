"""The recruitment planner: demand against supply per experience code, and the
marginal value of one more buddy.

For every experience code (issue.* and need.*) that waiting requests carry, per
SWV, the planner adds one imagined buddy with that experience, living where those
requests are (their mean position), with one free place, to the organisation's real
pool, and asks the matching engine's own batch solver (`engine.batch`, the best
total fit, as the coordinator's batch proposal) how many more waiting requests it
would then match to a buddy who shares their experience. Then a
second such buddy, and a third, until one more adds nothing. So the advice "recruit
two buddies with experience of X in SWV Y first" comes from the same optimiser that
proposes the matches, not from a count of codes.

Every count shown is a count of people, so it is protected like the report's
figures (`figures.protect_count`: 1-4 is an x). Nothing here is stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.intake.models import HelpRequest, RequestEvent, RequestStatus
from ouderbuddy.lib import org_cache
from ouderbuddy.matching import engine, loading
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.scoring import waiting, weights_of
from ouderbuddy.regions.models import CooperationDistrict
from ouderbuddy.reports.figures import protect_count
from ouderbuddy.taxonomy.selectors import labels as code_labels

RECENT_DAYS = 182
"""'Recently unmatched': left the waiting list without a buddy in this many days."""

MAX_PER_PROFILE = 3
"""At most this many imagined buddies per code and SWV."""

TRAVEL_KM = 25.0
"""How far the imagined buddy travels (the default of a new buddy's profile)."""

CODE_GROUPS = ("issue", "need")


@dataclass(frozen=True)
class Advice:
    code: str
    code_label: str
    swv: str
    swv_label: str
    buddies: int
    """How many more buddies with this experience here still help."""
    extra_matched: int | None
    """How many more waiting parents would get a buddy with their experience (x)."""
    waiting: int | None
    """Waiting requests with this code in this SWV (x: None)."""


@dataclass(frozen=True)
class SupplyRow:
    code: str
    label: str
    swv_label: str
    waiting: int | None
    unmatched: int | None
    """Requests with this code that left the waiting list without a buddy lately."""
    places: int | None
    places_counted: bool = True
    """False when nobody waits: the pool is not loaded, its places not counted."""


@dataclass
class Plan:
    waiting: int | None
    matched_now: int | None
    advice: list[Advice] = field(default_factory=list)
    supply: list[SupplyRow] = field(default_factory=list)


def _matched(
    requests: engine.Requests,
    buddies: engine.Buddies,
    exclusions: engine.Exclusions,
    weights: engine.Weights,
) -> int:
    """How many waiting requests the optimal batch (best total fit, the batch's
    default) matches to a buddy who shares at least one of their experiences."""
    ri, bi = engine.candidate_pairs(requests, buddies)
    totals = engine.pair_totals(requests, buddies, ri, bi, weights, exclusions)
    best = engine.batch(
        totals, buddies.free_places.clip(min=0), engine.Objective.BEST_FIT
    )
    chosen = np.flatnonzero(best.buddy_of >= 0)
    if chosen.size == 0:
        return 0
    partners = best.buddy_of[chosen]
    shared = np.zeros(chosen.size, dtype=np.bool_)
    for group in CODE_GROUPS:
        wanted = getattr(requests, group)[chosen]
        offered = getattr(buddies, group)[partners]
        shared |= (wanted & offered).any(axis=1)
    return int(np.count_nonzero(shared))


def _with_one_more(
    buddies: engine.Buddies,
    group: str,
    column: int,
    lat: float,
    lon: float,
    swv: int,
) -> engine.Buddies:
    """`buddies` and one imagined, matchable buddy with one free place and the
    experience of `column` in `group`, speaking Dutch, open to every contact mode."""
    matrices = {}
    for name in ("issue", "need", "route"):
        current = getattr(buddies, name)
        row = np.zeros((1, current.shape[1]), dtype=np.bool_)
        if name == group:
            row[0, column] = True
        matrices[name] = np.vstack([current, row])

    def plus(name: str, value: object) -> np.ndarray:
        current = getattr(buddies, name)
        return np.append(current, np.array([value], dtype=current.dtype))

    return engine.Buddies(
        **matrices,
        lat=plus("lat", lat),
        lon=plus("lon", lon),
        travel_km=plus("travel_km", TRAVEL_KM),
        languages=plus("languages", engine.bitmask(("nl",), loading.LANGUAGES)),
        contact_modes=plus(
            "contact_modes",
            engine.bitmask(loading.CONTACT_MODES, loading.CONTACT_MODES),
        ),
        gender=plus("gender", int(engine.Gender.UNSAID)),
        capacity=plus("capacity", 1),
        free_places=plus("free_places", 1),
        swv=plus("swv", swv),
        active=plus("active", True),
        vog_valid=plus("vog_valid", True),
        trained=plus("trained", True),
    )


def _shown(count: int) -> int | None:
    return protect_count([count])


def recently_unmatched(organisation_id: uuid.UUID) -> Counter[tuple[str, str]]:
    """Per (experience code, SWV code): requests that went from the waiting list (or
    a proposal) to withdrawn or referred in the last RECENT_DAYS, and never had a
    match that started: demand the pool did not meet."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    left = RequestEvent.objects.filter(
        organisation_id=organisation_id,
        from_status__in=(RequestStatus.WAITING, RequestStatus.MATCHING),
        to_status__in=(RequestStatus.WITHDRAWN, RequestStatus.REFERRED),
        at__gte=since,
    ).values("request_id")
    requests = HelpRequest.objects.filter(
        organisation_id=organisation_id,
        pk__in=left,
        status__in=(RequestStatus.WITHDRAWN, RequestStatus.REFERRED),
    ).exclude(
        Exists(
            Match.objects.filter(request_id=OuterRef("pk"), started_on__isnull=False)
        )
    )
    rows = HelpRequest.codes.through.objects.filter(
        helprequest__in=requests, experiencecode__group__in=CODE_GROUPS
    ).values_list("experiencecode_id", "helprequest__postcode__po_district_id")
    return Counter((code, district or "") for code, district in rows)


def plan(organisation_id: uuid.UUID) -> Plan:
    """The planner for the organisation's waiting list of now, kept in the shared
    cache until the organisation's data changes (lib/org_cache.py)."""
    return org_cache.remember(
        organisation_id, "planner", lambda: _plan(organisation_id)
    )


def _plan(organisation_id: uuid.UUID) -> Plan:
    requests = loading.for_engine(waiting(organisation_id))
    unmatched = recently_unmatched(organisation_id)
    if not requests:
        return Plan(waiting=0, matched_now=0, supply=_unmatched_only(unmatched))
    pool = loading.load_pool(
        organisation_id, requests, request_scope=waiting(organisation_id)
    )
    weights = weights_of(organisation_id).as_engine()
    base = _matched(pool.requests, pool.buddies, pool.exclusions, weights)
    numbers = {
        r.postcode.po_district_id: int(pool.requests.swv[i])
        for i, r in enumerate(pool.request_list)
        if r.postcode.po_district_id
    }
    numbers.update(
        (b.postcode.po_district_id, int(pool.buddies.swv[i]))
        for i, b in enumerate(pool.buddy_list)
        if b.postcode is not None and b.postcode.po_district_id
    )
    district_of = {n: code for code, n in numbers.items()}
    district_names = _district_names({*numbers, *(d for _c, d in unmatched)})
    codes = [c for g in CODE_GROUPS for c in pool.columns.codes[g]]
    names = code_labels(codes)
    buddies = pool.buddies
    free = (
        buddies.active & buddies.vog_valid & buddies.trained & (buddies.free_places > 0)
    )
    advice: list[tuple[int, int, Advice]] = []
    supply: list[SupplyRow] = []
    for group in CODE_GROUPS:
        wanted = getattr(pool.requests, group)
        offered = getattr(buddies, group)
        for column, code in enumerate(pool.columns.codes[group]):
            rows = np.flatnonzero(wanted[:, column])
            offering = free & offered[:, column]
            here_swvs = {
                *(district_of.get(n, "") for n in pool.requests.swv[rows].tolist()),
                *(district_of.get(n, "") for n in buddies.swv[offering].tolist()),
                *(d for c, d in unmatched if c == code),
            }
            for district in here_swvs:
                number = numbers.get(district, -1) if district else -1
                in_swv = buddies.swv == number
                supply.append(
                    SupplyRow(
                        code=code,
                        label=names.get(code, code),
                        swv_label=district_names.get(district, district)
                        or _("Onbekend"),
                        waiting=_shown(
                            int(np.count_nonzero(pool.requests.swv[rows] == number))
                        ),
                        unmatched=_shown(unmatched[(code, district)]),
                        places=_shown(
                            int(buddies.free_places[offering & in_swv].sum())
                        ),
                    )
                )
            for swv in sorted(set(pool.requests.swv[rows].tolist())):
                if swv < 0:
                    continue
                here = rows[pool.requests.swv[rows] == swv]
                lat = float(pool.requests.lat[here].mean())
                lon = float(pool.requests.lon[here].mean())
                grown, before, gained, added = buddies, base, 0, 0
                for _k in range(MAX_PER_PROFILE):
                    grown = _with_one_more(grown, group, column, lat, lon, swv)
                    now = _matched(pool.requests, grown, pool.exclusions, weights)
                    if now <= before:
                        break
                    gained += now - before
                    before = now
                    added += 1
                if added:
                    district = district_of.get(swv, "")
                    advice.append(
                        (
                            gained,
                            int(here.size),
                            Advice(
                                code=code,
                                code_label=names.get(code, code),
                                swv=district,
                                swv_label=district_names.get(district, district),
                                buddies=added,
                                extra_matched=_shown(gained),
                                waiting=_shown(int(here.size)),
                            ),
                        )
                    )
    advice.sort(key=lambda item: (-item[0], -item[1], item[2].code_label))
    seen = {row.code for row in supply}
    supply += [row for row in _unmatched_only(unmatched) if row.code not in seen]
    supply.sort(key=lambda row: (row.label, row.swv_label))
    return Plan(
        waiting=_shown(len(requests)),
        matched_now=_shown(base),
        advice=[a for _gain, _n, a in advice],
        supply=supply,
    )


def _district_names(codes: set[str]) -> dict[str, str]:
    return {
        d.code: f"{d.display_code} {d.name}".strip()
        for d in CooperationDistrict.objects.filter(code__in=[c for c in codes if c])
    }


def _unmatched_only(unmatched: Counter[tuple[str, str]]) -> list[SupplyRow]:
    """Supply rows of codes that nobody waiting has: only the recently unmatched."""
    names = code_labels([code for code, _d in unmatched])
    districts = _district_names({d for _c, d in unmatched})
    return sorted(
        (
            SupplyRow(
                code=code,
                label=names.get(code, code),
                swv_label=districts.get(district, district) or _("Onbekend"),
                waiting=0,
                unmatched=_shown(count),
                places=None,
                places_counted=False,
            )
            for (code, district), count in unmatched.items()
        ),
        key=lambda row: (row.label, row.swv_label),
    )
