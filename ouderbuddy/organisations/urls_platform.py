from django.urls import path

from ouderbuddy.organisations import views_platform as views

app_name = "platform"
urlpatterns = [
    path("organisaties/", views.organisations, name="organisations"),
    path("organisaties/nieuw/", views.new_organisation, name="new_organisation"),
    path(
        "organisaties/<uuid:organisation_id>/wijzigen/",
        views.edit_organisation,
        name="edit_organisation",
    ),
]
