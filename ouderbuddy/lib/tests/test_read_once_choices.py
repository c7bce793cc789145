"""ReadOnceChoices: the same choices as Django's iterator, read in one query."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_organisation
from ouderbuddy.lib import forms as ob_forms
from ouderbuddy.organisations.models import Organisation


class ReadOnce(forms.ModelChoiceField[Any]):
    iterator = ob_forms.ReadOnceChoices


def _forms(
    empty_label: str | None, widget: type[forms.Widget] = forms.Select
) -> tuple[forms.Form, forms.Form]:
    class Plain(ob_forms.Form):
        pick = forms.ModelChoiceField(
            queryset=Organisation.objects.order_by("name"),
            empty_label=empty_label,
            widget=widget,
        )

    class Once(ob_forms.Form):
        pick = ReadOnce(
            queryset=Organisation.objects.order_by("name"),
            empty_label=empty_label,
            widget=widget,
        )

    return Plain(), Once()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("empty_label", "widget"),
    [(None, forms.RadioSelect), ("Geen", forms.Select), (None, forms.Select)],
)
def test_same_html_and_one_query(empty_label, widget):
    for name in ("Steunpunt B", "Steunpunt A", "Steunpunt C"):
        make_organisation(name)
    plain, once = _forms(empty_label, widget)
    # The whole field, as a page draws it: the layout asks how many choices a radio
    # list has (Django's iterator counts them in SQL), then the widget reads them.
    with CaptureQueriesContext(connection) as django_way:
        expected = plain["pick"].as_field_group()
        expected_count = len(plain.fields["pick"].choices)
    with CaptureQueriesContext(connection) as ours:
        html = once["pick"].as_field_group()
        count = len(once.fields["pick"].choices)
    assert html == expected
    assert count == expected_count == 3 + (1 if empty_label else 0)
    assert len(ours) == 1
    assert len(django_way) >= 2


@pytest.mark.django_db
def test_a_chosen_row_still_validates_and_another_is_refused():
    chosen = make_organisation("Steunpunt A")
    _, once = _forms(None)
    bound = type(once)({"pick": str(chosen.pk)})
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["pick"] == chosen
    refused = type(once)({"pick": "00000000-0000-0000-0000-000000000000"})
    assert not refused.is_valid()
