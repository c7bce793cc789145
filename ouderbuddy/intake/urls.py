"""All URLs of the intake app, in one namespace; each group lives in its own module."""

from ouderbuddy.intake import urls_public, urls_referral, urls_triage

app_name = "intake"
urlpatterns = [
    *urls_public.urlpatterns,
    *urls_referral.urlpatterns,
    *urls_triage.urlpatterns,
]
