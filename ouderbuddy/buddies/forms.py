"""Forms of the buddies app: the public application, the checklist, the profile."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import (
    AgreementKind,
    Commitment,
    Interview,
    StopReason,
)
from ouderbuddy.lib.choices import ContactMode, Gender, SpokenLanguage
from ouderbuddy.lib.forms import Form, ModelForm
from ouderbuddy.privacy.consent_texts import BUDDY_APPLICATION
from ouderbuddy.regions.selectors import PostcodeError, parse_postcode
from ouderbuddy.taxonomy.forms import ExperienceCodeField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PostcodeField(forms.CharField):
    """A Dutch postcode; the cleaned value is the four digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Postcode"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "postal-code"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            return parse_postcode(value)
        except PostcodeError as exc:
            raise forms.ValidationError(exc.message) from exc


class ExperienceFields(Form):
    """Lived experience in three groups, plus 'rather not say'."""

    route_codes = ExperienceCodeField(
        groups=["route", "transition"],
        required=False,
        label=_("Op welke school zat of zit uw kind?"),
        help_text=_("Kies wat bij uw eigen kind past. Meer keuzes mag."),
    )
    issue_codes = ExperienceCodeField(
        groups=["issue"],
        required=False,
        label=_("Wat heeft u zelf meegemaakt met school?"),
    )
    need_codes = ExperienceCodeField(
        groups=["need"],
        required=False,
        label=_("Wat had uw kind nodig?"),
        help_text=_(
            "Dit zijn gegevens over de gezondheid van uw kind. U hoeft het niet te zeggen."
        ),
    )
    experience_unsaid = forms.BooleanField(
        required=False, label=_("Ik vertel liever niet welke ervaring ik heb")
    )

    def experience_codes(self) -> list[str]:
        data = self.cleaned_data
        return [*data["route_codes"], *data["issue_codes"], *data["need_codes"]]


