"""The experience taxonomy: the CSV, the data migration, the loader and the checks."""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import translation

from ouderbuddy.lib.errors import DomainError
from ouderbuddy.taxonomy.forms import ExperienceCodeField
from ouderbuddy.taxonomy.loader import (
    COLUMNS,
    CSV_PATH,
    TaxonomyFileError,
    load_codes,
    read_codes,
)
from ouderbuddy.taxonomy.models import SUBGROUP_LABELS, CodeGroup, ExperienceCode
from ouderbuddy.taxonomy.selectors import active_codes, codes_by_group, validate_codes

OPT_OUT_CODES = {"need.undiagnosed", "need.prefer_not_say", "context.prefer_not_say"}

# Every code DOMAIN.md §8 A-D lists, with the "…" ranges written out.
DOMAIN_CODES = {
    "route.po_regular",
    "route.sbo",
    "route.so_c1",
    "route.so_c2",
    "route.so_c3",
    "route.so_c4",
    "route.vo_vmbo",
    "route.vo_havo_vwo",
    "route.pro",
    "route.lwoo",
    "route.vso_c3",
    "route.vso_c4",
    "route.vso_profile_further_education",
    "route.vso_profile_labour_market",
    "route.vso_profile_day_care",
    "route.mbo",
    "route.gifted_provision",
    "route.oza",
    "route.home_exempt",
    "route.partial_timetable",
    "transition.po_vo",
    "transition.regular_to_special",
    "transition.special_to_regular",
    "transition.vo_mbo",
    "transition.vso_work",
    "issue.school_communication",
    "issue.registration_duty_of_care",
    "issue.opp",
    "issue.arrangement",
    "issue.tlv",
    "issue.tlv_objection",
    "issue.gpo",
    "issue.complaint",
    "issue.suspension_expulsion",
    "issue.out_of_school",
    "issue.attendance_officer",
    "issue.education_consultant",
    "issue.youth_care_combo",
    "issue.school_transport",
    "issue.dyslexia_care",
    "issue.school_choice",
    "issue.meeting_support",
    "need.autism",
    "need.adhd_add",
    "need.tos",
    "need.dcd",
    "need.tics_tourette",
    "need.dyslexia",
    "need.dyscalculia",
    "need.learning_difficulties",
    "need.intellectual_disability",
    "need.gifted",
    "need.twice_exceptional",
    "need.anxiety",
    "need.depression_mood",
    "need.trauma_attachment",
    "need.behaviour",
    "need.eating_disorder",
    "need.burnout_overstimulation",
    "need.selective_mutism",
    "need.physical_disability",
    "need.chronic_illness",
    "need.acquired_brain_injury",
    "need.deaf_hard_of_hearing",
    "need.blind_low_vision",
    "need.multiple_disabilities",
    "need.comorbid",
    "need.undiagnosed",
    "need.prefer_not_say",
    "context.single_parent",
    "context.divorce_coparenting",
    "context.multiple_children_support",
    "context.parent_own_condition",
    "context.non_dutch_speaking",
    "context.youth_protection",
    "context.prefer_not_say",
}


def csv_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- The CSV file ------------------------------------------------------------------


def test_csv_has_the_columns_no_duplicates_and_no_empty_labels() -> None:
    rows = csv_rows()
    assert tuple(rows[0].keys()) == COLUMNS
    duplicates = [code for code, n in Counter(r["code"] for r in rows).items() if n > 1]
    assert duplicates == []
    for row in rows:
        assert row["label_nl"].strip(), row["code"]
        assert row["label_en"].strip(), row["code"]


def test_csv_covers_every_code_of_the_domain_notes() -> None:
    assert {r["code"] for r in csv_rows()} == DOMAIN_CODES


def test_csv_need_codes_have_a_known_subgroup_and_others_none() -> None:
    for row in csv_rows():
        if row["group"] == "need":
            assert row["subgroup"] in SUBGROUP_LABELS, row["code"]
        else:
            assert row["subgroup"] == "", row["code"]


