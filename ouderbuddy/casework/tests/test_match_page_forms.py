"""The match page's unbound forms drawn ahead (views_match): the same HTML as the
real forms, in both languages, and a refused post still shows the real form."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone, translation

from ouderbuddy.casework import forms, views_match


@pytest.mark.parametrize("language", ["nl", "en"])
def test_check_in_forms_are_drawn_as_the_real_ones(language):
    today = timezone.localdate()
    pk = uuid.uuid4()
    with translation.override(language):
        add_form, record_form = views_match._check_in_forms(today)
        assert str(add_form) == str(forms.AddCheckInForm())
        assert not add_form.errors
        drawn = views_match._Drawn(
            record_form.replace(views_match._CHECK_IN_STAMP, pk.hex)
        )
        real = forms.RecordCheckInForm(
            initial={"done_on": today}, auto_id=views_match.check_in_auto_id(pk)
        )
        assert str(drawn) == str(real)
        assert drawn.__html__() == str(real)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize(
    "initial",
    [
        {"expected_until": dt.date(2027, 6, 1)},
        {
            "goals": "Naar school <gaan> & \"praten\" met 'juf'\nTweede regel",
            "frequency": "weekly",
            "contact_modes": ["phone", "video"],
            "expected_until": dt.date(2027, 6, 1),
        },
    ],
)
def test_agreement_form_is_drawn_as_the_real_one(language, initial):
    with translation.override(language):
        drawn = views_match._AGREEMENT_FORM.html(initial)
        assert drawn == str(forms.AgreementForm(initial=initial))
