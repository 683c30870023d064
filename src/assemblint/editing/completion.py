"""Completion: what may be written where the cursor is.

The statement before the cursor decides: its first word (the keyword or property), the block it is
in, the last option word. Keywords at the start of a statement (the block's properties), materials
after `:` in `mass m :` and after `body`/`barrier`, element names in references and pads after
`die.`, units after a number, the fixed words of `kind`, `role`, `shape`, `face`; rule ids after
`waive`. Names come from the last good model and from the files' trees, so a file that does not
parse still offers them. A list too long to send (an export's 100,000 masses) is cut to what
starts with the typed text, and marked incomplete so that the editor asks again.
"""

from __future__ import annotations

import re
from typing import Any

from lsprotocol import types

from assemblint.base import units as u
from assemblint.build.builder import (
    ELEMENT_PROPERTIES,
    LAYER_PROPERTIES,
    LEAD_PROPERTIES,
    MASS_PROPERTIES,
    MATERIAL_PROPERTIES,
    PROCESS_PROPERTIES,
    STEP_PROPERTIES,
)
from assemblint.editing.cursor import DECLARES, MATERIAL_BASE, PAD_OPTIONS, Spot, spot, words
from assemblint.editing.documents import Document
from assemblint.editing.project import Parsed, RequestContext
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import STATEMENT_KEYWORDS
from assemblint.model.assembly import ELEMENT_TYPES, FACES, LAYER_ROLES, LEAD_SHAPES, MATERIAL_KINDS, STEP_KINDS

MAX_ITEMS = 2000
K = types.CompletionItemKind

_TYPED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]\s]*\])*\.?$")
_NUMBER_BEFORE = re.compile(
    r"(?:^|[^\w.\[:])-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?P<space>[ \t]*)(?P<unit>[A-Za-zµμ°/%][\w/.%°µμ]*)?$"
)
_TEMPERATURES: tuple[str, ...] = (
    "solidus",
    "liquidus",
    "melts",
    "max_temp",
    "operating",
    "service",
    "peak",
    "temp",
    "operate",
    "store",
    "cycle",
    "tg",
    "ambient",
)
_LENGTHS: tuple[str, ...] = (
    "size",
    "position",
    "diameter",
    "height",
    "thickness",
    "pitch",
    "origin",
    "at",
    "z",
    "barrier",
    "oblong",
    "round",
)
_DIMENSION = {
    **dict.fromkeys(_TEMPERATURES, u.TEMPERATURE),
    **dict.fromkeys(_LENGTHS, u.LENGTH),
    "cte": u.EXPANSION,
    "cte_above_tg": u.EXPANSION,
    "modulus": u.MODULUS,
    "resistivity": u.RESISTIVITY,
    "composition": u.FRACTION,
    "density": u.DENSITY,
    "current": u.CURRENT,
    "alpha": u.ALPHA,
}
_COUNTS = {"grid", "count", "msl", "rotate", "ring", "x"}  # a plain number follows: no unit
_CELL_STATEMENTS = ("element", "layer", "mass", "masses", "lead", "leads", "net", "nets", "let", "place")
_PLACE_OPTIONS = ("grid", "x", "pitch", "at")
# which names a reference after each property may be (element, pad, masses, layer, …); None: any
_REFERS = {
    "joins": ("element",),
    "--": ("element",),
    "from": ("element",),
    "to": ("element", "mass", "masses"),
    "between": ("element",),
    "surrounds": ("mass", "masses"),
    "in": ("layer",),
    "on": ("element",),
    "forms": ("mass", "masses", "layer", "element"),
    "mixes": ("mass", "masses"),
    "solid": ("mass", "masses"),
    "liquid": ("mass", "masses"),
    "heats": ("element", "layer"),
    "footprint": ("footprint",),
}
_ITEM_KIND = {
    "element": K.Class,
    "footprint": K.Class,
    "mass": K.Variable,
    "masses": K.Variable,
    "lead": K.Variable,
    "leads": K.Variable,
    "layer": K.Struct,
    "net": K.Interface,
    "nets": K.Interface,
    "cell": K.Module,
    "place": K.Module,
    "let": K.Variable,
}


def complete(doc: Document, line: int, column: int, context: RequestContext) -> types.CompletionList:
    here = spot(doc, line, column)
    if here.in_comment or here.in_string:
        return types.CompletionList(is_incomplete=False, items=[])
    before = here.text[:column]
    typed_match = _TYPED.search(before)
    typed = typed_match.group(0) if typed_match else ""
    statement = here.statement[: len(here.statement) - len(typed)] if typed else here.statement
    number = _NUMBER_BEFORE.search(here.statement)
    if number and not typed.count("."):
        return _units(words(statement[: number.start()] + " "), number.group("unit") or "")
    items = _items(here, words(statement), typed, context)
    return _finish(items, typed.rsplit(".", 1)[-1])