def test_csv_order_is_unique_within_a_group() -> None:
    seen = Counter((r["group"], r["order"]) for r in csv_rows())
    assert [key for key, n in seen.items() if n > 1] == []


def test_read_codes_refuses_a_broken_file(tmp_path: Path) -> None:
    good = csv_rows()[0]
    cases = [
        {**good, "group": "issue"},  # code does not start with the group
        {**good, "code": "route.Bad-Code"},
        {**good, "label_en": ""},
        {**good, "is_sensitive": "maybe"},
        {**csv_rows()[-1], "is_sensitive": "false"},  # context code not sensitive
    ]
    for i, row in enumerate(cases):
        path = write_csv(tmp_path / f"bad{i}.csv", [row])
        with pytest.raises(TaxonomyFileError):
            read_codes(path)
    path = write_csv(tmp_path / "dup.csv", [good, good])
    with pytest.raises(TaxonomyFileError, match="duplicate"):
        read_codes(path)


# --- What the data migration loaded ------------------------------------------------


@pytest.mark.django_db
def test_migration_loaded_every_code_of_the_csv() -> None:
    rows = {r["code"]: r for r in csv_rows()}
    assert set(ExperienceCode.objects.values_list("code", flat=True)) == set(rows)
    for code in ExperienceCode.objects.all():
        row = rows[code.code]
        assert code.group == row["group"]
        assert code.label_nl == row["label_nl"]
        assert code.label_en == row["label_en"]
        assert code.order == int(row["order"])
        assert code.is_active
        assert code.introduced == datetime.date(2026, 11, 22)


@pytest.mark.django_db
def test_only_need_and_context_codes_are_sensitive() -> None:
    for code in ExperienceCode.objects.all():
        assert code.is_sensitive == (code.group in {"need", "context"}), code.code


@pytest.mark.django_db
def test_opt_out_codes_exist_and_are_the_only_ones() -> None:
    opt_out = set(
        ExperienceCode.objects.filter(is_opt_out=True).values_list("code", flat=True)
    )
    assert opt_out == OPT_OUT_CODES


@pytest.mark.django_db
def test_every_code_starts_with_its_group() -> None:
    groups = set(CodeGroup.values)
    for code in ExperienceCode.objects.all():
        assert code.group in groups
        assert code.code.startswith(f"{code.group}."), code.code


@pytest.mark.django_db
def test_every_group_has_codes() -> None:
    counts = Counter(ExperienceCode.objects.values_list("group", flat=True))
    assert set(counts) == set(CodeGroup.values)


# --- Model behaviour ---------------------------------------------------------------


@pytest.mark.django_db
def test_label_and_description_follow_the_active_language() -> None:
    code = ExperienceCode.objects.get(code="issue.tlv")
    with translation.override("nl"):
        assert code.label == code.label_nl
        assert str(code) == code.label_nl
        assert code.description == code.description_nl
    with translation.override("en"):
        assert code.label == code.label_en
        assert str(code) == code.label_en
        assert code.description == code.description_en
    with translation.override("en-gb"):
        assert code.label == code.label_en
    assert code.label_nl != code.label_en


@pytest.mark.django_db
def test_english_description_falls_back_to_dutch() -> None:
    code = ExperienceCode(
        code="issue.x", group="issue", label_nl="nl", label_en="en", description_nl="u"
    )
    with translation.override("en"):
        assert code.description == "u"


@pytest.mark.django_db
def test_database_refuses_a_code_outside_its_group() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ExperienceCode.objects.create(
            code="route.something", group="need", label_nl="x", label_en="x"
        )


@pytest.mark.django_db
def test_database_refuses_a_need_code_that_is_not_sensitive() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ExperienceCode.objects.create(
            code="need.new", group="need", label_nl="x", label_en="x"
        )


