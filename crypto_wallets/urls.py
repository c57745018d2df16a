"""The crypto wallets' URL map, under the `crypto:` namespace."""

app_name = "crypto"

urlpatterns: list = []
