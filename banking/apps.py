from typing import Any

from django.apps import AppConfig


def forget_company(sender: Any, *, user_id: str, **kwargs: Any) -> None:
    """A demo visitor's company is gone: so are its payments, seen notifications and
    the copies of its answers that sessions keep."""
    from banking import copies
    from banking.models import PendingPayment, SeenNotification

    copies.forget_company(user_id)
    PendingPayment.objects.filter(user_id=user_id).delete()
    SeenNotification.objects.filter(user_id=user_id).delete()


class BankingConfig(AppConfig):
    name = "banking"

    def ready(self) -> None:
        from portal.demo import company_ended

        company_ended.connect(forget_company, dispatch_uid="banking.forget_company")
