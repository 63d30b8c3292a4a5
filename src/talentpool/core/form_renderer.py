"""Form widgets rendered without the template engine.

Django renders every widget, option and label of a form through a template (``django/forms/widgets/*.html``), so
a search form of six fields costs ~1.5 ms and a select of a hundred options a hundred template renders. This
renderer writes the same HTML for Django's own input, textarea, select, option and label templates in plain
Python and hands every other template (the form and field layouts, radio and checkbox lists, anything a project
template overrides) to Django's template renderer unchanged. ``tests/integration/test_form_renderer.py`` renders
every field of every form of the project with both and requires the same HTML.

Escaping follows the templates: ``{{ value }}`` escapes unless the value is already marked safe, and
``stringformat:'s'`` keeps a safe value safe. A value the templates would localise (a number or date as an option
label or textarea content) is left to the template engine.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

_INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel",
    "checkbox", "color", "file"))


class _Fallback(Exception):
    """A value the fast path does not write exactly as the template would."""


def _text(value) -> str:
    """``{{ value }}`` for a string: escaped unless safe; anything the engine would localise falls back."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, (str, Promise)):
        return conditional_escape(str(value))
    raise _Fallback


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``%s`` of any value, escaped unless the value was safe."""
    return str(value) if isinstance(value, SafeData) else conditional_escape(str(value))


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(w: dict) -> str:
    value = "" if w["value"] is None else f' value="{_formatted(w["value"])}"'
    return f'<input type="{_text(w["type"])}" name="{_text(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _option(o: dict) -> str:
    return f'<option value="{_formatted(o["value"])}"{_attrs(o["attrs"])}>{_text(o["label"])}</option>'


def _select(w: dict) -> str:
    parts = [f'<select name="{_text(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                raise _Fallback
            parts.append(f"\n  {_option(option)}\n")  # the included option template ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(w: dict) -> str:
    body = _text(w["value"]) if w["value"] else ""
    return f'<textarea name="{_text(w["name"])}"{_attrs(w["attrs"])}>\n{body}</textarea>'


def _label(context: dict) -> str:
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f'<{tag}{_attrs(context["attrs"] or {})}>{_text(context["label"])}</{tag}>'


class FastFormRenderer(DjangoTemplates):
    """Django's default form renderer with the widget, option and label templates written in Python."""

    def render(self, template_name, context, request=None):
        try:
            if template_name in _INPUTS:
                return mark_safe(_input(context["widget"]))
            if template_name == "django/forms/widgets/select.html":
                return mark_safe(_select(context["widget"]))
            if template_name == "django/forms/widgets/select_option.html":
                return mark_safe(_option(context["widget"]))
            if template_name == "django/forms/widgets/textarea.html":
                return mark_safe(_textarea(context["widget"]))
            if template_name == "django/forms/label.html":
                return mark_safe(_label(context))
        except _Fallback:
            pass
        return super().render(template_name, context, request=request)
