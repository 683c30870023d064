"""The process: its steps in order (`kind`, temperature, what each forms, mixes or requires) and
the operate, store and cycle ranges.

The process is built last, once every scope is: its steps name masses, layers and elements
anywhere in the design (`units[*].m`), always from the top level.
"""

from __future__ import annotations

from typing import Any

from assemblint.base.diagnostics import Note
from assemblint.base.units import TEMPERATURE
from assemblint.build.references import References
from assemblint.build.state import PadSel, Scope
from assemblint.language import syntax_tree as st
from assemblint.language.values import Args, Problem
from assemblint.model.assembly import STEP_KINDS, Element, Layer, MassGroup, Selection, Step

STEP_PROPERTIES = ("kind", "peak", "temp", "forms", "mixes", "requires", "heats", "ambient")
PROCESS_PROPERTIES = ("operate", "store", "cycle")


class Process(References):
    """The process and its steps."""

    def _build_process(self, decls: list[st.ProcessDecl]) -> None:
        assert self.assembly is not None
        process = self.assembly.process
        if not decls:
            return
        decl = decls[0]
        process.declared = True
        seen: dict[str, st.Step] = {}
        for order, step_decl in enumerate(decl.steps):
            if step_decl.name in seen:
                self._error(
                    "E004",
                    f"step `{step_decl.name}` is declared twice",
                    step_decl.loc,
                    [Note(seen[step_decl.name].loc, "first declared here")],
                )
                continue
            seen[step_decl.name] = step_decl
            step = Step(step_decl.name, None, step_decl.loc, order)
            process.steps.append(step)
            for prop in step_decl.properties:
                if prop.name not in STEP_PROPERTIES:
                    self._unknown_property(prop, STEP_PROPERTIES, "step")
                else:
                    self._guard(self._step_property, step, prop)
            given = {p.name for p in step_decl.properties}
            if step.temp is None and not given & {"peak", "temp"}:
                self._error("E001", f"step `{step.name}` has no temperature: give `peak T` or `temp T`", step.loc)
            if step.kind is None and "kind" not in given:
                self._error("E001", f"step `{step.name}` has no `kind`; known: {', '.join(STEP_KINDS)}", step.loc)
        for prop in decl.properties:
            if prop.name not in PROCESS_PROPERTIES:
                self._unknown_property(prop, PROCESS_PROPERTIES, "process")
            else:
                self._guard(self._process_property, prop)

    def _step_property(self, step: Step, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        if prop.name == "kind":
            step.kind = args.word("a step kind such as `reflow`", STEP_KINDS, what="step kind")
        elif prop.name in ("peak", "temp") and step.temp_range is not None:
            raise Problem(
                "E008", f"step `{step.name}` gives its temperature twice: use `peak T` or `temp T`, not both", prop.loc
            )
        elif prop.name == "peak":
            step.temp = args.quantity(TEMPERATURE)
            step.temp_range = (step.temp, step.temp)
        elif prop.name == "temp":
            step.temp_range = args.temperature_or_range()
            step.temp = step.temp_range[1]
        elif prop.name in ("forms", "mixes"):
            targets = args.list_of(lambda: self._step_target(args))
            getattr(step, prop.name).extend(t for group in targets for t in group)
        elif prop.name == "heats":  # local heating: these elements and layers, and what joins them
            targets = args.list_of(lambda: self._step_target(args))
            heated = [t for group in targets for t in group if isinstance(t, Element | Layer)]
            step.heats = [*(step.heats or []), *heated]
        elif prop.name == "ambient":
            step.ambient = args.quantity(TEMPERATURE)
        elif prop.name == "requires":
            which = args.word("`solid` or `liquid`", ("solid", "liquid"), what="requirement")
            targets = args.list_of(lambda: self._step_target(args))
            getattr(step, f"requires_{which}").extend(t for group in targets for t in group)
        args.end()

    def _step_target(self, args: Args) -> list[Any]:
        ref = args.ref("a mass, layer or element")
        found = self.resolve(self.top, ref)
        out: list[Any] = []
        for item in found:
            if isinstance(item, Scope):
                out.extend(
                    Selection(o) if isinstance(o, MassGroup) else o
                    for o in item.objects.values()
                    if isinstance(o, MassGroup | Layer | Element)
                )
            elif isinstance(item, PadSel):
                raise Problem("E002", f"`{ref}` names pads; a step forms masses, layers or elements", ref.loc)
            else:
                out.append(item)
        return out

    def _process_property(self, prop: st.Property) -> None:
        assert self.assembly is not None
        process = self.assembly.process
        args = Args(prop, self.lets)
        rng = args.range(TEMPERATURE)
        if prop.name == "operate":
            process.operate, process.operate_loc = rng, prop.loc
        elif prop.name == "store":
            process.store, process.store_loc = rng, prop.loc
        else:
            process.cycle, process.cycle_loc = rng, prop.loc
            if args.accept_keyword("count"):
                process.cycle_count = args.count("the cycle count")
        args.end()
