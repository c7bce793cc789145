"""Access rules and behaviour of the buddies pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from ouderbuddy.buddies.models import Buddy, BuddyStatus
from ouderbuddy.buddies.tests.factories import apply
from ouderbuddy.privacy.models import AuditEvent

pytestmark = pytest.mark.django_db

COORDINATOR_POSTS = [
    "buddies:introduction",
    "buddies:interview",
    "buddies:vog",
    "buddies:agreement",
    "buddies:advance",
    "buddies:pause",
    "buddies:resume",
    "buddies:stop",
    "buddies:resend_invitation",
]


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.fixture
def fatima(cora) -> Buddy:
    return apply(cora.organisation)


@pytest.fixture
def ben_buddy(ben) -> Buddy:
    """Ben's own buddy record, linked to his account."""
    buddy = apply(ben.organisation, email=ben.user.email, full_name=ben.user.full_name)
    buddy.user = ben.user
    buddy.status = BuddyStatus.ACTIVE
    buddy.save()
    return buddy


class TestAccess:
    def test_anonymous_goes_to_login(self, fatima):
        for url in (
            reverse("buddies:pipeline"),
            reverse("buddies:detail", args=[fatima.pk]),
            reverse("buddies:portal_profile"),
        ):
            assert Client().get(url)["Location"].startswith(reverse("accounts:login"))

    def test_olga_gets_404_for_noord_buddies(self, olga_client, fatima):
        assert (
            olga_client.get(reverse("buddies:detail", args=[fatima.pk])).status_code
            == 404
        )
        for name in COORDINATOR_POSTS:
            assert (
                olga_client.post(reverse(name, args=[fatima.pk])).status_code == 404
            ), name
        fatima.refresh_from_db()
        assert fatima.status == BuddyStatus.APPLIED

    def test_buddy_and_manager_get_403_on_coordinator_pages(
        self, ben_client, mia_client, fatima
    ):
        for client in (ben_client, mia_client):
            assert client.get(reverse("buddies:pipeline")).status_code == 403
        url = reverse("buddies:detail", args=[fatima.pk])
        assert mia_client.get(url).status_code == 403

    def test_coordinator_gets_403_on_the_portal(self, cora_client):
        assert cora_client.get(reverse("buddies:portal_profile")).status_code == 403

    def test_wrong_methods(self, cora_client, fatima, ben_client, ben_buddy):
        assert cora_client.post(reverse("buddies:pipeline")).status_code == 405
        assert (
            cora_client.get(reverse("buddies:advance", args=[fatima.pk])).status_code
            == 405
        )
        assert ben_client.get(reverse("buddies:portal_pause")).status_code == 405

    def test_a_buddy_cannot_open_another_buddys_page(
        self, ben_client, ben_buddy, fatima
    ):
        # Another buddy's page does not exist for a buddy; their own leads to the portal.
        url = reverse("buddies:detail", args=[fatima.pk])
        assert ben_client.get(url).status_code == 404
        own = ben_client.get(reverse("buddies:detail", args=[ben_buddy.pk]))
        assert own["Location"] == reverse("buddies:portal_profile")
        body = ben_client.get(reverse("buddies:portal_profile")).content.decode()
        assert fatima.full_name not in body


def test_pipeline_shows_columns_and_filters(cora_client, fatima):
    body = cora_client.get(reverse("buddies:pipeline")).content.decode()
    assert "Aangemeld" in body and fatima.full_name in body
    body = cora_client.get(
        reverse("buddies:pipeline") + "?status=active&q=fatima"
    ).content.decode()
    assert fatima.full_name not in body
    body = cora_client.get(
        reverse("buddies:pipeline") + "?q=El+Amrani"
    ).content.decode()
    assert fatima.full_name in body
    assert (
        cora_client.get(reverse("buddies:pipeline") + "?status=onzin").status_code
        == 200
    )


