"""Go to definition and find references: a name's declaration and every use, across the files
the design reads through its `import`s.

A name is looked up in its namespace (LANGUAGE.md): materials, steps, pads (by element) and the
shared one; inside a cell, the cell's own declarations come first. A pad an element takes from a
`footprint` is declared in that footprint.
"""

from __future__ import annotations

from collections.abc import Iterator

from assemblint.editing.cursor import Target
from assemblint.editing.project import Parsed
from assemblint.editing.symbols import Occurrence, occurrences
from assemblint.language import syntax_tree as st


def key_of(target: Target) -> tuple[str, str]:
    """The namespace and name an occurrence of `target` carries."""
    if target.namespace == "pad":
        return "pad", f"{target.element}.{target.name}"
    return target.namespace, target.name


def _all(design: list[Parsed], want: tuple[str, str]) -> Iterator[Occurrence]:
    for parsed in design:
        if parsed.tree is not None:
            yield from occurrences(parsed.tree, parsed.line, want)


def declarations(design: list[Parsed], want: tuple[str, str]) -> list[Occurrence]:
    return [o for o in _all(design, want) if o.declares]


def declaration(target: Target, design: list[Parsed]) -> Occurrence | None:
    """Where the name under the cursor is declared in the design's files (None: nowhere there)."""
    if target.namespace not in ("material", "step", "name", "pad"):
        return None
    found = _choose(declarations(design, key_of(target)), target.scope)
    if found is None and target.namespace == "name":  # a `waive … on` pattern may name a step
        found = _choose(declarations(design, ("step", target.name)), target.scope)
    if found is None and target.namespace == "pad":
        for footprint in _footprints(design, target.element):
            found = _choose(declarations(design, ("pad", f"{footprint}.{target.name}")), target.scope)
            if found:
                break
    return found


def _choose(found: list[Occurrence], scope: str) -> Occurrence | None:
    return next((o for o in found if o.scope == scope), None) or next((o for o in found if o.scope == ""), None)


def _footprints(design: list[Parsed], element: str) -> list[str]:
    """The footprints an element's `footprint NAME` properties bring in."""
    names = []
    for parsed in design:
        if parsed.tree is None:
            continue
        for stmt in parsed.tree.statements:
            if isinstance(stmt, st.Declaration) and stmt.keyword == "element" and stmt.name == element:
                for prop in stmt.properties:
                    if isinstance(prop, st.Property) and prop.name == "footprint" and prop.args:
                        first = prop.args[0]
                        if isinstance(first, st.Ref):
                            names.append(first.head)
    return names


def references(target: Target, design: list[Parsed], include_declaration: bool = True) -> list[Occurrence]:
    """Every use of the name under the cursor (and its declaration, if asked), in file order."""
    want = key_of(target)
    found = list(_all(design, want))
    declared = _choose([o for o in found if o.declares], target.scope)
    scope = declared.scope if declared else target.scope
    shadowing = {o.scope for o in found if o.declares and o.scope != scope}
    out = []
    for occurrence in found:
        same = occurrence.scope == scope or (scope == "" and occurrence.scope not in shadowing)
        if not same or (occurrence.declares and not include_declaration):
            continue
        out.append(occurrence)
    return out
