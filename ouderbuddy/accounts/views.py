"""Signing in and out, the second factor, invitations and password reset."""

from __future__ import annotations

import base64
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from ouderbuddy.accounts import services
from ouderbuddy.accounts.forms import (
    ChoosePasswordForm,
    EnrolForm,
    LoginForm,
    PasswordResetForm,
    SetPasswordForm,
    TokenForm,
)
from ouderbuddy.accounts.middleware import SESSION_ORGANISATION_KEY
from ouderbuddy.accounts.models import User
from ouderbuddy.accounts.selectors import (
    has_authenticator,
    needs_second_factor,
    pending_enrolment,
    recovery_codes_left,
    user_with_email,
)
from ouderbuddy.lib.access import login_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.services import record_event

ENROL_SESSION_KEY = "enrol_device_id"


def _next_url(request: HttpRequest, default: str = "dashboard:start") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _after_first_step(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    next_url = _next_url(request)
    if needs_second_factor(user):
        target = "accounts:verify"
        if not has_authenticator(user):
            target = "accounts:enrol"
        return redirect(f"{reverse(target)}?next={next_url}")
    return redirect(next_url)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: e-mail address and password."""
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        record_event(actor=user, organisation=None, verb="login", target=user)
        return _in_account_language(request, _after_first_step(request), user)
    return render(
        request, "accounts/login.html", {"form": form, "next": _next_url(request)}
    )


def _in_account_language(
    request: HttpRequest, response: HttpResponse, user: Any
) -> HttpResponse:
    """After sign-in the site speaks the person's language. A language chosen with
    the switch on this device (the cookie) is their latest choice and becomes the
    account's; without one, the account's language becomes the cookie."""
    languages = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in languages:
        if chosen != user.language:
            services.set_language_preference(user=user, language=chosen)
        return response
    if user.language in languages:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_event(
            actor=request.user, organisation=None, verb="logout", target=request.user
        )
    auth_logout(request)
    messages.success(request, _("U bent uitgelogd."))
    return redirect("accounts:login")


@sensitive_post_parameters("token")
@never_cache
@login_required(methods=["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app, or a recovery code."""
    user: Any = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not has_authenticator(user):
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.find_second_factor_device(
            user=user, token=form.cleaned_data["token"]
        )
        if device is None:
            record_event(
                actor=user, organisation=None, verb="second_factor.fail", target=user
            )
            form.add_error(
                "token",
                _(
                    "Deze code klopt niet of is al gebruikt. Wacht op de volgende code "
                    "in de app en probeer het opnieuw."
                ),
            )
        else:
            django_otp.login(request, device)
            record_event(
                actor=user, organisation=None, verb="second_factor.pass", target=user
            )
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "U heeft een herstelcode gebruikt. U heeft er nog %(count)d. "
                        "Maak nieuwe codes aan op de pagina Beveiliging."
                    )
                    % {"count": left},
                )
            return redirect(_next_url(request))
    return render(
        request, "accounts/verify.html", {"form": form, "next": _next_url(request)}
    )


@sensitive_post_parameters("token")
@never_cache
@login_required(methods=["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: scan the QR code (or type the key), enter a code."""
    user: Any = request.user
    has_device = has_authenticator(user)
    if has_device and not user.is_verified():
        # Replacing an authenticator needs the current one first.
        return redirect(
            f"{reverse('accounts:verify')}?next={reverse('accounts:enrol')}"
        )
    device = pending_enrolment(user, request.session.get(ENROL_SESSION_KEY))
    if device is None:
        device = services.start_totp_enrolment(user=user)
        request.session[ENROL_SESSION_KEY] = device.pk
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_totp_enrolment(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            request.session.pop(ENROL_SESSION_KEY, None)
            device.refresh_from_db()
            django_otp.login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "first_time": True},
            )
    secret = _base32_secret(device)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(
                scale=5, title=_("QR-code voor uw authenticator-app")
            ),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
            "replacing": has_device,
        },
    )


def _base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


@never_cache
@login_required()
def security_view(request: HttpRequest) -> HttpResponse:
    """The person's own security settings: second factor and recovery codes."""
    user: Any = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_totp": has_authenticator(user),
            "recovery_left": recovery_codes_left(user),
            "second_factor_required": needs_second_factor(
                user, getattr(request, "memberships", None)
            ),
        },
    )


@never_cache
@login_required(methods=["POST"])
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Make new recovery codes (only after the second step of this session)."""
    user: Any = request.user
    if not user.is_verified():
        return redirect(
            f"{reverse('accounts:verify')}?next={reverse('accounts:security')}"
        )
    codes = services.regenerate_recovery_codes(user=user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:security"), "first_time": False},
    )


@login_required(methods=["POST"])
def switch_organisation_view(request: HttpRequest) -> HttpResponse:
    """Act for another organisation the person belongs to."""
    chosen = request.POST.get("organisation_id", "")
    memberships = getattr(request, "memberships", [])
    if not any(str(m.organisation_id) == chosen for m in memberships):
        messages.error(request, _("U hoort niet bij die organisatie."))
    else:
        request.session[SESSION_ORGANISATION_KEY] = chosen
    return redirect("dashboard:start")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail: choose a password and join."""
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationUnusable as exc:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"message": exc.message},
            status=exc.status,
        )

    existing = user_with_email(invitation.email)
    form = (
        None
        if existing
        else ChoosePasswordForm(
            request.POST or None,
            user=User(email=invitation.email, full_name=invitation.full_name),
        )
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            accepted = services.accept_invitation(
                token=token, password=form.cleaned_data["password1"] if form else None
            )
        except services.InvitationUnusable as exc:
            return render(
                request,
                "accounts/invitation_unusable.html",
                {"message": exc.message},
                status=exc.status,
            )
        except DomainError as exc:
            assert form is not None
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if existing is not None and not request.user.is_authenticated:
                messages.success(
                    request,
                    _(
                        "U bent nu ook lid van %(organisation)s. Log in met uw "
                        "bestaande wachtwoord."
                    )
                    % {"organisation": invitation.organisation.name},
                )
                return redirect("accounts:login")
            auth_login(
                request,
                accepted.user,
                backend="ouderbuddy.accounts.principal.Backend",
            )
            request.session[SESSION_ORGANISATION_KEY] = str(invitation.organisation_id)
            messages.success(
                request,
                _("Welkom bij %(organisation)s.")
                % {"organisation": invitation.organisation.name},
            )
            return _after_first_step(request)
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "existing": existing},
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: Django's set_language (cookie, safe `next`), and for a
    signed-in person also their account's preference, so that e-mails to them come in
    the language they chose."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = getattr(request, "user", None)
    if (
        user is not None
        and user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        services.set_language_preference(user=user, language=language)
    return response
