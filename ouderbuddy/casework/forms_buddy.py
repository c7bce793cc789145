"""The forms of the buddy's match pages: the quick contact form, planning a school
meeting, its preparation checklist, and the safety signal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ouderbuddy.buddies.forms import DateInput
from ouderbuddy.casework import selectors_buddy
from ouderbuddy.casework.models import (
    MINUTES_MAX,
    NOTE_MAX,
    PREPARATION,
    Contact,
    ContactMode,
    MeetingKind,
    SchoolMeeting,
    SignalKind,
)
from ouderbuddy.lib.forms import Form
from ouderbuddy.matching.models import Match
from ouderbuddy.taxonomy.models import ExperienceCode

QUICK_MINUTES = (10, 20, 30, 60)
OTHER = "other"


def _minutes_text(n: int) -> str:
    return _("%(n)d min") % {"n": n}


# Translated when the form is shown, not when the module is loaded.
_minutes_label = lazy(_minutes_text, str)


class ContactForm(Form):
    on = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Vul de datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Hoe had u contact?"),
        choices=ContactMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies de soort contact."),
            "invalid_choice": gettext_lazy("Kies de soort contact."),
        },
    )
    minutes = forms.ChoiceField(
        label=gettext_lazy("Hoe lang?"),
        choices=[
            *((str(n), _minutes_label(n)) for n in QUICK_MINUTES),
            (OTHER, gettext_lazy("Anders")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies hoe lang het contact duurde."),
            "invalid_choice": gettext_lazy("Kies hoe lang het contact duurde."),
        },
    )
    minutes_other = forms.IntegerField(
        label=gettext_lazy("Anders: aantal minuten"),
        required=False,
        min_value=1,
        max_value=MINUTES_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": gettext_lazy("Vul een heel aantal minuten in."),
            "min_value": gettext_lazy("Vul een aantal minuten in tussen 1 en 600."),
            "max_value": gettext_lazy("Vul een aantal minuten in tussen 1 en 600."),
        },
    )
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Waar ging het over?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Kies onderwerpen uit de lijst."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Korte notitie"),
        help_text=gettext_lazy(
            "Schrijf geen namen en geen medische gegevens, zoals een diagnose. "
            "Hoogstens 1000 tekens."
        ),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": gettext_lazy("Schrijf hoogstens 1000 tekens.")},
    )
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *args: Any, codes: list[ExperienceCode], **kwargs: Any
    ) -> None:
        if data is not None and data.get("minutes_other") and not data.get("minutes"):
            # A number typed under "Anders" without tapping "Anders" still counts.
            data = data.copy()
            data["minutes"] = OTHER
        super().__init__(data, *args, **kwargs)
        topics = self.fields["topics"]
        assert isinstance(topics, forms.MultipleChoiceField)
        topics.choices = [(c.code, c.label) for c in codes]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "minutes" in self.errors or "minutes_other" in self.errors:
            return data
        preset, other = data.get("minutes"), data.get("minutes_other")
        if other is not None:
            # A typed number wins over a preset left selected from last time.
            data["total_minutes"] = other
        elif preset and preset != OTHER:
            data["total_minutes"] = int(preset)
        else:
            self.add_error("minutes_other", _("Vul het aantal minuten in."))
        return data


def contact_form(
    match: Match,
    data: Any = None,
    *,
    meeting: SchoolMeeting | None = None,
    recent: list[Contact] | None = None,
) -> ContactForm:
    """The contact form, filled in like the last contact; a page that shows the
    `recent` contacts (newest first) passes them, so the last one is not read again."""
    initial: dict[str, Any] = {"on": timezone.localdate()}
    if meeting is not None:
        initial.update(
            on=timezone.localtime(meeting.starts_at).date(),
            mode=ContactMode.SCHOOL_MEETING,
            meeting=meeting.pk,
        )
    else:
        # The same as last time, so a routine contact is one tap on "save".
        if recent is not None:
            last = recent[0] if recent else None
        else:
            last = selectors_buddy.last_contact(match)
        if last is not None:
            minutes = str(last.minutes)
            initial.update(
                mode=last.mode,
                minutes=minutes if minutes in _quick() else OTHER,
                minutes_other=None if minutes in _quick() else last.minutes,
            )
    return ContactForm(data, initial=initial, codes=selectors_buddy.topic_codes(match))


def _quick() -> set[str]:
    return {str(n) for n in QUICK_MINUTES}


class MeetingForm(Form):
    day = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=DateInput(),
        error_messages={
            "required": gettext_lazy("Vul de datum in."),
            "invalid": gettext_lazy("Vul een geldige datum in."),
        },
    )
    time = forms.TimeField(
        label=gettext_lazy("Tijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": gettext_lazy("Vul de tijd in."),
            "invalid": gettext_lazy("Vul een geldige tijd in, zoals 14:30."),
        },
    )
    place = forms.CharField(
        label=gettext_lazy("Waar"),
        help_text=gettext_lazy("De school en het adres, of de link bij videobellen."),
        max_length=200,
        error_messages={
            "required": gettext_lazy("Vul in waar het gesprek is."),
            "max_length": gettext_lazy("Schrijf hoogstens 200 tekens."),
        },
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Soort gesprek"),
        choices=MeetingKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies de soort gesprek."),
            "invalid_choice": gettext_lazy("Kies de soort gesprek."),
        },
    )
    preparation = forms.MultipleChoiceField(
        label=gettext_lazy("Voorbereiding die al klaar is"),
        choices=PREPARATION,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Kies punten uit de lijst."),
        },
    )

    def starts_at(self) -> dt.datetime:
        data = self.cleaned_data
        return timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))


class PreparationForm(Form):
    done = forms.MultipleChoiceField(
        label=gettext_lazy("Voorbereiding"),
        choices=PREPARATION,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Kies punten uit de lijst."),
        },
    )


def preparation_form(meeting: SchoolMeeting, data: Any = None) -> PreparationForm:
    return PreparationForm(
        data,
        initial={"done": meeting.preparation},
        auto_id=f"prep-{meeting.pk}-%s",
    )


class SignalForm(Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Waar maakt u zich zorgen over?"),
        choices=SignalKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Kies wat er aan de hand is."),
            "invalid_choice": gettext_lazy("Kies wat er aan de hand is."),
        },
    )
    description = forms.CharField(
        label=gettext_lazy("Wat is er aan de hand?"),
        help_text=gettext_lazy(
            "Schrijf kort wat u zag of hoorde, en wanneer. Hoogstens 1000 tekens."
        ),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": gettext_lazy("Schrijf kort wat er is."),
            "max_length": gettext_lazy("Schrijf hoogstens 1000 tekens."),
        },
    )