def _finish(items: list[types.CompletionItem], typed: str) -> types.CompletionList:
    seen: dict[str, types.CompletionItem] = {}
    for item in items:
        seen.setdefault(item.label, item)
    found = list(seen.values())
    if len(found) <= MAX_ITEMS:
        return types.CompletionList(is_incomplete=False, items=found)
    narrowed = [item for item in found if item.label.startswith(typed)]
    return types.CompletionList(is_incomplete=True, items=narrowed[:MAX_ITEMS])


def _items(here: Spot, before: list[str], typed: str, context: RequestContext) -> list[types.CompletionItem]:
    block = here.block
    keyword = block.keyword if block else ""
    if "." in typed:
        element = typed.split(".", 1)[0].split("[", 1)[0]
        if typed.count(".") == 1 and "[" not in typed.split(".", 1)[0]:
            return _pads(element, context)
        return []
    if not before:
        found = _keywords(keyword, context)
        if keyword in ("net", "nets"):
            found += _names(context, ("element",))
        return found
    head = before[0]
    last = before[-1]
    if head == "waive":
        if len(before) == 1:
            return [_item(r.id, K.Reference, r.name) for r in context.host.rules()]
        if "because" in before:
            return [_item(w, K.Keyword) for w in ("by", "until")]
        return [*_names(context, None), *_steps(context)]
    if head == "use" and len(before) == 1:
        return [_item(name, K.Module, "library") for name in context.host.language_extensions().libraries]
    if head == "import" or (head in DECLARES and len(before) == 1):
        return []  # a file name, or the new name being declared
    if head in MATERIAL_BASE and ":" in before:
        return _materials(context) if last == ":" else []
    if head == "element" and ":" in before:
        types_ = (*ELEMENT_TYPES, *context.host.language_extensions().element_types)
        return [_item(t, K.EnumMember, "element type") for t in types_] if last == ":" else []
    if head == "place":
        if last == ":":
            return _names(context, ("cell",))
        return [_item(w, K.Keyword) for w in _PLACE_OPTIONS]
    if head in ("pad", "pads") and keyword in ("element", "footprint", "refine"):
        return _pad_statement(before, context)
    if head == "body" or last == "barrier" or (head == "region" and last == ":"):
        return _materials(context)
    if head == "region":
        return [_item("on", K.Keyword)] if ":" in before and last != "on" else _names(context, ("element",))
    fixed = _fixed(head, keyword, len(before))
    if fixed is not None:
        return fixed
    if head == "connect" and block is not None:
        return _pads(block.name, context)
    if keyword in ("net", "nets") or head in _REFERS or last in _REFERS:
        kinds = _REFERS.get(last) or _REFERS.get(head)
        return _names(context, kinds)
    return _names(context, None)


def _fixed(head: str, keyword: str, count: int) -> list[types.CompletionItem] | None:
    """The fixed words a property takes (`kind reflow`, `role underfill`, `face back`)."""
    if count != 1:
        return None
    if head == "kind":
        return [_item(k, K.EnumMember, "step kind") for k in STEP_KINDS] if keyword == "step" else [
            _item(k, K.EnumMember, "material kind") for k in MATERIAL_KINDS
        ]  # fmt: skip
    choices = {"role": LAYER_ROLES, "shape": LEAD_SHAPES, "face": FACES, "requires": ("solid", "liquid")}
    if head in choices:
        return [_item(w, K.EnumMember, head) for w in choices[head]]
    return None


def _pad_statement(before: list[str], context: RequestContext) -> list[types.CompletionItem]:
    if len(before) == 1:
        return []  # the pad's new name
    last = before[-1]
    if last in ("barrier", "finish") or (last == "," and "finish" in before):
        return _materials(context)
    if last == "face":
        return [_item(f, K.EnumMember, "face") for f in FACES]
    if last == "keep":
        return [_item(w, K.Keyword) for w in ("ring", "inside")]
    return [_item(w, K.Keyword, "pad option") for w in PAD_OPTIONS]


def _keywords(keyword: str, context: RequestContext) -> list[types.CompletionItem]:
    """What may start a statement in the block the cursor is in."""
    extensions = context.host.language_extensions()
    by_block: dict[str, tuple[str, ...]] = {
        "": (*STATEMENT_KEYWORDS, "refine"),
        "element": (*ELEMENT_PROPERTIES, *extensions.element_properties),
        "refine": (*ELEMENT_PROPERTIES, *extensions.element_properties, *MATERIAL_PROPERTIES),
        "footprint": ("pad", "pads"),
        "material": (*MATERIAL_PROPERTIES, *extensions.material_properties),
        "mass": MASS_PROPERTIES,
        "masses": MASS_PROPERTIES,
        "lead": (*LEAD_PROPERTIES, "to"),
        "leads": (*LEAD_PROPERTIES, "to"),
        "layer": LAYER_PROPERTIES,
        "process": ("step", *PROCESS_PROPERTIES),
        "step": STEP_PROPERTIES,
        "cell": _CELL_STATEMENTS,
        "net": ("current",),
        "nets": ("current",),
    }
    detail = f"in `{keyword}`" if keyword else "statement"
    return [_item(word, K.Keyword, detail) for word in by_block.get(keyword, ())]


