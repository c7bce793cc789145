"""The forms of buddy support. Choices are the actor's own rows as text keys: any
other value (another organisation's key, a word) gets the field's own message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.lib.forms import Form
from ouderbuddy.support.models import Audience, Method
from ouderbuddy.support.services import RECORD_MAX
from ouderbuddy.support.services_announcements import BODY_MAX as ANNOUNCEMENT_BODY_MAX
from ouderbuddy.support.services_announcements import (
    TITLE_MAX as ANNOUNCEMENT_TITLE_MAX,
)
from ouderbuddy.support.services_questions import BODY_MAX, SUBJECT_MAX
from ouderbuddy.support.services_recognition import NOTE_MAX


class GroupForm(Form):
    name = forms.CharField(
        label=_("Naam van de groep"),
        max_length=120,
        error_messages={
            "required": _("Geef de groep een naam."),
            "max_length": _("Schrijf hoogstens 120 tekens."),
        },
    )
    facilitator = forms.ChoiceField(
        label=_("Begeleider"),
        help_text=_("Een coördinator of een ervaren buddy."),
        error_messages={
            "required": _("Kies een begeleider."),
            "invalid_choice": _("Kies een begeleider uit de lijst."),
        },
    )
    members = forms.MultipleChoiceField(
        label=_("Buddy's in de groep"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Kies buddy's uit de lijst.")},
    )

    def __init__(
        self,
        *args: Any,
        facilitators: Sequence[tuple[str, str]],
        buddies: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        facilitator = self.fields["facilitator"]
        members = self.fields["members"]
        assert isinstance(facilitator, forms.ChoiceField)
        assert isinstance(members, forms.MultipleChoiceField)
        facilitator.choices = [("", gettext("Kies een begeleider")), *facilitators]
        members.choices = list(buddies)


class SessionForm(Form):
    """A session on one day: date, start and end time, theme, method, place."""

    conditionally_required = ("location", "online_url")

    date = forms.DateField(
        label=_("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een datum in, bijvoorbeeld 14-03-2027."),
        },
    )
    start_time = forms.TimeField(
        label=_("Begintijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M"],
        error_messages={
            "required": _("Vul de begintijd in."),
            "invalid": _("Vul een tijd in, bijvoorbeeld 19:30."),
        },
    )
    end_time = forms.TimeField(
        label=_("Eindtijd"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M"],
        error_messages={
            "required": _("Vul de eindtijd in."),
            "invalid": _("Vul een tijd in, bijvoorbeeld 21:30."),
        },
    )
    theme = forms.CharField(
        label=_("Thema"),
        max_length=200,
        help_text=_("Bijvoorbeeld: grenzen stellen, of een gesprek op school."),
        error_messages={
            "required": _("Vul het thema in."),
            "max_length": _("Schrijf hoogstens 200 tekens."),
        },
    )
    method = forms.ChoiceField(
        label=_("Werkvorm"),
        choices=Method.choices,
        initial=Method.INCIDENT,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies een werkvorm."),
            "invalid_choice": _("Kies een werkvorm uit de lijst."),
        },
    )
    location = forms.CharField(
        label=_("Plaats"),
        required=False,
        max_length=200,
        help_text=_("Adres of naam van de ruimte. Vul een plaats of een link in."),
        error_messages={"max_length": _("Schrijf hoogstens 200 tekens.")},
    )
    online_url = forms.URLField(
        label=_("Link voor videobellen"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={
            "invalid": _("Vul een volledige link in, met https://."),
            "max_length": _("Schrijf hoogstens 200 tekens."),
        },
    )

    # The services name the moments; the form asks for a date and times.
    SERVICE_FIELDS = {"starts_at": "date", "ends_at": "end_time"}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error(
                    "end_time", _("De eindtijd moet na de begintijd liggen.")
                )
            else:
                data["starts_at"] = _aware(day, start)
                data["ends_at"] = _aware(day, end)
        if (
            not data.get("location")
            and not data.get("online_url")
            and "online_url" not in self.errors
        ):
            self.add_error(
                "location", _("Vul een plaats in, of een link voor videobellen.")
            )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "theme": data["theme"],
            "method": data["method"],
            "location": data["location"],
            "online_url": data["online_url"],
        }


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


ATTENDANCE_CHOICES = [("yes", _("Aanwezig")), ("no", _("Afwezig"))]


class AttendanceForm(Form):
    """Present or absent for every buddy of the group, in one submit."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        required = gettext("Kies aanwezig of afwezig voor %(name)s.")
        invalid_choice = gettext("Kies aanwezig of afwezig.")
        for row in rows:
            buddy = row["buddy"]
            initial = None
            if row["attended"] is not None:
                initial = "yes" if row["attended"] else "no"
            self.fields[self.field_name(buddy)] = forms.ChoiceField(
                label=buddy.full_name,
                help_text=gettext("Had zich aangemeld.") if row["signed_up"] else "",
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={
                    "required": required % {"name": buddy.full_name},
                    "invalid_choice": invalid_choice,
                },
            )

    @staticmethod
    def field_name(buddy: Buddy) -> str:
        return f"attended_{buddy.pk}"

    def attendance(self) -> dict[Any, bool]:
        """Buddy key → came (after is_valid)."""
        return {
            row["buddy"].pk: self.cleaned_data[self.field_name(row["buddy"])] == "yes"
            for row in self.rows
        }


