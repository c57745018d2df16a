"""`{% kept_include "includes/footer.html" %}`: a fragment of every page, rendered once.

The footer, the session dialog and the sign-out button are on every signed-in
page and read nothing but the brand, the language and the page's CSRF token, yet
the template engine renders their forty-odd nodes each time. This tag renders
such a fragment once per template, language, brand and URL prefix with a marker
where the token goes, and puts the page's token there: the same markup
(tests/test_fragments.py compares it with `{% include %}`).

Only for fragments that read nothing else from the page's context.

`{% kept %}…{% endkept %}` does the same for a stretch of a template that is fixed
text: words to translate, links to named pages and static files, nothing from the
context. It is rendered once per language and URL prefix; anything else inside is a
TemplateSyntaxError when the template is read, so it cannot keep what varies.
"""

from __future__ import annotations

import itertools
import secrets

from django import template
from django.conf import settings
from django.template import Node, NodeList, TemplateSyntaxError
from django.template.base import TextNode, TokenType
from django.template.context import Context
from django.template.defaulttags import CommentNode, URLNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Letters and digits only, so escaping leaves it as it is; no token looks like it.
TOKEN_MARK = "keptcsrf" + secrets.token_hex(16)
KEPT: dict[tuple, str] = {}
KEPT_MAX = 256  # languages x brands x fragments; a bound, not a working set


@register.simple_tag(takes_context=True)
def kept_include(context: Context, template_name: str) -> SafeString:
    token = context.get("csrf_token")
    request = context.get("request")
    if settings.DEBUG or request is None or not token or str(token) == "NOTPROVIDED":
        # Templates change under a developer; without a request there is no token to put in.
        fragment = context.template.engine.get_template(template_name)
        return mark_safe(fragment.render(context))  # noqa: S308 - a template's output
    key = (template_name, *_where(context), context.get("brand"))
    html = KEPT.get(key)
    if html is None:
        fragment = context.template.engine.get_template(template_name)
        with context.push(csrf_token=TOKEN_MARK):
            html = fragment.render(context)
        if len(KEPT) >= KEPT_MAX:
            KEPT.clear()
        KEPT[key] = html
    return mark_safe(html.replace(TOKEN_MARK, str(token)))  # noqa: S308 - a template's output


def _where(context: Context) -> tuple[str | None, str, object]:
    """The language, URL prefix and URLconf a render writes in, looked up once per render
    (a page has a dozen kept stretches): none of them changes while a template renders."""
    root = context.render_context.dicts[0]  # the render's own, under every include's
    where = root.get(_WHERE)
    if where is None:
        where = root[_WHERE] = (get_language(), get_script_prefix(), get_urlconf())
    return where


_WHERE = object()  # the key of _where in a render's context
_kept_numbers = itertools.count()
FIXED: dict[tuple, str] = {}
FIXED_MAX = 4096  # stretches x languages x prefixes; a bound, not a working set


def _literal(expression: object) -> bool:
    """A quoted string without filters (`"Pay"`, `'banking:dashboard'`)."""
    if getattr(expression, "filters", True):
        return False
    var = getattr(expression, "var", None)  # a constant is kept as its text
    return isinstance(var, str) or getattr(var, "literal", None) is not None


def _fixed(node: Node) -> bool:
    """Whether `node` renders the same whatever the context (the language aside)."""
    if isinstance(node, TextNode | CommentNode):
        return True
    if isinstance(node, TranslateNode):
        return (
            node.asvar is None
            and _literal(node.filter_expression)
            and (node.message_context is None or _literal(node.message_context))
        )
    if isinstance(node, BlockTranslateNode):
        plain = all(token.token_type == TokenType.TEXT for token in node.singular)
        return (
            plain
            and not node.extra_context
            and node.counter is None
            and node.asvar is None
            and (node.message_context is None or _literal(node.message_context))
        )
    if isinstance(node, URLNode):
        return not node.args and not node.kwargs and node.asvar is None and _literal(node.view_name)
    if isinstance(node, StaticNode):
        return node.varname is None and _literal(node.path)
    return False


class KeptNode(Node):
    child_nodelists = ()  # fixed text only (checked when read): no block to look for inside

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.number = next(_kept_numbers)

    def render(self, context: Context) -> str:
        if settings.DEBUG:  # templates change under a developer: render each time
            return self.nodelist.render(context)
        key = (self.number, *_where(context))
        html = FIXED.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(FIXED) >= FIXED_MAX:
                FIXED.clear()
            FIXED[key] = html
        return html


@register.tag
def kept(parser: template.base.Parser, token: template.base.Token) -> KeptNode:
    """`{% kept %}…{% endkept %}`: fixed text, rendered once per language and URL prefix."""
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    for node in nodelist:
        if not _fixed(node):
            raise TemplateSyntaxError(
                f"{{% kept %}} holds fixed text only (translated words, named URLs without "
                f"arguments, static files), not {node!r}"
            )
    return KeptNode(nodelist)
