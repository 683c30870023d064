"""The files of a design as the server sees them: each parsed once per version, and `import`s
resolved as the loader resolves them, confined to the root.

An open file is taken as the editor has it; any other file is read from disk and kept until it
changes there. Parsing happens only in the server's one parsing thread (the parser is not
reentrant); resolving never reads a file outside the root, nor one that is not a regular file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assemblint.base.diagnostics import Diagnostic, LanguageError, Location
from assemblint.base.inputs import read_capped
from assemblint.base.limits import DEFAULT_MAX_FILE_SIZE
from assemblint.build.loader import STACK_SUFFIX, NotText, design_text, given_text
from assemblint.editing.documents import split_lines
from assemblint.editing.model_index import ModelIndex
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import parse


@dataclass
class Parsed:
    """One file's text and what the parser made of it: a tree, or the syntax error that stopped it."""

    file: str  # absolute
    version: int | None  # the editor's version; None for a file read from disk
    text: str
    tree: st.SourceFile | None
    error: Diagnostic | None = None
    _lines: list[str] | None = field(default=None, repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # what features work out once per version

    def line(self, number: int) -> str:
        """Line `number` (from 1)."""
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines[number - 1] if 0 < number <= len(self._lines) else ""

    def imports(self) -> list[st.Import]:
        if self.tree is None:
            return []
        return [s for s in self.tree.statements if isinstance(s, st.Import)]

    def uses(self) -> list[str]:
        if self.tree is None:
            return []
        return [s.library for s in self.tree.statements if isinstance(s, st.Use)]


def parse_file(file: str, text: str, version: int | None) -> Parsed:
    """Parse a file's text (in the parsing thread): a tree, or its first syntax error (E001, E009)."""
    try:
        return Parsed(file, version, text, parse(given_text(text), file))
    except LanguageError as error:
        return Parsed(file, version, text, None, error.diagnostics[0])
    except Exception as error:  # the parser's own bug: one diagnostic, and the server carries on
        message = f"internal error while parsing: {type(error).__name__}: {error}"
        return Parsed(file, version, text, None, Diagnostic("E001", message, Location(file, 1, 1, 1, 2)))


_DRIVE = re.compile(r"^[A-Za-z]:")


def resolve_import(written: str, folder: Path, root: Path) -> Path | None:
    """The file an `import` names, as the loader confines it (docs/safety.md): refused when written
    absolute, with a backslash or a control character, when it resolves outside `root`, or when it
    is not a regular file; None then."""
    if not written or any(not c.isprintable() for c in written) or "\\" in written:
        return None
    if written.startswith("/") or _DRIVE.match(written):
        return None
    try:
        target = (folder / written).resolve()
        if not target.is_relative_to(root.resolve()) or not target.is_file():
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return target


class DiskFiles:
    """The files that are not open, parsed once and kept until their size or time changes."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_FILE_SIZE):
        self.max_bytes = max_bytes
        self._cache: dict[str, tuple[tuple[int, int], Parsed]] = {}

    def cached(self, file: str) -> Parsed | None:
        """The file as last read, without looking at the disk again (None if never read)."""
        entry = self._cache.get(file)
        return entry[1] if entry else None

    def read(self, file: str) -> Parsed | None:
        """The file parsed (in the parsing thread), or None when it cannot be read as a design."""
        if file.endswith(STACK_SUFFIX):
            return None
        try:
            stat = os.stat(file)
        except OSError:
            return None
        key = (stat.st_mtime_ns, stat.st_size)
        cached = self._cache.get(file)
        if cached and cached[0] == key:
            return cached[1]
        try:
            text = design_text(read_capped(file, self.max_bytes))
        except (OSError, NotText, Exception):  # too large, not regular, not text: not a design to read
            return None
        parsed = parse_file(file, text, None)
        if len(self._cache) > 256:
            self._cache.clear()
        self._cache[file] = (key, parsed)
        return parsed


def closure(start: Parsed, root: Path, get: Callable[[str], Parsed | None]) -> list[Parsed]:
    """The file and every file it imports, depth first, each once, as the loader reads them."""
    seen = {start.file}
    out = [start]
    stack = [start]
    while stack:
        current = stack.pop()
        for stmt in reversed(current.imports()):
            target = resolve_import(stmt.path, Path(current.file).parent, root)
            if target is None or str(target) in seen:
                continue
            seen.add(str(target))
            parsed = get(str(target))
            if parsed is not None:
                out.append(parsed)
                stack.append(parsed)
    return out


def import_leading_to(start: Parsed, file: str, root: Path, get: Callable[[str], Parsed | None]) -> st.Import | None:
    """The `import` of `start` through which `file` is read (directly or further down)."""
    for stmt in start.imports():
        target = resolve_import(stmt.path, Path(start.file).parent, root)
        if target is None:
            continue
        parsed = get(str(target))
        if str(target) == file or (parsed is not None and file in {p.file for p in closure(parsed, root, get)}):
            return stmt
    return None


@dataclass
class RequestContext:
    """What a hover or a completion is answered from: the design's parsed files, the last good model
    (None before the first check), the libraries it `use`s and the materials' catalog."""

    host: Any
    index: ModelIndex | None
    design: list[Parsed]
    uses: tuple[str, ...] = ()
    materials: dict[str, Any] | None = None  # the libraries' catalog (materials.catalog), read beforehand
