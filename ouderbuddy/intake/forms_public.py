"""Forms of the public intake: one form per step, the check step and the new-link form.

Every step form takes the session draft (see draft.py): the first step needs it to know
whether a professional already chose the support point, the child step to know whether
a young person asks for themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.forms import DateInput, PostcodeField
from ouderbuddy.intake.models import (
    Asker,
    BuddyGenderPreference,
    DeadlineKind,
    PreferredContact,
)
from ouderbuddy.intake.services import QUESTION_MAX, check_young_person
from ouderbuddy.lib.choices import ContactMode, SpokenLanguage
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.lib.forms import Form, RadioSelect
from ouderbuddy.organisations.models import Organisation
from ouderbuddy.organisations.selectors import organisations_serving
from ouderbuddy.privacy.consent_texts import (
    REQUEST_PROCESSING,
    RESEARCH,
    SHARE_WITH_BUDDY,
)
from ouderbuddy.privacy.models import ConsentPurpose
from ouderbuddy.regions.selectors import PostcodeError, get_postcode_area
from ouderbuddy.taxonomy.forms import ExperienceCodeField

PHONE_CHARACTERS = re.compile(r"[0-9+() -]+")


def grade_choices() -> list[tuple[str, str]]:
    """Groep 1-8 of primary school, leerjaar 1-6 of secondary school, then mbo.

    The value is stored as it is (Dutch), the way a coordinator would write it; the
    label is in the language of the page."""
    return [
        ("", gettext("Kies een groep of leerjaar")),
        *((f"groep {n}", gettext("groep %(n)d") % {"n": n}) for n in range(1, 9)),
        *((f"leerjaar {n}", gettext("leerjaar %(n)d") % {"n": n}) for n in range(1, 7)),
        ("mbo", gettext("mbo")),
    ]


REQUEST_CONSENT_PURPOSES = (
    ConsentPurpose.REQUEST_PROCESSING,
    ConsentPurpose.SHARE_WITH_BUDDY,
    ConsentPurpose.RESEARCH,
)


def json_safe(value: Any) -> Any:
    """A cleaned value as the session draft keeps it (dates as ISO text)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _flat_choices(field: forms.Field) -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, label in getattr(field, "choices", []):
        if isinstance(label, list | tuple):
            labels.update({str(k): str(v) for k, v in label})
        else:
            labels[str(key)] = str(label)
    return labels


def display_value(field: forms.Field, value: Any) -> str:
    """How a cleaned value reads in the summary before sending."""
    if isinstance(value, bool):
        return gettext("Ja") if value else gettext("Nee")
    if value in (None, "", []):
        return gettext("Niet ingevuld")
    if isinstance(value, dt.date):
        return date_format(value, "j F Y")
    if isinstance(field, forms.ChoiceField):
        labels = _flat_choices(field)
        if isinstance(value, list):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    return str(value)


class StepForm(Form):
    """One step of the public intake; knows the draft it belongs to."""

    summary_labels: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, draft: dict[str, Any], **kwargs: Any) -> None:
        self.draft = draft
        super().__init__(*args, **kwargs)

    @property
    def is_complete(self) -> bool:
        """Valid and nothing left to choose; call after is_valid()."""
        return not self.errors

    def draft_values(self) -> dict[str, Any]:
        """The cleaned values of this step, as the draft keeps them."""
        return {
            name: json_safe(self.cleaned_data[name])
            for name in self.fields
            if name in self.cleaned_data
        }

    def typed_values(self) -> dict[str, Any]:
        """What was typed, also where it is not valid yet (for the "Vorige" button).

        Valid fields keep their cleaned value; others keep the text as typed, so the
        parent finds it again and gets the error message when they come back."""
        self.is_valid()
        values = {}
        for name in self.fields:
            if name in self.cleaned_data:
                values[name] = json_safe(self.cleaned_data[name])
            else:
                raw = self[name].value()
                if raw is None or isinstance(raw, str | list | bool | int):
                    values[name] = raw
        return values

    def summary_rows(self) -> list[tuple[str, str]]:
        """(label, value) pairs for the summary on the check step."""
        rows = []
        for name, field in self.fields.items():
            if field.widget.is_hidden:
                continue
            label = self.summary_labels.get(name, field.label)
            rows.append((str(label), display_value(field, self.cleaned_data.get(name))))
        return rows


