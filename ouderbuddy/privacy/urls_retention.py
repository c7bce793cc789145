"""The retention pages (privacy/views_retention.py) and erasure on request
(privacy/views_erasure.py)."""

from django.urls import path

from ouderbuddy.privacy import views_erasure, views_retention

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
]
