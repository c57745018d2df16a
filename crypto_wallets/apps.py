from django.apps import AppConfig


class CryptoWalletsConfig(AppConfig):
    name = "crypto_wallets"
    verbose_name = "Crypto wallets"
