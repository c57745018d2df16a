"""`{% kept_include "includes/footer.html" %}`: a fragment of every page, rendered once.

The footer, the session dialog and the sign-out button are on every signed-in
page and read nothing but the brand, the language and the page's CSRF token, yet
the template engine renders their forty-odd nodes each time. This tag renders
such a fragment once per template, language, brand and URL prefix with a marker
where the token goes, and puts the page's token there: the same markup
(tests/test_fragments.py compares it with `{% include %}`).

Only for fragments that read nothing else from the page's context.
"""

from __future__ import annotations

import secrets

from django import template
from django.template.context import Context
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Letters and digits only, so escaping leaves it as it is; no token looks like it.
TOKEN_MARK = "keptcsrf" + secrets.token_hex(16)
KEPT: dict[tuple, str] = {}
KEPT_MAX = 256  # languages x brands x fragments; a bound, not a working set


@register.simple_tag(takes_context=True)
def kept_include(context: Context, template_name: str) -> SafeString:
    fragment = context.template.engine.get_template(template_name)
    token = context.get("csrf_token")
    request = context.get("request")
    if request is None or not token or str(token) == "NOTPROVIDED":
        return mark_safe(fragment.render(context))  # noqa: S308 - a template's output
    key = (template_name, get_language(), context.get("brand"), get_script_prefix())
    html = KEPT.get(key)
    if html is None:
        with context.push(csrf_token=TOKEN_MARK):
            html = fragment.render(context)
        if len(KEPT) >= KEPT_MAX:
            KEPT.clear()
        KEPT[key] = html
    return mark_safe(html.replace(TOKEN_MARK, str(token)))  # noqa: S308 - a template's output
