"""Placeholder: being written (each view raises 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def overview(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def agreement(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def add_check_in(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def check_in(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def signal(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def close(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
