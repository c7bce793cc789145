"""Forms of training. The services check the rules again; the forms give early,
field-level messages."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from ouderbuddy.buddies.models import Buddy
from ouderbuddy.lib.forms import Form, ReadOnceChoices
from ouderbuddy.training.models import Course, CourseKind, Enrolment

REQUIRED = {"required": _("Vul dit in.")}


class OwnChoiceField(forms.ModelChoiceField[Any]):
    """A choice from the given rows; anything else (also a value that is no id at all)
    gets the field's own "choose from the list" message."""

    iterator = ReadOnceChoices

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except forms.ValidationError as exc:
            if exc.code == "invalid_choice":
                raise
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc


class CourseForm(Form):
    title = forms.CharField(
        label=_("Naam van de training"), max_length=150, error_messages=REQUIRED
    )
    kind = forms.ChoiceField(
        label=_("Soort training"),
        choices=CourseKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies de soort training."),
            "invalid_choice": _("Kies een van de soorten uit de lijst."),
        },
    )
    description = forms.CharField(
        label=_("Beschrijving"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat leren de buddy's? Wat moeten ze meenemen?"),
    )
    hours = forms.DecimalField(
        label=_("Aantal uren"),
        min_value=Decimal("0.5"),
        max_value=Decimal("99"),
        max_digits=4,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            **REQUIRED,
            "invalid": _("Vul een getal in, bijvoorbeeld 2 of 2,5."),
            "min_value": _("Een training duurt minstens een half uur."),
            "max_value": _("Vul hoogstens 99 uur in."),
            "max_decimal_places": _("Gebruik hoogstens één cijfer na de komma."),
            "max_digits": _("Vul hoogstens 99 uur in."),
        },
    )
    valid_months = forms.IntegerField(
        label=_("Hoe lang geldig (maanden)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_(
            "Leeg laten: de training verloopt niet. "
            "Een opfristraining is zonder invulling 12 maanden geldig."
        ),
        error_messages={
            "invalid": _("Vul een heel aantal maanden in."),
            "min_value": _("Vul minstens 1 maand in."),
            "max_value": _("Vul hoogstens 120 maanden in."),
        },
    )


