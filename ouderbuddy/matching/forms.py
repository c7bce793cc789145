"""Forms of the coordinator's matching pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.forms import DateInput
from ouderbuddy.lib.forms import Form
from ouderbuddy.matching import engine
from ouderbuddy.matching.models import BatchObjective, IntroductionMode, MatchingWeights
from ouderbuddy.matching.services import REASON_MAX


def _weight(name: str, maximum: float = engine.MAX_WEIGHT) -> forms.FloatField:
    field: Any = MatchingWeights._meta.get_field(name)
    return forms.FloatField(
        label=field.verbose_name,
        min_value=0,
        max_value=maximum,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
        error_messages={
            "invalid": _("Vul een getal in, zoals 1 of 0,5."),
            "required": _("Vul een getal in (0 als het niet mee moet tellen)."),
            "min_value": _("Een gewicht kan niet lager zijn dan 0."),
            "max_value": _("Dit getal is te groot (hoogstens %(limit_value)s)."),
        },
    )


class WeightsForm(Form):
    issue = _weight("issue")
    need = _weight("need")
    route = _weight("route")
    same_swv = _weight("same_swv")
    language = _weight("language")
    gender = _weight("gender")
    distance_per_km = _weight("distance_per_km")
    load = _weight("load")
    waiting_per_week = _weight("waiting_per_week")
    waiting_cap_weeks = _weight("waiting_cap_weeks", maximum=520)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(k in data for k in engine.WEIGHT_FIELDS) and all(
            data[k] == 0 for k in engine.WEIGHT_FIELDS
        ):
            raise forms.ValidationError(
                _("Zet minstens één gewicht hoger dan 0, anders telt niets mee.")
            )
        return data


class ProposeForm(Form):
    reason = forms.CharField(
        label=_("Waarom deze buddy? (voor het dossier)"),
        help_text=_("Kort, zonder namen of medische gegevens."),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConflictForm(Form):
    buddy = forms.ChoiceField(label=_("Buddy"))
    note = forms.CharField(
        label=_("Waarom niet"),
        help_text=_("Bijvoorbeeld: kent het gezin, werkt op de school."),
        max_length=200,
    )

    def __init__(self, *args: Any, buddies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["buddy"]).choices = [
            ("", _("Kies een buddy"))
        ] + [(str(b.pk), b.full_name) for b in buddies]


class BatchForm(Form):
    objective = forms.ChoiceField(
        label=_("Wat wilt u bereiken?"),
        choices=BatchObjective.choices,
        initial=BatchObjective.BEST_FIT,
        widget=forms.RadioSelect,
    )


class PlanForm(Form):
    # The place is needed when they meet in person (services.plan_introduction).
    conditionally_required = ("place",)

    day = forms.DateField(label=_("Datum"), widget=DateInput())
    time = forms.TimeField(
        label=_("Tijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    mode = forms.ChoiceField(
        label=_("Hoe"), choices=IntroductionMode.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(
        label=_("Plek of link"),
        help_text=_("Bij afspreken: waar. Bij videobellen: de link."),
        max_length=200,
        required=False,
    )
    coordinator_present = forms.BooleanField(
        label=_("Ik ben als coördinator bij de kennismaking"), required=False
    )

    def moment(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))


class ActivateForm(Form):
    started_on = forms.DateField(
        label=_("Datum van de kennismaking (start)"), widget=DateInput()
    )


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Waarom stopt dit voorstel?"), max_length=REASON_MAX
    )
