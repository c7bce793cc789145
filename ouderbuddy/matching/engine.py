"""The matching engine: scores help requests against buddies and proposes assignments.

Pure Python with NumPy, SciPy (a KD-tree for the national candidate search, and
`linear_sum_assignment` for small batches) and OR-Tools (min-cost flow for large
ones); no Django import, so it is tested and benchmarked on plain arrays. The
matching app turns buddies and help requests into `Requests` and `Buddies`.

Scores are integers in milli-points (`SCALE` per point). Every criterion's
contribution is rounded to a milli-point on its own and the total is their integer
sum, so the explanation a coordinator reads adds up exactly to the score, and the
solver optimises exactly the numbers that are shown.

Scoring follows DOMAIN.md §8: points per shared procedure (`issue.*`), support need
(`need.*`) and school route (`route.*`/`transition.*`) code, a point for the same SWV
and for a shared language, a point when the buddy is the man or woman the parent
prefers, minus a penalty per km, plus a small bonus for a buddy with free places and
one for a request that has waited long. Hard filters exclude a pair whatever its
score; `Exclusion` names them. A gender preference is a score ("liefst een vrouw"),
and a hard filter only when the parent asked for it strictly ("alleen een vrouw").
"""

from __future__ import annotations

import enum
import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.optimize import linear_sum_assignment
from scipy.spatial import cKDTree

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
FlagArray = npt.NDArray[np.uint16]

# Milli-points per point: the resolution of every score and of the solver's costs.
SCALE = 1000
# The regions app uses the same radius, so distances agree with the rest of the site.
EARTH_RADIUS_KM = 6371.0
# No single weight may be larger: keeps every sum far from integer overflow.
MAX_WEIGHT = 100.0

# The criteria, in the order of `Scores.contributions`' first axis.
CRITERIA: tuple[str, ...] = (
    "issue",
    "need",
    "route",
    "same_swv",
    "language",
    "gender",
    "distance",
    "load",
    "waiting",
)
CODE_GROUPS: tuple[str, ...] = ("issue", "need", "route")


class Gender(enum.IntEnum):
    """A buddy's gender; a request's preference uses the same numbers, 0 for "any"."""

    UNSAID = 0
    FEMALE = 1
    MALE = 2
    OTHER = 3


ANY_GENDER = 0


class Exclusion(enum.IntFlag):
    """The hard filters. A pair is eligible when none applies; several can apply."""

    NOT_ACTIVE = enum.auto()  # applied, in training, paused or stopped
    VOG_EXPIRED = enum.auto()
    TRAINING_MISSING = enum.auto()  # basic training or yearly refresher not done
    NO_FREE_PLACE = enum.auto()
    TOO_FAR_FOR_PARENT = enum.auto()  # beyond the request's maximum distance
    TOO_FAR_FOR_BUDDY = enum.auto()  # beyond the buddy's travel distance
    CONTACT_MODE = enum.auto()  # no contact mode both want
    GENDER = enum.auto()  # not the gender the parent asked for strictly ("alleen")
    CONFLICT_OF_INTEREST = enum.auto()
    PREVIOUSLY_MATCHED = enum.auto()
    DECLINED_BEFORE = enum.auto()


class Objective(enum.StrEnum):
    """What a batch proposal optimises."""

    BEST_FIT = "best_fit"  # the largest total score
    MOST_MATCHED = "most_matched"  # as many parents as possible, then the best fit


class WeightsError(ValueError):
    """Weights that cannot be used; `code` and `field` let the caller word it in Dutch."""

    def __init__(self, code: str, field: str | None = None) -> None:
        self.code = code
        self.field = field
        where = f" ({field})" if field else ""
        super().__init__(f"invalid matching weights: {code}{where}")


