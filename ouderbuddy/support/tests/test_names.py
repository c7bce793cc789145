"""Names of parents and children are found in a record, whole words, any case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ouderbuddy.support.names import _plain, name_words, names_in


def test_first_and_last_names_are_found_without_case_or_accents():
    words = name_words(["Sanne de Vries", "Zoë", "Mohamed El Amrani"])
    assert words == {"sanne", "vries", "zoe", "mohamed", "amrani"}
    text = "Moeder van ZOE vertelde over school; de VRIES-methode en Amrani's vraag."
    assert names_in(text, words) == ["ZOE", "VRIES", "Amrani"]


def test_particles_short_words_and_parts_of_words_are_not_names():
    words = name_words(["Bo van der Berg", "Ali"])
    assert words == {"berg", "ali"}
    # "van", "der" and "Bo" are left out; "Bergen" and "alinea" are other words.
    assert names_in("Van der Bo naar Bergen, een alinea.", words) == []
    assert names_in("Berg-op-Zoom", words) == ["Berg"]


def test_nothing_is_found_without_names():
    assert names_in("Sanne", frozenset()) == []
    assert name_words([]) == frozenset()


@given(st.text(max_size=300))
def test_any_text_is_read_without_error(text):
    found = names_in(text, name_words(["Sanne Jansen"]))
    assert all(_plain(w) in {"sanne", "jansen"} for w in found)
