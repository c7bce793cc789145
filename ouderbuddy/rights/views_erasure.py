"""Erasure on request (AVG art. 17): first what it does and what stops it, then a
confirmation (a tick and the word WISSEN); rights/services_erasure.py does the work. And
rectification (art. 16): the coordinator corrects a person's details
(rights/services_rectification.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ouderbuddy.buddies.selectors import get_buddy_for
from ouderbuddy.intake.selectors import get_request_for
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.rights import services_erasure as erasure
from ouderbuddy.rights import services_rectification as rectification
from ouderbuddy.rights import services_restriction as restriction
from ouderbuddy.rights.forms import (
    BuddyCorrectionForm,
    EraseForm,
    ParentCorrectionForm,
    RestrictForm,
)

COORDINATOR = [Role.COORDINATOR]


def _page(
    request: SignedInRequest,
    *,
    check: erasure.Check,
    title: str,
    back: str,
    erase: Any,
    done_url: str,
) -> HttpResponse:
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and check.possible and form.is_valid():
        try:
            erase(form.cleaned_data["confirm"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "De gegevens zijn gewist. Alleen codes en datums blijven, zonder naam."
                ),
            )
            return redirect(done_url)
    return render(
        request,
        "privacy/erase.html",
        {"check": check, "form": form, "title": title, "back": back},
        status=400 if request.method == "POST" else 200,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def erase_parent(request: SignedInRequest, request_id: Any) -> HttpResponse:
    actor = acting_membership(request)
    help_request = get_request_for(actor, request_id)
    detail = reverse("intake:detail", kwargs={"request_id": help_request.pk})
    return _page(
        request,
        check=erasure.check_parent(help_request),
        title=_("Gegevens van de ouder wissen"),
        back=detail,
        erase=lambda word: erasure.erase_parent(actor, help_request, confirm=word),
        done_url=detail,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def erase_buddy(request: SignedInRequest, buddy_id: Any) -> HttpResponse:
    actor = acting_membership(request)
    buddy = get_buddy_for(actor, buddy_id)
    detail = reverse("buddies:detail", kwargs={"buddy_id": buddy.pk})
    return _page(
        request,
        check=erasure.check_buddy(buddy),
        title=_("Gegevens van de buddy wissen"),
        back=detail,
        erase=lambda word: erasure.erase_buddy(actor, buddy, confirm=word),
        done_url=detail,
    )


# --- Rectification (AVG art. 16) ---------------------------------------------------


def _correct_page(
    request: SignedInRequest,
    *,
    form: Any,
    title: str,
    back: str,
    correct: Any,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            correct(form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De gegevens zijn gecorrigeerd."))
            return redirect(back)
    return render(
        request,
        "privacy/correct.html",
        {"form": form, "title": title, "back": back},
        status=400 if request.method == "POST" else 200,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def correct_parent(request: SignedInRequest, request_id: Any) -> HttpResponse:
    actor = acting_membership(request)
    help_request = get_request_for(actor, request_id)
    if help_request.anonymised_at is not None:
        raise Http404
    initial = {
        name: getattr(help_request, name) for name in rectification.PARENT_FIELDS
    }
    form = ParentCorrectionForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    return _correct_page(
        request,
        form=form,
        title=_("Gegevens van de ouder corrigeren"),
        back=reverse("intake:detail", kwargs={"request_id": help_request.pk}),
        correct=lambda values: rectification.correct_parent(
            actor, help_request, values
        ),
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def correct_buddy(request: SignedInRequest, buddy_id: Any) -> HttpResponse:
    actor = acting_membership(request)
    buddy = get_buddy_for(actor, buddy_id)
    if buddy.anonymised_at is not None:
        raise Http404
    initial = {name: getattr(buddy, name) for name in rectification.BUDDY_FIELDS}
    form = BuddyCorrectionForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    return _correct_page(
        request,
        form=form,
        title=_("Gegevens van de buddy corrigeren"),
        back=reverse("buddies:detail", kwargs={"buddy_id": buddy.pk}),
        correct=lambda values: rectification.correct_buddy(actor, buddy, values),
    )


# --- Restriction (AVG art. 18) -----------------------------------------------------


@role_required(COORDINATOR, methods=["GET", "POST"])
def restrict_parent(request: SignedInRequest, request_id: Any) -> HttpResponse:
    """Freeze a parent's case, or lift the freeze."""
    actor = acting_membership(request)
    help_request = get_request_for(actor, request_id)
    if help_request.anonymised_at is not None:
        raise Http404
    detail = reverse("intake:detail", kwargs={"request_id": help_request.pk})
    form = RestrictForm(
        request.POST
        if request.method == "POST" and help_request.restricted_at is None
        else None
    )
    if request.method == "POST":
        try:
            if help_request.restricted_at is not None:
                restriction.lift(actor, help_request)
                messages.success(request, _("De beperking is opgeheven."))
                return redirect(detail)
            if form.is_valid():
                restriction.restrict(
                    actor, help_request, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("De verwerking is beperkt."))
                return redirect(detail)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request,
        "privacy/restrict.html",
        {"form": form, "help_request": help_request, "back": detail},
        status=400 if request.method == "POST" else 200,
    )
