"""URLs of the matching app: the coordinator's pages and the buddy's answer. The routes
of the match page and of the parent's answer (matching:match, matching:plan…) are
declared by casework, which assembles those screens (casework.urls_screens)."""

from django.urls import path

from ouderbuddy.matching import views_buddy, views_coordinator

app_name = "matching"
urlpatterns = [
    # Coordinator.
    path("koppelen/", views_coordinator.overview, name="overview"),
    path("koppelen/gewichten/", views_coordinator.weights, name="weights"),
    path(
        "koppelen/hulpvraag/<uuid:request_id>/",
        views_coordinator.shortlist,
        name="shortlist",
    ),
    path(
        "koppelen/hulpvraag/<uuid:request_id>/vergelijk/",
        views_coordinator.compare,
        name="compare",
    ),
    path(
        "koppelen/hulpvraag/<uuid:request_id>/voorstellen/<uuid:buddy_id>/",
        views_coordinator.propose,
        name="propose",
    ),
    path(
        "koppelen/hulpvraag/<uuid:request_id>/belangenconflict/",
        views_coordinator.conflict,
        name="conflict",
    ),
    path("koppelen/voorstel/", views_coordinator.batch_new, name="batch_new"),
    path(
        "koppelen/voorstel/<uuid:draft_id>/",
        views_coordinator.batch_detail,
        name="batch_detail",
    ),
    path(
        "koppelen/voorstel/regel/<uuid:line_id>/",
        views_coordinator.batch_line,
        name="batch_line",
    ),
    path("koppelingen/", views_coordinator.match_list, name="match_list"),
    # Buddy.
    path("buddy/voorstellen/<uuid:match_id>/", views_buddy.proposal, name="proposal"),
]
