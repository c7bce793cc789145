"""Issue 10, item 12: dates and counts a B1 reader understands.

"2 Dec 2026" came from Django's "M" date format, which title-cases the month ("dec"
becomes "Dec", which reads as English); "0 dagen geleden" and "2 voorstel(len)" from
counting without plural forms. These tests keep all three out of every template and
every Python string.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from ouderbuddy.lib.templatetags.ob_dates import days_ago, days_ago_text

ROOT = Path(settings.BASE_DIR)
SOURCES = [
    path
    for pattern in (
        "ouderbuddy/**/*.html",
        "ouderbuddy/**/*.txt",
        "templates/**/*.html",
    )
    for path in ROOT.glob(pattern)
]
PYTHON = [
    path
    for path in ROOT.glob("ouderbuddy/**/*.py")
    if "tests" not in path.parts and "migrations" not in path.parts
]


@pytest.mark.parametrize(
    ("days", "dutch", "english"),
    [
        (0, "vandaag", "today"),
        (-1, "vandaag", "today"),
        (1, "gisteren", "yesterday"),
        (2, "2 dagen geleden", "2 days ago"),
        (31, "31 dagen geleden", "31 days ago"),
    ],
)
def test_days_ago_in_words(days, dutch, english):
    with translation.override("nl"):
        assert days_ago_text(days) == dutch
        assert days_ago(days) == dutch


def test_days_ago_of_a_moment_counts_dutch_calendar_days():
    # 23:30 in Amsterdam on 1 December is 22:30 UTC: at 00:10 the next day it is
    # "gisteren", although fewer than 24 hours have passed.
    sent = dt.datetime(2026, 12, 1, 22, 30, tzinfo=dt.UTC)
    with (
        time_machine.travel(dt.datetime(2026, 12, 1, 23, 10, tzinfo=dt.UTC)),
        translation.override("nl"),
    ):
        assert days_ago(sent) == "gisteren"
        assert days_ago(timezone.localdate()) == "vandaag"
        assert days_ago(None) == ""
        assert days_ago("geen getal") == ""


def test_the_filter_is_available_in_templates():
    with translation.override("nl"):
        rendered = Template("{% load ob_dates %}{{ n|days_ago }}").render(
            Context({"n": 0})
        )
    assert rendered == "vandaag"


def test_months_are_written_out_in_dutch():
    day = dt.date(2026, 12, 2)
    with translation.override("nl"):
        assert Template('{{ d|date:"j F Y" }}').render(Context({"d": day})) == (
            "2 december 2026"
        )


def test_no_template_uses_the_title_cased_month_abbreviation():
    # "M" renders "Dec" (title-cased, reads as English); write the month out ("F")
    # or use the lower-case abbreviation ("b").
    offenders = []
    for path in SOURCES:
        for match in re.finditer(r'\|date:"([^"]*)"', path.read_text()):
            if re.search(r"(?<!\\)M", match.group(1)):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    for path in PYTHON:
        for match in re.finditer(
            r'(?:date_format|dateformat\.format)\([^)]*"([^"]*)"', path.read_text()
        ):
            if re.search(r"(?<!\\)M", match.group(1)):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        if re.search(r"strftime\([^)]*%[bB]", path.read_text()):
            offenders.append(f"{path.relative_to(ROOT)}: strftime with a month name")
    assert offenders == []


# "voorstel(len)", "regel(s)", "dag(en)": a count needs ngettext or
# {% blocktranslate count %} instead; "loopt niet (meer)" leaves the reader to choose.
OPTIONAL_PLURAL = re.compile(
    r"[a-zë]\((?:s|en|len|n|e|ren|'s|eren)\)|\((?:meer|nog|weer|ook)\) "
)


def test_no_text_leaves_its_plural_to_the_reader():
    offenders = []
    for path in SOURCES:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if OPTIONAL_PLURAL.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    for path in PYTHON:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # Texts for people; f-strings are English messages for developers.
            strings = re.findall(r'(?<![fF\w])"[^"]*"', line)
            if any(OPTIONAL_PLURAL.search(s) for s in strings):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


def test_no_template_counts_days_without_a_plural_form():
    # "{{ days }} dagen geleden" without "count" shows "1 dagen" and "0 dagen".
    offenders = []
    for path in SOURCES:
        text = path.read_text()
        for block in re.finditer(
            r"\{% blocktranslate(?P<args>[^%]*)%\}(?P<body>.*?)\{% endblocktranslate %\}",
            text,
            re.S,
        ):
            counted = re.search(r"\}\} dag(en)? geleden", block.group("body"))
            if counted and "count" not in block.group("args"):
                offenders.append(f"{path.relative_to(ROOT)}: {block.group(0)[:80]}")
    assert offenders == []


@pytest.mark.django_db
def test_a_request_of_today_is_new_today_not_zero_days_ago(cora):
    from django.core.cache import cache

    from ouderbuddy.dashboard.panels import _new_requests
    from ouderbuddy.intake.tests.factories import submit

    cache.clear()
    submit(cora.organisation, child_name="Noor")
    with translation.override("nl"):
        labels = [row["label"] for row in _new_requests(cora)]
    assert any("Noor, vandaag ontvangen" in str(label) for label in labels), labels
    assert not any("0 dagen" in str(label) for label in labels)
