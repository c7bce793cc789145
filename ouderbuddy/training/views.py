"""Training pages: courses and sessions for coordinators, "my trainings" for buddies."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.buddies.selectors import (
    get_buddy_for,
    get_buddy_name_for,
    get_own_buddy,
    own_buddy_id,
)
from ouderbuddy.lib.access import role_required
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form
from ouderbuddy.lib.views import SignedInRequest, acting_membership
from ouderbuddy.organisations.models import Membership, Role
from ouderbuddy.training import hooks, rows, selectors, services
from ouderbuddy.training.forms import (
    AttendanceForm,
    CourseForm,
    EnrolBuddyForm,
    SessionAttendanceForm,
    SessionForm,
    TrainingElsewhereForm,
    unbound_attendance_html,
)
from ouderbuddy.training.models import (
    Course,
    EnrolmentStatus,
    QualificationKind,
    Session,
)

COORDINATOR = [Role.COORDINATOR]
BUDDY = [Role.BUDDY]


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def _form_error(
    form: Form, exc: DomainError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's refusal next to the field it is about, or above the form."""
    field = (field_map or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


def _enrolment_message(enrolment_status: str, name: str | None = None) -> str:
    if enrolment_status == EnrolmentStatus.WAITLISTED:
        if name:
            return _("De training is vol. %(name)s staat op de wachtlijst.") % {
                "name": name
            }
        return _("De training is vol. U staat op de wachtlijst.")
    if name:
        return _("%(name)s is ingeschreven.") % {"name": name}
    return _("U bent ingeschreven. U krijgt een bevestiging per e-mail.")


# --- Coordinator pages --------------------------------------------------------------


@role_required(COORDINATOR, methods=["GET", "POST"])
def courses(request: SignedInRequest) -> HttpResponse:
    """All courses with their upcoming sessions; the form adds a course."""
    actor = acting_membership(request)
    form = CourseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("De training %(title)s is toegevoegd. Plan nu een bijeenkomst.")
                % {"title": course.title},
            )
            return redirect("training:course_detail", course_id=course.pk)
    return render(
        request,
        "training/courses.html",
        {
            "courses": selectors.courses_with_upcoming_sessions(actor),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def course_detail(request: SignedInRequest, course_id: UUID) -> HttpResponse:
    """One course with all its sessions; the form plans a new session."""
    actor = acting_membership(request)
    course = selectors.get_course_for(actor, course_id)
    form = SessionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(
                actor=actor, course=course, **form.service_kwargs()
            )
        except DomainError as exc:
            _form_error(form, exc, SessionForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("De bijeenkomst is gepland."))
            return redirect("training:session_detail", session_id=session.pk)
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": _session_rows(course),
            "form": form,
            "materials": hooks.course_materials(course, for_buddy=False),
        },
        status=400 if form.errors else 200,
    )


def _session_rows(course: Course) -> list[dict[str, Any]]:
    """The rows of a course's sessions table, as its template drew each cell."""
    url = rows.url_maker("training:session_detail")
    seats = _("%(enrolled)s van %(capacity)s")
    return [
        {
            "url": url(session.pk),
            "when": f"{rows.date(session.starts_at, 'j F Y')}, "
            f"{rows.time(session.starts_at, 'H:i')}–{rows.time(session.ends_at, 'H:i')}",
            "is_cancelled": session.is_cancelled,
            "location": session.location,
            "seats": rows.fill(
                seats,
                enrolled=session.enrolled_count,  # type: ignore[attr-defined]
                capacity=session.capacity,
            ),
            "waitlist_count": session.waitlist_count,  # type: ignore[attr-defined]
        }
        for session in selectors.sessions_of(course)
    ]


