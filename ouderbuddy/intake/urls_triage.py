"""URLs of the intake app (the coordinator's triage pages)."""

from django.urls import path

from ouderbuddy.intake import views_triage as views

urlpatterns = [
    path("hulpvragen/", views.inbox, name="inbox"),
    path("hulpvragen/wachtlijst/", views.waiting_list, name="waiting_list"),
    path("hulpvragen/<uuid:request_id>/", views.detail, name="detail"),
    path("hulpvragen/<uuid:request_id>/notitie/", views.note, name="note"),
    path("hulpvragen/<uuid:request_id>/codes/", views.codes, name="codes"),
    path(
        "hulpvragen/<uuid:request_id>/naar-wachtlijst/",
        views.to_matching,
        name="to_matching",
    ),
    path(
        "hulpvragen/<uuid:request_id>/informatie/",
        views.information,
        name="information",
    ),
    path("hulpvragen/<uuid:request_id>/doorverwijzen/", views.refer, name="refer"),
    path("hulpvragen/<uuid:request_id>/intrekken/", views.withdraw, name="withdraw"),
]