# The fields of `Weights` that are weights (all zero is refused).
WEIGHT_FIELDS: tuple[str, ...] = (
    "issue",
    "need",
    "route",
    "same_swv",
    "language",
    "gender",
    "distance_per_km",
    "load",
    "waiting_per_week",
)


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Points per criterion; the defaults are DOMAIN.md §8's suggestion."""

    issue: float = 3.0  # per shared procedure/issue code
    need: float = 3.0  # per shared support-need code
    route: float = 2.0  # per shared school-route or transition code
    same_swv: float = 1.0
    language: float = 1.0
    gender: float = 1.0  # the buddy is the man or woman the parent prefers
    distance_per_km: float = 0.1  # subtracted per km between the two postcodes
    load: float = 0.5  # times the share of the buddy's places that is free
    waiting_per_week: float = 0.25  # per week on the waiting list, up to the cap
    waiting_cap_weeks: float = 12.0  # not a weight: where the waiting bonus stops

    def __post_init__(self) -> None:
        for name in (*WEIGHT_FIELDS, "waiting_cap_weeks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise WeightsError("not_a_number", name)
            value = float(value)
            if not math.isfinite(value):
                raise WeightsError("not_finite", name)
            if value < 0:
                raise WeightsError("negative", name)
            if name != "waiting_cap_weeks" and value > MAX_WEIGHT:
                raise WeightsError("too_large", name)
        if self.waiting_cap_weeks > 520:
            raise WeightsError("too_large", "waiting_cap_weeks")
        if all(getattr(self, name) == 0 for name in WEIGHT_FIELDS):
            raise WeightsError("all_zero")


def _column(values: Any, dtype: Any, n: int | None, name: str) -> npt.NDArray[Any]:
    array = np.ascontiguousarray(values, dtype=dtype)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if n is not None and array.shape[0] != n:
        raise ValueError(f"{name} has {array.shape[0]} rows, expected {n}")
    return array


def _codes(values: Any, name: str) -> BoolArray:
    array = np.ascontiguousarray(values, dtype=np.bool_)
    if array.ndim != 2:
        raise ValueError(f"{name} must be a (rows, codes) matrix")
    return array


def _pack(codes: BoolArray) -> npt.NDArray[np.uint64]:
    """Pack each row of a boolean code matrix into 64-bit words, for popcounts."""
    n, k = codes.shape
    words = max(1, -(-k // 64))
    padded = np.zeros((n, words * 64), dtype=np.bool_)
    padded[:, :k] = codes
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view(np.uint64)


def _check_coordinates(lat: FloatArray, lon: FloatArray, who: str) -> None:
    if not (np.all(np.abs(lat) <= 90) and np.all(np.abs(lon) <= 180)):
        raise ValueError(f"{who}: latitude or longitude out of range")


@dataclass(frozen=True, kw_only=True, eq=False)
class Requests:
    """Help requests waiting for a buddy, one row each.

    Code matrices share their columns with `Buddies`' (the same code index per group);
    `route` holds the `route.*` and `transition.*` codes. `language` is a bitmask of
    the parent's language(s) over a language index, `contact_modes` a bitmask over the
    contact modes (0: no preference), `buddy_gender` 0 for any or a `Gender`,
    `gender_strict` whether that gender is a must (default: a preference only), `swv`
    a number per SWV (-1: unknown).
    """

    issue: BoolArray
    need: BoolArray
    route: BoolArray
    lat: FloatArray
    lon: FloatArray
    max_km: FloatArray
    language: IntArray
    contact_modes: IntArray
    buddy_gender: IntArray
    days_waiting: FloatArray
    swv: IntArray
    gender_strict: BoolArray | None = None
    _bits: dict[str, npt.NDArray[np.uint64]] = field(init=False, repr=False)
    # The point on the unit sphere, one contiguous array per axis.
    _x: FloatArray = field(init=False, repr=False)
    _y: FloatArray = field(init=False, repr=False)
    _z: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _prepare(self, "requests")
        n = len(self)
        if self.gender_strict is None:
            object.__setattr__(self, "gender_strict", np.zeros(n, dtype=np.bool_))
        for name, dtype in (
            ("max_km", np.float64),
            ("language", np.int64),
            ("contact_modes", np.int64),
            ("buddy_gender", np.int64),
            ("days_waiting", np.float64),
            ("swv", np.int64),
            ("gender_strict", np.bool_),
        ):
            object.__setattr__(self, name, _column(getattr(self, name), dtype, n, name))
        if np.any(~np.isfinite(self.max_km)) or np.any(self.max_km < 0):
            raise ValueError("requests: max_km must be a distance of 0 or more")
        if np.any(~np.isfinite(self.days_waiting)):
            raise ValueError("requests: days_waiting must be finite")

    def __len__(self) -> int:
        return int(self.lat.shape[0])


@dataclass(frozen=True, kw_only=True, eq=False)
class Buddies:
    """Buddies, one row each: lived experience, where, how, and whether matchable.

    `capacity` is the most parents at once (for the load bonus), `free_places` what is
    left of it now. `active`, `vog_valid` and `trained` are the checklist flags that
    make a buddy matchable. Bitmasks and numbers as in `Requests`.
    """

    issue: BoolArray
    need: BoolArray
    route: BoolArray
    lat: FloatArray
    lon: FloatArray
    travel_km: FloatArray
    languages: IntArray
    contact_modes: IntArray
    gender: IntArray
    capacity: IntArray
    free_places: IntArray
    swv: IntArray
    active: BoolArray
    vog_valid: BoolArray
    trained: BoolArray
    _bits: dict[str, npt.NDArray[np.uint64]] = field(init=False, repr=False)
    # The point on the unit sphere, one contiguous array per axis.
    _x: FloatArray = field(init=False, repr=False)
    _y: FloatArray = field(init=False, repr=False)
    _z: FloatArray = field(init=False, repr=False)
    _flags: FlagArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        _prepare(self, "buddies")
        n = len(self)
        for name, dtype in (
            ("travel_km", np.float64),
            ("languages", np.int64),
            ("contact_modes", np.int64),
            ("gender", np.int64),
            ("capacity", np.int64),
            ("free_places", np.int64),
            ("swv", np.int64),
            ("active", np.bool_),
            ("vog_valid", np.bool_),
            ("trained", np.bool_),
        ):
            object.__setattr__(self, name, _column(getattr(self, name), dtype, n, name))
        if np.any(~np.isfinite(self.travel_km)) or np.any(self.travel_km < 0):
            raise ValueError("buddies: travel_km must be a distance of 0 or more")
        flags = np.zeros(n, dtype=np.uint16)
        flags[~self.active] |= np.uint16(Exclusion.NOT_ACTIVE)
        flags[~self.vog_valid] |= np.uint16(Exclusion.VOG_EXPIRED)
        flags[~self.trained] |= np.uint16(Exclusion.TRAINING_MISSING)
        flags[self.free_places <= 0] |= np.uint16(Exclusion.NO_FREE_PLACE)
        object.__setattr__(self, "_flags", flags)

    def __len__(self) -> int:
        return int(self.lat.shape[0])


def _prepare(rows: Requests | Buddies, who: str) -> None:
    """Coerce the shared fields and cache what every scoring call needs."""
    lat = _column(rows.lat, np.float64, None, "lat")
    lon = _column(rows.lon, np.float64, lat.shape[0], "lon")
    _check_coordinates(lat, lon, who)
    object.__setattr__(rows, "lat", lat)
    object.__setattr__(rows, "lon", lon)
    bits = {}
    for group in CODE_GROUPS:
        codes = _codes(getattr(rows, group), f"{who}.{group}")
        if codes.shape[0] != lat.shape[0]:
            raise ValueError(f"{who}.{group} has {codes.shape[0]} rows")
        object.__setattr__(rows, group, codes)
        bits[group] = _pack(codes)
    object.__setattr__(rows, "_bits", bits)
    phi, lam = np.radians(lat), np.radians(lon)
    cos_phi = np.cos(phi)
    object.__setattr__(rows, "_x", cos_phi * np.cos(lam))
    object.__setattr__(rows, "_y", cos_phi * np.sin(lam))
    object.__setattr__(rows, "_z", np.sin(phi))


def _unit_vectors(rows: Requests | Buddies, at: IntArray | None = None) -> FloatArray:
    """The rows' points on the unit sphere as an (n, 3) matrix (for the KD-tree)."""
    if at is None:
        return np.column_stack((rows._x, rows._y, rows._z))
    return np.column_stack((rows._x[at], rows._y[at], rows._z[at]))


def _pairs(values: Any, name: str) -> IntArray:
    array = np.asarray(values, dtype=np.int64)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must be (request, buddy) pairs")
    return array


@dataclass(frozen=True, kw_only=True, eq=False)
class Exclusions:
    """Pairs (request row, buddy row) that are never matched, by reason."""

    conflict_of_interest: IntArray = field(
        default_factory=lambda: np.zeros((0, 2), dtype=np.int64)
    )
    previously_matched: IntArray = field(
        default_factory=lambda: np.zeros((0, 2), dtype=np.int64)
    )
    declined_before: IntArray = field(
        default_factory=lambda: np.zeros((0, 2), dtype=np.int64)
    )

    def __post_init__(self) -> None:
        for name, _flag in self.kinds():
            object.__setattr__(self, name, _pairs(getattr(self, name), name))

    @staticmethod
    def kinds() -> tuple[tuple[str, Exclusion], ...]:
        return (
            ("conflict_of_interest", Exclusion.CONFLICT_OF_INTEREST),
            ("previously_matched", Exclusion.PREVIOUSLY_MATCHED),
            ("declined_before", Exclusion.DECLINED_BEFORE),
        )

    def checked(self, n_requests: int, n_buddies: int) -> list[tuple[IntArray, int]]:
        """Each kind's pairs with its flag, after checking they point at real rows."""
        result = []
        for name, flag in self.kinds():
            pairs: IntArray = getattr(self, name)
            if pairs.size and (
                pairs.min() < 0
                or pairs[:, 0].max() >= n_requests
                or pairs[:, 1].max() >= n_buddies
            ):
                raise ValueError(f"{name}: a pair points outside the rows")
            result.append((pairs, int(flag)))
        return result


NO_EXCLUSIONS = Exclusions()


@dataclass(frozen=True, eq=False)
class Scores:
    """Every request against every buddy: (requests, buddies) matrices.

    `contributions[i]` is criterion `CRITERIA[i]`'s part of `total`, in milli-points;
    `excluded` holds the `Exclusion` flags of each pair (0: eligible).
    """

    total: IntArray
    contributions: IntArray
    excluded: FlagArray
    distance_km: FloatArray

    @property
    def n_requests(self) -> int:
        return int(self.total.shape[0])

    @property
    def n_buddies(self) -> int:
        return int(self.total.shape[1])

    @property
    def eligible(self) -> BoolArray:
        eligible: BoolArray = self.excluded == 0
        return eligible


@dataclass(frozen=True, eq=False)
class PairScores:
    """Scores of chosen pairs only (the national, sparse case): arrays over pairs."""

    request: IntArray
    buddy: IntArray
    total: IntArray
    contributions: IntArray
    excluded: FlagArray
    distance_km: FloatArray
    n_requests: int
    n_buddies: int

    @property
    def eligible(self) -> BoolArray:
        eligible: BoolArray = self.excluded == 0
        return eligible


@dataclass(frozen=True, eq=False)
class PairTotals:
    """The eligible pairs among chosen ones, with their totals only: what `batch` and
    `greedy` need, without the parts and distances that explain a score. Arrays over
    the eligible pairs, in the order they were given."""

    request: IntArray
    buddy: IntArray
    total: IntArray
    n_requests: int
    n_buddies: int


def _check_compatible(requests: Requests, buddies: Buddies) -> None:
    for group in CODE_GROUPS:
        k_r = getattr(requests, group).shape[1]
        k_b = getattr(buddies, group).shape[1]
        if k_r != k_b:
            raise ValueError(f"{group}: requests have {k_r} codes, buddies {k_b}")


def _shared(
    r_bits: npt.NDArray[np.uint64],
    b_bits: npt.NDArray[np.uint64],
    ri: IntArray,
    bi: IntArray,
) -> IntArray:
    """How many codes each (ri, bi) pair shares; ri and bi broadcast."""
    if r_bits.shape[1] == 1:
        both = r_bits[ri, 0] & b_bits[bi, 0]
        one_word: IntArray = np.bitwise_count(both).astype(np.int64)
        return one_word
    both = r_bits[ri] & b_bits[bi]
    words: IntArray = np.bitwise_count(both).sum(axis=-1, dtype=np.int64)
    return words


def _distance_km(
    requests: Requests, buddies: Buddies, ri: IntArray, bi: IntArray
) -> FloatArray:
    """Great-circle km of the (ri, bi) pairs: 2R asin(c / 2), c the straight line
    between the two points on the unit sphere (the haversine formula in another
    form, without its two sines per pair). Every path (dense, shortlist, pairs, pair
    totals) calls this one function, so they agree to the last bit."""
    d = buddies._x[bi] - requests._x[ri]
    dy = buddies._y[bi] - requests._y[ri]
    dz = buddies._z[bi] - requests._z[ri]
    np.multiply(d, d, out=d)
    np.multiply(dy, dy, out=dy)
    np.multiply(dz, dz, out=dz)
    d += dy
    d += dz
    np.sqrt(d, out=d)
    d *= 0.5
    np.minimum(d, 1.0, out=d)
    np.arcsin(d, out=d)
    d *= 2.0 * EARTH_RADIUS_KM
    result: FloatArray = d
    return result


def _units(weight: float) -> int:
    return round(weight * SCALE)


def _load_units(buddies: Buddies, weights: Weights) -> IntArray:
    capacity = np.maximum(buddies.capacity, 1)
    share = np.clip(buddies.free_places, 0, None) / capacity
    share = np.minimum(share, 1.0)
    return np.rint(share * (weights.load * SCALE)).astype(np.int64)


def _waiting_units(requests: Requests, weights: Weights) -> IntArray:
    weeks = np.clip(requests.days_waiting / 7.0, 0.0, weights.waiting_cap_weeks)
    return np.rint(weeks * (weights.waiting_per_week * SCALE)).astype(np.int64)


def _evaluate(
    requests: Requests,
    buddies: Buddies,
    ri: IntArray,
    bi: IntArray,
    weights: Weights,
) -> tuple[IntArray, FlagArray, FloatArray]:
    """Contributions, exclusion flags and distances of the (ri, bi) pairs.

    `ri` and `bi` are index arrays that broadcast against each other: a column and
    a row for a full matrix, one request and all buddies for a shortlist, or two
    equally long arrays for chosen pairs. Pair exclusions are applied by the caller.
    """
    shape = np.broadcast_shapes(ri.shape, bi.shape)
    contributions = np.empty((len(CRITERIA), *shape), dtype=np.int64)
    for i, group in enumerate(CODE_GROUPS):
        shared = _shared(requests._bits[group], buddies._bits[group], ri, bi)
        np.multiply(shared, _units(getattr(weights, group)), out=contributions[i])

    r_swv = requests.swv[ri]
    same_swv = (r_swv >= 0) & (r_swv == buddies.swv[bi])
    np.multiply(same_swv, _units(weights.same_swv), out=contributions[3])

    language = (requests.language[ri] & buddies.languages[bi]) != 0
    np.multiply(language, _units(weights.language), out=contributions[4])

    wanted = requests.buddy_gender[ri]
    other_gender = (wanted != ANY_GENDER) & (wanted != buddies.gender[bi])
    preferred = (wanted != ANY_GENDER) & ~other_gender
    np.multiply(preferred, _units(weights.gender), out=contributions[5])

    distance = _distance_km(requests, buddies, ri, bi)
    penalty = np.rint(distance * (weights.distance_per_km * SCALE))
    np.negative(penalty, out=penalty)
    contributions[6] = penalty
    contributions[7] = _load_units(buddies, weights)[bi]
    contributions[8] = _waiting_units(requests, weights)[ri]

    flags = np.broadcast_to(buddies._flags[bi], shape).copy()
    flags[distance > requests.max_km[ri]] |= np.uint16(Exclusion.TOO_FAR_FOR_PARENT)
    flags[distance > buddies.travel_km[bi]] |= np.uint16(Exclusion.TOO_FAR_FOR_BUDDY)
    r_modes = requests.contact_modes[ri]
    b_modes = buddies.contact_modes[bi]
    no_mode = (r_modes != 0) & (b_modes != 0) & ((r_modes & b_modes) == 0)
    flags[no_mode] |= np.uint16(Exclusion.CONTACT_MODE)
    strict = requests.gender_strict
    assert strict is not None  # set in __post_init__
    flags[other_gender & strict[ri]] |= np.uint16(Exclusion.GENDER)
    return contributions, flags, np.broadcast_to(distance, shape)


def score(
    requests: Requests,
    buddies: Buddies,
    weights: Weights | None = None,
    exclusions: Exclusions = NO_EXCLUSIONS,
) -> Scores:
    """Score every request against every buddy (dense; for a region or a team)."""
    weights = weights or Weights()
    _check_compatible(requests, buddies)
    ri = np.arange(len(requests), dtype=np.int64)[:, None]
    bi = np.arange(len(buddies), dtype=np.int64)[None, :]
    contributions, flags, distance = _evaluate(requests, buddies, ri, bi, weights)
    for pairs, flag in exclusions.checked(len(requests), len(buddies)):
        flags[pairs[:, 0], pairs[:, 1]] |= np.uint16(flag)
    return Scores(
        total=contributions.sum(axis=0),
        contributions=contributions,
        excluded=flags,
        distance_km=np.ascontiguousarray(distance),
    )


def score_pairs(
    requests: Requests,
    buddies: Buddies,
    request_index: Any,
    buddy_index: Any,
    weights: Weights | None = None,
    exclusions: Exclusions = NO_EXCLUSIONS,
) -> PairScores:
    """Score the given (request, buddy) pairs only (sparse; for the nation)."""
    weights = weights or Weights()
    _check_compatible(requests, buddies)
    ri = _column(request_index, np.int64, None, "request_index")
    bi = _column(buddy_index, np.int64, ri.shape[0], "buddy_index")
    n_r, n_b = len(requests), len(buddies)
    if ri.size and (ri.min() < 0 or ri.max() >= n_r or bi.min() < 0 or bi.max() >= n_b):
        raise ValueError("a pair points outside the rows")
    contributions, flags, distance = _evaluate(requests, buddies, ri, bi, weights)
    for at, flag in _excluded_at(exclusions, ri, bi, n_r, n_b):
        flags[at] |= np.uint16(flag)
    return PairScores(
        request=ri,
        buddy=bi,
        total=contributions.sum(axis=0),
        contributions=contributions,
        excluded=flags,
        distance_km=np.ascontiguousarray(distance),
        n_requests=n_r,
        n_buddies=n_b,
    )


# Pairs per step of `pair_totals`: a step's temporary arrays stay in the CPU cache
# (nationally about 40% faster than whole-array steps, which go to main memory).
CHUNK = 16384


def pair_totals(
    requests: Requests,
    buddies: Buddies,
    request_index: Any,
    buddy_index: Any,
    weights: Weights | None = None,
    exclusions: Exclusions = NO_EXCLUSIONS,
) -> PairTotals:
    """The eligible pairs among the given ones and their totals (the lean national
    path for a batch proposal).

    The same numbers as `score_pairs`: a pair is here exactly when its `excluded` is
    0 there, with the same total. The hard filters come first and only the pairs that
    pass them are scored, and no criterion's part is kept: a proposal needs the
    totals only (`score_pairs` on the proposed pairs gives their explanations).
    """
    weights = weights or Weights()
    _check_compatible(requests, buddies)
    ri = _column(request_index, np.int64, None, "request_index")
    bi = _column(buddy_index, np.int64, ri.shape[0], "buddy_index")
    n_r, n_b = len(requests), len(buddies)
    if ri.size and (ri.min() < 0 or ri.max() >= n_r or bi.min() < 0 or bi.max() >= n_b):
        raise ValueError("a pair points outside the rows")
    allowed = np.ones(ri.shape[0], dtype=np.bool_)
    for at, _flag in _excluded_at(exclusions, ri, bi, n_r, n_b):
        allowed[at] = False
    tables = _Tables.of(requests, buddies, weights)
    kept, totals = [], []
    for start in range(0, ri.shape[0], CHUNK):
        stop = start + CHUNK
        at, total = _chunk_totals(
            tables, ri[start:stop], bi[start:stop], allowed[start:stop]
        )
        kept.append(at + start)
        totals.append(total)
    at = np.concatenate(kept) if kept else np.zeros(0, np.int64)
    return PairTotals(
        request=ri[at],
        buddy=bi[at],
        total=np.concatenate(totals) if totals else np.zeros(0, np.int64),
        n_requests=n_r,
        n_buddies=n_b,
    )


@dataclass(frozen=True)
class _Tables:
    """What `pair_totals` looks up per request and per buddy, prepared once so that
    each pair needs as few steps as possible; each rule and part as in `_evaluate`."""

    matchable: BoolArray  # per buddy: no exclusion of the buddy's own
    r_modes: IntArray
    b_modes: IntArray
    none: int  # below every buddy's gender: stands for "no wish" below
    r_strict: IntArray  # the gender a parent asked for strictly, else `none`
    b_gender: IntArray
    r_max_km: FloatArray
    b_travel_km: FloatArray
    codes: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], int]]
    r_swv: IntArray  # -1 for every unknown one ...
    b_swv: IntArray  # ... and -2 here, so that only known SWVs are equal
    r_wanted: IntArray  # the gender a parent prefers, else `none`
    r_language: IntArray
    b_languages: IntArray
    units: tuple[int, int, int, float]  # same SWV, language, gender, per km
    b_load: IntArray
    r_waiting: IntArray
    requests: Requests = field(repr=False)  # for the unit vectors (`_distance_km`)
    buddies: Buddies = field(repr=False)

    @classmethod
    def of(cls, requests: Requests, buddies: Buddies, weights: Weights) -> _Tables:
        strict = requests.gender_strict
        assert strict is not None  # set in __post_init__
        wanted = requests.buddy_gender
        none = min(int(buddies.gender.min(initial=0)), 0) - 1
        preferred = np.where(wanted != ANY_GENDER, wanted, none)
        codes = []
        for group in CODE_GROUPS:
            r_bits, b_bits = requests._bits[group], buddies._bits[group]
            if r_bits.shape[1] == 1:  # one word per row: plain arrays, faster
                r_bits = np.ascontiguousarray(r_bits[:, 0])
                b_bits = np.ascontiguousarray(b_bits[:, 0])
            codes.append((r_bits, b_bits, _units(getattr(weights, group))))
        return cls(
            matchable=buddies._flags == 0,
            r_modes=requests.contact_modes,
            b_modes=buddies.contact_modes,
            none=none,
            r_strict=np.where(strict, preferred, none),
            b_gender=buddies.gender,
            r_max_km=requests.max_km,
            b_travel_km=buddies.travel_km,
            codes=codes,
            r_swv=np.where(requests.swv >= 0, requests.swv, -1),
            b_swv=np.where(buddies.swv >= 0, buddies.swv, -2),
            r_wanted=preferred,
            r_language=requests.language,
            b_languages=buddies.languages,
            units=(
                _units(weights.same_swv),
                _units(weights.language),
                _units(weights.gender),
                weights.distance_per_km * SCALE,
            ),
            b_load=_load_units(buddies, weights),
            r_waiting=_waiting_units(requests, weights),
            requests=requests,
            buddies=buddies,
        )


