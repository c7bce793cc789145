"""The breach register: list, add, edit, the 72-hour check, and its audit events."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy import selectors, services_breaches
from ouderbuddy.privacy.models import AuditEvent, DataBreach

LIST = "/privacy/datalekken/"
NEW = "/privacy/datalekken/nieuw/"
NOW = dt.datetime(2031, 5, 20, 10, 0, tzinfo=dt.UTC)


def _moment(day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2031, 5, day, hour, 0))


def _breach(actor, **values):
    fields = {
        "discovered_at": _moment(10, 9),
        "what": "Een e-mail met kenmerken ging naar het verkeerde adres.",
        "not_reported_reason": "Geen risico: alleen kenmerken.",
    } | values
    return services_breaches.record_breach(actor=actor, **fields)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.mark.django_db
class TestAccess:
    def test_access(self, client, ben_client, mia_client, cora_client, cora):
        breach = _breach(cora)
        edit = reverse("privacy:breach_edit", args=[breach.pk])
        for url in (LIST, NEW, edit):
            assert client.get(url)["Location"].startswith(reverse("accounts:login"))
            assert ben_client.get(url).status_code == 403
            assert mia_client.get(url).status_code == 403
            assert cora_client.get(url).status_code == 200
        assert cora_client.post(LIST).status_code == 405
        assert cora_client.put(edit).status_code == 405

    def test_another_organisations_breach_is_404(self, olga_client, cora):
        breach = _breach(cora)
        edit = reverse("privacy:breach_edit", args=[breach.pk])
        assert olga_client.get(edit).status_code == 404
        assert olga_client.post(edit, {"what": "x"}).status_code == 404
        assert (
            olga_client.get(f"/privacy/datalekken/{uuid.uuid4()}/").status_code == 404
        )
        assert breach.what not in olga_client.get(LIST).content.decode()


@pytest.mark.django_db
class TestForm:
    def test_add_reported_in_time(self, cora, cora_client):
        response = cora_client.post(
            NEW,
            {
                "discovered_on": "2031-05-18",
                "discovered_time": "09:00",
                "what": "Een laptop met het systeem open is gestolen.",
                "reported_on": "2031-05-19",
                "reported_time": "15:30",
            },
        )
        assert response.status_code == 302
        breach = DataBreach.objects.get()
        assert breach.organisation == cora.organisation
        assert breach.recorded_by == cora.user
        body = cora_client.get(LIST).content.decode()
        assert "Binnen 72 uur" in body
        event = AuditEvent.objects.get(verb="privacy.breach.create")
        assert event.target_id == str(breach.pk)
        assert event.data == {"reported": True}
        assert "laptop" not in str(event.data) + event.target_label

    def test_edit_writes_the_changed_fields_only(self, cora, cora_client):
        breach = _breach(cora)
        edit = reverse("privacy:breach_edit", args=[breach.pk])
        page = cora_client.get(edit).content.decode()
        assert 'value="2031-05-10"' in page and 'value="09:00"' in page
        response = cora_client.post(
            edit,
            {
                "discovered_on": "2031-05-10",
                "discovered_time": "09:00",
                "what": breach.what,
                "measures": "Het adres is gecontroleerd en de e-mail is teruggehaald.",
                "not_reported_reason": breach.not_reported_reason,
            },
        )
        assert response.status_code == 302
        event = AuditEvent.objects.get(verb="privacy.breach.update")
        assert event.data == {"fields": ["measures"]}
        breach.refresh_from_db()
        assert breach.measures.startswith("Het adres")

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"reported_on": "", "not_reported_reason": ""},
                "waarom u het niet meldde",
            ),
            ({"discovered_on": "2031-06-01"}, "in de toekomst"),
            ({"reported_on": "2031-05-01"}, "niet voor de ontdekking"),
            ({"reported_on": "2031-07-01"}, "in de toekomst"),
            ({"reported_time": ""}, "hoe laat"),
            ({"informed_on": "2031-05-01"}, "voor de dag waarop"),
            ({"informed_on": "2031-06-01"}, "in de toekomst"),
            ({"what": ""}, "verplicht"),
            ({"what": "x" * 2001}, "2000"),
            ({"discovered_on": "morgen"}, "geldige datum"),
            ({"what": "Lek\x1b"}, "teken dat niet mag"),
        ],
    )
    def test_bad_input_saves_nothing(self, cora_client, changes, message):
        data = {
            "discovered_on": "2031-05-10",
            "discovered_time": "09:00",
            "what": "Een lijst stond open op een gedeelde schijf.",
            "reported_on": "2031-05-11",
            "reported_time": "10:00",
        } | changes
        response = cora_client.post(NEW, data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not DataBreach.objects.exists()
        assert not AuditEvent.objects.filter(verb__startswith="privacy.breach").exists()


@pytest.mark.django_db
class TestLateAndUnreported:
    def test_list_says_late_or_why_not(self, cora, cora_client):
        _breach(cora)
        _breach(
            cora,
            discovered_at=_moment(1, 9),
            reported_to_ap_at=_moment(4, 10),  # 73 hours later
            not_reported_reason="",
        )
        body = cora_client.get(LIST).content.decode()
        assert "Later dan 72 uur" in body
        assert "Niet gemeld" in body and "Geen risico: alleen kenmerken." in body

    def test_reported_in_time_is_computed(self, cora):
        on_time = _breach(cora, reported_to_ap_at=_moment(13, 9))  # exactly 72 hours
        assert selectors.reported_in_time(on_time) is True
        late = _breach(cora, reported_to_ap_at=_moment(13, 10))
        assert selectors.reported_in_time(late) is False
        assert selectors.reported_in_time(_breach(cora)) is None


@pytest.mark.django_db
class TestServices:
    def test_the_service_checks_too(self, cora):
        with pytest.raises(DomainError) as caught:
            _breach(cora, not_reported_reason=" ")
        assert caught.value.field == "not_reported_reason"
        with pytest.raises(DomainError):
            _breach(cora, discovered_at=timezone.now() + dt.timedelta(hours=1))
        assert not DataBreach.objects.exists()

    def test_update_of_another_organisation_is_refused(self, cora, olga):
        breach = _breach(cora)
        with pytest.raises(DomainError):
            services_breaches.update_breach(actor=olga, breach=breach, what="x")

    def test_an_unchanged_update_writes_nothing(self, cora):
        breach = _breach(cora)
        values = {name: getattr(breach, name) for name in services_breaches.FIELDS}
        services_breaches.update_breach(actor=cora, breach=breach, **values)
        assert not AuditEvent.objects.filter(verb="privacy.breach.update").exists()
