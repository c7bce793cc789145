"""The coordinator's matching pages: what they show, what they refuse, who may open them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.intake.models import RequestStatus
from ouderbuddy.matching import services
from ouderbuddy.matching.models import (
    BatchDraft,
    BatchLineState,
    Conflict,
    Match,
    MatchingWeights,
    MatchStatus,
)
from ouderbuddy.matching.tests.factories import (
    buddy_membership,
    matchable_buddy,
    waiting_request,
)

WEIGHTS = {
    "issue": "3",
    "need": "3",
    "route": "2",
    "same_swv": "1",
    "language": "1",
    "gender": "1",
    "distance_per_km": "0,1",
    "load": "0,5",
    "waiting_per_week": "0,25",
    "waiting_cap_weeks": "12",
}


@pytest.fixture
def world(cora):
    bea = matchable_buddy(cora.organisation, "Bea Buddy")
    # Dirk shares nothing with the request and lives 40 km away: too far.
    dirk = matchable_buddy(
        cora.organisation, "Dirk Ver", codes=["need.dyslexia"], postcode="3511"
    )
    request = waiting_request(cora)
    return {"bea": bea, "dirk": dirk, "request": request}


def post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


@pytest.mark.django_db
def test_shortlist_explains_the_score_in_words_and_hides_nothing_it_should_show(
    cora, world
):
    client = signed_in_client(cora.user)
    response = client.get(reverse("matching:shortlist", args=[world["request"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bea Buddy" in body
    assert "zelfde ervaring: " in body and "Thuiszitten" in body
    assert "1 van 1 plekken vrij" in body
    # Dirk is out; the page says how many, and why only when asked.
    assert "Dirk Ver voorstellen" not in body
    assert "Bea Buddy voorstellen" in body
    assert "1 buddy past niet" in body
    excluded = client.get(
        reverse("matching:shortlist", args=[world["request"].pk]) + "?uitgesloten=1"
    ).content.decode()
    assert "Dirk Ver" in excluded
    assert "Verder weg dan de ouder wil" in excluded


@pytest.mark.django_db
def test_shortlist_shows_the_running_proposal_and_the_earlier_ones(cora, world):
    from ouderbuddy.lib import org_cache
    from ouderbuddy.matching.models import DeclineReason

    client = signed_in_client(cora.user)
    url = reverse("matching:shortlist", args=[world["request"].pk])
    org_cache._dirty().clear()  # as if the world's transaction had committed
    body = client.get(url).content.decode()  # now kept in the organisation's cache
    assert "Eerdere voorstellen" not in body and "Er loopt al een voorstel" not in body
    with TestCase.captureOnCommitCallbacks(execute=True):
        declined = Match.objects.create(
            organisation_id=cora.organisation_id,
            request=world["request"],
            buddy=world["dirk"],
            status=MatchStatus.DECLINED,
            decline_reason=DeclineReason.TOO_FAR,
            respond_by=timezone.now(),
        )
        Match.objects.filter(pk=declined.pk).update(
            created_at=timezone.now() - dt.timedelta(days=2)
        )
        running = Match.objects.create(
            organisation_id=cora.organisation_id,
            request=world["request"],
            buddy=world["bea"],
            status=MatchStatus.PROPOSED,
            respond_by=timezone.now() + dt.timedelta(days=3),
        )
    body = client.get(url).content.decode()
    assert "Er loopt al een voorstel: Bea Buddy (Voorgesteld aan buddy)." in body
    assert reverse("matching:match", args=[running.pk]) in body
    assert "Eerdere voorstellen" in body
    assert (
        f'<a class="utrecht-link" href="{reverse("matching:match", args=[declined.pk])}">'
        "Dirk Ver</a>: Buddy zegt nee (Te ver weg)"
    ) in body
    # With a proposal running, nobody else is offered.
    assert "Bea Buddy voorstellen" not in body


@pytest.mark.django_db
def test_shortlist_without_any_eligible_buddy_names_the_rules(cora, world):
    services.record_conflict(
        actor=cora, request=world["request"], buddy=world["bea"], note="Buurvrouw"
    )
    body = (
        signed_in_client(cora.user)
        .get(reverse("matching:shortlist", args=[world["request"].pk]))
        .content.decode()
    )
    assert "Er is nu geen buddy die past" in body
    assert "Belangenconflict (zelfde school of kent het gezin): 1 buddy" in body
    assert "Verder weg dan de ouder wil: 1 buddy" in body


@pytest.mark.django_db
def test_compare_shows_two_buddies_side_by_side(cora, world):
    client = signed_in_client(cora.user)
    url = reverse("matching:compare", args=[world["request"].pk])
    response = client.get(f"{url}?buddy={world['bea'].pk}&buddy={world['dirk'].pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Bea Buddy") < body.index("Dirk Ver")
    assert "Afstand" in body and "Totaal" in body
    assert "Nee: Verder weg dan de ouder wil" in body
    # One buddy, or the same twice: back to the shortlist with a message.
    again = client.get(f"{url}?buddy={world['bea'].pk}&buddy={world['bea'].pk}")
    assert again.status_code == 302


@pytest.mark.django_db
def test_propose_through_the_page_mails_the_buddy_and_keeps_the_reason(cora, world):
    client = signed_in_client(cora.user)
    url = reverse("matching:propose", args=[world["request"].pk, world["bea"].pk])
    assert "Voorstel versturen" in client.get(url).content.decode()
    mail.outbox.clear()
    response = post(client, url, {"reason": "Zelfde ervaring met thuiszitten"})
    match = Match.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("matching:match", args=[match.pk])
    assert match.reason == "Zelfde ervaring met thuiszitten"
    assert match.status == MatchStatus.PROPOSED
    assert [m.to for m in mail.outbox] == [[world["bea"].email]]
    # Proposing again for the same request is refused with a Dutch message.
    again = post(client, url, {"reason": ""})
    assert again.status_code == 400
    assert "nu niet op de wachtlijst" in again.content.decode()
    assert Match.objects.count() == 1


@pytest.mark.django_db
def test_proposing_an_excluded_buddy_is_refused(cora, world):
    client = signed_in_client(cora.user)
    url = reverse("matching:propose", args=[world["request"].pk, world["dirk"].pk])
    page = client.get(url).content.decode()
    assert "Deze buddy past niet" in page and "Voorstel versturen" not in page
    response = post(client, url, {"reason": ""})
    assert response.status_code == 400
    assert "Verder weg dan de ouder wil".lower() in response.content.decode().lower()
    assert not Match.objects.exists()


@pytest.mark.django_db
def test_weights_preview_changes_nothing_and_saving_all_zero_is_refused(cora, world):
    client = signed_in_client(cora.user)
    url = reverse("matching:weights")
    preview = client.post(url, {**WEIGHTS, "issue": "9", "preview": "1"})
    assert preview.status_code == 200
    assert "Bea Buddy" in preview.content.decode()
    assert not MatchingWeights.objects.exists()
    zero = dict.fromkeys(WEIGHTS, "0") | {"waiting_cap_weeks": "12", "save": "1"}
    refused = client.post(url, zero)
    assert refused.status_code == 400
    assert "Zet minstens één gewicht hoger dan 0" in refused.content.decode()
    assert not MatchingWeights.objects.exists()
    bad = client.post(url, {**WEIGHTS, "need": "veel", "save": "1"})
    assert bad.status_code == 400
    assert "Vul een getal in" in bad.content.decode()
    saved = client.post(url, {**WEIGHTS, "distance_per_km": "0,3", "save": "1"})
    assert saved.status_code == 302
    assert MatchingWeights.objects.get().distance_per_km == pytest.approx(0.3)


@pytest.mark.django_db
def test_live_weights_preview_gets_only_the_table(cora, world):
    """htmx's preview as the coordinator types: the page's partial, not the page."""
    client = signed_in_client(cora.user)
    url = reverse("matching:weights")
    data = {**WEIGHTS, "issue": "9", "preview": "1"}
    live = client.post(url, data, headers={"HX-Request": "true"})
    html = live.content.decode()
    assert live.status_code == 200
    assert html.lstrip().startswith('<div id="voorbeeld-tabel"')
    assert "Bea Buddy" in html
    assert "<html" not in html
    assert "<form" not in html
    assert "HX-Request" in live["Vary"]
    page = client.post(url, data)
    assert "<html" in page.content.decode()
    assert 'id="voorbeeld-tabel"' in page.content.decode()
    assert not MatchingWeights.objects.exists()


@pytest.mark.django_db
def test_batch_draft_is_reviewed_and_published_in_part(cora, world):
    carla = matchable_buddy(cora.organisation, "Carla Buddy")
    second = waiting_request(cora, email="tweede@example.nl")
    client = signed_in_client(cora.user)
    mail.outbox.clear()
    response = post(
        client, reverse("matching:batch_new"), {"objective": "most_matched"}
    )
    draft = BatchDraft.objects.get()
    assert response["Location"] == reverse("matching:batch_detail", args=[draft.pk])
    assert draft.matched == 2 and draft.waiting == 2
    assert mail.outbox == [], "nothing is sent before publishing"
    page = client.get(response["Location"]).content.decode()
    assert "2 van de 2 wachtende ouders krijgen een buddy" in page
    first_line, second_line = draft.lines.order_by("request__received_at")
    # Leave one line out, publish the ticked one.
    post(
        client,
        reverse("matching:batch_line", args=[second_line.pk]),
        {"action": "drop"},
    )
    post(
        client,
        reverse("matching:batch_detail", args=[draft.pk]),
        {"line": [str(first_line.pk)]},
    )
    first_line.refresh_from_db()
    second_line.refresh_from_db()
    assert first_line.state == BatchLineState.PUBLISHED
    assert second_line.state == BatchLineState.DROPPED
    assert Match.objects.filter(from_batch=True).count() == 1
    assert len(mail.outbox) == 1
    second.refresh_from_db()
    assert second.status == RequestStatus.WAITING
    assert {carla.pk, world["bea"].pk} >= {first_line.buddy_id, second_line.buddy_id}


@pytest.mark.django_db
def test_stale_batch_line_shows_the_conflict_on_the_page(cora, world):
    client = signed_in_client(cora.user)
    post(client, reverse("matching:batch_new"), {"objective": "best_fit"})
    draft = BatchDraft.objects.get()
    line = draft.lines.get()
    # Meanwhile the coordinator proposes the same buddy by hand.
    other = waiting_request(cora, email="ander@example.nl")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.propose(actor=cora, request=other, buddy=line.buddy)
    post(client, reverse("matching:batch_detail", args=[draft.pk]), {"all": "1"})
    line.refresh_from_db()
    assert line.state == BatchLineState.CONFLICT
    assert "geen plek vrij" in line.problem
    page = client.get(
        reverse("matching:batch_detail", args=[draft.pk])
    ).content.decode()
    assert "geen plek vrij" in page
    assert Match.objects.filter(buddy=line.buddy, status__in=["proposed"]).count() == 1


@pytest.mark.django_db
def test_match_page_plans_the_introduction_and_starts_the_match(cora, world):
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = services.propose(
            actor=cora, request=world["request"], buddy=world["bea"]
        )
        services.accept(actor=buddy_membership(world["bea"]), match=match)
        services.parent_agrees(request=world["request"], match=match)
    client = signed_in_client(cora.user)
    page = client.get(reverse("matching:match", args=[match.pk])).content.decode()
    assert "Kennismaking plannen" in page
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    past = post(
        client,
        reverse("matching:plan", args=[match.pk]),
        {"day": "2020-01-01", "time": "10:00", "mode": "video", "place": ""},
    )
    assert past.status_code == 400
    assert "Kies een moment in de toekomst" in past.content.decode()
    no_place = post(
        client,
        reverse("matching:plan", args=[match.pk]),
        {
            "day": tomorrow.isoformat(),
            "time": "10:00",
            "mode": "in_person",
            "place": "",
        },
    )
    assert no_place.status_code == 400
    assert "Vul in waar u afspreekt" in no_place.content.decode()
    mail.outbox.clear()
    planned = post(
        client,
        reverse("matching:plan", args=[match.pk]),
        {
            "day": tomorrow.isoformat(),
            "time": "10:00",
            "mode": "in_person",
            "place": "Bibliotheek",
            "coordinator_present": "on",
        },
    )
    assert planned.status_code == 302
    assert {tuple(m.to) for m in mail.outbox} == {
        (world["bea"].email,),
        (world["request"].email,),
    }
    future = post(
        client,
        reverse("matching:activate", args=[match.pk]),
        {"started_on": tomorrow.isoformat()},
    )
    assert future.status_code == 400
    assert "nog niet geweest" in future.content.decode()
    # The introduction took place.
    Match.objects.filter(pk=match.pk).update(introduction_at=timezone.now())
    started = post(
        client,
        reverse("matching:activate", args=[match.pk]),
        {"started_on": timezone.localdate().isoformat()},
    )
    assert started.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
    history = client.get(reverse("matching:match", args=[match.pk])).content.decode()
    for step in (
        "Voorgesteld aan Bea Buddy",
        "De buddy zegt ja",
        "Kennismaking gepland",
    ):
        assert step in history


@pytest.mark.django_db
def test_cancel_needs_a_reason_and_puts_the_request_back(cora, world):
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = services.propose(
            actor=cora, request=world["request"], buddy=world["bea"]
        )
    client = signed_in_client(cora.user)
    empty = post(client, reverse("matching:cancel", args=[match.pk]), {"reason": ""})
    assert empty.status_code == 400
    done = post(
        client,
        reverse("matching:cancel", args=[match.pk]),
        {"reason": "Ouder belde af"},
    )
    assert done.status_code == 302
    world["request"].refresh_from_db()
    assert world["request"].status == RequestStatus.WAITING


@pytest.mark.django_db
def test_conflict_form_excludes_the_buddy_from_now_on(cora, world):
    client = signed_in_client(cora.user)
    url = reverse("matching:conflict", args=[world["request"].pk])
    assert (
        post(client, url, {"buddy": str(world["bea"].pk), "note": ""}).status_code
        == 302
    )
    assert not Conflict.objects.exists()
    post(client, url, {"buddy": str(world["bea"].pk), "note": "Werkt op de school"})
    assert Conflict.objects.filter(buddy=world["bea"]).exists()
    body = client.get(
        reverse("matching:shortlist", args=[world["request"].pk])
    ).content.decode()
    assert "Er is nu geen buddy die past" in body


@pytest.mark.django_db
def test_overview_and_start_page_show_the_gap_by_missing_experience(cora, world):
    client = signed_in_client(cora.user)
    overview = client.get(reverse("matching:overview")).content.decode()
    assert "Voor elke hulpvraag op de wachtlijst is een buddy vrij" in overview
    # Bea is near, but shares no experience with a deaf child.
    deaf = waiting_request(
        cora, email="doof@example.nl", codes=["need.deaf_hard_of_hearing"]
    )
    # Nobody is within 1 km of Groningen.
    far = waiting_request(cora, email="ver@example.nl", codes=[], postcode="9711 AB")
    overview = client.get(reverse("matching:overview")).content.decode()
    section = overview[overview.index('id="tekort"') :]
    assert "Doof of slechthorend" in section.split("</ul>")[0]
    assert deaf.reference in section.split("</ul>")[0]
    assert far.reference in section.split("</ul>")[0]
    assert world["request"].reference not in section.split("</ul>")[0]
    start = client.get(reverse("dashboard:start")).content.decode()
    assert "Geen buddy met de juiste ervaring" in start
    assert "Geen enkele buddy past" in start


@pytest.mark.django_db
def test_only_the_coordinator_opens_matching_pages(cora, ben, olga, world):
    url = reverse("matching:shortlist", args=[world["request"].pk])
    assert signed_in_client(ben.user).get(url).status_code == 403
    assert signed_in_client(olga.user).get(url).status_code == 404
    assert (
        signed_in_client(ben.user).get(reverse("matching:overview")).status_code == 403
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        match = services.propose(
            actor=cora, request=world["request"], buddy=world["bea"]
        )
    assert (
        signed_in_client(olga.user)
        .get(reverse("matching:match", args=[match.pk]))
        .status_code
        == 404
    )
    cancel = signed_in_client(olga.user).post(
        reverse("matching:cancel", args=[match.pk]), {"reason": "x"}
    )
    assert cancel.status_code == 404


@pytest.mark.django_db
def test_shortlist_page_queries_do_not_grow_with_the_buddies(cora, world):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(cora.user)
    url = reverse("matching:shortlist", args=[world["request"].pk])
    from ouderbuddy.lib import org_cache

    client.get(url)  # warm: sessions, label cache
    org_cache._dirty().clear()  # as if the world's transaction had committed

    def count(path: str, cold: bool = True) -> int:
        if cold:  # the shortlist computed, not taken from the organisation's cache
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few, few_excluded = count(url), count(url + "?uitgesloten=1")
    # Unchanged data: the second view comes from the cache, with fewer statements.
    assert count(url + "?uitgesloten=1", cold=False) < few_excluded
    for n in range(8):  # each write drops the cache (cold counts below anyway)
        matchable_buddy(cora.organisation, f"Extra{n} Buddy", email=f"extra{n}@b.test")
        matchable_buddy(
            cora.organisation,
            f"Ver{n} Weg",
            email=f"ver{n}@b.test",
            postcode="9711",
        )
    org_cache._dirty().clear()  # committed
    assert count(url) == few
    assert count(url + "?uitgesloten=1") == few_excluded


# The shortlist's rows as the template drew them from the options, before the rows
# were drawn in the view.
_OLD_SHORTLIST_ROWS = (
    "{% load i18n %}"
    '{% translate "Vergelijk" as col_1 %}{% translate "Score" as col_2 %}'
    '{% translate "Waarom" as col_3 %}{% translate "Actie" as col_4 %}'
    "{% for option in candidates %}{% with e=option.explanation %}"
    '<tr class="utrecht-table__row">'
    '<td data-label="{{ col_1 }}" class="utrecht-table__cell"><input type="checkbox" '
    'class="utrecht-checkbox utrecht-checkbox--html-input" name="buddy" '
    'value="{{ option.buddy.pk }}" id="vergelijk-{{ forloop.counter }}">'
    '<label for="vergelijk-{{ forloop.counter }}" class="ob-visually-hidden">'
    "{% blocktranslate with name=option.buddy.full_name %}{{ name }} vergelijken"
    "{% endblocktranslate %}</label></td>"
    '<th scope="row" class="utrecht-table__header-cell"><a class="utrecht-link" '
    "href=\"{% url 'buddies:detail' option.buddy.pk %}\">{{ option.buddy.full_name }}"
    "</a></th>"
    '<td data-label="{{ col_2 }}" class="utrecht-table__cell">{{ option.points }}</td>'
    '<td data-label="{{ col_3 }}" class="utrecht-table__cell">'
    '{{ e.summary|join:" · " }}'
    '<details class="ob-details"><summary>{% translate "Opbouw van de score" %}'
    '</summary><ul class="utrecht-unordered-list">{% for label, what, pts in e.rows %}'
    "<li>{{ label }}: {{ what }} ({{ pts }})</li>{% endfor %}"
    '<li><strong>{% translate "Totaal" %}: {{ e.total }}</strong></li></ul>'
    "</details></td>"
    '<td data-label="{{ col_4 }}" class="utrecht-table__cell">'
    '{% if can_propose %}<a class="utrecht-link" href="{% url \'matching:propose\' '
    'help_request.pk option.buddy.pk %}">{% blocktranslate with '
    "name=option.buddy.full_name %}{{ name }} voorstellen{% endblocktranslate %}</a>"
    "{% else %}–{% endif %}</td></tr>{% endwith %}{% endfor %}"
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("can_propose", [True, False])
def test_shortlist_rows_drawn_as_the_template_did(cora, world, language, can_propose):
    import re

    from django.template import Context, Template
    from django.utils import translation

    from ouderbuddy.matching import selectors
    from ouderbuddy.matching.views_coordinator import _candidate_rows

    matchable_buddy(cora.organisation, "Dirk O'Buddy & <Zoon>", email="d@b.test")

    def squeezed(html: str) -> str:
        return re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))

    with translation.override(language):
        page = selectors.shortlist(actor=cora, request=world["request"])
        assert len(page.candidates) == 2
        old = Template(_OLD_SHORTLIST_ROWS).render(
            Context(
                {
                    "candidates": page.candidates,
                    "help_request": world["request"],
                    "can_propose": can_propose,
                }
            )
        )
        drawn = _candidate_rows(page.candidates, world["request"], can_propose)
    assert squeezed(drawn) == squeezed(old)
    assert "Dirk O&#x27;Buddy &amp; &lt;Zoon&gt;" in drawn