def _chunk_totals(
    t: _Tables, ri: IntArray, bi: IntArray, ok: BoolArray
) -> tuple[IntArray, IntArray]:
    """`pair_totals` on one chunk: where the eligible pairs are, and their totals."""
    ok &= t.matchable[bi]
    r_modes = t.r_modes[ri]
    b_modes = t.b_modes[bi]
    ok &= (r_modes == 0) | (b_modes == 0) | ((r_modes & b_modes) != 0)
    strict = t.r_strict[ri]
    ok &= (strict == t.none) | (strict == t.b_gender[bi])
    at = np.flatnonzero(ok)
    r, b = ri[at], bi[at]
    distance = _distance_km(t.requests, t.buddies, r, b)
    near = np.flatnonzero((distance <= t.r_max_km[r]) & (distance <= t.b_travel_km[b]))
    at, r, b, distance = at[near], r[near], b[near], distance[near]

    same_swv, language, gender, per_km = t.units
    total = np.rint(distance * -per_km).astype(np.int64)
    for r_bits, b_bits, units in t.codes:
        if r_bits.ndim == 1:
            shared = np.bitwise_count(r_bits[r] & b_bits[b])
        else:
            shared = np.bitwise_count(r_bits[r] & b_bits[b]).sum(axis=-1)
        total += np.multiply(shared, units, dtype=np.int64)
    np.add(total, same_swv, out=total, where=t.r_swv[r] == t.b_swv[b])
    both = (t.r_language[r] & t.b_languages[b]) != 0
    np.add(total, language, out=total, where=both)
    np.add(total, gender, out=total, where=t.r_wanted[r] == t.b_gender[b])
    total += t.b_load[b]
    total += t.r_waiting[r]
    return at, total


