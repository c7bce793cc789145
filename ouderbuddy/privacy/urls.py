from django.urls import path

from ouderbuddy.privacy import views

app_name = "privacy"
urlpatterns = [
    path("auditlog/", views.audit_log, name="audit_log"),
]
