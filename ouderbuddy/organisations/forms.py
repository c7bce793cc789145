"""Forms of organisations: the coordinator's settings, the platform admin's pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.forms import Form, ReadOnceChoices
from ouderbuddy.organisations.models import (
    MAX_FIRST_CHECK_IN_DAY,
    first_check_ins_problem,
)
from ouderbuddy.regions.models import CooperationDistrict

INTERVAL_CHOICES = [
    (1, _("elke maand")),
    (2, _("elke twee maanden")),
    (3, _("elke drie maanden")),
]
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,28}$")


def _phone(value: str) -> str:
    value = value.strip()
    if value and (not PHONE.match(value) or sum(c.isdigit() for c in value) < 6):
        raise forms.ValidationError(
            _("Vul een telefoonnummer in met cijfers, bijvoorbeeld 030 123 45 67.")
        )
    return value


class FirstCheckInsField(forms.CharField):
    """'7, 21' ↔ [7, 21]."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        parts = [p.strip() for p in re.split(r"[,;\s]+", text) if p.strip()]
        if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
            raise forms.ValidationError(
                _("Vul hele dagen in, gescheiden door komma's. Bijvoorbeeld: 7, 21.")
            )
        days = [int(p) for p in parts]
        problem = first_check_ins_problem(days)
        if problem:
            raise forms.ValidationError(problem)
        return days


class SettingsForm(Form):
    contact_email = forms.EmailField(
        label=_("E-mailadres voor ouders"), max_length=254, required=False
    )
    contact_phone = forms.CharField(
        label=_("Telefoonnummer voor ouders"), max_length=30, required=False
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("Bijvoorbeeld: https://www.steunpunt.nl"),
    )
    contact_hours = forms.CharField(
        label=_("Wanneer bent u bereikbaar?"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld: maandag tot en met donderdag van 9 tot 17 uur."),
    )
    request_wait_target_days = forms.IntegerField(
        label=_("Streeftijd wachtlijst (werkdagen)"),
        min_value=1,
        max_value=60,
        help_text=_(
            "Wacht een hulpvraag langer, dan ziet u dat op de wachtlijst en de startpagina."
        ),
    )
    check_in_first_days = FirstCheckInsField(
        label=_("Eerste check-ins (dagen na de start)"),
        max_length=40,
        required=False,
        help_text=_(
            "Dagen gescheiden door komma's, bijvoorbeeld: 7, 21. Hoogstens %(max)s dagen."
        )
        % {"max": MAX_FIRST_CHECK_IN_DAY},
    )
    check_in_interval_months = forms.TypedChoiceField(
        label=_("Daarna een check-in"),
        coerce=int,
        choices=INTERVAL_CHOICES,
        widget=forms.RadioSelect,
    )
    email_signature = forms.CharField(
        label=_("Ondertekening van e-mails"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Staat onder elke e-mail die namens uw steunpunt gaat. "
            "Bijvoorbeeld uw naam en telefoonnummer."
        ),
    )

    def clean_contact_phone(self) -> str:
        return _phone(self.cleaned_data.get("contact_phone", ""))


class DistrictChoiceField(forms.ModelMultipleChoiceField[Any]):
    """An SWV by its code, name and the municipalities it covers (the code alone
    says nothing to a reader)."""

    iterator = ReadOnceChoices

    def label_from_instance(self, obj: CooperationDistrict) -> str:
        names = sorted(m.name for m in obj.municipalities.all())
        shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
        label = f"{obj.display_code} {obj.name}".strip()
        return f"{label} ({obj.province}: {shown})" if shown else label


class OrganisationForm(Form):
    # About 150 SWVs: the list gets a search box (components/field.html).
    filterable = ("districts",)

    name = forms.CharField(label=_("Naam van het steunpunt"), max_length=150)
    contact_email = forms.EmailField(
        label=_("E-mailadres voor ouders"), max_length=254, required=False
    )
    districts = DistrictChoiceField(
        label=_("Samenwerkingsverbanden (regio)"),
        queryset=CooperationDistrict.objects.order_by(
            "sector", "code"
        ).prefetch_related("municipalities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ouders met een postcode in deze samenwerkingsverbanden komen bij dit "
            "steunpunt."
        ),
    )
    is_active = forms.BooleanField(label=_("Actief"), required=False, initial=True)


class FirstCoordinatorForm(Form):
    full_name = forms.CharField(label=_("Naam van de coördinator"), max_length=150)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
