"""Hierarchical checking: which placed cell instances are built one by one, and which one stands for many.

A `place units : Unit grid 20 x 30` makes 600 instances of one cell. Instances that nothing outside
the cell tells apart — no statement outside names them one by one or joins, connects, nets, layers
or leads them to anything — give the same findings, only under other names: each instance has its
own elements, so masses of two instances never share a face, a net or a pair of joined elements.
The builder makes one *representative* for all of them (the lowest index) and builds the others
only when something reaches into them ("distinct" instances). Findings name every instance a
representative stands for (`units[0:600].m[0:2000]`) and count them all, so the report equals the
flat one (`--flat`), at the cost of one instance instead of 600.

What reaches into an instance is found from the references written outside it:
- a *uniform* reference is one that treats every instance alike: in a process step's `forms`,
  `mixes` or `requires`, `units[*].m` (or a slice covering all of them) forms the same masses in
  every instance, so it keeps them interchangeable;
- any other reference (a mass joining `units[3].sheet.t[0]`, a net, a layer's `between`, a lead, or
  a step naming `units[0:2]`) makes every instance it selects distinct.
Waivers are matched by name after the fact and never make an instance distinct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

from assemblint.language import syntax_tree as st


@dataclass(frozen=True)
class Reach:
    """A reference from outside a scope into it: the parts still to resolve, and whether it is uniform."""

    parts: tuple[str | st.Index, ...]
    uniform: bool


@dataclass
class InstancePlan:
    """How a placement is built: the instances built, and what each representative stands for."""

    built: list[int]  # indices in increasing order
    represents: dict[int, np.ndarray] = field(default_factory=dict)  # representative -> every index it stands for
    reaches: dict[int, list[Reach]] = field(default_factory=dict)  # built index -> references into it


def refs_in(stmt: st.Statement) -> Iterator[st.Ref]:
    """Every reference written in a statement (its properties, members, steps), in order."""
    if isinstance(stmt, st.Declaration):
        for prop in stmt.properties:
            if isinstance(prop, st.Property):  # not st.PadRows: a pad names nothing
                yield from _refs_in_values(prop.args)
    elif isinstance(stmt, st.NetDecl):
        yield from stmt.members
    elif isinstance(stmt, st.Place):
        yield from _refs_in_values(stmt.args)
    elif isinstance(stmt, st.ProcessDecl):
        for step in stmt.steps:
            for prop in step.properties:
                yield from _refs_in_values(prop.args)


def _refs_in_values(values: Iterable[object]) -> Iterator[st.Ref]:
    for value in values:
        if isinstance(value, st.Ref):
            yield value
        elif isinstance(value, st.Group):
            yield from _refs_in_values(value.items)
        elif isinstance(value, st.BinOp):
            yield from _refs_in_values((value.left, value.right))
        elif isinstance(value, st.Neg):
            yield from _refs_in_values((value.operand,))


def reaches_of(statements: Iterable[st.Statement], heads: set[str]) -> list[Reach]:
    """The references to `heads` (placement names) in statements; those in process steps are uniform.

    Looks at nothing when there is no placement, so a flat design of a million statements pays nothing.
    """
    out: list[Reach] = []
    if not heads:
        return out
    for stmt in statements:
        uniform = isinstance(stmt, st.ProcessDecl)
        out.extend(Reach(tuple(ref.parts), uniform) for ref in refs_in(stmt) if ref.parts[0] in heads)
    return out


def plan_instances(name: str, count: int, reaches: Iterable[Reach], hierarchical: bool = True) -> InstancePlan:
    """Which of a placement's `count` instances to build, given the references that reach it.

    `name` is the placement's name in its scope; references with another head are ignored.
    """
    distinct = np.zeros(count, dtype=bool)
    every = np.arange(count)
    per_instance: list[tuple[np.ndarray, Reach]] = []
    for reach in reaches:
        if not reach.parts or reach.parts[0] != name:
            continue
        rest = reach.parts[1:]
        if rest and isinstance(rest[0], st.Index):
            chosen, rest = _chosen(rest[0], count), rest[1:]
        else:  # the whole placement (`forms units`), or a reference the builder will reject
            chosen = every
        inner = Reach(tuple(rest), reach.uniform)
        per_instance.append((chosen, inner))
        if not (reach.uniform and len(chosen) == count):
            distinct[chosen] = True
    if not hierarchical:
        distinct[:] = True
    others = np.flatnonzero(~distinct)
    built = np.flatnonzero(distinct).tolist()
    plan = InstancePlan(built=built)
    if len(others):
        representative = int(others[0])
        plan.built = sorted([*built, representative])
        if len(others) > 1:
            plan.represents[representative] = others
    for i in plan.built:
        plan.reaches[i] = [inner for chosen, inner in per_instance if _selects(chosen, i, count)]
    return plan


def _chosen(index: st.Index, count: int) -> np.ndarray:
    """The instances an index selects, clipped to the placement (the builder reports bad indices)."""
    if index.kind == "every":
        return np.arange(count)
    if index.kind == "at":
        return np.array([index.start], dtype=np.int64) if index.start is not None and index.start < count else _NONE
    start = 0 if index.start is None else index.start
    stop = count if index.stop is None else min(index.stop, count)
    return np.arange(start, stop) if start < stop else _NONE


_NONE = np.zeros(0, dtype=np.int64)


def _selects(chosen: np.ndarray, i: int, count: int) -> bool:
    return len(chosen) == count or bool(np.any(chosen == i))


# ------------------------------------------------------------------ names of what a representative stands for


class Represented(Mapping[str, list[str]]):
    """Instance prefixes (`units[0].`) -> the prefixes of every instance each stands for, itself first.

    Nested placements compose: `units[0].sub[0].m` expands over both levels.
    """

    def __init__(self) -> None:
        self._map: dict[str, list[str]] = {}

    def add(self, prefix: str, prefixes: list[str]) -> None:
        self._map[prefix] = prefixes

    def seal(self) -> None:
        """Read-only once the design is built (Assembly.seal): `add` then raises."""
        from assemblint.model.readonly import frozen_dict, frozen_list, seal

        self._map = frozen_dict({k: frozen_list(v) for k, v in self._map.items()})
        seal(self)

    def __getitem__(self, key: str) -> list[str]:
        return self._map[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._map)

    def __len__(self) -> int:
        return len(self._map)

    def expand(self, name: str) -> list[str]:
        """Every name a representative's object stands for (just `[name]` outside representatives)."""
        if not self._map:
            return [name]
        names = [name]
        for cut in _prefix_cuts(name):  # innermost level first, so outer prefixes stay intact
            prefix = name[:cut]
            replacements = self._map.get(prefix)
            if replacements:
                names = [p + n[cut:] for n in names for p in replacements]
        return names

    def weight(self, name: str) -> int:
        """How many objects a name stands for: the product of its levels' instance counts."""
        if not self._map:
            return 1
        total = 1
        for cut in _prefix_cuts(name):
            replacements = self._map.get(name[:cut])
            if replacements:
                total *= len(replacements)
        return total


_LEVEL = re.compile(r"\]\.")


def _prefix_cuts(name: str) -> list[int]:
    """Where instance prefixes end in a name (`units[0].sub[1].m` -> after `units[0].sub[1].`, `units[0].`)."""
    return [m.end() for m in _LEVEL.finditer(name)][::-1]
