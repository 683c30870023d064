"""`assemblint lsp`: the language server, on stdin and stdout, built on pygls.

The protocol loop stays free: parsing runs in one thread, checking in a worker process
(analysis.py, checker.py), and each request works on a snapshot of what it needs, in a thread of
its own, so a hover is answered while a large design is parsed or checked. A request that fails
is answered with an LSP error naming what went wrong, never a traceback; the server carries on.
Nothing but the protocol may reach stdout: the real stdout is kept for pygls and the process's
own stdout (and the worker's) is pointed at stderr, which editors keep as the server's log.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from assemblint.base.diagnostics import LanguageError, Location
from assemblint.base.version import __version__
from assemblint.editing.analysis import Analysis
from assemblint.editing.checker import Checker
from assemblint.editing.completion import complete
from assemblint.editing.cursor import Target, target_at
from assemblint.editing.documents import Document, TextLines, path_to_uri, to_range
from assemblint.editing.hover import hover_markdown, library_entry
from assemblint.editing.navigation import declaration, references
from assemblint.editing.outline import outline
from assemblint.editing.project import Parsed, RequestContext
from assemblint.language.layout import format_text

T = TypeVar("T")
_USE = re.compile(r"(?m)^[ \t]*use[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
logger = logging.getLogger("assemblint.lsp")


class _Protocol(LanguageServerProtocol):
    """Open files are kept by analysis.py (documents.py), not in pygls's workspace, which would split
    the whole text again on every keystroke."""

    _server: AssemblintServer

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        document = params.text_document
        self._server.analysis.open(document.uri, document.text, document.version)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        document = params.text_document
        self._server.analysis.change(document.uri, document.version, list(params.content_changes))

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._server.analysis.close(params.text_document.uri)

    def structure_message(self, data: dict[str, Any]) -> Any:
        """A request whose parameters cannot be read is answered with the error (pygls only logs it,
        and the editor would wait for an answer that never comes)."""
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                self._send_response(data["id"], error=error.to_response_error())
            raise


class AssemblintServer(LanguageServer):
    def __init__(self, host: Any):
        super().__init__("assemblint", __version__, protocol_cls=_Protocol)
        self.host = host
        self.analysis = Analysis(Checker(set(host.disabled)), self._publish, host)

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Logged, not shown: a request that failed has had its answer; the editor's log keeps the rest."""
        logger.warning("%s: %s", type(error).__name__, error)

    def _publish(self, uri: str, found: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=found))


