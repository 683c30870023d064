"""Leads: `lead`/`leads NAME : MATERIAL { from PADS to MASSES-or-PADS; shape … }`, zipped one to one.

A lead runs from pads to masses or to other pads; both sides must have the same length (E005).
Its leads are numbered globally in build order, after the masses they may end on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np

from assemblint.build.materials import Materials
from assemblint.build.references import References
from assemblint.build.state import PadSel, Scope
from assemblint.language import syntax_tree as st
from assemblint.language.values import Args, Problem
from assemblint.model.assembly import LEAD_SHAPES, LeadGroup, MassGroup, Selection

LEAD_PROPERTIES = ("from", "shape")


class Leads(References, Materials):
    """Lead declarations."""

    def _lead(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None and decl.base is not None and decl.base_loc is not None
        material = self._guard(self._material_ref, decl.base, decl.base_loc)
        start = end = None
        shape = None
        for prop in decl.properties:
            if prop.name not in LEAD_PROPERTIES:
                self._unknown_property(prop, LEAD_PROPERTIES, "lead")
                continue
            args = Args(prop, self.lets)
            if prop.name == "shape":
                shape = self._guard(lambda a: a.word("a shape such as `s`", LEAD_SHAPES, what="lead shape"), args)
                self._guard(args.end)
            else:
                result = self._guard(self._lead_ends, scope, decl, prop, args)
                if result:
                    start, end = result
        if start is None or end is None:
            if not any(p.name == "from" for p in decl.properties):
                self._error("E001", f"lead `{decl.name}` has no `from … to …`", decl.loc)
            return
        n = len(start)
        to_masses = np.full(n, -1, dtype=np.int64)
        to_pads = np.full(n, -1, dtype=np.int64)
        if isinstance(end, PadSel):
            to_pads = end.ids
        else:
            to_masses = np.concatenate([_mass_ids(sel) for sel in end]) if end else to_masses
        group = LeadGroup(
            scope.qualified(decl.name),
            decl.keyword == "leads",
            decl.loc,
            material,
            shape,
            start.ids,
            to_masses,
            to_pads,
            start=self.lead_total,
        )
        self.lead_total += group.count
        scope.objects[decl.name] = group
        self.assembly.lead_groups.append(group)

    def _lead_ends(
        self, scope: Scope, decl: st.Declaration, prop: st.Property, args: Args
    ) -> tuple[PadSel, PadSel | list[Selection]]:
        from_ref = args.ref("pads such as `chip.c[*]`")
        start = self._pads_of(scope, from_ref)
        args.keyword("to")
        to_ref = args.ref("masses or pads")
        args.end()
        found = self.resolve(scope, to_ref)
        end: PadSel | list[Selection]
        if found and all(isinstance(x, PadSel) for x in found):
            end = PadSel.concat(cast("Sequence[PadSel]", found))  # all pads, checked just above
            n_end = len(end)
        else:
            end = self._masses_of(scope, to_ref)
            n_end = sum(s.count for s in end)
        if n_end != len(start):
            raise Problem(
                "E005",
                f"the lead zips {len(start)} pads of `{from_ref}` with {n_end} of `{to_ref}`: "
                "the two sides must have the same length",
                prop.span,
            )
        if decl.keyword == "lead" and len(start) != 1:
            raise Problem("E005", f"`lead {decl.name}` is one lead; use `leads` for {len(start)}", prop.loc)
        return start, end


def _mass_ids(sel: Selection) -> np.ndarray:
    group: MassGroup = sel.target
    local = np.arange(group.count) if sel.index is None else sel.index
    return local + group.start
