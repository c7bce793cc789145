"""Form rendering: every form gets the accessible field layout of templates/components."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "utrecht-textarea",
    forms.Select: "utrecht-select",
    forms.SelectMultiple: "utrecht-select",
    forms.CheckboxInput: "utrecht-checkbox utrecht-checkbox--html-input",
    forms.RadioSelect: "utrecht-radio-button utrecht-radio-button--html-input",
    forms.CheckboxSelectMultiple: "utrecht-checkbox utrecht-checkbox--html-input",
}


class FormRenderer(TemplatesSetting):
    """Renders `{{ form }}` with an error summary and label, hint and error per field."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


class StyledFormMixin:
    """Adds the NL Design System class to each widget and marks required fields."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = WIDGET_CLASSES.get(
                type(widget), "utrecht-textbox utrecht-textbox--html-input"
            )
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()


class Form(StyledFormMixin, forms.Form):
    """Base for every plain form in the project."""


class ModelForm(StyledFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    """Base for every model form in the project."""