def _excluded_at(
    exclusions: Exclusions, ri: IntArray, bi: IntArray, n_r: int, n_b: int
) -> list[tuple[IntArray, int]]:
    """Per kind of pair exclusion: where in (ri, bi) its pairs are, and its flag.

    The pairs from `candidate_pairs` are sorted, so each excluded pair is looked up
    among them (a few thousand binary searches); in any other order every pair is
    looked up among the excluded ones."""
    kinds = [(p, f) for p, f in exclusions.checked(n_r, n_b) if p.size]
    if not kinds or ri.size == 0:
        return []
    keys = ri * n_b + bi
    ordered = bool(np.all(keys[1:] >= keys[:-1]))
    result = []
    for pairs, flag in kinds:
        excluded = np.unique(pairs[:, 0] * n_b + pairs[:, 1])
        if ordered:
            lo = np.searchsorted(keys, excluded, side="left")
            hi = np.searchsorted(keys, excluded, side="right")
            found = hi > lo
            lo, count = lo[found], (hi - lo)[found]
            # Each excluded pair's run of equal keys (one long, unless a pair repeats).
            at = np.repeat(lo - np.cumsum(count) + count, count) + np.arange(
                int(count.sum())
            )
        else:
            pos = np.searchsorted(excluded, keys)
            pos[pos == excluded.shape[0]] = 0
            at = np.flatnonzero(excluded[pos] == keys)
        result.append((at.astype(np.int64), flag))
    return result


