"""Reading a design from disk: files, `import` (root confinement, cycles) and `use` libraries.

Produces the ordered statements of every file the design reads, each tagged with its origin, and
hands them to the builder. A syntax error stops at once (E001, the file's first); import errors
(E006) are collected and stop the run before building, since what follows from a missing file is
noise.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import syntax_tree as st
from .builder import DEFAULT_MAX_OBJECTS, Builder, Origin
from .diagnostics import SOURCES, Diagnostic, LanguageError, Location, did_you_mean
from .model import Assembly
from .syntax import parse


@dataclass
class LanguageExtensions:
    """What plugins add to the language: libraries for `use`, properties, element types."""

    libraries: Mapping[str, str | Path] = field(default_factory=dict)
    material_properties: Mapping[str, str] = field(default_factory=dict)
    element_properties: Mapping[str, str] = field(default_factory=dict)
    element_types: tuple[str, ...] = ()


@dataclass
class Timings:
    parse: float = 0.0
    build: float = 0.0


def read_text(path: Path) -> str:
    data = path.read_bytes()
    return data.decode("utf-8-sig", errors="replace")  # a byte-order mark from Windows editors is not text


@lru_cache(maxsize=32)
def _parse_library(path: str, mtime: float) -> tuple[st.SourceFile, str]:
    text = read_text(Path(path))
    return parse(text, path), text


class Loader:
    def __init__(self, root: Path, extensions: LanguageExtensions, display_base: Path | None = None):
        self.root = root.resolve()
        self.extensions = extensions
        self.display_base = display_base or Path.cwd()
        self.errors: list[Diagnostic] = []
        self.statements: list[tuple[st.Statement, Origin]] = []
        self.done: set[Path] = set()
        self.chain: list[Path] = []
        self.libraries_loaded: set[str] = set()
        self.files: list[tuple[str, str]] = []
        self.timings = Timings()

    def display(self, path: Path) -> str:
        """Paths in messages are relative to the current folder where possible."""
        try:
            return str(path.relative_to(self.display_base))
        except ValueError:
            return str(path)

    def read_file(self, path: Path, text: str | None = None) -> None:
        import time

        resolved = path.resolve()
        self.chain.append(resolved)
        self.done.add(resolved)
        shown = self.display(path.absolute())
        if text is None:
            text = read_text(path)
        self.files.append((shown, hashlib.sha256(text.encode("utf-8")).hexdigest()))
        SOURCES.add(shown, text)
        started = time.perf_counter()
        tree = parse(text, shown)
        self.timings.parse += time.perf_counter() - started
        for stmt in tree.statements:
            if isinstance(stmt, st.Import):
                self._import(stmt, resolved.parent)
            elif isinstance(stmt, st.Use):
                self._use(stmt)
            self.statements.append((stmt, Origin()))
        self.chain.pop()

    def _import(self, stmt: st.Import, folder: Path) -> None:
        target = (folder / stmt.path).resolve()
        if not target.is_relative_to(self.root):
            self.errors.append(
                Diagnostic(
                    "E006",
                    f"import `{stmt.path}` resolves outside the root folder "
                    f"{self.root} and is refused (use `--root` to widen it)",
                    stmt.loc,
                )
            )
            return
        if target in self.chain:
            cycle = [*self.chain[self.chain.index(target) :], target]
            names = " -> ".join(self.display(p) for p in cycle)
            self.errors.append(Diagnostic("E006", f"import cycle: {names}", stmt.loc))
            return
        if target in self.done:
            return  # importing a file that was already read is a no-op
        if not target.is_file():
            self.errors.append(
                Diagnostic("E006", f"import `{stmt.path}` not found (looked for {self.display(target)})", stmt.loc)
            )
            return
        self.read_file(target)

    def _use(self, stmt: st.Use) -> None:
        libraries = self.extensions.libraries
        if stmt.library not in libraries:
            self.errors.append(
                Diagnostic(
                    "E002",
                    f"unknown library `{stmt.library}`"
                    + did_you_mean(stmt.library, libraries)
                    + f"; known: {', '.join(sorted(libraries)) or 'none'}",
                    stmt.loc,
                )
            )
            return
        if stmt.library in self.libraries_loaded:
            return
        self.libraries_loaded.add(stmt.library)
        path = Path(libraries[stmt.library])
        try:
            tree, text = _parse_library(str(path), path.stat().st_mtime)
        except OSError as error:
            self.errors.append(Diagnostic("E006", f"library `{stmt.library}` cannot be read: {error}", stmt.loc))
            return
        SOURCES.add(str(path), text)
        origin = Origin(stmt.library)
        for inner in tree.statements:
            if isinstance(inner, st.Use):
                self._use(inner)
            elif not isinstance(inner, st.Import):
                self.statements.append((inner, origin))


def load(
    path: str | Path,
    *,
    root: str | Path | None = None,
    extensions: LanguageExtensions | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    text: str | None = None,
    flat: bool = False,
) -> Assembly:
    """Read, parse and build one design. Raises LanguageError with every E001–E010 found.

    `flat`: build every placed instance (see docs/hierarchy.md for what the default builds)."""
    import time

    path = Path(path)
    if extensions is None:
        from .plugin_host import PluginHost

        extensions = PluginHost.default().language_extensions()
    loader = Loader(Path(root) if root else path.absolute().parent, extensions)
    if text is None and not path.is_file():
        shown = loader.display(path.absolute())
        raise LanguageError([Diagnostic("E006", f"file not found: {shown}", Location(shown, 1, 1))])
    loader.read_file(path, text)
    if loader.errors:
        raise LanguageError(loader.errors)
    started = time.perf_counter()
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    builder = Builder(
        extra_material_properties=extensions.material_properties,
        extra_element_properties=extensions.element_properties,
        element_types=extensions.element_types,
        max_objects=max_objects,
        hierarchical=not flat,
    )
    try:
        assembly = builder.build(loader.display(path.absolute()), loader.statements)
    except RecursionError:
        shown = loader.display(path.absolute())
        raise LanguageError(
            [Diagnostic("E001", "an expression is nested too deeply to read", Location(shown, 1, 1, 1, 2))]
        ) from None

    assembly.files = loader.files
    from .netlist import Netlist

    assembly.netlist = Netlist.build(assembly)
    loader.timings.build = time.perf_counter() - started
    assembly.timings = loader.timings
    return assembly
