"""Property tests of the results' maths (evaluation/stats.py): no figure over one to
four people, and the paired change equal to a reference computation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from ouderbuddy.evaluation import stats

scores = st.floats(min_value=0, max_value=10, allow_nan=False, allow_infinity=False)
pairs = st.tuples(scores, scores)


@given(st.lists(scores, max_size=stats.MIN_CELL - 1))
def test_no_mean_over_fewer_than_five(values):
    assert stats.mean_of(values) is None


@given(st.lists(pairs, max_size=stats.MIN_CELL - 1))
def test_no_change_over_fewer_than_five_pairs(values):
    assert stats.paired_change(values) is None


@given(st.integers(0, stats.MIN_CELL - 1), st.data())
def test_no_rate_over_fewer_than_five_invited(invited, data):
    answered = data.draw(st.integers(0, invited))
    assert stats.response_rate(invited=invited, answered=answered) is None


people = st.integers(0, 30).map(str)


@given(st.dictionaries(people, scores), st.dictionaries(people, scores))
def test_pairs_are_only_people_with_both_answers(before, after):
    found = stats.pairs_of(before, after)
    assert len(found) == len(before.keys() & after.keys())
    change = stats.paired_change(found)
    assert (change is None) == (len(found) < stats.MIN_CELL)


@settings(max_examples=200)
@given(st.lists(pairs, min_size=stats.MIN_CELL, max_size=60))
def test_paired_change_equals_the_reference_computation(values):
    before = np.array([b for b, _ in values])
    after = np.array([a for _, a in values])
    change = stats.paired_change(values)
    assert change is not None and change.n == len(values)
    differences = after - before
    assert change.mean == pytest.approx(float(differences.mean()), abs=1e-9)
    if np.allclose(differences, differences[0]):
        # No spread: the interval is the mean itself.
        assert change.low == pytest.approx(change.mean, abs=1e-6)
        assert change.high == pytest.approx(change.mean, abs=1e-6)
        return
    reference = scipy_stats.ttest_rel(after, before).confidence_interval(0.95)
    assert change.low == pytest.approx(float(reference.low), abs=1e-6)
    assert change.high == pytest.approx(float(reference.high), abs=1e-6)


@given(st.lists(scores, min_size=stats.MIN_CELL, max_size=60))
def test_mean_and_sd_equal_numpy(values):
    found = stats.mean_of(values)
    assert found is not None
    assert found.mean == pytest.approx(float(np.mean(values)), abs=1e-9)
    assert found.sd == pytest.approx(float(np.std(values, ddof=1)), abs=1e-9)


def test_a_known_example():
    change = stats.paired_change([(2, 3), (2, 4), (3, 3), (1, 3), (2, 2)])
    assert change is not None
    assert change.mean == pytest.approx(1.0)
    # Differences 1, 2, 0, 2, 0: mean 1, sample variance 4 / 4 = 1.
    margin = scipy_stats.t.ppf(0.975, 4) * 1.0 / math.sqrt(5)
    assert change.high == pytest.approx(1.0 + margin)
    assert not change.excludes_zero  # -0.24 to 2.24: five people, wide interval
    assert stats.paired_change([(2, 3)] * 5).excludes_zero


def test_bad_values_are_refused():
    with pytest.raises(ValueError):
        stats.mean_of([1, 2, 3, 4, float("nan")])
    with pytest.raises(ValueError):
        stats.response_rate(invited=5, answered=6)
