"""The fast form renderer (core/form_renderer.py) writes exactly what Django's template renderer writes: every
field and label of every form of the project, unbound and bound to awkward values, and hand-made widgets for the
cases the forms may not show (option groups, several selected, safe and unsafe text, boolean attributes)."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import override
from test_form_fields import _form_classes

from talentpool.core.form_renderer import FastFormRenderer


class _Counting(FastFormRenderer):
    """Notes each template the fast path handed to Django's templates."""

    def __init__(self):
        super().__init__()
        self.slow: list[str] = []

    def get_template(self, template_name):
        self.slow.append(template_name)
        return super().get_template(template_name)


SLOW, FAST = DjangoTemplates(), _Counting()
AWKWARD = '<b>"王&李"</b> \'x\''


def _instances(cls, renderer):
    """The form unbound and bound to awkward text in every field; None when it needs arguments to be made."""
    try:
        made = [cls(renderer=renderer)]
        data = {name: AWKWARD for name in made[0].fields}
        made.append(cls(data=data, renderer=renderer))
    except TypeError:
        return None
    return made


def _html(form) -> list[str]:
    return [str(bf) + "|" + str(bf.label_tag()) + "|" + str(bf.legend_tag()) for bf in form]


@pytest.mark.once  # HTML compared with HTML: the database only lists choices
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_field_of_every_form_renders_the_same_html(language):
    compared = 0
    with override(language):
        for cls in _form_classes():
            slow, fast = _instances(cls, SLOW), _instances(cls, FAST)
            if slow is None:
                continue
            for a, b in zip(slow, fast, strict=True):
                assert _html(b) == _html(a), cls.__qualname__
                compared += len(a.fields)
    assert compared > 50  # the scan reached the project's forms


class Everything(forms.Form):
    text = forms.CharField(max_length=10, initial=AWKWARD, label=mark_safe("<i>safe</i> label"))
    number = forms.DecimalField(initial=1234.5, min_value=0, widget=forms.NumberInput(attrs={"step": "0.01"}))
    day = forms.DateField(initial=datetime.date(2026, 12, 7), widget=forms.DateInput(attrs={"type": "date"}))
    flag = forms.BooleanField(initial=True, required=False)
    off = forms.BooleanField(initial=False, required=False, widget=forms.CheckboxInput(attrs={"disabled": True}))
    note = forms.CharField(widget=forms.Textarea, initial="a\n<b>", required=False)
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    grouped = forms.ChoiceField(choices=[("", "—"), ("东部", [("a", "杭州"), ("b", 'x"<y')]), ("c", "其他")],
                                initial="b")
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")], initial=[1, 3])
    numbered = forms.ChoiceField(choices=[(1, 1), (2, 2)])
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h&")
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="p<")
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, initial="a")
    upload = forms.FileField(required=False)


def test_hand_made_widgets_render_the_same_html():
    for data in (None, {"text": AWKWARD, "grouped": "a", "many": ["2"], "flag": "on", "numbered": "2"}):
        FAST.slow.clear()
        slow, fast = Everything(data=data, renderer=SLOW), Everything(data=data, renderer=FAST)
        assert _html(fast) == _html(slow)
        # only what the fast path leaves to the templates went there: the select whose labels are numbers (the
        # engine localises them), the radio list and the file input's clearable variant
        assert {t for t in FAST.slow if t.startswith("django/forms/widgets/")} == {
            "django/forms/widgets/select.html", "django/forms/widgets/radio.html",
            "django/forms/widgets/clearable_file_input.html"}
        assert "django/forms/label.html" not in FAST.slow
        assert str(fast) == str(slow)
