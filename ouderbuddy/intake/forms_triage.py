"""Forms of the coordinator's triage: the intake note, the codes and the decisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    RequestStatus,
)
from ouderbuddy.intake.selectors import organisation_referral_targets
from ouderbuddy.intake.services import QUESTION_MAX
from ouderbuddy.lib.forms import Form, ReadOnceChoices
from ouderbuddy.taxonomy import selectors as taxonomy
from ouderbuddy.taxonomy.forms import ExperienceCodeField
from ouderbuddy.taxonomy.models import CodeGroup

NOTE_MAX = 4000
REFERRAL_REASON_MAX = 500
WITHDRAW_REASON_MAX = 200


class NoteForm(Form):
    note = forms.CharField(
        label=_("Notitie van het intakegesprek"),
        help_text=_(
            "Alleen voor coördinatoren. Schrijf alleen op wat nodig is om een buddy te zoeken."
        ),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class CodesForm(Form):
    """What plays in the request, as codes; the coordinator corrects what the parent
    ticked."""

    route_codes = ExperienceCodeField(
        groups=["route", "transition"],
        required=False,
        label=_("School en overstap"),
    )
    issue_codes = ExperienceCodeField(
        groups=["issue"], required=False, label=_("Procedure of probleem met school")
    )
    need_codes = ExperienceCodeField(
        groups=["need"],
        required=False,
        label=_("Ondersteuningsbehoefte van het kind"),
    )
    context_codes = ExperienceCodeField(
        groups=["context"], required=False, label=_("Gezinssituatie")
    )

    @staticmethod
    def initial_for(help_request: HelpRequest) -> dict[str, list[str]]:
        """The request's current codes, spread over the fields."""
        return CodesForm.initial_from(help_request.codes.values_list("code", "group"))

    @staticmethod
    def initial_from(codes: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
        """These (code, group) pairs spread over the fields."""
        initial: dict[str, list[str]] = {
            "route_codes": [],
            "issue_codes": [],
            "need_codes": [],
            "context_codes": [],
        }
        for code, group in codes:
            key = (
                "route_codes" if group in ("route", "transition") else f"{group}_codes"
            )
            initial[key].append(code)
        return initial

    def codes(self) -> list[str]:
        data = self.cleaned_data
        return [
            *data["route_codes"],
            *data["issue_codes"],
            *data["need_codes"],
            *data["context_codes"],
        ]


class ConfirmForm(Form):
    """A decision without input (to the waiting list); it only carries errors."""


class InformationForm(Form):
    answer = forms.CharField(
        label=_("Uw antwoord aan de ouder"),
        help_text=_(
            "De ouder krijgt deze tekst per e-mail. Schrijf in eenvoudige taal."
        ),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Schrijf de informatie die u de ouder geeft.")},
    )


class TargetChoiceField(forms.ModelChoiceField[Any]):
    iterator = ReadOnceChoices

    def to_python(self, value: Any) -> Any:
        # A value that is not a UUID at all is "not in the list" too (Django's own
        # message would speak of UUIDs).
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc

    def label_from_instance(self, obj: Any) -> str:
        target: OrganisationReferralTarget = obj
        if target.contact:
            return f"{target.label} ({target.contact})"
        return target.label


class ReferralForm(Form):
    target = TargetChoiceField(
        label=_("Doorverwijzen naar"),
        queryset=OrganisationReferralTarget.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een adres uit de lijst."),
            "invalid_choice": _("Kies een adres uit de lijst."),
        },
    )
    reason = forms.CharField(
        label=_("Waarom verwijst u door?"),
        help_text=_("De ouder leest deze reden in de e-mail."),
        max_length=REFERRAL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Schrijf kort waarom u doorverwijst.")},
    )

    def __init__(self, *args: Any, organisation_id: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read each time: a target the coordinator switches off disappears at once.
        # Only the organisation's own targets: another organisation's id is refused.
        target = self.fields["target"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = organisation_referral_targets(organisation_id)


class WithdrawForm(Form):
    reason = forms.CharField(
        label=_("Waarom stopt de hulpvraag?"),
        help_text=_("Bijvoorbeeld: de ouder belde dat het probleem is opgelost."),
        max_length=WITHDRAW_REASON_MAX,
        error_messages={"required": _("Schrijf kort waarom.")},
    )


class RequestSearchForm(Form):
    """Search and filters of the list of all requests (GET). A field with a value that
    is not allowed gets a message and is left out of the search; the rest still works."""

    q = forms.CharField(
        label=_("Zoeken"),
        help_text=_("Kenmerk (bijvoorbeeld HV-S4F5MT), naam, e-mailadres of postcode."),
        max_length=100,
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alle statussen")), *RequestStatus.choices],
        required=False,
    )
    urgency = forms.ChoiceField(
        label=_("Haast"),
        choices=[
            ("", _("Alles")),
            ("urgent", _("Heeft haast")),
            ("deadline", _("Belangrijke datum binnen 14 dagen")),
            ("out_of_school", _("Langer dan 4 weken thuis")),
            ("none", _("Geen haast bekend")),
        ],
        required=False,
    )
    school = forms.ChoiceField(label=_("Soort school"), required=False)
    municipality = forms.ChoiceField(label=_("Gemeente"), required=False)
    child_age_min = forms.IntegerField(
        label=_("Kind vanaf (jaar)"),
        min_value=0,
        max_value=30,
        required=False,
        error_messages={
            "invalid": _("Vul een leeftijd in jaren in, bijvoorbeeld 12."),
            "min_value": _("Vul een leeftijd van 0 tot 30 jaar in."),
            "max_value": _("Vul een leeftijd van 0 tot 30 jaar in."),
        },
    )
    child_age_max = forms.IntegerField(
        label=_("Kind tot en met (jaar)"),
        min_value=0,
        max_value=30,
        required=False,
        error_messages={
            "invalid": _("Vul een leeftijd in jaren in, bijvoorbeeld 12."),
            "min_value": _("Vul een leeftijd van 0 tot 30 jaar in."),
            "max_value": _("Vul een leeftijd van 0 tot 30 jaar in."),
        },
    )
    received = forms.ChoiceField(
        label=_("Ontvangen"),
        choices=[
            ("", _("Altijd")),
            ("7", _("In de laatste 7 dagen")),
            ("30", _("In de laatste 30 dagen")),
            ("90", _("In de laatste 3 maanden")),
            ("365", _("In het laatste jaar")),
            ("over-90", _("Meer dan 3 maanden geleden")),
            ("over-365", _("Meer dan een jaar geleden")),
        ],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sorteren"),
        choices=[
            ("newest", _("Nieuwste eerst")),
            ("oldest", _("Oudste eerst")),
            ("urgency", _("Haast eerst")),
            ("status", _("Op status")),
        ],
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        municipalities: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        invalid = _("Kies een waarde uit de lijst.")
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = invalid
        school = self.fields["school"]
        assert isinstance(school, forms.ChoiceField)
        school.choices = [
            ("", _("Alle soorten")),
            *[
                (code.code, code.label)
                for code in taxonomy.all_codes()
                if code.group == CodeGroup.ROUTE
            ],
        ]
        municipality = self.fields["municipality"]
        assert isinstance(municipality, forms.ChoiceField)
        municipality.choices = [("", _("Alle gemeenten")), *municipalities]

    def criteria(self) -> dict[str, Any]:
        """The fields that passed, for the selector; a refused field is no filter."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {key: value for key, value in cleaned.items() if value not in ("", None)}


class ReferralTargetForm(Form):
    """One referral target of the coordinator's own organisation."""

    label_nl = forms.CharField(
        label=_("Naam"),
        help_text=_("Zoals de ouder het leest. Bijvoorbeeld: Wijkteam Oost."),
        max_length=100,
        error_messages={"required": _("Vul de naam in.")},
    )
    label_en = forms.CharField(
        label=_("Naam in het Engels"),
        help_text=_(
            "Voor ouders die de site in het Engels lezen. Leeg: de Nederlandse naam."
        ),
        max_length=100,
        required=False,
    )
    contact = forms.CharField(
        label=_("Contact"),
        help_text=_("Een telefoonnummer, e-mailadres of website. De ouder leest dit."),
        max_length=200,
        required=False,
    )
    order = forms.IntegerField(
        label=_("Volgorde in de lijst"),
        help_text=_("Een laag getal staat bovenaan."),
        min_value=0,
        max_value=999,
        initial=100,
        error_messages={
            "required": _("Vul een getal in, bijvoorbeeld 10."),
            "invalid": _("Vul een getal in, bijvoorbeeld 10."),
            "min_value": _("Vul een getal van 0 tot 999 in."),
            "max_value": _("Vul een getal van 0 tot 999 in."),
        },
    )
    is_active = forms.BooleanField(
        label=_("Actief: coördinatoren kunnen naar dit adres doorverwijzen"),
        required=False,
        initial=True,
    )
