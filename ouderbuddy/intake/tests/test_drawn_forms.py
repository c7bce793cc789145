"""The request page's unbound forms drawn ahead (forms_triage: stamps per language):
the same HTML as the forms draw themselves, for every language, note, list of referral
targets and set of codes."""

from __future__ import annotations

import pytest
from django.utils import translation

from ouderbuddy.intake import forms_triage as forms
from ouderbuddy.intake.models import OrganisationReferralTarget
from ouderbuddy.taxonomy import selectors as taxonomy
from ouderbuddy.taxonomy.forms import codes_form_html
from ouderbuddy.taxonomy.models import ExperienceCode

pytestmark = pytest.mark.django_db

LANGUAGES = ["nl", "en"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("form_class", "prefix"),
    [
        (forms.ConfirmForm, "to_matching"),
        (forms.InformationForm, "information"),
        (forms.WithdrawForm, "withdraw"),
    ],
)
def test_a_form_without_data_is_drawn_as_it_draws_itself(language, form_class, prefix):
    with translation.override(language):
        drawn = forms.unbound_form(form_class, prefix=prefix)
        assert str(drawn) == str(form_class(prefix=prefix))
        assert not drawn.errors


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("note", ["", "Belde <b>dinsdag</b> & \"woensdag\"\n100% 'ok'"])
def test_the_note_is_drawn_with_its_text(language, note):
    with translation.override(language):
        drawn = forms.note_form(note, prefix="note")
        expected = forms.NoteForm(prefix="note", initial={"note": note})
        assert str(drawn) == str(expected)


def _referral_html(organisation) -> tuple[str, str]:
    drawn = forms.referral_form(organisation.pk, prefix="refer")
    expected = forms.ReferralForm(prefix="refer", organisation_id=organisation.pk)
    return str(drawn), str(expected)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_referral_form_lists_the_organisations_own_active_targets(
    language, noord, zuid
):
    targets = OrganisationReferralTarget.objects.filter(organisation=noord)
    first = targets.order_by("order", "label_nl").first()
    first.label_nl = "Wijk & <team> 100%"
    first.label_en = "District & <team>"
    first.contact = "\"020\" 'x'"
    first.save()
    OrganisationReferralTarget.objects.create(
        organisation=noord, label_nl="Extra", order=1, is_active=True
    )
    with translation.override(language):
        # Many (not inline), few (inline), one, none.
        for keep in (None, 5, 1, 0):
            if keep is not None:
                for target in targets.filter(is_active=True).order_by("-order")[
                    : max(targets.filter(is_active=True).count() - keep, 0)
                ]:
                    target.is_active = False
                    target.save()
                assert targets.filter(is_active=True).count() == keep
            drawn, expected = _referral_html(noord)
            assert drawn == expected
            assert "Extra" not in _referral_html(zuid)[0]


CODES_INITIAL = [
    [],
    ["route.sbo", "issue.opp"],
    ["route.sbo", "transition.po_vo", "no.such.code"],
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_codes_form_checks_the_requests_codes(language):
    every = [c.code for c in taxonomy.codes_in_use()]
    with translation.override(language):
        for codes in [*CODES_INITIAL, every]:
            pairs = [
                (c.code, c.group) for c in ExperienceCode.objects.filter(code__in=codes)
            ]
            initial = forms.CodesForm.initial_from(pairs)
            drawn = codes_form_html(forms.CodesForm, prefix="codes", initial=initial)
            expected = forms.CodesForm(prefix="codes", initial=initial)
            assert drawn == str(expected)
            assert drawn.count(" checked") == len(pairs)


def test_the_codes_form_is_drawn_anew_when_the_code_list_changes():
    initial = forms.CodesForm.initial_from([("issue.opp", "issue")])
    before = codes_form_html(forms.CodesForm, prefix="codes", initial=initial)
    code = ExperienceCode.objects.get(code="issue.opp")
    code.is_active = False
    code.save()
    after = codes_form_html(forms.CodesForm, prefix="codes", initial=initial)
    assert 'value="issue.opp"' in before
    assert 'value="issue.opp"' not in after
    assert after == str(forms.CodesForm(prefix="codes", initial=initial))
