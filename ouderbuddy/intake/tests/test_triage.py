"""The coordinator's triage pages: inbox, one request with its decisions, waiting list,
and the start page panels about requests."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.intake import services
from ouderbuddy.intake.models import (
    HelpRequest,
    OrganisationReferralTarget,
    RequestStatus,
)
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

PARENT = "sanne@example.nl"
PAGES = ["intake:inbox", "intake:waiting_list"]
DETAIL_POSTS = [
    "intake:note",
    "intake:codes",
    "intake:to_matching",
    "intake:information",
    "intake:refer",
    "intake:withdraw",
]
# Valid input for each form of the detail page.
GOOD_INPUT: dict[str, dict[str, Any]] = {
    "intake:note": {"note-note": "Gebeld op dinsdag."},
    "intake:codes": {"codes-route_codes": ["route.sbo"]},
    "intake:to_matching": {},
    "intake:information": {"information-answer": "Kijk op onderwijsconsulenten.nl."},
    "intake:refer": {
        "refer-target": "education_consultant",
        "refer-reason": "Een onderwijsconsulent kan bemiddelen.",
    },
    "intake:withdraw": {"withdraw-reason": "De ouder belde: het is opgelost."},
}


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def noor(cora) -> HelpRequest:
    help_request = submit(cora.organisation)
    mail.outbox.clear()
    return help_request


def _detail(help_request: HelpRequest) -> str:
    return reverse("intake:detail", args=[help_request.pk])


def _with_target(data: dict, help_request: HelpRequest) -> dict:
    """Referral targets belong to an organisation: the default's code becomes the id
    of the request's organisation's own copy."""
    code = data.get("refer-target")
    copy = OrganisationReferralTarget.objects.filter(
        organisation_id=help_request.organisation_id, default_id=code
    ).first()
    if copy is None:
        return data
    return {**data, "refer-target": str(copy.pk)}


def _post(client: Client, name: str, help_request: HelpRequest, data: dict) -> Any:
    return client.post(
        reverse(name, args=[help_request.pk]), _with_target(data, help_request)
    )


def _parent_mails() -> list[Any]:
    return [m for m in mail.outbox if m.to == [PARENT]]


def _panel(body: str, key: str) -> str:
    """The HTML of one start page panel."""
    match = re.search(
        rf'<section class="ob-panel" aria-labelledby="panel-{key}">(.*?)</section>',
        body,
        re.S,
    )
    assert match, f"panel {key} not on the page"
    return match.group(1)


def _mails_sent() -> Any:
    """Run the on-commit callbacks (the e-mail tasks) of a service called directly."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def _unchanged(help_request: HelpRequest, events: int) -> None:
    """Nothing was saved: same status, same history, no decision, no mail."""
    fresh = HelpRequest.objects.get(pk=help_request.pk)
    assert fresh.status == help_request.status
    assert fresh.information_given == ""
    assert fresh.referral_target_id is None
    assert fresh.events.count() == events
    assert not AuditEvent.objects.filter(
        verb="request.decide", target_id=str(help_request.pk)
    ).exists()
    assert _parent_mails() == []


