"""URLs of the intake app (referral pages)."""

from django.urls import path

from ouderbuddy.intake import views_referral

urlpatterns = [
    path("doorverwijzen/", views_referral.referral_start, name="referral_start"),
    path(
        "doorverwijzen/<uuid:organisation_id>/",
        views_referral.referral_form,
        name="referral",
    ),
    path(
        "doorverwijzen/<uuid:organisation_id>/verstuurd/",
        views_referral.referral_done,
        name="referral_done",
    ),
    path(
        "hulpvraag/bevestigen/<str:token>/",
        views_referral.referral_confirm,
        name="referral_confirm",
    ),
]
