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
from typing import Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


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


class Answer(Generic[P, R]):
    """A question a lower app asks and exactly one higher app answers (the buddy
    checklist asks training whether the basic training is done)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._answerer: Callable[P, R] | None = None

    @classmethod
    def like(cls, signature: Callable[P, R], name: str) -> Answer[P, R]:
        """An answer with the arguments and result type of `signature` (a stub)."""
        return cls(name)

    def connect(self, answerer: Callable[P, R]) -> Callable[P, R]:
        if self._answerer is not None and _qualname(self._answerer) != _qualname(
            answerer
        ):
            raise ValueError(f"{self.name} has an answer already.")
        self._answerer = answerer
        return answerer

    @property
    def answerer(self) -> Callable[P, R] | None:
        return self._answerer

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._answerer is None:
            raise LookupError(f"No app answers {self.name}.")
        return self._answerer(*args, **kwargs)
