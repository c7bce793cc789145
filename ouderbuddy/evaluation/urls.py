from django.urls import path

from ouderbuddy.evaluation import views, views_public

app_name = "evaluation"

urlpatterns = [
    path("vragenlijst/<str:link>/", views_public.answer, name="answer"),
    path(
        "vragenlijst/<str:link>/pagina/<slug:number>/", views_public.page, name="page"
    ),
    path("vragenlijst/<str:link>/klaar/", views_public.done, name="done"),
    path("vragenlijst/<str:link>/bewaard/", views_public.saved, name="saved"),
    path("vragenlijst/<str:link>/niet-meedoen/", views_public.decline, name="decline"),
    path(
        "vragenlijst/<str:link>/niet-meedoen/klaar/",
        views_public.declined,
        name="declined",
    ),
    path("evaluatie/", views.results, name="results"),
    path("evaluatie/koppeling/<uuid:match_id>/", views.match, name="match"),
    path(
        "evaluatie/uitnodiging/<uuid:evaluation_invitation_id>/opnieuw/",
        views.resend,
        name="resend",
    ),
    path("evaluatie/vragenlijsten/", views.questionnaires, name="questionnaires"),
    path(
        "evaluatie/vragenlijsten/<uuid:version_id>/",
        views.questionnaire,
        name="questionnaire",
    ),
]