# Up to this many (request radius, buddy radius) combinations, `candidate_pairs`
# searches each at exactly the smaller radius (nationally 95 -> 52 ms); with more,
# one search per request radius, the buddy's limit checked on what it finds.
RADIUS_GROUPS = 40


def candidate_pairs(requests: Requests, buddies: Buddies) -> tuple[IntArray, IntArray]:
    """(request, buddy) pairs within both distance limits, with a buddy who is free.

    Uses KD-trees on points of the unit sphere, where a straight-line (chord) radius
    stands for a great-circle one, so the national search never builds the full
    requests x buddies matrix: one search per group of requests with the same
    maximum distance against a group of buddies with the same travel distance (the
    forms offer a handful of each). The limits are widened by a hair against
    rounding, so this is a superset of the eligible pairs: `score_pairs` applies
    every hard filter exactly. Sorted by request, then buddy.
    """
    free = np.flatnonzero(buddies._flags == 0)
    empty = np.zeros(0, dtype=np.int64)
    if free.size == 0 or len(requests) == 0:
        return empty, empty
    travel = buddies.travel_km[free]
    radius_km = np.minimum(requests.max_km, float(travel.max()))
    points = _unit_vectors(requests)
    n_b = len(buddies)
    by_radius = []  # (radius, the requests with it, their KD-tree)
    for km in np.unique(radius_km).tolist():
        rows = np.flatnonzero(radius_km == km)
        by_radius.append((km, rows, cKDTree(points[rows])))
    travels = np.unique(travel).tolist()
    keys = []
    if len(by_radius) * len(travels) <= RADIUS_GROUPS:
        for reach in travels:
            cols = free[travel == reach]
            tree = cKDTree(_unit_vectors(buddies, cols))
            for km, rows, near_tree in by_radius:
                chord = float(_chord(np.array([min(km, reach)]))[0])
                near = near_tree.sparse_distance_matrix(
                    tree, chord, output_type="ndarray"
                )
                keys.append(rows[near["i"]] * n_b + cols[near["j"]])
    else:
        tree = cKDTree(_unit_vectors(buddies, free))
        buddy_chord = _chord(travel)
        for km, rows, near_tree in by_radius:
            near = near_tree.sparse_distance_matrix(
                tree, float(_chord(np.array([km]))[0]), output_type="ndarray"
            )
            near = near[near["v"] <= buddy_chord[near["j"]]]
            keys.append(rows[near["i"]] * n_b + free[near["j"]])
    key = np.sort(np.concatenate(keys))
    request, buddy = np.divmod(key, n_b)
    return request, buddy


def _chord(km: FloatArray) -> FloatArray:
    """The straight-line distance through the unit sphere for a great-circle one,
    a hair wider so that no pair within `km` is lost to rounding."""
    angle = np.minimum(np.asarray(km, dtype=np.float64) / EARTH_RADIUS_KM, np.pi)
    chord: FloatArray = 2.0 * np.sin(angle / 2.0) * (1 + 1e-9) + 1e-12
    return chord


@dataclass(frozen=True)
class Candidate:
    """One buddy on a shortlist, with the reasons for the score."""

    buddy: int
    total: int  # milli-points
    contributions: dict[str, int]  # milli-points per criterion; they add up to total
    distance_km: float
    shared: dict[str, tuple[int, ...]]  # code columns both have, per code group

    @property
    def points(self) -> float:
        return self.total / SCALE


@dataclass(frozen=True)
class Shortlist:
    """The best eligible buddies for one request, and why the others are out."""

    request: int
    candidates: list[Candidate]
    eligible: int
    excluded: dict[Exclusion, int]  # buddies per rule; one buddy can fail several
    # The request's row as scored, per buddy: the total (milli-points) and the
    # `Exclusion` flags, so a caller lists the excluded buddies without scoring again.
    totals: IntArray = field(
        default_factory=lambda: np.zeros(0, np.int64), compare=False, repr=False
    )
    flags: FlagArray = field(
        default_factory=lambda: np.zeros(0, np.uint16), compare=False, repr=False
    )


def shortlist(
    request_index: int,
    requests: Requests,
    buddies: Buddies,
    weights: Weights | None = None,
    exclusions: Exclusions = NO_EXCLUSIONS,
    k: int = 10,
) -> Shortlist:
    """The top `k` eligible buddies for one request, best first, with explanations."""
    weights = weights or Weights()
    _check_compatible(requests, buddies)
    if not 0 <= request_index < len(requests):
        raise IndexError("request_index out of range")
    if k < 0:
        raise ValueError("k must be 0 or more")
    ri = np.array([request_index], dtype=np.int64)
    bi = np.arange(len(buddies), dtype=np.int64)
    contributions, flags, distance = _evaluate(requests, buddies, ri, bi, weights)
    for pairs, flag in exclusions.checked(len(requests), len(buddies)):
        if pairs.size:
            flags[pairs[pairs[:, 0] == request_index, 1]] |= np.uint16(flag)
    total = contributions.sum(axis=0)

    eligible = np.flatnonzero(flags == 0)
    n_eligible = int(eligible.size)
    if k == 0:
        eligible = eligible[:0]
    elif n_eligible > k:
        # The k-th best score, then everyone at or above it, so ties are broken
        # below by distance and row rather than by where argpartition put them.
        kth = -np.partition(-total[eligible], k - 1)[k - 1]
        eligible = eligible[total[eligible] >= kth]
    # Best score first; on a tie the nearer buddy, then the lower row.
    order = np.lexsort((eligible, distance[eligible], -total[eligible]))
    chosen = eligible[order[:k]]

    candidates = []
    for b in chosen.tolist():
        shared = {
            group: tuple(
                np.flatnonzero(
                    getattr(requests, group)[request_index] & getattr(buddies, group)[b]
                ).tolist()
            )
            for group in CODE_GROUPS
        }
        candidates.append(
            Candidate(
                buddy=b,
                total=int(total[b]),
                contributions=dict(
                    zip(CRITERIA, contributions[:, b].tolist(), strict=True)
                ),
                distance_km=float(distance[b]),
                shared=shared,
            )
        )
    counts = {
        flag: int(np.count_nonzero(flags & np.uint16(flag))) for flag in Exclusion
    }
    return Shortlist(
        request=request_index,
        candidates=candidates,
        eligible=n_eligible,
        excluded={flag: n for flag, n in counts.items() if n},
        totals=total,
        flags=flags,
    )


