"""Points where intake starts work in higher apps (`lib.hooks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ouderbuddy.lib.hooks import Hook

if TYPE_CHECKING:
    from ouderbuddy.intake.models import HelpRequest


def _request_stopped(request: HelpRequest, description: str) -> object:
    """The request was withdrawn or stopped (in intake's transaction): matching
    cancels its pending proposal and tells the buddy. `description` is the text of
    the history row."""


request_stopped = Hook.like(_request_stopped, "intake.request_stopped")


def _consent_withdrawn(request: HelpRequest, purpose: str) -> object:
    """The parent withdrew a consent (in intake's transaction): evaluation takes the
    parent's answers out of the figures when it was the research consent."""


consent_withdrawn = Hook.like(_consent_withdrawn, "intake.consent_withdrawn")
