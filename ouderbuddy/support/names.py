"""Finding names of parents and children in a text (pure: no Django).

An intervisie record is about themes, never about a case. Before one is saved the
services look for the first and last names of the parents and children in the
organisation's running matches among its words: compared without case and accents,
whole words only, leaving out name particles ("van", "de") and words under three
letters, which would match too much ordinary text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Shorter particles ("de", "el", "'t") are left out by `MIN_LETTERS` already.
PARTICLES = frozenset({"van", "der", "den", "het", "ten", "ter", "von"})
MIN_LETTERS = 3


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    found = []
    for match in _WORD.finditer(text):
        # "Jansen-de Vries" counts as "Jansen", "de", "Vries" too.
        found.append(match.group())
        found.extend(re.split(r"['’-]", match.group()))
    return found


def name_words(names: Iterable[str]) -> frozenset[str]:
    """The words of `names` worth looking for."""
    return frozenset(
        plain
        for name in names
        for word in _words(name)
        if len(plain := _plain(word)) >= MIN_LETTERS and plain not in PARTICLES
    )


def names_in(text: str, words: frozenset[str]) -> list[str]:
    """The words of `text` (as written there, each once, in order) that are one of
    `words`."""
    seen: set[str] = set()
    found = []
    for word in _words(text):
        plain = _plain(word)
        if plain in words and plain not in seen:
            seen.add(plain)
            found.append(word)
    return found
