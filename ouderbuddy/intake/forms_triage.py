"""Forms of the coordinator's triage: the intake note, the codes and the decisions."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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
        return target_label(obj)


def target_label(target: OrganisationReferralTarget) -> str:
    """A referral target as the referral form lists it."""
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


# --- The request page's unbound forms, drawn ahead -------------------------------------
#
# On a request's page the decision forms, the note and the codes are unbound: the same
# HTML on every page of a language but for the note's text, the organisation's referral
# targets and which code boxes start checked. Each is drawn once per process and
# language, with stamps where those go, and the stamps are filled in per page. Only
# the forms' own texts are kept: no request's or organisation's data.

_STAMP_TEXT = "Stamp-Text-9c1f"
_STAMP_VALUE = "stamp-value-%s-9c1f"
_STAMP_LABEL = "Stamp-Label-%s-9c1f"
_DRAWN: dict[tuple[str, str, str], Any] = {}


class DrawnForm:
    """An unbound form drawn ahead: what the page reads of it (its HTML, no errors)."""

    @property
    def errors(self) -> dict[str, Any]:
        return {}  # unbound: no errors

    def __init__(self, html: str) -> None:
        self.html = mark_safe(html)  # noqa: S308 - drawn by the form, texts escaped

    def __str__(self) -> SafeString:
        return self.html

    def __html__(self) -> SafeString:
        return self.html


def _drawn(kind: str, prefix: str, draw: Any) -> Any:
    key = (kind, prefix, get_language() or "")
    found = _DRAWN.get(key)
    if found is None:
        found = _DRAWN[key] = draw()
    return found


def unbound_form(form_class: type[Form], *, prefix: str) -> DrawnForm:
    """`form_class(prefix=prefix)` drawn, for a form whose fields hold no data (the
    information, confirm and withdraw decisions)."""
    html = _drawn(form_class.__name__, prefix, lambda: str(form_class(prefix=prefix)))
    return DrawnForm(html)


def note_form(note: str, *, prefix: str) -> DrawnForm:
    """`NoteForm(prefix=prefix, initial={"note": note})` drawn."""
    stamp = _drawn(
        "NoteForm",
        prefix,
        lambda: str(NoteForm(prefix=prefix, initial={"note": _STAMP_TEXT})),
    )
    return DrawnForm(stamp.replace(_STAMP_TEXT, escape(note) if note else "", 1))


# A list of at most this many radio buttons is drawn inline (lib/field_html.py).
_INLINE_CHOICES = 5


def _referral_stamps(prefix: str, inline: bool) -> tuple[str, str, str] | None:
    """The unbound referral form as (before the targets, one target with stamps, after
    them), with few targets (`inline`) or many; None when drawing it so does not give
    the form's own HTML back."""
    count = 2 if inline else _INLINE_CHOICES + 1

    def stamps(i: int) -> dict[str, Any]:
        return {"index": i, "value": _STAMP_VALUE % i, "label": _STAMP_LABEL % i}

    form = ReferralForm(prefix=prefix, organisation_id=None)
    field = form.fields["target"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [(_STAMP_VALUE % i, _STAMP_LABEL % i) for i in range(count)]
    drawn = str(form)
    bounds = []
    for i in (0, 1, count - 1):
        value = drawn.find(f'value="{_STAMP_VALUE % i}"')
        start = drawn.rfind("<div>", 0, value)
        end = drawn.find("</div>", drawn.find(_STAMP_LABEL % i, value))
        if value < 0 or start < 0 or end < 0:
            return None
        bounds.append((start, end + len("</div>")))
    auto_id = f"id_{prefix}-target"
    one = (
        drawn[bounds[0][0] : bounds[0][1]]
        .replace("%", "%%")
        .replace(f'"{auto_id}_0"', f'"{auto_id}_%(index)s"')
        .replace(_STAMP_VALUE % 0, "%(value)s")
        .replace(_STAMP_LABEL % 0, "%(label)s")
    )
    found = (drawn[: bounds[0][0]], one, drawn[bounds[2][1] :])
    options = "".join(one % stamps(i) for i in range(count))
    if found[0] + options + found[2] != drawn:
        return None
    return found


def referral_form(organisation_id: Any, *, prefix: str) -> DrawnForm:
    """`ReferralForm(prefix=prefix, organisation_id=organisation_id)` drawn: the
    organisation's active targets (read now) filled in the stamps of its options."""
    targets = list(
        organisation_referral_targets(organisation_id).only(
            "id", "label_nl", "label_en", "contact"
        )
    )
    inline = len(targets) <= _INLINE_CHOICES
    stamps = _drawn(
        f"ReferralForm-{inline}", prefix, lambda: _referral_stamps(prefix, inline)
    )
    if stamps is None or not targets:
        return DrawnForm(
            str(ReferralForm(prefix=prefix, organisation_id=organisation_id))
        )
    before, one, after = stamps
    options = "".join(
        one
        % {
            "index": index,
            "value": escape(str(target.pk)),
            "label": escape(target_label(target)),
        }
        for index, target in enumerate(targets)
    )
    return DrawnForm(before + options + after)
