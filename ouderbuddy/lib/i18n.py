"""Dutch by default; English only when the person chose it with the language switch."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


class LanguageMiddleware:
    """Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored:
    a Dutch public service speaks Dutch unless asked otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


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
        from ouderbuddy.accounts.services import set_language_preference

        set_language_preference(user=user, language=language)
    return response
