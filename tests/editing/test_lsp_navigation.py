"""Go to definition and find references across `import`s, and the outline (document symbols)."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from assemblint.editing.materials import catalog
from assemblint.plugins.host import PluginHost
from editing.lsp_data import CONFIG, HERE, diagnostics, open_text, position_of, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

MAIN = HERE / "main.assy"
LIB = HERE / "lib.assy"


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    uri = open_text(lsp_client, MAIN)
    await diagnostics(lsp_client, uri, lambda d: len(d) > 0)
    yield
    await lsp_client.shutdown_session()


def _where(path: Path, needle: str, offset: int = 0, length: int | None = None) -> tuple[str, t.Range]:
    line, character = position_of(path.read_text(encoding="utf-8"), needle, offset)
    width = len(needle) - offset if length is None else length
    return path.resolve().as_uri(), t.Range(t.Position(line, character), t.Position(line, character + width))


async def _definition(client: LanguageClient, needle: str, offset: int) -> list[tuple[str, t.Range]]:
    line, character = position_of(MAIN.read_text(encoding="utf-8"), needle, offset)
    found = await client.text_document_definition_async(
        t.DefinitionParams(t.TextDocumentIdentifier(MAIN.resolve().as_uri()), t.Position(line, character))
    )
    assert found is None or isinstance(found, list)
    return [(loc.uri, loc.range) for loc in found or [] if isinstance(loc, t.Location)]


async def test_the_element_of_a_pad_reference_is_declared_in_the_imported_file(client: LanguageClient) -> None:
    assert await _definition(client, "die.c[1]", 1) == [_where(LIB, "die : chip", 0, 3)]


async def test_the_pad_of_a_pad_reference_is_declared_in_its_element(client: LanguageClient) -> None:
    assert await _definition(client, "die.c[1]", len("die.")) == [_where(LIB, "c grid", 0, 1)]
    assert await _definition(client, "sub.p[1]", len("sub.")) == [_where(MAIN, "p grid", 0, 1)]


async def test_a_library_material_is_declared_in_the_library(client: LanguageClient) -> None:
    [(uri, found)] = await _definition(client, "SAC305", 3)
    entry = catalog(PluginHost.create())["SAC305"]
    assert uri == Path(entry.path).resolve().as_uri()
    assert found.start.line == entry.line - 1
    text = Path(entry.path).read_text(encoding="utf-8").splitlines()[entry.line - 1]
    assert text[found.start.character : found.end.character] == "SAC305"


async def test_nothing_is_declared_for_a_keyword(client: LanguageClient) -> None:
    assert await _definition(client, "joins", 1) == []


async def test_references_of_an_element_across_the_import(client: LanguageClient) -> None:
    line, character = position_of(MAIN.read_text(encoding="utf-8"), "die.c[*]")
    found = await client.text_document_references_async(
        t.ReferenceParams(
            context=t.ReferenceContext(include_declaration=True),
            text_document=t.TextDocumentIdentifier(MAIN.resolve().as_uri()),
            position=t.Position(line, character),
        )
    )
    assert found is not None
    main = MAIN.read_text(encoding="utf-8")
    uses = [position_of(main, "die.c[*]"), position_of(main, "die.c[1]")]
    expected = [(MAIN.resolve().as_uri(), t.Range(t.Position(*p), t.Position(p[0], p[1] + 3))) for p in uses]
    assert sorted((loc.uri, loc.range.start.line, loc.range.start.character) for loc in found) == sorted(
        [(uri, r.start.line, r.start.character) for uri, r in [*expected, _where(LIB, "die : chip", 0, 3)]]
    )
    without = await client.text_document_references_async(
        t.ReferenceParams(
            context=t.ReferenceContext(include_declaration=False),
            text_document=t.TextDocumentIdentifier(MAIN.resolve().as_uri()),
            position=t.Position(line, character),
        )
    )
    assert without is not None and [(loc.uri, loc.range) for loc in without] == expected


async def test_the_outline_has_elements_with_their_pads_masses_and_the_process_steps(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = (HERE / "main.assy").read_text(encoding="utf-8")
    found = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(t.TextDocumentIdentifier(MAIN.resolve().as_uri()))
    )
    assert found is not None
    shape = [
        (s.name, s.kind, [(c.name, c.kind) for c in (s.children or [])])
        for s in found
        if isinstance(s, t.DocumentSymbol)
    ]
    assert shape == [
        ("sub", t.SymbolKind.Class, [("p", t.SymbolKind.Field)]),
        ("b", t.SymbolKind.Array, []),
        ("one", t.SymbolKind.Variable, []),
        ("process", t.SymbolKind.Namespace, [("attach", t.SymbolKind.Event)]),
        ("waive MH001", t.SymbolKind.Key, []),
    ]
    sub = found[0]
    assert isinstance(sub, t.DocumentSymbol)
    name = t.Range(t.Position(*position_of(text, "sub : ")), t.Position(*position_of(text, " : substrate")))
    assert sub.selection_range == name
    assert sub.range.start == t.Position(sub.selection_range.start.line, 0)
    assert sub.range.end.line == position_of(text, "pads p")[0]


@pytest.mark.parametrize("size", [400, 1500])  # read by Lark; by the rows reader of big exports (explicit.py)
async def test_an_export_is_outlined_in_runs(client: LanguageClient, tmp_path: Path, size: int) -> None:
    from benchmarks.designs import explicit

    uri = open_text(client, tmp_path / "explicit.assy", explicit(size))
    await diagnostics(client, uri, lambda d: True)
    found = await client.text_document_document_symbol_async(t.DocumentSymbolParams(t.TextDocumentIdentifier(uri)))
    assert found is not None
    names = [(s.name, s.detail, [(c.name, c.detail) for c in (s.children or [])]) for s in found]
    last = size - 1
    assert names == [
        ("process", "1 steps", [("join", "reflow")]),
        ("die", "element : chip", [(f"c0 … c{last}", f"{size:,} pads")]),
        ("sub", "element : interposer", [(f"p0 … p{last}", f"{size:,} pads")]),
        (f"m0 … m{last}", f"{size:,} masses", []),
    ]


async def test_formatting_gives_the_canonical_layout(client: LanguageClient, tmp_path: Path) -> None:
    from assemblint.language.layout import format_text

    text = "use std\nelement  die : chip {body silicon\n  pads c grid 2 x 2 pitch 300um}\n"
    uri = open_text(client, tmp_path / "messy.assy", text)
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(t.TextDocumentIdentifier(uri), t.FormattingOptions(tab_size=4, insert_spaces=True))
    )
    assert edits is not None and len(edits) == 1
    assert edits[0].range == t.Range(t.Position(0, 0), t.Position(3, 0))
    assert edits[0].new_text == format_text(text, str(tmp_path / "messy.assy"))
    assert edits[0].new_text != text
    broken = open_text(client, tmp_path / "broken.assy", "element die : chip {\n")
    assert (
        await client.text_document_formatting_async(
            t.DocumentFormattingParams(
                t.TextDocumentIdentifier(broken), t.FormattingOptions(tab_size=4, insert_spaces=True)
            )
        )
        is None
    )
