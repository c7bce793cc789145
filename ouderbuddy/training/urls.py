from django.urls import path

from ouderbuddy.training import views

app_name = "training"
urlpatterns = [
    # Coordinators
    path("", views.courses, name="courses"),
    path("<uuid:course_id>/", views.course_detail, name="course_detail"),
    path("<uuid:course_id>/wijzigen/", views.edit_course, name="edit_course"),
    path(
        "bijeenkomsten/<uuid:session_id>/",
        views.session_detail,
        name="session_detail",
    ),
    path(
        "bijeenkomsten/<uuid:session_id>/annuleren/",
        views.cancel_session,
        name="cancel_session",
    ),
    path(
        "bijeenkomsten/<uuid:session_id>/aanwezigheid/",
        views.record_attendance,
        name="record_attendance",
    ),
    path(
        "buddys/<uuid:buddy_id>/elders-gevolgd/",
        views.training_elsewhere,
        name="training_elsewhere",
    ),
    path(
        "inschrijvingen/<uuid:enrolment_id>/aanwezigheid/",
        views.mark_attendance,
        name="mark_attendance",
    ),
    path(
        "inschrijvingen/<uuid:enrolment_id>/annuleren/",
        views.cancel_enrolment,
        name="cancel_enrolment",
    ),
    # Buddies
    path("mijn/", views.my_trainings, name="my_trainings"),
    path("mijn/<uuid:session_id>/aanmelden/", views.enrol_self, name="enrol_self"),
    path(
        "mijn/inschrijvingen/<uuid:enrolment_id>/afmelden/",
        views.cancel_own_enrolment,
        name="cancel_own_enrolment",
    ),
]
