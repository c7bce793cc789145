"""The retention pages (privacy/views_retention.py)."""

from django.urls import path

from ouderbuddy.privacy import views_retention

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
]
