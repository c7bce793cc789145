"""The coordinator's casework pages: the running matches, agreements, check-ins,
safety signals and closing; who may open them, what bad input gets, and that the
list stays fast."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from conftest import signed_in_client
from ouderbuddy.casework import selectors as casework_selectors
from ouderbuddy.casework import services
from ouderbuddy.casework.models import Agreement, CheckIn, Closure, SafetySignal
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.matching import selectors as matching_selectors
from ouderbuddy.matching.models import Match, MatchStatus
from ouderbuddy.matching.tests.factories import buddy_membership, matchable_buddy

TODAY = timezone.localdate


@pytest.fixture
def match(cora):
    return active_match(cora)


@pytest.fixture
def bea(match):
    return buddy_membership(match.buddy)


@pytest.fixture
def signal(match, bea):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.raise_signal(
            actor=bea,
            match=match,
            kind="child_safety",
            description="Het kind zei dat het bang is om naar huis te gaan.",
        )


def post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def _match_page(match) -> str:
    return reverse("matching:match", args=[match.pk])


def _urls(match, check_in, signal):
    return {
        "overview": reverse("casework:overview"),
        "agreement": reverse("casework:agreement", args=[match.pk]),
        "add_check_in": reverse("casework:add_check_in", args=[match.pk]),
        "check_in": reverse("casework:check_in", args=[check_in.pk]),
        "signal": reverse("casework:signal", args=[signal.pk]),
        "close": reverse("casework:close", args=[match.pk]),
    }


# --- Access ----------------------------------------------------------------------------


GETS = {"overview", "signal", "close"}


def test_access_rules_of_every_page(cora, match, signal, ben, olga, client):
    check_in = CheckIn.objects.filter(match=match).first()
    urls = _urls(match, check_in, signal)
    ben_client = signed_in_client(ben.user)
    olga_client = signed_in_client(olga.user)
    for name, url in urls.items():
        # Anonymous: to the login page, for GET and for POST.
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("accounts:login")), name
        # A buddy: not a coordinator's page.
        method = ben_client.get if name in GETS else ben_client.post
        assert method(url).status_code == 403, name
        # Another organisation's coordinator: does not exist for her.
        if name != "overview":
            assert olga_client.post(url).status_code == 404, name
            assert olga_client.get(url).status_code in (404, 405), name
    # POST-only pages refuse GET; the overview refuses POST.
    cora_client = signed_in_client(cora.user)
    for name in ("agreement", "add_check_in", "check_in"):
        assert cora_client.get(urls[name]).status_code == 405, name
    assert cora_client.post(urls["overview"]).status_code == 405
    # Nothing changed on the way.
    assert not Agreement.objects.exists()
    assert not Closure.objects.exists()
    assert SafetySignal.objects.get().acknowledged_at is None


def test_olga_sees_none_of_noords_matches_in_her_overview(match, olga):
    body = signed_in_client(olga.user).get(reverse("casework:overview")).content
    assert match.request.reference not in body.decode()
    assert "Er lopen nu geen koppelingen" in body.decode()


# --- Overview --------------------------------------------------------------------------


def test_overview_lists_running_matches_with_their_flags(cora, match, bea, signal):
    other = active_match(
        cora, matchable_buddy(cora.organisation, "Dirk Buddy"), email="b@example.nl"
    )
    Match.objects.filter(pk=other.pk).update(started_on=TODAY() - dt.timedelta(days=30))
    services.log_contact(actor=bea, match=match, on=TODAY(), mode="phone", minutes=20)
    client = signed_in_client(cora.user)
    body = client.get(reverse("casework:overview")).content.decode()
    assert match.request.reference in body and other.request.reference in body
    assert "Bea Buddy" in body and "Dirk Buddy" in body
    assert "1 zorgsignaal" in body
    assert "Stil" in body
    with translation.override("nl"):
        assert date_format(TODAY(), "j F Y") in body  # the last contact
    quiet = client.get(reverse("casework:overview") + "?vlag=stil").content.decode()
    assert other.request.reference in quiet
    assert match.request.reference not in quiet
    signals = client.get(reverse("casework:overview") + "?vlag=zorg").content.decode()
    assert match.request.reference in signals
    assert other.request.reference not in signals
    # An unknown filter shows everything.
    odd = client.get(reverse("casework:overview") + "?vlag=raar").content.decode()
    assert match.request.reference in odd and other.request.reference in odd
    # Each filter's page came from its statement compiled once per process, and
    # gives the rows the ORM gives.
    from ouderbuddy.casework import views_coordinator as views
    from ouderbuddy.casework.closed import windowed

    today = TODAY()
    for flag in ("", "stil", "zorg"):
        read = views._OVERVIEW_PAGES[flag]
        assert read._compiled and None not in read._compiled.values(), flag
        args = (
            cora.organisation_id,
            today,
            casework_selectors.quiet_cutoff(today),
            0,
            25,
        )
        orm = windowed(
            casework_selectors.with_flag(
                casework_selectors.running_matches(*args[:3]), flag
            )
            .order_by("started_on", "pk")
            .values(*views.OVERVIEW_FIELDS),
            0,
            25,
        )
        assert read.rows(*args) == list(orm), flag


def test_navigation_has_begeleiding_for_coordinators_only(cora, ben):
    url = reverse("casework:overview")
    assert url in signed_in_client(cora.user).get("/start/").content.decode()
    assert url not in signed_in_client(ben.user).get("/start/").content.decode()


def _queries_for_overview(cora) -> int:
    client = signed_in_client(cora.user)
    client.get(reverse("casework:overview"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("casework:overview"))
    assert response.status_code == 200
    return len(queries)


def test_overview_queries_do_not_grow_with_the_number_of_matches(cora, bea):
    for i in range(3):
        active_match(
            cora,
            matchable_buddy(cora.organisation, f"Klein{i} Buddy"),
            email=f"klein{i}@example.nl",
        )
    few = _queries_for_overview(cora)
    for i in range(27):
        match = active_match(
            cora,
            matchable_buddy(cora.organisation, f"Groot{i} Buddy"),
            email=f"groot{i}@example.nl",
        )
        services.log_contact(
            actor=buddy_membership(match.buddy),
            match=match,
            on=TODAY(),
            mode="phone",
            minutes=10,
        )
    assert Match.objects.filter(status=MatchStatus.ACTIVE).count() == 31
    assert _queries_for_overview(cora) == few


# --- The match page --------------------------------------------------------------------


def test_match_page_of_a_running_match_shows_the_support(cora, match, bea, signal):
    services.log_contact(
        actor=bea,
        match=match,
        on=TODAY(),
        mode="school_meeting",
        minutes=45,
        topics=["issue.opp"],
        note="Samen naar school",
    )
    body = signed_in_client(cora.user).get(_match_page(match)).content.decode()
    for text in (
        "Werkafspraken schrijven",
        "De buddy heeft geen contact met de school zonder de ouder.",
        "Check-ins",
        "nog niet gedaan",
        "1 contact, samen 45 minuten.",
        "Samen naar school",
        "Gesprek op school",
        "Zorgsignalen van de buddy",
        "nog niet gezien",
        "Koppeling afsluiten",
    ):
        assert text in body, text
    assert reverse("casework:signal", args=[signal.pk]) in body
    assert reverse("casework:close", args=[match.pk]) in body


def test_match_page_words_the_rows_it_reads_as_values(cora, match, bea, signal):
    """The newest agreement with the number of versions, the meetings, the fit
    answers and the signals are read as values: the page words them as before."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        for goals in ("Eerste doelen", "Nieuwe doelen"):
            services.set_agreement(
                actor=cora,
                match=match,
                goals=goals,
                frequency="monthly",
                contact_modes=["phone", "video"],
            )
        services.plan_meeting(
            actor=bea,
            match=match,
            starts_at=timezone.now() + dt.timedelta(days=3),
            place="De Regenboog",
            kind="tlv",
        )
        services.answer_fit(match=match, side="parent", answer="not_good")
    body = signed_in_client(cora.user).get(_match_page(match)).content.decode()
    for text in (
        "Versie 2,",
        "Nieuwe doelen",
        "Elke maand",
        "Telefoon, Videobellen",
        "Er zijn 2 versies.",
        "Gesprek over een TLV, De Regenboog",
        "Ouder: <strong>Niet goed</strong>",
        "Gesproken met de ouder: opgevolgd",
        "Zorg over de veiligheid van het kind</a>",
    ):
        assert text in body, text
    assert "Eerste doelen" not in body