class TestAccess:
    def test_anonymous_goes_to_login(self, noor):
        login = reverse("accounts:login")
        client = Client()
        for url in [reverse(name) for name in PAGES] + [_detail(noor)]:
            assert client.get(url)["Location"].startswith(login), url
        for name in DETAIL_POSTS:
            response = _post(client, name, noor, GOOD_INPUT[name])
            assert response["Location"].startswith(login), name

    def test_olga_gets_404_for_noord_requests(self, olga_client, noor):
        assert olga_client.get(_detail(noor)).status_code == 404
        assert olga_client.head(_detail(noor)).status_code == 404
        for name in DETAIL_POSTS:
            url = reverse(name, args=[noor.pk])
            data = _with_target(GOOD_INPUT[name], noor)
            assert olga_client.post(url, data).status_code == 404, name
            # GET is refused before anything is looked up, as for everyone.
            assert olga_client.get(url).status_code == 405, name
        noor.refresh_from_db()
        assert noor.status == RequestStatus.NEW
        assert noor.intake_note == ""
        assert _parent_mails() == []
        for name in PAGES:
            body = olga_client.get(reverse(name)).content.decode()
            assert noor.reference not in body and noor.child_name not in body

    def test_buddy_and_manager_get_403(self, ben_client, mia_client, noor):
        for client in (ben_client, mia_client):
            for name in PAGES:
                assert client.get(reverse(name)).status_code == 403, name
            assert client.get(_detail(noor)).status_code == 403
            for name in DETAIL_POSTS:
                response = _post(client, name, noor, GOOD_INPUT[name])
                assert response.status_code == 403, name
        noor.refresh_from_db()
        assert noor.status == RequestStatus.NEW

    def test_wrong_methods(self, cora_client, noor):
        for name in PAGES:
            assert cora_client.post(reverse(name)).status_code == 405, name
        assert cora_client.post(_detail(noor)).status_code == 405
        for name in DETAIL_POSTS:
            url = reverse(name, args=[noor.pk])
            assert cora_client.get(url).status_code == 405, name
            assert cora_client.put(url).status_code == 405, name
        noor.refresh_from_db()
        assert noor.status == RequestStatus.NEW

    def test_unknown_request_is_404(self, cora_client, noor):
        noor_id = noor.pk
        HelpRequest.objects.filter(pk=noor_id).delete()
        assert (
            cora_client.get(reverse("intake:detail", args=[noor_id])).status_code == 404
        )

    def test_menu_has_requests_and_waiting_list(self, cora_client, ben_client):
        body = cora_client.get(reverse("dashboard:start")).content.decode()
        assert reverse("intake:inbox") in body
        assert reverse("intake:waiting_list") in body
        body = ben_client.get(reverse("dashboard:start")).content.decode()
        assert reverse("intake:inbox") not in body


class TestInbox:
    def test_urgent_first_then_oldest(self, cora):
        def received(day: int, **overrides: Any) -> HelpRequest:
            moment = dt.datetime(2026, 2, day, 12, tzinfo=dt.UTC)
            with time_machine.travel(moment, tick=False):
                return submit(cora.organisation, **overrides)

        oldest = received(2, email="a@example.nl", out_of_school=False)
        newer = received(16, email="b@example.nl", out_of_school=False)
        deadline = received(
            19,
            email="c@example.nl",
            out_of_school=False,
            deadline_on=dt.date(2026, 2, 25),
            deadline_kind="objection",
        )
        at_home = received(18, email="d@example.nl", out_of_school=True)
        with time_machine.travel(dt.datetime(2026, 2, 20, 12, tzinfo=dt.UTC)):
            response = signed_in_client(cora.user).get(reverse("intake:inbox"))
        assert response.status_code == 200
        body = response.content.decode()
        positions = [
            body.index(r.reference) for r in (deadline, at_home, oldest, newer)
        ]
        assert positions == sorted(positions)
        assert "Termijn bezwaar: 25 februari 2026" in body
        assert "Langer dan 4 weken thuis" in body
        assert "18 dagen geleden" in body
        assert "Reguliere basisschool" in body  # the school type
        assert "Formulier" in body  # the source
        assert "4 nieuwe hulpvragen" in body
        assert "2 hulpvragen hebben haast" in body
        assert reverse("intake:waiting_list") in body

    def test_only_new_requests(self, cora, cora_client, noor):
        with _mails_sent():
            services.decide_to_matching(actor=cora, request=noor)
        body = cora_client.get(reverse("intake:inbox")).content.decode()
        assert noor.reference not in body
        assert "Er zijn geen nieuwe hulpvragen" in body
        assert "1 hulpvraag op de wachtlijst" in body


