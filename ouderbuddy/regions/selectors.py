"""Read-only questions about postcodes: which area, how far apart, who serves it."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.regions.loader import haversine_km
from ouderbuddy.regions.models import PostcodeArea

# Four digits, the first not 0, then optionally one space and two letters. ASCII
# classes on purpose: \d would also accept digits from other scripts.
_POSTCODE_RE = re.compile(r"([1-9][0-9]{3}) ?(?:[A-Za-z]{2})?")
# The longest valid input is "1234 AB"; anything much longer is not a postcode, and
# checking the length first keeps the work small for pasted walls of text.
_MAX_INPUT_LENGTH = 20
_FIELD = "postcode"


class PostcodeError(DomainError):
    """A postcode the user typed that is empty, malformed or unknown to us."""

    @classmethod
    def empty(cls) -> PostcodeError:
        """The user left the postcode empty."""
        return cls(_("Vul uw postcode in, bijvoorbeeld 1012 AB."), field=_FIELD)

    @classmethod
    def malformed(cls) -> PostcodeError:
        """The input does not look like a Dutch postcode."""
        return cls(
            _(
                "Deze postcode klopt niet. Een postcode heeft 4 cijfers en 2 letters, zoals 1012 AB."
            ),
            field=_FIELD,
        )

    @classmethod
    def unknown(cls, pc4: str) -> PostcodeError:
        """The postcode is well-formed but not in our reference data."""
        return cls(
            _("We kennen postcode %(pc4)s niet. Kijk of u de cijfers goed hebt getypt.")
            % {"pc4": pc4},
            field=_FIELD,
        )


def parse_postcode(value: str) -> str:
    """Return the four digits (PC4) of a Dutch postcode, or raise PostcodeError."""
    # People paste postcodes with spaces around them or a non-breaking space inside.
    text = (value or "").replace("\u00a0", " ").strip()
    if not text:
        raise PostcodeError.empty()
    if len(text) > _MAX_INPUT_LENGTH:
        raise PostcodeError.malformed()
    match = _POSTCODE_RE.fullmatch(text)
    if match is None:
        raise PostcodeError.malformed()
    return match.group(1)


def get_postcode_area(value: str) -> PostcodeArea:
    """Return the PostcodeArea of a postcode, or raise PostcodeError."""
    pc4 = parse_postcode(value)
    try:
        return PostcodeArea.objects.select_related(
            "municipality", "po_district", "vo_district"
        ).get(pc4=pc4)
    except PostcodeArea.DoesNotExist:
        raise PostcodeError.unknown(pc4) from None


def distance_km(a: str, b: str) -> float:
    """Great-circle distance in km between two postcodes' centroids, 1 decimal."""
    pc4_a, pc4_b = parse_postcode(a), parse_postcode(b)
    # One query for both; a dict because a == b gives a single row.
    points = {
        pc4: (lat, lon)
        for pc4, lat, lon in PostcodeArea.objects.filter(
            pc4__in={pc4_a, pc4_b}
        ).values_list("pc4", "latitude", "longitude")
    }
    for pc4 in (pc4_a, pc4_b):
        if pc4 not in points:
            raise PostcodeError.unknown(pc4)
    (lat_a, lon_a), (lat_b, lon_b) = points[pc4_a], points[pc4_b]
    return round(haversine_km(lat_a, lon_a, lat_b, lon_b), 1)
