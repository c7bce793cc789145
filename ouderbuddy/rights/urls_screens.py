"""The pages of the rights app: retention (views_retention.py), erasure,
rectification and restriction on request (views_erasure.py). They join the privacy
namespace (privacy:retention, privacy:erase_parent…) in ouderbuddy/urls.py."""

from django.urls import path

from ouderbuddy.rights import views_erasure, views_retention

urlpatterns = [
    path("bewaartermijnen/", views_retention.overview, name="retention"),
    path(
        "bewaartermijnen/<str:category>/",
        views_retention.edit_policy,
        name="retention_policy",
    ),
    path(
        "bewaartermijnen/<str:category>/<uuid:case_id>/langer/",
        views_retention.hold,
        name="retention_hold",
    ),
    path(
        "wissen/hulpvraag/<uuid:request_id>/",
        views_erasure.erase_parent,
        name="erase_parent",
    ),
    path(
        "wissen/buddy/<uuid:buddy_id>/", views_erasure.erase_buddy, name="erase_buddy"
    ),
    path(
        "corrigeren/hulpvraag/<uuid:request_id>/",
        views_erasure.correct_parent,
        name="correct_parent",
    ),
    path(
        "corrigeren/buddy/<uuid:buddy_id>/",
        views_erasure.correct_buddy,
        name="correct_buddy",
    ),
    path(
        "beperken/hulpvraag/<uuid:request_id>/",
        views_erasure.restrict_parent,
        name="restrict_parent",
    ),
]
