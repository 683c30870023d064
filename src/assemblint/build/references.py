"""References: resolving `units[*].chip.c[0:4]` to the objects, pads and instances it names (E002).

Masses, leads, nets, layers and process steps all name other objects. A reference starts with a
name in the current scope and walks on through cell instances, elements and their pads, and the
indices of arrays; every step that does not fit is an E002 that says why. A name whose own
declaration failed resolves to a silent failure (`Unbuilt`), so one error does not cascade.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from assemblint.base.diagnostics import Location, did_you_mean
from assemblint.build.state import BuildState, Built, PadSel, PlacedCell, Resolved, Scope, Unbuilt
from assemblint.language import syntax_tree as st
from assemblint.language.values import Problem
from assemblint.model.assembly import Element, Layer, LeadGroup, MassGroup, NetGroup, PadArray, Selection


class References(BuildState):
    """Resolving references in a scope; used by everything that names another object."""

    def _lookup(self, scope: Scope, name: str, loc: Location) -> Built:
        if name in scope.objects:
            return scope.objects[name]
        if name in scope.declarations:
            raise Unbuilt()
        known = (n for n, (s, _) in scope.declarations.items() if not isinstance(s, st.Let | st.CellDecl))
        where = f" in cell instance `{scope.prefix[:-1]}`" if scope.prefix else ""
        raise Problem("E002", f"unknown name `{name}`{where}" + did_you_mean(name, known), loc)

    def resolve(self, scope: Scope, ref: st.Ref) -> Sequence[Resolved]:
        """Resolve a reference to a list of objects: PadSel, Selection (masses/leads/nets), Element,
        Layer, or Scope (a cell instance)."""
        target = self._lookup(scope, ref.head, ref.loc)
        return self._walk(target, ref.parts[1:], ref)

    def _walk(self, target: Built, rest: list[str | st.Index], ref: st.Ref) -> Sequence[Resolved]:
        if isinstance(target, PlacedCell) and not target.placement.indexed:  # `cpu.die`: one instance
            if rest and isinstance(rest[0], st.Index):
                raise Problem(
                    "E002",
                    f"`{target.placement.name}` is one placed instance, not a grid: write `{target.placement.name}."
                    "NAME` without an index",
                    ref.loc,
                )
            if not rest:
                return target.built([0])
            if isinstance(rest[0], str):
                out_one: list[Resolved] = []
                for instance in target.built([0]):
                    out_one.extend(self._walk(self._lookup(instance, rest[0], ref.loc), rest[1:], ref))
                return out_one
        if isinstance(target, PlacedCell):
            if not rest or not isinstance(rest[0], st.Index):
                if not rest:
                    return target.built(range(target.placement.count))
                raise Problem(
                    "E002",
                    f"`{target.placement.name}` is a grid of cells: select instances, as in "
                    f"`{target.placement.name}[*].{rest[0]}`",
                    ref.loc,
                )
            chosen = _select(rest[0], target.placement.count, target.placement.name, ref.loc)
            rest = rest[1:]
            if not rest:
                return target.built(chosen.tolist())
            name = rest[0]
            if isinstance(name, st.Index):  # `units[0][1]`: a grid of cells takes one index
                raise Problem(
                    "E002",
                    f"`{target.placement.name}` is a grid of cells: it takes one index, then a name, as in "
                    f"`{target.placement.name}[0].chip`",
                    ref.loc,
                )
            out: list[Resolved] = []
            for instance in target.built(chosen.tolist()):
                inner = self._lookup(instance, name, ref.loc)
                out.extend(self._walk(inner, rest[1:], ref))
            return out
        if isinstance(target, Element):
            if not rest:
                return [target]
            name = rest[0]
            if isinstance(name, st.Index):
                raise Problem("E002", f"`{target.name}` is an element, not an array", ref.loc)
            array = target.pads.get(name)
            if array is None:
                raise Problem(
                    "E002", f"element `{target.name}` has no pad `{name}`" + did_you_mean(name, target.pads), ref.loc
                )
            return [self._pad_selection(array, rest[1:], ref)]
        if isinstance(target, MassGroup | LeadGroup | NetGroup):
            if not rest:
                return [Selection(target)]
            if len(rest) > 1 or not isinstance(rest[0], st.Index):
                raise Problem("E002", f"`{ref}`: `{target.name}` has no parts", ref.loc)
            if not target.indexed:
                raise Problem(
                    "E002", f"`{target.name}` is a single object, not an array: write it without `{rest[0]}`", ref.loc
                )
            if self.windowed is not None and id(target) in self.windowed.pending and rest[0].kind != "every":
                # indices of the whole group, not of the window's masses: the run builds it whole
                self.windowed.refuse("it names masses joined to bump-map pads by index")
                return [Selection(target, np.zeros(0, dtype=np.int64))]
            return [Selection(target, _select(rest[0], target.count, target.name, ref.loc))]
        if isinstance(target, Layer):
            if rest:
                raise Problem("E002", f"`{ref}`: layer `{target.name}` has no parts", ref.loc)
            return [target]
        raise Problem("E002", f"`{ref}` does not name a pad, mass, layer or element", ref.loc)

    def _pads_of(self, scope: Scope, ref: st.Ref) -> PadSel:
        found = self.resolve(scope, ref)
        if not all(isinstance(x, PadSel) for x in found) or not found:
            raise Problem("E002", f"`{ref}` does not name pads (write it as `element.pad[…]`)", ref.loc)
        return PadSel.concat(cast("Sequence[PadSel]", found))  # all pads, checked above

    def _masses_of(self, scope: Scope, ref: st.Ref) -> list[Selection]:
        found = self.resolve(scope, ref)
        out: list[Selection] = []
        for item in found:
            if isinstance(item, Scope):
                out.extend(Selection(o) for o in item.objects.values() if isinstance(o, MassGroup))
            elif isinstance(item, Selection) and isinstance(item.target, MassGroup):
                out.append(item)
            else:
                raise Problem("E002", f"`{ref}` does not name masses", ref.loc)
        return out

    def _element_of(self, scope: Scope, ref: st.Ref) -> Element:
        found = self.resolve(scope, ref)
        if len(found) != 1 or not isinstance(found[0], Element):
            raise Problem("E002", f"`{ref}` does not name one element", ref.loc)
        return found[0]

    def _pad_selection(self, array: PadArray, rest: list[str | st.Index], ref: st.Ref) -> PadSel:
        if len(rest) > 1 or (rest and not isinstance(rest[0], st.Index)):
            raise Problem("E002", f"`{ref}`: a pad has no parts", ref.loc)
        local = None
        if self.windowed is not None and id(array) in self.windowed.pending:
            self.windowed.uses += 1  # allowed only as a whole map joined by position (masses.py)
            some = bool(rest) and cast("st.Index", rest[0]).kind != "every"
            self.windowed.last = (array, some)
            if some:  # indices of the whole map, not of the window's rows: the run builds it whole
                self.windowed.refuse("it names bump-map pads by index")
                local = np.zeros(0, dtype=np.int64)
                rest = []
        if rest:
            if not array.indexed:
                raise Problem(
                    "E002",
                    f"`{array.qualified_name}` is a single pad, not an array: write it without `{rest[0]}`",
                    ref.loc,
                )
            local = _select(cast("st.Index", rest[0]), array.count, array.qualified_name, ref.loc)  # checked above
        if local is None:
            local = np.arange(array.count)
        diam = (
            array.diameter_of_each()[local]
            if array.diameters is not None
            else np.full(len(local), np.nan if array.diameter is None else array.diameter)
        )
        return PadSel(local + array.start, diam, np.full(len(local), array.element.index))


def _select(index: st.Index, count: int, what: str, loc: Location) -> np.ndarray:
    """Indices chosen by `[i]`, `[*]` or `[a:b]` in an array of `count`, checked (E002)."""
    if index.kind == "every":
        return np.arange(count)
    if index.kind == "at":
        assert index.start is not None
        if index.start >= count:
            raise Problem(
                "E002", f"`{what}{index}` does not exist: `{what}` has {count} (indices 0 to {count - 1})", loc
            )
        return np.array([index.start])
    start = 0 if index.start is None else index.start
    stop = count if index.stop is None else index.stop
    if stop > count:
        raise Problem(
            "E002", f"`{what}{index}` goes past the end: `{what}` has {count} (indices 0 to {count - 1})", loc
        )
    if start >= stop:
        raise Problem("E008", f"`{what}{index}` is empty", loc)
    return np.arange(start, stop)
