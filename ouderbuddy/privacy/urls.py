from django.urls import path

from ouderbuddy.privacy import urls_access, views, views_register

app_name = "privacy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("auditlog/", views.audit_log, name="audit_log"),
    path("auditlog/csv/", views.audit_log_csv, name="audit_log_csv"),
    path("register/", views_register.register, name="register"),
    path("register/csv/", views_register.register_csv, name="register_csv"),
    path("register/markdown/", views_register.register_markdown, name="register_md"),
    path("datalekken/", views_register.breaches, name="breaches"),
    path("datalekken/nieuw/", views_register.breach_new, name="breach_new"),
    path(
        "datalekken/<uuid:breach_id>/", views_register.breach_edit, name="breach_edit"
    ),
    path("verklaring/", views_register.statements, name="statements"),
    path(
        "verklaring/<uuid:organisation_id>/",
        views_register.statement,
        name="statement",
    ),
    *urls_access.urlpatterns,
]
