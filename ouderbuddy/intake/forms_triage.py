"""Forms of the coordinator's triage: the intake note, the codes and the decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ouderbuddy.intake.models import HelpRequest, ReferralTarget
from ouderbuddy.intake.selectors import referral_targets
from ouderbuddy.intake.services import QUESTION_MAX
from ouderbuddy.lib.forms import Form
from ouderbuddy.taxonomy.forms import ExperienceCodeField

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
        initial: dict[str, list[str]] = {
            "route_codes": [],
            "issue_codes": [],
            "need_codes": [],
            "context_codes": [],
        }
        for code, group in help_request.codes.values_list("code", "group"):
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


class TargetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        target: ReferralTarget = obj
        if target.contact:
            return f"{target.label} ({target.contact})"
        return target.label


class ReferralForm(Form):
    target = TargetChoiceField(
        label=_("Doorverwijzen naar"),
        queryset=ReferralTarget.objects.none(),
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read each time: a target the platform admin switches off disappears at once.
        target = self.fields["target"]
        assert isinstance(target, forms.ModelChoiceField)
        target.queryset = referral_targets()


class WithdrawForm(Form):
    reason = forms.CharField(
        label=_("Waarom stopt de hulpvraag?"),
        help_text=_("Bijvoorbeeld: de ouder belde dat het probleem is opgelost."),
        max_length=WITHDRAW_REASON_MAX,
        error_messages={"required": _("Schrijf kort waarom.")},
    )
