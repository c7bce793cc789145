"""A hook calls what higher apps connected, once each, in order."""

from __future__ import annotations

import pytest

from ouderbuddy.lib.hooks import Answer, Hook


def first(calls: list[str], what: str) -> None:
    calls.append(f"first {what}")


def second(calls: list[str], what: str) -> None:
    calls.append(f"second {what}")


def test_receivers_run_in_order_and_are_connected_once() -> None:
    hook: Hook[[list[str], str]] = Hook("test.step")
    hook.connect(first)
    hook.connect(second)
    hook.connect(first)  # ready() twice: still once
    calls: list[str] = []
    hook(calls, "x")
    assert calls == ["first x", "second x"]
    assert hook.receivers == (first, second)


def test_an_exception_in_a_receiver_stops_the_step() -> None:
    hook: Hook[[]] = Hook("test.failing")

    def broken() -> None:
        raise RuntimeError("nee")

    hook.connect(broken)
    with pytest.raises(RuntimeError):
        hook()


def test_the_project_hooks_are_connected() -> None:
    """Each hook the apps declare has the receivers their higher apps connect in
    ready(): without them a withdrawn request would keep its proposal."""
    from ouderbuddy.accounts.hooks import invitation_accepted
    from ouderbuddy.buddies.hooks import buddy_unavailable
    from ouderbuddy.intake.hooks import consent_withdrawn, request_stopped
    from ouderbuddy.matching.hooks import match_started

    names = {
        hook.name: [r.__module__ + "." + r.__qualname__ for r in hook.receivers]
        for hook in (
            invitation_accepted,
            buddy_unavailable,
            request_stopped,
            consent_withdrawn,
            match_started,
        )
    }
    from ouderbuddy.buddies.hooks import has_basic_training, training_record

    for answer, function in (
        (has_basic_training, "has_basic_training"),
        (training_record, "training_record"),
    ):
        answerer = answer.answerer
        assert answerer is not None
        assert (answerer.__module__, answerer.__qualname__) == (
            "ouderbuddy.training.selectors",
            function,
        )
    assert names == {
        "accounts.invitation_accepted": ["ouderbuddy.buddies.services.link_account"],
        "buddies.buddy_unavailable": ["ouderbuddy.matching.services.cancel_for_buddy"],
        "intake.request_stopped": ["ouderbuddy.matching.services.cancel_for_request"],
        "intake.consent_withdrawn": [
            "ouderbuddy.evaluation.services.research_consent_withdrawn"
        ],
        "matching.match_started": [
            "ouderbuddy.casework.services.schedule_check_ins",
            "ouderbuddy.evaluation.services.start_match",
        ],
    }
    from ouderbuddy.casework.hooks import closure_questionnaires

    answerer = closure_questionnaires.answerer
    assert answerer is not None
    assert answerer.__qualname__ == "closure_questionnaires"
    assert answerer.__module__ == "ouderbuddy.evaluation.services"


def test_an_answer_has_one_answerer_and_says_when_there_is_none() -> None:
    answer: Answer[[int], int] = Answer("test.double")
    with pytest.raises(LookupError):
        answer(2)
    answer.connect(lambda n: n * 2)
    assert answer(2) == 4
    with pytest.raises(ValueError, match="has an answer already"):
        answer.connect(first)  # type: ignore[arg-type]
