"""Reading a design from disk: files, `import` (root confinement, cycles) and `use` libraries.

Produces the ordered statements of every file the design reads, each tagged with its origin, and
hands them to the builder. A syntax error stops at once (E001, the file's first); import errors
(E006) and limits (E009: file size, import depth) are collected and stop the run before building,
since what follows from a missing file is noise.

Confinement (docs/safety.md): an import path is checked as text first (no absolute path, drive
letter, backslash or control character), then resolved with its symbolic links and refused unless
it lies inside the root; only then is anything about the target looked at, and only a regular file
is ever opened. A refused import's target is neither read nor said to exist.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from assemblint.base.diagnostics import SOURCES, Diagnostic, LanguageError, Location, did_you_mean, normalize_line_ends
from assemblint.base.inputs import BOM, NotRegularFile, TooLarge, position, read_capped
from assemblint.base.limits import Limits, how_to_raise, size_text, suggested_size
from assemblint.build.builder import DEFAULT_MAX_OBJECTS, Builder, Origin
from assemblint.build.state import BuildInput
from assemblint.importing.problems import ImportProblem, utf8_text
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import parse
from assemblint.model.assembly import Assembly


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


class FileTooLarge(Exception):
    """A design file over the size limit, refused before it is read."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


class NotText(Exception):
    """A design file that is not UTF-8 text, or holds a NUL (a binary file, /proc/self/environ): an
    E001 at the first such byte, and none of its lines is ever quoted."""

    def __init__(self, line: int, column: int, what: str):
        super().__init__(what)
        self.line, self.column, self.what = line, column, what


def read_text(path: Path, max_bytes: int | None = None) -> str:
    """The text of a design file. With `max_bytes`, a larger file is refused by its size before
    anything is read, and at most one byte more is read, so that a file growing meanwhile (or one
    whose size the system does not know) cannot make memory grow with it; only a regular file is
    opened, without blocking (inputs.read_capped): a FIFO swapped in is refused, not waited on."""
    if max_bytes is None:
        data = path.read_bytes()  # a library, installed with its plugin
    else:
        try:
            data = read_capped(path, max_bytes)
        except TooLarge as large:
            raise FileTooLarge(large.size) from None
    return design_text(data)


def design_text(data: bytes) -> str:
    """A design's bytes as text: UTF-8, a byte-order mark from Windows editors dropped; NotText at
    the first byte that is not UTF-8, or the first NUL, whichever comes first."""
    data = data.removeprefix(BOM)
    nul = data.find(b"\0")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if 0 <= nul < error.start:
            raise _not_text(data, nul, "a NUL byte") from None
        raise _not_text(data, error.start, f"the byte 0x{data[error.start]:02x} is not UTF-8") from None
    if nul >= 0:
        raise _not_text(data, nul, "a NUL byte")
    return text


def _not_text(data: bytes, offset: int, what: str) -> NotText:
    before = normalize_line_ends(data[:offset].decode("utf-8", errors="replace"))
    line, column = position(before, len(before))
    return NotText(line, column, what)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def given_text(text: str) -> str:
    """Text handed to `load(text=...)`, read as a file would be: no file can hold a lone surrogate
    (it is not UTF-8), so each becomes U+FFFD, as an undecodable byte does, one for one so that
    columns stay put; left in, it would crash hashing and printing the text."""
    return _LONE_SURROGATE.sub("\ufffd", text)


@lru_cache(maxsize=32)
def _parse_library(path: str, mtime: float) -> tuple[st.SourceFile, str]:
    text = read_text(Path(path))
    return parse(text, path), text


@dataclass
class _Reading:
    """A file being read: where its statements stand, and the `import` that led to it."""

    resolved: Path
    statements: Iterator[st.Statement]
    via: st.Import | None


_DRIVE = re.compile(r"^[A-Za-z]:")
STACK_SUFFIX = ".3dbx"  # a 3DBlox design, read by importing/threedblox.py rather than parsed as .assy


