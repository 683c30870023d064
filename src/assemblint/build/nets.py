"""Nets: `net`/`nets NAME { PADS, PADS, … }` — pads declared to be one electrical node.

A `net` joins all its members into one node; `nets` zips members of the same length into one
node per index (E005 otherwise). A member that cannot be resolved drops the whole declaration.
"""

from __future__ import annotations

import numpy as np

from assemblint.build.imports import Imports
from assemblint.build.masses import positive_current
from assemblint.build.state import PadSel, Scope
from assemblint.language import syntax_tree as st
from assemblint.language.values import Args
from assemblint.model.assembly import NetGroup

NET_PROPERTIES = ("current",)


class Nets(Imports):
    """Net declarations."""

    def _net(self, scope: Scope, decl: st.NetDecl) -> None:
        assert self.assembly is not None
        members: list[tuple[st.Ref, PadSel]] = []
        for ref in decl.members:
            pads = self._guard(self._pads_of, scope, ref)
            if pads is not None:
                members.append((ref, pads))
        if len(members) != len(decl.members):
            return
        if decl.keyword == "net":
            ids = np.concatenate([p.ids for _, p in members]) if members else np.zeros(0, dtype=np.int64)
            imported = self._imported_pins_of(decl.name) if scope is self.top else None
            if imported is not None:  # a net a bump map names: the design's pins are added to it
                ids = np.concatenate([imported, ids])
            pins = [ids]
        else:
            lengths = {len(p) for _, p in members}
            if len(lengths) > 1:
                detail = ", ".join(f"`{r}` {len(p)}" for r, p in members)
                self._error("E005", f"`nets {decl.name}` zips members of different lengths: {detail}", decl.loc)
                return
            matrix = np.stack([p.ids for _, p in members], axis=1) if members else np.zeros((0, 0), dtype=np.int64)
            pins = list(matrix)
        group = NetGroup(scope.qualified(decl.name), decl.keyword == "nets", decl.loc, pins)
        for prop in decl.properties:
            if prop.name != "current":
                self._unknown_property(prop, NET_PROPERTIES, "net")
                continue
            args = Args(prop, self.lets)
            group.current = self._guard(positive_current, args)
            if group.current is not None:  # past a failed value, no second error about what follows it
                self._guard(args.end)
        scope.objects[decl.name] = group
        self.assembly.net_groups.append(group)
