"""Intervisie pages: the coordinator's groups, a leader's group and session pages
(a coordinator, or the buddy who facilitates the group), a buddy's own sessions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.selectors import own_buddy_id
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.selectors import get_or_404
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.support import selectors, services
from ouderbuddy.support.forms import AttendanceForm, GroupForm, RecordForm, SessionForm
from ouderbuddy.support.models import GroupMember, IntervisieGroup, IntervisieSession

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]
LEADERS = [Role.COORDINATOR, Role.BUDDY]


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _form_error(
    form: Form, exc: DomainError, field_map: dict[str, str] | None = None
) -> None:
    field = (field_map or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _led_group(actor: Membership, group_id: UUID) -> IntervisieGroup:
    return get_or_404(
        selectors.led_groups(actor).select_related("facilitator__user"), group_id
    )


def _led_session(actor: Membership, intervisie_id: UUID) -> IntervisieSession:
    return get_or_404(
        IntervisieSession.objects.filter(
            organisation_id=actor.organisation_id,
            group__in=selectors.led_groups(actor).values("pk"),
        ).select_related("group__facilitator__user"),
        intervisie_id,
    )


# --- Groups ----------------------------------------------------------------------


@role_required(LEADERS)
def groups(request: SignedInRequest) -> HttpResponse:
    """The groups the actor leads, with their next session."""
    actor = acting_membership(request)
    return render(
        request,
        "support/groups.html",
        {
            "rows": selectors.group_rows(actor),
            "may_create": actor.role == Role.COORDINATOR,
        },
    )


def _group_form(actor: Membership, data: Any = None, **kwargs: Any) -> GroupForm:
    return GroupForm(
        data,
        facilitators=selectors.facilitator_choices(actor),
        buddies=selectors.member_choices(actor),
        **kwargs,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def group_new(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    form = _group_form(actor, _posted(request), initial={"facilitator": str(actor.pk)})
    if request.method == "POST" and form.is_valid():
        try:
            group = services.create_group(
                actor=actor,
                name=form.cleaned_data["name"],
                facilitator=selectors.facilitator_by_key(
                    actor, form.cleaned_data["facilitator"]
                ),
                member_ids=form.cleaned_data["members"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("De groep is gemaakt."))
            return redirect("support:group", group_id=group.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "support/group_form.html", {"form": form, "group": None}, status=status
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def group_edit(request: SignedInRequest, group_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    group = _led_group(actor, group_id)
    initial = {
        "name": group.name,
        "facilitator": str(group.facilitator_id),
        "members": [
            str(pk)
            for pk in GroupMember.objects.filter(group=group).values_list(
                "buddy", flat=True
            )
        ],
    }
    form = _group_form(actor, _posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(
                actor=actor,
                group=group,
                name=form.cleaned_data["name"],
                facilitator=selectors.facilitator_by_key(
                    actor, form.cleaned_data["facilitator"]
                ),
                member_ids=form.cleaned_data["members"],
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("De groep is opgeslagen."))
            return redirect("support:group", group_id=group.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "support/group_form.html",
        {"form": form, "group": group},
        status=status,
    )


@role_required(LEADERS)
def group(request: SignedInRequest, group_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = _led_group(actor, group_id)
    return render(
        request,
        "support/group.html",
        {
            "group": found,
            "members": selectors.group_members(found),
            "sessions": selectors.sessions_of(found),
            "may_edit": actor.role == Role.COORDINATOR,
        },
    )


@role_required(LEADERS, methods=["GET", "POST"])
def session_new(request: SignedInRequest, group_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = _led_group(actor, group_id)
    form = SessionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.plan_session(
                actor=actor, group=found, **form.service_kwargs()
            )
        except DomainError as exc:
            _form_error(form, exc, SessionForm.SERVICE_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "De bijeenkomst is gepland. De buddy's van de groep krijgen een uitnodiging."
                ),
            )
            return redirect("support:session", intervisie_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "support/session_form.html",
        {"form": form, "group": found},
        status=status,
    )


# --- A session, for its leader -------------------------------------------------------


def _session_page(
    request: HttpRequest,
    session: IntervisieSession,
    *,
    attendance_form: AttendanceForm | None = None,
    record_form: RecordForm | None = None,
    name_warning: bool = False,
    status: int = 200,
) -> HttpResponse:
    rows = selectors.attendance_rows(session)
    held = session.has_started and not session.is_cancelled
    if held and attendance_form is None:
        attendance_form = AttendanceForm(rows=rows)
    if held and record_form is None:
        record_form = RecordForm(
            initial={
                "themes": session.record_themes,
                "agreements": session.record_agreements,
            }
        )
    return render(
        request,
        "support/session.html",
        {
            "session": session,
            "group": session.group,
            "rows": rows,
            "signed_up": sum(1 for r in rows if r["signed_up"]),
            "held": held,
            "open": not session.has_started and not session.is_cancelled,
            "attendance_form": attendance_form,
            "record_form": record_form,
            "name_warning": name_warning,
        },
        status=status,
    )


@role_required(LEADERS)
def session(request: SignedInRequest, intervisie_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    return _session_page(request, _led_session(actor, intervisie_id))


@role_required(LEADERS, methods=["POST"])
def record_attendance(request: SignedInRequest, intervisie_id: UUID) -> HttpResponse:
    """Present or absent for the whole group, in one form: all saved, or nothing."""
    actor = acting_membership(request)
    found = _led_session(actor, intervisie_id)
    form = AttendanceForm(request.POST, rows=selectors.attendance_rows(found))
    if form.is_valid():
        try:
            present = services.record_attendance(
                actor=actor, session=found, attendance=form.attendance()
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                ngettext(
                    "De aanwezigheid is opgeslagen: %(present)d buddy was er.",
                    "De aanwezigheid is opgeslagen: %(present)d buddy's waren er.",
                    present,
                )
                % {"present": present},
            )
            return redirect("support:session", intervisie_id=found.pk)
    return _session_page(request, found, attendance_form=form, status=400)


@role_required(LEADERS, methods=["POST"])
def record_session(request: SignedInRequest, intervisie_id: UUID) -> HttpResponse:
    """The short record: themes and agreements, no names."""
    actor = acting_membership(request)
    found = _led_session(actor, intervisie_id)
    form = RecordForm(request.POST)
    name_warning = False
    if form.is_valid():
        try:
            services.record_session(
                actor=actor,
                session=found,
                themes=form.cleaned_data["themes"],
                agreements=form.cleaned_data["agreements"],
                not_a_name=form.cleaned_data["not_a_name"],
            )
        except DomainError as exc:
            name_warning = exc.field == "names"
            _form_error(form, exc, {"names": "themes"})
        else:
            messages.success(request, _("Het verslag is opgeslagen."))
            return redirect("support:session", intervisie_id=found.pk)
    return _session_page(
        request, found, record_form=form, name_warning=name_warning, status=400
    )


@role_required(LEADERS, methods=["POST"])
def cancel_session(request: SignedInRequest, intervisie_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = _led_session(actor, intervisie_id)
    try:
        services.cancel_session(actor=actor, session=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "De bijeenkomst is geannuleerd. Wie zich had aangemeld, krijgt een e-mail."
            ),
        )
    return redirect("support:session", intervisie_id=found.pk)


# --- A buddy's own sessions ------------------------------------------------------


@role_required(BUDDY)
def my_intervisie(request: SignedInRequest) -> HttpResponse:
    actor = acting_membership(request)
    # The page shows nothing of the record itself: its key is enough.
    buddy_id = own_buddy_id(actor)
    if buddy_id is None:
        raise Http404
    own = selectors.own_sessions(
        actor, Buddy(pk=buddy_id, organisation_id=actor.organisation_id)
    )
    return render(
        request,
        "support/my_intervisie.html",
        {
            **own,
            "leads": selectors.led_groups(actor)
            .filter(archived_at__isnull=True)
            .exists(),
        },
    )


@role_required(BUDDY, methods=["POST"])
def sign_up(request: SignedInRequest, intervisie_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_or_404(selectors.visible_sessions(actor), intervisie_id)
    try:
        services.sign_up(actor=actor, session=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("U bent aangemeld. Tot dan!"))
    return redirect("support:my_intervisie")


@role_required(BUDDY, methods=["POST"])
def cancel_sign_up(request: SignedInRequest, intervisie_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    found = get_or_404(selectors.visible_sessions(actor), intervisie_id)
    try:
        services.cancel_sign_up(actor=actor, session=found)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("U bent afgemeld."))
    return redirect("support:my_intervisie")
