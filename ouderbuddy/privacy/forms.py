"""The audit log's filter and the breach register's form."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.forms import Form, ReadOnceChoices
from ouderbuddy.privacy.selectors import AuditFilter, staff_of
from ouderbuddy.privacy.services_breaches import (
    MEASURES_MAX,
    REASON_MAX,
    SHORT_MAX,
    WHAT_MAX,
    breach_problem,
)
from ouderbuddy.privacy.verbs import action_choices

TARGET_MAX = 200


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    iterator = ReadOnceChoices

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            # A word where an id belongs: the same message as an unknown id.
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class AuditFilterForm(Form):
    """Narrow the audit log (GET); every field may stay empty."""

    doel = forms.CharField(
        label=_("Over welke hulpvraag, koppeling of buddy"),
        help_text=_("Het kenmerk, zoals HV-S4F5MT of Buddy 1a2b3c4d."),
        max_length=TARGET_MAX,
        required=False,
    )
    alles = forms.BooleanField(
        label=_("Ook de koppelingen bij deze hulpvraag"), required=False
    )
    wie = StaffChoiceField(
        label=_("Wie"),
        queryset=None,
        required=False,
        empty_label=_("Iedereen"),
        error_messages={"invalid_choice": _("Kies een medewerker uit de lijst.")},
    )
    handeling = forms.ChoiceField(
        label=_("Wat"),
        required=False,
        error_messages={"invalid_choice": _("Kies een handeling uit de lijst.")},
    )
    van = forms.DateField(label=_("Vanaf"), required=False, widget=DateInput())
    tot = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["wie"].queryset = staff_of(organisation_id)  # type: ignore[attr-defined]
        self.fields["handeling"].choices = [  # type: ignore[attr-defined]
            ("", _("Alle handelingen")),
            *action_choices(),
        ]

    def clean_doel(self) -> str:
        text = " ".join(self.cleaned_data["doel"].split())
        try:
            # An id in any spelling, as record_event stores it.
            return str(uuid.UUID(text))
        except ValueError:
            return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("van"), data.get("tot")
        if since and until and until < since:
            self.add_error("tot", _("Deze datum ligt voor de begindatum."))
        if data.get("alles") and not data.get("doel"):
            self.add_error(
                "doel", _("Vul het kenmerk van de hulpvraag in, zoals HV-S4F5MT.")
            )
        return data

    def criteria(self) -> AuditFilter:
        """The valid form as a filter (an invalid one filters nothing)."""
        if not self.is_valid():
            return AuditFilter()
        data = self.cleaned_data
        actor = data.get("wie")
        return AuditFilter(
            target=data.get("doel") or "",
            whole_case=bool(data.get("alles")),
            actor_id=actor.pk if actor else None,
            action=data.get("handeling") or "",
            since=data.get("van"),
            until=data.get("tot"),
        )


def _moment(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time or dt.time.min))


class BreachForm(Form):
    """One data breach: what happened, and whether it was reported to the AP."""

    conditionally_required = ("reported_time", "not_reported_reason")

    discovered_on = forms.DateField(label=_("Ontdekt op (datum)"), widget=DateInput())
    discovered_time = forms.TimeField(label=_("Ontdekt om (tijd)"), widget=TimeInput())
    what = forms.CharField(
        label=_("Wat is er gebeurd?"),
        help_text=_("Schrijf geen namen op. Gebruik kenmerken zoals HV-S4F5MT."),
        max_length=WHAT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    data_concerned = forms.CharField(
        label=_("Welke gegevens?"),
        help_text=_("Bijvoorbeeld: namen en e-mailadressen van ouders."),
        max_length=SHORT_MAX,
        required=False,
    )
    people_concerned = forms.CharField(
        label=_("Over wie?"),
        help_text=_("Welke groep en hoeveel mensen, zonder namen."),
        max_length=SHORT_MAX,
        required=False,
    )
    measures = forms.CharField(
        label=_("Wat is er gedaan?"),
        help_text=_("Om het lek te dichten en de gevolgen te beperken."),
        max_length=MEASURES_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reported_on = forms.DateField(
        label=_("Gemeld aan de Autoriteit Persoonsgegevens op (datum)"),
        required=False,
        widget=DateInput(),
    )
    reported_time = forms.TimeField(
        label=_("Gemeld om (tijd)"), required=False, widget=TimeInput()
    )
    not_reported_reason = forms.CharField(
        label=_("Niet gemeld? Schrijf op waarom"),
        help_text=_(
            "Bijvoorbeeld: er is geen risico voor de mensen, want de gegevens "
            "waren versleuteld."
        ),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    informed_on = forms.DateField(
        label=_("De mensen zelf ingelicht op"), required=False, widget=DateInput()
    )

    @classmethod
    def initial_for(cls, breach: Any) -> dict[str, Any]:
        """The breach's values spread over the fields, in local time."""

        def local(value: dt.datetime | None) -> dt.datetime | None:
            return timezone.localtime(value) if value else None

        discovered = local(breach.discovered_at)
        reported = local(breach.reported_to_ap_at)
        informed = local(breach.people_informed_at)
        return {
            "discovered_on": discovered.date() if discovered else None,
            "discovered_time": discovered.time().replace(second=0, microsecond=0)
            if discovered
            else None,
            "what": breach.what,
            "data_concerned": breach.data_concerned,
            "people_concerned": breach.people_concerned,
            "measures": breach.measures,
            "reported_on": reported.date() if reported else None,
            "reported_time": reported.time().replace(second=0, microsecond=0)
            if reported
            else None,
            "not_reported_reason": breach.not_reported_reason,
            "informed_on": informed.date() if informed else None,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        if data.get("reported_on") and data.get("reported_time") is None:
            self.add_error("reported_time", _("Vul in hoe laat u het lek meldde."))
            return data
        values = self.values()
        problem = breach_problem(**values)
        if problem is not None:
            field, message = problem
            self.add_error(FORM_FIELD[field], message)
        return data

    def values(self) -> dict[str, Any]:
        """The cleaned form as the service's keyword arguments."""
        data = self.cleaned_data
        return {
            "discovered_at": _moment(data["discovered_on"], data["discovered_time"]),
            "what": data["what"],
            "data_concerned": data.get("data_concerned", ""),
            "people_concerned": data.get("people_concerned", ""),
            "measures": data.get("measures", ""),
            "reported_to_ap_at": _moment(
                data.get("reported_on"), data.get("reported_time")
            ),
            "not_reported_reason": data.get("not_reported_reason", ""),
            "people_informed_at": _moment(data.get("informed_on"), None),
        }


# The service's field names → the form's.
FORM_FIELD = {
    "discovered_at": "discovered_on",
    "reported_to_ap_at": "reported_on",
    "not_reported_reason": "not_reported_reason",
    "people_informed_at": "informed_on",
}
