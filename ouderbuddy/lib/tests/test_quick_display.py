"""quick_display gives what Django's get_FOO_display gives, for every choice field."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from ouderbuddy.lib.models import quick_display


def _fields() -> list[tuple[type[models.Model], models.Field]]:
    found = []
    for model in apps.get_models():
        if model._get_FIELD_display is not quick_display:
            continue
        for field in model._meta.concrete_fields:
            if field.choices:
                found.append((model, field))
    return found


def test_the_project_models_use_it():
    names = {f"{m._meta.label}.{f.name}" for m, f in _fields()}
    assert "casework.Closure.reason" in names
    assert "privacy.Consent.purpose" in names
    assert len(names) > 30


@pytest.mark.parametrize("language", ["nl", "en"])
def test_same_as_django_for_every_value(language):
    compared = 0
    with translation.override(language):
        for model, field in _fields():
            values = [value for value, _ in field.flatchoices]
            for value in [*values, None, "geen-keuze", 12345]:
                row = model()
                setattr(row, field.attname, value)
                ours = getattr(row, f"get_{field.name}_display")()
                django = models.Model._get_FIELD_display(row, field)
                assert ours == django, (model, field.name, value)
                assert type(ours) is type(django)
                compared += 1
    assert compared > 200


def test_each_language_has_its_own_labels():
    from ouderbuddy.casework.models import Closure

    row = Closure(reason="goal_reached")
    with translation.override("nl"):
        dutch = row.get_reason_display()
    with translation.override("en"):
        english = row.get_reason_display()
    assert dutch != english
