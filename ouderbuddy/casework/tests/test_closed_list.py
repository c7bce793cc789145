"""The coordinator's list of closed matches: search, filters, sorting, CSV export,
access, isolation and bad GET parameters."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Window
from django.template import Context, Template
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from ouderbuddy.casework import services
from ouderbuddy.casework.closed import CARD_FIELDS, closed_matches, counted_page
from ouderbuddy.casework.models import Closure
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.casework.views_closed import _closed_rows
from ouderbuddy.matching.models import Match
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "casework:closed"
EXPORT = "casework:export_closed"


def _close(cora, match, **fields: Any) -> Closure:
    values = {"reason": "goal_reached", "initiator": "together", "note": "Geheim."}
    values.update(fields)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.close_match(actor=cora, match=match, **values)


def _get(client: Client, name: str = LIST, **params: Any) -> Any:
    return client.get(reverse(name), params)


def _rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    return list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )


@pytest.fixture
def closed(cora):
    match = active_match(cora, full_name="Petra de Vries", email="petra@example.nl")
    _close(cora, match)
    match.refresh_from_db()
    return match


class TestAccess:
    def test_anonymous_buddy_manager_and_method(
        self, ben_client, mia_client, cora_client, closed
    ):
        login = reverse("accounts:login")
        for name in (LIST, EXPORT):
            assert _get(Client(), name)["Location"].startswith(login)
            assert _get(ben_client, name).status_code == 403
            assert _get(mia_client, name).status_code == 403
            assert cora_client.post(reverse(name)).status_code == 405

    def test_olga_sees_nothing_of_noord(self, olga_client, closed):
        body = _get(olga_client, q=closed.request.reference).content.decode()
        assert reverse("matching:match", args=[closed.pk]) not in body
        assert "0 afgesloten koppelingen gevonden" in body
        assert len(_rows(_get(olga_client, EXPORT))) == 1

    def test_linked_from_the_running_matches(self, cora_client):
        body = cora_client.get(reverse("casework:overview")).content.decode()
        assert reverse(LIST) in body


class TestList:
    def test_search_filter_sort(self, cora, cora_client, closed):
        other = active_match(
            cora,
            buddy=matchable_buddy(cora.organisation, "Bram Visser"),
            full_name="Jan Bakker",
            email="jan@example.nl",
        )
        _close(cora, other, reason="mismatch", initiator="parent", rematch=True)
        Closure.objects.filter(match=other).update(
            closed_on=dt.date.today() - dt.timedelta(days=200)
        )
        tail = closed.request.reference.removeprefix("HV-").lower()
        for params, found, not_found in (
            ({"q": tail}, closed, other),
            ({"q": "bram"}, other, closed),
            ({"q": "petra@example"}, closed, other),
            ({"reason": "mismatch"}, other, closed),
            ({"initiator": "together"}, closed, other),
            ({"rematch": "yes"}, other, closed),
            ({"closed": "30"}, closed, other),
        ):
            body = _get(cora_client, **params).content.decode()
            assert found.request.reference in body, params
            assert not_found.request.reference not in body, params
        body = _get(cora_client, sort="oldest").content.decode()
        assert body.index(other.request.reference) < body.index(
            closed.request.reference
        )
        body = _get(cora_client).content.decode()
        assert body.index(closed.request.reference) < body.index(
            other.request.reference
        )
        assert "Het klikte niet" in body

    @pytest.mark.parametrize(
        "params",
        [
            {"reason": "x"},
            {"closed": "abc"},
            {"sort": "-pk"},
            {"rematch": "maybe"},
            {"q": "y" * 3000},
            {"pagina": "-3"},
            {"initiator": ["parent", "buddy"]},
        ],
    )
    def test_bad_parameters_never_fail(self, cora_client, closed, params):
        for name in (LIST, EXPORT):
            assert _get(cora_client, name, **params).status_code in (200, 400)
        body = _get(cora_client, reason="x").content.decode()
        assert "Kies een waarde uit de lijst." in body
        assert closed.request.reference in body

    def test_queries_do_not_grow_with_rows(self, cora, cora_client, closed):
        with CaptureQueriesContext(connection) as few:
            _get(cora_client)
            _rows(_get(cora_client, EXPORT))
        for i in range(3):
            match = active_match(
                cora,
                buddy=matchable_buddy(cora.organisation, f"Buddy{i} Test"),
                email=f"p{i}@example.nl",
            )
            _close(cora, match)
        with CaptureQueriesContext(connection) as many:
            _get(cora_client)
            _rows(_get(cora_client, EXPORT))
        assert len(many) == len(few)


class TestExport:
    def test_no_names_no_note_and_audited(self, cora, cora_client, closed):
        rows = _rows(_get(cora_client, EXPORT, reason="goal_reached"))
        assert rows[0][0] == "Kenmerk hulpvraag"
        assert rows[1][0] == closed.request.reference
        assert rows[1][4] == "Doel bereikt"
        flat = ";".join(rows[1])
        for secret in ("Petra", "petra@example.nl", "Geheim", closed.buddy.full_name):
            assert secret not in flat
        event = AuditEvent.objects.get(verb="match.export_closed")
        assert event.organisation_id == cora.organisation_id
        assert event.data == {
            "rows": 1,
            "filters": {"reason": "goal_reached"},
            "searched_text": False,
        }


# The card as the template drew it before its texts were made in the view.
_OLD_CARD = Template(
    "{% load i18n %}"
    '<a class="utrecht-link" href="{% url \'matching:match\' m.pk %}">'
    "<strong>{{ m.request.reference }}</strong></a>\n"
    "<span>{% blocktranslate with buddy=m.buddy.full_name parent=m.request.full_name %}"
    "Buddy {{ buddy }} · ouder {{ parent }}{% endblocktranslate %}</span>\n"
    '<span><span class="ob-badge">{{ m.closure.get_reason_display }}</span> '
    "{% blocktranslate with who=m.closure.get_initiator_display %}besloten door: "
    "{{ who }}{% endblocktranslate %}{% if m.closure.rematch %} · "
    '{% translate "opnieuw een buddy gezocht" %}{% endif %}</span>\n'
    '<span class="ob-card__meta">{% if m.started_on %}{% blocktranslate with '
    'start=m.started_on|date:"j F Y" end=m.closure.closed_on|date:"j F Y" %}Van '
    "{{ start }} tot {{ end }}{% endblocktranslate %}{% else %}{% blocktranslate with "
    'end=m.closure.closed_on|date:"j F Y" %}Afgesloten op {{ end }}'
    "{% endblocktranslate %}{% endif %}</span>"
)
_NEW_CARD = Template(
    '<a class="utrecht-link" href="{{ m.url }}"><strong>{{ m.reference }}</strong></a>\n'
    "<span>{{ m.names }}</span>\n"
    '<span><span class="ob-badge">{{ m.reason }}</span> {{ m.who }}</span>\n'
    '<span class="ob-card__meta">{{ m.when }}</span>'
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_cards_worded_as_the_template_did(cora, language):
    first = active_match(cora, full_name="Petra <de> Vries & zn")
    _close(cora, first)
    second = active_match(
        cora, buddy=matchable_buddy(cora.organisation, "Bram O'Visser")
    )
    _close(cora, second, reason="mismatch", initiator="parent", rematch=True)
    Match.objects.filter(pk=second.pk).update(started_on=None)
    found = closed_matches(cora, {})
    with translation.override(language):
        cards = _closed_rows(found.values(*CARD_FIELDS))
        for match, card in zip(found, cards, strict=True):
            expected = _OLD_CARD.render(Context({"m": match}))
            assert _NEW_CARD.render(Context({"m": card})) == expected


@pytest.mark.parametrize("total", [0, 1, 3, 4, 7])
def test_counted_page_is_the_paginators_page(cora, total):
    for i in range(total):
        buddy = matchable_buddy(cora.organisation, f"Buddy{i} Test")
        _close(cora, active_match(cora, buddy=buddy, email=f"p{i}@example.nl"))
    rows = closed_matches(cora, {}).values(*CARD_FIELDS)
    for number in (None, "", "1", "2", "3", "9", "0", "-3", "abc", "2.0", " 2"):
        page = counted_page(rows, number, 3)
        expected = Paginator(rows, 3).get_page(number)
        assert page.number == expected.number, number
        assert list(page.object_list) == list(expected.object_list), number
        assert page.paginator.count == expected.paginator.count == total
        assert page.has_next() == expected.has_next(), number


# --- Issue 12: growth of the other organisations' data --------------------------------

CLOSED_TABLES = {
    "matching_match",
    "casework_closure",
    "intake_helprequest",
    "buddies_buddy",
}


def test_every_table_of_the_list_is_read_by_the_organisation(cora):
    """Each table the list joins names the organisation in the query."""
    sql = str(closed_matches(cora, {}).values(*CARD_FIELDS).query)
    for table in CLOSED_TABLES:
        assert f'"{table}"."organisation_id" =' in sql, table


def test_the_list_plan_filters_each_table_on_the_organisation(cora, olga, closed):
    """On PostgreSQL: every scan in the page's plan (the rows with their count, as
    `counted_page` reads them) has the organisation in its condition, whatever plan
    the optimiser picks, so other organisations' rows are not read."""
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    buddy = matchable_buddy(olga.organisation, "Zuid Buddy", email="zuid@b.test")
    _close(
        olga,
        active_match(olga, buddy, full_name="Zuid Ouder", email="zuid@example.nl"),
    )
    queryset = closed_matches(cora, {}).values(*CARD_FIELDS)
    sql, params = queryset.annotate(_total=Window(Count("pk")))[
        :25
    ].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    scans: list[dict[str, Any]] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Relation Name") in CLOSED_TABLES:
            scans.append(node)
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    assert {s["Relation Name"] for s in scans} == CLOSED_TABLES
    for scan in scans:
        conditions = " ".join(
            str(scan.get(key, ""))
            for key in ("Index Cond", "Filter", "Recheck Cond", "Hash Cond")
        )
        assert "organisation_id" in conditions, (scan["Relation Name"], conditions)