def test_model_clean_explains_the_group_rules() -> None:
    code = ExperienceCode(code="route.x", group="need", label_nl="x", label_en="x")
    with pytest.raises(ValidationError) as info:
        code.clean()
    assert set(info.value.message_dict) == {"code", "is_sensitive"}


# --- Loader and management command -------------------------------------------------


@pytest.mark.django_db
def test_loader_is_idempotent() -> None:
    before = {c.code: c for c in ExperienceCode.objects.all()}
    result = load_codes()
    assert result.created == []
    assert result.updated == []
    assert len(result.unchanged) == len(before)
    result = load_codes()
    assert len(result.unchanged) == len(before)
    assert ExperienceCode.objects.count() == len(before)


@pytest.mark.django_db
def test_loader_repairs_a_changed_row_but_keeps_admin_choices() -> None:
    code = ExperienceCode.objects.get(code="need.autism")
    code.label_nl = "Iets anders"
    code.is_active = False
    code.save()
    result = load_codes()
    assert result.updated == ["need.autism"]
    code.refresh_from_db()
    assert code.label_nl == "Autisme (ASS)"
    assert not code.is_active  # a deactivated code stays off
    assert code.introduced == datetime.date(2026, 11, 22)  # set on creation only


@pytest.mark.django_db
def test_loader_creates_new_codes_and_reports_missing_ones(tmp_path: Path) -> None:
    rows = [r for r in csv_rows() if r["code"] != "issue.gpo"]
    rows.append({**rows[0], "code": "route.new_school", "order": "999"})
    path = write_csv(tmp_path / "codes.csv", rows)
    result = load_codes(path=path, introduced=datetime.date(2027, 1, 1))
    assert result.created == ["route.new_school"]
    assert result.not_in_file == ["issue.gpo"]
    new = ExperienceCode.objects.get(code="route.new_school")
    assert new.introduced == datetime.date(2027, 1, 1)
    assert ExperienceCode.objects.filter(code="issue.gpo").exists()  # never deleted


@pytest.mark.django_db
def test_management_command_loads_the_file() -> None:
    ExperienceCode.objects.filter(code="need.gifted").update(label_en="changed")
    out = StringIO()
    call_command("load_taxonomy", stdout=out)
    assert "1 updated" in out.getvalue()
    assert ExperienceCode.objects.get(code="need.gifted").label_en == "Giftedness"


# --- Selectors -----------------------------------------------------------------------


@pytest.mark.django_db
def test_active_codes_filters_on_group_and_activity() -> None:
    ExperienceCode.objects.filter(code="need.autism").update(is_active=False)
    need = list(active_codes("need"))
    assert need
    assert all(c.group == "need" and c.is_active for c in need)
    assert "need.autism" not in {c.code for c in need}
    assert [c.order for c in need] == sorted(c.order for c in need)
    with pytest.raises(ValueError):
        active_codes("nonsense")


@pytest.mark.django_db
def test_codes_by_group_keeps_the_group_order() -> None:
    grouped = codes_by_group()
    assert list(grouped) == list(CodeGroup.values)
    assert grouped["route"][0].code == "route.po_regular"
    assert sum(len(codes) for codes in grouped.values()) == len(csv_rows())


@pytest.mark.django_db
def test_validate_codes_accepts_good_codes_and_cleans_them() -> None:
    assert validate_codes([" need.autism", "need.adhd_add", "need.autism", ""]) == [
        "need.autism",
        "need.adhd_add",
    ]
    assert validate_codes([]) == []
    assert validate_codes(["issue.tlv"], groups={"issue", "route"}) == ["issue.tlv"]


@pytest.mark.django_db
def test_validate_codes_refuses_unknown_codes() -> None:
    with pytest.raises(DomainError) as info:
        validate_codes(["need.autism", "need.unicorn"])
    assert "need.unicorn" in info.value.message
    assert "need.autism" not in info.value.message
    assert "bestaan niet" in info.value.message


