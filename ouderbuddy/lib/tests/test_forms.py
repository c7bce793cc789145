"""The shared form layout: classes on inputs, accessible errors."""

from __future__ import annotations

from django import forms

from ouderbuddy.lib.forms import Form


class ExampleForm(Form):
    name = forms.CharField(label="Naam", max_length=5, help_text="Uw voornaam")
    choice = forms.ChoiceField(
        label="Keuze", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    many = forms.MultipleChoiceField(
        label="Meer",
        choices=[("x", "X")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_each_radio_and_checkbox_gets_the_class_not_the_group():
    html = str(ExampleForm())
    assert 'id="id_choice" class=' not in html
    assert html.count("utrecht-radio-button--html-input") == 2
    assert html.count("utrecht-checkbox--html-input") == 1
    assert "utrecht-textbox--html-input" in html


def test_errors_are_summarised_and_linked_to_the_field():
    form = ExampleForm(data={"name": "veel te lang", "choice": "z"})
    assert not form.is_valid()
    html = str(form)
    assert 'id="error-summary"' in html
    assert 'href="#id_name"' in html
    assert 'href="#id_choice_0"' in html
    assert 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert "(niet verplicht)" in html  # the optional field says so
