"""Where masses and pads sit, face by face, and a spatial index over them (scipy's cKDTree).

A mass is at the position of its first pad, on both elements it joins (LANGUAGE.md), and it
touches one face of each: the face of its pad there. Two things can only meet on the same face
of the same element, so every point carries its (element, face) as a third coordinate, spaced
so far apart that no search radius bridges two faces: one tree answers for every face at once,
which keeps a panel of ten thousand cells to one tree instead of ten thousand.

Measured (benchmarks/bench_insulation.py): cKDTree builds over two million 3-D points in about
a second, and `query_pairs` / `sparse_distance_matrix` with ndarray output stay in C; shapely's
STRtree over circles would add a dependency and build polygons, for the same answers.
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

    def coordinates(self, spread: float) -> np.ndarray:
        return np.column_stack([self.x, self.y, self.key.astype(float) * spread])


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


def spread_for(netlist: Netlist, radius: float) -> float:
    """A spacing of faces along the third axis that no search of `radius` can cross."""
    extent = float(np.abs(np.concatenate([netlist.pad_x, netlist.pad_y, [0.0]])).max())
    return 4.0 * (extent + radius) + 1.0


def close_pairs(points: FacePoints, radius: float, spread: float) -> np.ndarray:
    """Index pairs (i < j) of points on the same face closer than `radius`, centre to centre."""
    if len(points.owner) < 2 or radius <= 0:
        return np.zeros((0, 2), dtype=np.int64)
    tree = cKDTree(points.coordinates(spread))
    return tree.query_pairs(radius, output_type="ndarray")


def near(a: FacePoints, b: FacePoints, radius: float, spread: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(i in a, j in b, distance) for points of a and b on the same face within `radius`."""
    if len(a.owner) == 0 or len(b.owner) == 0 or radius <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    found = cKDTree(a.coordinates(spread)).sparse_distance_matrix(
        cKDTree(b.coordinates(spread)), radius, output_type="ndarray"
    )
    return found["i"].astype(np.int64), found["j"].astype(np.int64), found["v"]


def face_name(assembly, key: int) -> str:
    """`die front`: the element and face a key stands for."""
    return f"{assembly.elements[key // 2].name} {FACE_NAMES[key % 2]}"