def test_match_page_stays_bounded_with_many_contacts(
    cora, match, bea, django_assert_max_num_queries
):
    Match.objects.filter(pk=match.pk).update(started_on=TODAY() - dt.timedelta(50))
    for day in range(40):
        services.log_contact(
            actor=bea,
            match=match,
            on=TODAY() - dt.timedelta(days=day),
            mode="phone",
            minutes=5,
        )
    client = signed_in_client(cora.user)
    client.get(_match_page(match))
    with django_assert_max_num_queries(20):
        body = client.get(_match_page(match)).content.decode()
    assert "40 contacten, samen 200 minuten." in body
    assert "De laatste 20 contacten" in body


# --- Agreements ------------------------------------------------------------------------


AGREEMENT = {
    "goals": "Dat Noor weer naar school gaat en dat ik me gehoord voel.",
    "frequency": "fortnightly",
    "contact_modes": ["phone", "in_person"],
    "expected_until": "",
}


def test_agreement_saved_as_new_versions_and_mailed(cora, match):
    client = signed_in_client(cora.user)
    mail.outbox.clear()
    response = post(client, reverse("casework:agreement", args=[match.pk]), AGREEMENT)
    assert response.status_code == 302
    assert response["Location"] == _match_page(match) + "#werkafspraken"
    first = Agreement.objects.get()
    assert first.version == 1
    assert first.expected_until == match.started_on + relativedelta(months=6)
    assert {m.to[0] for m in mail.outbox} >= {match.buddy.email, match.request.email}
    page = client.get(_match_page(match)).content.decode()
    assert "Versie 1" in page and "Nieuwe versie schrijven" in page
    assert "Elke twee weken" in page and "Telefoon, Afgesproken" in page
    post(
        client,
        reverse("casework:agreement", args=[match.pk]),
        {**AGREEMENT, "frequency": "weekly", "expected_until": "2099-01-01"},
    )
    # Two years at most: refused, nothing saved.
    assert Agreement.objects.count() == 1
    later = (match.started_on + dt.timedelta(days=300)).isoformat()
    post(
        client,
        reverse("casework:agreement", args=[match.pk]),
        {**AGREEMENT, "frequency": "weekly", "expected_until": later},
    )
    assert list(Agreement.objects.values_list("version", flat=True)) == [2, 1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"goals": "  "}, "Schrijf de doelen op, in de woorden van de ouder."),
        ({"frequency": "daily"}, "Kies hoe vaak er contact is."),
        ({"contact_modes": []}, "Kies minstens één manier van contact."),
        ({"contact_modes": ["pigeon"]}, "Kies minstens één manier van contact."),
        ({"expected_until": "gisteren"}, "Vul een geldige datum in"),
        ({"expected_until": "2000-01-01"}, "Kies een einddatum na de start."),
        ({"goals": "x" * 2001}, "Schrijf hoogstens 2000 tekens."),
    ],
)
def test_agreement_bad_input_is_400_in_dutch_and_saves_nothing(
    cora, match, data, message
):
    response = post(
        signed_in_client(cora.user),
        reverse("casework:agreement", args=[match.pk]),
        {**AGREEMENT, **data},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Er is iets niet goed ingevuld" in body
    assert not Agreement.objects.exists()


# --- Check-ins -------------------------------------------------------------------------


def test_extra_check_in_is_planned(cora, match):
    before = CheckIn.objects.count()
    response = post(
        signed_in_client(cora.user),
        reverse("casework:add_check_in", args=[match.pk]),
        {"due_on": (TODAY() + dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#check-ins")
    assert CheckIn.objects.count() == before + 1


@pytest.mark.parametrize(
    ("due_on", "message"),
    [
        ("", "Vul een datum in."),
        ("31-02-2027", "Vul een geldige datum in"),
        ("2001-01-01", "Kies vandaag of een dag in de toekomst."),
    ],
)
def test_extra_check_in_bad_date_is_400(cora, match, due_on, message):
    before = CheckIn.objects.count()
    response = post(
        signed_in_client(cora.user),
        reverse("casework:add_check_in", args=[match.pk]),
        {"due_on": due_on},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CheckIn.objects.count() == before


def test_check_in_recorded_and_dropped(cora, match):
    first, second = CheckIn.objects.filter(match=match).order_by("due_on")[:2]
    client = signed_in_client(cora.user)
    response = post(
        client,
        reverse("casework:check_in", args=[first.pk]),
        {
            "action": "record",
            "done_on": TODAY().isoformat(),
            "with_buddy": "on",
            "note": "Gaat goed, eerste gesprek op school gepland.",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.done_on == TODAY() and first.with_buddy and not first.with_parent
    assert first.done_by == cora.user
    page = client.get(_match_page(match)).content.decode()
    assert "Gaat goed, eerste gesprek op school gepland." in page
    # Taking a planned one away.
    post(client, reverse("casework:check_in", args=[second.pk]), {"action": "drop"})
    assert not CheckIn.objects.filter(pk=second.pk).exists()
    # A check-in that is done stays in the file.
    response = post(
        client, reverse("casework:check_in", args=[first.pk]), {"action": "drop"}
    )
    assert response.status_code == 302
    assert CheckIn.objects.filter(pk=first.pk).exists()
    follow = client.get(response["Location"]).content.decode()
    assert "Een gedane check-in blijft in het dossier." in follow


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"with_buddy": "on", "done_on": ""}, "Vul een datum in."),
        ({}, "Met wie had u contact? Kies de buddy, de ouder of allebei."),
        (
            {"with_parent": "on", "done_on": "2099-01-01"},
            "Een check-in kan niet in de toekomst liggen.",
        ),
        (
            {"with_parent": "on", "done_on": "2001-01-01"},
            "Een check-in kan niet voor de start van de koppeling liggen.",
        ),
        ({"with_parent": "on", "note": "x" * 1001}, "Schrijf hoogstens 1000 tekens."),
    ],
)
def test_check_in_bad_input_is_400_and_saves_nothing(cora, match, data, message):
    check_in = CheckIn.objects.filter(match=match).order_by("due_on").first()
    response = post(
        signed_in_client(cora.user),
        reverse("casework:check_in", args=[check_in.pk]),
        {"action": "record", "done_on": TODAY().isoformat(), **data},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    check_in.refresh_from_db()
    assert check_in.done_on is None


def test_overdue_check_in_is_on_the_start_page(cora, match):
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        body = signed_in_client(cora.user).get("/start/").content.decode()
    assert "Check-ins die te laat zijn" in body
    assert f"{match.request.reference} met Bea Buddy: check-in van" in body
    assert body.index("Zorgsignalen van buddy&#x27;s") < body.index(
        "Check-ins die te laat zijn"
    )


def test_quiet_match_is_on_the_start_page(cora, match):
    Match.objects.filter(pk=match.pk).update(started_on=TODAY() - dt.timedelta(21))
    body = signed_in_client(cora.user).get("/start/").content.decode()
    assert (
        f"{match.request.reference} met Bea Buddy: geen contact sinds de start, "
        "21 dagen" in body
    )


def test_fit_not_good_is_on_the_start_page(cora, match):
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.answer_fit(match=match, side="parent", answer="not_good")
    body = signed_in_client(cora.user).get("/start/").content.decode()
    assert "ouder zegt dat het niet goed klikt" in body


# --- Safety signals --------------------------------------------------------------------


def test_signal_reaches_the_coordinator_at_once(cora, match, bea):
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        signal = services.raise_signal(
            actor=bea, match=match, kind="crisis", description="Moeder is opgenomen."
        )
    assert [m.to for m in mail.outbox] == [[cora.user.email]]
    body = signed_in_client(cora.user).get("/start/").content.decode()
    assert "Zorgsignalen van buddy&#x27;s" in body
    assert reverse("casework:signal", args=[signal.pk]) in body
    assert "nog niet gezien" in body


def test_signal_page_acknowledge_and_follow_up(cora, match, signal):
    client = signed_in_client(cora.user)
    url = reverse("casework:signal", args=[signal.pk])
    body = client.get(url).content.decode()
    assert "Het kind zei dat het bang is om naar huis te gaan." in body
    assert "Zorg over de veiligheid van het kind" in body
    assert "Veilig Thuis" in body and "0800-2000" in body
    assert "Ik heb dit signaal gezien" in body
    mail.outbox.clear()
    response = post(client, url, {"action": "acknowledge"})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.acknowledged_by == cora.user
    assert [m.to for m in mail.outbox] == [[match.buddy.email]]
    assert "Ik heb dit signaal gezien" not in client.get(url).content.decode()
    # Written down, not yet closed: still on the start page.
    post(client, url, {"action": "follow_up", "follow_up": "Gebeld met de buddy."})
    signal.refresh_from_db()
    assert signal.follow_up == "Gebeld met de buddy." and signal.closed_at is None
    assert url in client.get("/start/").content.decode()
    post(
        client,
        url,
        {
            "action": "follow_up",
            "follow_up": "Veilig Thuis om advies gevraagd.",
            "close": "on",
        },
    )
    signal.refresh_from_db()
    assert signal.closed_at is not None
    assert url not in client.get("/start/").content.decode()
    body = client.get(url).content.decode()
    assert "Afgehandeld" in body and 'name="follow_up"' not in body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "Schrijf op wat u heeft gedaan."),
        ("x" * 2001, "Schrijf hoogstens 2000 tekens."),
    ],
)
def test_signal_follow_up_bad_input_is_400(cora, signal, text, message):
    response = post(
        signed_in_client(cora.user),
        reverse("casework:signal", args=[signal.pk]),
        {"action": "follow_up", "follow_up": text, "close": "on"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    signal.refresh_from_db()
    assert signal.closed_at is None and signal.follow_up == ""


# --- Closing ---------------------------------------------------------------------------


def test_close_page_offers_the_rematch(cora, match):
    body = (
        signed_in_client(cora.user)
        .get(reverse("casework:close", args=[match.pk]))
        .content.decode()
    )
    assert "Opnieuw een buddy zoeken voor deze ouder (niet dezelfde buddy)" in body
    assert "Doel bereikt" in body and "Samen besloten" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": ""}, "Kies een reden."),
        ({"reason": "bored"}, "Kies een reden."),
        ({"initiator": ""}, "Kies wie het besloot."),
        ({"note": "x" * 1001}, "Schrijf hoogstens 1000 tekens."),
    ],
)
def test_close_bad_input_is_400_and_the_match_keeps_running(cora, match, data, message):
    response = post(
        signed_in_client(cora.user),
        reverse("casework:close", args=[match.pk]),
        {"reason": "goal_reached", "initiator": "together", **data},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    assert not Closure.objects.exists()


def test_close_without_rematch_closes_the_request(cora, match):
    client = signed_in_client(cora.user)
    response = post(
        client,
        reverse("casework:close", args=[match.pk]),
        {"reason": "goal_reached", "initiator": "together", "note": "Noor is terug."},
    )
    assert response["Location"] == _match_page(match)
    match.request.refresh_from_db()
    assert match.request.status == RequestStatus.CLOSED
    body = client.get(_match_page(match)).content.decode()
    assert "De koppeling is afgesloten. De hulpvraag is afgerond." in body
    assert "Doel bereikt" in body and "Noor is terug." in body
    assert "Bel de ouder rond" in body
    assert "Koppeling afsluiten" not in body


def test_close_with_rematch_puts_the_request_back_without_the_former_buddy(cora, match):
    dirk = matchable_buddy(cora.organisation, "Dirk Anders")
    client = signed_in_client(cora.user)
    response = post(
        client,
        reverse("casework:close", args=[match.pk]),
        {"reason": "mismatch", "initiator": "parent", "rematch": "on"},
    )
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    shortlist = reverse("matching:shortlist", args=[match.request_id])
    assert f'<a class="utrecht-link" href="{shortlist}">Zoek een andere buddy</a>' in (
        body
    )
    request = match.request
    request.refresh_from_db()
    assert request.status == RequestStatus.WAITING
    page = matching_selectors.shortlist(actor=cora, request=request)
    assert [o.buddy for o in page.candidates] == [dirk]
    [former] = [o for o in page.excluded if o.buddy == match.buddy]
    assert former.rules == ["Was al eerder buddy van deze ouder"]


def test_closing_an_already_closed_match_is_refused(cora, match):
    client = signed_in_client(cora.user)
    url = reverse("casework:close", args=[match.pk])
    post(client, url, {"reason": "goal_reached", "initiator": "together"})
    mail.outbox.clear()
    again = post(client, url, {"reason": "no_contact", "initiator": "coordinator"})
    assert again.status_code == 400
    assert "Deze koppeling is al afgesloten." in again.content.decode()
    assert Closure.objects.get().reason == "goal_reached"
    assert mail.outbox == []
    # The form is not offered any more.
    response = client.get(url)
    assert response["Location"] == _match_page(match)


# The whole table row as the template drew it, around the old cells.
_OLD_OVERVIEW_TR = (
    "{% load i18n %}"
    '<tr class="utrecht-table__row">'
    '<th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" '
    "href=\"{% url 'matching:match' m.pk %}\">{{ m.request.reference }}</a></th>"
    '<td data-label="{% translate "Buddy" %}" class="utrecht-table__cell">'
    "{{ m.buddy.full_name }}</td>"
    '<td data-label="{% translate "Sinds" %}" class="utrecht-table__cell">'
    '{{ m.started_on|date:"j F Y" }}</td>'
    '<td data-label="{% translate "Laatste contact" %}" class="utrecht-table__cell">'
    '{% if m.last_contact %}{{ m.last_contact|date:"j F Y" }}{% else %}'
    '{% translate "nog geen" %}{% endif %}</td>'
    '<td data-label="{% translate "Volgende check-in" %}" class="utrecht-table__cell">'
    '{% if m.next_check_in %}{{ m.next_check_in|date:"j F Y" }}{% else %}'
    '{% translate "geen gepland" %}{% endif %}</td>'
    '<td data-label="{% translate "Let op" %}" class="utrecht-table__cell">'
    '{% if m.open_signals %}<a class="ob-badge" href="{% url \'matching:match\' m.pk %}'
    '#zorgsignalen">{% blocktranslate count n=m.open_signals %}{{ n }} zorgsignaal'
    "{% plural %}{{ n }} zorgsignalen{% endblocktranslate %}</a>{% endif %}"
    '{% if m.overdue_check_ins %}<span class="ob-badge">{% translate "Check-in te laat" %}'
    "</span>{% endif %}"
    '{% if m.quiet %}<span class="ob-badge">{% translate "Stil" %}</span>{% endif %}'
    '{% if m.fit_not_good %}<span class="ob-badge">{% translate "Klikt niet goed" %}'
    "</span>{% endif %}</td></tr>"
)


def _squeezed(html: str) -> str:
    return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_overview_rows_worded_as_the_template_did(cora, match, bea, signal, language):
    from django.template import Context, Template

    from ouderbuddy.casework import selectors
    from ouderbuddy.casework.views_coordinator import OVERVIEW_FIELDS, _overview_rows

    other = active_match(
        cora, matchable_buddy(cora.organisation, "Dirk O'Buddy"), email="b@example.nl"
    )
    Match.objects.filter(pk=other.pk).update(started_on=TODAY() - dt.timedelta(days=30))
    services.log_contact(actor=bea, match=match, on=TODAY(), mode="phone", minutes=20)
    CheckIn.objects.filter(match=other).update(due_on=TODAY() - dt.timedelta(days=2))
    found = selectors.active_matches(cora).order_by("started_on", "pk")
    old = Template(_OLD_OVERVIEW_TR)
    with translation.override(language):
        drawn = _overview_rows(found.values(*OVERVIEW_FIELDS))
        for m, row in zip(found, drawn, strict=True):
            assert _squeezed(row) == _squeezed(old.render(Context({"m": m})))
    assert any("ob-badge" in row for row in drawn)
    assert any("Dirk O&#x27;Buddy" in row for row in drawn)


def test_match_page_before_the_start_reads_only_what_it_shows(cora, match, bea):
    """With the introduction planned the page shows the agreement and the signals:
    contacts, check-ins, meetings and fit answers are not read."""
    services.log_contact(
        actor=bea, match=match, on=TODAY(), mode="phone", minutes=5, topics=[]
    )
    services.answer_fit(match=match, side="parent", answer="good")
    Match.objects.filter(pk=match.pk).update(status=MatchStatus.INTRODUCTION_PLANNED)
    planned = Match.objects.get(pk=match.pk)
    with CaptureQueriesContext(connection) as queries:
        context = casework_selectors.match_context(planned)
    assert len(queries) == 2  # the agreement, the signals
    for name in ("contacts", "check_ins", "meetings", "fit_answers"):
        assert context[name] == [], name
    body = signed_in_client(cora.user).get(_match_page(match)).content.decode()
    assert "Werkafspraken" in body
    assert "Contact tussen buddy en ouder" not in body
    assert "Klikt het?" not in body
