"""Pass 1 of the build: every name into its namespace, before anything is built (E004).

A design may use a name before it declares it, so the builder first collects every declaration:
materials into their own table; cells, `let`s and the top level's objects into the top scope's
declarations; the process and the waivers aside. A name declared twice in the design is an error;
a library's declaration gives way, silently, to the design's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from assemblint.base.diagnostics import Note
from assemblint.build.state import BuildInput, BuildState, MassRow, Origin, Scope
from assemblint.importing.stack import ImportedConnection, ImportedElement, ImportedStack
from assemblint.language import syntax_tree as st

Declared = st.Statement | MassRow | ImportedElement | ImportedConnection  # what a name in a scope stands for
_Declared = TypeVar("_Declared", bound=Declared)


class Namespaces(BuildState):
    """Pass 1: declarations into their tables (E004)."""

    def _collect(
        self,
        statements: Sequence[tuple[BuildInput, Origin]],
        steps: list[st.Step],
        process_decls: list[st.ProcessDecl],
        waives: list[st.Waive],
    ) -> None:
        for stmt, origin in statements:
            if isinstance(stmt, st.AssemblyTitle):
                if origin.library is None:
                    if self.assembly and self.assembly.title is not None:
                        self._error("E004", "the assembly title is given twice", stmt.loc)
                    elif self.assembly:
                        self.assembly.title = stmt.title
            elif isinstance(stmt, st.Declaration) and stmt.keyword == "material":
                self._declare(self.material_decls, stmt.name, stmt, origin, "material")
            elif isinstance(stmt, st.Declaration) and stmt.keyword == "footprint":
                self._declare(self.footprints, stmt.name, stmt, origin, "footprint")
            elif isinstance(stmt, st.CellDecl):
                self._declare_shared(self.top, stmt.name, stmt, origin)
                self.cells.setdefault(stmt.name, stmt)
            elif isinstance(stmt, st.Let):
                self._declare_shared(self.top, stmt.name, stmt, origin)
                if stmt.name not in self.lets.exprs or origin.library is None:
                    self.lets.exprs[stmt.name] = stmt
            elif isinstance(stmt, st.ProcessDecl):
                if origin.library is None:
                    if process_decls:
                        self._error(
                            "E004",
                            "the process is declared twice",
                            stmt.loc,
                            [Note(process_decls[0].loc, "first declared here")],
                        )
                    else:
                        process_decls.append(stmt)
            elif isinstance(stmt, st.Waive):
                if origin.library is None:
                    waives.append(stmt)
            elif isinstance(stmt, st.Declaration | st.NetDecl | st.Place):
                self._declare_shared(self.top, stmt.name, stmt, origin)
            elif isinstance(stmt, ImportedStack):
                if self.assembly is not None and stmt.name and not self.stack_title:
                    self.stack_title = stmt.name  # the 3DBlox Design's name: the title if the design gives none
                items: list[ImportedElement | ImportedConnection] = [*stmt.elements, *stmt.connections]
                for item in items:
                    self._declare_shared(self.top, item.name, item, origin)
            elif isinstance(stmt, st.Refine):
                self.refines.setdefault(".".join(str(p) for p in stmt.target.parts), []).append(stmt)
            elif isinstance(stmt, st.MassRows):
                for i, row in enumerate(stmt.rows):
                    handle = MassRow(stmt, i)
                    if row[2] in self.top.declarations:  # declared twice, or shadowing a library: the ordinary way
                        self._declare_shared(self.top, row[2], handle.declaration(), origin)
                    else:
                        self.top.declarations[row[2]] = (handle, origin)

    def _declare(
        self,
        table: dict[str, tuple[_Declared, Origin]],
        name: str,
        stmt: _Declared,
        origin: Origin,
        what: str,
    ) -> None:
        previous = table.get(name)
        if previous is not None:
            prev_stmt, prev_origin = previous
            if prev_origin.library is None and origin.library is None:
                self._error(
                    "E004",
                    f"{what} `{name}` is declared twice",
                    stmt.loc,
                    [Note(prev_stmt.loc, f"`{name}` is first declared here")],
                )
                return
            if origin.library is not None and prev_origin.library is None:
                return  # the design's own declaration shadows the library's, silently
        table[name] = (stmt, origin)

    def _declare_shared(self, scope: Scope, name: str, stmt: Declared, origin: Origin) -> None:
        self._declare(scope.declarations, name, stmt, origin, "the name")
