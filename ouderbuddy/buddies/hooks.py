"""Points where buddies starts work in higher apps (`lib.hooks`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ouderbuddy.lib.hooks import Answer, Hook

if TYPE_CHECKING:
    from ouderbuddy.buddies.models import Buddy


def _buddy_unavailable(
    buddy: Buddy, description: str, *, all_pending: bool = False
) -> object:
    """The buddy paused (unanswered proposals go back) or stopped (`all_pending`:
    every match not yet active goes back), in buddies' transaction: matching
    cancels them."""


buddy_unavailable = Hook.like(_buddy_unavailable, "buddies.buddy_unavailable")


def _has_basic_training(buddy: Buddy) -> bool:
    """Whether the buddy finished a basic training (the checklist's gate before
    matching); training answers."""
    raise NotImplementedError


has_basic_training = Answer.like(_has_basic_training, "buddies.has_basic_training")


def _training_record(buddy: Buddy) -> dict[str, Any]:
    """What the coordinator's buddy page shows of the buddy's training: template
    context (`enrolments`, `qualifications`, `has_basic_training`, and
    `attended_last_year`: the sessions the buddy came to in the last twelve months,
    rows with `starts_at` and `title`, newest first); training answers."""
    raise NotImplementedError


training_record = Answer.like(_training_record, "buddies.training_record")


def _support_record(buddy: Buddy) -> dict[str, Any]:
    """What the coordinator's buddy page shows of the support the buddy had in the
    last twelve months: template context (`intervisie`: rows with `starts_at`,
    `title` and `detail`; `year_url`: the year summary and thank-you page); support
    answers."""
    raise NotImplementedError


support_record = Answer.like(_support_record, "buddies.support_record")
