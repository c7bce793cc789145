"""Placeholder: being written (each view raises 404 until then)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def match(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def log_contact(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def plan_meeting(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def meeting(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def signal(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def acknowledge(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def fit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def calendar(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


def calendar_feed(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404
