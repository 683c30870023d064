"""What hovering over a name shows, in Markdown: a rule's `explain` page on a rule id in a `waive`;
a material's values and their sources; a pad's position and shape; what an element, a mass, a step
or any other declared name is.

Positions and shapes come from the last good model (the design as built: grids counted out,
placements applied), so they are what the rules see; a design's own material is shown as written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from assemblint.editing.cursor import Target
from assemblint.editing.model_index import ElementInfo, PadSet
from assemblint.editing.navigation import declaration
from assemblint.editing.project import Parsed, RequestContext


def library_entry(name: str, catalog: dict[str, Any] | None, uses: tuple[str, ...]) -> Any:
    """The library material `name` means: its own key, or of a name two libraries declare
    (`LIBRARY.NAME` keys), the one of the last library `use`d that has it."""
    if not catalog:
        return None
    if name in catalog:
        return catalog[name]
    for library in reversed(uses):
        if f"{library}.{name}" in catalog:
            return catalog[f"{library}.{name}"]
    return None


def hover_markdown(target: Target, context: RequestContext) -> str | None:
    """The hover's text for the name under the cursor, or None when there is nothing to say."""
    if target.namespace == "rule":
        return _rule(target.name, context.host)
    if target.namespace == "library":
        return _library(target.name, context.host)
    if target.namespace == "material":
        return _material(target, context)
    if target.namespace == "pad":
        return _pad(target, context)
    if target.namespace == "step":
        return _step(target, context)
    if target.namespace == "name":
        return _name(target, context)
    return None


def _rule(rule_id: str, host: Any) -> str | None:
    from assemblint.rule_docs import explain_text

    rules = {r.id: r for r in host.rules()}
    rule = rules.get(rule_id.upper())
    if rule is None:
        return f"No rule `{rule_id}` is installed (`assemblint rules` lists them)."
    return f"```text\n{explain_text(rule, host, run_examples=False)}\n```"


def _library(name: str, host: Any) -> str | None:
    libraries = host.language_extensions().libraries
    if name not in libraries:
        return f"No library `{name}`; known: {', '.join(sorted(libraries)) or 'none'}"
    return f"library `{name}`: `{libraries[name]}` (`assemblint materials` lists its materials)"


def _material(target: Target, context: RequestContext) -> str | None:
    declared = declaration(target, context.design)
    if declared is not None:  # the design's own material (it shadows a library's)
        parsed = next(p for p in context.design if p.file == declared.loc.path)
        text = _block_text(parsed, declared.loc.line)
        info = context.index.materials.get(target.name) if context.index else None
        melting = ""
        if info is not None and info.solidus is not None:
            melting = f"\n\nmelts from {_temp(info.solidus)} to {_temp(info.liquidus)}"
        return f"**{target.name}** — material of this design\n\n```assy\n{text}\n```{melting}"
    from assemblint.editing.materials import hover_markdown

    entry = library_entry(target.name, context.materials, context.uses)
    if entry is not None:
        return hover_markdown(entry)
    return None


def _block_text(parsed: Parsed, line: int, limit: int = 30) -> str:
    """A declaration's lines as written, from its first line to its closing brace (at most `limit`)."""
    out = []
    depth = 0
    opened = False
    for number in range(line, line + limit):
        text = parsed.line(number)
        out.append(text)
        code = text.split("#", 1)[0]
        depth += code.count("{") - code.count("}")
        opened = opened or "{" in code
        if opened and depth <= 0:
            break
        if not opened and not parsed.line(number + 1).lstrip().startswith("{"):
            break
    return "\n".join(out).rstrip()


def _pad(target: Target, context: RequestContext) -> str | None:
    index = context.index
    element = index.elements.get(target.element) if index else None
    pads = element.pads(target.name) if element else None
    if element is None or pads is None:
        declared = declaration(target, context.design)
        if declared is None:
            return None
        return f"pad `{target.element}.{target.name}` (the design has not been built yet)"
    return pad_markdown(element, pads, target.index)