class SessionForm(Form):
    """A session on one day: date, start time and end time."""

    # A place or a link is needed (see clean): neither is marked "(niet verplicht)".
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
    capacity = forms.IntegerField(
        label=_("Aantal plaatsen"),
        min_value=1,
        max_value=500,
        error_messages={
            "required": _("Vul het aantal plaatsen in."),
            "invalid": _("Vul een heel getal in."),
            "min_value": _("Er moet minstens één plaats zijn."),
            "max_value": _("Vul hoogstens 500 plaatsen in."),
        },
    )
    location = forms.CharField(
        label=_("Plaats"),
        required=False,
        max_length=200,
        help_text=_(
            "Adres of naam van de ruimte. Vul een plaats of een link in, of allebei."
        ),
    )
    online_url = forms.URLField(
        label=_("Link voor online meedoen"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Vul een volledige link in, met https://.")},
    )

    # The services name the moments; the form asks for date and times.
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
        no_place = not data.get("location") and not data.get("online_url")
        # A link that is wrong already has its own message.
        if no_place and "online_url" not in self.errors:
            self.add_error(
                "location", _("Vul een plaats in, of een link voor online meedoen.")
            )
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "capacity": data["capacity"],
            "location": data["location"],
            "online_url": data["online_url"],
        }


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class EnrolBuddyForm(Form):
    buddy = OwnChoiceField(
        label=_("Buddy"),
        queryset=Buddy.objects.none(),
        empty_label=_("Kies een buddy"),
        help_text=_("Buddy's in training, actief of gepauzeerd."),
        error_messages={
            "required": _("Kies een buddy."),
            "invalid_choice": _("Kies een buddy uit de lijst."),
        },
    )

    def __init__(self, *args: Any, buddies: QuerySet[Buddy], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["buddy"].queryset = buddies  # type: ignore[attr-defined]


class AttendanceForm(Form):
    attended = forms.TypedChoiceField(
        choices=[("yes", _("Aanwezig")), ("no", _("Afwezig"))],
        coerce=lambda value: value == "yes",
    )


ATTENDANCE_CHOICES = [("yes", _("Aanwezig")), ("no", _("Afwezig"))]


class SessionAttendanceForm(Form):
    """Present or absent for every enrolled buddy of a session, in one submit."""

    def __init__(self, *args: Any, enrolments: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enrolments = enrolments
        # Translated once for the form, not once for every buddy.
        required = gettext("Kies aanwezig of afwezig voor %(name)s.")
        invalid_choice = gettext("Kies aanwezig of afwezig.")
        for enrolment in enrolments:
            name = enrolment.buddy.full_name
            initial = None
            if enrolment.attended is not None:
                initial = "yes" if enrolment.attended else "no"
            self.fields[self.field_name(enrolment)] = forms.ChoiceField(
                label=name,
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={
                    "required": required % {"name": name},
                    "invalid_choice": invalid_choice,
                },
            )

    @staticmethod
    def field_name(enrolment: Enrolment) -> str:
        return f"attended_{enrolment.pk}"

    def attendance(self) -> dict[Any, bool]:
        """Enrolment id → came (after is_valid)."""
        return {
            e.pk: self.cleaned_data[self.field_name(e)] == "yes"
            for e in self.enrolments
        }


# The unbound attendance form (the session page before anyone filled it in or after a
# save) is every buddy's field alike but for the id, the name and which radio starts
# checked: drawn once per language and starting value with stamps, then the stamps
# are filled in per buddy. The same HTML as `{{ form }}`, without building a field and
# its widget for every buddy.
_STAMP_ID = "stamp-id"
_STAMP_NAME = "Stamp-Name"
_ATTENDANCE_STAMPS: dict[str, dict[bool | None, str]] = {}


def _attendance_stamps() -> dict[bool | None, str]:
    language = get_language() or ""
    stamps = _ATTENDANCE_STAMPS.get(language)
    if stamps is None:
        stamps = {}
        for attended in (None, True, False):
            probe = SessionAttendanceForm(enrolments=[])
            name = f"attended_{_STAMP_ID}"
            probe.fields[name] = forms.ChoiceField(
                label=_STAMP_NAME,
                choices=ATTENDANCE_CHOICES,
                widget=forms.RadioSelect,
                initial=None if attended is None else ("yes" if attended else "no"),
            )
            drawn = str(probe[name].as_field_group())
            stamps[attended] = (
                drawn.replace("%", "%%")
                .replace(_STAMP_ID, "%(id)s")
                .replace(_STAMP_NAME, "%(name)s")
            )
        _ATTENDANCE_STAMPS[language] = stamps
    return stamps


def unbound_attendance_html(enrolments: Sequence[Any]) -> SafeString:
    """What `{{ SessionAttendanceForm(enrolments=enrolments) }}` draws."""
    stamps = _attendance_stamps()
    drawn = "".join(
        stamps[e.attended] % {"id": e.pk, "name": html.escape(e.buddy.full_name)}
        for e in enrolments
    )
    return mark_safe(drawn.strip())  # noqa: S308 - the names are escaped


class TrainingElsewhereForm(Form):
    """A training the buddy followed at another provider or before, counted as one of
    the organisation's own courses."""

    course = OwnChoiceField(
        label=_("Telt als"),
        queryset=Course.objects.none(),
        empty_label=_("Kies een training"),
        help_text=_(
            "Kies de training van uw steunpunt die hiermee gelijk staat. "
            "Zo telt hij mee voor de checklist."
        ),
        error_messages={
            "required": _("Kies een training."),
            "invalid_choice": _("Kies een training uit de lijst."),
        },
    )
    followed_on = forms.DateField(
        label=_("Datum van de training"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        help_text=_("De dag waarop de buddy de training volgde."),
        error_messages={
            "required": _("Vul de datum in."),
            "invalid": _("Vul een datum in, bijvoorbeeld 14-03-2026."),
        },
    )
    provider = forms.CharField(
        label=_("Gevolgd bij"),
        max_length=200,
        help_text=_("Bijvoorbeeld: Balans, of het steunpunt in een andere regio."),
        error_messages={
            "required": _("Vul in waar de buddy de training volgde."),
            "max_length": _("Gebruik hoogstens 200 tekens."),
        },
    )
    note = forms.CharField(
        label=_("Opmerking"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bijvoorbeeld: welk bewijs u zag."),
        error_messages={"max_length": _("Gebruik hoogstens 500 tekens.")},
    )

    def __init__(self, *args: Any, courses: QuerySet[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses  # type: ignore[attr-defined]

    def clean_followed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["followed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _(
                    "Deze datum ligt in de toekomst. Vul de dag in waarop de training was."
                )
            )
        return day
