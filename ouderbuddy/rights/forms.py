"""Forms of the retention, erasure and rectification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.intake.forms_public import PHONE_CHARACTERS
from ouderbuddy.lib.forms import Form

MAX_MONTHS = 120


class PolicyForm(Form):
    months = forms.IntegerField(
        label=_("Bewaartermijn in maanden"),
        min_value=0,
        max_value=MAX_MONTHS,
        error_messages={
            "required": _("Vul een aantal maanden in."),
            "invalid": _("Vul een heel getal in, bijvoorbeeld 12."),
            "min_value": _("Vul 0 of meer maanden in."),
            "max_value": _("Hoogstens 120 maanden (10 jaar)."),
        },
    )
    reason = forms.CharField(
        label=_("Waarom zo lang"),
        help_text=_("Dit staat in het verwerkingsregister en de privacyverklaring."),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Schrijf hoogstens 300 tekens.")},
    )


class HoldForm(Form):
    reason = forms.CharField(
        label=_("Waarom moet dit langer bewaard blijven?"),
        help_text=_(
            "Bijvoorbeeld: er loopt een klacht. Dit kan één keer. Noem geen namen."
        ),
        min_length=10,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Schrijf waarom dit langer bewaard moet blijven."),
            "min_length": _("Schrijf in een paar woorden waarom (minstens 10 tekens)."),
            "max_length": _("Schrijf hoogstens 300 tekens."),
        },
    )


class EraseForm(Form):
    """The second step of an erasure: the coordinator has read what it does."""

    understood = forms.BooleanField(
        label=_("Ik heb gelezen wat er gewist wordt en wat blijft."),
        error_messages={"required": _("Vink aan dat u het heeft gelezen.")},
    )
    confirm = forms.CharField(
        label=_("Typ WISSEN om te bevestigen"),
        max_length=20,
        error_messages={
            "required": _("Typ het woord WISSEN om te bevestigen."),
            "max_length": _("Typ alleen het woord WISSEN."),
        },
    )


class _Contact(Form):
    full_name = forms.CharField(
        label=_("Naam"),
        max_length=150,
        error_messages={
            "required": _("Vul de naam in."),
            "max_length": _("Hoogstens 150 tekens."),
        },
    )
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        error_messages={
            "required": _("Vul het e-mailadres in."),
            "invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl."),
            "max_length": _("Hoogstens 254 tekens."),
        },
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=20,
        required=False,
        error_messages={"max_length": _("Hoogstens 20 tekens.")},
    )

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"].strip()
        digits = sum(c.isdigit() for c in phone)
        if phone and (not PHONE_CHARACTERS.fullmatch(phone) or not 8 <= digits <= 15):
            raise forms.ValidationError(
                _("Vul een telefoonnummer in, bijvoorbeeld 06 12345678.")
            )
        return phone


class ParentCorrectionForm(_Contact):
    child_name = forms.CharField(
        label=_("Voornaam of voorletters van het kind"),
        max_length=50,
        error_messages={
            "required": _("Vul de voornaam of voorletters van het kind in."),
            "max_length": _("Hoogstens 50 tekens."),
        },
    )
    child_birth_year = forms.IntegerField(
        label=_("Geboortejaar van het kind"),
        required=False,
        min_value=1995,
        max_value=2100,
        error_messages={
            "invalid": _("Vul een jaar in, bijvoorbeeld 2015."),
            "min_value": _("Vul een jaar vanaf 1995 in."),
            "max_value": _("Vul een echt jaar in."),
        },
    )
    child_grade = forms.CharField(
        label=_("Groep of leerjaar"),
        max_length=40,
        required=False,
        error_messages={"max_length": _("Hoogstens 40 tekens.")},
    )
    school_name = forms.CharField(
        label=_("Naam van de school"),
        max_length=120,
        required=False,
        error_messages={"max_length": _("Hoogstens 120 tekens.")},
    )


class BuddyCorrectionForm(_Contact):
    pass


class RestrictForm(Form):
    reason = forms.CharField(
        label=_("Waarom vraagt de ouder dit?"),
        help_text=_(
            "Bijvoorbeeld: de ouder vindt dat de gegevens niet kloppen. Noem geen namen."
        ),
        min_length=10,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Schrijf waarom de ouder dit vraagt."),
            "min_length": _("Schrijf in een paar woorden waarom (minstens 10 tekens)."),
            "max_length": _("Schrijf hoogstens 300 tekens."),
        },
    )
