"""The buddy page's unbound forms drawn from stamps give what the forms draw."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from ouderbuddy.buddies import forms

NOTES = "Zegt <b>\"veel\"</b> & 100% 'eerlijk'\nobStampValue7c1e %(x)s"

INTERVIEWS = [
    {},
    {
        "held_on": dt.date(2026, 2, 29 - 1),
        "experience_processed": 3,
        "experience_processed_note": NOTES,
        "listening": 4,
        "listening_note": "",
        "reflection": 1,
        "reflection_note": "kort",
        "boundaries": 2,
        "boundaries_note": None,
        "communication": 4,
        "communication_note": "  met spaties  ",
        "outcome": "not_yet",
    },
    {"held_on": dt.date(999, 1, 2), "outcome": "unknown", "listening": 9},
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("initial", INTERVIEWS)
def test_interview_form(language, initial):
    with translation.override(language):
        expected = str(forms.InterviewForm(initial=initial, prefix="interview"))
        assert forms.INTERVIEW_FORM.html(initial) == expected
        assert forms.INTERVIEW_FORM.html(initial) == expected  # from the stamps


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "initial",
    [
        {},
        {"requested_on": dt.date(2026, 1, 5)},
        {
            "requested_on": dt.date(2026, 1, 5),
            "issued_on": dt.date(2026, 2, 6),
            "screening_profile": NOTES[:100],
        },
        {"screening_profile": ""},
    ],
)
def test_vog_and_introduction_forms(language, initial):
    with translation.override(language):
        assert forms.VOG_FORM.html(initial) == str(
            forms.VogForm(initial=initial, prefix="vog")
        )
        held = {"held_on": initial.get("requested_on")}
        assert forms.INTRODUCTION_FORM.html(held) == str(forms.DateForm(initial=held))
