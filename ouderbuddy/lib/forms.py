"""Form rendering: every form gets the accessible field layout of templates/components."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

TEXTBOX_CLASS = "utrecht-textbox utrecht-textbox--html-input"
RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"
CHECKBOX_CLASS = "utrecht-checkbox utrecht-checkbox--html-input"

WIDGET_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "utrecht-textarea utrecht-textarea--html-textarea",
    forms.Select: "utrecht-select utrecht-select--html-select",
    forms.SelectMultiple: "utrecht-select utrecht-select--html-select",
    forms.CheckboxInput: CHECKBOX_CLASS,
}


class FormRenderer(TemplatesSetting):
    """Renders `{{ form }}` with an error summary and label, hint and error per field."""

    form_template_name = "components/form.html"
    field_template_name = "components/field.html"


class RadioSelect(forms.RadioSelect):
    """Radio buttons with the NL Design System class on each input, not on the group."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["class"] = RADIO_CLASS
        return option


class CheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes with the NL Design System class on each input, not on the group."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["class"] = CHECKBOX_CLASS
        return option


class StyledFormMixin:
    """Adds the NL Design System classes to each widget of the form."""

    fields: dict[str, forms.Field]
    # Fields needed in some cases only (the form's clean or its service says when):
    # components/field.html marks them not "(niet verplicht)".
    conditionally_required: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # A group of inputs gets its class on each input, never on the group.
            # Django's own widgets are swapped for the styled ones; other subclasses
            # are left as they are (they style their options themselves).
            if type(widget) is forms.RadioSelect:
                widget.__class__ = RadioSelect
            elif type(widget) is forms.CheckboxSelectMultiple:
                widget.__class__ = CheckboxSelectMultiple
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            css = WIDGET_CLASSES.get(type(widget), TEXTBOX_CLASS)
            existing = widget.attrs.get("class", "")
            if css not in existing:
                widget.attrs["class"] = f"{existing} {css}".strip()


class Form(StyledFormMixin, forms.Form):
    """Base for every plain form in the project."""


class ModelForm(StyledFormMixin, forms.ModelForm):
    """Base for every model form in the project."""
