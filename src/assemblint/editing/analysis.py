"""Keeping every open file analysed as the user types: parse first, then check, both off the loop.

A change waits `debounce` seconds for the next keystroke, then the file is parsed in the parsing
thread: a syntax error is published at once (E001 comes from the parser alone, in milliseconds for
a compact design). A file that parses has its design checked in the worker process (checker.py),
one check at a time per design, the newest text winning: a result made from texts the user has
since changed is dropped, because another check is on its way. A file that stops parsing keeps
its last good tree and its design's last good model, so completion and hover still know the names.

An open file that another open file imports is checked as part of that design (its importer is
its root), so that what it uses from the importer is not reported as unknown.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types

from assemblint.base.diagnostics import Location
from assemblint.editing import diagnostics, rows
from assemblint.editing.checker import Checker, CheckJob, CheckResult, absolute
from assemblint.editing.documents import Document, TextLines
from assemblint.editing.model_index import ModelIndex
from assemblint.editing.project import DiskFiles, Parsed, closure, import_leading_to, parse_file

DEBOUNCE = 0.2  # seconds without a keystroke before a file is parsed again
T = TypeVar("T")
logger = logging.getLogger("assemblint.lsp")

Publish = Callable[[str, list[types.Diagnostic]], None]


@dataclass
class FileState:
    doc: Document
    parsed: Parsed | None = None  # of the latest version parsed
    good: Parsed | None = None  # of the latest version that parsed
    root: str = ""  # the design it is checked in: its own file, or an open file importing it
    timer: asyncio.TimerHandle | None = None
    showing_syntax: bool = False  # what the editor shows is a syntax error (so a fix must clear it at once)
    touched: set[int] | None = None  # lines (from 1) changed since `good`, each within itself; None: other edits


@dataclass
class Design:
    root: str
    dirty: bool = False
    running: bool = False
    index: ModelIndex | None = None  # the last good model's names
    files: list[str] = field(default_factory=list)  # the files the last check read
    diagnostics: dict[str, list[types.Diagnostic]] = field(default_factory=dict)  # by file
    checks: int = 0


class Analysis:
    def __init__(self, checker: Checker, publish: Publish, host: Any, debounce: float = DEBOUNCE):
        self.checker = checker
        self.host = host
        self._catalog: dict[str, Any] | None = None
        self.publish = publish
        self.debounce = debounce
        self.encoding: str = types.PositionEncodingKind.Utf16
        self.files: dict[str, FileState] = {}  # by uri
        self.designs: dict[str, Design] = {}  # by root file
        self.disk = DiskFiles()
        self.parser = ThreadPoolExecutor(1, thread_name_prefix="assemblint-parse")
        self.waiter = ThreadPoolExecutor(1, thread_name_prefix="assemblint-check")
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closed = False

    # ------------------------------------------------------------ the editor's events
    def open(self, uri: str, text: str, version: int) -> None:
        self.files[uri] = FileState(Document(uri, text, version, self.encoding))
        self._soon(uri, 0.0)

    def change(self, uri: str, version: int, changes: list[types.TextDocumentContentChangeEvent]) -> None:
        state = self.files.get(uri)
        if state is None:
            return
        for change in changes:
            state.doc.apply(change)
            one_line = isinstance(change, types.TextDocumentContentChangePartial) and (
                change.range.start.line == change.range.end.line and "\n" not in change.text and "\r" not in change.text
            )
            if one_line and state.touched is not None:
                assert isinstance(change, types.TextDocumentContentChangePartial)
                state.touched.add(change.range.start.line + 1)
            else:
                state.touched = None
        state.doc.version = version
        self._soon(uri, self.debounce)

    def save(self, uri: str) -> None:
        """A file written to disk: the designs that read it as an import are checked again."""
        state = self.files.get(uri)
        if state is None:
            return
        for design in self.designs.values():
            if state.doc.file in design.files and design.root != state.doc.file:
                self._check_soon(design.root)

    def close(self, uri: str) -> None:
        state = self.files.pop(uri, None)
        if state is None:
            return
        if state.timer:
            state.timer.cancel()
        self.publish(uri, [])
        self.designs.pop(state.doc.file, None)
        for other, rest in self.files.items():
            if rest.root == state.doc.file:
                self._soon(other, 0.0)

    def shutdown(self) -> None:
        self.closed = True
        for task in self._tasks:
            task.cancel()
        for state in self.files.values():
            if state.timer:
                state.timer.cancel()
        self.checker.close()
        self.parser.shutdown(wait=False, cancel_futures=True)
        self.waiter.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------ what the features ask
    def state(self, uri: str) -> FileState | None:
        return self.files.get(uri)

    def index_for(self, uri: str) -> ModelIndex | None:
        state = self.files.get(uri)
        if state is None:
            return None
        design = self.designs.get(state.root or state.doc.file)
        return design.index if design else None

    async def materials(self) -> dict[str, Any]:
        """The libraries' materials with their sources (materials.catalog). Read in the parsing thread,
        once: reading a library parses it, and the parser is not reentrant."""
        if self._catalog is None:
            self._catalog = await self.in_parser(self._read_catalog)
        return self._catalog

    def _read_catalog(self) -> dict[str, Any]:
        if self._catalog is None:
            from assemblint.editing.materials import catalog

            self._catalog = catalog(self.host)
        return self._catalog

    def prepare(self) -> None:
        """Start the checking process, and read the rules and the libraries, before the first request."""
        self.checker.start()
        self.host.rules()
        self.parser.submit(self._read_catalog)

    async def in_parser(self, function: Callable[..., T], *args: Any) -> T:
        """Run `function` in the parsing thread (the parser is not reentrant; files are read there)."""
        return await asyncio.get_running_loop().run_in_executor(self.parser, function, *args)

    def design_of(self, uri: str, get: Callable[[str], Parsed | None] | None = None) -> list[Parsed]:
        """The parsed files of the design `uri` belongs to, its root first. With `self.get` (the
        default) files not yet read are read: only in the parsing thread; with `self.cached`, anywhere."""
        state = self.files.get(uri)
        if state is None:
            return []
        get = get or self.get
        root_file = state.root or state.doc.file
        start = get(root_file) or state.good
        if start is None:
            return []
        files = closure(start, self.root_folder(root_file), get)
        if all(p.file != state.doc.file for p in files) and state.good is not None:
            files.append(state.good)
        return files

    def get(self, file: str) -> Parsed | None:
        """A file parsed: an open one as the editor has it (its last good version), any other from disk."""
        for state in list(self.files.values()):
            if state.doc.file == file:
                return state.good or state.parsed
        return self.disk.read(file)

    def cached(self, file: str) -> Parsed | None:
        """As `get`, but only what has been parsed already: nothing is read (for the requests)."""
        for state in list(self.files.values()):
            if state.doc.file == file:
                return state.good or state.parsed
        return self.disk.cached(file)

    def root_folder(self, file: str) -> Path:
        """The folder a design's imports must stay in: the configuration's `root`, or the design's folder."""
        from assemblint.run import config

        folder = Path(file).parent
        try:
            return Path(config.find(folder).root or folder)
        except Exception:  # a configuration that cannot be read: the check says so; here, the folder
            return folder

    def lines_of(self, file: str) -> Document | TextLines | None:
        for state in list(self.files.values()):
            if state.doc.file == file:
                return state.doc
        cached = self.disk.cached(file)
        if cached is None:
            return None
        return TextLines(lambda n: cached.line(n + 1), self.encoding)

    # ------------------------------------------------------------ parsing
    def _soon(self, uri: str, delay: float) -> None:
        if self.closed:
            return
        state = self.files[uri]
        if state.timer:
            state.timer.cancel()
        state.timer = asyncio.get_running_loop().call_later(delay, self._start, uri)

    def _start(self, uri: str) -> None:
        self._spawn(self._analyse(uri))

    def _spawn(self, work: Any) -> None:
        if self.closed:
            work.close()
            return
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and not self.closed:
            error = task.exception()
            logger.error("internal error in the analysis: %s: %s", type(error).__name__, error)

    async def _analyse(self, uri: str) -> None:
        state = self.files.get(uri)
        if state is None:
            return
        doc = state.doc
        version = doc.version
        started = time.perf_counter()
        if await self._reread(uri, state, version):
            logger.info("%s v%s read without a parse in %.3f s", doc.file, version, time.perf_counter() - started)
            return
        parsed = await self.in_parser(self._parse_current, state, version)
        if parsed is None or self.files.get(uri) is not state or doc.version != version:
            return  # a newer version is on its way
        logger.info("%s v%s parsed in %.3f s", doc.file, version, time.perf_counter() - started)
        state.parsed = parsed
        if parsed.tree is not None:
            state.good = parsed
            state.touched = set()
        state.root = await self.in_parser(self._root_of, doc.file)
        if parsed.error is not None or state.showing_syntax:
            self._publish(uri)  # else what is shown stays until the check says otherwise
        if parsed.tree is not None:
            self._check_soon(state.root)

    async def _reread(self, uri: str, state: FileState, version: int) -> bool:
        """A one-line edit of a big export's rows (rows.py): True when the new tree, or the file's syntax
        error, is known without parsing the file; an error only close to the file's is shown meanwhile."""
        good, touched = state.good, sorted(state.touched or ())
        if good is None or not touched:
            return False
        snapshot = state.doc.snapshot()
        found = await asyncio.to_thread(lambda: rows.reread(good, snapshot.lines, touched, version, snapshot.text))
        if found is None or self.files.get(uri) is not state or state.doc.version != version:
            return False
        if found.parsed is not None:
            state.parsed = state.good = found.parsed
            state.touched = set()
            if state.showing_syntax:
                self._publish(uri)
            self._check_soon(state.root or state.doc.file)
            return True
        line = snapshot.line(found.line - 1)
        following = snapshot.lines[found.line : found.line + 3]
        error, exact = await self.in_parser(rows.line_error, line, found.line, found.kind, snapshot.file, following)
        if error is None or self.files.get(uri) is not state or state.doc.version != version:
            return False
        state.parsed = Parsed(snapshot.file, version, "", None, error)
        self._publish(uri)
        logger.info("%s v%s: the error of line %s shown (%s)", snapshot.file, version, found.line, exact)
        return exact

    def _parse_current(self, state: FileState, version: int) -> Parsed | None:
        """The file parsed if `version` is still the latest when the parsing thread gets to it: a
        parse queued behind a long one is skipped once the user has typed on."""
        doc = state.doc
        if doc.version != version:
            return None
        return parse_file(doc.file, doc.text, version)

    def _root_of(self, file: str) -> str:
        """The open file whose design reads `file` through its imports, or `file` itself."""
        for state in list(self.files.values()):
            other = state.doc.file
            if other == file or state.good is None:
                continue
            if any(p.file == file for p in closure(state.good, self.root_folder(other), self.get)[1:]):
                return other
        return file

    # ------------------------------------------------------------ checking
    def _check_soon(self, root: str) -> None:
        design = self.designs.setdefault(root, Design(root))
        design.dirty = True
        if not design.running:
            design.running = True
            self._spawn(self._check_loop(design))

    async def _check_loop(self, design: Design) -> None:
        try:
            while design.dirty:
                design.dirty = False
                root = self._open_state(design.root)
                if root is None or root.parsed is None or root.parsed.error is not None:
                    return
                files = await self.in_parser(self._files_of, root.doc.uri)
                versions = self._versions(files)
                overlays = {s.doc.file: s.doc.text for s in self.files.values() if s.doc.file in files}
                overlays.pop(design.root, None)
                job = CheckJob(design.root, root.doc.text, overlays, versions)
                started = time.perf_counter()
                result = await asyncio.get_running_loop().run_in_executor(self.waiter, self.checker.check, job)
                took = time.perf_counter() - started
                logger.info("%s checked in %.3f s (%.3f s in the worker)", design.root, took, result.seconds)
                if design.dirty or self._versions(files) != versions or self.designs.get(design.root) is not design:
                    continue  # made from texts that have changed since: a newer check follows
                design.files = files
                design.checks += 1
                if result.index is not None:
                    design.index = result.index
                design.diagnostics = await self.in_parser(self._route, design, result, files)
                for problem in result.problems:
                    logger.warning("%s: %s", design.root, problem)
                for uri, state in self.files.items():
                    if state.doc.file in design.diagnostics:
                        self._publish(uri)
        finally:
            design.running = False

    def _files_of(self, uri: str) -> list[str]:
        return [p.file for p in self.design_of(uri)]

    def _open_state(self, file: str) -> FileState | None:
        return next((s for s in self.files.values() if s.doc.file == file), None)

    def _versions(self, files: list[str]) -> tuple:
        return tuple(sorted((s.doc.file, s.doc.version) for s in self.files.values() if s.doc.file in files))

    def _route(self, design: Design, result: CheckResult, files: list[str]) -> dict[str, list[types.Diagnostic]]:
        """Each error and finding to the open file it is in; one in a file not open, to the `import`
        of the root that reads it (or the root's first line)."""
        open_files = {
            s.doc.file: s.doc for s in list(self.files.values()) if s.doc.file in files or s.doc.file == design.root
        }
        out: dict[str, list[types.Diagnostic]] = {file: [] for file in open_files}
        root_doc = open_files.get(design.root)
        if root_doc is None:
            return out
        root_parsed = self.get(design.root)
        folder = self.root_folder(design.root)

        def place(loc: Location) -> tuple[str, Location | None]:
            file = absolute(loc.path)
            if file in open_files:
                return file, None
            stmt = import_leading_to(root_parsed, file, folder, self.get) if root_parsed else None
            return design.root, stmt.loc if stmt else Location(design.root, 1, 1)

        for error in result.errors:
            file, at = place(error.location)
            if at is None:
                out[file].append(diagnostics.from_error(error, open_files[file], self.lines_of))
            else:
                shown = _shown(error.location.path)
                out[file].append(
                    diagnostics.elsewhere(error.code, error.message, error.location, at, root_doc, shown, True)
                )
        for finding in result.findings:
            file, at = place(finding.location)
            if at is None:
                out[file].append(diagnostics.from_finding(finding, open_files[file]))
            elif not finding.waived:
                shown = _shown(finding.location.path)
                where = finding.location
                severe = finding.severity == "error"
                out[file].append(
                    diagnostics.elsewhere(finding.rule, finding.message, where, at, root_doc, shown, severe)
                )
        for problem in result.problems:
            out[design.root].append(diagnostics.problem(f"assemblint: {problem}", root_doc))
        return out

    def _publish(self, uri: str) -> None:
        state = self.files.get(uri)
        if state is None:
            return
        parsed = state.parsed
        state.showing_syntax = parsed is not None and parsed.error is not None
        if parsed is not None and parsed.error is not None:
            found = [diagnostics.from_error(parsed.error, state.doc, self.lines_of)]
        else:
            design = self.designs.get(state.root or state.doc.file)
            found = design.diagnostics.get(state.doc.file, []) if design else []
        self.publish(uri, found)


def _shown(path: str) -> str:
    """A file as a message names it: relative to the current folder where it can be."""
    try:
        return str(Path(absolute(path)).relative_to(Path.cwd()))
    except ValueError:
        return path