class TestDetail:
    def test_shows_everything_and_records_the_read(self, cora, cora_client, noor):
        with _mails_sent():
            services.withdraw_consent(request=noor, purpose="share_with_buddy")
        assert not AuditEvent.objects.filter(
            verb="read", target_id=str(noor.pk)
        ).exists()
        response = cora_client.get(_detail(noor))
        assert response.status_code == 200
        body = response.content.decode()
        event = AuditEvent.objects.get(verb="read", target_id=str(noor.pk))
        assert event.actor == cora.user and event.organisation == cora.organisation
        for text in (
            noor.reference,
            "Sanne Jansen",
            PARENT,
            "Noor",
            "groep 6",
            "Mijn dochter zit sinds de herfstvakantie thuis",
            "Onderwijsroute",  # codes grouped under the group's label
            "Reguliere basisschool",
            "Mee naar gesprekken op school",
            "Verwerken van de hulpvraag",
            "door Sanne Jansen (tekst hulpvraag-verwerken-2026-12)",
            "Ingetrokken",  # sharing with a buddy was withdrawn
            "Niet gegeven",  # research was never given
            "Hulpvraag ontvangen.",  # history
            "Toestemming ingetrokken",
        ):
            assert text in body, text

    def test_new_request_shows_every_decision(self, cora_client, noor):
        body = cora_client.get(_detail(noor)).content.decode()
        for name in DETAIL_POSTS:
            assert reverse(name, args=[noor.pk]) in body, name
        assert "Onderwijsconsulent" in body  # a referral target as a choice

    def test_waiting_request_cannot_go_to_matching_again(self, cora, cora_client, noor):
        with _mails_sent():
            services.decide_to_matching(actor=cora, request=noor)
        body = cora_client.get(_detail(noor)).content.decode()
        assert reverse("intake:to_matching", args=[noor.pk]) not in body
        for name in ("intake:information", "intake:refer", "intake:withdraw"):
            assert reverse(name, args=[noor.pk]) in body, name

    def test_closed_request_shows_no_decisions(self, cora, cora_client, noor):
        with _mails_sent():
            services.decide_information_only(
                actor=cora, request=noor, answer="Bel Ouders & Onderwijs."
            )
        body = cora_client.get(_detail(noor)).content.decode()
        for name in DETAIL_POSTS[2:]:
            assert reverse(name, args=[noor.pk]) not in body, name
        assert "Bel Ouders &amp; Onderwijs." in body


