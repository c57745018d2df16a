"""Django's form templates written in Python, for the ones every form renders.

A field renders about ten small templates (field, label, attributes, errors, the
widget and each option); the template engine spends more on that than on the page
around it (3 ms of a 14 ms history page with six filters). These functions give
the same text as Django 5.2's own templates, whitespace included
(`tests/test_form_renderer.py` renders every form of the portal both ways); a
template without a function here, or one a project overrides, renders as before.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.template.defaultfilters import stringformat
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _text(value: Any) -> str:
    """What `{{ value }}` prints: localized, then escaped unless marked safe."""
    if type(value) is str:  # most attributes: localize leaves a plain str as it is
        return html.escape(value)
    return conditional_escape(localize(value))


def _as_s(value: Any) -> str:
    """What `{{ value|stringformat:'s' }}` prints."""
    if type(value) is str:  # "%s" of a plain str is itself (of a SafeString, a plain str)
        return html.escape(value)
    return conditional_escape(stringformat(value, "s"))


def _attrs(attrs: Mapping[str, Any] | None) -> str:
    """django/forms/attrs.html and widgets/attrs.html."""
    if not attrs:
        return ""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_as_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _field(renderer: FastTemplates, context: dict[str, Any]) -> str:
    field = context["field"]
    if field.use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{_text(described)}"' if described else ""
        head = f"\n  <fieldset{described}>\n  {field.legend_tag() if field.label else ''}\n"
    else:
        head = f"\n  {field.label_tag() if field.label else ''}\n"
    help_text = ""
    if field.help_text:
        helptext_id = f' id="{_text(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{helptext_id}>{field.help_text}</div>'
    closing = "</fieldset>" if field.use_fieldset else ""
    return f"{head}\n{help_text}\n{_text(field.errors)}\n{_text(field)}{closing}\n"


def _label(renderer: FastTemplates, context: dict[str, Any]) -> str:
    if not context["use_tag"]:
        return _text(context["label"]) + "\n"
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>\n"


def _errors(renderer: FastTemplates, context: dict[str, Any]) -> str:
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    list_id = f' id="{_text(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_text(error)}</li>" for error in errors)
    return f'<ul class="{_text(context["error_class"])}"{list_id}>{items}</ul>'


def _input(renderer: FastTemplates, context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = widget["value"]
    value = f' value="{_as_s(value)}"' if value is not None else ""
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>\n"
    )


def _including(name: str) -> Callable[[FastTemplates, dict[str, Any]], str]:
    """A template that is only `{% include name %}` and a newline (text.html, radio.html…)."""

    def written(renderer: FastTemplates, context: dict[str, Any]) -> str:
        return renderer.include(f"django/forms/widgets/{name}.html", context) + "\n"

    return written


def _option_groups(
    renderer: FastTemplates,
    context: dict[str, Any],
    group_open: str,
    group_close: str,
    around_option: tuple[str, str],
) -> str:
    """A choice widget's options, each rendered by its own template between
    `around_option`, a named group's between `group_open` (its escaped name at {})
    and `group_close`: the loop of select.html and multiple_input.html."""
    before, after = around_option
    parts = []
    for group_name, group_choices, _index in context["widget"]["optgroups"]:
        if group_name:
            parts.append(group_open.format(_text(group_name)))
        for option in group_choices:
            option_html = renderer.include(option["template_name"], {**context, "widget": option})
            parts.append(f"{before}{option_html}{after}")
        if group_name:
            parts.append(group_close)
    return "".join(parts)


def _multiple_input(renderer: FastTemplates, context: dict[str, Any]) -> str:
    """widgets/multiple_input.html: radio buttons and checkboxes, each in a <div>."""
    widget = context["widget"]
    attrs = widget["attrs"]
    opening = f' id="{_text(attrs["id"])}"' if attrs.get("id") else ""
    if attrs.get("class"):
        opening += f' class="{_text(attrs["class"])}"'
    groups = _option_groups(
        renderer, context, "\n  <div><label>{}</label>", "\n  </div>", ("<div>\n    ", "</div>")
    )
    return f"<div{opening}>{groups}\n</div>\n"


def _input_option(renderer: FastTemplates, context: dict[str, Any]) -> str:
    """widgets/input_option.html: one radio button or checkbox, in its label."""
    widget = context["widget"]
    element = renderer.include("django/forms/widgets/input.html", context)
    if not widget["wrap_label"]:
        return element + "\n"
    target = f' for="{_text(widget["attrs"]["id"])}"' if widget["attrs"].get("id") else ""
    return f"<label{target}>{element} {_text(widget['label'])}</label>\n"


def _select(renderer: FastTemplates, context: dict[str, Any]) -> str:
    widget = context["widget"]
    groups = _option_groups(
        renderer, context, '\n  <optgroup label="{}">', "\n  </optgroup>", ("\n  ", "")
    )
    return f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>{groups}\n</select>\n'


def _option(renderer: FastTemplates, context: dict[str, Any]) -> str:
    widget = context["widget"]
    return (
        f'<option value="{_as_s(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_text(widget['label'])}</option>\n"
    )


def _textarea(renderer: FastTemplates, context: dict[str, Any]) -> str:
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    opening = f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>'
    return f"{opening}\n{value}</textarea>\n"


INPUTS = ["text", "email", "password", "number", "date", "hidden", "checkbox", "url", "tel", "file"]
WRITTEN: dict[str, Callable[[FastTemplates, dict[str, Any]], str]] = {
    "django/forms/field.html": _field,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
    "django/forms/widgets/input.html": _input,
    **{f"django/forms/widgets/{name}.html": _including("input") for name in INPUTS},
    "django/forms/widgets/multiple_input.html": _multiple_input,
    "django/forms/widgets/radio.html": _including("multiple_input"),
    "django/forms/widgets/checkbox_select.html": _including("multiple_input"),
    "django/forms/widgets/input_option.html": _input_option,
    "django/forms/widgets/radio_option.html": _including("input_option"),
    "django/forms/widgets/checkbox_option.html": _including("input_option"),
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/select_option.html": _option,
    "django/forms/widgets/textarea.html": _textarea,
}


class FastTemplates(DjangoTemplates):
    """The default form renderer, with the templates above written in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        written = WRITTEN.get(template_name)
        if written is None or template_name in self.overridden:
            return super().render(template_name, context, request)
        # Stripped, as the base renderer strips what a template gives.
        return mark_safe(written(self, context).strip())  # noqa: S308 - every value is escaped

    def include(self, template_name: str, context: dict[str, Any]) -> str:
        """What `{% include %}` gives inside a template: not stripped."""
        written = WRITTEN.get(template_name)
        if written is None or template_name in self.overridden:
            return self.get_template(template_name).render(context)
        return written(self, context)

    @cached_property
    def overridden(self) -> frozenset[str]:
        """Templates of WRITTEN the project or an app replaces: those stay templates."""
        return frozenset(
            name
            for name in WRITTEN
            if "/django/forms/templates/"
            not in self.engine.get_template(name).origin.name.replace("\\", "/")
        )
