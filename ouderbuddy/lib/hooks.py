"""Calls from a lower app to whatever higher apps want to happen then.

The layers (docs/ARCHITECTURE.md) let an app import only the apps below it. A few
steps of a lower app must still start work in a higher one: an accepted invitation
links the buddy record, a stopped request or an unavailable buddy cancels open
proposals, a started match plans its check-ins. The lower app declares a `Hook` and
calls it; the higher app connects its function in `AppConfig.ready()`, the pattern
of `@daily_job` and `COORDINATOR_PANELS`. Receivers run in the caller's
transaction, in the order they were connected; an exception in one stops the step
(nothing is half done).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


def _qualname(func: Callable[..., object]) -> str:
    return f"{func.__module__}.{func.__qualname__}"


class Hook(Generic[P]):
    """A named point a lower app calls; higher apps connect receivers to it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._receivers: list[Callable[P, object]] = []

    @classmethod
    def like(cls, signature: Callable[P, object], name: str) -> Hook[P]:
        """A hook whose receivers take the arguments of `signature` (a stub that
        only documents them: keyword-only arguments stay keyword-only)."""
        return cls(name)

    def connect(self, receiver: Callable[P, object]) -> Callable[P, object]:
        """Add `receiver` (once: `ready()` may run more than once in tests)."""
        if _qualname(receiver) not in {_qualname(r) for r in self._receivers}:
            self._receivers.append(receiver)
        return receiver

    @property
    def receivers(self) -> tuple[Callable[P, object], ...]:
        return tuple(self._receivers)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for receiver in self._receivers:
            receiver(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._receivers)} receiver(s)>"
