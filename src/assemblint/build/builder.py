"""From syntax trees to the resolved model: names, references, properties, cells — and E002–E010.

The builder reports every semantic error of a design in one run: each declaration and each
property is read on its own, a failure is recorded and the builder moves on to the next one.
Pads and masses are made as numpy arrays per declaration; a `place` grid instantiates its cell
once per instance, each instance a scope of its own (`units[4].chip`).

This module holds the orchestration: `Builder` runs the phases in order. What each phase reads
lives in a module of its own (namespaces, materials, elements, references, layers, masses, leads,
nets, cells, process, waivers), each a mixin over the shared state of state.py, and `Builder` is
made of them. The names other packages import from here stay importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

from assemblint.base.diagnostics import LanguageError, suggestion_budget
from assemblint.base.limits import DEFAULT_MAX_OBJECTS
from assemblint.base.units import NUMBER
from assemblint.build.cells import Cells
from assemblint.build.elements import ELEMENT_PROPERTIES
from assemblint.build.layers import LAYER_PROPERTIES
from assemblint.build.leads import LEAD_PROPERTIES
from assemblint.build.masses import MASS_PROPERTIES
from assemblint.build.materials import MATERIAL_PROPERTIES
from assemblint.build.process import PROCESS_PROPERTIES, STEP_PROPERTIES, Process
from assemblint.build.state import BuildInput, Origin, PadSel, PlacedCell, Scope
from assemblint.build.waivers import Waivers
from assemblint.language import syntax_tree as st
from assemblint.model.assembly import Assembly
from assemblint.model.hierarchy import reaches_of

__all__ = [
    "DEFAULT_MAX_OBJECTS",
    "ELEMENT_PROPERTIES",
    "LAYER_PROPERTIES",
    "LEAD_PROPERTIES",
    "MASS_PROPERTIES",
    "MATERIAL_PROPERTIES",
    "NUMBER_DIMENSION",
    "PROCESS_PROPERTIES",
    "STEP_PROPERTIES",
    "Builder",
    "Origin",
    "PadSel",
    "PlacedCell",
    "Scope",
]

NUMBER_DIMENSION = NUMBER  # re-exported for plugins that register dimensionless properties


class Builder(Cells, Process, Waivers):
    """Builds one design: `Builder(**options).build(path, statements)` (options: state.BuildState).

    Cells brings in every part that builds a scope's objects (namespaces, materials, elements,
    layers, masses, leads, nets, and references under them all); Process and Waivers come last.
    """

    def build(self, path: str, statements: Sequence[tuple[BuildInput, Origin]]) -> Assembly:
        with suggestion_budget():  # thousands of unknown names among thousands: seconds, not minutes
            return self._build(path, statements)

    def _build(self, path: str, statements: Sequence[tuple[BuildInput, Origin]]) -> Assembly:
        self.assembly = asm = Assembly(path=path)
        steps: list[st.Step] = []
        process_decls: list[st.ProcessDecl] = []
        waives: list[st.Waive] = []
        self._collect(statements, steps, process_decls, waives)
        if asm.title is None:
            asm.title = self.stack_title
        self._build_materials()
        asm.materials = self.materials
        for name, let in self.lets.exprs.items():  # every `let`, used or not, is checked
            self._guard(self.lets.get, name, let.loc)
        placements = {n for n, (s, _) in self.top.declarations.items() if isinstance(s, st.Place)}
        self.top.reaches = reaches_of(process_decls, placements)  # steps' references treat every instance alike
        self._build_scope(self.top, [s for s, _ in self.top.declarations.values()])
        if not self.limit_hit:
            self._build_process(process_decls)
            for waive in waives:
                self._guard(self._build_waiver, waive)
            self._check_unplaced_cells()
            self._unused_refines()
        if self.errors:
            raise LanguageError(self.errors)
        if self.windowed is not None:
            keys = {id(g): ("pads", i) for i, g in enumerate(asm.pad_arrays)}
            keys.update({id(g): ("masses", i) for i, g in enumerate(asm.mass_groups)})
            self.windowed.key(keys)
            asm.windowed = self.windowed
        return asm
