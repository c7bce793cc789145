"""The reference data that migration 0002 loads, the loader itself and the admin."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import RequestFactory

from ouderbuddy.organisations.models import Organisation
from ouderbuddy.regions.loader import load_reference_data
from ouderbuddy.regions.models import (
    CooperationDistrict,
    DistrictSource,
    Municipality,
    PostcodeArea,
    Sector,
)

EUROPOORT = ["3197", "3198", "3199"]

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list[tuple]]:
    """Every reference row as plain tuples, to compare two loads."""
    through = CooperationDistrict.municipalities.through
    return {
        "municipalities": list(
            Municipality.objects.order_by("code").values_list(
                "code", "name", "province_code", "province"
            )
        ),
        "districts": list(
            CooperationDistrict.objects.order_by("code").values_list(
                "code", "sector", "display_code", "name", "province"
            )
        ),
        "links": list(
            through.objects.order_by(
                "cooperationdistrict_id", "municipality_id"
            ).values_list("cooperationdistrict_id", "municipality_id")
        ),
        "postcodes": list(
            PostcodeArea.objects.order_by("pc4").values_list(
                "pc4",
                "latitude",
                "longitude",
                "municipality_id",
                "places",
                "po_district_id",
                "vo_district_id",
                "district_source",
            )
        ),
    }


def test_counts_match_the_sources() -> None:
    assert Municipality.objects.count() == 342
    assert CooperationDistrict.objects.count() == 150
    assert CooperationDistrict.objects.filter(sector=Sector.PO).count() == 76
    assert CooperationDistrict.objects.filter(sector=Sector.VO).count() == 74
    assert PostcodeArea.objects.count() == 4086


def test_provinces_are_the_twelve_cbs_provinces() -> None:
    provinces = set(Municipality.objects.values_list("province", flat=True))
    assert len(provinces) == 12
    assert "Fryslân" in provinces


@pytest.mark.parametrize(
    ("pc4", "po", "vo", "municipality"),
    [
        ("1012", "PO2707", "VO2708", "GM0363"),
        ("3511", "PO2601", "VO2601", "GM0344"),
        ("6211", "PO3105", "VO3105", "GM0935"),
    ],
)
def test_spot_checks_from_the_regulation(
    pc4: str, po: str, vo: str, municipality: str
) -> None:
    area = PostcodeArea.objects.get(pc4=pc4)
    assert (area.po_district_id, area.vo_district_id) == (po, vo)
    assert area.municipality_id == municipality
    assert area.district_source == DistrictSource.REGULATION


def test_amsterdam_centroid() -> None:
    area = PostcodeArea.objects.get(pc4="1012")
    assert area.latitude == pytest.approx(52.3735)
    assert area.longitude == pytest.approx(4.8951)
    assert area.places == "Amsterdam"


def test_places_are_joined_for_display() -> None:
    assert PostcodeArea.objects.get(pc4="1231").places == "Loosdrecht, Kortenhoef"


def test_district_fields() -> None:
    district = CooperationDistrict.objects.get(code="PO2707")
    assert district.sector == Sector.PO
    assert district.display_code == "PO 27-07"
    assert district.province == "Noord-Holland"
    # The sources have no SWV names; none were made up.
    assert district.name == ""
    assert str(district) == "PO 27-07"


def test_district_municipalities_come_from_the_derived_column() -> None:
    groningen = CooperationDistrict.objects.get(code="PO2001")
    codes = set(groningen.municipalities.values_list("code", flat=True))
    assert {"GM0014", "GM0037", "GM1979"} <= codes
    assert len(codes) == 11
    assert CooperationDistrict.objects.filter(municipalities=None).count() == 0


def test_every_postcode_outside_europoort_has_a_po_and_a_vo_district() -> None:
    missing = (
        PostcodeArea.objects.exclude(pc4__in=EUROPOORT)
        .filter(Q(po_district=None) | Q(vo_district=None))
        .values_list("pc4", flat=True)
    )
    assert list(missing) == []


def test_districts_are_on_the_side_of_their_sector() -> None:
    assert not PostcodeArea.objects.exclude(po_district__sector=Sector.PO).exclude(
        po_district=None
    )
    assert not PostcodeArea.objects.exclude(vo_district__sector=Sector.VO).exclude(
        vo_district=None
    )


def test_europoort_has_no_district() -> None:
    areas = PostcodeArea.objects.filter(pc4__in=EUROPOORT)
    assert len(areas) == 3
    for area in areas:
        assert area.po_district_id is None
        assert area.vo_district_id is None
        assert area.district_source == DistrictSource.NONE


def test_how_many_postcodes_came_from_each_source() -> None:
    counts = {
        source: PostcodeArea.objects.filter(district_source=source).count()
        for source in DistrictSource.values
    }
    assert counts == {"regulation": 4042, "nearest": 41, "none": 3}


def test_post_2015_postcode_takes_the_districts_of_its_neighbour() -> None:
    # 1384 (Weesp, now Amsterdam) is newer than the 2015 table; the nearest PC4 in
    # Amsterdam is in Weesp too, which the regulation puts in the Gooi SWVs.
    area = PostcodeArea.objects.get(pc4="1384")
    assert area.district_source == DistrictSource.NEAREST
    assert area.municipality_id == "GM0363"
    assert (area.po_district_id, area.vo_district_id) == ("PO2709", "VO2710")


def test_nearest_prefers_the_same_municipality() -> None:
    # The nearest PC4 overall to 5354 (Oss) is 6634 in Wijchen (PO2507/VO2507),
    # across the Maas; the nearest one in Oss itself is in PO3006/VO3006.
    area = PostcodeArea.objects.get(pc4="5354")
    assert area.district_source == DistrictSource.NEAREST
    assert (area.po_district_id, area.vo_district_id) == ("PO3006", "VO3006")


def test_loader_is_idempotent() -> None:
    before = _snapshot()
    result = load_reference_data()
    assert _snapshot() == before
    assert (result.municipalities, result.districts, result.postcodes) == (
        342,
        150,
        4086,
    )
    assert (result.nearest, result.without_district, result.removed) == (41, 3, 0)


def test_loader_keeps_organisation_links_and_repairs_edits() -> None:
    organisation = Organisation.objects.create(name="OJS Amsterdam")
    organisation.districts.set(["PO2707", "VO2708"])
    PostcodeArea.objects.filter(pc4="1012").update(po_district="PO2601")
    PostcodeArea.objects.create(
        pc4="1000",
        latitude=52.0,
        longitude=5.0,
        municipality_id="GM0363",
        district_source=DistrictSource.NONE,
    )

    result = load_reference_data()

    assert set(organisation.districts.values_list("code", flat=True)) == {
        "PO2707",
        "VO2708",
    }
    assert PostcodeArea.objects.get(pc4="1012").po_district_id == "PO2707"
    assert not PostcodeArea.objects.filter(pc4="1000").exists()
    assert result.removed == 1


def test_load_regions_command_reports_what_it_loaded() -> None:
    out = StringIO()
    call_command("load_regions", stdout=out)
    assert "342 municipalities, 150 SWVs and 4086 PC4 areas" in out.getvalue()
    assert PostcodeArea.objects.count() == 4086


@pytest.mark.parametrize("model", [Municipality, CooperationDistrict, PostcodeArea])
def test_admin_is_read_only_and_its_search_and_filters_work(
    model: type, rf: RequestFactory
) -> None:
    user = get_user_model().objects.create_superuser(
        "beheer@example.org", full_name="Platform Beheer"
    )
    request = rf.get("/", {"q": "27"})
    request.user = user
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    # Building the change list validates list_filter and runs the search.
    changelist = model_admin.get_changelist_instance(request)
    assert changelist.result_count > 0