def pad_markdown(element: ElementInfo, pads: PadSet, selector: str) -> str:
    """One pad's position and shape, or an array's count, extent and shape."""
    name = f"{element.name}.{pads.name}"
    shape = _shape(pads)
    face = f", {pads.face} face" if pads.face != "front" else ""
    barrier = f", barrier {pads.barrier}" if pads.barrier else ""
    at = re.fullmatch(r"\[(\d+)\]", selector)
    if not pads.indexed or at:
        i = int(at.group(1)) if at else 0
        if i >= pads.total:
            return f"`{name}` has {pads.total:,} pads: `[{i}]` is past the last, `[{pads.total - 1}]`"
        x, y, diameter = element.pad_at(pads, i)
        shown = f"{name}[{i}]" if pads.indexed else name
        return (
            f"**pad {shown}** at ({_um(x)}, {_um(y)}) · {_shape(pads, diameter)}{face}{barrier}\n\n"
            f"on `{element.name}` ({element.type}), {_declared(pads)}"
        )
    xs = element.x[pads.start : pads.start + pads.total]
    ys = element.y[pads.start : pads.start + pads.total]
    first = element.pad_at(pads, 0)
    low = f"({_um(float(np.min(xs)))}, {_um(float(np.min(ys)))})" if pads.total else ""
    high = f"({_um(float(np.max(xs)))}, {_um(float(np.max(ys)))})" if pads.total else ""
    extent = f"from {low} to {high}" if pads.total else "no pads"
    return (
        f"**pads {name}** · {pads.total:,} pads · {shape}{face}{barrier}\n\n"
        f"`[0]` at ({_um(first[0])}, {_um(first[1])}); {extent}\n\n"
        f"on `{element.name}` ({element.type}), {_declared(pads)}"
    )


def _declared(pads: PadSet) -> str:
    return f"declared in {Path(pads.path).name}, line {pads.line}"


def _shape(pads: PadSet, diameter: float | None = None) -> str:
    diameter = pads.diameter if diameter is None else diameter
    if pads.shape == "round" or pads.width is None:
        return f"round, diameter {_um(diameter)}" if diameter is not None else "round, no diameter given"
    size = f"{pads.width:g} × {pads.height:g} µm"
    if pads.shape == "oblong":
        return f"oblong {size}"
    return f"rectangle {size}" + (f", corners of radius {_um(pads.corner)}" if pads.corner else "")


def _step(target: Target, context: RequestContext) -> str | None:
    info = context.index.steps.get(target.name) if context.index else None
    if info is None:
        declared = declaration(target, context.design)
        return f"step `{target.name}`, line {declared.loc.line}" if declared else None
    if info.temp_range:
        temp = f"{_temp(info.temp_range[0])} to {_temp(info.temp_range[1])}"
    else:
        temp = f"peak {_temp(info.temp)}" if info.temp is not None else "no temperature"
    return f"**step {info.name}** · {info.kind or 'no kind'} · {temp}\n\nstep {info.order + 1} of the process"


def _name(target: Target, context: RequestContext) -> str | None:
    index = context.index
    if index is not None:
        element = index.elements.get(target.name)
        if element is not None:
            return _element(element)
        mass = index.masses.get(target.name)
        if mass is not None:
            count = f"{mass.total:,} masses" if mass.indexed else "one mass"
            diameter = f", diameter {_um(mass.diameter)}" if mass.diameter is not None else ""
            height = f", height {_um(mass.height)}" if mass.height is not None else ""
            layer = f", in {mass.layer}" if mass.layer else ""
            keyword = "masses" if mass.indexed else "mass"
            return f"**{keyword} {mass.name}** · {count} of {mass.materials}{diameter}{height}{layer}"
        other = index.others.get(target.name)
        if other is not None:
            return f"**{other.kind} {other.name}** · {other.detail}"
    declared = declaration(target, context.design)
    if declared is None:
        return None
    parsed = next(p for p in context.design if p.file == declared.loc.path)
    return f"```assy\n{parsed.line(declared.loc.line).strip()}\n```"


def _element(element: ElementInfo) -> str:
    body = f", body {element.body}" if element.body else ""
    size = " × ".join(_um(s) for s in element.size) if element.size else "no size given"
    names = element.pad_names
    shown = ", ".join(f"`{n}`" for n in names[:8]) + (f" and {len(names) - 8:,} more" if len(names) > 8 else "")
    pads = f"{len(element.x):,} pads ({shown})" if names else "no pads"
    return (
        f"**element {element.name}** : {element.type}{body}\n\n"
        f"at ({_um(element.position[0])}, {_um(element.position[1])}) · {size}\n\n{pads}"
    )


def _um(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    return f"{value:g} µm"


def _temp(value: float | None) -> str:
    return "?" if value is None else f"{value:g} °C"
