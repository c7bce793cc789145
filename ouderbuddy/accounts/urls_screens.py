"""Pages of organisations' namespaces that invite people, so accounts builds them: the
team page and the platform admin's page of one support point. The project URL map
adds these routes to the `organisations` and `platform` namespaces, so their paths and
names stay what they were."""

from django.urls import path

from ouderbuddy.accounts import views_platform, views_team

organisations_urlpatterns = [
    path("team/", views_team.team, name="team"),
    path(
        "uitnodigingen/<uuid:invitation_id>/intrekken/",
        views_team.revoke_invitation,
        name="revoke_invitation",
    ),
]

platform_urlpatterns = [
    path(
        "organisaties/<uuid:organisation_id>/",
        views_platform.organisation,
        name="organisation",
    ),
]