class ApplicationForm(ExperienceFields):
    """The public form for someone who wants to become a buddy."""

    full_name = forms.CharField(label=_("Uw naam"), max_length=150)
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    gender = forms.ChoiceField(
        label=_("Wat is uw geslacht?"),
        help_text=_("Sommige ouders vragen om een buddy van hetzelfde geslacht."),
        choices=Gender.choices,
        initial=Gender.UNSAID,
        widget=forms.RadioSelect,
    )
    postcode = PostcodeField(
        help_text=_("Bijvoorbeeld 1012 AB. Zo vinden we ouders bij u in de buurt.")
    )
    travel_km = forms.IntegerField(
        label=_("Hoe ver wilt u reizen? (in km)"),
        min_value=0,
        max_value=200,
        initial=10,
    )
    motivation = forms.CharField(
        label=_("Waarom wilt u buddy worden?"),
        max_length=2000,
        help_text=_(
            "Vertel kort waarom u dit wilt doen. Noem geen namen van anderen en geen "
            "medische details. Hoogstens 2000 tekens."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    hours_per_month = forms.IntegerField(
        label=_("Hoeveel uur per maand heeft u?"), min_value=1, max_value=80, initial=8
    )
    commitment_months = forms.TypedChoiceField(
        label=_("Hoe lang wilt u buddy zijn?"),
        choices=Commitment.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    availability = forms.CharField(
        label=_("Wanneer kunt u?"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld: doordeweeks overdag, of 's avonds."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Welke talen spreekt u?"),
        choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[SpokenLanguage.DUTCH],
    )
    contact_modes = forms.MultipleChoiceField(
        label=_("Hoe wilt u contact hebben met ouders?"),
        choices=ContactMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    how_heard = forms.CharField(
        label=_("Hoe heeft u van ons gehoord?"), max_length=100, required=False
    )
    consent = forms.BooleanField(
        label=BUDDY_APPLICATION.text,
        error_messages={
            "required": _(
                "Zonder uw toestemming kunnen we uw aanmelding niet bekijken."
            )
        },
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = [
        "full_name",
        "email",
        "phone",
        "gender",
        "postcode",
        "travel_km",
        "route_codes",
        "issue_codes",
        "need_codes",
        "experience_unsaid",
        "motivation",
        "hours_per_month",
        "commitment_months",
        "availability",
        "languages",
        "contact_modes",
        "how_heard",
        "consent",
        "website",
    ]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class ProfileForm(ExperienceFields):
    """The buddy's own profile in the portal."""

    phone = forms.CharField(
        label=_("Telefoonnummer"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    postcode = PostcodeField(help_text=_("Bijvoorbeeld 1012 AB."))
    travel_km = forms.IntegerField(
        label=_("Hoe ver wilt u reizen? (in km)"), min_value=0, max_value=200
    )
    languages = forms.MultipleChoiceField(
        label=_("Welke talen spreekt u?"),
        choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_modes = forms.MultipleChoiceField(
        label=_("Hoe wilt u contact hebben met ouders?"),
        choices=ContactMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    max_matches = forms.TypedChoiceField(
        label=_("Hoeveel ouders wilt u tegelijk helpen?"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        widget=forms.RadioSelect,
    )
    availability = forms.CharField(
        label=_("Wanneer kunt u?"), max_length=200, required=False
    )

    field_order = [
        "phone",
        "postcode",
        "travel_km",
        "languages",
        "contact_modes",
        "max_matches",
        "availability",
        "route_codes",
        "issue_codes",
        "need_codes",
        "experience_unsaid",
    ]


class PauseForm(Form):
    until = forms.DateField(
        label=_("Pauze tot en met"),
        help_text=_("Daarna bent u vanzelf weer beschikbaar."),
        widget=DateInput(),
    )
    reason = forms.CharField(label=_("Reden"), max_length=200, required=False)


class DateForm(Form):
    held_on = forms.DateField(label=_("Datum van het gesprek"), widget=DateInput())


class InterviewForm(ModelForm):
    class Meta:
        model = Interview
        fields = [
            "held_on",
            "experience_processed",
            "experience_processed_note",
            "listening",
            "listening_note",
            "reflection",
            "reflection_note",
            "boundaries",
            "boundaries_note",
            "communication",
            "communication_note",
            "outcome",
        ]
        labels = {
            "experience_processed_note": _("Toelichting bij eigen ervaring verwerkt"),
            "listening_note": _("Toelichting bij luisteren"),
            "reflection_note": _("Toelichting bij reflecteren"),
            "boundaries_note": _("Toelichting bij grenzen bewaken"),
            "communication_note": _("Toelichting bij communicatie"),
        }
        widgets = {
            "held_on": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 2, "maxlength": 500})
                for name in (
                    "experience_processed_note",
                    "listening_note",
                    "reflection_note",
                    "boundaries_note",
                    "communication_note",
                )
            },
            **dict.fromkeys(
                (
                    "experience_processed",
                    "listening",
                    "reflection",
                    "boundaries",
                    "communication",
                    "outcome",
                ),
                forms.RadioSelect,
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Radio buttons need no "---------" choice: nothing chosen is already "empty".
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
                field.choices = [c for c in choices if c[0] != ""]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in (
            "experience_processed_note",
            "listening_note",
            "reflection_note",
            "boundaries_note",
            "communication_note",
        ):
            if len(data.get(name) or "") > 500:
                self.add_error(name, _("Hoogstens 500 tekens."))
        return data


class VogForm(Form):
    # A date is needed, and the screening profile once the VOG's date is filled
    # in (services.record_vog): no "(niet verplicht)" on these.
    conditionally_required = ("requested_on", "issued_on", "screening_profile")

    requested_on = forms.DateField(
        label=_("VOG aangevraagd op"), required=False, widget=DateInput()
    )
    issued_on = forms.DateField(
        label=_("Datum op de VOG"),
        required=False,
        help_text=_("Vul dit in als u de VOG heeft gezien. Bewaar geen kopie."),
        widget=DateInput(),
    )
    screening_profile = forms.CharField(
        label=_("Screeningsprofiel"),
        max_length=100,
        required=False,
        help_text=_("Bijvoorbeeld: 45 Gezondheidszorg en welzijn van mens en dier."),
    )


class AgreementForm(Form):
    kind = forms.ChoiceField(
        label=_("Welke overeenkomst"),
        choices=AgreementKind.choices,
        widget=forms.RadioSelect,
    )
    signed_on = forms.DateField(
        label=_("Getekend op"), widget=DateInput(), initial=timezone.localdate
    )


class AdvanceForm(Form):
    reason = forms.CharField(label=_("Toelichting"), max_length=300, required=False)


class StopForm(Form):
    reason_code = forms.ChoiceField(
        label=_("Reden"), choices=StopReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Toelichting"), max_length=200, required=False)


class OrganisationFinderForm(Form):
    postcode = PostcodeField(
        help_text=_(
            "Bijvoorbeeld 1012 AB. Dan zoeken we het steunpunt bij u in de buurt."
        )
    )


# The buddy page draws its introduction, interview and VOG forms unbound, with the
# buddy's values as their start values. Each field's HTML depends only on its own
# value, so it is drawn once per process, language and day: a choice field once per
# value (which radio is checked), any other field once empty and once with a stamp
# where the value goes, the value (escaped as the widget escapes it) put in per page.
# Nothing of a buddy is kept: only the pieces around the stamp, or a choice's code.
_STAMP = "obStampValue7c1e"


class StampedForm:
    """What `str(make(initial))` draws, for an unbound form without hidden fields,
    from per-field pieces (`make` takes the start values)."""

    def __init__(self, make: Callable[[dict[str, Any]], forms.BaseForm]) -> None:
        self.make = make
        self._pieces: dict[tuple[Any, ...], Any] = {}

    def _field(self, name: str, value: Any) -> str:
        return str(self.make({name: value})[name].as_field_group())

    def html(self, initial: dict[str, Any]) -> SafeString:
        day = (get_language() or "", timezone.localdate())
        layout = self._pieces.get(day)
        if layout is None:
            if len(self._pieces) > 256:  # yesterday's
                self._pieces.clear()
            probe = self.make({})
            assert not probe.hidden_fields()
            layout = self._pieces[day] = [
                (name, field.widget, isinstance(field.widget, ChoiceWidget))
                for name, field in probe.fields.items()
            ]
        out = []
        key: tuple[Any, ...]
        for name, widget, is_choice in layout:
            value = initial.get(name)
            shown = widget.format_value(value)
            if is_choice:
                key = (*day, name, tuple(shown))
                piece = self._pieces.get(key)
                if piece is None:
                    piece = self._pieces[key] = self._field(name, value)
                out.append(piece)
            elif shown is None:
                key = (*day, name, None)
                piece = self._pieces.get(key)
                if piece is None:
                    piece = self._pieces[key] = self._field(name, None)
                out.append(piece)
            elif type(shown) is str:
                key = (*day, name, _STAMP)
                halves = self._pieces.get(key)
                if halves is None:
                    drawn = self._field(name, _STAMP)
                    halves = self._pieces[key] = (
                        drawn.split(_STAMP) if drawn.count(_STAMP) == 1 else None
                    )
                if halves is None:
                    out.append(self._field(name, value))
                else:
                    out.append(halves[0] + html.escape(shown) + halves[1])
            else:
                out.append(self._field(name, value))
        return mark_safe("".join(out))  # noqa: S308 - the values are escaped


INTRODUCTION_FORM = StampedForm(lambda initial: DateForm(initial=initial))
INTERVIEW_FORM = StampedForm(
    lambda initial: InterviewForm(initial=initial, prefix="interview")
)
VOG_FORM = StampedForm(lambda initial: VogForm(initial=initial, prefix="vog"))
