"""The banking app's one URL map, under the `banking:` namespace."""

from django.urls import path

from banking import views

app_name = "banking"

urlpatterns = [
    # -- money out: dashboard, accounts, beneficiaries, payments ---------------
    path("dashboard/", views.dashboard, name="dashboard"),
    # -- history and papers: transactions, statements, notifications, profile, cards
]
