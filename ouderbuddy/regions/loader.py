"""Load the reference data (gemeenten, SWVs, PC4 areas) from the CSVs in data/."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model

if TYPE_CHECKING:
    from django.apps.registry import Apps

DATA_DIR = Path(__file__).resolve().parent / "data"
EARTH_RADIUS_KM = 6371.0

# The 2015 regulation writes this instead of an SWV code for the port area, where
# nobody lives; it means "no SWV", not a district of its own.
NO_DISTRICT = "Europoort"

# Plain strings instead of the TextChoices in models.py: this module runs inside a
# data migration, which must keep working when the current models change.
SOURCE_REGULATION = "regulation"
SOURCE_NEAREST = "nearest"
SOURCE_NONE = "none"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points, unrounded."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    h = (
        math.sin(d_phi / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    )
    # min() guards asin against a float rounding h to just above 1 (antipodes).
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class LoadResult:
    """What one run of the loader wrote, for the management command to report."""

    municipalities: int
    districts: int
    postcodes: int
    nearest: int
    without_district: int
    removed: int


@dataclass(frozen=True)
class _Centroid:
    pc4: str
    latitude: float
    longitude: float
    municipality: str
    places: str


def _read_csv(name: str, data_dir: Path) -> list[dict[str, str]]:
    """All rows of one CSV file in `data_dir` as dicts keyed by the header."""
    # newline="" because the files have CRLF line endings and quoted commas.
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _swv_code(value: str) -> str | None:
    """The SWV code of a cell of the 2015 table, or None for 'no SWV'."""
    value = value.strip()
    return None if value in ("", NO_DISTRICT) else value


def _nearest_assigned(
    target: _Centroid,
    assigned: dict[str, tuple[str, str]],
    centroids: dict[str, _Centroid],
) -> str:
    """The PC4 with SWVs nearest to `target`, preferring its own municipality."""
    # A new postcode is nearly always split off an existing one in the same
    # gemeente, and SWV borders follow gemeente borders, so look there first.
    candidates = [
        pc4 for pc4 in assigned if centroids[pc4].municipality == target.municipality
    ] or list(assigned)

    def distance(pc4: str) -> tuple[float, str]:
        other = centroids[pc4]
        km = haversine_km(
            target.latitude, target.longitude, other.latitude, other.longitude
        )
        # The PC4 breaks ties, so the result never depends on dict order.
        return km, pc4

    return min(candidates, key=distance)


def load_reference_data(
    apps: Apps | None = None,
    *,
    using: str = DEFAULT_DB_ALIAS,
    data_dir: Path = DATA_DIR,
) -> LoadResult:
    """Create or update all reference rows from the CSVs; safe to run again."""
    registry = apps or global_apps
    Municipality = registry.get_model("regions", "Municipality")
    District = registry.get_model("regions", "CooperationDistrict")
    PostcodeArea = registry.get_model("regions", "PostcodeArea")

    municipalities = [
        Municipality(
            code=row["GemeentecodeGM"],
            name=row["Gemeentenaam"],
            province_code=row["ProvinciecodePV"],
            province=row["Provincienaam"],
        )
        for row in _read_csv("nl_gemeenten.csv", data_dir)
    ]
    municipality_codes = {m.code for m in municipalities}

    district_rows = _read_csv("swv_passend_onderwijs.csv", data_dir)
    districts = [
        District(
            code=row["swv_code"],
            sector=row["sector"].strip().lower(),
            display_code=row["code_weergave"],
            province=row["provincie"],
            # The data has no SWV names (see data/NOTICE.md).
            name="",
        )
        for row in district_rows
    ]
    district_codes = {d.code for d in districts}

    district_municipalities: set[tuple[str, str]] = set()
    for row in district_rows:
        for entry in row["gemeenten_huidig_afgeleid"].split("|"):
            # Each entry is "GM0014 Groningen"; only the code matters.
            code = entry.strip().split(" ", 1)[0]
            if not code:
                continue
            if code not in municipality_codes:
                raise ValueError(f"{row['swv_code']}: unknown gemeente {code!r}")
            district_municipalities.add((row["swv_code"], code))

    centroids: dict[str, _Centroid] = {}
    for row in _read_csv("nl_pc4_centroids.csv", data_dir):
        if row["gemeente_code"] not in municipality_codes:
            raise ValueError(
                f"PC4 {row['pc4']}: unknown gemeente {row['gemeente_code']!r}"
            )
        centroids[row["pc4"]] = _Centroid(
            pc4=row["pc4"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            municipality=row["gemeente_code"],
            places=", ".join(
                p.strip() for p in row["plaatsen"].split("|") if p.strip()
            ),
        )

    regulation: dict[str, tuple[str | None, str | None]] = {}
    for row in _read_csv("swv_regio_indeling_pc4_2015.csv", data_dir):
        po, vo = _swv_code(row["po_swv"]), _swv_code(row["vo_swv"])
        for swv in (po, vo):
            if swv is not None and swv not in district_codes:
                raise ValueError(f"PC4 {row['pc4']}: unknown SWV {swv!r}")
        regulation[row["pc4"]] = (po, vo)

    # Only PC4s with a point and both SWVs can lend their SWVs to a newer PC4.
    assigned: dict[str, tuple[str, str]] = {
        pc4: (po, vo)
        for pc4, (po, vo) in regulation.items()
        if pc4 in centroids and po is not None and vo is not None
    }

    postcodes = []
    nearest = without_district = 0
    for pc4, centroid in centroids.items():
        if pc4 in regulation:
            po, vo = regulation[pc4]
            source = SOURCE_REGULATION if (po or vo) else SOURCE_NONE
        else:
            # Postcodes created after 2015 are not in the regulation table.
            po, vo = assigned[_nearest_assigned(centroid, assigned, centroids)]
            source = SOURCE_NEAREST
            nearest += 1
        if source == SOURCE_NONE:
            without_district += 1
        postcodes.append(
            PostcodeArea(
                pc4=pc4,
                latitude=centroid.latitude,
                longitude=centroid.longitude,
                municipality_id=centroid.municipality,
                places=centroid.places,
                po_district_id=po,
                vo_district_id=vo,
                district_source=source,
            )
        )

    m2m = District._meta.get_field("municipalities")
    Through = m2m.remote_field.through
    district_attname = f"{m2m.m2m_field_name()}_id"
    municipality_attname = f"{m2m.m2m_reverse_field_name()}_id"

    with transaction.atomic(using=using):
        # Upsert rather than delete + insert: organisations link to the SWVs, and
        # deleting an SWV would silently drop those links.
        Municipality.objects.using(using).bulk_create(
            municipalities,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "province_code", "province"],
        )
        District.objects.using(using).bulk_create(
            districts,
            update_conflicts=True,
            unique_fields=["code"],
            # Not "name": the data has none, so keep a name that was set elsewhere.
            update_fields=["sector", "display_code", "province"],
        )
        # Only this app writes the district-gemeente links, so replacing them is safe.
        Through.objects.using(using).all().delete()
        Through.objects.using(using).bulk_create(
            [
                Through(**{district_attname: d, municipality_attname: m})
                for d, m in sorted(district_municipalities)
            ]
        )
        PostcodeArea.objects.using(using).bulk_create(
            postcodes,
            update_conflicts=True,
            unique_fields=["pc4"],
            update_fields=[
                "latitude",
                "longitude",
                "municipality",
                "places",
                "po_district",
                "vo_district",
                "district_source",
            ],
        )
        removed = _delete_stale(PostcodeArea, "pc4", set(centroids), using)
        removed += _delete_stale(District, "code", district_codes, using)
        removed += _delete_stale(Municipality, "code", municipality_codes, using)

    return LoadResult(
        municipalities=len(municipalities),
        districts=len(districts),
        postcodes=len(postcodes),
        nearest=nearest,
        without_district=without_district,
        removed=removed,
    )


def _delete_stale(model: type[Model], key: str, keep: set[str], using: str) -> int:
    """Delete the rows whose `key` is no longer in the data; return how many."""
    # Compare in Python: a NOT IN with thousands of parameters is slow and can hit
    # SQLite's parameter limit, and usually nothing is stale at all.
    manager = model._default_manager.using(using)
    stale = set(manager.values_list(key, flat=True)) - keep
    if not stale:
        return 0
    manager.filter(**{f"{key}__in": sorted(stale)}).delete()
    return len(stale)
