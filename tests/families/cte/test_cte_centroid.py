"""The neutral point summed exactly (plugins/assemblint_cte/_centroid.py): the same to the bit
however the joints are split, as `--tiles` splits them."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from assemblint_cte._centroid import centroid, exact_sum, mean_of


def test_the_exact_sum_is_the_sum_of_the_exact_values() -> None:
    rng = np.random.default_rng(11)
    x = np.concatenate([rng.normal(0, 1e4, 5000), [5e-324, -1e-310, 0.1, 0.2, 0.3, -0.0, 123456.789]])
    exact = sum((Fraction(v) for v in x.tolist()), Fraction(0))
    assert Fraction(exact_sum(x), 1 << 1074) == exact
    assert mean_of(exact_sum(x), len(x)) == float(exact / len(x))


def test_the_centroid_does_not_depend_on_how_the_joints_are_split() -> None:
    # 0.1 + 0.2 + 0.3 in floats is 0.6000000000000001, and 0.3 + 0.2 + 0.1 is 0.6: the exact mean is 0.2
    x = np.array([0.1, 0.2, 0.3])
    assert (x[0] + x[1] + x[2], x[2] + x[1] + x[0]) == (0.6000000000000001, 0.6)
    assert centroid(x, x[::-1]) == (0.2, 0.2)
    rng = np.random.default_rng(3)
    y = rng.uniform(-5000, 5000, 100_001)
    whole = mean_of(exact_sum(y), len(y))
    for cuts in ([1], [17, 50_000, 99_999], list(range(1000, 100_000, 1000))):
        parts = np.split(rng.permutation(y), cuts)
        assert mean_of(sum(exact_sum(p) for p in parts), len(y)) == whole


def test_no_joints_have_no_centroid() -> None:
    assert exact_sum(np.zeros(0)) == 0
    assert np.isnan(mean_of(0, 0))
