"""Checks that an e-mail is wholly in one language: subject and body, no word of the other.

Common short words give a language away; names, places and links are taken out first
(links carry Dutch paths, and names are whatever a person is called)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.mail import EmailMessage

DUTCH_WORDS = (
    "de", "het", "een", "uw", "wij", "niet", "voor", "met", "bij", "dat", "wilt",
    "heeft", "zijn", "beste", "groet", "ingetrokken", "hulpvraag",
)  # fmt: skip
ENGLISH_WORDS = (
    "the", "you", "your", "and", "with", "has", "have", "been", "dear", "regards",
    "please", "will", "withdrawn", "request",
)  # fmt: skip

_LINK = re.compile(r"https?://\S+")


def words_of(language: str, text: str, ignore: Iterable[str] = ()) -> set[str]:
    """The give-away words of `language` ("nl" or "en") found in `text`."""
    for phrase in ignore:
        text = text.replace(phrase, " ")
    text = _LINK.sub(" ", text).lower()
    found = set(re.findall(r"[a-zà-ÿ]+", text))
    return found & set(DUTCH_WORDS if language == "nl" else ENGLISH_WORDS)


def assert_wholly(
    message: EmailMessage, language: str, *, ignore: Iterable[str] = ()
) -> None:
    """The body of `message` is in `language`; neither body nor subject has a word of
    the other language (a subject is short: tests also compare it exactly)."""
    other = "en" if language == "nl" else "nl"
    ignore = tuple(ignore)
    body = message.body
    assert words_of(language, body, ignore), f"body is not in {language}: {body}"
    for part, text in (("subject", message.subject), ("body", body)):
        stray = words_of(other, text, ignore)
        assert not stray, f"{part} has {other} words {sorted(stray)}: {text}"


def mails_to(outbox: Iterable[EmailMessage], address: str) -> list[EmailMessage]:
    return [m for m in outbox if address in m.to]
