"""The Python form and field layout draw exactly what templates/components/form.html
and field.html (with the templates they include) draw."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import translation

from ouderbuddy.lib import field_html
from ouderbuddy.lib import forms as ob_forms
from ouderbuddy.lib.tests.test_widget_html import project_forms


class TemplateLayout(ob_forms.FormRenderer):
    """The project's renderer with the field layout drawn by its template."""

    def render(
        self, template_name: str, context: dict[str, Any], request: Any = None
    ) -> str:
        if template_name in (field_html.TEMPLATE, field_html.FORM_TEMPLATE):
            return TemplatesSetting.render(self, template_name, context, request)
        return super().render(template_name, context, request)


TEMPLATE = TemplateLayout()
PYTHON = ob_forms.FormRenderer()


def _both(field: forms.BoundField) -> tuple[str, str]:
    return (
        field.render(renderer=PYTHON),
        field.render(renderer=TEMPLATE),
    )


class Sample(forms.Form):
    """Every branch of the layout: fieldsets (inline and not, filterable), a
    checkbox, plain fields, help texts with markup, optional and conditional."""

    filterable = ("many",)
    conditionally_required = ("later",)

    few = forms.ChoiceField(
        choices=[("a", "A & B"), ("b", "<b>")], widget=ob_forms.RadioSelect
    )
    six = forms.ChoiceField(
        choices=[(str(i), str(i)) for i in range(6)],
        widget=ob_forms.RadioSelect,
        required=False,
        help_text="Kies er één.",
    )
    many = forms.MultipleChoiceField(
        choices=[(str(i), f"Code {i}") for i in range(12)],
        widget=ob_forms.CheckboxSelectMultiple,
        required=False,
    )
    agree = forms.BooleanField(label="Ik ga akkoord <ja>", help_text="Lees eerst")
    name = forms.CharField(label="Naam", max_length=5, help_text="Voor & achter")
    later = forms.IntegerField(required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    described = forms.CharField(
        widget=forms.TextInput(attrs={"aria-describedby": "elders"})
    )


def _forms_both(form: forms.BaseForm) -> tuple[str, str]:
    form.renderer = PYTHON
    python = form.render()
    form.renderer = TEMPLATE
    template = form.render()
    return python, template


class WithHidden(Sample):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    step = forms.CharField(widget=forms.HiddenInput, initial="2")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.data.get("name") == "x":
            raise forms.ValidationError("Dit kan niet <samen>.")
        return cleaned


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "data", [None, {}, {"name": "x", "few": "a", "agree": "on", "described": "d"}]
)
def test_whole_forms_match_the_template(language, data):
    with translation.override(language):
        form = WithHidden(data) if data is not None else WithHidden()
        if data is not None:
            form.is_valid()
        python, template = _forms_both(form)
        assert python == template


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {}, {"few": "x", "name": "te lang hier", "later": "vijf", "many": ["99"]}],
)
def test_every_branch_matches_the_template(language, data):
    with translation.override(language):
        form = Sample(data) if data is not None else Sample()
        if data is not None:
            form.is_valid()
        for field in form:
            python, template = _both(field)
            assert python == template, field.name


def test_the_layout_really_is_drawn_in_python(monkeypatch):
    # Not the engine in disguise: the project's renderer draws a text field (layout
    # and widget) with no template at all.
    field = Sample()["name"]
    monkeypatch.setattr(
        TemplatesSetting, "render", lambda *a, **k: pytest.fail("template used")
    )
    html = field.render(renderer=PYTHON)
    assert html.startswith('<div class="utrecht-form-field')
    assert 'name="name"' in html
    form = WithHidden({})
    form.renderer = PYTHON
    assert form.is_valid() is False
    html = form.render()
    assert 'id="error-summary"' in html and 'name="step"' in html


@pytest.mark.django_db
def test_every_project_form_renders_the_same_empty_and_with_errors():
    rendered = 0
    for form_class in project_forms():
        for data in (None, {}):
            try:
                form = form_class() if data is None else form_class(data)
            except (TypeError, ValueError):
                break  # needs an actor or an object: covered by its pages' tests
            if data is not None:
                form.is_valid()
            for field in form:
                python, template = _both(field)
                assert python == template, (form_class, field.name, data)
                rendered += 1
            python, template = _forms_both(form)
            assert python == template, (form_class, data)
    assert rendered > 100
