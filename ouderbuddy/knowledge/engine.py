"""The search language of the knowledge base, as pure functions (no Django).

Both databases search the same words: the text of an article and a query go through
the same steps here (lower case, accents off, split on anything that is not a letter
or a digit, Dutch stop words out, a small Dutch stemmer), so SQLite's FTS5 and
PostgreSQL's tsvector only ever see the stems this module made, and find the same
articles. A query word may stand for a few stems (its synonyms: "tlv" and
"toelaatbaarheidsverklaring"); an article matches when every query word is found,
a stem of four letters or more also as the start of a longer word ("thuiszit"
finds "thuiszitsituatie").
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# A query is cut to this many characters and words before anything else happens.
MAX_QUERY_CHARACTERS = 200
MAX_QUERY_WORDS = 8
# Longer words are cut to this length, in the index and in a query alike.
MAX_WORD_CHARACTERS = 40
# A stem this long or longer also matches as the start of a longer word.
PREFIX_FROM = 4

_WORD = re.compile(r"[a-z0-9]+")

# Common Dutch function words: they say nothing about an article's subject.
STOP_WORDS = frozenset(
    [
        "aan",
        "al",
        "alle",
        "alles",
        "als",
        "altijd",
        "ben",
        "bij",
        "daar",
        "dan",
        "dat",
        "de",
        "der",
        "deze",
        "die",
        "dit",
        "doch",
        "doen",
        "door",
        "dus",
        "een",
        "eens",
        "en",
        "er",
        "ge",
        "geen",
        "geweest",
        "haar",
        "had",
        "heb",
        "hebben",
        "heeft",
        "hem",
        "het",
        "hier",
        "hij",
        "hoe",
        "hun",
        "iemand",
        "iets",
        "ik",
        "in",
        "is",
        "ja",
        "je",
        "jij",
        "jou",
        "jouw",
        "kan",
        "kon",
        "kunnen",
        "maar",
        "me",
        "meer",
        "men",
        "met",
        "mij",
        "mijn",
        "moet",
        "na",
        "naar",
        "niet",
        "niets",
        "nog",
        "nu",
        "of",
        "om",
        "omdat",
        "ons",
        "onze",
        "ook",
        "op",
        "over",
        "reeds",
        "te",
        "tegen",
        "toch",
        "toen",
        "tot",
        "u",
        "uit",
        "uw",
        "van",
        "veel",
        "voor",
        "want",
        "waren",
        "was",
        "wat",
        "we",
        "wel",
        "werd",
        "wezen",
        "wie",
        "wil",
        "worden",
        "wordt",
        "zal",
        "ze",
        "zelf",
        "zich",
        "zij",
        "zijn",
        "zo",
        "zonder",
        "zou",
    ]
)

# Words that mean the same in this field, written as their stems (see `stem`): a
# query word that stems to one of a group searches for each of the group.
SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"tlv", "toelaatbaarheidsverklaring"}),
    frozenset({"opp", "ontwikkelingsperspectief", "ontwikkelingsperspectiefplan"}),
    frozenset({"swv", "samenwerkingsverband"}),
    frozenset({"lpa", "leerplichtambtenaar"}),
    frozenset({"oza", "onderwijszorgarrangement"}),
    frozenset({"gpo", "geschillencommissie"}),
)

_VOWELS = frozenset("aeiou")


def fold(text: str) -> str:
    """Lower case without accents (ë → e), compatibility forms unfolded (ﬁ → fi)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _undouble(word: str) -> str:
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        return word[:-1]
    return word


def _open_syllable(word: str) -> str:
    """'schol' (from 'scholen') → 'school': a single vowel before the last consonant,
    after another consonant, was long."""
    if (
        len(word) >= 4
        and word[-1] not in _VOWELS
        and word[-2] in "aou"
        and word[-3] not in _VOWELS
    ):
        return word[:-1] + word[-2] + word[-1]
    return word


def stem(word: str) -> str:
    """A small Dutch stemmer: plural, inflection and agent endings off, so that
    'thuiszitter', 'thuiszitters' and 'thuiszitten' meet in 'thuiszit', and 'school'
    and 'scholen' in 'school'. Short words, numbers and abbreviations stay."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("heden") and len(word) > 7:
        return word[:-5] + "heid"
    if word.endswith("s") and len(word) > 4 and word[-2] not in "siu":
        word = word[:-1]
    if word.endswith("en") and len(word) > 4:
        base = word[:-2]
        undoubled = _undouble(base)
        word = undoubled if undoubled != base else _open_syllable(base)
        # brieven → brief, huizen → huis
        if word[-1] in "vz" and word[-2] in _VOWELS:
            word = word[:-1] + ("f" if word[-1] == "v" else "s")
        if word.endswith("er") and len(word) > 5 and not word.endswith("eer"):
            word = word[:-2]  # kinderen → kinder → kind
        return word
    if word.endswith("er") and len(word) > 6 and not word.endswith("eer"):
        return _undouble(word[:-2])
    if word.endswith("e") and len(word) > 4 and word[-2] not in _VOWELS:
        base = word[:-1]
        undoubled = _undouble(base)
        return undoubled if undoubled != base else _open_syllable(base)
    return word


_SYNONYM_OF: dict[str, frozenset[str]] = {
    member: group for group in SYNONYMS for member in group
}


def words(text: str) -> list[str]:
    """The folded words of `text`, in order, with stop words."""
    return [w[:MAX_WORD_CHARACTERS] for w in _WORD.findall(fold(text))]


def stems(text: str) -> list[str]:
    """The stems of `text`'s words, stop words left out, in order."""
    return [stem(w) for w in words(text) if len(w) > 1 and w not in STOP_WORDS]


