"""base/arrays.py: distinct values and pairs by sorting equal numpy's `unique`."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as hs

from assemblint.base.arrays import distinct, distinct_pairs

integers = hs.lists(hs.integers(-(2**40), 2**40), max_size=60)


@settings(max_examples=200, deadline=None)
@given(integers, integers)
def test_distinct_pairs_are_numpys_unique_rows(first, second) -> None:
    n = min(len(first), len(second))
    a, b = np.array(first[:n], dtype=np.int64), np.array(second[:n], dtype=np.int64)
    expected = np.unique(np.column_stack([a, b]), axis=0) if n else np.zeros((0, 2), np.int64)
    found = distinct_pairs(a, b)
    assert found.shape == expected.shape and (found == expected).all()
    assert (distinct(a) == np.unique(a)).all()


def test_small_ranges_are_packed_and_sorted_in_order() -> None:
    # spans that fit one int64: (node, net) as the node rules have them, negatives included
    a = np.array([3, 1, 3, 1, -2, 3])
    b = np.array([0, 5, 0, -1, 7, 2])
    assert distinct_pairs(a, b).tolist() == [[-2, 7], [1, -1], [1, 5], [3, 0], [3, 2]]
