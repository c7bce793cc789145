"""Read-only admin for the reference data; it changes only through the loader."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ouderbuddy.regions.models import CooperationDistrict, Municipality, PostcodeArea


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Shows rows but allows no add, change or delete: the CSVs are the source."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Nobody adds reference rows by hand."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody edits reference rows by hand; `load_regions` would undo it."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Nobody deletes reference rows; postcodes and organisations point at them."""
        return False


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name"]


@admin.register(CooperationDistrict)
class CooperationDistrictAdmin(ReadOnlyAdmin):
    list_display = ["code", "display_code", "sector", "name", "province"]
    list_filter = ["sector", "province"]
    search_fields = ["code", "display_code", "name"]


@admin.register(PostcodeArea)
class PostcodeAreaAdmin(ReadOnlyAdmin):
    list_display = [
        "pc4",
        "places",
        "municipality",
        "po_district",
        "vo_district",
        "district_source",
    ]
    list_filter = ["district_source", "municipality__province"]
    list_select_related = ["municipality", "po_district", "vo_district"]
    search_fields = ["pc4", "places", "municipality__name"]
