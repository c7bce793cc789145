"""Form rendering and input checks: every form gets the accessible field layout of
templates/components, and every field refuses control characters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib import field_html
from ouderbuddy.lib.control_characters import has_control_characters
from ouderbuddy.lib.widget_html import render_widget

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

    def render(
        self, template_name: str, context: dict[str, Any], request: Any = None
    ) -> str:
        # Django's widget templates and the project's form and field layout are
        # drawn in Python (same HTML, a fraction of the CPU).
        if template_name == field_html.TEMPLATE and len(context) == 1:
            field = context.get("field")
            if isinstance(field, forms.BoundField):
                return field_html.field_html(field)
        if template_name == field_html.FORM_TEMPLATE and isinstance(
            context.get("form"), forms.BaseForm
        ):
            return field_html.form_html(context["form"])
        html = render_widget(template_name, context)
        if html is not None:
            return html
        return super().render(template_name, context, request)


class ReadOnceChoices(ModelChoiceIterator):
    """The choices of a model choice field, read once per form: Django's iterator
    counts the rows (a COUNT) and then reads them through a server-side cursor
    (DECLARE, FETCH, CLOSE on PostgreSQL) every time the widget is drawn. For the short
    lists of this project the rows are read once and kept on the field's queryset."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # evaluated once, then from its cache
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.queryset) + (1 if self.field.empty_label is not None else 0)


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


CONTROL_CHARACTER_MESSAGE = _(
    "Hier staat een teken dat niet mag, zoals een tab of een onzichtbaar teken. "
    "Haal het weg en probeer het opnieuw."
)
CONTROL_CHARACTER_TEXT_MESSAGE = _(
    "Hier staat een onzichtbaar teken dat niet mag. "
    "Haal het weg en probeer het opnieuw."
)
CONTROL_CHARACTER_CHOICE_MESSAGE = _("Kies een van de mogelijkheden.")


def _control_character_error(field: forms.Field, value: object) -> str | None:
    """The Dutch error for a field whose submitted value holds a control character,
    or None when the value is fine."""
    multiline = isinstance(field.widget, forms.Textarea)
    if isinstance(value, str) and getattr(field, "strip", False):
        value = value.strip()  # what the field strips anyway is no problem
    if not has_control_characters(value, multiline=multiline):
        return None
    if isinstance(field, forms.ChoiceField):
        return str(CONTROL_CHARACTER_CHOICE_MESSAGE)
    if multiline:
        return str(CONTROL_CHARACTER_TEXT_MESSAGE)
    return str(CONTROL_CHARACTER_MESSAGE)


class RefuseControlCharactersMixin:
    """Every field of every project form refuses control characters (NUL, escape,
    ...) with an error next to the field, before the field itself looks at the value:
    a NUL byte must never reach a query (PostgreSQL cannot hold one). Only a
    multi-line text may hold a tab or a line break. See lib/control_characters.py."""

    fields: dict[str, forms.Field]

    def _clean_fields(self) -> None:
        refused: dict[str, str] = {}
        for name, bound in self._bound_items():  # type: ignore[attr-defined]
            if bound.field.disabled:
                continue
            error = _control_character_error(bound.field, bound.data)
            if error is not None:
                refused[name] = error
        if not refused:
            super()._clean_fields()  # type: ignore[misc]
            return
        # Clean the other fields as usual; the refused ones are never cleaned.
        every_field = self.fields
        self.fields = {k: v for k, v in every_field.items() if k not in refused}
        try:
            super()._clean_fields()  # type: ignore[misc]
        finally:
            self.fields = every_field
        for name, error in refused.items():
            self.add_error(name, error)  # type: ignore[attr-defined]


class StyledFormMixin(RefuseControlCharactersMixin):
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


class ModelForm(StyledFormMixin, forms.ModelForm[Any]):
    """Base for every model form in the project."""
