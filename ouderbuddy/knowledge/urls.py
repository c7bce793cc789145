"""URLs of the knowledge base: the coordinator's articles, the buddy's kennisbank,
and the public pages of an organisation for parents."""

from django.urls import path

from ouderbuddy.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("kennisbank/", views.article_list, name="list"),
    path("kennisbank/nieuw/", views.article_new, name="new"),
    path("kennisbank/<uuid:article_id>/", views.article_detail, name="detail"),
    path(
        "kennisbank/<uuid:article_id>/wijzigen/",
        views.article_edit,
        name="edit",
    ),
    path(
        "kennisbank/<uuid:article_id>/publiceren/",
        views.article_publish,
        name="publish",
    ),
    path(
        "kennisbank/<uuid:article_id>/archiveren/",
        views.article_archive,
        name="archive",
    ),
    path(
        "kennisbank/<uuid:article_id>/nagekeken/",
        views.article_review,
        name="review",
    ),
    path(
        "kennisbank/training/<uuid:course_id>/",
        views.course_materials,
        name="course_materials",
    ),
    path("buddy/kennisbank/", views.index, name="index"),
    path("buddy/kennisbank/<uuid:article_id>/", views.read, name="read"),
    path("informatie/<uuid:organisation_id>/", views.public_list, name="public_list"),
    path(
        "informatie/<uuid:organisation_id>/<slug:slug>/",
        views.public_article,
        name="public_article",
    ),
]