def _printable(path: str) -> str:
    """An import path as a message may show it: invisible and control characters escaped, so that
    none reaches a terminal (an escape sequence) or hides what the path really is."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}" for c in path)


def _refused_form(path: str) -> str | None:
    """Why an import path is refused as written, before it is resolved (docs/safety.md), or None."""
    hidden = [c for c in path if not c.isprintable()]
    if hidden:
        return f"it contains an invisible or control character ({_printable(hidden[0])})"
    if "\\" in path:
        return "a backslash is not a path separator in an import: write `/` on every system"
    if _DRIVE.match(path):
        return "a drive letter makes it absolute; an import path is relative to the importing file"
    if path.startswith("/"):
        return "it is absolute; an import path is relative to the importing file"
    return None


class Loader:
    def __init__(
        self,
        root: Path,
        extensions: LanguageExtensions,
        display_base: Path | None = None,
        limits: Limits | None = None,
        parse_text: Callable[..., st.SourceFile] | None = None,
    ):
        self.root = root.resolve()
        self.parse_text = parse_text or parse  # parallel.py: a large design parsed in parts, progress per phase
        self.extensions = extensions
        self.display_base = display_base or Path.cwd()
        self.limits = limits or Limits()
        self.errors: list[Diagnostic] = []
        self.statements: list[tuple[BuildInput, Origin]] = []
        self.done: set[Path] = set()
        self.chain: list[Path] = []  # the files being read, outermost first
        self.reading: set[Path] = set()  # the same, to test a cycle in constant time whatever the depth
        self.libraries_loaded: set[str] = set()
        self.files: list[tuple[str, str]] = []
        self.folders: dict[str, Path] = {}  # each file read, by its shown path: the folder its paths are relative to
        self.data_files: set[str] = set()  # the data files read_data has read (tables, 3DBlox)
        self.by_window = False  # `--tiles`: 3DBlox bump maps are opened, for the builder to read by window
        #: the data files opened are hashed for the report's inputs; not by a tile's worker of `--tiles`,
        #: whose build makes no report (reading a wafer's maps through once per tile and pass)
        self.digests = True
        self.timings = Timings()

    def display(self, path: Path) -> str:
        """Paths in messages are relative to the current folder where possible."""
        try:
            return str(path.relative_to(self.display_base))
        except ValueError:
            return str(path)

    def read_file(self, path: Path, text: str | None = None) -> None:
        """Read `path` and, depth first, every file it imports, each at the place of its `import`.

        The files being read are an explicit stack, not Python recursion, so an import chain as
        deep as `--max-import-depth` allows costs no interpreter frames.
        """
        if path.suffix == STACK_SUFFIX and text is None:
            self._read_stack(path, None)
            return
        first = self._open(path, text, None)
        stack = [first] if first else []
        while stack:
            reading = stack[-1]
            stmt = next(reading.statements, None)
            if stmt is None:
                stack.pop()
                self.reading.discard(self.chain.pop())
                if reading.via is not None:  # as before: an `import` follows what it brought in
                    self.statements.append((reading.via, Origin()))
                continue
            if isinstance(stmt, st.Import):
                target = self._import(stmt, reading.resolved.parent)
                if target is not None and target.suffix == STACK_SUFFIX:
                    self._read_stack(target, stmt)
                    continue
                opened = self._open(target, None, stmt) if target else None
                if opened:
                    stack.append(opened)
                    continue
            elif isinstance(stmt, st.Use):
                self._use(stmt)
            self.statements.append((stmt, Origin()))

    def _open(self, path: Path, text: str | None, via: st.Import | None) -> _Reading | None:
        """Read and parse one file; None (with an error recorded) when it is too large or unreadable."""
        import time

        resolved = path.resolve()
        shown = self.display(path.absolute())
        limit = self.limits.max_file_size
        try:
            if text is None:
                text = read_text(path, limit)
            else:
                text = given_text(text)
                if len(text) > limit and len(text.encode("utf-8")) > limit:
                    raise FileTooLarge(len(text.encode("utf-8")))
        except NotText as binary:
            SOURCES.hide(shown)  # nothing of a file that is not text is ever quoted
            self.errors.append(
                Diagnostic(
                    "E001",
                    f"not a text file ({binary.what}, here): a design is UTF-8 text, and no line of this file is shown",
                    Location(shown, binary.line, binary.column, binary.line, binary.column + 1),
                )
            )
            return None
        except FileTooLarge as large:
            SOURCES.add(shown, "")  # so that printing the E009 does not read the file to quote it
            self.errors.append(
                Diagnostic(
                    "E009",
                    f"the file is {size_text(large.size)}, more than the limit of {size_text(limit)} for one "
                    "design file, and was not read; "
                    + how_to_raise(
                        "--max-file-size",
                        "max-file-size",
                        suggested_size(large.size),
                        f'"{suggested_size(large.size)}"',
                    ),
                    Location(shown, 1, 1, 1, 2),
                )
            )
            return None
        except NotRegularFile:
            where = via.loc if via else Location(shown, 1, 1)
            self.errors.append(Diagnostic("E006", f"{shown} is not a regular file and is not read", where))
            return None
        except OSError as error:
            where = via.loc if via else Location(shown, 1, 1)
            self.errors.append(Diagnostic("E006", f"cannot read {shown}: {error.strerror or error}", where))
            return None
        self.chain.append(resolved)
        self.reading.add(resolved)
        self.done.add(resolved)
        self.files.append((shown, hashlib.sha256(text.encode("utf-8")).hexdigest()))
        self.folders[shown] = resolved.parent
        SOURCES.add(shown, text)
        started = time.perf_counter()
        try:
            tree = self.parse_text(text, shown, self.limits.max_expression_depth)
        finally:
            self.timings.parse += time.perf_counter() - started
        return _Reading(resolved, iter(tree.statements), via)

    def _confine(self, written: str, loc: Location, folder: Path) -> Path:
        """The file a path written in a design names, confined to the root (docs/safety.md); raises
        ImportProblem (E006) when refused, outside the root, missing or not a regular file."""
        shown = _printable(written)
        refused = _refused_form(written)
        if refused:
            raise ImportProblem(Diagnostic("E006", f"`{shown}` is refused: {refused}", loc))
        try:
            target = (folder / written).resolve()
        except (OSError, RuntimeError, ValueError) as error:  # a loop of symbolic links, a NUL
            raise ImportProblem(Diagnostic("E006", f"`{shown}` cannot be resolved: {error}", loc)) from None
        if not target.is_relative_to(self.root):
            raise ImportProblem(
                Diagnostic(
                    "E006",
                    f"`{shown}` resolves outside the root folder {self.root} and is refused (use `--root` to widen it)",
                    loc,
                )
            )
        if target in self.reading:
            return target  # an import cycle: the caller says so
        try:
            target.is_file()
        except OSError as error:  # a name longer than the system allows (ENAMETOOLONG), a loop
            raise ImportProblem(
                Diagnostic("E006", f"`{shown}` cannot be read: {error.strerror or error}", loc)
            ) from None
        if not target.exists():
            raise ImportProblem(Diagnostic("E006", f"`{shown}` not found (looked for {self.display(target)})", loc))
        if not target.is_file():
            raise ImportProblem(
                Diagnostic("E006", f"`{shown}` is not a regular file (a folder, pipe or device) and is not read", loc)
            )
        return target

    def read_data(self, written: str, loc: Location, folder: Path | None = None) -> tuple[bytes, str, Path]:
        """A data file a design names (a bump map, a 3DBlox include): its bytes, shown path and
        resolved path, read as a design file is (confined, regular, within the size limit, E009)."""
        if folder is None:
            folder = self.folders.get(loc.path, self.root)
        target = self._confine(written, loc, folder)
        shown = self.display(target)
        limit = self.limits.max_file_size
        try:
            data = read_capped(target, limit)
        except TooLarge as large:
            raise ImportProblem(
                Diagnostic(
                    "E009",
                    f"{shown} is {size_text(large.size)}, more than the limit of {size_text(limit)} for one file, "
                    "and was not read; "
                    + how_to_raise(
                        "--max-file-size",
                        "max-file-size",
                        suggested_size(large.size),
                        f'"{suggested_size(large.size)}"',
                    ),
                    loc,
                )
            ) from None
        except OSError as error:
            raise ImportProblem(Diagnostic("E006", f"cannot read {shown}: {error.strerror or error}", loc)) from None
        self.folders.setdefault(shown, target.parent)
        if shown not in self.data_files:  # an input of the run: in the report's inputs, never overwritten by -o
            self.data_files.add(shown)
            self.files.append((shown, hashlib.sha256(data).hexdigest()))
        return data, shown, target

    def open_data(self, written: str, loc: Location, folder: Path | None = None) -> tuple[Path, str]:
        """A data file to read in blocks (a window's rows of a bump map): its resolved path and shown
        path, checked as `read_data` checks it, hashed for the report in blocks, never held whole."""
        if folder is None:
            folder = self.folders.get(loc.path, self.root)
        target = self._confine(written, loc, folder)
        shown = self.display(target)
        limit = self.limits.max_file_size
        digest = hashlib.sha256()
        try:
            fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            fd = -1
        if fd < 0 or not stat.S_ISREG(os.fstat(fd).st_mode) or os.fstat(fd).st_size > limit:
            if fd >= 0:
                os.close(fd)
            self.read_data(written, loc, folder)  # refuses it, with its message (E006, E009)
            raise ImportProblem(Diagnostic("E006", f"cannot read {shown}", loc))
        with os.fdopen(fd, "rb") as stream:
            while self.digests and (chunk := stream.read(1 << 22)):
                digest.update(chunk)
        self.folders.setdefault(shown, target.parent)
        if shown not in self.data_files and self.digests:
            self.data_files.add(shown)
            self.files.append((shown, digest.hexdigest()))
        return target, shown

    def _read_stack(self, path: Path, via: st.Import | None) -> None:
        """A 3DBlox design (.3dbx): read with its includes and bump maps into one statement."""
        shown = self.display(path.absolute())
        loc = via.loc if via is not None else Location(shown, 1, 1)
        try:
            data, shown, resolved = self.read_data(path.name, loc, path.absolute().parent)
            text = utf8_text(data, shown)
        except ImportProblem as problem:
            self.errors.append(problem.diagnostic)
            return
        SOURCES.add(shown, text)
        self.done.add(resolved)
        try:
            from assemblint.importing.threedblox import read_stack  # here: YAML only for designs that import 3DBlox

            stack = read_stack(
                text, shown, resolved.parent, loc, self.read_data, self.open_data if self.by_window else None
            )
        except ImportProblem as problem:
            self.errors.append(problem.diagnostic)
            return
        self.statements.append((stack, Origin()))

    def _import(self, stmt: st.Import, folder: Path) -> Path | None:
        """The file an `import` reads, or None: refused (E006), over the depth (E009), or already read."""
        try:
            target = self._confine(stmt.path, stmt.loc, folder)
        except ImportProblem as problem:
            problem.diagnostic.message = "import " + problem.diagnostic.message
            self.errors.append(problem.diagnostic)
            return None
        if target in self.reading:
            cycle = [*self.chain[self.chain.index(target) :], target]
            names = " -> ".join(self.display(p) for p in cycle)
            self.errors.append(Diagnostic("E006", f"import cycle: {names}", stmt.loc))
            return None
        if target in self.done:
            return None  # importing a file that was already read is a no-op
        depth = len(self.chain)  # the checked file is depth 0; what it imports, 1
        if depth > self.limits.max_import_depth:
            self.errors.append(
                Diagnostic(
                    "E009",
                    f"imports are nested more than {self.limits.max_import_depth:,} deep: this `import` "
                    f"would read a file {depth:,} imports below {self.display(self.chain[0])}; "
                    + how_to_raise("--max-import-depth", "max-import-depth", str(max(2 * depth, 1))),
                    stmt.loc,
                )
            )
            return None
        return target

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
        except (OSError, NotText) as error:
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
    extensions: LanguageExtensions,
    root: str | Path | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    text: str | None = None,
    flat: bool = False,
    limits: Limits | None = None,
    parse_text: Callable[..., st.SourceFile] | None = None,
    window: Any = None,
) -> Assembly:
    """Read, parse and build one design. Raises LanguageError with every E001–E010 found.

    `extensions`: what the plugins add to the language (libraries, properties, element types); the
    caller asks the plugin host for them (`PluginHost.language_extensions()`), as the api does.
    `flat`: build every placed instance (see docs/hierarchy.md for what the default builds).
    `limits`: file size, import depth and expression depth (limits.py); `max_objects` is the fourth.
    `parse_text`: called as `syntax.parse` is, for each file read (parallel.py: parts, progress).
    `window`: `--tiles` (model/windowed.py): only the bump-map rows placed in it are read."""
    with _no_cyclic_gc():
        return _load(path, root, extensions, max_objects, text, flat, limits, parse_text, window)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Reading makes millions of objects and frees none: Python's cycle collector would scan them all
    again and again as they pile up (a third of the time of a 300,000-line export). Nothing read
    forms a cycle that must be freed early, so it waits until the design is built."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(
    path: str | Path,
    root: str | Path | None,
    extensions: LanguageExtensions,
    max_objects: int,
    text: str | None,
    flat: bool,
    limits: Limits | None,
    parse_text: Callable[..., st.SourceFile] | None,
    window: Any = None,
) -> Assembly:
    import time

    from assemblint.model.windowed import NothingHeld, stand_in

    path = Path(path)
    loader = Loader(Path(root) if root else path.absolute().parent, extensions, limits=limits, parse_text=parse_text)
    loader.by_window = window is not None
    loader.digests = window is None or isinstance(window, NothingHeld)  # the run's own: its report
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
        read_data=loader.read_data,
        open_data=loader.open_data,
        window=window,
    )
    try:
        assembly = builder.build(loader.display(path.absolute()), loader.statements)
    except RecursionError:
        shown = loader.display(path.absolute())
        raise LanguageError(
            [Diagnostic("E001", "an expression is nested too deeply to read", Location(shown, 1, 1, 1, 2))]
        ) from None

    assembly.files = loader.files
    from assemblint.model.netlist import Netlist

    if isinstance(window, NothingHeld) and assembly.windowed.totals:  # `--tiles`' own process: names, counts
        stand_in(assembly)
    else:
        assembly.netlist = Netlist.build(assembly)
    assembly.timings = loader.timings
    assembly.seal()  # read-only to rules from here on (model/readonly.py)
    loader.timings.build = time.perf_counter() - started
    return assembly
