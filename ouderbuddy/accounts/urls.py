from django.urls import path

from ouderbuddy.accounts import views

app_name = "accounts"
urlpatterns = [
    path("inloggen/", views.login_view, name="login"),
    path("uitloggen/", views.logout_view, name="logout"),
    path("tweede-stap/", views.verify_view, name="verify"),
    path("tweede-stap/instellen/", views.enrol_view, name="enrol"),
    path("beveiliging/", views.security_view, name="security"),
    path("beveiliging/herstelcodes/", views.recovery_codes_view, name="recovery_codes"),
    path(
        "organisatie-kiezen/",
        views.switch_organisation_view,
        name="switch_organisation",
    ),
    path(
        "uitnodiging/<str:token>/",
        views.accept_invitation_view,
        name="accept_invitation",
    ),
    path(
        "wachtwoord-vergeten/", views.PasswordResetView.as_view(), name="password_reset"
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-instellen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-instellen/klaar/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