def document(*parts: str) -> str:
    """The text the index holds: the stems of all parts, one space before each and
    one after the last, so ' stem' finds a word's start and ' stem ' a whole word."""
    found = [s for part in parts for s in stems(part)]
    return f" {' '.join(found)} " if found else " "


@dataclass(frozen=True)
class Term:
    """One query word: the stems it stands for (itself and its synonyms)."""

    alternatives: tuple[str, ...]

    def is_prefix(self, alternative: str) -> bool:
        return len(alternative) >= PREFIX_FROM


@dataclass(frozen=True)
class Query:
    """A query as the databases get it. `problem` says why it holds no term:
    'empty', 'stop_words' or 'symbols'; `shortened` that words were left off."""

    terms: tuple[Term, ...]
    problem: str = ""
    shortened: bool = False


def parse(raw: str) -> Query:
    """Turn what a person typed into terms: cut to size, symbols and control
    characters dropped, stop words out, each word stemmed with its synonyms."""
    text = (raw or "")[:MAX_QUERY_CHARACTERS]
    shortened = len(raw or "") > MAX_QUERY_CHARACTERS
    if not text.strip():
        return Query((), "empty")
    found = words(text)
    if not found:
        return Query((), "symbols")
    meaningful = [w for w in found if len(w) > 1 and w not in STOP_WORDS]
    if not meaningful:
        return Query((), "stop_words")
    terms: list[Term] = []
    seen: set[tuple[str, ...]] = set()
    for word in meaningful:
        base = stem(word)
        group = _SYNONYM_OF.get(base, frozenset({base}))
        alternatives = tuple(sorted(group | {base}))
        if alternatives in seen:
            continue
        seen.add(alternatives)
        terms.append(Term(alternatives))
    if len(terms) > MAX_QUERY_WORDS:
        terms, shortened = terms[:MAX_QUERY_WORDS], True
    return Query(tuple(terms), shortened=shortened)


def fts5_expression(query: Query) -> str:
    """The MATCH expression for SQLite's FTS5 (stems hold only a-z and 0-9)."""
    groups = []
    for term in query.terms:
        options = [
            f'"{a}"*' if term.is_prefix(a) else f'"{a}"' for a in term.alternatives
        ]
        groups.append(f"({' OR '.join(options)})")
    return " AND ".join(groups)


def tsquery_expression(query: Query) -> str:
    """The same for PostgreSQL's to_tsquery('simple', …)."""
    groups = []
    for term in query.terms:
        options = [f"{a}:*" if term.is_prefix(a) else a for a in term.alternatives]
        groups.append(f"({' | '.join(options)})")
    return " & ".join(groups)


def needles(query: Query) -> list[str]:
    """What the ranking counts in the index text, per alternative: ' stem' for a
    prefix, ' stem ' for a whole word (see `document`)."""
    return [
        f" {a}" if term.is_prefix(a) else f" {a} "
        for term in query.terms
        for a in term.alternatives
    ]


# --- Snippets ------------------------------------------------------------------------

SNIPPET_CHARACTERS = 180
_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=65536)
def _token(token: str) -> tuple[str, str]:
    """A word of a text as the index knows it: (folded, stemmed); '' for a word the
    index leaves out."""
    folded = fold(token)[:MAX_WORD_CHARACTERS]
    if len(folded) < 2 or not folded.isascii() or folded in STOP_WORDS:
        return "", ""
    return folded, stem(folded)


def _matchers(query: Query) -> tuple[frozenset[str], tuple[str, ...]]:
    """The query's whole-word stems and its prefix stems, for quick checks."""
    alternatives = [a for term in query.terms for a in term.alternatives]
    prefixes = tuple(a for a in alternatives if len(a) >= PREFIX_FROM)
    return frozenset(alternatives), prefixes


def _hits(text: str, query: Query, limit: int = 0) -> list[tuple[int, int]]:
    """Where the words of `text` that the query finds start and end (the first
    `limit` of them, when given)."""
    found = []
    exact, prefixes = _matchers(query)
    for token in _TOKEN.finditer(text):
        folded, stemmed = _token(token.group())
        if not folded:
            continue
        if stemmed in exact or (prefixes and stemmed.startswith(prefixes)):
            found.append((token.start(), token.end()))
            if limit and len(found) >= limit:
                break
    return found


def snippet(texts: Sequence[str], query: Query) -> str:
    """A short piece of the first text the query finds something in, as HTML: the
    found words in <mark>, everything else escaped. Without a hit, the start of the
    first text."""
    for text in texts:
        first = _hits(text, query, limit=1)
        if first:
            piece, offset = _shorten(text, max(0, first[0][0] - 40))
            before = "…" if offset > 0 else ""
            after = "…" if offset + len(piece) < len(text) else ""
            return f"{before}{highlight(piece, query)}{after}"
    first_text = next((t for t in texts if t), "")
    return html.escape(_shorten(first_text, 0)[0])


def highlight(text: str, query: Query) -> str:
    """All of a short `text` (a title) as HTML, the found words in <mark>."""
    out, position = [], 0
    for start, end in _hits(text, query):
        out.append(html.escape(text[position:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def _shorten(text: str, start: int) -> tuple[str, int]:
    """About SNIPPET_CHARACTERS of `text` from a word boundary near `start`."""
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else 0
    end = start + SNIPPET_CHARACTERS
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return text[start:end], start