@role_required(COORDINATOR, methods=["GET", "POST"])
def edit_course(request: SignedInRequest, course_id: UUID) -> HttpResponse:
    """Change the name, kind, hours or validity of a course."""
    actor = acting_membership(request)
    course = selectors.get_course_for(actor, course_id)
    form = CourseForm(
        _posted(request),
        initial={
            "title": course.title,
            "kind": course.kind,
            "description": course.description,
            "hours": course.hours,
            "valid_months": course.valid_months,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_course(actor=actor, course=course, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("De training is gewijzigd."))
            return redirect("training:course_detail", course_id=course.pk)
    return render(
        request,
        "training/course_edit.html",
        {"course": course, "form": form},
        status=400 if form.errors else 200,
    )


def _session_page(
    request: HttpRequest,
    actor: Membership,
    session: Session,
    form: EnrolBuddyForm,
    attendance_form: SessionAttendanceForm | None = None,
) -> HttpResponse:
    enrolments = selectors.enrolment_rows_in(session)
    enrolled = [e for e in enrolments if e.status == EnrolmentStatus.ENROLLED]
    ended = session.has_ended and not session.is_cancelled
    # Unbound, the form is drawn from stamps (and only when the page shows it).
    attendance: Any = attendance_form
    if attendance_form is None:
        attendance = unbound_attendance_html(enrolled) if ended and enrolled else ""
    # The counts of `with_place_counts`, from the list.
    free_places = max(session.capacity - len(enrolled), 0)
    is_open = not session.has_started and not session.is_cancelled
    if is_open:
        cancel_url = rows.url_maker("training:cancel_enrolment")
        for enrolment in enrolments:
            enrolment.cancel_url = cancel_url(enrolment.pk)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "enrolled_count": len(enrolled),
            "free_places": free_places,
            "open": is_open,
            "ended": ended,
            "enrolled": enrolled,
            "waiting": [
                e for e in enrolments if e.status == EnrolmentStatus.WAITLISTED
            ],
            "cancelled": [
                e for e in enrolments if e.status == EnrolmentStatus.CANCELLED
            ],
            "form": form,
            "attendance_form": attendance,
        },
        status=400
        if form.errors or (attendance_form is not None and attendance_form.errors)
        else 200,
    )


@role_required(COORDINATOR, methods=["GET", "POST"])
def session_detail(request: SignedInRequest, session_id: UUID) -> HttpResponse:
    """Who is enrolled and waiting; enrol a buddy, record attendance, cancel."""
    actor = acting_membership(request)
    session = selectors.get_session_page_for(actor, session_id)
    # The enrol form is drawn only while the session is open; a post is checked anyway.
    is_open = not session.has_started and not session.is_cancelled
    form = EnrolBuddyForm(
        _posted(request),
        buddies=selectors.bookable_buddies(actor, session)
        if request.method == "POST" or is_open
        else Buddy.objects.none(),
    )
    if request.method == "POST" and form.is_valid():
        buddy = form.cleaned_data["buddy"]
        try:
            enrolment = services.enrol_buddy(actor=actor, session=session, buddy=buddy)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _enrolment_message(enrolment.status, buddy.full_name)
            )
            return redirect("training:session_detail", session_id=session.pk)
    return _session_page(request, actor, session, form)


@role_required(COORDINATOR, methods=["POST"])
def record_attendance(request: SignedInRequest, session_id: UUID) -> HttpResponse:
    """Present or absent for everyone enrolled, in one form: all saved, or nothing."""
    actor = acting_membership(request)
    session = selectors.get_session_for(actor, session_id)
    enrolled = [
        e
        for e in selectors.enrolments_in(session)
        if e.status == EnrolmentStatus.ENROLLED
    ]
    attendance_form = SessionAttendanceForm(request.POST, enrolments=enrolled)
    if attendance_form.is_valid():
        try:
            services.record_attendance(
                actor=actor, session=session, attendance=attendance_form.attendance()
            )
        except DomainError as exc:
            _form_error(attendance_form, exc)
        else:
            present = sum(attendance_form.attendance().values())
            messages.success(
                request,
                ngettext(
                    "De aanwezigheid is opgeslagen: %(present)d buddy was aanwezig.",
                    "De aanwezigheid is opgeslagen: %(present)d buddy's waren aanwezig.",
                    present,
                )
                % {"present": present},
            )
            return redirect("training:session_detail", session_id=session.pk)
    return _session_page(
        request,
        actor,
        session,
        EnrolBuddyForm(None, buddies=selectors.bookable_buddies(actor, session)),
        attendance_form,
    )


@role_required(COORDINATOR, methods=["POST"])
def cancel_session(request: SignedInRequest, session_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    session = selectors.get_session_for(actor, session_id)
    try:
        services.cancel_session(actor=actor, session=session)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("De bijeenkomst is geannuleerd. De buddy's krijgen een e-mail."),
        )
    return redirect("training:session_detail", session_id=session.pk)


