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


@pytest.mark.parametrize("order", [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]])
def test_of_points_equally_near_the_least_index_is_the_nearest(order):
    # B: two points at the very same place (a duplicated bump), one midway pair around (10, 0),
    # and one far away; the tree's answer among equals depends on its shape, ours on B alone
    points = np.array([(0.0, 0.0), (0.0, 0.0), (9.0, 0.0), (11.0, 0.0)])[order]
    bx, by = points[:, 0], points[:, 1]
    ax, ay = np.array([0.0, 10.0, 0.4]), np.array([0.0, 0.0, 0.0])
    for tolerance in (1e-6, 0.5, 3.0):
        distance, index = nearest(ax, ay, bx, by, tolerance)
        same = sorted(order.index(k) for k in (0, 1))  # where the two duplicates went
        midway = sorted(order.index(k) for k in (2, 3))
        assert index.tolist() == [same[0], midway[0], same[0]]
        assert distance.tolist() == [0.0, 1.0, 0.4]


def test_a_window_of_duplicated_points_pairs_as_the_whole_set():
    # two copies of every point of B: each point of A pairs with the first copy, whichever subset
    # of B (in B's order) a window holds
    rng = np.random.default_rng(7)
    base = rng.integers(0, 200, size=(300, 2)).astype(float) * 40.0
    b = np.repeat(base, 2, axis=0)  # rows 2k and 2k+1 coincide
    distance, index = nearest(base[:, 0], base[:, 1], b[:, 0], b[:, 1], 1e-6)
    assert (distance == 0).all() and (index % 2 == 0).all()
    keep = np.flatnonzero(b[:, 0] < 4000)  # a window: B's rows in order
    inside = base[:, 0] < 4000
    _, local = nearest(base[inside, 0], base[inside, 1], b[keep, 0], b[keep, 1], 1e-6)
    assert keep[local].tolist() == index[inside].tolist()
