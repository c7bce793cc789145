"""The audit log's filter, its CSV download and the "who read this?" links."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse

from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.matching.tests.factories import matchable_buddy
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.privacy.services import audit_label, record_event, record_read

URL = "/privacy/auditlog/"
CSV_URL = "/privacy/auditlog/csv/"


def _rows(response) -> list[list[str]]:
    text = (
        b"".join(response).decode("utf-8-sig")
        if response.streaming
        else (response.content.decode("utf-8-sig"))
    )
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.fixture
def match(cora):
    return active_match(cora)


@pytest.mark.django_db
class TestAccess:
    def test_access(self, client, ben_client, mia_client, cora_client):
        for url in (URL, CSV_URL):
            assert client.get(url)["Location"].startswith(reverse("accounts:login"))
            assert ben_client.get(url).status_code == 403
            assert mia_client.get(url).status_code == 403
            assert cora_client.post(url).status_code == 405
            assert cora_client.get(url).status_code == 200

    def test_olga_sees_nothing_of_noord(self, olga_client, match):
        body = olga_client.get(URL, {"doel": match.request.reference}).content.decode()
        assert f">{match.request.reference}</td>" not in body
        assert "Geen regels die hierbij passen" in body
        rows = _rows(olga_client.get(CSV_URL, {"doel": match.request.reference}))
        assert len(rows) == 1  # the header


@pytest.mark.django_db
class TestFilters:
    def test_by_reference_and_whole_case(self, cora, cora_client, match):
        reference = match.request.reference
        record_read(actor=cora, target=match.request)
        record_read(actor=cora, target=match)
        only_request = cora_client.get(URL, {"doel": reference, "handeling": "read"})
        body = only_request.content.decode()
        assert only_request.status_code == 200
        assert f">{reference}</td>" in body
        assert f"({reference})</td>" not in body
        whole = cora_client.get(
            URL, {"doel": reference.lower(), "alles": "on", "handeling": "read"}
        ).content.decode()
        assert f">{reference}</td>" in whole
        assert f"({reference})</td>" in whole  # the match's label
        assert ">Bekeken</td>" in whole

    def test_by_target_id(self, cora, cora_client, match):
        record_read(actor=cora, target=match)
        record_read(actor=cora, target=match.buddy)
        body = cora_client.get(URL, {"doel": str(match.pk).upper()}).content.decode()
        assert f"Buddy {str(match.buddy_id).replace('-', '')[:8]}" not in body
        assert "Koppeling" in body

    def test_whole_case_from_a_request_id(self, cora, cora_client, match):
        record_read(actor=cora, target=match.request)
        record_read(actor=cora, target=match)
        body = cora_client.get(
            URL, {"doel": str(match.request_id), "alles": "on", "handeling": "read"}
        ).content.decode()
        assert f"({match.request.reference})</td>" in body

    def test_by_actor_and_action(self, cora, ben, cora_client):
        record_event(actor=ben, organisation=cora.organisation, verb="login")
        record_event(actor=cora, organisation=cora.organisation, verb="login")
        body = cora_client.get(
            URL, {"wie": str(cora.user_id), "handeling": "login"}
        ).content.decode()
        assert body.count(">Ingelogd</td>") == 1
        assert f">{cora.user.full_name}</td>" in body
        # A buddy is not staff: not a choice.
        assert cora_client.get(URL, {"wie": str(ben.user_id)}).status_code == 400

    def test_by_period(self, cora, cora_client):
        for day in (1, 10, 20):
            with time_machine.travel(dt.datetime(2031, 3, day, 12, tzinfo=dt.UTC)):
                record_event(actor=cora, organisation=cora.organisation, verb="logout")
        body = cora_client.get(
            URL, {"handeling": "logout", "van": "2031-03-05", "tot": "2031-03-10"}
        ).content.decode()
        assert body.count(">Uitgelogd</td>") == 1
        assert "10 maart 2031" in body

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ({"van": "2031-03-10", "tot": "2031-03-01"}, "voor de begindatum"),
            ({"van": "gisteren"}, "geldige datum"),
            ({"handeling": "drop table"}, "Kies een handeling uit de lijst"),
            ({"wie": "niet-een-id"}, "Kies een medewerker uit de lijst"),
            ({"wie": "00000000-0000-0000-0000-000000000000"}, "Kies een medewerker"),
            ({"alles": "on"}, "Vul het kenmerk van de hulpvraag in"),
            ({"doel": "x" * 201}, "200"),
        ],
    )
    def test_bad_input_is_a_message_not_a_crash(self, cora_client, query, message):
        response = cora_client.get(URL, query)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "<table" not in body
        # The download of bad input is the page with the message, not a file.
        assert cora_client.get(CSV_URL, query).status_code == 400

    def test_pages_keep_the_filter(self, cora, cora_client):
        for _ in range(30):
            record_event(actor=cora, organisation=cora.organisation, verb="logout")
        body = cora_client.get(URL, {"handeling": "logout"}).content.decode()
        assert "?handeling=logout&amp;pagina=2" in body


@pytest.mark.django_db
class TestCsv:
    def test_filtered_rows_and_the_export_is_audited(self, cora, cora_client, match):
        record_read(actor=cora, target=match)
        response = cora_client.get(CSV_URL, {"doel": str(match.pk)})
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = _rows(response)
        assert rows[0] == ["Tijdstip", "Wie", "Handeling", "Waarover"]
        assert {row[3] for row in rows[1:]} == {audit_label(match)}
        assert "Bekeken" in {row[2] for row in rows[1:]}
        event = AuditEvent.objects.filter(verb="privacy.audit.export").get()
        assert event.actor_id == cora.user_id
        assert event.data == {"filtered": True}

    def test_what_is_a_reference_never_a_name(self, cora, cora_client, match):
        record_read(actor=cora, target=match.buddy)
        targets = {row[3] for row in _rows(cora_client.get(CSV_URL))[1:]}
        assert f"Buddy {str(match.buddy_id).replace('-', '')[:8]}" in targets
        assert not any(match.buddy.full_name in t for t in targets)
        assert not any(match.request.full_name in t for t in targets)


@pytest.mark.django_db
class TestWhoReadLinks:
    def test_request_page(self, cora_client, match):
        body = cora_client.get(
            reverse("intake:detail", args=[match.request_id])
        ).content.decode()
        link = f"{URL}?doel={match.request.reference}&amp;handeling=read&amp;alles=on"
        assert link in body
        assert "Wie heeft dit gelezen?" in body

    def test_match_page(self, cora_client, match):
        body = cora_client.get(
            reverse("matching:match", args=[match.pk])
        ).content.decode()
        assert f"{URL}?doel={match.pk}&amp;handeling=read" in body

    def test_buddy_page(self, cora_client, noord):
        buddy = matchable_buddy(noord)
        body = cora_client.get(
            reverse("buddies:detail", args=[buddy.pk])
        ).content.decode()
        assert f"{URL}?doel={buddy.pk}&amp;handeling=read" in body

    def test_the_link_finds_the_read(self, cora, cora_client, match):
        cora_client.get(reverse("matching:match", args=[match.pk]))
        body = cora_client.get(
            URL, {"doel": str(match.pk), "handeling": "read"}
        ).content.decode()
        assert ">Bekeken</td>" in body
        assert f">{cora.user.full_name}</td>" in body
