"""The crypto wallets' URL map, under the `crypto:` namespace."""

from __future__ import annotations

from django.urls import path

from crypto_wallets import views

app_name = "crypto"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:coin>/", views.coin, name="coin"),
]
