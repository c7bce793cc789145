"""The one exception a service raises when a business rule is broken."""

from __future__ import annotations


class DomainError(Exception):
    """A broken business rule; `message` is Dutch (translated) text for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class StepRefused(DomainError):
    """A status change its state machine's table does not hold (`intake.states`,
    `matching.states`). A service checks the status itself first, with words that fit
    the step; this one is the owner's last word, so in a test it means a service
    tried a step off the table."""