class TestDecisions:
    def test_to_matching(self, cora_client, noor, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(cora_client, "intake:to_matching", noor, {})
        assert response.status_code == 302
        assert response["Location"] == _detail(noor)
        noor.refresh_from_db()
        assert noor.status == RequestStatus.WAITING
        [message] = _parent_mails()
        assert message.subject == "Wij zoeken een buddy voor u"
        body = cora_client.get(reverse("intake:waiting_list")).content.decode()
        assert noor.reference in body

    def test_information_only(
        self, cora, cora_client, noor, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(
                cora_client,
                "intake:information",
                noor,
                GOOD_INPUT["intake:information"],
            )
        assert response.status_code == 302
        noor.refresh_from_db()
        assert noor.status == RequestStatus.INFORMED
        assert noor.information_given == "Kijk op onderwijsconsulenten.nl."
        assert noor.decided_by == cora.user
        [message] = _parent_mails()
        assert "Kijk op onderwijsconsulenten.nl." in message.body

    def test_referral(self, cora_client, noor, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(
                cora_client, "intake:refer", noor, GOOD_INPUT["intake:refer"]
            )
        assert response.status_code == 302
        noor.refresh_from_db()
        assert noor.status == RequestStatus.REFERRED
        assert noor.referral_target.default_id == "education_consultant"
        assert noor.referral_target.organisation_id == noor.organisation_id
        assert noor.referral_reason == "Een onderwijsconsulent kan bemiddelen."
        [message] = _parent_mails()
        assert "Onderwijsconsulent" in message.body
        assert "Een onderwijsconsulent kan bemiddelen." in message.body

    def test_withdraw(self, cora_client, noor, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(
                cora_client, "intake:withdraw", noor, GOOD_INPUT["intake:withdraw"]
            )
        assert response.status_code == 302
        noor.refresh_from_db()
        assert noor.status == RequestStatus.WITHDRAWN
        [message] = _parent_mails()
        assert message.subject == "Uw hulpvraag is gestopt"
        assert "het is opgelost" in noor.events.first().description

    def test_from_the_waiting_list(
        self, cora, cora_client, noor, django_capture_on_commit_callbacks
    ):
        with _mails_sent():
            services.decide_to_matching(actor=cora, request=noor)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(
                cora_client, "intake:refer", noor, GOOD_INPUT["intake:refer"]
            )
        assert response.status_code == 302
        noor.refresh_from_db()
        assert noor.status == RequestStatus.REFERRED
        assert len(_parent_mails()) == 1

    def test_note_and_codes(self, cora_client, noor):
        response = _post(cora_client, "intake:note", noor, GOOD_INPUT["intake:note"])
        assert response.status_code == 302
        response = _post(
            cora_client,
            "intake:codes",
            noor,
            {
                "codes-route_codes": ["route.sbo", "transition.po_vo"],
                "codes-need_codes": ["need.anxiety"],
            },
        )
        assert response.status_code == 302
        noor.refresh_from_db()
        assert noor.intake_note == "Gebeld op dinsdag."
        assert noor.status == RequestStatus.NEW
        assert set(noor.codes.values_list("code", flat=True)) == {
            "route.sbo",
            "transition.po_vo",
            "need.anxiety",
        }
        body = cora_client.get(_detail(noor)).content.decode()
        assert "Gebeld op dinsdag." in body
        assert re.search(r'value="route.sbo"[^>]*checked', body)
        assert "Codes aangepast." in body


class TestBadInput:
    @pytest.mark.parametrize(
        ("name", "data", "message"),
        [
            (
                "intake:information",
                {"information-answer": "   "},
                "Schrijf de informatie die u de ouder geeft.",
            ),
            (
                "intake:information",
                {"information-answer": "x" * 2001},
                "2000",
            ),
            (
                "intake:refer",
                {"refer-target": "education_consultant", "refer-reason": ""},
                "Schrijf kort waarom u doorverwijst.",
            ),
            (
                "intake:refer",
                {"refer-target": "bestaat_niet", "refer-reason": "Omdat."},
                "Kies een adres uit de lijst.",
            ),
            (
                "intake:refer",
                {"refer-reason": "Omdat."},
                "Kies een adres uit de lijst.",
            ),
            ("intake:withdraw", {"withdraw-reason": " "}, "Schrijf kort waarom."),
        ],
    )
    def test_is_refused_and_saves_nothing(
        self, cora_client, noor, name, data, message, django_capture_on_commit_callbacks
    ):
        events = noor.events.count()
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(cora_client, name, noor, data)
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body
        assert "utrecht-form-field--invalid" in body  # next to the field
        _unchanged(noor, events)

    def test_a_switched_off_target_is_refused(self, cora_client, noor):
        OrganisationReferralTarget.objects.filter(
            organisation_id=noor.organisation_id, default_id="education_consultant"
        ).update(is_active=False)
        events = noor.events.count()
        response = _post(cora_client, "intake:refer", noor, GOOD_INPUT["intake:refer"])
        assert response.status_code == 400
        assert "Kies een adres uit de lijst." in response.content.decode()
        _unchanged(noor, events)

    def test_the_typed_text_stays(self, cora_client, noor):
        response = _post(
            cora_client,
            "intake:refer",
            noor,
            {"refer-target": "bestaat_niet", "refer-reason": "Mijn eigen tekst"},
        )
        assert response.status_code == 400
        assert "Mijn eigen tekst" in response.content.decode()

    def test_a_decision_the_status_does_not_allow(
        self, cora, cora_client, noor, django_capture_on_commit_callbacks
    ):
        with _mails_sent():
            services.decide_to_matching(actor=cora, request=noor)
        mail.outbox.clear()
        noor.refresh_from_db()
        events = noor.events.count()
        decided = AuditEvent.objects.filter(verb="request.decide").count()
        with django_capture_on_commit_callbacks(execute=True):
            response = _post(cora_client, "intake:to_matching", noor, {})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Dit kan niet meer: de hulpvraag heeft de status" in body
        # The refused decision stays on the page so its error can be read.
        assert reverse("intake:to_matching", args=[noor.pk]) in body
        noor.refresh_from_db()
        assert noor.status == RequestStatus.WAITING
        assert noor.events.count() == events
        assert AuditEvent.objects.filter(verb="request.decide").count() == decided
        assert _parent_mails() == []

    def test_no_decision_after_a_closed_request(
        self, cora, cora_client, noor, django_capture_on_commit_callbacks
    ):
        with _mails_sent():
            services.withdraw_by_coordinator(actor=cora, request=noor, reason="Klaar.")
        mail.outbox.clear()
        noor.refresh_from_db()
        events = noor.events.count()
        for name in DETAIL_POSTS[2:]:
            with django_capture_on_commit_callbacks(execute=True):
                response = _post(cora_client, name, noor, GOOD_INPUT[name])
            assert response.status_code == 400, name
            assert "Dit kan niet meer" in response.content.decode(), name
        noor.refresh_from_db()
        assert noor.status == RequestStatus.WITHDRAWN
        assert noor.information_given == "" and noor.referral_target_id is None
        assert noor.events.count() == events
        assert _parent_mails() == []

    def test_unknown_codes_and_a_long_note(self, cora_client, noor):
        before = set(noor.codes.values_list("code", flat=True))
        events = noor.events.count()
        response = _post(
            cora_client,
            "intake:codes",
            noor,
            {"codes-route_codes": ["route.bestaat_niet"], "codes-need_codes": []},
        )
        assert response.status_code == 400
        response = _post(
            cora_client,
            "intake:codes",
            noor,
            {"codes-route_codes": ["need.anxiety"]},  # a code of another group
        )
        assert response.status_code == 400
        response = _post(cora_client, "intake:note", noor, {"note-note": "x" * 4001})
        assert response.status_code == 400
        assert "utrecht-form-field--invalid" in response.content.decode()
        noor.refresh_from_db()
        assert set(noor.codes.values_list("code", flat=True)) == before
        assert noor.intake_note == ""
        assert noor.events.count() == events


class TestWaitingList:
    def test_age_in_days_and_working_days_with_codes(self, cora, noor):
        # Received on Monday 5 January 2026; looked at on Tuesday 20 January.
        HelpRequest.objects.filter(pk=noor.pk).update(
            received_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
        )
        with _mails_sent():
            services.decide_to_matching(actor=cora, request=noor)
        with time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC)):
            client = signed_in_client(cora.user)
            response = client.get(reverse("intake:waiting_list"))
        assert response.status_code == 200
        body = response.content.decode()
        assert noor.reference in body
        assert "15 dagen" in body and "11 werkdagen" in body
        assert "Langer dan de streeftijd" in body
        assert "binnen 10 werkdagen" in body
        assert "Langer dan 4 weken thuis" in body
        for label in ("Reguliere basisschool", "Thuiszitten"):
            assert label.lower() in body.lower(), label

    def test_empty(self, cora_client, noor):
        body = cora_client.get(reverse("intake:waiting_list")).content.decode()
        assert noor.reference not in body
        assert "Er staan geen hulpvragen op de wachtlijst" in body


class TestPanels:
    def test_new_requests_urgent_first(self, cora, cora_client):
        calm = submit(cora.organisation, email="a@example.nl", out_of_school=False)
        urgent = submit(cora.organisation, email="b@example.nl", out_of_school=True)
        panel = _panel(
            cora_client.get(reverse("dashboard:start")).content.decode(),
            "new_requests",
        )
        assert panel.index(urgent.reference) < panel.index(calm.reference)
        assert reverse("intake:detail", args=[urgent.pk]) in panel
        assert "heeft haast" in panel

    def test_a_decided_request_leaves_the_new_panel(self, cora, cora_client, noor):
        with _mails_sent():
            services.decide_to_matching(actor=cora, request=noor)
        panel = _panel(
            cora_client.get(reverse("dashboard:start")).content.decode(),
            "new_requests",
        )
        assert noor.reference not in panel
        assert "Er zijn geen nieuwe hulpvragen" in panel

    def test_waiting_too_long(self, cora, noor):
        # Received on Monday 5 January 2026; the target is 10 working days.
        HelpRequest.objects.filter(pk=noor.pk).update(
            received_at=dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)
        )
        with time_machine.travel(dt.datetime(2026, 1, 19, 12, tzinfo=dt.UTC)):
            body = signed_in_client(cora.user).get("/start/").content.decode()
        assert noor.reference not in _panel(body, "waiting_requests")
        with time_machine.travel(dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC)):
            body = signed_in_client(cora.user).get("/start/").content.decode()
        panel = _panel(body, "waiting_requests")
        assert noor.reference in panel
        assert "11 werkdagen" in panel

    def test_deadlines_within_14_days(self, cora, cora_client):
        today = timezone.localdate()
        soon = submit(
            cora.organisation,
            email="a@example.nl",
            deadline_on=today + dt.timedelta(days=10),
            deadline_kind="objection",
        )
        far = submit(
            cora.organisation,
            email="b@example.nl",
            deadline_on=today + dt.timedelta(days=30),
            deadline_kind="objection",
        )
        panel = _panel(
            cora_client.get(reverse("dashboard:start")).content.decode(), "deadlines"
        )
        assert soon.reference in panel and "Termijn bezwaar" in panel
        assert far.reference not in panel

    def test_olga_sees_none_of_noords_requests(self, olga_client, noor):
        body = olga_client.get(reverse("dashboard:start")).content.decode()
        assert noor.reference not in body
        assert "Er zijn geen nieuwe hulpvragen" in body


