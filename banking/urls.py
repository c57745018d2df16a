from django.urls import path

from banking import views

app_name = "banking"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]
