"""The consent texts: one version per wording, short sentences, forms show the current."""

from __future__ import annotations

import re

from django.utils import translation

from ouderbuddy.buddies.forms import ApplicationForm
from ouderbuddy.privacy import consent_texts
from ouderbuddy.privacy.consent_texts import CURRENT, ConsentText
from ouderbuddy.privacy.models import ConsentPurpose

ALL = [v for v in vars(consent_texts).values() if isinstance(v, ConsentText)]


def test_each_version_has_one_wording():
    wordings: dict[str, str] = {}
    for text in ALL:
        with translation.override("nl"):
            wording = str(text.text)
        assert wordings.setdefault(text.version, wording) == wording, text.version


def test_every_purpose_has_a_current_text():
    assert set(CURRENT) == set(ConsentPurpose.values)


def test_current_texts_use_short_sentences():
    # B1: no sentence longer than about twenty words, no brackets with a side case.
    for text in CURRENT.values():
        with translation.override("nl"):
            wording = str(text.text)
        assert "(" not in wording, text.version
        for sentence in re.split(r"(?<=[.?!])\s+", wording):
            assert len(sentence.split()) <= 20, sentence


def test_the_16_plus_case_is_a_sentence_of_its_own():
    with translation.override("nl"):
        wording = str(CURRENT[ConsentPurpose.REQUEST_PROCESSING].text)
    sentences = re.split(r"(?<=[.?!])\s+", wording)
    assert [s for s in sentences if "16 jaar" in s] == [
        "Ben ik 16 jaar of ouder en vraag ik hulp voor mezelf?"
    ]


def test_the_forms_show_the_text_that_is_stored():
    from ouderbuddy.intake.forms_public import CheckForm

    assert (
        ApplicationForm.base_fields["consent"].label
        is CURRENT[ConsentPurpose.BUDDY_APPLICATION].text
    )
    fields = CheckForm.base_fields
    assert fields["consent_processing"].label is CURRENT["request_processing"].text
    assert fields["consent_share"].label is CURRENT["share_with_buddy"].text
    assert fields["consent_research"].label is CURRENT["research"].text
