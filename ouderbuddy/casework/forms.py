"""Forms of the coordinator's casework: agreements, check-ins, signals, closing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.forms import DateInput
from ouderbuddy.casework.models import (
    NOTE_MAX,
    CloseReason,
    ContactMode,
    Frequency,
    Initiator,
)
from ouderbuddy.casework.services import GOALS_MAX
from ouderbuddy.lib.forms import Form

FOLLOW_UP_MAX = 2000
_DATE_ERRORS = {
    "required": _("Vul een datum in."),
    "invalid": _("Vul een geldige datum in, zoals 15-03-2027."),
}


class AgreementForm(Form):
    goals = forms.CharField(
        label=_("Doelen, in de woorden van de ouder"),
        help_text=_("Schrijf op wat de ouder zelf zegt. Geen medische gegevens."),
        max_length=GOALS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Schrijf de doelen op, in de woorden van de ouder."),
            "max_length": _("Schrijf hoogstens %(limit_value)d tekens."),
        },
    )
    frequency = forms.ChoiceField(
        label=_("Hoe vaak is er contact?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies hoe vaak er contact is."),
            "invalid_choice": _("Kies hoe vaak er contact is."),
        },
    )
    contact_modes = forms.MultipleChoiceField(
        label=_("Hoe hebben ze contact?"),
        choices=ContactMode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies minstens één manier van contact."),
            "invalid_choice": _("Kies minstens één manier van contact."),
        },
    )
    expected_until = forms.DateField(
        label=_("Loopt naar verwachting tot"),
        help_text=_("Meestal zes maanden na de start. Verlengen kan."),
        required=False,
        widget=DateInput(),
        error_messages=_DATE_ERRORS,
    )


class AddCheckInForm(Form):
    due_on = forms.DateField(
        label=_("Datum van de extra check-in"),
        widget=DateInput(),
        error_messages=_DATE_ERRORS,
    )


class RecordCheckInForm(Form):
    done_on = forms.DateField(
        label=_("Gedaan op"), widget=DateInput(), error_messages=_DATE_ERRORS
    )
    with_buddy = forms.BooleanField(label=_("Gesproken met de buddy"), required=False)
    with_parent = forms.BooleanField(label=_("Gesproken met de ouder"), required=False)
    note = forms.CharField(
        label=_("Notitie"),
        help_text=_("Kort: hoe gaat het, wat is afgesproken."),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Schrijf hoogstens %(limit_value)d tekens.")},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not (data.get("with_buddy") or data.get("with_parent")):
            self.add_error(
                "with_buddy",
                _("Met wie had u contact? Kies de buddy, de ouder of allebei."),
            )
        return data


class FollowUpForm(Form):
    follow_up = forms.CharField(
        label=_("Wat heeft u gedaan?"),
        help_text=_(
            "Bijvoorbeeld: gebeld met de buddy, overlegd met een collega, "
            "Veilig Thuis om advies gevraagd."
        ),
        max_length=FOLLOW_UP_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Schrijf op wat u heeft gedaan."),
            "max_length": _("Schrijf hoogstens %(limit_value)d tekens."),
        },
    )
    close = forms.BooleanField(label=_("Dit signaal is afgehandeld"), required=False)


class CloseForm(Form):
    reason = forms.ChoiceField(
        label=_("Waarom stopt de koppeling?"),
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een reden."),
            "invalid_choice": _("Kies een reden."),
        },
    )
    initiator = forms.ChoiceField(
        label=_("Wie besloot dat?"),
        choices=Initiator.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies wie het besloot."),
            "invalid_choice": _("Kies wie het besloot."),
        },
    )
    note = forms.CharField(
        label=_("Afsluitende notitie"),
        help_text=_("Kort: hoe ging het, wat heeft de ouder bereikt."),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Schrijf hoogstens %(limit_value)d tekens.")},
    )
    rematch = forms.BooleanField(
        label=_("Opnieuw een buddy zoeken voor deze ouder (niet dezelfde buddy)"),
        required=False,
    )
