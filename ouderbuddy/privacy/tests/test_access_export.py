"""Subject access (AVG art. 15/20): what an export holds, for whom, and that no model
that refers to a person is forgotten."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.http import Http404
from django.test import TestCase
from django.utils import timezone

from ouderbuddy.casework import services as casework
from ouderbuddy.casework.tests.factories import active_match
from ouderbuddy.intake import services as intake_services
from ouderbuddy.intake.tests.factories import submit
from ouderbuddy.matching.tests.factories import buddy_membership
from ouderbuddy.privacy import access
from ouderbuddy.privacy.models import Consent, RetentionCategory
from ouderbuddy.privacy.services import record_read

pytestmark = pytest.mark.django_db

PERSON_MODELS = {
    "accounts.user",
    "buddies.buddy",
    "intake.helprequest",
    "matching.match",
    "organisations.membership",
}

# Models that refer to a person (a key to one of PERSON_MODELS, or an e-mail or name
# field) and are deliberately not in an export, each with its reason.
NOT_EXPORTED = {
    "admin.logentry": "the Django admin's log; only platform admins act there, "
    "in emergencies, outside any organisation",
    "auth.permission": "its name is a permission's name, not a person's",
    "auth.group": "its name is a group's name, not a person's",
    "otp_static.statictoken": "recovery codes: secrets, never shown again",
    "organisations.organisation": "the support point's own contact details",
    "regions.municipality": "reference data: a municipality's name",
    "regions.cooperationdistrict": "reference data: a district's name",
    "django_tasks_database.dbtaskresult": "queue and backend names; e-mail tasks "
    "carry only a message id",
}


def _refers_to_a_person(model) -> bool:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is not None:
            if field.related_model._meta.label_lower in PERSON_MODELS:
                return True
        elif "email" in field.name or field.name.endswith("name"):
            return True
    return False


def test_every_model_that_refers_to_a_person_is_exported_or_listed():
    covered = access.covered_models()
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in PERSON_MODELS or not _refers_to_a_person(model):
            continue
        if label not in covered and label not in NOT_EXPORTED:
            missing.append(label)
    assert not missing, f"not in any export and not listed with a reason: {missing}"
    # The list holds no stale entries: each names a model that exists and is not
    # exported after all.
    labels = {m._meta.label_lower for m in apps.get_models()}
    assert set(NOT_EXPORTED) <= labels
    assert not set(NOT_EXPORTED) & covered, set(NOT_EXPORTED) & covered


def test_models_with_a_key_to_a_buddy_request_or_match_are_exported_whole():
    """Rows about a buddy, a request or a match are in a plan (whole rows), not only
    in the list of records that name someone."""
    planned = {step.model for plan in access.PLANS.values() for step in plan}
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        keys = {
            f.related_model._meta.label_lower
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
        about_a_case = keys & {"buddies.buddy", "intake.helprequest", "matching.match"}
        if about_a_case and label not in planned and label not in NOT_EXPORTED:
            missing.append(label)
    assert not missing


@pytest.fixture
def parent_case(cora):
    """A parent with a running match, two contacts, a consent and a read."""
    match = active_match(cora, email="pat@ouder.test", full_name="Pat Ouder")
    buddy = buddy_membership(match.buddy)
    with TestCase.captureOnCommitCallbacks(execute=True):
        for note in ("Samen de brief aan school gelezen.", ""):
            casework.log_contact(
                actor=buddy,
                match=match,
                on=timezone.localdate(),
                mode="phone",
                minutes=20,
                note=note,
            )
    record_read(actor=cora, target=match.request)
    return match


def _export(cora, request):
    return access.export(
        access.find_person(access.PARENT, request.pk, cora.organisation_id)
    )


def _records(export, label):
    return next((s["records"] for s in export["sections"] if s["model"] == label), [])


def _values(record):
    return {f["name"]: f["value"] for f in record["fields"]}


def test_a_parents_export_holds_request_match_contacts_consents_and_reads(
    cora, parent_case
):
    request = parent_case.request
    export = _export(cora, request)
    text = json.dumps(export, ensure_ascii=False)  # JSON as it is

    (held,) = _records(export, "intake.helprequest")
    assert _values(held)["reference"] == request.reference
    assert _values(held)["full_name"] == "Pat Ouder"
    # The question is encrypted at rest and decrypted in the export.
    assert _values(held)["question"] == request.question
    assert len(_records(export, "matching.match")) == 1
    notes = [_values(r)["note"] for r in _records(export, "casework.contact")]
    assert sorted(notes) == ["", "Samen de brief aan school gelezen."]

    stored = Consent.objects.filter(subject_id=str(request.pk))
    assert stored.count() >= 1
    for consent in stored:
        assert consent.text in [c["text"] for c in export["consents"]]
        assert consent.text_version in text
    (read,) = export["reads"]
    assert read["who"] == "Cora Coördinator"
    assert read["what"] == request.reference


def test_every_request_of_the_same_address_in_the_organisation_is_in(
    cora, olga, parent_case
):
    second = submit(cora.organisation, email="PAT@ouder.test", full_name="Pat")
    elsewhere = submit(olga.organisation, email="pat@ouder.test")
    export = _export(cora, parent_case.request)
    references = {
        _values(r)["reference"] for r in _records(export, "intake.helprequest")
    }
    assert references == {parent_case.request.reference, second.reference}
    assert elsewhere.reference not in json.dumps(export)


def test_another_organisations_person_is_not_found(cora, olga, parent_case):
    for kind, pk in (
        (access.PARENT, parent_case.request.pk),
        (access.BUDDY, parent_case.buddy.pk),
        (access.STAFF, cora.pk),
    ):
        with pytest.raises(Http404):
            access.find_person(kind, pk, olga.organisation_id)
    with pytest.raises(Http404):
        access.find_person("nobody", parent_case.request.pk, cora.organisation_id)
    with pytest.raises(Http404):
        access.find_person(access.PARENT, "no-uuid", cora.organisation_id)


def test_a_buddys_export_holds_the_buddy_the_account_and_no_secret(cora, parent_case):
    buddy = parent_case.buddy
    export = access.export(
        access.find_person(access.BUDDY, buddy.pk, cora.organisation_id)
    )
    text = json.dumps(export)
    assert _values(_records(export, "buddies.buddy")[0])["full_name"] == buddy.full_name
    assert _records(export, "buddies.interview")
    assert _records(export, "training.qualification")
    assert _records(export, "matching.match")
    (user,) = _records(export, "accounts.user")
    assert "password" not in _values(user)
    assert buddy.user.password not in text
    # The contacts the buddy logged name the buddy; their content is the parent's.
    assert any(r["model"] == "casework.contact" for r in export["references"])
    assert "Samen de brief" not in text
    assert (
        export["retention"]["dates"][0]["category"] == RetentionCategory.STOPPED_BUDDY
    )
    assert export["retention"]["dates"][0]["due_on"] is None


def test_a_staff_members_export_holds_account_membership_and_actions(cora, parent_case):
    export = access.export(
        access.find_person(access.STAFF, cora.pk, cora.organisation_id)
    )
    assert _values(_records(export, "accounts.user")[0])["email"] == "cora@noord.test"
    assert _records(export, "organisations.membership")
    assert any(a["verb"] == "read" for a in export["own_actions"])
    assert "password" not in json.dumps(export)


def test_retention_dates_follow_the_request_status(cora):
    waiting = submit(cora.organisation, email="w@ouder.test")
    export = _export(cora, waiting)
    (line,) = export["retention"]["dates"]
    assert line["due_on"] is None
    assert line["due_on_text"].startswith("Nog niet: de termijn begint pas")

    withdrawn = submit(cora.organisation, email="t@ouder.test")
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake_services.withdraw_by_parent(request=withdrawn)
    withdrawn.refresh_from_db()
    (line,) = _export(cora, withdrawn)["retention"]["dates"]
    assert line["category"] == RetentionCategory.ENDED_REQUEST
    months = access.retention.months_for(cora.organisation_id)
    due = access.retention.due_on(
        withdrawn.status_changed_at, months[RetentionCategory.ENDED_REQUEST]
    )
    assert due is not None and line["due_on"] == due.isoformat()
    categories = {c["category"] for c in export["retention"]["categories"]}
    assert RetentionCategory.CLOSED_MATCH in categories
