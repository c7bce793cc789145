"""Placeholder: being written (each view raises 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def acknowledge(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def fit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
