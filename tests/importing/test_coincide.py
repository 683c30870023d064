"""build/coincide.py: the nearest pad found by sorting cells equals a k-d tree's answer, always."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy.spatial import cKDTree

from assemblint.build.coincide import nearest


def tree_answer(ax, ay, bx, by):
    distance, index = cKDTree(np.column_stack([bx, by])).query(np.column_stack([ax, ay]))
    return np.asarray(distance), np.asarray(index)


coordinate = hs.floats(-2000, 2000, allow_nan=False).map(lambda v: round(v * 4) / 4)  # on a quarter-µm grid


@settings(max_examples=200, deadline=None)
@given(
    hs.lists(hs.tuples(coordinate, coordinate), min_size=1, max_size=40),
    hs.lists(hs.tuples(coordinate, coordinate), min_size=0, max_size=40),
    hs.sampled_from([1e-6, 0.25, 1.0, 3.0]),
)
def test_the_nearest_point_and_its_distance_are_a_k_d_trees(b_points, jitter_points, tolerance):
    bx, by = (np.array(v, dtype=float) for v in zip(*b_points, strict=True))
    a = b_points + jitter_points  # some coincide, some do not
    ax, ay = (np.array(v, dtype=float) for v in zip(*a, strict=True))
    distance, index = nearest(ax, ay, bx, by, tolerance)
    expected_distance, _ = tree_answer(ax, ay, bx, by)
    assert np.allclose(distance, expected_distance)
    assert np.allclose(np.hypot(ax - bx[index], ay - by[index]), expected_distance)  # ties may pick either


def test_a_million_coinciding_pads_pair_exactly():
    side = 1000
    i = np.arange(side * side)
    x, y = (i % side) * 40.0 - 20000.0, (i // side) * 40.0 + 0.5
    order = np.random.default_rng(1).permutation(len(i))
    distance, index = nearest(x, y, x[order], y[order], 1.0)
    assert (distance == 0).all()
    assert (order[index] == i).all()


@pytest.mark.parametrize("offset", [0.0, 0.5, 0.99, 1.01])
def test_a_pad_off_by_the_tolerance_finds_the_same_partner_as_a_tree(offset):
    bx, by = np.array([0.0, 10.0]), np.array([0.0, 0.0])
    ax, ay = np.array([offset]), np.array([0.0])
    distance, index = nearest(ax, ay, bx, by, 1.0)
    assert distance[0] == pytest.approx(offset) and index[0] == 0