@dataclass(frozen=True, eq=False)
class Assignment:
    """A proposal: the buddy row of each request (-1: none) and its total score."""

    buddy_of: IntArray
    total: int  # milli-points
    method: str

    @property
    def matched(self) -> int:
        return int(np.count_nonzero(self.buddy_of >= 0))

    @property
    def points(self) -> float:
        return self.total / SCALE

    def pairs(self) -> list[tuple[int, int]]:
        """(request, buddy) of every proposed match, by request."""
        requests = np.flatnonzero(self.buddy_of >= 0)
        return list(
            zip(requests.tolist(), self.buddy_of[requests].tolist(), strict=True)
        )


def _capacities(capacities: Any, n_buddies: int) -> IntArray:
    caps = _column(capacities, np.int64, n_buddies, "capacities")
    clipped: IntArray = np.maximum(caps, 0)
    return clipped


AnyScores = Scores | PairScores | PairTotals


def _arcs(
    scores: AnyScores, caps: IntArray, positive_only: bool
) -> tuple[IntArray, IntArray, IntArray]:
    """(request, buddy, total) of the eligible pairs whose buddy has a place."""
    if isinstance(scores, Scores):
        mask = (scores.excluded == 0) & (caps > 0)[None, :]
        if positive_only:
            mask &= scores.total > 0
        r, b = np.nonzero(mask)
        return r.astype(np.int64), b.astype(np.int64), scores.total[r, b]
    mask = caps[scores.buddy] > 0
    if isinstance(scores, PairScores):
        mask &= scores.excluded == 0
    if positive_only:
        mask &= scores.total > 0
    return scores.request[mask], scores.buddy[mask], scores.total[mask]


# Up to this many cells (requests x free places) a batch is solved as a dense
# assignment problem (SciPy's linear_sum_assignment); above it, as a min-cost flow
# (OR-Tools). Measured on the regional instances (bench/matching.py): the dense
# solver is 2-5 times faster up to 500 x 200 and still faster at 1,000 x 730.
DENSE_MAX_CELLS = 400_000
# linear_sum_assignment works in float64: every sum it forms stays below this, so
# it is exact on the integer profits.
EXACT_FLOAT = 2**52


def batch(
    scores: AnyScores,
    capacities: Any,
    objective: Objective | str = Objective.BEST_FIT,
) -> Assignment:
    """An optimal proposal for all requests under every buddy's capacity.

    Small problems are a dense assignment problem: a column per free place (each
    buddy cloned once per place) and a row per request, the profit of a cell the
    pair's score when it may be chosen and 0 when not, solved by SciPy's
    `linear_sum_assignment` (a shortest augmenting path method). For BEST_FIT only
    pairs scoring more than 0 may be chosen, so a request stays unmatched unless
    its match adds to the total. For MOST_MATCHED every eligible pair may, at its
    score plus a bonus `big` larger than any difference between two proposals'
    totals: one more match always outweighs any gain in score, so the result has
    the most matches and, among those, the largest total. A cell of profit 0 in
    the solution is no match.

    Larger problems are a min-cost flow over one arc per eligible pair (with many
    arcs, first over the promising ones only, with a proof that the result is
    optimal over all: `_certified`; without the proof, over all of them). The side
    with fewer units supplies the flow: each request one unit, or, when free places
    are scarcer than requests, each buddy one unit per free place; the other side's
    arcs to the sink carry at most its own number (nationally about a tenth faster
    than always starting at the requests). A pair's arc costs `top - score`, `top`
    being the best score, so costs are 0 or more (OR-Tools solved the national
    benchmark about a fifth faster this way than with negative costs) and the
    cheapest flow has the largest total score. BEST_FIT also lets every unit go
    straight to the sink at cost `top` (pairs scoring 0 or less are left out);
    MOST_MATCHED asks OR-Tools for the maximum flow of minimum cost.
    """
    objective = Objective(objective)
    best_fit = objective is Objective.BEST_FIT
    n_r, n_b = scores.n_requests, scores.n_buddies
    caps = _capacities(capacities, n_b)
    if isinstance(scores, Scores):
        places = int(caps.sum())
        if n_r * places <= DENSE_MAX_CELLS:
            total = scores.total
            allowed = scores.excluded == 0
            if best_fit:
                allowed &= total > 0
            found = _dense(total, allowed, caps, places, best_fit)
            if found is not None:
                return found
    r, b, w = _arcs(scores, caps, positive_only=best_fit)
    buddy_of = np.full(n_r, -1, dtype=np.int64)
    if r.size == 0:
        return Assignment(buddy_of=buddy_of, total=0, method=f"none:{objective.value}")
    requests_in = np.flatnonzero(np.bincount(r, minlength=n_r))
    buddies_in = np.flatnonzero(np.bincount(b, minlength=n_b))
    places_in = caps[buddies_in]
    if not isinstance(scores, Scores) and (
        requests_in.size * int(places_in.sum()) <= DENSE_MAX_CELLS
    ):
        found = _sparse_as_dense(
            r, b, w, n_r, requests_in, buddies_in, places_in, best_fit
        )
        if found is not None:
            return found
    return _min_cost_flow(
        r, b, w, n_r, n_b, requests_in, buddies_in, places_in, objective
    )


def _dense(
    total: IntArray,
    allowed: BoolArray,
    caps: IntArray,
    places: int,
    best_fit: bool,
    rows: IntArray | None = None,
    columns: IntArray | None = None,
    n_requests: int | None = None,
) -> Assignment | None:
    """`batch` as a dense assignment problem on a (requests, buddies) matrix; None
    when the sums could be too large for an exact float64 solution.

    `rows` and `columns` are the requests and buddies the matrix rows and columns
    stand for (default: all of them, in order)."""
    objective = Objective.BEST_FIT if best_fit else Objective.MOST_MATCHED
    n_rows = total.shape[0]
    n_out = n_rows if n_requests is None else n_requests
    buddy_of = np.full(n_out, -1, dtype=np.int64)
    method = f"linear_sum_assignment:{objective.value}"
    if places == 0 or n_rows == 0:
        return Assignment(buddy_of=buddy_of, total=0, method=method)
    # The buddy (column of `total`) of each free place.
    clone = np.repeat(np.arange(caps.shape[0]), caps)
    profit = total[:, clone]
    ok = allowed[:, clone]
    pairs = min(n_rows, places)
    if best_fit:
        if pairs * max(int(profit.max()), 0) >= EXACT_FLOAT:
            return None
    else:
        # Larger than the spread of any proposal's total over its matches.
        big = pairs * (max(int(profit.max()), 0) - min(int(profit.min()), 0)) + 1
        if pairs * (2 * big) >= EXACT_FLOAT:
            return None
        profit = profit + big
    profit[~ok] = 0
    r, c = _lsa(profit)
    used = ok[r, c]
    r, c = r[used], c[used]
    b = clone[c]
    gained = int(total[r, b].sum())
    if rows is not None and columns is not None:
        r, b = rows[r], columns[b]
    buddy_of[r] = b
    return Assignment(buddy_of=buddy_of, total=gained, method=method)


def _lsa(profit: IntArray) -> tuple[IntArray, IntArray]:
    r, c = linear_sum_assignment(profit, maximize=True)
    return r, c


