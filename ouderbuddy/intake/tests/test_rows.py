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
from django.test import TestCase
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


# The rows of the inbox and the waiting list as their templates drew them before the
# texts were made in the view: the new pages must give the same HTML.
OLD_INBOX_ROW = """{% load i18n ob_dates %}{% translate "Ontvangen" as col_1 %}{% translate "Kind en school" as col_2 %}{% translate "Haast" as col_3 %}{% translate "Bron" as col_4 %}{% for row in rows %}{% with r=row.request %}
    <tr class="utrecht-table__row">
      <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href="{% url 'intake:detail' r.pk %}">{{ r.reference }}</a></th>
      <td data-label="{{ col_1 }}" class="utrecht-table__cell">{{ r.received_at|date:"j F Y" }}<br>{{ row.age_days|days_ago }}</td>
      <td data-label="{{ col_2 }}" class="utrecht-table__cell">{{ r.child_name }}{% if r.child_grade %} ({{ r.child_grade }}){% endif %}<br>{% for code in r.school_codes %}{{ code.label }}{% if not forloop.last %}, {% endif %}{% empty %}<span class="ob-empty">{% translate "School niet ingevuld" %}</span>{% endfor %}</td>
      <td data-label="{{ col_3 }}" class="utrecht-table__cell">{% include "intake/triage/_flags.html" %}</td>
      <td data-label="{{ col_4 }}" class="utrecht-table__cell">{{ r.get_source_display }}</td>
    </tr>
  {% endwith %}{% endfor %}"""
OLD_WAITING_ROW = """{% load i18n %}{% translate "Hulpvraag ontvangen" as col_1 %}{% translate "Haast" as col_2 %}{% translate "Gezochte ervaring" as col_3 %}{% for row in rows %}{% with r=row.request %}
    <tr class="utrecht-table__row">
      <th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" href="{% url 'intake:detail' r.pk %}">{{ r.reference }}</a><br>{{ r.child_name }}</th>
      <td data-label="{{ col_1 }}" class="utrecht-table__cell">{{ r.received_at|date:"j F Y" }}<br>{% blocktranslate count days=row.age_days %}{{ days }} dag{% plural %}{{ days }} dagen{% endblocktranslate %}, {% blocktranslate count days=row.working_days %}{{ days }} werkdag{% plural %}{{ days }} werkdagen{% endblocktranslate %}{% if row.too_long %} <span class="ob-badge">{% translate "Langer dan de streeftijd" %}</span>{% endif %}</td>
      <td data-label="{{ col_2 }}" class="utrecht-table__cell">{% include "intake/triage/_flags.html" %}</td>
      <td data-label="{{ col_3 }}" class="utrecht-table__cell">{% for code in row.codes %}{{ code.label }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}</td>
    </tr>
  {% endwith %}{% endfor %}"""


def _squeeze(html: str) -> str:
    return " ".join(html.split()).replace("> <", "><")


def _tbody(html: str) -> str:
    start = html.index('<tbody class="utrecht-table__body">') + 35
    return _squeeze(html[start : html.index("</tbody>")])


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_inbox_and_waiting_list_rows_as_the_templates_drew_them(
    language, cora, cora_client
):
    from django.db.models import Prefetch
    from django.urls import reverse
    from django.utils import timezone

    from ouderbuddy.intake import services
    from ouderbuddy.intake.models import HelpRequest, RequestStatus

    today = timezone.localdate()
    made = [
        submit(cora.organisation, child_name="Noor <b>", child_grade=""),
        submit(
            cora.organisation,
            out_of_school=False,
            deadline_on=today + dt.timedelta(days=3),
            deadline_kind="objection",
            codes=["issue.out_of_school", "need.anxiety", "route.po_regular"],
        ),
        submit(
            cora.organisation,
            out_of_school=False,
            codes=["need.anxiety"],
            child_grade="klas 2 & 3",
        ),
    ]
    HelpRequest.objects.filter(pk=made[0].pk).update(
        received_at=timezone.now() - dt.timedelta(days=40)
    )
    target = cora.organisation.request_wait_target_days
    cora_client.cookies["django_language"] = language
    for status, name, old in (
        (RequestStatus.NEW, "intake:inbox", OLD_INBOX_ROW),
        (RequestStatus.WAITING, "intake:waiting_list", OLD_WAITING_ROW),
    ):
        if status == RequestStatus.WAITING:
            for request in made:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    services.decide_to_matching(actor=cora, request=request)
        page = cora_client.get(reverse(name)).content.decode()
        ordered = (
            selectors.inbox(cora)
            if status == RequestStatus.NEW
            else selectors.waiting_list(cora)
        ).prefetch_related(
            Prefetch(
                "codes",
                queryset=ExperienceCode.objects.filter(group=CodeGroup.ROUTE).order_by(
                    "order"
                ),
                to_attr="school_codes",
            )
        )
        with translation.override(language):
            old_rows = []
            for r in ordered:
                received = timezone.localtime(r.received_at).date()
                working = selectors.working_days_between(received, today)
                old_rows.append(
                    {
                        "request": r,
                        "age_days": (today - received).days,
                        "working_days": working,
                        "too_long": working > target,
                        "codes": sorted(
                            r.codes.all(),
                            key=lambda c: (CodeGroup.values.index(c.group), c.order),
                        ),
                    }
                )
            expected = Template(old).render(
                Context(
                    {
                        "rows": old_rows,
                        "today": today,
                        "soon": today + dt.timedelta(days=14),
                    }
                )
            )
        assert len(old_rows) == 3
        assert _tbody(page) == _squeeze(expected), name


@pytest.mark.django_db
def test_codes_of_in_the_memos_order(noord):
    request = submit(noord)
    request.codes.set(["need.anxiety", "issue.out_of_school", "route.po_regular"])
    found = [c.pk for c in selectors.codes_of([request.pk])[request.pk]]
    assert found == ["route.po_regular", "issue.out_of_school", "need.anxiety"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_empty_searchs_filters_are_those_of_a_fresh_form(language, cora):
    from ouderbuddy.intake import views_triage

    with translation.override(language):
        fresh = views_triage._filter_fields(
            RequestSearchForm(
                QueryDict(), municipalities=selectors.request_municipalities(cora)
            )
        )
        assert views_triage._empty_filters(cora) == fresh
        assert views_triage._empty_filters(cora) == fresh  # from the cache, if kept


@pytest.mark.django_db
def test_a_search_still_shows_its_values_and_errors(cora_client):
    from django.urls import reverse

    page = cora_client.get(
        reverse("intake:all_requests"), {"status": "nope", "q": "Jansen"}
    ).content.decode()
    assert 'value="Jansen"' in page
    assert "ob-error-summary" in page
    assert "Kies een waarde uit de lijst." in page
    empty = cora_client.get(reverse("intake:all_requests"), {"pagina": "1"})
    assert "ob-error-summary" not in empty.content.decode()
