from django.urls import path

from ouderbuddy.organisations import views

app_name = "organisations"
urlpatterns = [
    path("instellingen/", views.organisation_settings, name="settings"),
    path(
        "team/<uuid:membership_id>/uitschakelen/",
        views.deactivate_membership,
        name="deactivate_membership",
    ),
    path(
        "team/<uuid:membership_id>/inschakelen/",
        views.reactivate_membership,
        name="reactivate_membership",
    ),
]
