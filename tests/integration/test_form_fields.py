"""Codes are picked, not typed; booleans are checkboxes (issue 13, item 8). Every template and every Django form
class of the project is scanned: a text input for a reference code (a division, district, occupation, major,
discipline, industry, university, enterprise or person) without a ``data-picker`` fails, and so does a yes/no
question asked as a select or a text box instead of a checkbox. What truly must stay is listed in ``ALLOWED``
with its reason."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django import forms

import talentpool

pytestmark = pytest.mark.once  # scans of the source and the form classes: no database

SRC = Path(talentpool.__file__).parent
CODE_NAME = re.compile(r"(^|_)(code|codes|division|divisions|district|occupation|occupations|major|majors|"
                       r"industry|industries|university|universities|discipline|enterprise|talent)(_|$)")
TEXT_TYPES = {"", "text", "search"}
BOOLEAN_VALUES = {"true", "false", "yes", "no", "1", "0", "on", "off", "y", "n"}
ALLOWED = {
    ("servicedesk/teams.html", "code"): "a new team's own short code, coined by the office: no table to pick from",
    ("registry/talent_household.html", "income_low"): "three answers, not two: yes, no and not known (the "
                                                       "policies read 'not known' as cannot decide)",
    ("eligibility/explain.html", "p_{{ p.name }}"): "a what-if: empty keeps the parameter in force, so yes, no "
                                                    "and unchanged",
}
_TAG = re.compile(r"<(input|select|textarea)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?</select>)?", re.S)
_ATTR = re.compile(r"([a-zA-Z_:-]+)(?:=\"([^\"]*)\"|='([^']*)')?")


def _attrs(text: str) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2) if m.group(2) is not None else (m.group(3) or "")
            for m in _ATTR.finditer(re.sub(r"\{%.*?%\}", " ", text))}


def template_problems(rel: str, html: str) -> list[str]:
    """What is wrong in one template: a code typed, a boolean asked other than by a checkbox."""
    problems = []
    for m in _TAG.finditer(html):
        tag, attrs = m.group(1), _attrs(m.group(2))
        name, kind = attrs.get("name", ""), attrs.get("type", "").lower()
        if not name or (rel, name) in ALLOWED or kind in ("hidden", "submit", "checkbox", "radio", "file"):
            continue
        if tag == "input" and kind in TEXT_TYPES and CODE_NAME.search(name) and "data-picker" not in attrs:
            problems.append(f"{rel}: the code field {name!r} is typed, not picked (add data-picker)")
        if "data-picker" in attrs and attrs.get("inputmode") == "numeric":
            problems.append(f"{rel}: the picker {name!r} offers a phone only digits (西湖 cannot be typed)")
        if tag == "select":
            values = {v.lower() for v in re.findall(r"<option[^>]*value=\"([^\"]*)\"", m.group(3) or "")} - {""}
            if values and values <= BOOLEAN_VALUES:
                problems.append(f"{rel}: the yes/no field {name!r} is a select (make it a checkbox)")
    return problems


def _templates() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SRC.rglob("templates/**/*.html")):
        parts = path.relative_to(SRC).parts
        rel = "/".join(parts[parts.index("templates") + 1:])
        out.append((rel, path.read_text(encoding="utf-8")))
    return out


def _form_classes() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(talentpool.__path__, "talentpool."):
        if ".migrations" in info.name or ".management" in info.name or info.name.startswith("talentpool.settings"):
            continue
        path = SRC.joinpath(*info.name.split(".")[1:]).with_suffix(".py")
        if path.exists() and re.search(r"forms\.(Model)?Form\b", path.read_text(encoding="utf-8")):
            importlib.import_module(info.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            todo.append(cls)
            if cls.__module__.startswith("talentpool."):
                found.append(cls)
    return found


def form_problems(cls: type[forms.BaseForm]) -> list[str]:
    problems = []
    where = f"{cls.__module__}.{cls.__name__}"
    for name, field in cls().fields.items():  # as rendered: some widgets are set up in __init__
        widget = field.widget
        if isinstance(field, forms.BooleanField) and not isinstance(widget, forms.CheckboxInput):
            problems.append(f"{where}: the yes/no field {name!r} is not a checkbox")
        plain = isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField)
        choices = {str(v).lower() for v, _label in field.choices} - {""} if plain else set()
        if choices and choices <= BOOLEAN_VALUES:
            problems.append(f"{where}: the yes/no field {name!r} is a select (make it a checkbox)")
        if isinstance(field, forms.CharField) and type(widget) is forms.TextInput and CODE_NAME.search(name) \
                and "data-picker" not in widget.attrs:
            problems.append(f"{where}: the code field {name!r} is typed, not picked (add data-picker)")
        if "data-picker" in widget.attrs and widget.attrs.get("inputmode") == "numeric":
            problems.append(f"{where}: the picker {name!r} offers a phone only digits")
    return problems


def test_no_template_has_a_typed_code_or_a_yes_no_select():
    templates = _templates()
    assert len(templates) > 100
    problems = [p for rel, html in templates for p in template_problems(rel, html)]
    assert problems == []


def test_no_form_class_has_a_typed_code_or_a_yes_no_select():
    classes = _form_classes()
    assert {"TalentSearchForm", "CorrectionForm", "UserForm"} <= {c.__name__ for c in classes}
    assert [p for cls in classes for p in form_problems(cls)] == []


def test_every_allowance_is_still_needed():
    """An allowance whose field is gone or fixed is dropped from the list, so the list stays short and true."""
    by_name = dict(_templates())
    for (rel, name), reason in ALLOWED.items():
        assert reason and rel in by_name, rel
        html = by_name[rel]
        assert f'name="{name}"' in html, (rel, name)


@pytest.mark.parametrize(("html", "found"), [
    ('<input type="text" name="district" value="">', "code field 'district'"),
    ('<input name="occupation_code">', "code field 'occupation_code'"),
    ('<input type="search" name="division" data-picker="/api/v1/reference/divisions">', None),
    ('<input type="hidden" name="talent" value="3">', None),
    ('<select name="hidden"><option value="">-</option><option value="yes">是</option>'
     '<option value="no">否</option></select>', "yes/no field 'hidden'"),
    ('<select name="flag">{% for v in x %}<option value="True">是</option><option value="False">否</option>'
     '{% endfor %}</select>', "yes/no field 'flag'"),
    ('<select name="status"><option value="open">开放</option><option value="closed">关闭</option></select>', None),
    ('<input type="checkbox" name="mine" value="1">', None),
    ('<input name="division" data-picker="/api/v1/reference/divisions" inputmode="numeric">', "only digits"),
])
def test_the_scan_finds_what_it_should(html, found):
    problems = template_problems("x.html", html)
    assert (found in problems[0] if found else problems == []), problems


def test_the_form_scan_finds_a_typed_code_and_a_yes_no_select():
    class Bad(forms.Form):
        major = forms.CharField()
        urgent = forms.ChoiceField(choices=[("true", "是"), ("false", "否")])
        consent = forms.BooleanField(widget=forms.TextInput)

    assert len(form_problems(Bad)) == 3
