"""Django's `{% extends %}` and `{% url %}`, with what they look up kept.

Loaded for every template (settings.TEMPLATES builtins), after Django's own tags,
so these two take their names. They render exactly what Django's do
(tests/test_kept_lookups.py compares them), but skip work Django repeats on every
render of every page:

- `{% extends %}` finds its parent through the loaders and walks the whole root
  template (base.html, some fifty nodes and everything inside them) looking for
  its blocks. A compiled template never changes, so the parent is kept on the
  node and the blocks on the template; templates read again (a developer's edit
  empties the loader's cache) are new objects and look again.
- `{% url %}` reverses a name through the URLconf's patterns, about as long as
  rendering a dozen plain nodes. The answer depends only on the name, the
  arguments, the current app, the URL prefix, the language and the URLconf, so it
  is kept by those, for arguments that are plain text or whole numbers.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, TextNode, Token
from django.template.context import Context
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


class KeptBlocksExtendsNode(ExtendsNode):
    def find_template(self, template_name: str, context: Context) -> Any:
        # Django's, with the parent kept. The history only matters to a template that
        # extends one of its own name ("base.html" over "base.html"): that one goes
        # Django's way each time, as the cached loader keys it.
        history = context.render_context.setdefault(self.context_key, [self.origin])
        if any(seen.template_name == template_name for seen in history):
            return super().find_template(template_name, context)
        engine = context.template.engine
        kept = self.__dict__.get("_kept_parent")
        if kept is None or kept[0] != template_name or kept[1] is not engine:
            compiled, origin = engine.find_template(template_name, skip=history)
            kept = self._kept_parent = (template_name, engine, compiled, origin)
        history.append(kept[3])
        return kept[2]

    def render(self, context: Context) -> str:
        # Django's ExtendsNode.render, with the root's blocks read once per template.
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        for node in compiled_parent.nodelist:
            # The ExtendsNode has to be the first non-text node.
            if not isinstance(node, TextNode):
                if not isinstance(node, ExtendsNode):
                    block_context.add_blocks(_root_blocks(compiled_parent))
                break
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


def _root_blocks(compiled: Any) -> dict[str, BlockNode]:
    blocks = compiled.__dict__.get("_kept_root_blocks")
    if blocks is None:
        blocks = {n.name: n for n in compiled.nodelist.get_nodes_by_type(BlockNode)}
        compiled._kept_root_blocks = blocks
    return blocks


@register.tag("extends")
def kept_extends(parser: Parser, token: Token) -> KeptBlocksExtendsNode:
    node = do_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name, node.template_dirs)


# Types whose text is their whole identity: True == 1 and a model instance hashes by
# its key alone, so neither could tell two different URLs apart.
_PLAIN = frozenset({str, SafeString, int})
KEPT_URLS: dict[tuple, str | None] = {}
KEPT_URLS_MAX = 4096  # names x arguments x languages; a bound, not a working set


class KeptURLNode(URLNode):
    def render(self, context: Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = self._reverse(view_name, args, kwargs, current_app)
        if url is None:  # as Django's: no such URL is an error, unless kept `as` a name
            if self.asvar is None:
                reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url

    @staticmethod
    def _reverse(view_name: Any, args: list, kwargs: dict, current_app: Any) -> str | None:
        values = (*args, *kwargs.values())
        if type(view_name) not in _PLAIN or any(type(v) not in _PLAIN for v in values):
            try:
                return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            except NoReverseMatch:
                return None
        # The resolver itself, not its URLconf's name: clear_url_caches() makes a new one.
        key = (
            view_name,
            tuple(args),
            tuple(kwargs.items()),
            current_app,
            get_script_prefix(),
            get_language(),
            get_resolver(get_urlconf()),
        )
        try:
            return KEPT_URLS[key]
        except KeyError:
            pass
        try:
            url: str | None = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            url = None
        if len(KEPT_URLS) >= KEPT_URLS_MAX:
            KEPT_URLS.clear()
        KEPT_URLS[key] = url
        return url


@register.tag("url")
def kept_url(parser: Parser, token: Token) -> KeptURLNode:
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
