"""Forms of the evaluation app: one questionnaire page (built from the version's
items), the coordinator's filters for the results, and an own item."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.evaluation import instrument
from ouderbuddy.evaluation.services import OWN_KINDS
from ouderbuddy.lib.forms import Form
from ouderbuddy.privacy.consent_texts import RESEARCH


class QuestionnairePageForm(Form):
    """The items of one page; every item may be left empty (a stressed parent may
    skip what they do not want to answer)."""

    def __init__(
        self,
        *args: Any,
        page: instrument.Page,
        language: str,
        ask_consent: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.page = page
        for item in page.items:
            self.fields[item.code] = _field(item, language)
        if ask_consent:
            self.fields["research_consent"] = forms.BooleanField(
                label=RESEARCH.text,
                required=False,
                help_text=_(
                    "Zonder deze toestemming gebruiken we uw antwoorden alleen voor "
                    "uw eigen begeleiding, niet in de cijfers."
                ),
            )

    def answers(self) -> dict[str, Any]:
        return {
            item.code: self.cleaned_data.get(item.code)
            for item in self.page.items
            if self.cleaned_data.get(item.code) not in (None, "", [])
        }


def _field(item: instrument.Item, language: str) -> forms.Field:
    label = instrument.text_in(item.text, language)
    if item.kind == "likert":
        return forms.ChoiceField(
            label=label,
            required=False,
            widget=forms.RadioSelect,
            choices=[
                (str(value), instrument.text_in(anchor, language))
                for value, anchor in enumerate(item.anchors, start=1)
            ],
        )
    if item.kind == "scale10":
        low = instrument.text_in(item.low, language)
        high = instrument.text_in(item.high, language)
        choices = []
        for value in range(11):
            text = str(value)
            if value == 0 and low and low != "0":
                text = low
            elif value == 10 and high and high != "10":
                text = high
            choices.append((str(value), text))
        return forms.ChoiceField(
            label=label, required=False, widget=forms.RadioSelect, choices=choices
        )
    if item.kind == "single":
        return forms.ChoiceField(
            label=label,
            required=False,
            widget=forms.RadioSelect,
            choices=[(v, instrument.text_in(t, language)) for v, t in item.options],
        )
    if item.kind == "multiple":
        return forms.MultipleChoiceField(
            label=label,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(v, instrument.text_in(t, language)) for v, t in item.options],
        )
    return forms.CharField(
        label=label,
        required=False,
        max_length=instrument.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Schrijf geen namen van anderen op, zoals van uw kind of een leraar."
        ),
    )


class ResultsFilterForm(Form):
    school_year = forms.ChoiceField(label=_("Schooljaar"), required=False)
    district = forms.ChoiceField(label=_("Samenwerkingsverband"), required=False)
    route = forms.ChoiceField(label=_("Onderwijsroute"), required=False)
    code = forms.ChoiceField(label=_("Wat speelde er"), required=False)
    by = forms.ChoiceField(
        label=_("Verandering per"),
        required=False,
        choices=[
            ("closure_reason", _("reden van afsluiten")),
            ("fit", _("score van de koppeling")),
            ("school_year", _("schooljaar")),
            ("district", _("samenwerkingsverband")),
            ("route", _("onderwijsroute")),
            ("code", _("wat speelde er")),
        ],
    )
    scale = forms.ChoiceField(label=_("Voor de schaal"), required=False)

    def __init__(
        self,
        *args: Any,
        options: dict[str, list[tuple[str, str]]],
        scales: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Alle"))]
        for name in ("school_year", "district", "route", "code"):
            self.fields[name].choices = everything + options.get(name, [])  # type: ignore[attr-defined]
        self.fields["scale"].choices = scales  # type: ignore[attr-defined]


class OwnItemForm(Form):
    kind = forms.ChoiceField(
        label=_("Soort vraag"),
        widget=forms.RadioSelect,
        choices=[
            (kind, label)
            for kind, label in zip(
                OWN_KINDS,
                [
                    _("Stelling (vijf keuzes van oneens tot eens)"),
                    _("Cijfer van 0 tot 10"),
                    _("Open vraag"),
                ],
                strict=True,
            )
        ],
    )
    text_nl = forms.CharField(label=_("De vraag in het Nederlands"), max_length=300)
    text_en = forms.CharField(
        label=_("De vraag in het Engels"), max_length=300, required=False
    )