class RecordForm(Form):
    themes = forms.CharField(
        label=_("Besproken thema's"),
        help_text=_(
            "Alleen thema's, geen casussen. Schrijf geen namen van ouders of "
            "kinderen op."
        ),
        max_length=RECORD_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Schrijf op welke thema's besproken zijn."),
            "max_length": _("Schrijf hoogstens 4000 tekens."),
        },
    )
    agreements = forms.CharField(
        label=_("Afspraken"),
        required=False,
        max_length=RECORD_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Schrijf hoogstens 4000 tekens.")},
    )
    not_a_name = forms.BooleanField(
        label=_("De gemelde woorden zijn geen namen van ouders of kinderen"),
        required=False,
    )


class QuestionForm(Form):
    subject = forms.CharField(
        label=_("Onderwerp"),
        help_text=_(
            "Waar gaat uw vraag over? Een paar woorden, bijvoorbeeld: gesprek over "
            "het OPP."
        ),
        max_length=SUBJECT_MAX,
        error_messages={
            "required": _("Schrijf waar uw vraag over gaat."),
            "max_length": _("Schrijf hoogstens 200 tekens."),
        },
    )
    body = forms.CharField(
        label=_("Uw vraag"),
        help_text=_("Schrijf geen achternaam of adres van de ouder of het kind."),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Schrijf uw vraag."),
            "max_length": _("Schrijf hoogstens 4000 tekens."),
        },
    )
    match = forms.ChoiceField(
        label=_("Gaat de vraag over een koppeling?"),
        required=False,
        error_messages={"invalid_choice": _("Kies een van uw eigen koppelingen.")},
    )

    def __init__(
        self, *args: Any, matches: Sequence[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        match = self.fields["match"]
        assert isinstance(match, forms.ChoiceField)
        match.choices = [("", gettext("Nee, een algemene vraag")), *matches]
        if not matches:
            del self.fields["match"]
        else:
            self.fields["body"].help_text = gettext(
                "Schrijf geen achternaam of adres van de ouder of het kind. De "
                "coördinator ziet om welke koppeling het gaat als u die hieronder kiest."
            )


class ReplyForm(Form):
    body = forms.CharField(
        label=_("Uw bericht"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Schrijf uw bericht."),
            "max_length": _("Schrijf hoogstens 4000 tekens."),
        },
    )


class AnnouncementForm(Form):
    title = forms.CharField(
        label=_("Titel"),
        max_length=ANNOUNCEMENT_TITLE_MAX,
        error_messages={
            "required": _("Geef het bericht een titel."),
            "max_length": _("Schrijf hoogstens 120 tekens."),
        },
    )
    body = forms.CharField(
        label=_("Bericht"),
        help_text=_("Kort en duidelijk. Schrijf geen namen van ouders of kinderen."),
        max_length=ANNOUNCEMENT_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Schrijf het bericht."),
            "max_length": _("Schrijf hoogstens 2000 tekens."),
        },
    )
    audience = forms.ChoiceField(
        label=_("Voor wie?"),
        choices=Audience.choices,
        initial=Audience.ACTIVE,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies voor wie het bericht is."),
            "invalid_choice": _("Kies voor wie het bericht is."),
        },
    )
    group = forms.ChoiceField(
        label=_("Intervisiegroep"),
        help_text=_("Alleen als het bericht voor een intervisiegroep is."),
        required=False,
        error_messages={"invalid_choice": _("Kies een groep uit de lijst.")},
    )
    course = forms.ChoiceField(
        label=_("Training"),
        help_text=_("Alleen als het bericht voor buddy's van een training is."),
        required=False,
        error_messages={"invalid_choice": _("Kies een training uit de lijst.")},
    )

    def __init__(
        self,
        *args: Any,
        groups: Sequence[tuple[str, str]],
        courses: Sequence[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        course = self.fields["course"]
        assert isinstance(group, forms.ChoiceField)
        assert isinstance(course, forms.ChoiceField)
        group.choices = [("", gettext("Kies een groep")), *groups]
        course.choices = [("", gettext("Kies een training")), *courses]


class ThankYouForm(Form):
    year = forms.ChoiceField(
        label=_("Jaar"),
        error_messages={
            "required": _("Kies een jaar."),
            "invalid_choice": _("Kies een jaar uit de lijst."),
        },
    )
    note = forms.CharField(
        label=_("Persoonlijke woorden"),
        help_text=_("Bijvoorbeeld waar u de buddy dankbaar voor bent."),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Schrijf een paar persoonlijke woorden voor de buddy."),
            "max_length": _("Schrijf hoogstens 2000 tekens."),
        },
    )

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [(str(y), str(y)) for y in years]
