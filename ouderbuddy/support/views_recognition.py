"""Recognition: the buddy's own year in numbers, and the coordinator's view of it
with a thank-you note to send."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.selectors import get_own_buddy
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Role
from ouderbuddy.support import recognition, services_recognition
from ouderbuddy.support.forms import ThankYouForm
from ouderbuddy.support.models import ThankYou


def _year(request: HttpRequest, years: list[int]) -> int:
    """The year asked for (`?jaar=`), or this year for anything else."""
    asked = request.GET.get("jaar", "")
    if asked.isdigit() and int(asked) in years:
        return int(asked)
    return timezone.localdate().year


def _context(buddy: Buddy, year: int, years: list[int]) -> dict[str, Any]:
    return {
        "buddy": buddy,
        "summary": recognition.year_summary(buddy, year),
        "year": year,
        "years": years,
    }


@role_required([Role.BUDDY])
def my_year(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    buddy = get_own_buddy(actor)
    years = recognition.years_of(buddy)
    return render(
        request,
        "support/my_year.html",
        _context(buddy, _year(request, years), years),
    )


@role_required([Role.COORDINATOR], methods=["GET", "POST"])
def buddy_year(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    buddy = get_or_404(
        Buddy.objects.filter(organisation_id=actor.organisation_id), buddy_id
    )
    years = recognition.years_of(buddy)
    year = _year(request, years)
    form = ThankYouForm(
        request.POST if request.method == "POST" else None,
        initial={"year": year},
        years=years,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_recognition.send_thank_you(
                actor=actor,
                buddy=buddy,
                year=int(form.cleaned_data["year"]),
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Uw bedankje is verstuurd."))
            return redirect("support:buddy_year", buddy_id=buddy.pk)
    sent = ThankYou.objects.filter(
        organisation_id=actor.organisation_id, buddy=buddy
    ).select_related("sent_by")[:10]
    return render(
        request,
        "support/buddy_year.html",
        {**_context(buddy, year, years), "form": form, "sent": sent},
        status=400 if request.method == "POST" else 200,
    )
