"""Seeded matching instances for the benchmarks, and the helpers that time them.

No database and no Django: the instances are plain engine arrays made on the real PC4
centroids and the 2015 PO-SWV table in `ouderbuddy/regions/data/`, with code counts as
in the taxonomy (17 issue, 27 need, 25 route/transition codes) and Zipf-like code
popularity. `bench/matching.py` and `bench/matching_size.py` both use them, so the
two measure the same instances.

- `make_instance`: requests and buddies around Utrecht (`within_km`), on chosen PC4s
  (`pool`), or all over the country; `tiles` copies the country side by side, far
  enough apart that no pair crosses, for more buddies than the country holds at the
  national instance's density.
- `sized_instance`: any size. Small sizes are a region (dense scoring, as the region
  benchmark); larger ones keep the national instance's density of buddies (10,000 x
  5,000 all over the country: 20-200 eligible buddies for most requests), so the
  engine scores KD-tree candidate pairs only.
"""

from __future__ import annotations

import csv
import functools
import gc
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ouderbuddy.matching.engine import Buddies, Exclusions, Requests

DATA = Path(__file__).resolve().parent.parent / "ouderbuddy" / "regions" / "data"
SEED = 20261122
# Code counts per group as in ouderbuddy/taxonomy/data/experience_codes.csv.
N_ISSUE, N_NEED, N_ROUTE = 17, 27, 25
N_LANGUAGES, N_CONTACT_MODES = 21, 5
UTRECHT = (52.0907, 5.1214)
# The region benchmark: everyone within this distance of Utrecht.
REGION_KM = 20.0
# Up to this size `sized_instance` makes a region and the full matrix is scored.
DENSE_MAX_CELLS = 250_000
DENSE_MAX_BUDDIES = 500
# The national benchmark's buddies over the whole country: the density kept above.
NATION_BUDDIES = 5_000
# Longitude between copies of the country: NL spans under 4 degrees, so the copies
# are about 80 km apart, beyond every travel and search distance (at most 40 km).
TILE_LON_DEG = 5.0


@dataclass
class Geography:
    lat: np.ndarray
    lon: np.ndarray
    swv: np.ndarray


@functools.cache
def load_geography() -> Geography:
    """PC4 centroids with a number per PO SWV (-1 where the 2015 table has none).
    Read once per process; the arrays are shared, so do not change them."""
    swv_of: dict[str, str] = {}
    with open(DATA / "swv_regio_indeling_pc4_2015.csv", newline="") as f:
        for row in csv.DictReader(f):
            swv_of[row["pc4"]] = row["po_swv"]
    lat, lon, swv = [], [], []
    numbers: dict[str, int] = {}
    with open(DATA / "nl_pc4_centroids.csv", newline="") as f:
        for row in csv.DictReader(f):
            lat.append(float(row["latitude"]))
            lon.append(float(row["longitude"]))
            code = swv_of.get(row["pc4"], "")
            swv.append(numbers.setdefault(code, len(numbers)) if code else -1)
    return Geography(np.array(lat), np.array(lon), np.array(swv, dtype=np.int64))


