"""URLs of the intake app (public pages): the parent's help request and status link."""

from django.urls import URLPattern, path

from ouderbuddy.intake import views_public

urlpatterns: list[URLPattern] = [
    path("hulpvraag/", views_public.start, name="start"),
    path("hulpvraag/stap/<str:step>/", views_public.intake_step, name="step"),
    path("hulpvraag/verstuurd/", views_public.done, name="done"),
    path("hulpvraag/nieuwe-link/", views_public.new_link, name="new_link"),
    path("hulpvraag/status/<str:token>/", views_public.status, name="status"),
    path(
        "hulpvraag/status/<str:token>/intrekken/",
        views_public.status_withdraw,
        name="status_withdraw",
    ),
    path(
        "hulpvraag/status/<str:token>/toestemming/",
        views_public.status_consent,
        name="status_consent",
    ),
]