def _sparse_as_dense(
    r: IntArray,
    b: IntArray,
    w: IntArray,
    n_r: int,
    requests_in: IntArray,
    buddies_in: IntArray,
    places_in: IntArray,
    best_fit: bool,
) -> Assignment | None:
    """A small sparse problem as the dense one of its requests and buddies."""
    row_of = np.full(n_r, -1, dtype=np.int64)
    row_of[requests_in] = np.arange(requests_in.size)
    column_of = np.full(int(buddies_in.max()) + 1, -1, dtype=np.int64)
    column_of[buddies_in] = np.arange(buddies_in.size)
    rows, columns = row_of[r], column_of[b]
    total = np.zeros((requests_in.size, buddies_in.size), dtype=np.int64)
    allowed = np.zeros(total.shape, dtype=np.bool_)
    total[rows, columns] = w
    allowed[rows, columns] = True
    return _dense(
        total,
        allowed,
        places_in,
        int(places_in.sum()),
        best_fit,
        rows=requests_in,
        columns=buddies_in,
        n_requests=n_r,
    )


def _min_cost_flow(
    r: IntArray,
    b: IntArray,
    w: IntArray,
    n_r: int,
    n_b: int,
    requests_in: IntArray,
    buddies_in: IntArray,
    places: IntArray,
    objective: Objective,
) -> Assignment:
    """`batch` as a min-cost flow (see there) over the arcs (r, b) of score w:
    certified on the promising arcs first when there are many (`_certified`)."""
    best_fit = objective is Objective.BEST_FIT
    buddy_of = np.full(n_r, -1, dtype=np.int64)
    used = None
    if r.size >= CERTIFY_MIN_ARCS:
        gain = _gains(w, requests_in.size, int(places.sum()), n_r + n_b, objective)
        if gain is not None:
            caps = np.zeros(n_b, dtype=np.int64)
            caps[buddies_in] = places
            used = _certified(r, b, w, gain, n_r, n_b, caps, best_fit)
    method = f"certified_flow:{objective.value}"
    if used is None:
        method = f"min_cost_flow:{objective.value}"
        used = _flow(r, b, w, n_r, n_b, requests_in, buddies_in, places, best_fit)
    buddy_of[r[used]] = b[used]
    return Assignment(buddy_of=buddy_of, total=int(w[used].sum()), method=method)


def _gains(
    w: IntArray, n_requests: int, n_places: int, n_nodes: int, objective: Objective
) -> IntArray | None:
    """What the certified flow maximises: the scores for BEST_FIT (all above 0
    here), for MOST_MATCHED each score plus a bonus larger than the spread of any
    proposal's total, so a match more always comes first (as in `_dense`). None
    when the numbers that makes could overflow 64-bit integers."""
    if objective is Objective.BEST_FIT:
        return w
    pairs = min(n_requests, n_places)
    big = pairs * (max(int(w.max()), 0) - min(int(w.min()), 0)) + 1
    if (2 * big) * (n_nodes + 1) * max(pairs, 1) >= 2**62:
        return None
    gain: IntArray = w + big
    return gain


def _flow(
    r: IntArray,
    b: IntArray,
    w: IntArray,
    n_r: int,
    n_b: int,
    requests_in: IntArray,
    buddies_in: IntArray,
    places: IntArray,
    best_fit: bool,
) -> BoolArray:
    """The min-cost flow of `batch` (see there): which arcs (r, b) it uses."""
    # Nodes: buddies and requests (each side numbered from its offset), then the
    # sink; requests and buddies without an arc are isolated and take no part.
    sink = n_r + n_b
    if int(places.sum()) < requests_in.size:
        r_at, b_at = n_b, 0
        pair_tails, pair_heads = b + b_at, r + r_at
        supplier, supply = buddies_in + b_at, places
        receiver, receives = requests_in + r_at, np.ones(requests_in.size, np.int64)
    else:
        r_at, b_at = 0, n_r
        pair_tails, pair_heads = r + r_at, b + b_at
        supplier, supply = requests_in + r_at, np.ones(requests_in.size, np.int64)
        receiver, receives = buddies_in + b_at, places

    m, n_in, n_out = r.size, supplier.size, receiver.size
    n_arcs = m + n_out + (n_in if best_fit else 0)
    tails = np.empty(n_arcs, dtype=np.int32)
    heads = np.empty(n_arcs, dtype=np.int32)
    arc_caps = np.empty(n_arcs, dtype=np.int64)
    costs = np.empty(n_arcs, dtype=np.int64)
    top = int(w.max())
    tails[:m], heads[:m], arc_caps[:m] = pair_tails, pair_heads, 1
    np.subtract(top, w, out=costs[:m])
    end = m + n_out
    tails[m:end], heads[m:end], arc_caps[m:end], costs[m:end] = (
        receiver,
        sink,
        receives,
        0,
    )
    if best_fit:
        tails[end:], heads[end:], arc_caps[end:], costs[end:] = (
            supplier,
            sink,
            supply,
            top,
        )

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, arc_caps, costs)
    flow.set_nodes_supplies(
        np.append(supplier, sink).astype(np.int32),
        np.append(supply, -int(supply.sum())),
    )
    status = flow.solve() if best_fit else flow.solve_max_flow_with_min_cost()
    # Reading flows after a failed solve crashes OR-Tools 9.15, so check first.
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: {status}")
    used: BoolArray = np.asarray(flow.flows(np.arange(m, dtype=np.int32))) > 0
    return used


# From this many arcs on, `batch` first solves the flow on the promising arcs only
# and proves the result optimal for all of them (`_certified`): nationally (about a
# million arcs) 1.7 times as fast, and faster from about 100,000 arcs on. The
# settings below were chosen on five generated instances from 2,000 x 1,000 to
# 20,000 x 10,000, both objectives (the sum of the times, not the benchmark's alone).
CERTIFY_MIN_ARCS = 100_000
# Promising arcs: within this share of the way from the average of a request's (or a
# buddy's) gains to its best one.
PROMISING = 0.45
# After a round whose proof fails, arcs this close to paying (as a share of the
# median request's spread between its best and its average gain) join the next one.
SLACK = 0.2
CERTIFY_ROUNDS = 3
# When the chosen arcs are more than this share of all, the flow over all of them
# is about as fast: it decides instead.
CERTIFY_MAX_SHARE = 0.5
# The prices settle within this many passes over the arcs, or the proof is given up
# (then the flow over all arcs decides).
DUAL_PASSES = 200


