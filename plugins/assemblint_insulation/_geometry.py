"""Where masses and pads sit, face by face, and a spatial index over them (scipy's cKDTree).

A mass is at the position of its first pad, on both elements it joins (LANGUAGE.md), and it
touches one face of each: the face of its pad there. Two things can only meet on the same face
of the same element, so the points are sorted by face and each face gets its own 2-D k-d tree;
`query_pairs` and `sparse_distance_matrix` with ndarray output keep the search in C.

Measured with `python benchmarks/bench_insulation.py --per-face` (1,000,000 masses, 2,000,000
face points): one 3-D tree with the face as a spread-out third coordinate took 2.0 s (one big
face) and 1.2 s (20,000 small faces) for IN003's search, one 2-D tree per face 1.0 s and 0.9 s,
so the rules use per-face trees. For IN005, a radius-bounded k-nearest query (`query`, k = 4,
asking again only where all 4 were found) replaced `sparse_distance_matrix`: 4.0 s -> 2.6 s for a
million masses. Shapely's STRtree would add a dependency and build a polygon
per circle for the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from assemblint.netlist import Netlist

FACE_NAMES = ("front", "back")


@dataclass
class FacePoints:
    """Points on element faces: `owner` (mass or pad id), `key` (element * 2 + face), x, y."""

    owner: np.ndarray
    key: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def faces(self) -> dict[int, np.ndarray]:
        """Face key -> the indices of the points on that face."""
        order = np.argsort(self.key, kind="stable")
        keys = self.key[order]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate([[0], bounds]).astype(np.int64)
        return dict(zip(keys[starts].tolist(), np.split(order, bounds), strict=True)) if len(order) else {}

    def xy(self, index: np.ndarray) -> np.ndarray:
        return np.column_stack([self.x[index], self.y[index]])


def mass_sides(netlist: Netlist) -> FacePoints:
    """Every mass once per element face it touches (twice for a joined mass)."""
    masses = np.arange(netlist.mass_count)
    joined = netlist.mass_pad_b >= 0
    owner = np.concatenate([masses, masses[joined]])
    pads = np.concatenate([netlist.mass_pad_a, netlist.mass_pad_b[joined]])
    first = netlist.mass_pad_a[owner]  # the mass sits at its first pad, on both sides
    return FacePoints(owner, _key(netlist, pads), netlist.pad_x[first], netlist.pad_y[first])


def pads_on_faces(netlist: Netlist) -> FacePoints:
    pads = np.arange(netlist.pad_count)
    return FacePoints(pads, _key(netlist, pads), netlist.pad_x, netlist.pad_y)


def _key(netlist: Netlist, pads: np.ndarray) -> np.ndarray:
    return netlist.pad_element[pads].astype(np.int64) * 2 + netlist.pad_face[pads]


def close_pairs(points: FacePoints, radius: float) -> np.ndarray:
    """Index pairs (i, j) of points on the same face closer than `radius`, centre to centre."""
    found = [np.zeros((0, 2), dtype=np.int64)]
    if radius > 0:
        for index in points.faces().values():
            if len(index) > 1:
                pairs = cKDTree(points.xy(index)).query_pairs(radius, output_type="ndarray")
                found.append(index[pairs])
    return np.concatenate(found)


def near(a: FacePoints, b: FacePoints, radius: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i in a, j in b, distance) for points of a and b on the same face within `radius`.

    A k-nearest query bounded by `radius` (vectorised in C): a few neighbours per point, and
    only the points that found all k ask again for more.
    """
    i, j, v = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0)]
    if radius > 0:
        faces_b = b.faces()
        for key, index_a in a.faces().items():
            index_b = faces_b.get(key)
            if index_b is None:
                continue
            tree, points = cKDTree(b.xy(index_b)), a.xy(index_a)
            rows, k = np.arange(len(index_a)), min(4, len(index_b))
            while len(rows):
                distance, found = tree.query(points[rows], k=k, distance_upper_bound=radius)
                distance, found = distance.reshape(len(rows), k), found.reshape(len(rows), k)
                full = found[:, -1] < len(index_b)  # all k within reach: there may be more
                done = ~full if k < len(index_b) else np.ones(len(rows), dtype=bool)
                hit = (found < len(index_b)) & done[:, None]
                row, col = np.nonzero(hit)
                i.append(index_a[rows[row]])
                j.append(index_b[found[row, col]])
                v.append(distance[row, col])
                rows, k = rows[~done], min(k * 4, len(index_b))
    return np.concatenate(i), np.concatenate(j), np.concatenate(v)


def face_name(assembly, key: int) -> str:
    """`die front`: the element and face a key stands for."""
    return f"{assembly.elements[key // 2].name} {FACE_NAMES[key % 2]}"
