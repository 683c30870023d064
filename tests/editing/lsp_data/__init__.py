"""Driving `assemblint lsp` as an editor does, for tests/editing/test_lsp_*.py: the server started
over stdio by pytest-lsp, files opened and edited, and what it publishes waited for."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
CONFIG = ClientServerConfig(server_command=[sys.executable, "-m", "assemblint", "lsp"])
WAIT = 30.0  # seconds: generous, for a loaded machine; a passing test takes a fraction of it


async def start(client: LanguageClient) -> None:
    await client.initialize_session(
        t.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=ROOT.as_uri())
    )


def open_text(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    """Open `path` (its text on disk unless given) and return its URI."""
    uri = path.resolve().as_uri() if path.exists() else path.absolute().as_uri()
    content = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "assy", version, content)))
    return uri


def replace(client: LanguageClient, uri: str, version: int, text: str) -> None:
    """The whole text changed (as an editor with full synchronisation sends it)."""
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(
            t.VersionedTextDocumentIdentifier(version=version, uri=uri),
            [t.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def edit(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str):
    """One range replaced (incremental synchronisation, as VS Code sends a keystroke)."""
    change = t.TextDocumentContentChangePartial(t.Range(t.Position(*start), t.Position(*end)), text)
    client.text_document_did_change(
        t.DidChangeTextDocumentParams(t.VersionedTextDocumentIdentifier(version=version, uri=uri), [change])
    )


async def diagnostics(
    client: LanguageClient, uri: str, until: Callable[[Sequence[t.Diagnostic]], bool], timeout: float = WAIT
) -> Sequence[t.Diagnostic]:
    """The diagnostics published for `uri`, once they satisfy `until` (the test fails after `timeout`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.diagnostics.get(uri)
        if found is not None and until(found):
            return found
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics as expected for {uri} within {timeout} s: {client.diagnostics.get(uri)}")


def codes(found: Sequence[t.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


async def hover(client: LanguageClient, uri: str, line: int, character: int) -> t.Hover | None:
    params = t.HoverParams(t.TextDocumentIdentifier(uri), t.Position(line, character))
    return await client.text_document_hover_async(params)


async def complete(client: LanguageClient, uri: str, line: int, character: int) -> list[str]:
    result = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), t.Position(line, character))
    )
    if result is None:
        return []
    items = result.items if isinstance(result, t.CompletionList) else result
    return [item.label for item in items]


def position_of(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """(line, character) of the first `needle` in `text`, plus `offset` characters (ASCII text)."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    return line, index - (text.rfind("\n", 0, index) + 1)
