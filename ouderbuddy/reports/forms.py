"""The forms of the reports: the period and filters (a GET form, so a report is a
link that can be bookmarked), a coordinator's hours, a cost, the price of an hour."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ouderbuddy.lib.forms import CheckboxSelectMultiple, Form, RadioSelect
from ouderbuddy.reports.figures import (
    MAX_QUARTERS,
    Period,
    PeriodError,
    Quarter,
    school_year_of,
)
from ouderbuddy.reports.models import (
    MINUTES_PER_DAY,
    Activity,
    CostCategory,
    SignalTheme,
)
from ouderbuddy.support.forms_expenses import DATE_FORMATS, DATE_WIDGET, AmountField

PERIOD_KINDS = [
    ("year", _("Schooljaar")),
    ("quarter", _("Kwartaal")),
    ("custom", _("Eigen periode")),
]


def school_year_label(year: int) -> str:
    return f"{year}-{year + 1}"


class ReportForm(Form):
    """The period (a school year by default) and the filters."""

    period = forms.ChoiceField(
        label=_("Periode"), choices=PERIOD_KINDS, required=False, widget=RadioSelect
    )
    year = forms.ChoiceField(label=_("Schooljaar"), required=False)
    quarter = forms.ChoiceField(label=_("Kwartaal"), required=False)
    start = forms.DateField(
        label=_("Van"), required=False, widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    end = forms.DateField(
        label=_("Tot en met"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=DATE_FORMATS,
        help_text=_("De cijfers gaan over hele kwartalen van het schooljaar."),
    )
    swv = forms.ChoiceField(label=_("Samenwerkingsverband"), required=False)
    sector = forms.ChoiceField(label=_("PO of VO"), required=False)
    route = forms.ChoiceField(label=_("Onderwijsroute"), required=False)
    code = forms.ChoiceField(label=_("Wat speelt er"), required=False)

    def __init__(
        self, *args: Any, options: dict[str, list[tuple[str, str]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        this_year = school_year_of(timezone.localdate())
        years = list(range(this_year, this_year - 6, -1))
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (str(y), school_year_label(y)) for y in years
        ]
        quarters = []
        for year in years[:2]:
            for number in (4, 3, 2, 1):
                quarter = Quarter(year, number)
                if quarter.start <= timezone.localdate():
                    quarters.append((f"{year}-{number}", quarter_label(quarter)))
        self.fields["quarter"].choices = quarters  # type: ignore[attr-defined]
        everything = [("", _("Alle"))]
        for name in ("swv", "sector", "route", "code"):
            self.fields[name].choices = everything + options.get(name, [])  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period") or "year"
        data["period"] = kind
        try:
            if kind == "quarter":
                raw = data.get("quarter") or ""
                match = re.fullmatch(r"(\d{4})-([1-4])", raw)
                if match is None:
                    self.add_error("quarter", _("Kies een kwartaal."))
                    return data
                quarter = Quarter(int(match.group(1)), int(match.group(2)))
                data["report_period"] = Period(quarter, quarter)
            elif kind == "custom":
                start, end = data.get("start"), data.get("end")
                if start is None:
                    self.add_error("start", _("Vul de eerste dag in."))
                if end is None:
                    self.add_error("end", _("Vul de laatste dag in."))
                if start is None or end is None:
                    return data
                data["report_period"] = Period.covering(start, end)
            else:
                year = int(data.get("year") or school_year_of(timezone.localdate()))
                data["report_period"] = Period.school_year(year)
        except PeriodError as exc:
            if exc.code == "end_before_start":
                self.add_error("end", _("De laatste dag ligt voor de eerste dag."))
            else:
                self.add_error(
                    "end",
                    _("Kies een periode van hoogstens %(years)s schooljaren.")
                    % {"years": MAX_QUARTERS // 4},
                )
        return data


def current_school_year() -> Period:
    return Period.school_year(school_year_of(timezone.localdate()))


def quarter_label(quarter: Quarter) -> str:
    names = {
        1: _("augustus-oktober"),
        2: _("november-januari"),
        3: _("februari-april"),
        4: _("mei-juli"),
    }
    return f"{school_year_label(quarter.school_year)} {names[quarter.number]}"


def period_label(period: Period) -> str:
    if period.first == period.last:
        return quarter_label(period.first)
    whole_year = period.first.number == 1 and period.last.number == 4
    if whole_year and period.first.school_year == period.last.school_year:
        return str(
            _("schooljaar %(year)s")
            % {"year": school_year_label(period.first.school_year)}
        )
    return f"{quarter_label(period.first)} - {quarter_label(period.last)}"


_HOURS = re.compile(r"^(\d{1,2})(?:[.,](\d{1,2}))?$|^(\d{1,2}):([0-5]\d)$")


class HoursField(forms.CharField):
    """Hours as a person types them: "1,5", "1.5", "2" or "1:30"; cleans to minutes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)
        # The field cleans to minutes: its length is checked on the text here.
        self.validators = []

    def to_python(self, value: Any) -> Any:
        text = (
            str(super().to_python(value) or "")
            .strip()
            .lower()
            .removesuffix("uur")
            .strip()
        )
        if len(text) > 8:
            raise forms.ValidationError(
                _("Vul de tijd in uren in, bijvoorbeeld 1,5 of 1:30."), code="format"
            )
        if not text:
            return None
        if text.startswith("-"):
            raise forms.ValidationError(_("Vul een tijd van meer dan 0 minuten in."))
        found = _HOURS.match(text)
        if found is None:
            raise forms.ValidationError(
                _("Vul de tijd in uren in, bijvoorbeeld 1,5 of 1:30."), code="format"
            )
        if found.group(3) is not None:
            minutes = int(found.group(3)) * 60 + int(found.group(4))
        else:
            fraction = Decimal(f"0.{found.group(2) or '0'}")
            minutes = int(found.group(1)) * 60 + round(fraction * 60)
        if minutes < 1:
            raise forms.ValidationError(_("Vul een tijd van meer dan 0 minuten in."))
        if minutes > MINUTES_PER_DAY:
            raise forms.ValidationError(_("Op één dag passen niet meer dan 24 uur."))
        return minutes