def km_between(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> Any:
    phi, phi0 = np.radians(lat), np.radians(lat0)
    h = (
        np.sin((phi - phi0) / 2) ** 2
        + np.cos(phi) * np.cos(phi0) * np.sin(np.radians(lon - lon0) / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


def _popularity(rng: np.random.Generator, k: int) -> np.ndarray:
    """Zipf-like code popularity: a few codes (autism, ADHD, OPP) are common."""
    weights = 1.0 / np.arange(1, k + 1) ** 0.9
    rng.shuffle(weights)
    return weights / weights.sum()


def _code_sets(
    rng: np.random.Generator,
    n: int,
    k: int,
    popularity: np.ndarray,
    counts: list[int],
    p: list[float],
) -> np.ndarray:
    matrix = np.zeros((n, k), dtype=bool)
    sizes = rng.choice(counts, size=n, p=p)
    for i, size in enumerate(sizes.tolist()):
        if size:
            matrix[i, rng.choice(k, size=size, replace=False, p=popularity)] = True
    return matrix


def _bitmasks(rng: np.random.Generator, n: int, k: int, low: int, high: int) -> Any:
    masks = np.zeros(n, dtype=np.int64)
    sizes = rng.integers(low, high + 1, size=n)
    for i, size in enumerate(sizes.tolist()):
        for bit in rng.choice(k, size=size, replace=False).tolist():
            masks[i] |= 1 << bit
    return masks


def _places(
    geo: Geography, rng: np.random.Generator, n: int, pool: np.ndarray, tiles: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    at = rng.choice(pool, size=n)
    lat = geo.lat[at] + rng.normal(0, 0.008, size=n)
    lon = geo.lon[at] + rng.normal(0, 0.012, size=n)
    swv = geo.swv[at]
    if tiles > 1:  # no extra draws otherwise: the one-country streams stay as they were
        tile = rng.integers(0, tiles, size=n)
        lon = lon + tile * TILE_LON_DEG
        swv = np.where(swv >= 0, swv + tile * (int(geo.swv.max()) + 1), -1)
    return lat, lon, swv


@dataclass
class Instance:
    requests: Requests
    buddies: Buddies
    exclusions: Exclusions


def make_instance(
    geo: Geography,
    n_requests: int,
    n_buddies: int,
    seed: int,
    within_km: float | None = None,
    all_free: bool = False,
    pool: np.ndarray | None = None,
    tiles: int = 1,
) -> Instance:
    """A seeded instance; `within_km` keeps everyone that close to Utrecht (a region),
    `pool` on those PC4 rows; `all_free` gives every buddy all their places free (no
    current matches); `tiles` copies of the country side by side."""
    rng = np.random.default_rng(seed)
    if pool is None:
        pool = np.arange(geo.lat.shape[0])
    if within_km is not None:
        pool = pool[km_between(geo.lat[pool], geo.lon[pool], *UTRECHT) <= within_km]
    pop = {
        "issue": _popularity(rng, N_ISSUE),
        "need": _popularity(rng, N_NEED),
        "route": _popularity(rng, N_ROUTE),
    }

    lat, lon, swv = _places(geo, rng, n_requests, pool, tiles)
    language = np.where(
        rng.random(n_requests) < 0.85,
        1,
        1 << rng.integers(1, N_LANGUAGES, size=n_requests),
    ).astype(np.int64)
    modes = _bitmasks(rng, n_requests, N_CONTACT_MODES, 1, 3)
    modes[rng.random(n_requests) < 0.2] = 0  # no preference
    # Drawn in this order (keyword arguments were, before): every instance stays.
    issue = _code_sets(
        rng, n_requests, N_ISSUE, pop["issue"], [1, 2, 3], [0.4, 0.4, 0.2]
    )
    need = _code_sets(
        rng, n_requests, N_NEED, pop["need"], [0, 1, 2], [0.15, 0.55, 0.3]
    )
    route = _code_sets(rng, n_requests, N_ROUTE, pop["route"], [1, 2], [0.8, 0.2])
    max_km = rng.choice([10, 15, 25, 40], size=n_requests, p=[0.15, 0.2, 0.55, 0.1])
    wanted = rng.choice([0, 1, 2], size=n_requests, p=[0.8, 0.15, 0.05])
    days_waiting = rng.exponential(35.0, size=n_requests)
    requests = Requests(
        issue=issue,
        need=need,
        route=route,
        lat=lat,
        lon=lon,
        max_km=max_km,
        language=language,
        contact_modes=modes,
        buddy_gender=wanted,
        # A third of the gender wishes is "alleen" (a rule), the rest "liefst"; by
        # row, so no extra random draw changes the instances.
        gender_strict=(wanted != 0) & (np.arange(n_requests) % 3 == 0),
        days_waiting=days_waiting,
        swv=swv,
    )

    lat, lon, swv = _places(geo, rng, n_buddies, pool, tiles)
    languages = np.ones(n_buddies, dtype=np.int64)
    extra = rng.random(n_buddies) < 0.25
    languages[extra] |= 1 << rng.integers(1, N_LANGUAGES, size=int(extra.sum()))
    capacity = rng.choice([1, 2, 3], size=n_buddies, p=[0.5, 0.35, 0.15])
    busy = rng.integers(0, capacity + 1)
    buddies = Buddies(
        issue=_code_sets(
            rng, n_buddies, N_ISSUE, pop["issue"], [2, 3, 4, 5, 6], [0.2] * 5
        ),
        need=_code_sets(
            rng, n_buddies, N_NEED, pop["need"], [1, 2, 3], [0.5, 0.35, 0.15]
        ),
        route=_code_sets(
            rng, n_buddies, N_ROUTE, pop["route"], [1, 2, 3], [0.5, 0.35, 0.15]
        ),
        lat=lat,
        lon=lon,
        travel_km=rng.choice([10, 15, 20, 25, 30], size=n_buddies),
        languages=languages,
        contact_modes=_bitmasks(rng, n_buddies, N_CONTACT_MODES, 2, 5),
        gender=rng.choice([1, 2, 0], size=n_buddies, p=[0.75, 0.2, 0.05]),
        capacity=capacity,
        free_places=capacity if all_free else capacity - busy // 2,
        swv=swv,
        active=rng.random(n_buddies) < 0.9,
        vog_valid=rng.random(n_buddies) < 0.97,
        trained=rng.random(n_buddies) < 0.95,
    )

    def some_pairs(share: float) -> np.ndarray:
        k = int(n_requests * share)
        return np.column_stack(
            (rng.choice(n_requests, size=k), rng.integers(0, n_buddies, size=k))
        )

    exclusions = Exclusions(
        conflict_of_interest=some_pairs(0.01),
        previously_matched=some_pairs(0.03),
        declined_before=some_pairs(0.05),
    )
    return Instance(requests, buddies, exclusions)


def is_dense(n_requests: int, n_buddies: int) -> bool:
    """Whether `sized_instance` makes a region whose full matrix is scored."""
    return n_requests * n_buddies <= DENSE_MAX_CELLS and n_buddies <= DENSE_MAX_BUDDIES


def sized_instance(
    geo: Geography, n_requests: int, n_buddies: int, seed: int = SEED
) -> Instance:
    """An instance of any size (see the module's docstring).

    Dense: the region benchmark's geography (everyone within 20 km of Utrecht), so
    500 x 200 is the region instance. Sparse: as many buddies per PC4 as the national
    instance (5,000 over the whole country): fewer buddies live on the PC4s nearest
    to Utrecht, more on copies of the country, so 10,000 x 5,000 is the national
    instance (with its seed) and every size has about its eligible pairs per request.
    """
    if is_dense(n_requests, n_buddies):
        return make_instance(geo, n_requests, n_buddies, seed, within_km=REGION_KM)
    tiles = -(-n_buddies // NATION_BUDDIES)
    share = n_buddies / (tiles * NATION_BUDDIES)
    n_pc4 = geo.lat.shape[0]
    keep = max(1, round(share * n_pc4))
    pool = None
    if keep < n_pc4:
        nearest = np.argsort(km_between(geo.lat, geo.lon, *UTRECHT), kind="stable")
        pool = np.sort(nearest[:keep])
    return make_instance(geo, n_requests, n_buddies, seed, pool=pool, tiles=tiles)


def open_places(buddies: Buddies) -> int:
    """Free places of the buddies who can be matched now."""
    matchable = buddies.active & buddies.vog_valid & buddies.trained
    return int(buddies.free_places[matchable].clip(0).sum())


# --- Timing and memory ---------------------------------------------------------------


def median_ms(fn: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    """The median of `repeats` timed calls after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def per_call_ms(
    fn: Callable[[], object], repeats: int, block_ms: float = 20.0
) -> float:
    """The median time of one call in ms, for calls far shorter than a timer's
    resolution or a garbage collection: `repeats` blocks of back-to-back calls, each
    block about `block_ms` long, after a warm-up block; the median over the blocks of
    a block's time divided by its calls (as `timeit` measures)."""
    start = time.perf_counter()
    fn()
    once_ms = (time.perf_counter() - start) * 1000
    calls = max(1, int(block_ms / max(once_ms, 1e-4)))
    for _ in range(calls):
        fn()
    samples = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) * 1000 / calls)
    return statistics.median(samples)


def rss_mib(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS, VmHWM), in MiB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def reset_peak_rss() -> bool:
    """Reset VmHWM (Linux: write 5 to clear_refs) so the next peak is this run's."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Peak:
    traced_mib: float  # tracemalloc: Python and NumPy, not OR-Tools' C++ allocations
    rss_grown_mib: float | None  # peak RSS over RSS before (all memory); None: unknown


def peak_memory(fn: Callable[[], object]) -> Peak:
    """The peak memory of one call of `fn`, measured two ways."""
    gc.collect()
    before = rss_mib("VmRSS")
    reset = reset_peak_rss()
    tracemalloc.start()
    try:
        fn()
        _, traced = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    grown = rss_mib("VmHWM") - before if reset else None
    if grown is not None and grown != grown:  # NaN: no /proc
        grown = None
    return Peak(traced_mib=traced / 2**20, rss_grown_mib=grown)
