"""intake/rows.py gives what the templates it stands in for give, character for
character: the flags, the filter fields and the long dates, in both languages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from ouderbuddy.intake import rows, selectors
from ouderbuddy.intake.forms_triage import RequestSearchForm
from ouderbuddy.intake.models import DeadlineKind
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.taxonomy import selectors as taxonomy
from ouderbuddy.taxonomy.models import CodeGroup, ExperienceCode

TODAY = dt.date(2026, 3, 10)
SOON = TODAY + dt.timedelta(days=14)


class _Request:
    """What _flags.html reads of a request."""

    def __init__(self, deadline_on: Any, deadline_kind: str, out_of_school: bool):
        self.deadline_on = deadline_on
        self.deadline_kind = deadline_kind
        self.out_of_school = out_of_school

    def get_deadline_kind_display(self) -> str:
        return rows.deadline_kind_display(self.deadline_kind)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_flags_as_the_template_draws_them(language):
    deadlines = [None, TODAY - dt.timedelta(days=1), TODAY, SOON, SOON.replace(day=30)]
    kinds = ["", *DeadlineKind.values]
    with translation.override(language):
        flags = rows.Flags(TODAY, SOON)
        for deadline_on, kind, out in itertools.product(
            deadlines, kinds, (False, True)
        ):
            r = _Request(deadline_on, kind, out)
            expected = render_to_string(
                "intake/triage/_flags.html", {"r": r, "today": TODAY, "soon": SOON}
            )
            drawn = flags(
                deadline_on=deadline_on, deadline_kind=kind, out_of_school=out
            )
            assert drawn == expected, (deadline_on, kind, out)
            assert drawn == rows.flags_html(
                deadline_on=deadline_on,
                deadline_kind=kind,
                out_of_school=out,
                today=TODAY,
                soon=SOON,
            )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "data",
    [
        "",
        "q=x&status=new&urgency=urgent&child_age_min=3&received=30&sort=oldest",
        "status=nope&urgency=nope&school=nope&municipality=nope&child_age_min=x"
        "&child_age_max=99&received=nope&sort=nope",
    ],
)
def test_filter_fields_as_the_template_draws_them(language, data):
    with translation.override(language):
        form = RequestSearchForm(
            QueryDict(data), municipalities=[("0363", "Amsterdam & <Zaan>")]
        )
        form.is_valid()
        for name in form.fields:
            field = form[name]
            expected = render_to_string(
                "intake/triage/_filter_field.html", {"field": field}
            )
            assert rows.filter_field_html(field) == expected, name


@pytest.mark.parametrize("language", ["nl", "en"])
def test_long_dates_as_the_date_filter_gives_them(language):
    template = Template('{{ value|date:"j F Y" }}')
    utc = dt.UTC
    values: list[dt.date] = [dt.date(2026, month, 1) for month in range(1, 13)]
    values += [
        dt.date(999, 5, 3),
        # Just before and after midnight on the Dutch clock, summer and winter.
        dt.datetime(2026, 1, 31, 22, 59, tzinfo=utc),
        dt.datetime(2026, 1, 31, 23, 1, tzinfo=utc),
        dt.datetime(2026, 6, 30, 21, 59, tzinfo=utc),
        dt.datetime(2026, 6, 30, 22, 1, tzinfo=utc),
    ]
    with translation.override(language):
        dates = rows.LongDates()
        for value in values:
            expected = template.render(Context({"value": value}))
            assert dates(value) == expected, value
            assert rows.long_date(value) == expected, value
        with_time = Template('{{ value|date:"j F H:i" }}')
        for value in values:
            if isinstance(value, dt.datetime):
                expected = with_time.render(Context({"value": value}))
                assert dates.day_and_time(value) == expected, value


def test_fill_escapes_the_values_only():
    template = Template(
        "{% load i18n %}{% blocktranslate with date=value %}sinds {{ date }}"
        "{% endblocktranslate %}"
    )
    with translation.override("en"):
        value = "<b>&'\""
        expected = template.render(Context({"value": value}))
        assert rows.fill(gettext("sinds %(date)s"), date=value) == expected
        assert "&lt;b&gt;" in expected


def test_url_maker_gives_what_reverse_gives():
    from uuid import uuid4

    from django.urls import reverse

    url = rows.url_maker("intake:detail", "request_id")
    for pk in (uuid4(), uuid4()):
        assert url(pk) == reverse("intake:detail", args=[pk])


@pytest.mark.django_db
class TestSchoolCodes:
    def test_each_requests_school_codes_in_code_order(self, noord):
        route = [c for c in taxonomy.all_codes() if c.group == CodeGroup.ROUTE]
        other = next(c for c in taxonomy.all_codes() if c.group != CodeGroup.ROUTE)
        first = submit(noord)
        second = submit(noord)
        first.codes.set([route[2], route[0], other])
        second.codes.set([route[1]])
        found = selectors.school_codes_of([first.pk, second.pk])
        assert found[first.pk] == [route[0], route[2]]
        assert found[second.pk] == [route[1]]
        assert selectors.school_codes_of([]) == {}

    def test_a_code_the_memo_does_not_know_yet_is_read(self, noord, monkeypatch):
        request = submit(noord)
        code = ExperienceCode.objects.create(
            code="route.new", group=CodeGroup.ROUTE, label_nl="Nieuw", order=999
        )
        request.codes.set([code])
        # Another process's memo, filled before the code was added.
        before = tuple(c for c in taxonomy.all_codes() if c.pk != code.pk)
        monkeypatch.setattr(taxonomy, "all_codes", lambda: before)
        assert selectors.school_codes_of([request.pk])[request.pk] == [code]
