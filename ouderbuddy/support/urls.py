"""URLs of buddy support: intervisie, the question desk, announcements,
recognition, allowance and expenses."""

from django.urls import path

from ouderbuddy.support import (
    views,
    views_announcements,
    views_expenses,
    views_questions,
    views_recognition,
)

app_name = "support"
urlpatterns = [
    path("intervisie/", views.groups, name="groups"),
    path("intervisie/nieuw/", views.group_new, name="group_new"),
    path("intervisie/<uuid:group_id>/", views.group, name="group"),
    path("intervisie/<uuid:group_id>/wijzigen/", views.group_edit, name="group_edit"),
    path(
        "intervisie/<uuid:group_id>/bijeenkomst/",
        views.session_new,
        name="session_new",
    ),
    path(
        "intervisie/bijeenkomsten/<uuid:intervisie_id>/", views.session, name="session"
    ),
    path(
        "intervisie/bijeenkomsten/<uuid:intervisie_id>/aanwezigheid/",
        views.record_attendance,
        name="record_attendance",
    ),
    path(
        "intervisie/bijeenkomsten/<uuid:intervisie_id>/verslag/",
        views.record_session,
        name="record_session",
    ),
    path(
        "intervisie/bijeenkomsten/<uuid:intervisie_id>/annuleren/",
        views.cancel_session,
        name="cancel_session",
    ),
    path("buddy/intervisie/", views.my_intervisie, name="my_intervisie"),
    path(
        "buddy/intervisie/<uuid:intervisie_id>/aanmelden/",
        views.sign_up,
        name="sign_up",
    ),
    path(
        "buddy/intervisie/<uuid:intervisie_id>/afmelden/",
        views.cancel_sign_up,
        name="cancel_sign_up",
    ),
    # The question desk.
    path("buddy/vragen/", views_questions.my_questions, name="my_questions"),
    path("buddy/vragen/nieuw/", views_questions.ask, name="ask"),
    path(
        "buddy/vragen/<uuid:question_id>/",
        views_questions.my_question,
        name="my_question",
    ),
    path("vraagbaak/", views_questions.questions, name="questions"),
    path("vraagbaak/<uuid:question_id>/", views_questions.question, name="question"),
    path(
        "vraagbaak/<uuid:question_id>/sluiten/",
        views_questions.close_question,
        name="close_question",
    ),
    path(
        "vraagbaak/<uuid:question_id>/heropenen/",
        views_questions.reopen_question,
        name="reopen_question",
    ),
    path(
        "vraagbaak/<uuid:question_id>/artikel/<uuid:reply_id>/",
        views_questions.answer_to_article,
        name="answer_to_article",
    ),
    # Announcements.
    path("berichten/", views_announcements.announcements, name="announcements"),
    path(
        "berichten/nieuw/",
        views_announcements.announcement_new,
        name="announcement_new",
    ),
    path(
        "berichten/<uuid:announcement_id>/",
        views_announcements.announcement,
        name="announcement",
    ),
    path(
        "buddy/berichten/",
        views_announcements.my_announcements,
        name="my_announcements",
    ),
    path(
        "buddy/berichten/<uuid:announcement_id>/gelezen/",
        views_announcements.mark_read,
        name="mark_read",
    ),
    # Recognition.
    path("buddy/mijn-jaar/", views_recognition.my_year, name="my_year"),
    path(
        "jaaroverzicht/<uuid:buddy_id>/",
        views_recognition.buddy_year,
        name="buddy_year",
    ),
    # Allowance and expenses.
    path("buddy/onkosten/", views_expenses.my_expenses, name="my_expenses"),
    path(
        "buddy/onkosten/kilometers/",
        views_expenses.new_km_claim,
        name="new_km_claim",
    ),
    path(
        "buddy/onkosten/bon/",
        views_expenses.new_receipt_claim,
        name="new_receipt_claim",
    ),
    path("buddy/onkosten/<uuid:claim_id>/", views_expenses.my_claim, name="my_claim"),
    path("onkosten/", views_expenses.claims, name="claims"),
    path("onkosten/vergoeding/", views_expenses.allowance_new, name="allowance_new"),
    path(
        "onkosten/vergoeding/iedereen/",
        views_expenses.allowance_month,
        name="allowance_month",
    ),
    path(
        "onkosten/instellingen/",
        views_expenses.allowance_settings,
        name="allowance_settings",
    ),
    path("onkosten/maand/", views_expenses.month, name="month"),
    path("onkosten/maand/csv/", views_expenses.month_csv, name="month_csv"),
    path("onkosten/maand/xlsx/", views_expenses.month_xlsx, name="month_xlsx"),
    path("onkosten/maand/afsluiten/", views_expenses.close_month, name="close_month"),
    path("onkosten/<uuid:claim_id>/", views_expenses.claim, name="claim"),
    path("onkosten/<uuid:claim_id>/bon/", views_expenses.receipt, name="receipt"),
    path(
        "onkosten/<uuid:claim_id>/goedkeuren/",
        views_expenses.approve_claim,
        name="approve_claim",
    ),
    path(
        "onkosten/<uuid:claim_id>/afwijzen/",
        views_expenses.reject_claim,
        name="reject_claim",
    ),
]
