"""The subject-access routes, in privacy's namespace (added by privacy/urls.py)."""

from django.urls import path

from ouderbuddy.privacy import views_access

urlpatterns = [
    path("verzoeken/", views_access.right_requests, name="right_requests"),
    path("verzoeken/inzage/", views_access.make_export, name="make_export"),
    path(
        "inzage/hulpvraag/<uuid:request_id>/",
        views_access.export_request,
        name="export_request",
    ),
    path(
        "inzage/buddy/<uuid:buddy_id>/", views_access.export_buddy, name="export_buddy"
    ),
    path(
        "inzage/medewerker/<uuid:membership_id>/",
        views_access.export_staff,
        name="export_staff",
    ),
    path("mijn-gegevens/", views_access.my_data, name="my_data"),
    path(
        "status/<str:token>/gegevens/",
        views_access.status_request,
        name="status_request",
    ),
    path("gegevens/<str:token>/", views_access.download, name="download"),
]
