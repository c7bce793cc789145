from django.urls import path

from ouderbuddy.reports import views

app_name = "reports"

urlpatterns = [
    path("rapportage/", views.dashboard, name="dashboard"),
    path("rapportage/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("rapportage/pdf/", views.report_pdf, name="report_pdf"),
    path("rapportage/werving/", views.planner, name="planner"),
    path("rapportage/signalen/", views.signals, name="signals"),
    path("rapportage/signalen/nieuw/", views.board_new, name="board_new"),
    path(
        "rapportage/signalen/<uuid:board_report_id>/",
        views.board_report,
        name="board_report",
    ),
    path(
        "rapportage/signalen/hulpvraag/<uuid:request_id>/",
        views.request_signals,
        name="request_signals",
    ),
    path("rapportage/tabel/<slug:key>/csv/", views.table_csv, name="table_csv"),
    path("rapportage/tabel/<slug:key>/xlsx/", views.table_xlsx, name="table_xlsx"),
    path("rapportage/uren/", views.hours, name="hours"),
    path(
        "rapportage/uren/<uuid:time_entry_id>/weg/",
        views.hours_delete,
        name="hours_delete",
    ),
    path("rapportage/kosten/", views.costs, name="costs"),
    path(
        "rapportage/kosten/<uuid:cost_id>/weg/", views.cost_delete, name="cost_delete"
    ),
]
