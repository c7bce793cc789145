"""The code list each process keeps (`selectors.all_codes`): read once, changes seen."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ouderbuddy.taxonomy import selectors
from ouderbuddy.taxonomy.forms import ExperienceCodeField
from ouderbuddy.taxonomy.models import ExperienceCode

pytestmark = pytest.mark.django_db

CODE = "issue.opp"


def _issue_choices() -> list[str]:
    field = ExperienceCodeField(groups=["issue"])
    return [value for value, _ in field.choices]


def test_the_list_is_read_once_and_then_kept():
    with CaptureQueriesContext(connection) as first:
        codes = selectors.all_codes()
    with CaptureQueriesContext(connection) as second:
        assert selectors.all_codes() == codes
        selectors.labels([CODE])
        selectors.codes_in_use("issue")
    assert len(first) == 1
    assert len(second) == 0
    assert [c.code for c in codes] == [
        c.code
        for c in ExperienceCode.objects.order_by(
            selectors._group_position(), "order", "code"
        )
    ]


def test_codes_in_use_is_active_codes():
    for group in (None, "route", "issue", "need"):
        assert selectors.codes_in_use(group) == list(selectors.active_codes(group))
    with pytest.raises(ValueError):
        selectors.codes_in_use("nonsense")


def test_a_code_switched_off_disappears_at_once_in_this_process():
    assert CODE in _issue_choices()
    code = ExperienceCode.objects.get(code=CODE)
    code.is_active = False
    code.save()
    assert CODE not in _issue_choices()
    # The label of a stored code stays known.
    assert selectors.labels([CODE]) == {CODE: code.label}


def test_a_transaction_that_changed_codes_reads_them_and_leaves_no_trace():
    selectors.all_codes()  # memo filled
    with transaction.atomic():
        code = ExperienceCode.objects.get(code=CODE)
        code.is_active = False
        code.save()
        with CaptureQueriesContext(connection) as inside:
            assert CODE not in _issue_choices()
        assert len(inside) == 1  # from the database, not from the memo
        transaction.set_rollback(True)
    # Rolled back: the memo never held the switched-off code.
    assert CODE in _issue_choices()


def test_the_memo_expires(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now[0])
    selectors.all_codes()
    # Another process switched a code off (no signal reaches this one).
    ExperienceCode.objects.filter(code=CODE).update(is_active=False)
    assert CODE in _issue_choices()
    now[0] += selectors.MEMO_SECONDS + 1
    assert CODE not in _issue_choices()


def test_a_form_of_codes_is_drawn_from_its_blank_drawing_with_the_boxes_checked():
    from django import forms

    from ouderbuddy.taxonomy.forms import codes_form_html

    class Codes(forms.Form):
        issue = ExperienceCodeField(groups=["issue"], required=False)

    class Mixed(Codes):
        note = forms.CharField(required=False)

    for form_class in (Codes, Mixed):  # Mixed: not codes only, drawn the usual way
        for initial in ({}, {"issue": [CODE]}, {"issue": [CODE, "nope"]}):
            drawn = codes_form_html(form_class, prefix="p", initial=initial)
            assert drawn == str(form_class(prefix="p", initial=initial))
    assert " checked" in codes_form_html(Codes, prefix=None, initial={"issue": [CODE]})
