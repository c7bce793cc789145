"""URLs of casework: the buddy's match pages (phone first), the coordinator's support
and closure actions, the parent's answers on the status link, the iCal feed."""

from django.urls import path

from ouderbuddy.casework import (
    views_buddy,
    views_closed,
    views_coordinator,
    views_parent,
)

app_name = "casework"
urlpatterns = [
    # Buddy.
    path(
        "buddy/koppelingen/<uuid:match_id>/",
        views_buddy.match,
        name="buddy_match",
    ),
    path(
        "buddy/koppelingen/<uuid:match_id>/contact/",
        views_buddy.log_contact,
        name="buddy_contact",
    ),
    path(
        "buddy/koppelingen/<uuid:match_id>/gesprek/",
        views_buddy.plan_meeting,
        name="buddy_meeting_new",
    ),
    path(
        "buddy/gesprekken/<uuid:meeting_id>/",
        views_buddy.meeting,
        name="buddy_meeting",
    ),
    path(
        "buddy/koppelingen/<uuid:match_id>/zorg/",
        views_buddy.signal,
        name="buddy_signal",
    ),
    path(
        "buddy/koppelingen/<uuid:match_id>/afspraken/",
        views_buddy.acknowledge,
        name="buddy_agreement",
    ),
    path(
        "buddy/koppelingen/<uuid:match_id>/klik/",
        views_buddy.fit,
        name="buddy_fit",
    ),
    path("buddy/agenda/", views_buddy.calendar, name="calendar"),
    path("agenda/<str:token>/", views_buddy.calendar_feed, name="calendar_feed"),
    # Coordinator.
    path("begeleiding/", views_coordinator.overview, name="overview"),
    path("begeleiding/afgesloten/", views_closed.closed, name="closed"),
    path(
        "begeleiding/afgesloten/export/",
        views_closed.export_closed,
        name="export_closed",
    ),
    path(
        "koppelingen/<uuid:match_id>/afspraken/",
        views_coordinator.agreement,
        name="agreement",
    ),
    path(
        "koppelingen/<uuid:match_id>/check-in/",
        views_coordinator.add_check_in,
        name="add_check_in",
    ),
    path(
        "check-ins/<uuid:check_in_id>/",
        views_coordinator.check_in,
        name="check_in",
    ),
    path(
        "klik/<uuid:fit_id>/opgevolgd/",
        views_coordinator.fit_follow_up,
        name="fit_follow_up",
    ),
    path(
        "zorgsignalen/<uuid:signal_id>/",
        views_coordinator.signal,
        name="signal",
    ),
    path(
        "koppelingen/<uuid:match_id>/afsluiten/",
        views_coordinator.close,
        name="close",
    ),
    # Parent, through the status link.
    path(
        "hulpvraag/status/<str:token>/afspraken/",
        views_parent.acknowledge,
        name="parent_agreement",
    ),
    path(
        "hulpvraag/status/<str:token>/klik/",
        views_parent.fit,
        name="parent_fit",
    ),
]
