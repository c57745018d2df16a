"""`{{ value|html_datetime }}`: a date or moment as an HTML `datetime` attribute wants it.

Django's `date:'c'` writes microseconds, which HTML does not allow (at most three
digits of a second); moments are written to the second, in local time with the
offset, and dates as dates. Loaded for every template (settings.TEMPLATES builtins).
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value: object) -> str:
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return moment.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""
