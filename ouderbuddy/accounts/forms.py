"""Forms for signing in, the second factor, invitations and passwords."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.forms import Form, StyledFormMixin
from ouderbuddy.notifications import mail
from ouderbuddy.organisations.models import Role


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "Het e-mailadres of het wachtwoord klopt niet. Let op: na enkele "
            "mislukte pogingen wordt inloggen een tijd geblokkeerd."
        ),
        "inactive": _("Dit account is uitgeschakeld."),
    }


class TokenForm(Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "De 6 cijfers uit uw authenticator-app, of een van uw herstelcodes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
            }
        ),
    )

    def clean_token(self) -> str:
        return str(self.cleaned_data["token"]).strip().replace(" ", "")


class EnrolForm(Form):
    token = forms.CharField(
        label=_("Code uit de app"),
        max_length=6,
        min_length=6,
        help_text=_("De 6 cijfers die de app nu laat zien."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
        error_messages={
            "min_length": _("De code heeft 6 cijfers."),
            "max_length": _("De code heeft 6 cijfers."),
        },
    )

    def clean_token(self) -> str:
        token = str(self.cleaned_data["token"]).strip()
        if not token.isdigit():
            raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
        return token


class ChoosePasswordForm(Form):
    password1 = forms.CharField(
        label=_("Kies een wachtwoord"),
        strip=False,
        help_text=_(
            "Minstens 10 tekens. Gebruik geen wachtwoord dat u ergens anders gebruikt."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Herhaal het wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("De twee wachtwoorden zijn niet gelijk."))
        elif p1:
            try:
                validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class InviteForm(Form):
    full_name = forms.CharField(label=_("Naam"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=[
            (Role.BUDDY.value, Role.BUDDY.label),
            (Role.COORDINATOR.value, Role.COORDINATOR.label),
            (Role.MANAGER.value, Role.MANAGER.label),
        ],
        widget=forms.RadioSelect,
    )


class PasswordResetForm(StyledFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """In the account's language, like every other e-mail (notifications.mail); the
        link on the site's address (SITE_URL), not on the host the request came in on."""

        user = context["user"]
        link = mail.absolute_url(
            "accounts:password_reset_confirm",
            uidb64=context["uid"],
            token=context["token"],
        )
        mail.send_templated(
            to=[mail.Recipient(to_email, user.language)],
            subject=mail.subject_template(subject_template_name),
            template=email_template_name,
            context={**context, "link": link},
        )


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):  # type: ignore[type-arg]  # Django's SetPasswordForm is generic for the type checker only
    pass
