"""URLs of the intake app (public pages): the parent's help request and a new status
link. The status page's routes (intake:status…) are declared by casework, which
assembles it (casework.urls_screens)."""

from django.urls import URLPattern, path

from ouderbuddy.intake import views_public

urlpatterns: list[URLPattern] = [
    path("hulpvraag/", views_public.start, name="start"),
    path("hulpvraag/stap/<str:step>/", views_public.intake_step, name="step"),
    path("hulpvraag/verstuurd/", views_public.done, name="done"),
    path("hulpvraag/nieuwe-link/", views_public.new_link, name="new_link"),
]
