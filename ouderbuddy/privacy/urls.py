from django.urls import path

from ouderbuddy.privacy import urls_access, urls_retention, views

app_name = "privacy"
urlpatterns = [
    path("auditlog/", views.audit_log, name="audit_log"),
    *urls_retention.urlpatterns,
    *urls_access.urlpatterns,
]