class TimeEntryForm(Form):
    worked_on = forms.DateField(
        label=_("Datum"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    activity = forms.ChoiceField(
        label=_("Waaraan"),
        choices=Activity.choices,
        widget=RadioSelect,
        error_messages={"required": _("Kies waaraan u de tijd besteedde.")},
    )
    hours = HoursField(
        label=_("Uren"),
        help_text=_("Bijvoorbeeld 1,5 of 1:30."),
        error_messages={"required": _("Vul in hoeveel uur het was.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"worked_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CostForm(Form):
    spent_on = forms.DateField(
        label=_("Datum"), widget=DATE_WIDGET, input_formats=DATE_FORMATS
    )
    category = forms.ChoiceField(
        label=_("Soort kosten"), choices=CostCategory.choices, widget=RadioSelect
    )
    amount = AmountField(label=_("Bedrag"), maximum=Decimal("1000000.00"))
    description = forms.CharField(label=_("Omschrijving"), max_length=200)
    session = forms.ChoiceField(
        label=_("Trainingsbijeenkomst"),
        required=False,
        help_text=_("Alleen bij trainingskosten."),
    )

    def __init__(
        self, *args: Any, sessions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("initial", {"spent_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("Geen")), *sessions]  # type: ignore[attr-defined]


class HourCostForm(Form):
    hour_cost = AmountField(
        label=_("Bedrag per uur"),
        maximum=Decimal("500.00"),
        allow_zero=True,
        help_text=_("Salaris met werkgeverslasten, per uur. In euro's."),
    )


class SignalsForm(Form):
    themes = forms.MultipleChoiceField(
        label=_("Wat signaleert u bij deze hulpvraag?"),
        choices=SignalTheme.choices,
        required=False,
        widget=CheckboxSelectMultiple,
        help_text=_(
            "Alleen het aantal per signaal gaat naar het samenwerkingsverband, nooit "
            "de hulpvraag zelf."
        ),
    )


class BoardReportForm(Form):
    text = forms.CharField(
        label=_("Tekst voor het bestuur"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Anoniem: geen namen van ouders, kinderen, scholen of buddy's."),
    )
    not_a_name = forms.BooleanField(
        label=_("Wat als naam gevonden is, is geen naam"), required=False
    )
    share = forms.BooleanField(
        label=_("Dit is de definitieve tekst: markeer de rapportage als gedeeld"),
        required=False,
    )
