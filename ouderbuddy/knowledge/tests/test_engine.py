"""The search language without a database: stems, stop words, synonyms, the
expressions both databases get, snippets."""

from __future__ import annotations

import pytest

from ouderbuddy.knowledge import engine


@pytest.mark.parametrize(
    ("words", "stem"),
    [
        (("thuiszitter", "thuiszitters", "thuiszitten", "Thuiszitten"), "thuiszit"),
        (("school", "scholen"), "school"),
        (("kind", "kinderen"), "kind"),
        (("gesprek", "gesprekken"), "gesprek"),
        (("afspraak", "afspraken"), "afspraak"),
        (("ouder", "ouders"), "ouder"),
        (("leerling", "leerlingen"), "leerling"),
        (("mogelijkheid", "mogelijkheden"), "mogelijkheid"),
        (("passend", "passende"), "passend"),
        (("perspectief", "perspectieven"), "perspectief"),
        (("huis", "huizen"), "huis"),
        (("tlv", "TLV"), "tlv"),
    ],
)
def test_forms_of_a_word_meet_in_one_stem(words, stem):
    assert {engine.stem(engine.fold(w)) for w in words} == {stem}


def test_short_words_numbers_and_abbreviations_stay():
    for word in ("so", "vo", "opp", "2025", "po2"):
        assert engine.stem(word) == word


def test_every_synonym_is_written_as_its_own_stem():
    for group in engine.SYNONYMS:
        for member in group:
            assert engine.stem(member) == member, member


def test_a_query_is_folded_stemmed_and_expanded():
    query = engine.parse("Wat is een TLV voor thuiszitters?")
    assert [t.alternatives for t in query.terms] == [
        ("tlv", "toelaatbaarheidsverklaring"),
        ("thuiszit",),
    ]
    assert engine.fts5_expression(query) == (
        '("tlv" OR "toelaatbaarheidsverklaring"*) AND ("thuiszit"*)'
    )
    assert engine.tsquery_expression(query) == (
        "(tlv | toelaatbaarheidsverklaring:*) & (thuiszit:*)"
    )
    assert engine.needles(query) == [
        " tlv ",
        " toelaatbaarheidsverklaring",
        " thuiszit",
    ]


def test_accents_fold_away():
    assert engine.words("Cöördinator, één") == ["coordinator", "een"]
    assert engine.stems("Cöördinator, één") == ["coordinator"]  # 'een' is a stop word


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("!!! ??? ***", "symbols"),
        ("<> && || \"\" ''", "symbols"),
        ("de het een en van", "stop_words"),
        ("Wat is het?", "stop_words"),
    ],
)
def test_a_query_without_words_says_why(raw, problem):
    query = engine.parse(raw)
    assert query.terms == ()
    assert query.problem == problem


def test_a_long_query_is_cut():
    query = engine.parse("thuiszitten " * 50 + "tlv")
    assert query.shortened
    assert len(query.terms) == 1  # the same word once; 'tlv' was past the cut
    many = engine.parse(" ".join(f"woord{n}" for n in range(20)))
    assert len(many.terms) == engine.MAX_QUERY_WORDS and many.shortened
    huge = engine.parse("a" * 500)
    assert [len(a) for t in huge.terms for a in t.alternatives] == [
        engine.MAX_WORD_CHARACTERS
    ]


def test_query_syntax_of_the_databases_cannot_be_injected():
    query = engine.parse('tlv" OR NOT * NEAR(x) :* & | ! ( )')
    expression = engine.fts5_expression(query)
    # Operators are words like any other, quoted; the symbols are gone.
    assert expression == (
        '("tlv" OR "toelaatbaarheidsverklaring"*) AND ("or") AND ("not") AND ("near"*)'
    )
    assert engine.tsquery_expression(query) == (
        "(tlv | toelaatbaarheidsverklaring:*) & (or) & (not) & (near:*)"
    )


def test_the_document_holds_stems_between_spaces():
    assert engine.document("De thuiszitters", "TLV") == " thuiszit tlv "
    assert engine.document("") == " "


def test_a_snippet_marks_the_found_words_and_escapes_the_rest():
    query = engine.parse("thuiszitter")
    text = (
        "Intro <b>. " + "woord " * 40 + "Een kind dat thuiszit & niet naar school gaat."
    )
    snippet = engine.snippet([text], query)
    assert "<mark>thuiszit</mark>" in snippet
    assert "&amp;" in snippet and "<b>" not in snippet
    assert snippet.startswith("…")
    assert len(snippet) < engine.SNIPPET_CHARACTERS + 80


def test_a_snippet_without_a_hit_is_the_start_of_the_text():
    query = engine.parse("tlv")
    assert (
        engine.snippet(["", "Alles over <school>."], query)
        == "Alles over &lt;school&gt;."
    )
    assert engine.highlight("Wat is een TLV?", query) == "Wat is een <mark>TLV</mark>?"