class TestDetailDataLists:
    """What the parent filled in, drawn in the view (views_triage._data_lists)."""

    def test_values_are_escaped_and_an_empty_one_is_a_dash(self, cora_client, noor):
        HelpRequest.objects.filter(pk=noor.pk).update(
            full_name="Noor <b>& co</b>", phone="", school_name="", out_of_school=True
        )
        html = cora_client.get(_detail(noor)).content.decode()
        item = (
            '<div class="utrecht-data-list__item"><dt class="utrecht-data-list__'
            'item-key">{}</dt><dd class="utrecht-data-list__item-value">{}</dd></div>'
        )
        assert item.format("Naam", "Noor &lt;b&gt;&amp; co&lt;/b&gt;") in html
        assert item.format("Telefoonnummer", "—") in html
        assert item.format("School", "—") in html
        assert item.format("Kind zit langer dan vier weken thuis", "ja") in html
        assert '<h2 class="utrecht-heading-2">Het kind</h2>' in html


class TestRequestPageRead:
    """`selectors.get_request_page_for`: the page's columns only, scoped like
    `get_request_for`."""

    def test_reads_what_the_page_shows_and_only_of_the_own_organisation(
        self, cora, noor, zuid
    ):
        from django.http import Http404

        from ouderbuddy.intake import selectors

        found = selectors.get_request_page_for(cora, noor.pk)
        assert (
            set(selectors.PAGE_FIELDS)
            - {
                "postcode__municipality",
                "postcode__municipality__name",
            }
            <= {f.name for f in found._meta.concrete_fields}
            - found.get_deferred_fields()
        )
        assert "submission_key" in found.get_deferred_fields()
        assert found.postcode.municipality.name
        # The same values as the ORM's read, from a statement compiled once.
        orm = HelpRequest.objects.select_related("postcode__municipality").get(
            pk=noor.pk
        )
        for name in selectors._PAGE_OWN:
            field = HelpRequest._meta.get_field(name)
            assert getattr(found, field.attname) == getattr(orm, field.attname), name
        assert found.postcode_id == orm.postcode_id
        assert found.postcode.municipality.name == orm.postcode.municipality.name
        assert None not in selectors._PAGE._compiled.values()
        other = submit(zuid, email="z@example.nl")
        with pytest.raises(Http404):
            selectors.get_request_page_for(cora, other.pk)


class TestDetailHistory:
    """The history lines, worded in the view (views_triage._history_lines)."""

    def test_newest_first_with_the_step_and_who(self, cora, cora_client, noor):
        services.decide_to_matching(actor=cora, request=noor)
        html = cora_client.get(_detail(noor)).content.decode()
        lines = re.findall(
            r'<ol class="utrecht-ordered-list ob-history" reversed>(.*?)</ol>',
            html,
            re.S,
        )[0]
        items = re.findall(r"<li [^>]*>(.*?)</li>", lines)
        assert len(items) == 2
        assert "Nieuw → Op de wachtlijst · " in items[0]
        assert items[0].endswith(" · Cora Coördinator")
        assert items[1].endswith(" · de ouder")
        assert re.match(r"\d{1,2} \w+ \d{4} \d\d:\d\d · ", items[1])
