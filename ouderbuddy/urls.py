"""The project's URL map. Each app owns a namespace; every object URL carries a UUID."""

from django.contrib import admin
from django.urls import include, path

from ouderbuddy.accounts import urls_screens as account_screens
from ouderbuddy.accounts.admin_site import secure_admin
from ouderbuddy.accounts.views import set_language
from ouderbuddy.casework import urls_screens
from ouderbuddy.intake import urls as intake_urls
from ouderbuddy.matching import urls as matching_urls
from ouderbuddy.organisations import urls as organisation_urls
from ouderbuddy.organisations import urls_platform as platform_urls
from ouderbuddy.privacy import urls as privacy_urls
from ouderbuddy.rights import urls_screens as rights_screens

secure_admin(admin.site)

urlpatterns = [
    path("", include("ouderbuddy.dashboard.urls")),
    path("account/", include("ouderbuddy.accounts.urls")),
    # The team page and a support point's platform page invite people, so accounts
    # builds them; their routes join organisations' namespaces (organisations:team).
    path(
        "organisatie/",
        include(
            (
                [
                    *organisation_urls.urlpatterns,
                    *account_screens.organisations_urlpatterns,
                ],
                "organisations",
            )
        ),
    ),
    path(
        "platform/",
        include(
            (
                [*platform_urls.urlpatterns, *account_screens.platform_urlpatterns],
                "platform",
            )
        ),
    ),
    # The rights app's pages (retention, erasure, rectification, restriction) reach
    # into every app, so they live on top; their routes join privacy's namespace.
    path(
        "privacy/",
        include(
            (
                [*privacy_urls.urlpatterns, *rights_screens.urlpatterns],
                "privacy",
            )
        ),
    ),
    path("trainingen/", include("ouderbuddy.training.urls")),
    path("", include("ouderbuddy.buddies.urls")),
    # The screens casework assembles from lower apps' parts keep the names those apps
    # gave them (intake:status, matching:match…): their routes join that namespace.
    path(
        "",
        include(
            ([*intake_urls.urlpatterns, *urls_screens.intake_urlpatterns], "intake")
        ),
    ),
    path(
        "",
        include(
            (
                [*matching_urls.urlpatterns, *urls_screens.matching_urlpatterns],
                "matching",
            )
        ),
    ),
    path("", include("ouderbuddy.casework.urls")),
    path("", include("ouderbuddy.support.urls")),
    path("", include("ouderbuddy.knowledge.urls")),
    path("", include("ouderbuddy.evaluation.urls")),
    path("", include("ouderbuddy.reports.urls")),
    path("taal/", set_language, name="set_language"),
    path("platformbeheer/", admin.site.urls),
]

handler400 = "ouderbuddy.dashboard.views.bad_request"
handler403 = "ouderbuddy.dashboard.views.permission_denied"
handler404 = "ouderbuddy.dashboard.views.page_not_found"
handler500 = "ouderbuddy.dashboard.views.server_error"
