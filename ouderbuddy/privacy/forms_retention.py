"""Forms of the retention pages: an organisation's own period, and keeping a case longer."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