def _certified(
    r: IntArray,
    b: IntArray,
    w: IntArray,
    gain: IntArray,
    n_r: int,
    n_b: int,
    caps: IntArray,
    best_fit: bool,
) -> BoolArray | None:
    """The arcs of a proposal with the largest total gain (all gains above 0) over
    all arcs (r, b), from flows over some of them, with a proof; None when no round
    finds one.

    Each round solves the flow on the arcs chosen so far (for MOST_MATCHED OR-Tools'
    maximum flow of minimum cost on the scores `w`: on those arcs the same as the
    largest total gain, and faster than a flow on the gains' larger costs), then
    derives prices from its solution (`_duals`): u per request (what its match
    earns beyond its buddy's price, 0 unmatched) and v per buddy (0 with a place
    left). Whenever u >= 0, v >= 0, u[i] + v[j] >= gain(i, j) on every arc, chosen
    or not, and sum(u) + sum(places * v) equals the solution's total gain, no
    proposal does better: each match (i, j) of any proposal gains at most
    u[i] + v[j], each request is matched once and each buddy at most its places, so
    its total is at most that sum (LP duality). The proof is checked on every arc,
    in integers; when it fails, the arcs that broke it or came close join the
    chosen ones and the next round solves again.
    """
    m = r.size
    best_r = np.full(n_r, np.iinfo(np.int64).min)
    np.maximum.at(best_r, r, gain)
    best_b = np.full(n_b, np.iinfo(np.int64).min)
    np.maximum.at(best_b, b, gain)
    count_r = np.maximum(np.bincount(r, minlength=n_r), 1)
    count_b = np.maximum(np.bincount(b, minlength=n_b), 1)
    spread_r = best_r - np.bincount(r, weights=gain, minlength=n_r) / count_r
    spread_b = best_b - np.bincount(b, weights=gain, minlength=n_b) / count_b
    chosen = gain >= (best_r - PROMISING * spread_r)[r]
    chosen |= gain >= (best_b - PROMISING * spread_b)[b]
    has_arcs = np.flatnonzero(np.bincount(r, minlength=n_r))
    slack = max(1.0, SLACK * float(np.median(spread_r[has_arcs])))
    for _ in range(CERTIFY_ROUNDS):
        at = np.flatnonzero(chosen)
        if at.size > CERTIFY_MAX_SHARE * m:
            return None  # no saving left: the flow over all arcs instead
        rs, bs, gs = r[at], b[at], gain[at]
        requests_in = np.flatnonzero(np.bincount(rs, minlength=n_r))
        buddies_in = np.flatnonzero(np.bincount(bs, minlength=n_b))
        used = _flow(
            rs, bs, w[at], n_r, n_b, requests_in, buddies_in, caps[buddies_in], best_fit
        )
        prices = _duals(rs, bs, gs, used, n_r, n_b)
        if prices is None:
            return None
        u, v = prices
        short = gain - u[r]
        short -= v[b]
        if (
            int(short.max()) <= 0
            and int(u.min()) >= 0
            and int(u.sum()) + int((caps * v).sum()) == int(gs[used].sum())
        ):
            result = np.zeros(m, dtype=np.bool_)
            result[at[used]] = True
            return result
        chosen |= short > -slack
    return None


def _duals(
    r: IntArray, b: IntArray, gain: IntArray, used: BoolArray, n_r: int, n_b: int
) -> tuple[IntArray, IntArray] | None:
    """Prices (u per request, v per buddy) for the solution `used` on these arcs,
    or None if they do not settle in `DUAL_PASSES` passes.

    The smallest buddy prices with u[i] = gain(i, m(i)) - v[m(i)] for a matched
    request (0 unmatched) and v[j] >= gain(i, j) - u[i] on every arc: from v = 0,
    each pass raises every v[j] to the largest gain(i, j) - u[i] over its arcs
    (Bellman-Ford for longest paths, integers only). At an optimal solution there
    is no cycle to gain on, so they settle; `_certified` checks the rest."""
    base = np.zeros(n_r, dtype=np.int64)
    match = np.full(n_r, n_b, dtype=np.int64)  # n_b: no buddy, price 0
    base[r[used]] = gain[used]
    match[r[used]] = b[used]
    order = np.argsort(b, kind="stable")
    rb, bb, gb = r[order], b[order], gain[order]
    starts = np.flatnonzero(np.r_[True, bb[1:] != bb[:-1]])
    buddies = bb[starts]
    v = np.zeros(n_b + 1, dtype=np.int64)
    now = v[buddies]
    for _ in range(DUAL_PASSES):
        u = base - v[match]
        raised = np.maximum(now, np.maximum.reduceat(gb - u[rb], starts))
        if np.array_equal(raised, now):
            return u, v[:n_b]
        now = raised
        v[buddies] = raised
    return None


def greedy(scores: AnyScores, capacities: Any) -> Assignment:
    """The baseline: requests in row order, each takes its best buddy still free
    (on equal scores the lower buddy row)."""
    n_r, n_b = scores.n_requests, scores.n_buddies
    free = _capacities(capacities, n_b).copy()
    r, b, w = _arcs(scores, free, positive_only=False)
    buddy_of = np.full(n_r, -1, dtype=np.int64)
    if r.size == 0:
        return Assignment(buddy_of=buddy_of, total=0, method="greedy")
    if not bool(np.all(r[1:] >= r[:-1])):
        order = np.argsort(r, kind="stable")
        r, b, w = r[order], b[order], w[order]
    if int(np.abs(w).max()) * n_b >= 2**62:
        return _greedy_sorted(r, b, w, n_r, free)
    # One number per arc that orders a request's buddies: score, then lower row.
    rank = w * n_b + (n_b - 1 - b)
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    ends = np.append(starts[1:], r.size).tolist()
    firsts = np.maximum.reduceat(rank, starts).tolist()
    total = 0
    free_list = free.tolist()
    for i, lo, hi, best in zip(
        r[starts].tolist(), starts.tolist(), ends, firsts, strict=True
    ):
        j = n_b - 1 - best % n_b
        if free_list[j] <= 0:
            # The favourite is taken: the best of those still free, if any.
            open_ = free[b[lo:hi]] > 0
            if not open_.any():
                continue
            best = int(rank[lo:hi][open_].max())
            j = n_b - 1 - best % n_b
        buddy_of[i] = j
        free_list[j] -= 1
        free[j] -= 1
        total += (best - (n_b - 1 - j)) // n_b
    return Assignment(buddy_of=buddy_of, total=total, method="greedy")


def _greedy_sorted(
    r: IntArray, b: IntArray, w: IntArray, n_r: int, free: IntArray
) -> Assignment:
    """`greedy` for scores too large to fold with the buddy row into one integer."""
    order = np.lexsort((b, -w, r))
    r, b, w = r[order], b[order], w[order]
    starts = np.searchsorted(r, np.arange(n_r + 1, dtype=np.int64))
    buddy_of = np.full(n_r, -1, dtype=np.int64)
    total = 0
    for i in range(n_r):
        lo, hi = int(starts[i]), int(starts[i + 1])
        if lo == hi:
            continue
        open_ = free[b[lo:hi]] > 0
        first = int(open_.argmax())
        if not open_[first]:
            continue
        j = lo + first
        buddy_of[i] = b[j]
        free[b[j]] -= 1
        total += int(w[j])
    return Assignment(buddy_of=buddy_of, total=total, method="greedy")


def code_matrix(rows: Iterable[Iterable[str]], columns: Sequence[str]) -> BoolArray:
    """A boolean (rows, codes) matrix from each row's codes; unknown codes are ignored."""
    position = {code: i for i, code in enumerate(columns)}
    row_list = list(rows)
    matrix = np.zeros((len(row_list), len(columns)), dtype=np.bool_)
    for i, codes in enumerate(row_list):
        for code in codes:
            j = position.get(code)
            if j is not None:
                matrix[i, j] = True
    return matrix


def bitmask(values: Iterable[str], columns: Sequence[str]) -> int:
    """A bitmask of `values` over `columns` (at most 63); unknown values are ignored."""
    if len(columns) > 63:
        raise ValueError("a bitmask holds at most 63 values")
    position = {value: i for i, value in enumerate(columns)}
    mask = 0
    for value in values:
        i = position.get(value)
        if i is not None:
            mask |= 1 << i
    return mask
