"""Routes of the screens casework assembles from the apps below it. They keep the names
those apps gave them, so no link changes: the project's URL map (ouderbuddy/urls.py)
adds `matching_urlpatterns` to matching's namespace and `intake_urlpatterns` to
intake's."""

from django.urls import URLPattern, path

from ouderbuddy.casework import views_buddy, views_match, views_parent

# The coordinator's match page and the matching forms on it (matching:match…), the
# parent's answer to the proposed buddy on the status page (matching:parent_answer),
# and the buddy's match list with each running match's summary (matching:proposals).
matching_urlpatterns: list[URLPattern] = [
    path("buddy/voorstellen/", views_buddy.proposals, name="proposals"),
    path("koppelingen/<uuid:match_id>/", views_match.match, name="match"),
    path(
        "koppelingen/<uuid:match_id>/kennismaking/",
        views_match.plan,
        name="plan",
    ),
    path(
        "koppelingen/<uuid:match_id>/start/",
        views_match.activate,
        name="activate",
    ),
    path(
        "koppelingen/<uuid:match_id>/stoppen/",
        views_match.cancel,
        name="cancel",
    ),
    path(
        "hulpvraag/status/<str:token>/buddy/",
        views_parent.answer,
        name="parent_answer",
    ),
]

# The parent's status page and the intake answers on it (intake:status…).
intake_urlpatterns: list[URLPattern] = [
    path("hulpvraag/status/<str:token>/", views_parent.status, name="status"),
    path(
        "hulpvraag/status/<str:token>/intrekken/",
        views_parent.status_withdraw,
        name="status_withdraw",
    ),
    path(
        "hulpvraag/status/<str:token>/toestemming/",
        views_parent.status_consent,
        name="status_consent",
    ),
    path(
        "hulpvraag/status/<str:token>/toestemming-vernieuwen/",
        views_parent.status_renew,
        name="status_renew",
    ),
]
