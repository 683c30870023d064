"""The netlist as arrays: global ids for pads, masses and leads, their edges, and electrical nodes.

Ids: pads are 0..P-1, masses P..P+M-1, leads P+M..P+M+L-1 in the node numbering used for
connectivity. Electrical nodes are the connected components of the joins, leads and element
`connect`s, computed once with scipy's sparse graph routines (linear time, no Python loop per
object) and shared by every rule. The networkx graph (graph.py) is built from these arrays only
when something asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assemblint.model.assembly import Assembly, Selection
from assemblint.model.readonly import frozen, seal

FACE_CODE = {"front": 0, "back": 1}


def _extent(side: float | None, diameter: float | None) -> float:
    return side if side is not None else diameter if diameter is not None else np.nan


def _corner(corner: float | None, diameter: float | None) -> float:
    return corner if corner is not None else diameter / 2 if diameter is not None else np.nan


@dataclass
class Netlist:
    pad_x: np.ndarray
    pad_y: np.ndarray
    pad_diameter: np.ndarray  # nan where none is given (and for pads that are not round)
    # every pad's shape as a rounded rectangle in the assembly's frame (STACK.md §3): a round pad
    # is D x D with corner D/2, `size W x H round R` is W x H with corner R; nan where no size is given
    pad_width: np.ndarray
    pad_height: np.ndarray
    pad_corner: np.ndarray
    pad_face: np.ndarray  # 0 front, 1 back
    pad_element: np.ndarray  # index into Assembly.elements
    pad_array: np.ndarray  # index into Assembly.pad_arrays
    mass_pad_a: np.ndarray
    mass_pad_b: np.ndarray  # -1 for a mass not yet joined to a second element
    mass_group: np.ndarray  # index into Assembly.mass_groups
    mass_diameter: np.ndarray
    # every mass's shape as a rounded rectangle (see pad_width): `size W x H` is W x H with corner 0;
    # a `diameter` D (given, or the smaller of its round pads') is D x D with corner D/2; a mass with
    # neither and pads that are not round takes the shape of the smaller of its two pads
    mass_width: np.ndarray
    mass_height: np.ndarray
    mass_corner: np.ndarray
    lead_pad: np.ndarray
    lead_mass: np.ndarray  # -1 where the lead ends on a pad
    lead_to_pad: np.ndarray  # -1 where the lead ends on a mass
    lead_group: np.ndarray
    connect_a: np.ndarray
    connect_b: np.ndarray
    #: how many masses each built mass stands for: 1, or the instances its placed-cell
    #: representative stands for (hierarchy.py); a rule that counts pairs itself weighs by it
    mass_weight: np.ndarray

    @property
    def pad_count(self) -> int:
        return len(self.pad_x)

    @property
    def mass_count(self) -> int:
        return len(self.mass_pad_a)

    @property
    def lead_count(self) -> int:
        return len(self.lead_pad)

    @classmethod
    def build(cls, assembly: Assembly) -> Netlist:
        arrays = assembly.pad_arrays
        groups = assembly.mass_groups
        leads = assembly.lead_groups

        def cat(parts: list[np.ndarray], dtype) -> np.ndarray:
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

        def fill(sizes: list[int], values: list) -> list[np.ndarray]:
            """Each value repeated its group's size times, as one array (not one per group: an explicit
            design has a group per pad and per mass)."""
            return [np.repeat(np.asarray(values), sizes)] if sizes else []

        pad_sizes = [a.count for a in arrays]
        weights = [assembly.represented.weight(g.name) for g in groups]
        netlist = cls(
            pad_x=cat([a.x for a in arrays], float),
            pad_y=cat([a.y for a in arrays], float),
            pad_diameter=cat(fill(pad_sizes, [np.nan if a.diameter is None else a.diameter for a in arrays]), float),
            pad_width=cat(fill(pad_sizes, [_extent(a.width, a.diameter) for a in arrays]), float),
            pad_height=cat(fill(pad_sizes, [_extent(a.height, a.diameter) for a in arrays]), float),
            pad_corner=cat(fill(pad_sizes, [_corner(a.corner, a.diameter) for a in arrays]), float),
            pad_face=cat(fill(pad_sizes, [FACE_CODE[a.face] for a in arrays]), np.int8),
            pad_element=cat(fill(pad_sizes, [a.element.index for a in arrays]), np.int64),
            pad_array=cat(fill(pad_sizes, list(range(len(arrays)))), np.int64),
            mass_pad_a=cat([g.pads_a for g in groups], np.int64),
            mass_pad_b=cat([g.pads_b if g.pads_b is not None else np.full(g.count, -1) for g in groups], np.int64),
            mass_group=cat(fill([g.count for g in groups], list(range(len(groups)))), np.int64),
            mass_diameter=cat([g.diameter for g in groups], float),
            mass_width=np.zeros(0),  # filled below, from the pads' shapes
            mass_height=np.zeros(0),
            mass_corner=np.zeros(0),
            lead_pad=cat([g.from_pads for g in leads], np.int64),
            lead_mass=cat([g.to_masses for g in leads], np.int64),
            lead_to_pad=cat([g.to_pads for g in leads], np.int64),
            lead_group=cat(fill([g.count for g in leads], list(range(len(leads)))), np.int64),
            connect_a=cat([a for a, _, _ in assembly.connects], np.int64),
            connect_b=cat([b for _, b, _ in assembly.connects], np.int64),
            mass_weight=np.repeat(np.array(weights, dtype=np.int64), [g.count for g in groups]),
        )
        for array in arrays:
            part = slice(array.start, array.start + array.count)
            if array.diameters is not None and array.width is None:  # each pad its own diameter (imported)
                each = array.diameter_of_each()
                netlist.pad_diameter[part] = netlist.pad_width[part] = netlist.pad_height[part] = each
                netlist.pad_corner[part] = each / 2
            if array.sides is not None:  # each pad its own square (a table's `size`), where the row gives one
                known = ~np.isnan(array.sides)
                netlist.pad_width[part][known] = array.sides[known]
                netlist.pad_height[part][known] = array.sides[known]
                netlist.pad_corner[part][known] = 0.0
                netlist.pad_diameter[part][known] = np.nan
        netlist.mass_width, netlist.mass_height, netlist.mass_corner = cls._mass_shapes(
            assembly,
            (netlist.pad_width, netlist.pad_height, netlist.pad_corner),
            (netlist.mass_pad_a, netlist.mass_pad_b),
        )
        netlist._default_layer_surrounds(assembly)
        return netlist

    @staticmethod
    def _mass_shapes(
        assembly: Assembly, pad: tuple[np.ndarray, np.ndarray, np.ndarray], mass_pads: tuple[np.ndarray, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mass's width, height and corner (see the field's comment), vectorised over masses."""
        groups = assembly.mass_groups
        counts = [g.count for g in groups]
        diameter = np.concatenate([g.diameter for g in groups]).astype(float) if groups else np.zeros(0)
        width, height, corner = diameter.copy(), diameter.copy(), diameter / 2
        pad_w, pad_h, pad_r = pad
        a, b = mass_pads
        shaped = np.isnan(diameter) & (a >= 0)
        if shaped.any():  # the smaller of its two pads (by the area of their boxes); one pad: that pad
            pa, pb = a[shaped], b[shaped]
            pb = np.where(pb >= 0, pb, pa)
            smaller = np.where(pad_w[pb] * pad_h[pb] < pad_w[pa] * pad_h[pa], pb, pa)
            width[shaped], height[shaped], corner[shaped] = pad_w[smaller], pad_h[smaller], pad_r[smaller]
        sized = [i for i, g in enumerate(groups) if g.extent is not None]
        if sized:
            starts = np.concatenate([[0], np.cumsum(counts)])
            for i in sized:  # one slice per `size` declaration, not per mass
                extent = groups[i].extent
                assert extent is not None
                width[starts[i] : starts[i + 1]], height[starts[i] : starts[i + 1]] = extent
                corner[starts[i] : starts[i + 1]] = 0.0
        return width, height, corner

    def seal(self) -> None:
        """Every array read-only, and no attribute settable (Assembly.seal)."""
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                frozen(value)
        seal(self)

    # ---------------------------------------------------------------- connectivity
    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Every conducting edge as two arrays of node ids (pads, then masses, then leads)."""
        p, m = self.pad_count, self.mass_count
        mass_ids = np.arange(m) + p
        lead_ids = np.arange(self.lead_count) + p + m
        joined = self.mass_pad_b >= 0
        to_mass = self.lead_mass >= 0
        to_pad = self.lead_to_pad >= 0
        src = [mass_ids, mass_ids[joined], lead_ids, lead_ids[to_mass], lead_ids[to_pad], self.connect_a]
        dst = [
            self.mass_pad_a,
            self.mass_pad_b[joined],
            self.lead_pad,
            self.lead_mass[to_mass] + p,
            self.lead_to_pad[to_pad],
            self.connect_b,
        ]
        return np.concatenate(src).astype(np.int64), np.concatenate(dst).astype(np.int64)

    @cached_property
    def node_labels(self) -> np.ndarray:
        """The electrical node of every pad, mass and lead (in node-id order), numbered from 0."""
        from scipy.sparse import coo_matrix, csr_matrix  # imported here: scipy costs ~0.3 s to import
        from scipy.sparse.csgraph import connected_components

        n = self.pad_count + self.mass_count + self.lead_count
        if n == 0:
            return frozen(np.zeros(0, dtype=np.int64))
        src, dst = self.edges()
        if n < 2**31 - 1:  # the CSR matrix made here, with 32-bit indices: twice as fast as from COO
            index = np.int32
            order = np.argsort(src, kind="stable")
            indptr = np.zeros(n + 1, dtype=index)
            np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
            matrix = csr_matrix((np.ones(len(src), dtype=np.int8), dst[order].astype(index), indptr), shape=(n, n))
        else:
            matrix = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n)).tocsr()
        # weakly connected components of the one-way edges: the same nodes as of the undirected
        # graph, without adding the transpose first
        _, labels = connected_components(matrix, directed=True, connection="weak")
        return frozen(labels.astype(np.int64))

    @cached_property
    def adjacency(self):
        """The conducting edges as a symmetric scipy CSR matrix over node ids (for paths)."""
        from scipy.sparse import coo_matrix

        n = self.pad_count + self.mass_count + self.lead_count
        src, dst = self.edges()
        data = np.ones(2 * len(src), dtype=np.int8)
        matrix = coo_matrix((data, (np.concatenate([src, dst]), np.concatenate([dst, src]))), shape=(n, n)).tocsr()
        for array in (matrix.data, matrix.indices, matrix.indptr):
            frozen(array)
        return matrix

    def path(self, source: int, targets: set[int] | int) -> list[int]:
        """A shortest conducting path of node ids from source to the nearest target ([] if none is reached).

        A breadth-first search in Python over the CSR adjacency: it visits only the source's own
        electrical node, so a short on a million-mass design costs the size of that node.
        """
        goal = {targets} if isinstance(targets, int) else set(targets)
        return breadth_first(self.adjacency.indptr, self.adjacency.indices, source, goal)

    def node_name(self, assembly: Assembly, node: int) -> str:
        """The name of a node id: `die.c[8]`, `x`, `l[3]` (pads, then masses, then leads)."""
        pads, masses = self.pad_count, self.mass_count
        if node < pads:
            array = assembly.pad_arrays[int(self.pad_array[node])]
            return array.item_name(node - array.start)
        if node < pads + masses:
            group = assembly.mass_groups[int(self.mass_group[node - pads])]
            return group.item_name(node - pads - group.start)
        lead = assembly.lead_groups[int(self.lead_group[node - pads - masses])]
        return lead.item_name(node - pads - masses - lead.start)

    @property
    def pad_node(self) -> np.ndarray:
        return self.node_labels[: self.pad_count]

    @property
    def mass_node(self) -> np.ndarray:
        return self.node_labels[self.pad_count : self.pad_count + self.mass_count]

    @property
    def lead_node(self) -> np.ndarray:
        return self.node_labels[self.pad_count + self.mass_count :]

    # ---------------------------------------------------------------- layers
    def _default_layer_surrounds(self, assembly: Assembly) -> None:
        """A layer without `surrounds` surrounds every mass joining the two elements it lies between.

        The masses are indexed once by the pair of elements they join, so that a panel of a
        thousand cells, each with its own layer, costs one pass over the masses, not one per layer.
        """
        if not any(layer.surrounds_explicit is None and layer.between is not None for layer in assembly.layers):
            for layer in assembly.layers:
                layer.surrounds = layer.surrounds_explicit or []
            return
        by_pair = self._masses_by_element_pair(assembly)
        for layer in assembly.layers:
            if layer.surrounds_explicit is not None:
                layer.surrounds = layer.surrounds_explicit
                continue
            layer.surrounds = []
            if layer.between is not None:
                e1, e2 = sorted((layer.between[0].index, layer.between[1].index))
                layer.surrounds = list(by_pair.get((e1, e2), []))

    def _masses_by_element_pair(self, assembly: Assembly) -> dict[tuple[int, int], list[Selection]]:
        """(lower element index, higher) -> the selections of masses joining exactly those two."""
        by_pair: dict[tuple[int, int], list[Selection]] = {}
        elements = max(len(assembly.elements), 1)
        for group in assembly.mass_groups:
            if group.pads_b is None or group.count == 0:
                continue
            a = self.pad_element[group.pads_a]
            b = self.pad_element[group.pads_b]
            keys = np.minimum(a, b) * elements + np.maximum(a, b)
            if (keys == keys[0]).all():
                key = int(keys[0])
                by_pair.setdefault(divmod(key, elements), []).append(Selection(group))
                continue
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
            for chunk in np.split(order, bounds):
                key = int(keys[chunk[0]])
                by_pair.setdefault(divmod(key, elements), []).append(Selection(group, np.sort(chunk)))
        return by_pair


def breadth_first(indptr: np.ndarray, indices: np.ndarray, source: int, goal: set[int]) -> list[int]:
    """A shortest path from `source` to the nearest of `goal` over a CSR adjacency, each vertex's
    neighbours in their order there ([] if none is reached): `Netlist.path`, and a rule's path
    over the edges several tiles sent."""
    if source in goal:
        return [source]
    came_from = {source: source}
    frontier = [source]
    while frontier:
        following = []
        for node in frontier:
            for neighbour in indices[indptr[node] : indptr[node + 1]].tolist():
                if neighbour in came_from:
                    continue
                came_from[neighbour] = node
                if neighbour in goal:
                    out = [neighbour]
                    while out[-1] != source:
                        out.append(came_from[out[-1]])
                    return out[::-1]
                following.append(neighbour)
        frontier = following
    return []