def _units(before: list[str], typed: str) -> types.CompletionList:
    """Units after a number, those of the property's dimension first; none where a count is written."""
    dimension = None
    for word in reversed(before):
        if word in _DIMENSION:
            dimension = _DIMENSION[word]
            break
        if word in _COUNTS:
            if word == "grid":
                return types.CompletionList(is_incomplete=False, items=[_item("x", K.Keyword)])
            return types.CompletionList(is_incomplete=False, items=[])
    items = []
    for symbol, unit in u.UNITS.items():
        first = dimension is None or unit.dimension == dimension
        if dimension is not None and not first and typed == "":
            continue
        item = _item(symbol, K.Unit, unit.dimension)
        item.sort_text = f"{0 if first else 1}{symbol}"
        items.append(item)
    return types.CompletionList(is_incomplete=False, items=items)


def _materials(context: RequestContext) -> list[types.CompletionItem]:
    found: dict[str, str] = {}
    if context.index is not None:
        for name, info in context.index.materials.items():
            found[name] = f"material ({info.library or 'this design'})"
    for key, entry in (context.materials or {}).items():
        if entry.library in context.uses:
            found.setdefault(entry.name if "." in key else key, f"material ({entry.library})")
    for parsed in context.design:
        for name in declared(parsed).get("material", {}):
            found[name] = "material (this design)"
    return [_item(name, K.Constant, detail) for name, detail in found.items()]


def _names(context: RequestContext, kinds: tuple[str, ...] | None) -> list[types.CompletionItem]:
    """Names of the shared namespace (of the given kinds): from the model, then the files' trees."""
    found: dict[str, str] = {}
    if context.index is not None:
        for name, kind in context.index.names().items():
            if kinds is None or kind in kinds:
                found[name] = kind
    for parsed in context.design:
        for name, kind in declared(parsed).get("name", {}).items():
            if kinds is None or kind in kinds:
                found.setdefault(name, kind)
    return [_item(name, _ITEM_KIND.get(kind, K.Variable), kind) for name, kind in found.items()]


def _steps(context: RequestContext) -> list[types.CompletionItem]:
    names = set(context.index.steps) if context.index else set()
    for parsed in context.design:
        names.update(declared(parsed).get("step", {}))
    return [_item(name, K.Event, "step") for name in sorted(names)]


def _pads(element: str, context: RequestContext) -> list[types.CompletionItem]:
    found: dict[str, str] = {}
    info = context.index.elements.get(element) if context.index else None
    if info is not None:
        found.update(dict.fromkeys(info.pad_names, f"pad of {element}"))
    for parsed in context.design:
        found.update(dict.fromkeys(declared(parsed).get("pads", {}).get(element, ()), f"pad of {element}"))
    return [_item(name, K.Field, detail) for name, detail in found.items()]


def declared(parsed: Parsed) -> dict[str, Any]:
    """The names a file declares at the top level, by namespace, and each element's pads (cached)."""
    cached = parsed.cache.get("declared")
    if cached is not None:
        return cached
    out: dict[str, Any] = {"name": {}, "material": {}, "step": {}, "pads": {}}
    for stmt in parsed.tree.statements if parsed.tree else []:
        if isinstance(stmt, st.Declaration):
            out["material" if stmt.keyword == "material" else "name"][stmt.name] = stmt.keyword
            if stmt.keyword in ("element", "footprint"):
                out["pads"][stmt.name] = _pad_names(stmt)
        elif isinstance(stmt, st.NetDecl | st.CellDecl | st.Place | st.Let):
            out["name"][stmt.name] = _KIND_OF.get(type(stmt), "name")
        elif isinstance(stmt, st.ProcessDecl):
            out["step"].update(dict.fromkeys((s.name for s in stmt.steps), "step"))
    parsed.cache["declared"] = out
    return out


_KIND_OF: dict[type, str] = {st.NetDecl: "net", st.CellDecl: "cell", st.Place: "place", st.Let: "let"}


def _pad_names(decl: st.Declaration) -> list[str]:
    names: list[str] = []
    for prop in decl.properties:
        if isinstance(prop, st.PadRows):
            names.extend(row[2] for row in prop.rows)
        elif prop.name in ("pad", "pads") and prop.args and isinstance(prop.args[0], st.Ref):
            names.append(prop.args[0].head)
    return names


def _item(label: str, kind: types.CompletionItemKind, detail: str | None = None) -> types.CompletionItem:
    return types.CompletionItem(label=label, kind=kind, detail=detail)
