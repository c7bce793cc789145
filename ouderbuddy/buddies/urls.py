from django.urls import path

from ouderbuddy.buddies import views

app_name = "buddies"
urlpatterns = [
    path("buddy-worden/", views.apply_start, name="apply_start"),
    path("buddy-worden/<uuid:organisation_id>/", views.apply, name="apply"),
    path(
        "buddy-worden/<uuid:organisation_id>/verstuurd/",
        views.apply_done,
        name="apply_done",
    ),
    path("buddies/", views.pipeline, name="pipeline"),
    path("buddies/<uuid:buddy_id>/", views.detail, name="detail"),
    path(
        "buddies/<uuid:buddy_id>/kennismaking/", views.introduction, name="introduction"
    ),
    path("buddies/<uuid:buddy_id>/screening/", views.interview, name="interview"),
    path("buddies/<uuid:buddy_id>/vog/", views.vog, name="vog"),
    path("buddies/<uuid:buddy_id>/overeenkomst/", views.agreement, name="agreement"),
    path("buddies/<uuid:buddy_id>/volgende-stap/", views.advance, name="advance"),
    path("buddies/<uuid:buddy_id>/pauze/", views.pause, name="pause"),
    path("buddies/<uuid:buddy_id>/pauze-stoppen/", views.resume, name="resume"),
    path("buddies/<uuid:buddy_id>/stoppen/", views.stop, name="stop"),
    path(
        "buddies/<uuid:buddy_id>/uitnodiging/",
        views.resend_invitation,
        name="resend_invitation",
    ),
    path("buddy/profiel/", views.portal_profile, name="portal_profile"),
    path("buddy/pauze/", views.portal_pause, name="portal_pause"),
    path("buddy/toestemming/", views.portal_consent, name="portal_consent"),
]
