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
urlpatterns += [
    path("hulpvragen/alle/", views.all_requests, name="all_requests"),
    path("hulpvragen/alle/export/", views.export_requests, name="export_requests"),
]
urlpatterns += [
    path(
        "hulpvragen/doorverwijsadressen/",
        views.referral_targets,
        name="referral_targets",
    ),
    path(
        "hulpvragen/doorverwijsadressen/<uuid:target_id>/",
        views.referral_target,
        name="referral_target",
    ),
]
