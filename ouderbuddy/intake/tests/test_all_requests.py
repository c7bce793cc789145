"""The list of all requests: search (forgiving reference, name, e-mail, postcode),
filters, sorting, pages, CSV export; access, isolation and bad GET parameters."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ouderbuddy.intake import selectors, services
from ouderbuddy.intake.models import HelpRequest
from ouderbuddy.intake.selectors import normalise_reference
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib.csv_export import safe_cell
from ouderbuddy.lib.views import PER_PAGE
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "intake:all_requests"
EXPORT = "intake:export_requests"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


def _list(client: Client, **params: Any) -> str:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _export(client: Client, **params: Any) -> list[list[str]]:
    response = client.get(reverse(EXPORT), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def referred(cora) -> HelpRequest:
    help_request = submit(
        cora.organisation, email="petra@example.nl", full_name="Petra de Vries"
    )
    target = selectors.referral_targets_for(cora).first()
    services.decide_referral(
        actor=cora, request=help_request, target=target, reason="Past beter."
    )
    return help_request


class TestAccess:
    def test_anonymous_goes_to_login(self, db):
        login = reverse("accounts:login")
        for name in (LIST, EXPORT):
            assert Client().get(reverse(name))["Location"].startswith(login)

    def test_buddy_and_manager_get_403(self, ben_client, mia_client):
        for client in (ben_client, mia_client):
            for name in (LIST, EXPORT):
                assert client.get(reverse(name)).status_code == 403

    def test_wrong_method_is_405(self, cora_client):
        for name in (LIST, EXPORT):
            assert cora_client.post(reverse(name)).status_code == 405

    def test_olga_finds_nothing_of_noord(self, olga_client, referred):
        for params in (
            {},
            {"q": referred.reference},
            {"q": "petra"},
            {"status": "referred"},
        ):
            body = _list(olga_client, **params)
            # The search text is echoed in the field; no row of Noord is shown.
            assert reverse("intake:detail", args=[referred.pk]) not in body
            assert "0 hulpvragen gevonden" in body
            assert "petra@example.nl" not in body and "Petra de Vries" not in body
            rows = _export(olga_client, **params)
            assert len(rows) == 1  # only the header
        body = _list(olga_client, q="1012")
        assert reverse("intake:detail", args=[referred.pk]) not in body

    def test_in_the_coordinators_menu(self, cora_client, ben_client):
        url = reverse(LIST)
        assert url in cora_client.get(reverse("dashboard:start")).content.decode()
        assert url not in ben_client.get(reverse("dashboard:start")).content.decode()


class TestSearch:
    def test_a_referred_request_is_found_by_its_reference_written_any_way(
        self, cora_client, referred
    ):
        other = submit(
            referred.organisation, email="ander@example.nl", full_name="Ander"
        )
        tail = referred.reference.removeprefix("HV-")
        spaced = f"{tail[:3]} {tail[3:]}"
        for typed in (
            referred.reference,
            referred.reference.lower(),
            tail.lower(),
            f"HV {tail}",
            f"  hv-{spaced} ",
            f"hv{tail}",
        ):
            body = _list(cora_client, q=typed)
            assert referred.reference in body, typed
            assert other.reference not in body, typed
            assert "Doorverwezen" in body

    def test_by_name_email_and_postcode(self, cora_client, referred):
        other = submit(
            referred.organisation,
            email="jan@voorbeeld.nl",
            full_name="Jan Bakker",
            postcode="3511 AB",
        )
        for typed, found, not_found in (
            ("petra de vries", referred, other),
            ("PETRA@EXAMPLE", referred, other),
            ("bakker", other, referred),
            ("1012", referred, other),
            ("1012ab", referred, other),
            ("3511 AB", other, referred),
        ):
            body = _list(cora_client, q=typed)
            assert found.reference in body, typed
            assert not_found.reference not in body, typed

    def test_every_status_is_listed(self, cora, cora_client, referred):
        withdrawn = submit(cora.organisation, email="w@example.nl")
        services.withdraw_by_coordinator(
            actor=cora, request=withdrawn, reason="Opgelost."
        )
        new = submit(cora.organisation, email="n@example.nl")
        body = _list(cora_client)
        for r in (referred, withdrawn, new):
            assert r.reference in body
        assert "3 hulpvragen gevonden" in body
        body = _list(cora_client, status="withdrawn")
        assert withdrawn.reference in body and new.reference not in body

    def test_filters(self, cora, cora_client):
        with time_machine.travel(
            dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC), tick=False
        ):
            old = submit(
                cora.organisation,
                email="old@example.nl",
                out_of_school=False,
                child_birth_year=2008,
                codes=["route.vo_vmbo"],
            )
        with time_machine.travel(
            dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC), tick=False
        ):
            young = submit(
                cora.organisation, email="young@example.nl", child_birth_year=2018
            )
            checks = [
                ({"urgency": "out_of_school"}, young, old),
                ({"urgency": "none"}, old, young),
                ({"school": "route.po_regular"}, young, old),
                ({"child_age_max": "12"}, young, old),
                ({"child_age_min": "13"}, old, young),
                ({"received": "30"}, young, old),
                ({"received": "over-90"}, old, young),
                (
                    {"municipality": young.postcode.municipality_id, "q": "young"},
                    young,
                    old,
                ),
            ]
            client = cora_client
            for params, found, not_found in checks:
                body = _list(client, **params)
                assert found.reference in body, params
                assert not_found.reference not in body, params
            body = _list(client, sort="oldest")
            assert body.index(old.reference) < body.index(young.reference)
            body = _list(client, sort="newest")
            assert body.index(young.reference) < body.index(old.reference)
            body = _list(client, sort="urgency")
            assert body.index(young.reference) < body.index(old.reference)
            services.withdraw_by_coordinator(actor=cora, request=young, reason="Klaar.")
            body = _list(client, sort="status")
            assert body.index(old.reference) < body.index(young.reference)

    @pytest.mark.parametrize(
        "params",
        [
            {"status": "nonsense"},
            {"urgency": "'; DROP TABLE"},
            {"school": "route.unknown"},
            {"municipality": "GM9999"},
            {"child_age_min": "abc"},
            {"child_age_max": "-5"},
            {"child_age_min": "99999999999999999999"},
            {"received": "over-abc"},
            {"received": "12"},
            {"sort": "-id"},
            {"q": "x" * 5000},
            {"q": "a\x00b"},
            {"q": "%_\\"},
            {"pagina": "-1"},
            {"pagina": "abc"},
            {"status": ["new", "waiting"]},
        ],
    )
    def test_bad_parameters_never_fail(self, cora_client, referred, params):
        # 200 with the bad value left out; a NUL byte may be refused as a whole (400)
        # by the project's input guard. Never a 500.
        for name in (LIST, EXPORT):
            response = cora_client.get(reverse(name), params)
            assert response.status_code in (200, 400), (name, response.status_code)

    def test_a_refused_filter_is_explained_in_dutch_and_left_out(
        self, cora_client, referred
    ):
        body = _list(cora_client, status="nonsense", child_age_min="abc")
        assert "Kies een waarde uit de lijst." in body
        assert "Vul een leeftijd in jaren in" in body
        assert referred.reference in body  # the other filters (none) still apply

    def test_pages_keep_the_filters(self, cora, cora_client):
        for i in range(PER_PAGE + 2):
            submit(cora.organisation, email=f"p{i}@example.nl", key=None)
        body = _list(cora_client, status="new")
        assert "Pagina 1 van 2" in body
        assert "status=new&amp;pagina=2" in body

    def test_queries_do_not_grow_with_rows(self, cora, cora_client):
        submit(cora.organisation, email="one@example.nl")
        _list(cora_client)  # warm: the code list each process keeps
        with CaptureQueriesContext(connection) as few:
            _list(cora_client)
            _export(cora_client)
        for i in range(8):
            submit(cora.organisation, email=f"more{i}@example.nl", codes=["route.sbo"])
        with CaptureQueriesContext(connection) as many:
            _list(cora_client)
            _export(cora_client)
        assert len(many) == len(few)

    def test_the_municipality_filter_is_cached_and_follows_new_requests(
        self, cora, olga
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from ouderbuddy.intake import selectors
        from ouderbuddy.lib import org_cache

        submit(cora.organisation, email="een@example.nl", postcode="1012 AB")
        submit(olga.organisation, email="zuid@example.nl", postcode="9711 AA")
        org_cache._dirty().clear()  # as if committed
        first = selectors.request_municipalities(cora)
        assert [name for _, name in first] == ["Amsterdam"]
        with CaptureQueriesContext(connection) as again:
            assert selectors.request_municipalities(cora) == first
        # From the cache: no query over the requests.
        assert not [q for q in again if "intake_helprequest" in q["sql"]]
        submit(cora.organisation, email="twee@example.nl", postcode="9711 AA")
        org_cache._dirty().clear()
        assert [name for _, name in selectors.request_municipalities(cora)] == [
            "Amsterdam",
            "Groningen",
        ]
        assert selectors.request_municipalities(olga) != []
        assert (
            selectors.request_municipalities(
                type(cora)(organisation=cora.organisation, role="buddy")
            )
            == []
        )


class TestExport:
    def test_columns_without_personal_free_text_and_an_audit_event(
        self, cora, cora_client, referred
    ):
        rows = _export(cora_client, status="referred")
        assert rows[0][0] == "Kenmerk"
        assert len(rows) == 2
        row = rows[1]
        assert row[0] == referred.reference
        assert row[1] == "Doorverwezen"
        flat = ";".join(row)
        for secret in (
            "Petra",
            "petra@example.nl",
            "herfstvakantie",
            "Past beter",
            "Noor",
        ):
            assert secret not in flat
        event = AuditEvent.objects.get(verb="request.export")
        assert event.organisation_id == cora.organisation_id
        assert event.data["rows"] == 1
        assert event.data["filters"] == {"status": "referred"}

    def test_search_text_is_not_kept_in_the_audit_log(self, cora_client, referred):
        _export(cora_client, q="petra@example.nl")
        event = AuditEvent.objects.get(verb="request.export")
        assert "petra" not in str(event.data)
        assert event.data["searched_text"] is True

    def test_cells_cannot_run_as_formulas(self, cora, cora_client):
        submit(cora.organisation, email="f@example.nl")
        HelpRequest.objects.filter(email="f@example.nl").update(reference="=HYPERLINK")
        rows = _export(cora_client)
        assert "'=HYPERLINK" in [row[0] for row in rows]
        for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
            assert safe_cell(text) == "'" + text
        assert safe_cell("HV-ABC") == "HV-ABC"


def test_normalise_reference():
    assert normalise_reference("hv-s4f5mt") == "S4F5MT"
    assert normalise_reference(" HV S4F 5MT ") == "S4F5MT"
    assert normalise_reference("s4f5mt") == "S4F5MT"
    assert normalise_reference("HV") == "HV"
    assert normalise_reference("--") == ""