def test_the_board_counts_every_status_searched_or_not(cora, cora_client, fatima):
    """Unsearched, the counts come from the board's own query; searched, from all."""
    apply(cora.organisation, full_name="Anna <b>Smit</b>", email="anna@b.test")
    url = reverse("buddies:pipeline")
    for query in ("", "?q=Fatima"):
        body = cora_client.get(url + query).content.decode()
        assert "Aangemeld (2)</option>" in body
        assert "Actief (0)</option>" in body
    body = cora_client.get(url).content.decode()
    assert "Anna &lt;b&gt;Smit&lt;/b&gt;" in body
    assert 'href="' + reverse("buddies:detail", args=[fatima.pk]) + '"' in body
    assert "in deze stap" in body


def test_the_board_shows_the_first_of_each_status_and_one_status_page_by_page(
    cora, cora_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ouderbuddy.buddies.selectors import COLUMN_LIMIT
    from ouderbuddy.lib.views import PER_PAGE

    n = PER_PAGE + 3
    now = timezone.now()
    for i in range(n):
        buddy = apply(
            cora.organisation, full_name=f"Wachter {i:02d}", email=f"w{i}@b.test"
        )
        # The longest waiting first: Wachter 00 applied earliest.
        Buddy.objects.filter(pk=buddy.pk).update(
            status_changed_at=now - dt.timedelta(days=n - i)
        )
    url = reverse("buddies:pipeline")
    with CaptureQueriesContext(connection) as board:
        body = cora_client.get(url).content.decode()
    shown = [i for i in range(n) if f"Wachter {i:02d}" in body]
    assert shown == list(range(COLUMN_LIMIT))
    assert f"Alle {n} met status Aangemeld tonen" in body
    assert "?status=applied" in body
    body = cora_client.get(url + "?status=applied").content.decode()
    assert [i for i in range(n) if f"Wachter {i:02d}" in body] == list(range(PER_PAGE))
    assert "Pagina 1 van 2" in body
    body = cora_client.get(url + "?status=applied&pagina=2").content.decode()
    assert [i for i in range(n) if f"Wachter {i:02d}" in body] == list(
        range(PER_PAGE, n)
    )
    # A search counts only what it found; no link when all found are shown.
    assert COLUMN_LIMIT < 10
    body = cora_client.get(url + "?q=Wachter+0").content.decode()
    assert "Alle 10 met status Aangemeld tonen" in body
    body = cora_client.get(url + "?q=Wachter+00").content.decode()
    assert "Wachter 00" in body and "met status Aangemeld tonen" not in body
    for i in range(5):
        apply(cora.organisation, full_name=f"Extra {i}", email=f"x{i}@b.test")
    with CaptureQueriesContext(connection) as bigger:
        cora_client.get(url)
    assert len(bigger) == len(board)


def test_detail_records_a_read_and_shows_checklist(cora_client, fatima):
    body = cora_client.get(reverse("buddies:detail", args=[fatima.pk])).content.decode()
    assert "Kennismakingsgesprek" in body
    assert "Kan nog niet gekoppeld worden" in body
    assert AuditEvent.objects.filter(verb="read", target_id=str(fatima.pk)).exists()


def test_detail_shows_consents_agreements_and_history_in_words(cora_client, fatima):
    from ouderbuddy.buddies.models import AgreementSignature
    from ouderbuddy.privacy.models import Consent, ConsentPurpose

    Consent.objects.all().delete()
    for purpose, withdrawn in [
        (ConsentPurpose.BUDDY_APPLICATION, None),
        (ConsentPurpose.RESEARCH, dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)),
    ]:
        Consent.objects.create(
            organisation_id=fatima.organisation_id,
            purpose=purpose,
            subject_type="buddies.buddy",
            subject_id=str(fatima.pk),
            given_by="Fatima",
            text_version="v7",
            text="…",
            given_at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC),
            withdrawn_at=withdrawn,
        )
    AgreementSignature.objects.create(
        organisation_id=fatima.organisation_id,
        buddy=fatima,
        kind="volunteer",
        text_version="2026-1",
        signed_on=dt.date(2026, 4, 3),
    )
    body = cora_client.get(reverse("buddies:detail", args=[fatima.pk])).content.decode()
    assert "Verwerken van een aanmelding als buddy: 2 maart 2026 (v7)" in body
    assert "Vragenlijsten en onderzoek: 2 maart 2026 (v7), ingetrokken" in body
    assert "getekend op 3 april 2026 (tekst 2026-1)" in body
    assert "Aanmelding via het formulier." in body


