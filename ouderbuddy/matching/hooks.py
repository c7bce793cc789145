"""Points where matching starts work in higher apps (`lib.hooks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ouderbuddy.lib.hooks import Hook

if TYPE_CHECKING:
    from ouderbuddy.matching.models import Match


def _match_started(match: Match) -> object:
    """The match became active (in matching's transaction): casework plans its
    check-ins."""


match_started = Hook.like(_match_started, "matching.match_started")
