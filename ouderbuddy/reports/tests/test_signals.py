"""Signals to the SWV board: the coordinator's themes on a request, the trends of a
period against the one before, and the board report from draft to shared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.lib.errors import DomainError
from ouderbuddy.privacy.models import AuditEvent
from ouderbuddy.reports import services, signals
from ouderbuddy.reports.figures import Period, school_year_of
from ouderbuddy.reports.models import BoardReport, RequestSignal

pytestmark = pytest.mark.django_db

OUT_OF_SCHOOL = "Thuiszitten of dreigend thuiszitten"


def _year() -> Period:
    return Period.school_year(school_year_of(timezone.localdate()))


def _requests(organisation, count):
    made = []
    for _n in range(count):
        cache.clear()
        made.append(submit(organisation))
    return made


def test_a_coordinator_signals_themes_on_a_request(cora):
    request = _requests(cora.organisation, 1)[0]
    services.set_signals(actor=cora, request=request, themes=["no_place", "long_wait"])
    services.set_signals(actor=cora, request=request, themes=["no_place"])
    assert list(RequestSignal.objects.values_list("theme", flat=True)) == ["no_place"]
    assert AuditEvent.objects.filter(verb="reports.signals.set").count() == 2


def test_an_unknown_theme_or_another_organisations_request_is_refused(cora, olga):
    request = _requests(cora.organisation, 1)[0]
    with pytest.raises(DomainError):
        services.set_signals(actor=cora, request=request, themes=["nonsense"])
    with pytest.raises(DomainError):
        services.set_signals(actor=olga, request=request, themes=["no_place"])
    assert not RequestSignal.objects.exists()


def test_the_trends_show_only_counts_of_five_or_more(cora):
    made = _requests(cora.organisation, 12)
    for request in made[:6]:
        services.set_signals(actor=cora, request=request, themes=["no_place"])
    for request in made[6:11]:
        services.set_signals(actor=cora, request=request, themes=["communication"])
    services.set_signals(actor=cora, request=made[11], themes=["long_wait"])
    found = {t.key: t for t in signals.trends(cora.organisation, _year())}
    rows = {r.label: r for r in found["signal_themes"].rows}
    # The single "long wait" is hidden, and with it the smallest other figure (5):
    # the total would give it away otherwise.
    assert rows["Lang wachten op een besluit of een plek"].now is None
    assert rows["Moeizaam contact tussen school en ouders"].now is None
    assert rows["Geen passende plek"].now == 6
    assert rows["Geen passende plek"].before == 0
    assert rows["Geen passende plek"].trend == "meer"
    issues = {r.label: r for r in found["request_issues"].rows}
    assert issues[OUT_OF_SCHOOL].now == 12


def test_the_draft_text_leaves_out_hidden_figures(cora):
    for request in _requests(cora.organisation, 6):
        services.set_signals(actor=cora, request=request, themes=["no_place"])
    text = signals.draft_text(
        cora.organisation, "schooljaar", signals.trends(cora.organisation, _year())
    )
    assert "Geen passende plek: 6" in text
    assert "x" not in text.split()


def test_the_board_report_from_draft_to_shared(cora):
    period = _year()
    report = services.draft_board_report(
        actor=cora, first=period.first, last=period.last, text="Concept"
    )
    services.edit_board_report(actor=cora, report=report, text="Onze tekst")
    services.edit_board_report(actor=cora, report=report, text="Definitief", share=True)
    report.refresh_from_db()
    assert report.text == "Definitief" and report.shared_at is not None
    with pytest.raises(DomainError):
        services.edit_board_report(actor=cora, report=report, text="Later")
    assert signals.shared_board_report(cora.organisation_id, period) == report


def test_a_name_from_a_running_match_is_refused_unless_it_is_no_name(cora):
    active_match(cora, full_name="Sanne Willemsen", child_name="Jip")
    period = _year()
    report = services.draft_board_report(
        actor=cora, first=period.first, last=period.last, text="Concept"
    )
    with pytest.raises(DomainError) as refused:
        services.edit_board_report(
            actor=cora, report=report, text="Het ging met Willemsen niet goed."
        )
    assert "Willemsen" in refused.value.message
    services.edit_board_report(
        actor=cora,
        report=report,
        text="Het ging met Willemsen niet goed.",
        not_a_name=True,
    )


def test_the_signals_pages(cora, cora_client, mia_client, olga_client, ben_client):
    request = _requests(cora.organisation, 1)[0]
    url = reverse("reports:request_signals", args=[request.pk])
    assert cora_client.get(url).status_code == 200
    assert olga_client.get(url).status_code == 404
    assert mia_client.get(url).status_code == 403
    refused = cora_client.post(url, {"themes": ["nonsense"]})
    assert refused.status_code == 400 and not RequestSignal.objects.exists()
    saved = cora_client.post(url, {"themes": ["no_place", "communication"]})
    assert saved.status_code == 302
    assert RequestSignal.objects.count() == 2
    page = mia_client.get(reverse("reports:signals"))
    assert page.status_code == 200
    assert ben_client.get(reverse("reports:signals")).status_code == 403
    period = _year()
    made = cora_client.post(
        reverse("reports:board_new"),
        {
            "first": f"{period.first.school_year}-1",
            "last": f"{period.last.school_year}-4",
        },
    )
    assert made.status_code == 302
    report = BoardReport.objects.get()
    edit = reverse("reports:board_report", args=[report.pk])
    assert mia_client.get(edit).status_code == 200
    assert mia_client.post(edit, {"text": "Nee"}).status_code == 403
    assert olga_client.get(edit).status_code == 404
    bad = cora_client.post(
        reverse("reports:board_new"), {"first": "2025-9", "last": "x"}
    )
    assert bad.status_code == 302 and BoardReport.objects.count() == 1


def test_a_shared_board_report_is_in_the_pdf(cora, mia_client):
    import io

    from pypdf import PdfReader

    period = _year()
    report = services.draft_board_report(
        actor=cora, first=period.first, last=period.last, text="Concept"
    )
    services.edit_board_report(
        actor=cora, report=report, text="Veel thuiszitters dit jaar.", share=True
    )
    content = mia_client.get(reverse("reports:report_pdf")).content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Veel thuiszitters dit jaar." in text


def test_signals_of_last_year_count_for_last_year(cora):
    request = _requests(cora.organisation, 1)[0]
    services.set_signals(actor=cora, request=request, themes=["no_place"])
    RequestSignal.objects.update(noted_on=timezone.localdate() - dt.timedelta(days=400))
    found = {t.key: t for t in signals.trends(cora.organisation, _year())}
    assert {r.now for r in found["signal_themes"].rows} == {0}