@pytest.mark.django_db
def test_validate_codes_refuses_inactive_codes() -> None:
    ExperienceCode.objects.filter(code="need.dcd").update(is_active=False)
    with pytest.raises(DomainError) as info:
        validate_codes(["need.dcd"])
    assert "need.dcd" in info.value.message
    assert "niet meer gebruikt" in info.value.message


@pytest.mark.django_db
def test_validate_codes_refuses_codes_of_another_group() -> None:
    with pytest.raises(DomainError) as info:
        validate_codes(["issue.tlv", "need.autism"], groups={"need"})
    assert "issue.tlv" in info.value.message
    assert "need.autism" not in info.value.message


@pytest.mark.django_db
def test_validate_codes_cuts_long_input_short_in_the_message() -> None:
    with pytest.raises(DomainError) as info:
        validate_codes(["need." + "x" * 500])
    assert len(info.value.message) < 200


def test_validate_codes_refuses_a_single_string() -> None:
    with pytest.raises(TypeError):
        validate_codes("need.autism")


# --- Form field ------------------------------------------------------------------------


class NeedForm(forms.Form):
    needs = ExperienceCodeField(groups={"need"})


class RouteForm(forms.Form):
    routes = ExperienceCodeField(groups={"route", "transition"}, required=False)


@pytest.mark.django_db
def test_form_field_accepts_known_codes() -> None:
    form = NeedForm(data={"needs": ["need.autism", "need.dyslexia"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["needs"] == ["need.autism", "need.dyslexia"]


@pytest.mark.django_db
def test_form_field_rejects_an_unknown_code() -> None:
    form = NeedForm(data={"needs": ["need.autism", "need.unicorn"]})
    assert not form.is_valid()
    assert "need.unicorn" in form.errors["needs"][0]


@pytest.mark.django_db
def test_form_field_rejects_a_code_of_another_group() -> None:
    form = NeedForm(data={"needs": ["issue.tlv"]})
    assert not form.is_valid()
    assert "issue.tlv" in form.errors["needs"][0]


@pytest.mark.django_db
def test_form_field_is_required_unless_told_otherwise() -> None:
    assert not NeedForm(data={}).is_valid()
    form = RouteForm(data={})
    assert form.is_valid()
    assert form.cleaned_data["routes"] == []


@pytest.mark.django_db
def test_form_field_groups_need_codes_by_subgroup() -> None:
    field = NeedForm().fields["needs"]
    assert isinstance(field.widget, forms.CheckboxSelectMultiple)
    with translation.override("nl"):
        headings = [heading for heading, _ in field.choices]
        assert headings[:2] == ["Ontwikkeling", "Leren"]
    assert len(headings) == len(SUBGROUP_LABELS)
    with translation.override("en"):
        choices = dict(NeedForm().fields["needs"].choices)
        development = choices[str(SUBGROUP_LABELS["development"])]
    assert ("need.autism", "Autism (ASD)") in development


@pytest.mark.django_db
def test_form_field_choices_are_read_when_used() -> None:
    form = RouteForm()  # built before the change below
    ExperienceCode.objects.filter(code="route.sbo").update(is_active=False)
    choices = dict(form.fields["routes"].choices)
    route_codes = [code for code, _ in choices[str(CodeGroup.ROUTE.label)]]
    assert "route.sbo" not in route_codes
    assert str(CodeGroup.TRANSITION.label) in choices
    html = str(form["routes"])
    assert 'value="route.po_regular"' in html
    assert "route.sbo" not in html


def test_form_field_refuses_an_unknown_group() -> None:
    with pytest.raises(ValueError):
        ExperienceCodeField(groups={"nonsense"})


# --- Admin -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_never_deletes_and_freezes_the_code() -> None:
    model_admin = admin.site._registry[ExperienceCode]
    request = RequestFactory().get("/")
    code = ExperienceCode.objects.get(code="need.autism")
    assert not model_admin.has_delete_permission(request, code)
    assert "code" in model_admin.get_readonly_fields(request, code)
    assert "code" not in model_admin.get_readonly_fields(request, None)
