"""The coordinator's buddy page shows what the matching uses: languages, gender and
the ways of contact, in words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ouderbuddy.training.tests.factories import make_buddy

pytestmark = pytest.mark.django_db


def test_buddy_page_shows_languages_gender_and_contact_modes(cora_client, noord):
    buddy = make_buddy(
        noord,
        full_name="Hanna Hamdi",
        gender="female",
        languages=["nl", "ar", "ngt"],
        contact_modes=["video", "school_meeting"],
    )
    body = cora_client.get(reverse("buddies:detail", args=[buddy.pk])).content.decode()
    assert "Nederlands, Arabisch, Nederlandse Gebarentaal" in body
    assert "Vrouw" in body
    assert "Videobellen, Mee naar gesprekken op school" in body


def test_no_contact_modes_means_no_preference(cora_client, noord):
    buddy = make_buddy(noord, full_name="Hein Hoek", gender="male", contact_modes=[])
    body = cora_client.get(reverse("buddies:detail", args=[buddy.pk])).content.decode()
    assert "Geen voorkeur" in body
    assert "Man" in body
