"""The forms of allowance and expenses: short stacked forms for the phone. Amounts
take a comma or a dot ("12,50", "€ 12.50"); a receipt is a photo or a PDF taken on
the phone (the file is checked by its content in `support.receipts`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.lib.forms import Form
from ouderbuddy.support.caps import (
    MAX_AMOUNT,
    AmountError,
    AmountProblem,
    parse_amount,
    parse_distance,
)

AMOUNT_MESSAGES = {
    AmountProblem.EMPTY: _("Vul het bedrag in."),
    AmountProblem.FORMAT: _(
        "Vul een bedrag in euro's in, bijvoorbeeld 12,50. Gebruik geen punt voor "
        "duizendtallen."
    ),
    AmountProblem.ZERO: _("Het bedrag moet meer dan € 0,00 zijn."),
    AmountProblem.NEGATIVE: _("Het bedrag kan niet negatief zijn."),
    AmountProblem.TOO_HIGH: _("Het bedrag is te hoog. Overleg met de coördinator."),
}

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


def _no_length_validator(field: forms.CharField) -> None:
    """The field cleans to a number: its length is checked on the text (to_python),
    the widget keeps its maxlength."""
    field.validators = [
        v for v in field.validators if not isinstance(v, MaxLengthValidator)
    ]


class AmountField(forms.CharField):
    """An amount in euros, typed as a person writes it; cleans to a Decimal."""

    def __init__(
        self,
        *args: Any,
        maximum: Decimal = MAX_AMOUNT,
        allow_zero: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "error_messages",
            {
                "required": AMOUNT_MESSAGES[AmountProblem.EMPTY],
                "max_length": AMOUNT_MESSAGES[AmountProblem.FORMAT],
            },
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)
        _no_length_validator(self)
        self.maximum = maximum
        self.allow_zero = allow_zero

    def to_python(self, value: Any) -> Any:
        text = str(super().to_python(value) or "")
        if not text:
            return None
        if self.max_length is not None and len(text) > self.max_length:
            raise forms.ValidationError(
                str(AMOUNT_MESSAGES[AmountProblem.FORMAT]), code="max_length"
            )
        try:
            return parse_amount(text, maximum=self.maximum, allow_zero=self.allow_zero)
        except AmountError as exc:
            raise forms.ValidationError(
                str(AMOUNT_MESSAGES[exc.problem]), code=exc.problem.value
            ) from exc

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


class DistanceField(forms.CharField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)
        _no_length_validator(self)

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        distance = parse_distance(str(text)[:20])
        if distance is None or distance <= 0 or distance > 1000:
            raise forms.ValidationError(
                gettext("Vul de afstand in kilometers in, bijvoorbeeld 12,5."),
                code="invalid",
            )
        return distance


def _date_field(label: Any, required: Any, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        error_messages={
            "required": required,
            "invalid": _("Vul een datum in, bijvoorbeeld 14-03-2026."),
        },
    )


class KmClaimForm(Form):
    spent_on = _date_field(_("Datum van de rit"), _("Vul de datum van de rit in."))
    from_place = forms.CharField(
        label=_("Van"),
        help_text=_("Een plaatsnaam is genoeg, bijvoorbeeld: Zwolle."),
        max_length=100,
        error_messages={
            "required": _("Vul in waar u vertrok."),
            "max_length": _("Schrijf hoogstens 100 tekens."),
        },
    )
    to_place = forms.CharField(
        label=_("Naar"),
        help_text=_("Bijvoorbeeld: school in Kampen. Geen adres van de ouder."),
        max_length=100,
        error_messages={
            "required": _("Vul in waar u heen ging."),
            "max_length": _("Schrijf hoogstens 100 tekens."),
        },
    )
    distance_km = DistanceField(
        label=_("Afstand in kilometers"),
        help_text=_("Heen en terug samen, bijvoorbeeld 24,5."),
        error_messages={
            "required": _("Vul de afstand in."),
            "max_length": _("Vul de afstand in kilometers in, bijvoorbeeld 12,5."),
        },
    )
    description = forms.CharField(
        label=_("Waarvoor"),
        help_text=_("Bijvoorbeeld: gesprek op school. Geen namen."),
        max_length=200,
        error_messages={
            "required": _("Schrijf waarvoor u reed."),
            "max_length": _("Schrijf hoogstens 200 tekens."),
        },
    )


class ReceiptClaimForm(Form):
    spent_on = _date_field(_("Datum op de bon"), _("Vul de datum op de bon in."))
    amount = AmountField(
        label=_("Bedrag"),
        help_text=_("In euro's, bijvoorbeeld 12,50."),
    )
    description = forms.CharField(
        label=_("Waarvoor"),
        help_text=_("Bijvoorbeeld: parkeren bij school. Geen namen."),
        max_length=200,
        error_messages={
            "required": _("Schrijf waarvoor u de kosten maakte."),
            "max_length": _("Schrijf hoogstens 200 tekens."),
        },
    )
    receipt = forms.FileField(
        label=_("Foto of PDF van de bon"),
        help_text=_("Maak een foto met uw telefoon, of kies een PDF. Hoogstens 10 MB."),
        widget=forms.FileInput(
            attrs={"accept": "image/*,application/pdf", "capture": "environment"}
        ),
        error_messages={
            "required": _("Kies een foto of PDF van de bon."),
            "invalid": _("Kies een foto of PDF van de bon."),
            "missing": _("Kies een foto of PDF van de bon."),
            "empty": _("Dit bestand is leeg. Kies een foto of een PDF."),
        },
    )


class RejectForm(Form):
    reason = forms.CharField(
        label=_("Reden van afwijzen"),
        help_text=_("De buddy leest deze reden."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Schrijf waarom u de declaratie afwijst."),
            "max_length": _("Schrijf hoogstens 300 tekens."),
        },
    )


class AllowanceSettingsForm(Form):
    conditionally_required = ("monthly_allowance",)

    pays_flat_allowance = forms.BooleanField(
        label=_("Wij betalen buddy's een vaste vrijwilligersvergoeding"),
        required=False,
    )
    monthly_allowance = AmountField(
        label=_("Vaste vergoeding per maand"),
        help_text=_("Hoogstens het maximum per maand van de Belastingdienst."),
        required=False,
        allow_zero=True,
    )
    km_rate = AmountField(
        label=_("Vergoeding per kilometer"),
        help_text=_(
            "In euro's, bijvoorbeeld 0,23. Vul 0 in als u geen kilometers vergoedt."
        ),
        maximum=Decimal("1.00"),
        allow_zero=True,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("monthly_allowance") is None:
            data["monthly_allowance"] = Decimal(0)
        return data


class AllowanceForm(Form):
    buddy = forms.ChoiceField(
        label=_("Buddy"),
        error_messages={
            "required": _("Kies een buddy."),
            "invalid_choice": _("Kies een buddy uit de lijst."),
        },
    )
    paid_on = _date_field(_("Datum van betalen"), _("Vul de datum in."))
    amount = AmountField(label=_("Bedrag"), help_text=_("In euro's."))

    def __init__(self, *args: Any, buddies: Sequence[Buddy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buddies = {str(b.pk): b for b in buddies}
        field = self.fields["buddy"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("Kies een buddy"))] + [
            (str(b.pk), b.full_name) for b in buddies
        ]

    def chosen_buddy(self) -> Buddy:
        return self.buddies[self.cleaned_data["buddy"]]


class MonthAllowanceForm(Form):
    paid_on = _date_field(
        _("Datum van betalen"),
        _("Vul de datum in."),
        _(
            "Iedere actieve buddy die deze maand nog niets kreeg, krijgt het vaste "
            "bedrag."
        ),
    )
