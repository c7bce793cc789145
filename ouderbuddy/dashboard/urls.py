from django.urls import path

from ouderbuddy.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
]
