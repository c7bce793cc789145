"""The "(niet verplicht)" marker matches what a form needs (templates/components/field.html).

A field the form does not require says "(niet verplicht)". A field that is needed in
some cases only (the child's birth year or the grade; the VOG's screening profile
once its date is filled in) is named in the form's `conditionally_required` and
carries no marker: before, these were marked optional and then refused empty.
"""

from __future__ import annotations

import re

import pytest
from django import forms

from ouderbuddy.buddies.forms import VogForm
from ouderbuddy.intake.forms_public import ChildForm
from ouderbuddy.lib.forms import Form
from ouderbuddy.matching.forms import PlanForm
from ouderbuddy.training.forms import SessionForm

MARKER = "(niet verplicht)"


def label_of(html: str, field_id: str) -> str:
    """The text of the <label for=field_id>, or of the legend of its group."""
    label = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    if label:
        return label.group(1)
    group = re.search(
        rf"<legend[^>]*>(.*?)</legend>(?:(?!</fieldset>).)*id=\"{field_id}_0\"",
        html,
        re.S,
    )
    assert group, f"no label or legend for {field_id}"
    return group.group(1)


class Example(Form):
    needed = forms.CharField(label="Nodig")
    optional = forms.CharField(label="Mag leeg", required=False)
    sometimes = forms.CharField(label="Soms nodig", required=False)

    conditionally_required = ("sometimes",)


def test_marker_only_on_fields_that_may_stay_empty() -> None:
    html = str(Example())
    assert MARKER not in label_of(html, "id_needed")
    assert MARKER in label_of(html, "id_optional")
    assert MARKER not in label_of(html, "id_sometimes")


def test_a_form_without_the_attribute_marks_every_optional_field() -> None:
    class Plain(Form):
        optional = forms.CharField(label="Mag leeg", required=False)

    assert MARKER in label_of(str(Plain()), "id_optional")


@pytest.mark.django_db
def test_birth_year_and_grade_are_not_marked_optional() -> None:
    html = str(ChildForm(draft={"values": {"asker": "parent"}}))
    assert MARKER not in label_of(html, "id_child_birth_year")
    assert MARKER not in label_of(html, "id_child_grade")
    assert MARKER in label_of(html, "id_school_name")


@pytest.mark.django_db
def test_young_persons_grade_is_optional_and_says_so() -> None:
    html = str(ChildForm(draft={"values": {"asker": "young_person"}}))
    assert "id_child_birth_year" not in html
    assert MARKER in label_of(html, "id_child_grade")


def test_vog_dates_and_screening_profile_are_not_marked_optional() -> None:
    html = str(VogForm())
    for name in ("requested_on", "issued_on", "screening_profile"):
        assert MARKER not in label_of(html, f"id_{name}"), name


def test_place_of_an_introduction_and_of_a_training_are_not_marked_optional() -> None:
    assert MARKER not in label_of(str(PlanForm()), "id_place")
    session = str(SessionForm())
    assert MARKER not in label_of(session, "id_location")
    assert MARKER not in label_of(session, "id_online_url")
