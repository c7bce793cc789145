"""The retention pages: what is kept how long and why, what will be anonymised in the
next 30 days (and keeping one case longer), an organisation's own periods, the runs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.choices import Role
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.views import SignedInRequest, acting_membership, add_domain_error
from ouderbuddy.privacy import retention
from ouderbuddy.privacy.models import AuditEvent, RetentionCategory
from ouderbuddy.rights import retention_job, services_retention
from ouderbuddy.rights.forms import HoldForm, PolicyForm

COORDINATOR = [Role.COORDINATOR]
# The pages that show a due row, per kind of row.
LINKS = {
    "intake.helprequest": ("intake:detail", "request_id"),
    "buddies.buddy": ("buddies:detail", "buddy_id"),
}


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _rows(organisation_id: Any) -> list[dict[str, Any]]:
    found = []
    for due in retention_job.upcoming(organisation_id):
        target_type = retention_job.TARGET_TYPE[due.category]
        link = LINKS.get(target_type)
        found.append(
            {
                "due": due,
                "label": RetentionCategory(due.category).label,
                "url": reverse(link[0], kwargs={link[1]: due.pk}) if link else "",
                "hold_url": reverse(
                    "privacy:retention_hold",
                    kwargs={"category": due.category, "case_id": due.pk},
                ),
            }
        )
    return found


def _runs(organisation_id: Any) -> list[dict[str, Any]]:
    """The organisation's last runs that did something (from its audit log)."""
    found = []
    for event in AuditEvent.objects.filter(
        organisation_id=organisation_id, verb="privacy.retention_run"
    ).order_by("-at")[:5]:
        counts = event.data.get("counts", {})
        found.append(
            {
                "at": event.at,
                "counts": [
                    (RetentionCategory(k).label, n)
                    for k, n in counts.items()
                    if k in RetentionCategory.values
                ],
            }
        )
    return found


@role_required(COORDINATOR)
def overview(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    return render(
        request,
        "privacy/retention/overview.html",
        {
            "policies": retention.policies_for(actor.organisation_id),
            "upcoming": _rows(actor.organisation_id),
            "runs": _runs(actor.organisation_id),
        },
    )


def _category(category: str) -> str:
    if category not in retention.RULE_OF:
        raise Http404
    return category


@role_required(COORDINATOR, methods=["GET", "POST"])
def edit_policy(request: SignedInRequest, category: str) -> HttpResponse:
    actor = acting_membership(request)
    category = _category(category)
    if category in retention.PLATFORM_WIDE:
        raise Http404
    policy = next(
        p
        for p in retention.policies_for(actor.organisation_id)
        if p.category == category
    )
    form = PolicyForm(
        request.POST if request.method == "POST" else None,
        initial={
            "months": policy.months,
            "reason": policy.reason if policy.own else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services_retention.set_policy(
                actor,
                category=category,
                months=form.cleaned_data["months"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("De bewaartermijn is opgeslagen."))
            return redirect("privacy:retention")
    return render(
        request,
        "privacy/retention/policy.html",
        {"form": form, "policy": policy},
        status=_status(request),
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def hold(request: SignedInRequest, category: str, case_id: Any) -> HttpResponse:
    """Keep one case that is due within 30 days longer, once, with a reason."""
    actor = acting_membership(request)
    category = _category(category)
    due = next(
        (
            d
            for d in retention_job.upcoming(actor.organisation_id)
            if d.category == category and str(d.pk) == str(case_id)
        ),
        None,
    )
    if due is None:
        raise Http404
    form = HoldForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            held = services_retention.hold(
                actor,
                category=category,
                target_id=due.pk,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Dit wordt bewaard tot %(date)s.")
                % {"date": held.until.strftime("%d-%m-%Y")},
            )
            return redirect("privacy:retention")
    return render(
        request,
        "privacy/retention/hold.html",
        {"form": form, "due": due, "label": RetentionCategory(category).label},
        status=_status(request),
    )