class WhoForm(StepForm):
    """Who asks, and where: the postcode finds the support point."""

    asker = forms.ChoiceField(
        label=_("Wie vraagt er hulp?"),
        choices=Asker.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wie de hulpvraag doet.")},
    )
    young_person_birth_date = forms.DateField(
        label=_("Vraag je hulp voor jezelf? Wat is je geboortedatum?"),
        required=False,
        help_text=_(
            "Alleen invullen als je hulp vraagt voor jezelf. Dat kan vanaf 16 jaar."
        ),
        widget=DateInput(attrs={"autocomplete": "bday"}),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 14-03-2008.")},
    )
    postcode = PostcodeField(
        help_text=_(
            "Bijvoorbeeld 1012 AB. Zo vinden we het steunpunt bij u in de buurt. We "
            "bewaren alleen de 4 cijfers."
        )
    )

    def __init__(self, *args: Any, draft: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, draft=draft, **kwargs)
        self.fixed_organisation = self._referral_organisation()
        self.organisations: list[Organisation] = []
        self.chosen: Organisation | None = None
        self.no_organisation = False
        self.needs_choice = False
        if self.fixed_organisation is None:
            source = self.data if self.is_bound else self.initial
            try:
                self.organisations = organisations_serving(
                    str(source.get("postcode") or "")
                )
            except PostcodeError:
                self.organisations = []
        if len(self.organisations) > 1:
            # The list appears once the postcode is known. The choice is required
            # only when the parent has seen the list (the page then posts
            # "choosing"), so the first submit of the postcode shows no error.
            choosing = not self.is_bound or bool(self.data.get("choosing"))
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Bij welk steunpunt wilt u uw vraag stellen?"),
                help_text=_(
                    "Bij uw postcode horen meer steunpunten. Kies er een. Weet u het "
                    "niet? Kies dan het steunpunt van de gemeente waar uw kind naar "
                    "school gaat."
                ),
                choices=[(str(o.pk), o.name) for o in self.organisations],
                required=choosing,
                # Added after the base form styled its widgets: use the styled one.
                widget=RadioSelect,
                error_messages={
                    "required": _("Kies het steunpunt waar u uw vraag wilt stellen."),
                    "invalid_choice": _(
                        "Bij deze postcode horen andere steunpunten. Kies er een uit "
                        "de lijst."
                    ),
                },
            )

    def _referral_organisation(self) -> Organisation | None:
        """A professional's referral already chose the support point."""
        if not self.draft.get("referral_id") or not self.draft.get("organisation_id"):
            return None
        return Organisation.objects.filter(
            pk=self.draft["organisation_id"], is_active=True
        ).first()

    @property
    def offers_choice(self) -> bool:
        return "organisation" in self.fields

    @property
    def organisation(self) -> Organisation | None:
        return self.fixed_organisation or self.chosen

    @property
    def is_complete(self) -> bool:
        return not self.errors and self.organisation is not None

    def clean_postcode(self) -> str:
        pc4: str = self.cleaned_data["postcode"]
        try:
            get_postcode_area(pc4)
        except PostcodeError as exc:
            raise forms.ValidationError(exc.message) from exc
        return pc4

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("asker") == Asker.YOUNG_PERSON:
            if "young_person_birth_date" in data:
                try:
                    check_young_person(data["young_person_birth_date"])
                except DomainError as exc:
                    self.add_error("young_person_birth_date", exc.message)
        else:
            data["young_person_birth_date"] = None
        if "postcode" in data and self.fixed_organisation is None:
            self._choose_organisation(data)
        return data

    def _choose_organisation(self, data: dict[str, Any]) -> None:
        if not self.organisations:
            self.no_organisation = True
        elif len(self.organisations) == 1:
            self.chosen = self.organisations[0]
        elif data.get("organisation"):
            self.chosen = next(
                o for o in self.organisations if str(o.pk) == data["organisation"]
            )
        elif not self.has_error("organisation"):
            # The postcode is new: show the list, as a question to answer.
            self.needs_choice = True
            self.fields["organisation"].required = True

    def draft_values(self) -> dict[str, Any]:
        values = super().draft_values()
        values["organisation"] = (
            str(self.organisation.pk) if self.organisation else None
        )
        return values

    def summary_rows(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        rows: list[tuple[str, str]] = [
            (str(self.fields["asker"].label), str(Asker(data["asker"]).label)),
        ]
        if data.get("young_person_birth_date"):
            rows.append(
                (
                    gettext("Geboortedatum"),
                    date_format(data["young_person_birth_date"], "j F Y"),
                )
            )
        rows.append((gettext("Postcode"), data["postcode"]))
        if self.organisation is not None:
            rows.append((gettext("Steunpunt"), self.organisation.name))
        return rows


class ContactForm(StepForm):
    """How the support point reaches the parent."""

    full_name = forms.CharField(
        label=_("Uw naam"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Vul uw naam in.")},
    )
    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        help_text=_(
            "Hier sturen we een bevestiging en een persoonlijke link naartoe. Met die "
            "link ziet u hoe het met uw vraag gaat."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl."),
        },
    )
    phone = forms.CharField(
        label=_("Uw telefoonnummer"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_contact = forms.ChoiceField(
        label=_("Hoe wilt u dat het steunpunt contact met u opneemt?"),
        choices=PreferredContact.choices,
        initial=PreferredContact.EMAIL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies hoe we u het best kunnen bereiken.")},
    )

    summary_labels: ClassVar[dict[str, Any]] = {
        "full_name": _("Naam"),
        "email": _("E-mailadres"),
        "phone": _("Telefoonnummer"),
        "preferred_contact": _("Liefst contact via"),
    }

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"]
        digits = sum(c.isdigit() for c in phone)
        if phone and (not PHONE_CHARACTERS.fullmatch(phone) or not 8 <= digits <= 15):
            raise forms.ValidationError(
                _("Vul een telefoonnummer in, bijvoorbeeld 06 12345678.")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        wants_phone = data.get("preferred_contact") in (
            PreferredContact.PHONE,
            PreferredContact.TEXT,
        )
        if wants_phone and "phone" in data and not data["phone"]:
            self.add_error(
                "phone",
                _(
                    "Vul uw telefoonnummer in. Dan kunnen we u bellen of een bericht "
                    "sturen."
                ),
            )
        return data


class ChildForm(StepForm):
    """The child, as little as needed: no surname, no date of birth, no documents."""

    # One of the two is needed (see clean): neither is marked "(niet verplicht)".
    conditionally_required: tuple[str, ...] = ("child_birth_year", "child_grade")

    child_name = forms.CharField(
        label=_("Voornaam of voorletters van uw kind"),
        max_length=50,
        help_text=_(
            "Alleen de voornaam of de voorletters. De achternaam hoeven we niet."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Vul de voornaam of de voorletters in.")},
    )
    child_birth_year = forms.IntegerField(
        label=_("Geboortejaar van uw kind"),
        required=False,
        min_value=1995,
        help_text=_(
            "Bijvoorbeeld 2014. Geeft u liever alleen de groep of het leerjaar? Dan "
            "mag u dit leeg laten."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": _("Vul een jaartal in, bijvoorbeeld 2014.")},
    )
    child_grade = forms.ChoiceField(
        label=_("In welke groep of welk leerjaar zit uw kind?"),
        choices=grade_choices,
        required=False,
    )
    route_codes = ExperienceCodeField(
        groups=["route", "transition"],
        label=_("Op wat voor school zit uw kind?"),
        help_text=_(
            "Kies wat past. Meer keuzes mag. Gaat uw kind naar een andere school? Kies "
            "dan ook de overstap."
        ),
        error_messages={
            "required": _(
                "Kies minstens één soort school. Twijfelt u? Kies wat er het meest op lijkt."
            )
        },
    )
    school_name = forms.CharField(
        label=_("Naam van de school"),
        max_length=120,
        required=False,
        help_text=_("Dit hoeft niet. Vul het alleen in als u dat wilt."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    summary_labels: ClassVar[dict[str, Any]] = {
        "child_name": _("Voornaam of voorletters"),
        "child_birth_year": _("Geboortejaar"),
        "child_grade": _("Groep of leerjaar"),
        "route_codes": _("Soort school"),
    }

    def __init__(self, *args: Any, draft: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, draft=draft, **kwargs)
        if self.young_person:
            # The young person's birth year comes from the first step.
            self.conditionally_required = ()
            del self.fields["child_birth_year"]
            self.fields["child_name"].label = _("Je voornaam of voorletters")
            self.fields["child_name"].help_text = _(
                "Alleen je voornaam of je voorletters."
            )
            self.fields["child_grade"].label = _("In welk leerjaar zit je?")
            self.fields["route_codes"].label = _("Op wat voor school zit je?")

    @property
    def young_person(self) -> bool:
        return bool(self.draft.get("values", {}).get("asker") == Asker.YOUNG_PERSON)

    def clean_child_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("child_birth_year")
        this_year = timezone.localdate().year
        if year is not None and year > this_year:
            raise forms.ValidationError(
                _("Vul een jaartal in tussen 1995 en %(year)d.") % {"year": this_year}
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.young_person
            and "child_birth_year" in data
            and data["child_birth_year"] is None
            and not data.get("child_grade")
        ):
            self.add_error(
                "child_birth_year",
                _("Vul het geboortejaar in, of kies de groep of het leerjaar."),
            )
        return data


class SituationForm(StepForm):
    """What is going on: codes, the question in their own words, and urgency."""

    issue_codes = ExperienceCodeField(
        groups=["issue"],
        required=False,
        label=_("Waar gaat uw vraag over?"),
        help_text=_("Kies wat past. Meer keuzes mag."),
    )
    need_codes = ExperienceCodeField(
        groups=["need"],
        required=False,
        label=_("Wat heeft uw kind nodig, of wat speelt er bij uw kind?"),
        help_text=_(
            "Dit gaat over de gezondheid van uw kind. U hoeft het niet in te vullen. "
            "Is er nog geen diagnose, of wordt uw kind nog onderzocht? Kies dan "
            "'Nog geen diagnose of in onderzoek'. U kunt ook kiezen voor 'Zeg ik "
            "liever niet'."
        ),
    )
    question = forms.CharField(
        label=_("Wat is uw vraag?"),
        max_length=QUESTION_MAX,
        help_text=_(
            "Vertel in uw eigen woorden wat er speelt en waar u hulp bij wilt. Noem "
            "geen namen van anderen, zoals leraren of andere kinderen. Schrijf geen "
            "medische details. Hoogstens 2000 tekens."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Vertel kort wat er speelt."),
            "max_length": _(
                "Uw tekst is te lang. Gebruik hoogstens %(limit_value)d tekens. Nu zijn "
                "het er %(show_value)d."
            ),
        },
    )
    deadline_on = forms.DateField(
        label=_("Is er binnenkort een belangrijke datum?"),
        required=False,
        help_text=_(
            "Bijvoorbeeld een gesprek op school, of de laatste dag om bezwaar te maken. "
            "Geen datum? Laat dit dan leeg."
        ),
        widget=DateInput(),
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 14-03-2026.")},
    )
    deadline_kind = forms.ChoiceField(
        label=_("Wat voor datum is dat?"),
        choices=[("", _("Kies wat voor datum het is")), *DeadlineKind.choices],
        required=False,
    )
    out_of_school = forms.BooleanField(
        label=_("Mijn kind zit al langer dan 4 weken thuis en gaat niet naar school"),
        required=False,
    )

    summary_labels: ClassVar[dict[str, Any]] = {
        "issue_codes": _("Waar de vraag over gaat"),
        "need_codes": _("Wat uw kind nodig heeft"),
        "question": _("Uw vraag"),
        "deadline_on": _("Belangrijke datum"),
        "deadline_kind": _("Soort datum"),
        "out_of_school": _("Langer dan 4 weken thuis"),
    }

    def __init__(self, *args: Any, draft: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, draft=draft, **kwargs)
        # A browser silently cuts pasted text at maxlength; the server's message says
        # how much too long it is and keeps every word.
        self.fields["question"].widget.attrs.pop("maxlength", None)

    def clean_deadline_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("deadline_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(
                _("Deze datum is al voorbij. Vul een datum in die nog moet komen.")
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("deadline_on") and "deadline_kind" in data:
            if not data["deadline_kind"]:
                self.add_error("deadline_kind", _("Kies wat voor datum het is."))
        elif data.get("deadline_kind") and "deadline_on" in data:
            self.add_error(
                "deadline_on",
                _("Vul de datum in. Is er geen datum? Kies dan ook geen soort datum."),
            )
        return data


class PreferencesForm(StepForm):
    """What matters to the parent in a buddy."""

    languages = forms.MultipleChoiceField(
        label=_("In welke talen kunt u goed praten?"),
        choices=SpokenLanguage.choices,
        initial=[SpokenLanguage.DUTCH],
        help_text=_(
            "Meer keuzes mag. Als het kan, zoeken we een buddy die een van uw talen "
            "spreekt."
        ),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één taal.")},
    )
    contact_modes = forms.MultipleChoiceField(
        label=_("Hoe wilt u contact hebben met de buddy?"),
        choices=ContactMode.choices,
        help_text=_("Meer keuzes mag."),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Kies minstens één manier van contact.")},
    )
    buddy_gender = forms.ChoiceField(
        label=_("Wilt u liever een vrouw of een man als buddy?"),
        choices=BuddyGenderPreference.choices,
        initial=BuddyGenderPreference.ANY,
        widget=forms.RadioSelect,
    )
    max_distance_km = forms.IntegerField(
        label=_("Hoe ver mag de buddy hoogstens van u af wonen? (in km)"),
        min_value=1,
        max_value=300,
        initial=25,
        help_text=_("Dit is belangrijk als u elkaar wilt zien. Bijvoorbeeld 25."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("Vul een getal in, bijvoorbeeld 25."),
            "min_value": _("Vul minstens 1 km in."),
            "max_value": _("Vul hoogstens 300 km in."),
        },
    )

    def clean_languages(self) -> list[str]:
        """In the order of the list on the form, whatever order they were sent in."""
        chosen = set(self.cleaned_data.get("languages") or ())
        return [code for code in SpokenLanguage.values if code in chosen]

    summary_labels: ClassVar[dict[str, Any]] = {
        "languages": _("Talen"),
        "contact_modes": _("Contact met de buddy"),
        "buddy_gender": _("Voorkeur buddy"),
        "max_distance_km": _("Afstand hoogstens (km)"),
    }


class CheckForm(Form):
    """The last step: the three consents, each its own unticked box."""

    consent_processing = forms.BooleanField(
        label=REQUEST_PROCESSING.text,
        help_text=_("Verplicht: zonder deze toestemming kunnen we u niet helpen."),
        error_messages={
            "required": _(
                "Zonder deze toestemming kunnen we uw vraag niet behandelen. Zet een "
                "vinkje om uw hulpvraag te versturen."
            )
        },
    )
    consent_share = forms.BooleanField(
        label=SHARE_WITH_BUDDY.text,
        required=False,
        help_text=_(
            "Niet verplicht. Zo kan het steunpunt een buddy vragen die bij u past."
        ),
    )
    consent_research = forms.BooleanField(
        label=RESEARCH.text, required=False, help_text=_("Niet verplicht.")
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class NewLinkForm(Form):
    """Ask for a fresh status link by e-mail."""

    email = forms.EmailField(
        label=_("Uw e-mailadres"),
        max_length=254,
        help_text=_("Het adres dat u gebruikte toen u de hulpvraag deed."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl."),
        },
    )
    stop_old = forms.BooleanField(
        label=_("Laat mijn oude links niet meer werken"),
        help_text=_(
            "Kies dit als iemand anders uw e-mail kan lezen. Alleen de nieuwe link "
            "werkt dan nog."
        ),
        required=False,
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class ConsentWithdrawForm(Form):
    """Which consent the parent withdraws on the status page."""

    purpose = forms.ChoiceField(
        choices=[(p.value, p.label) for p in REQUEST_CONSENT_PURPOSES]
    )
