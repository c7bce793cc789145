"""parse_postcode, get_postcode_area, distance_km and organisations_serving."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.organisations.selectors import organisations_serving
from ouderbuddy.regions.selectors import (
    PostcodeError,
    distance_km,
    get_postcode_area,
    parse_postcode,
)

# Not in the data: 1000 was never issued, 6236 is in the 2015 table only.
UNKNOWN_POSTCODES = ["1000 AA", "6236"]


@pytest.mark.parametrize(
    ("value", "pc4"),
    [
        ("1012 AB", "1012"),
        ("1012ab", "1012"),
        ("1012AB", "1012"),
        ("1012", "1012"),
        (" 1012AB ", "1012"),
        ("\t1012 ab\n", "1012"),
        ("1012\u00a0AB", "1012"),
        ("9999 ZZ", "9999"),
    ],
)
def test_parse_postcode_accepts(value: str, pc4: str) -> None:
    assert parse_postcode(value) == pc4


@pytest.mark.parametrize(
    "value",
    [
        "0123",
        "0123 AB",
        "12345",
        "123",
        "ABCD",
        "1012 A",
        "1012 ABC",
        "1012  AB",
        "1012-AB",
        "AB 1012",
        "1012 1A",
        "١٠١٢",  # Arabic-Indic digits match \d but are no Dutch postcode
        "1012 ÄB",
        "1012 AB" * 3,
        "1" * 100_000,
    ],
)
def test_parse_postcode_rejects_malformed_input(value: str) -> None:
    with pytest.raises(PostcodeError) as info:
        parse_postcode(value)
    assert info.value.message.startswith("Deze postcode klopt niet.")
    assert info.value.field == "postcode"


@pytest.mark.parametrize("value", ["", "   ", "\u00a0"])
def test_parse_postcode_asks_for_a_postcode_when_empty(value: str) -> None:
    with pytest.raises(PostcodeError) as info:
        parse_postcode(value)
    assert info.value.message.startswith("Vul uw postcode in")


def test_postcode_error_is_a_domain_error() -> None:
    assert issubclass(PostcodeError, DomainError)


@settings(database=None, derandomize=True, max_examples=500)
@given(st.text(max_size=40))
def test_parse_postcode_raises_only_postcode_error(value: str) -> None:
    try:
        pc4 = parse_postcode(value)
    except PostcodeError:
        return
    assert re.fullmatch(r"[1-9][0-9]{3}", pc4)
    assert pc4 in value


@settings(database=None, derandomize=True)
@given(
    digits=st.from_regex(r"[1-9][0-9]{3}", fullmatch=True),
    letters=st.from_regex(r"[A-Za-z]{2}", fullmatch=True) | st.just(""),
    space=st.sampled_from(["", " "]),
    padding=st.sampled_from(["", " ", "  ", "\t"]),
)
def test_parse_postcode_accepts_every_well_formed_postcode(
    digits: str, letters: str, space: str, padding: str
) -> None:
    assert parse_postcode(f"{padding}{digits}{space}{letters}{padding}") == digits


@pytest.mark.django_db
def test_get_postcode_area_returns_the_area_with_its_districts(
    django_assert_num_queries,
) -> None:
    with django_assert_num_queries(1):
        area = get_postcode_area("3511 AB")
        assert area.municipality.name == "Utrecht"
        assert area.po_district.code == "PO2601"
        assert area.vo_district.code == "VO2601"


@pytest.mark.django_db
@pytest.mark.parametrize("value", UNKNOWN_POSTCODES)
def test_get_postcode_area_explains_an_unknown_postcode(value: str) -> None:
    with pytest.raises(PostcodeError) as info:
        get_postcode_area(value)
    pc4 = value[:4]
    assert info.value.message.startswith(f"We kennen postcode {pc4} niet.")


@pytest.mark.django_db
def test_distance_amsterdam_utrecht(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        km = distance_km("1012 AB", "3511")
    assert 33 <= km <= 38
    assert km == round(km, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(("a", "b"), [("1012", "3511"), ("6211", "9401")])
def test_distance_is_symmetric(a: str, b: str) -> None:
    assert distance_km(a, b) == distance_km(b, a)
    assert distance_km(a, b) > 0


@pytest.mark.django_db
def test_distance_maastricht_assen_is_long() -> None:
    # Roughly the length of the country: about 230 km as the crow flies.
    assert 210 <= distance_km("6211", "9401") <= 250


@pytest.mark.django_db
def test_distance_to_itself_is_zero() -> None:
    assert distance_km("1012 AB", "1012 CD") == 0.0


@pytest.mark.django_db
@pytest.mark.parametrize(("a", "b"), [("1012", "1000"), ("1000", "1012")])
def test_distance_names_the_unknown_postcode(a: str, b: str) -> None:
    with pytest.raises(PostcodeError, match="We kennen postcode 1000 niet"):
        distance_km(a, b)


def test_distance_rejects_malformed_input_before_querying() -> None:
    # No django_db mark: a query would fail the test.
    with pytest.raises(PostcodeError):
        distance_km("1012", "0123")


@pytest.fixture
def organisations() -> dict[str, Organisation]:
    """Two active organisations and an inactive one, names not in creation order."""
    zuid = Organisation.objects.create(name="Steunpunt Zuid")
    zuid.districts.set(["PO2707"])
    amsterdam = Organisation.objects.create(name="Ouderpunt Amsterdam")
    amsterdam.districts.set(["VO2708", "PO2601"])
    closed = Organisation.objects.create(name="Oud steunpunt", is_active=False)
    closed.districts.set(["PO2707", "VO2708"])
    return {"zuid": zuid, "amsterdam": amsterdam, "closed": closed}


def _names(organisations: list[Organisation]) -> list[str]:
    return [organisation.name for organisation in organisations]


@pytest.mark.django_db
def test_organisations_serving_both_sectors_ordered_by_name(organisations) -> None:
    assert _names(organisations_serving("1012 AB")) == [
        "Ouderpunt Amsterdam",
        "Steunpunt Zuid",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("postcode", "sector", "expected"),
    [
        ("1012", "po", ["Steunpunt Zuid"]),
        ("1012", "vo", ["Ouderpunt Amsterdam"]),
        ("3511", None, ["Ouderpunt Amsterdam"]),
        ("3511", "po", ["Ouderpunt Amsterdam"]),
        ("3511", "vo", []),
        ("6211", None, []),
    ],
)
def test_organisations_serving_by_sector(
    organisations, postcode: str, sector: str | None, expected: list[str]
) -> None:
    assert _names(organisations_serving(postcode, sector)) == expected


@pytest.mark.django_db
def test_organisations_serving_excludes_inactive(organisations) -> None:
    assert organisations["closed"] not in organisations_serving("1012")
    organisations["closed"].is_active = True
    organisations["closed"].save()
    assert organisations["closed"] in organisations_serving("1012")


@pytest.mark.django_db
def test_organisation_serving_both_districts_is_listed_once(organisations) -> None:
    organisations["zuid"].districts.add("VO2708")
    assert _names(organisations_serving("1012")) == [
        "Ouderpunt Amsterdam",
        "Steunpunt Zuid",
    ]


@pytest.mark.django_db
def test_europoort_is_served_by_nobody(organisations) -> None:
    assert organisations_serving("3198") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [("1000", "We kennen postcode 1000 niet."), ("0123", "Deze postcode klopt niet.")],
)
def test_organisations_serving_rejects_bad_postcodes(
    organisations, value: str, message: str
) -> None:
    with pytest.raises(PostcodeError, match=re.escape(message)):
        organisations_serving(value)


@pytest.mark.django_db
def test_organisations_serving_rejects_an_unknown_sector(organisations) -> None:
    with pytest.raises(ValueError, match="sector"):
        organisations_serving("1012", "mbo")