def test_checklist_posts_through_the_page(cora_client, fatima):
    url = reverse("buddies:introduction", args=[fatima.pk])
    response = cora_client.post(url, {"held_on": "2999-01-01"})
    assert response.status_code == 400
    assert "toekomst" in response.content.decode()
    response = cora_client.post(url, {"held_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert fatima.introduction_held_on == timezone.localdate()
    response = cora_client.post(
        reverse("buddies:advance", args=[fatima.pk]), {"advance-reason": ""}
    )
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert fatima.status == BuddyStatus.INTRODUCTION


def test_skipping_through_the_page_shows_the_reason(cora_client, fatima):
    cora_client.post(reverse("buddies:advance", args=[fatima.pk]))
    response = cora_client.post(reverse("buddies:advance", args=[fatima.pk]))
    assert response.status_code == 400
    assert "kennismakingsgesprek" in response.content.decode()


def test_interview_form_rejects_bad_scores(cora_client, fatima):
    response = cora_client.post(
        reverse("buddies:interview", args=[fatima.pk]),
        {
            "interview-held_on": "x",
            "interview-listening": "9",
            "interview-outcome": "ja",
        },
    )
    assert response.status_code == 400
    assert not hasattr(Buddy.objects.get(pk=fatima.pk), "interview_cache")


def test_stop_through_the_page(cora_client, fatima):
    response = cora_client.post(
        reverse("buddies:stop", args=[fatima.pk]), {"stop-reason_code": "moved"}
    )
    assert response.status_code == 302
    fatima.refresh_from_db()
    assert fatima.status == BuddyStatus.STOPPED


class TestPortal:
    def test_buddy_edits_own_profile(self, ben_client, ben_buddy):
        url = reverse("buddies:portal_profile")
        assert ben_client.get(url).status_code == 200
        response = ben_client.post(
            url,
            {
                "postcode": "3511 AB",
                "travel_km": "25",
                "languages": ["nl", "tr"],
                "contact_modes": ["video"],
                "max_matches": "2",
                "route_codes": ["route.vo_havo_vwo"],
                "issue_codes": [],
                "need_codes": ["need.adhd_add"],
                "phone": "0612345678",
            },
        )
        assert response.status_code == 302
        ben_buddy.refresh_from_db()
        assert (ben_buddy.postcode_id, ben_buddy.max_matches, ben_buddy.travel_km) == (
            "3511",
            2,
            25,
        )
        assert set(ben_buddy.lived_experience.values_list("code", flat=True)) == {
            "route.vo_havo_vwo",
            "need.adhd_add",
        }

    def test_capacity_is_one_to_three(self, ben_client, ben_buddy):
        response = ben_client.post(
            reverse("buddies:portal_profile"),
            {
                "postcode": "3511",
                "travel_km": "5",
                "languages": ["nl"],
                "contact_modes": ["video"],
                "max_matches": "4",
            },
        )
        assert response.status_code == 400
        ben_buddy.refresh_from_db()
        assert ben_buddy.max_matches == 1

    def test_buddy_pauses_and_resumes(self, ben_client, ben_buddy):
        until = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
        response = ben_client.post(
            reverse("buddies:portal_pause"), {"pause-until": until}
        )
        assert response.status_code == 302
        ben_buddy.refresh_from_db()
        assert ben_buddy.status == BuddyStatus.PAUSED
        ben_client.post(reverse("buddies:portal_pause"), {"action": "resume"})
        ben_buddy.refresh_from_db()
        assert ben_buddy.status == BuddyStatus.ACTIVE

    def test_buddy_start_page_shows_next_step(self, ben_client, ben_buddy):
        body = ben_client.get("/start/").content.decode()
        assert "Uw volgende stap" in body
        assert "Uw checklist" in body

    def test_buddy_without_record_gets_404_on_profile(self, ben):
        client = signed_in_client(ben.user, verified=False)
        assert client.get(reverse("buddies:portal_profile")).status_code == 404


def test_the_buddy_page_takes_the_same_statements_for_more_rows(cora, cora_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ouderbuddy.buddies.tests.factories import paperwork_done, screened

    fatima = apply(cora.organisation)
    url = reverse("buddies:detail", args=[fatima.pk])
    cora_client.get(url)
    with CaptureQueriesContext(connection) as few:
        cora_client.get(url)
    # More history, both agreements, an interview.
    paperwork_done(cora, screened(cora, fatima))
    with CaptureQueriesContext(connection) as more:
        body = cora_client.get(url).content.decode()
    assert "Vrijwilligersovereenkomst, getekend op" in body
    assert len(more) == len(few)


def test_the_buddy_pages_urls_are_the_reversed_ones(fatima):
    from ouderbuddy.buddies import views

    for _ in range(2):  # reversed, then from the parts
        urls = views._page_urls(fatima.pk)
        assert urls.pop("pipeline") == reverse("buddies:pipeline")
        assert urls == {
            name.split(":")[1]: reverse(name, args=[fatima.pk])
            for name in views._PAGE_URLS
        }


def test_the_checklist_and_history_are_drawn_as_the_template_drew_them(cora, fatima):
    from django.template import Context, Template
    from django.utils import translation

    from ouderbuddy.buddies import checklist, services, views

    rows = views._history_rows(fatima)
    rows.append({"at": "1 mei", "from": "", "to": "<i>", "actor": "", "text": ""})
    with translation.override("en"):
        items = checklist.items(services.facts_for(fatima))
        template = Template(
            '{% load i18n %}{% for item in items %}\n  <li class="ob-checklist__item'
            '{% if item.done %} ob-checklist__item--done{% endif %}">\n    <span '
            'class="ob-checklist__mark" aria-hidden="true">{% if item.done %}✓'
            "{% else %}○{% endif %}</span>\n    <span>{{ item.label }}{% if "
            "item.detail %}: {{ item.detail }}{% endif %}</span>\n    <span "
            'class="ob-visually-hidden">{% if item.done %}{% translate "(klaar)" %}'
            '{% else %}{% translate "(nog niet klaar)" %}{% endif %}</span>\n  </li>'
            "{% endfor %}|{% for change in history %}\n  <li "
            'class="utrecht-ordered-list__item">{{ change.at }} · {% if change.from %}'
            "{{ change.from }} → {% endif %}{{ change.to }}{% if change.actor %} · "
            "{{ change.actor }}{% endif %}{% if change.text %} · {{ change.text }}"
            "{% endif %}</li>{% endfor %}"
        )
        expected = template.render(Context({"items": items, "history": rows}))
        drawn = views._checklist_html(items) + "|" + views._history_html(rows)
    assert drawn == expected
    assert "1 mei · &lt;i&gt;</li>" in drawn


# The data list as the template drew it before `_data_html` (detail.html, Dec 2026).
OLD_DATA_LIST = (
    "{% load i18n %}"
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "E-mailadres" %}</dt><dd class="utrecht-data-list__item-value">{{ buddy.email }}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Telefoonnummer" %}</dt><dd class="utrecht-data-list__item-value">{{ buddy.phone|default:"—" }}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Woonplaats" %}</dt><dd class="utrecht-data-list__item-value">{{ buddy.postcode.municipality.name }} ({{ buddy.postcode_id }}), {% blocktranslate with km=buddy.travel_km %}reist tot {{ km }} km{% endblocktranslate %}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Tijd" %}</dt><dd class="utrecht-data-list__item-value">{% blocktranslate with hours=buddy.hours_per_month months=buddy.get_commitment_months_display %}{{ hours }} uur per maand, {{ months }}{% endblocktranslate %}{% if buddy.availability %}; {{ buddy.availability }}{% endif %}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Geslacht" %}</dt><dd class="utrecht-data-list__item-value">{{ buddy.get_gender_display }}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Talen" %}</dt><dd class="utrecht-data-list__item-value">{{ languages|join:", "|default:"—" }}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Manieren van contact" %}</dt><dd class="utrecht-data-list__item-value">{% if contact_modes %}{{ contact_modes|join:", " }}{% else %}{% translate "Geen voorkeur" %}{% endif %}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Ouders tegelijk" %}</dt><dd class="utrecht-data-list__item-value">{{ buddy.max_matches }}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Eigen ervaring" %}</dt><dd class="utrecht-data-list__item-value">{% if buddy.experience_unsaid %}{% translate "Zegt liever niet" %}{% else %}{% for code in experience %}{{ code.label }}{% if not forloop.last %}, {% endif %}{% empty %}—{% endfor %}{% endif %}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Motivatie" %}</dt><dd class="utrecht-data-list__item-value ob-prewrap">{{ buddy.motivation }}</dd></div>\n'
    '  <div class="utrecht-data-list__item"><dt class="utrecht-data-list__item-key">{% translate "Toestemming" %}</dt><dd class="utrecht-data-list__item-value">{% for c in consents %}{{ c.get_purpose_display }}: {{ c.given_at|date:"j F Y" }} ({{ c.text_version }}){% if c.withdrawn_at %}, {% translate "ingetrokken" %}{% endif %}{% empty %}—{% endfor %}</dd></div>\n'
)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("unsaid", [False, True])
def test_the_data_list_is_drawn_as_the_template_drew_it(cora, fatima, language, unsaid):
    from django.template import Context, Template
    from django.utils import translation

    from ouderbuddy.buddies import selectors, views
    from ouderbuddy.privacy.models import Consent, ConsentPurpose

    Consent.objects.create(
        organisation_id=fatima.organisation_id,
        purpose=ConsentPurpose.RESEARCH,
        subject_type="buddies.buddy",
        subject_id=str(fatima.pk),
        given_by="Fatima",
        text_version="<v7>",
        text="…",
        given_at=dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC),
        withdrawn_at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC),
    )
    Buddy.objects.filter(pk=fatima.pk).update(
        phone="" if unsaid else "06 <1>",
        motivation='Ik & "jij" <b>\n regel 2',
        availability="" if unsaid else "s' avonds & <i>",
        contact_modes=[] if unsaid else ["video", "onbekend<"],
        languages=[] if unsaid else ["nl", "<x>"],
        experience_unsaid=unsaid,
        travel_km=1500 % 200,
    )
    buddy = selectors.get_buddy_page_for(cora, fatima.pk)
    purposes = dict(ConsentPurpose.choices)
    consents = [
        {**c, "get_purpose_display": purposes.get(c["purpose"], c["purpose"])}
        for c in selectors.consent_rows(buddy)
    ]
    with translation.override(language):
        languages = views._labels(buddy.languages, views.SpokenLanguage)
        modes = views._labels(buddy.contact_modes, views.ContactMode)
        experience = [] if unsaid else selectors.experience_of(buddy)
        expected = Template(OLD_DATA_LIST).render(
            Context(
                {
                    "buddy": buddy,
                    "languages": languages,
                    "contact_modes": modes,
                    "experience": experience,
                    "consents": consents,
                }
            )
        )
        drawn = views._data_html(buddy, languages, modes, experience, consents)
    assert drawn.split() == expected.split()
    assert "&lt;v7&gt;" in drawn


@pytest.mark.parametrize("status", list(BuddyStatus))
@pytest.mark.parametrize("done", [False, True])
def test_the_checklist_drawn_once_answers_as_drawn_each_time(status, done):
    from ouderbuddy.buddies import checklist

    facts = checklist.Facts(
        status=status,
        introduction_held=done,
        interview_outcome="suitable" if done else None,
        vog_requested=True,
        vog_valid_until=dt.date(2027, 1, 1) if done else dt.date(2020, 1, 1),
        volunteer_agreement=done,
        confidentiality_agreement=True,
        basic_training=done,
        has_account=done,
        today=dt.date(2026, 12, 3),
    )
    drawn = checklist.items(facts)
    assert checklist.is_matchable(facts, drawn) == checklist.is_matchable(facts)
    for for_buddy in (False, True):
        assert checklist.next_step(
            facts, for_buddy=for_buddy, drawn=drawn
        ) == checklist.next_step(facts, for_buddy=for_buddy)
    for to in BuddyStatus:
        assert checklist.forward_problem(facts, to, drawn) == checklist.forward_problem(
            facts, to
        )
