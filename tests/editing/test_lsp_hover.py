"""Hover (CLI.md, `lsp`): a rule's `explain` text on the rule id of a `waive`, a material's values
and sources on its name, a pad's position and shape on a reference to it."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from assemblint.editing.materials import catalog, hover_markdown
from assemblint.plugins.host import PluginHost
from assemblint.rule_docs import explain_text
from editing.lsp_data import CONFIG, HERE, diagnostics, hover, open_text, position_of, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

MAIN = HERE / "main.assy"


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    uri = open_text(lsp_client, MAIN)
    await diagnostics(lsp_client, uri, lambda d: [x.code for x in d] == ["WV002"])  # checked: the model is built
    yield
    await lsp_client.shutdown_session()


def _value(found: t.Hover | None) -> str:
    assert found is not None
    assert isinstance(found.contents, t.MarkupContent)
    assert found.contents.kind == t.MarkupKind.Markdown
    return found.contents.value


async def _hover_on(client: LanguageClient, needle: str, offset: int = 0) -> t.Hover | None:
    line, character = position_of(MAIN.read_text(encoding="utf-8"), needle, offset)
    return await hover(client, MAIN.resolve().as_uri(), line, character)


async def test_a_rule_id_in_a_waive_shows_its_explain_text(client: LanguageClient) -> None:
    rule = {r.id: r for r in PluginHost.create().rules()}["MH001"]
    found = await _hover_on(client, "waive MH001", len("waive M"))
    assert _value(found) == f"```text\n{explain_text(rule, run_examples=False)}\n```"
    line, character = position_of(MAIN.read_text(encoding="utf-8"), "MH001")
    assert found is not None and found.range == t.Range(t.Position(line, character), t.Position(line, character + 5))


async def test_a_library_material_shows_its_values_and_sources(client: LanguageClient) -> None:
    found = await _hover_on(client, "SAC305", 2)
    entry = catalog(PluginHost.create())["SAC305"]
    assert _value(found) == hover_markdown(entry)
    assert "| solidus | 217 C |" in _value(found)


async def test_a_pad_reference_shows_the_pads_position_and_diameter(client: LanguageClient) -> None:
    found = await _hover_on(client, "die.c[1]", len("die.c"))
    assert _value(found).startswith("**pad die.c[1]** at (150 µm, -150 µm) · round, diameter 120 µm\n\n")
    assert "declared in lib.assy, line 6" in _value(found)


async def test_a_pad_array_shows_its_count_and_extent(client: LanguageClient) -> None:
    found = await _hover_on(client, "sub.p[*]", len("sub.p"))
    assert _value(found).startswith("**pads sub.p** · 4 pads · round, diameter 150 µm\n\n")
    assert "`[0]` at (-150 µm, -150 µm); from (-150 µm, -150 µm) to (150 µm, 150 µm)" in _value(found)


async def test_an_element_and_a_mass_say_what_they_are(client: LanguageClient) -> None:
    element = _value(await _hover_on(client, "die.c[*]"))
    assert element.startswith("**element die** : chip, body silicon")
    mass = _value(await _hover_on(client, "masses b", len("masses ")))
    assert mass == "**masses b** · 4 masses of SAC305, diameter 120 µm, height 80 µm"


async def test_a_design_material_shows_its_declaration(client: LanguageClient, tmp_path: Path) -> None:
    text = "material house : SAC305 {\n    solidus 210 C\n}\nelement die : chip { body house }\nuse std\n"
    uri = open_text(client, tmp_path / "own.assy", text)
    await diagnostics(client, uri, lambda d: True)
    found = await hover(client, uri, *position_of(text, "body house", len("body ")))
    assert _value(found).startswith(
        "**house** — material of this design\n\n```assy\nmaterial house : SAC305 {\n    solidus 210 C\n}\n```"
    )


async def test_nothing_to_show_on_a_number_or_a_comment(client: LanguageClient) -> None:
    assert await _hover_on(client, "300 um", 1) is None
    assert await _hover_on(client, "# A design", 3) is None
    assert await hover(client, MAIN.resolve().as_uri(), 400, 0) is None
