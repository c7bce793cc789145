"""Platform admins manage organisations and who belongs to them; never case content."""

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField
from django.http import HttpRequest

from ouderbuddy.lib.admin_widgets import SafeAutocompleteSelect
from ouderbuddy.organisations.models import Membership, Organisation


class MembershipInline(admin.TabularInline[Any, Any]):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]
    fields = ["user", "role", "is_active"]

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        # A posted user that is not a UUID is an error at the field, not a 500.
        if db_field.name in self.autocomplete_fields:
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Any]):
    list_display = ["name", "contact_email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    filter_horizontal = ["districts"]
    inlines = [MembershipInline]