def _guarded(what: str) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T]]]:
    """A request handler whose failure is an LSP error with one sentence (logged as one line)."""

    def wrap(handler: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
        @functools.wraps(handler)
        async def guarded(params: Any) -> T:
            try:
                return await handler(params)
            except Exception as error:
                message = f"assemblint could not answer {what}: {type(error).__name__}: {error}"
                logger.error(message)
                raise JsonRpcInternalError(message) from None

        return guarded

    return wrap


def build_server(host: Any) -> AssemblintServer:
    server = AssemblintServer(host)
    analysis = server.analysis

    @server.feature(types.INITIALIZED)
    def initialized(params: types.InitializedParams) -> None:
        encoding = server.workspace.position_encoding or types.PositionEncodingKind.Utf16
        analysis.encoding = getattr(encoding, "value", str(encoding))  # "utf-16", "utf-32" or "utf-8"
        threading.Thread(target=_warm, args=(analysis,), daemon=True, name="assemblint-warm").start()

    @server.feature(types.SHUTDOWN)
    def shutdown(params: None) -> None:
        analysis.shutdown()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        analysis.save(params.text_document.uri)

    def snapshot(uri: str) -> tuple[Document, list[Parsed], Any] | None:
        state = analysis.state(uri)
        if state is None:
            return None
        design = analysis.design_of(uri, analysis.cached)
        return state.doc.snapshot(), design, analysis.index_for(uri)

    def uses(design: list[Parsed], doc: Document) -> tuple[str, ...]:
        """The libraries the design `use`s; read from the text while the file has never parsed."""
        found = [name for parsed in design for name in parsed.uses()]
        if not any(parsed.file == doc.file for parsed in design):
            found += _USE.findall(doc.text)
        return tuple(dict.fromkeys(found))

    async def request(uri: str) -> tuple[Document, RequestContext] | None:
        """The document as it stands and what a request on it is answered from (None: not open)."""
        taken = snapshot(uri)
        if taken is None:
            return None
        doc, design, index = taken
        return doc, RequestContext(host, index, design, uses(design, doc), await analysis.materials())

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guarded("the hover")
    async def hover(params: types.HoverParams) -> types.Hover | None:
        found = await request(params.text_document.uri)
        if found is None:
            return None
        doc, context = found

        def work() -> types.Hover | None:
            column = doc.column(params.position)
            target = target_at(doc, params.position.line, column)
            if target is None:
                return None
            text = hover_markdown(target, context)
            if text is None:
                return None
            where = types.Range(
                doc.position(params.position.line, target.start), doc.position(params.position.line, target.end)
            )
            return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), where)

        return await asyncio.to_thread(work)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[".", ":"]))
    @_guarded("the completion")
    async def completion(params: types.CompletionParams) -> types.CompletionList | None:
        found = await request(params.text_document.uri)
        if found is None:
            return None
        doc, context = found
        return await asyncio.to_thread(complete, doc, params.position.line, doc.column(params.position), context)

    def target_of(doc: Document, position: types.Position) -> Target | None:
        return target_at(doc, position.line, doc.column(position))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @_guarded("go to definition")
    async def definition(params: types.DefinitionParams) -> list[types.Location] | None:
        taken = snapshot(params.text_document.uri)
        if taken is None:
            return None
        doc, design, _index = taken
        materials = await analysis.materials()

        def work() -> list[types.Location] | None:
            target = target_of(doc, params.position)
            if target is None:
                return None
            found = declaration(target, design)
            if found is not None:
                return [_location(found.loc, analysis)]
            if target.namespace == "material":
                entry = library_entry(target.name, materials, uses(design, doc))
                return _library_material(entry, analysis.encoding) if entry else None
            return None

        return await asyncio.to_thread(work)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @_guarded("find references")
    async def find_references(params: types.ReferenceParams) -> list[types.Location] | None:
        taken = snapshot(params.text_document.uri)
        if taken is None:
            return None
        doc, design, _index = taken

        def work() -> list[types.Location] | None:
            target = target_of(doc, params.position)
            if target is None or target.namespace not in ("material", "step", "name", "pad"):
                return None
            found = references(target, design, params.context.include_declaration)
            return [_location(o.loc, analysis) for o in found]

        return await asyncio.to_thread(work)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    @_guarded("the outline")
    async def document_symbols(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        state = analysis.state(params.text_document.uri)
        if state is None or state.good is None or state.good.tree is None:
            return []
        doc, tree = state.doc.snapshot(), state.good.tree
        return await asyncio.to_thread(outline, tree, doc)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @_guarded("formatting")
    async def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        state = analysis.state(params.text_document.uri)
        if state is None:
            return None
        doc = state.doc.snapshot()
        return await asyncio.to_thread(_format, doc)

    return server


def _format(doc: Document) -> list[types.TextEdit] | None:
    """The whole text in the canonical layout, as one edit; none for a file that does not parse."""
    try:
        formatted = format_text(doc.text, doc.file)
    except LanguageError:
        return None
    if formatted == doc.text:
        return []
    last = len(doc.lines) - 1
    end = doc.position(last, len(doc.lines[last]))
    return [types.TextEdit(types.Range(types.Position(0, 0), end), formatted)]


def _location(loc: Location, analysis: Analysis) -> types.Location:
    lines = analysis.lines_of(loc.path)
    if lines is None:
        lines = TextLines(lambda n: "", analysis.encoding)
    uri = lines.uri if isinstance(lines, Document) else path_to_uri(loc.path)  # an open file: its own URI
    return types.Location(uri, to_range(loc, lines))


def _library_material(entry: Any, encoding: str) -> list[types.Location] | None:
    """A library's material: its declaration in the library file (std.assy)."""
    name = entry.name
    try:
        text = Path(entry.path).read_text(encoding="utf-8")
    except OSError:
        return None
    lines = TextLines.of(text, encoding)
    column = lines.line(entry.line - 1).find(name)
    loc = Location(entry.path, entry.line, column + 1 if column >= 0 else 1, entry.line, column + 1 + len(name))
    return [types.Location(path_to_uri(entry.path), to_range(loc, lines))]


def _warm(analysis: Analysis) -> None:
    """Start the checking process and read the rules and libraries while the user opens a file."""
    try:
        analysis.prepare()
    except Exception as error:  # the features that need them say so when asked
        logger.warning("could not prepare: %s: %s", type(error).__name__, error)


class _OneLine(logging.Formatter):
    """Log records as their first line: no traceback ever reaches the editor's log."""

    def formatException(self, ei: Any) -> str:
        return ""

    def formatStack(self, stack_info: str) -> str:
        return ""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return super().format(record).split("\n", 1)[0]  # pygls puts a traceback's text in some messages


def serve(host: Any) -> int:
    """Serve on stdin and stdout until the editor says `exit` or closes the pipe."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine("assemblint lsp: %(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)
    if os.environ.get("ASSEMBLINT_LSP_LOG", "").lower() in ("info", "debug"):  # timings of each parse and check
        logger.setLevel(logging.INFO)
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print goes to the log, not into the protocol
    sys.stdout = sys.stderr
    server = build_server(host)
    try:
        server.start_io(sys.stdin.buffer, protocol_out)
    finally:
        server.analysis.shutdown()
    return 0
