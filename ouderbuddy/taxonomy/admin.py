"""Platform admins keep the taxonomy here. Codes are never deleted, only switched off."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ouderbuddy.taxonomy.models import ExperienceCode


@admin.register(ExperienceCode)
class ExperienceCodeAdmin(admin.ModelAdmin[Any]):
    list_display = (
        "code",
        "group",
        "label_nl",
        "label_en",
        "is_sensitive",
        "is_active",
        "order",
    )
    list_filter = ("group", "is_sensitive", "is_active")
    search_fields = ("code", "label_nl", "label_en")
    ordering = ("group", "order")
    actions = ("deactivate", "activate")
    fieldsets = (
        (None, {"fields": ("code", "group", "subgroup", "order", "is_active")}),
        (_("Namen"), {"fields": ("label_nl", "label_en")}),
        (
            _("Uitleg voor ouders"),
            {"fields": ("description_nl", "description_en")},
        ),
        (_("Privacy"), {"fields": ("is_sensitive", "is_opt_out")}),
        (_("Versie"), {"fields": ("introduced",)}),
    )

    def get_readonly_fields(
        self, request: HttpRequest, obj: ExperienceCode | None = None
    ) -> tuple[str, ...]:
        # Other rows refer to a code by its value, and the code must keep starting
        # with its group: neither may change once the code exists.
        if obj is not None:
            return ("code", "group")
        return ()

    def has_delete_permission(
        self, request: HttpRequest, obj: ExperienceCode | None = None
    ) -> bool:
        return False

    @admin.action(
        description=_("Geselecteerde codes uitzetten"), permissions=["change"]
    )
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = queryset.update(is_active=False)
        self.message_user(
            request,
            ngettext("%d code uitgezet.", "%d codes uitgezet.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Geselecteerde codes weer aanzetten"), permissions=["change"]
    )
    def activate(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = queryset.update(is_active=True)
        self.message_user(
            request,
            ngettext("%d code aangezet.", "%d codes aangezet.", count) % count,
            messages.SUCCESS,
        )
