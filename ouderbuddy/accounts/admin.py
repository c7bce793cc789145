"""Platform admins manage accounts: who exists, active or not, platform admin or not."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts import services
from ouderbuddy.accounts.models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm[Any]):
    class Meta:
        model = User
        fields = ("email", "full_name", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class UserAdmin(BaseUserAdmin[Any]):
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()
    actions = ["reset_second_factor"]
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        (_("Toegang"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Datums"), {"fields": ("last_login", "date_joined")}),
    )

    @admin.action(description=_("Tweede stap resetten (bij een verloren telefoon)"))
    def reset_second_factor(self, request: Any, queryset: Any) -> None:
        for user in queryset:
            services.reset_second_factor(actor=request.user, user=user)
        self.message_user(
            request,
            _(
                "De tweede stap is gereset. Bij de volgende keer inloggen stelt de "
                "persoon hem opnieuw in."
            ),
        )

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "password1", "password2"),
            },
        ),
    )


# Device admins would show authenticator secrets and QR codes to platform admins;
# resetting through the action above is all they need. Groups are not used.
for model in (TOTPDevice, StaticDevice, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