@role_required(COORDINATOR, methods=["POST"])
def mark_attendance(request: SignedInRequest, enrolment_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    enrolment = selectors.get_enrolment_for(actor, enrolment_id)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Kies aanwezig of afwezig."))
        return redirect("training:session_detail", session_id=enrolment.session_id)
    attended = form.cleaned_data["attended"]
    try:
        services.mark_attendance(actor=actor, enrolment=enrolment, attended=attended)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("%(name)s was aanwezig.") if attended else _("%(name)s was afwezig.")
        messages.success(request, text % {"name": enrolment.buddy.full_name})
    return redirect("training:session_detail", session_id=enrolment.session_id)


@role_required(COORDINATOR, methods=["POST"])
def cancel_enrolment(request: SignedInRequest, enrolment_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    enrolment = selectors.get_enrolment_for(actor, enrolment_id)
    try:
        services.cancel_enrolment(actor=actor, enrolment=enrolment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is afgemeld.") % {"name": enrolment.buddy.full_name},
        )
    return redirect("training:session_detail", session_id=enrolment.session_id)


@role_required(COORDINATOR, methods=["GET", "POST"])
def training_elsewhere(request: SignedInRequest, buddy_id: UUID) -> HttpResponse:
    """Record a training the buddy followed elsewhere or before, as one of our courses."""
    actor = acting_membership(request)
    # The page only names the buddy; recording the training needs the whole record.
    read = get_buddy_for if request.method == "POST" else get_buddy_name_for
    buddy = read(actor, buddy_id)
    form = TrainingElsewhereForm(
        _posted(request), courses=selectors.qualifying_courses(actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_training_elsewhere(
                actor=actor, buddy=buddy, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("De training van %(name)s is vastgelegd.")
                % {"name": buddy.full_name},
            )
            return redirect("buddies:detail", buddy_id=buddy.pk)
    return render(
        request,
        "training/training_elsewhere.html",
        {
            "buddy": buddy,
            "form": form,
            # The form's course list, read here once (its field keeps the rows
            # for drawing the list: `lib.forms.ReadOnceChoices`).
            "has_courses": bool(form.fields["course"].queryset),  # type: ignore[attr-defined]
        },
        status=400 if form.errors else 200,
    )


# --- Buddy pages -----------------------------------------------------------------------


@role_required(BUDDY)
def my_trainings(request: SignedInRequest) -> HttpResponse:
    """The buddy's own trainings: sessions to join, own enrolments and qualifications."""
    actor = acting_membership(request)
    # The page shows nothing of the record itself: its key is enough.
    buddy_id = own_buddy_id(actor)
    if buddy_id is None:
        return render(request, "training/my_trainings_no_record.html")
    buddy = Buddy(pk=buddy_id, organisation_id=actor.organisation_id)
    mine = selectors.enrolments_of(buddy, current=True)
    taken = {e.session_id for e in mine}
    # One reverse a page for the rows' forms.
    cancel_url = rows.url_maker("training:cancel_own_enrolment")
    materials = hooks.buddy_course_materials(
        actor.organisation_id, list({e.session.course_id for e in mine})
    )
    for enrolment in mine:
        enrolment.cancel_url = cancel_url(enrolment.pk)  # type: ignore[attr-defined]
        enrolment.materials = materials.get(enrolment.session.course_id, [])  # type: ignore[attr-defined]
    enrol_url = rows.url_maker("training:enrol_self")
    # Of a session only what its panel shows, as values.
    sessions = [s for s in selectors.upcoming_panels(actor) if s["pk"] not in taken]
    for session in sessions:
        session["enrol_url"] = enrol_url(session["pk"])
    qualifications = selectors.own_qualifications(buddy_id)
    return render(
        request,
        "training/my_trainings.html",
        {
            "buddy": buddy,
            "my_enrolments": mine,
            "sessions": sessions,
            "qualifications": qualifications,
            "has_basic_training": any(
                q.kind == QualificationKind.BASIC for q in qualifications
            ),
            "refresher_due_on": selectors.refresher_due_on(buddy, qualifications),
            "today": timezone.localdate(),
        },
    )


@role_required(BUDDY, methods=["POST"])
def enrol_self(request: SignedInRequest, session_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    session = selectors.get_session_for(actor, session_id)
    buddy = get_own_buddy(actor)
    try:
        enrolment = services.enrol_buddy(actor=actor, session=session, buddy=buddy)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _enrolment_message(enrolment.status))
    return redirect("training:my_trainings")


@role_required(BUDDY, methods=["POST"])
def cancel_own_enrolment(request: SignedInRequest, enrolment_id: UUID) -> HttpResponse:
    actor = acting_membership(request)
    enrolment = selectors.get_enrolment_for(actor, enrolment_id)
    try:
        services.cancel_enrolment(actor=actor, enrolment=enrolment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("U bent afgemeld voor deze training."))
    return redirect("training:my_trainings")
