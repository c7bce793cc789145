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


@pytest.mark.django_db
def test_page_match_is_the_scoped_match_with_its_page_fields(cora, olga):
    """The page's match read (lib.prepared) holds what `get_match_for` read, and is a
    404 in another organisation or for an unknown key."""
    from django.http import Http404

    from ouderbuddy.casework.tests.factories import active_match
    from ouderbuddy.matching.selectors import get_match_for

    match = active_match(cora)
    page_match = views_match._page_match(cora, match.pk)
    real = get_match_for(cora, match.pk)
    for name in views_match._MATCH_OWN:
        attname = type(real)._meta.get_field(name).attname
        assert getattr(page_match, attname) == getattr(real, attname), name
    assert page_match.pk == real.pk
    assert page_match.request.pk == real.request.pk
    assert page_match.request.reference == real.request.reference
    assert page_match.buddy.pk == real.buddy.pk
    assert page_match.buddy.full_name == real.buddy.full_name
    assert page_match.get_status_display() == real.get_status_display()
    for actor, key in ((olga, match.pk), (cora, uuid.uuid4())):
        with pytest.raises(Http404):
            views_match._page_match(actor, key)
