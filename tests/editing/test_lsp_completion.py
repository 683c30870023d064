"""Completion (CLI.md, `lsp`): keywords in place, material, element, pad, step and net names, units."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from pytest_lsp import LanguageClient

from assemblint.base.units import LENGTH, TEMPERATURE, UNITS
from assemblint.build.builder import ELEMENT_PROPERTIES, MATERIAL_PROPERTIES
from assemblint.language.syntax import STATEMENT_KEYWORDS
from editing.lsp_data import CONFIG, complete, diagnostics, edit, open_text, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

DESIGN = """use std
element die : chip {
    body silicon
    pads c grid 2 x 2 pitch 300 um diameter 120 um
}
element sub : substrate {
    body BT
    pads p grid 2 x 2 pitch 300 um diameter 150 um
}
masses b : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
net VDD { die.c[0], sub.p[0] }
process {
    step attach { kind reflow; peak 240 C; forms b }
}
"""


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def _at_end(client: LanguageClient, path: Path, added: str) -> list[str]:
    """Completion at the end of `added`, typed after the design once it has been checked."""
    uri = open_text(client, path, DESIGN)
    await diagnostics(client, uri, lambda d: True)  # checked: the model is built
    end = len(DESIGN.split("\n")) - 1
    edit(client, uri, 2, (end, 0), (end, 0), added)
    lines = (DESIGN + added).split("\n")
    return await complete(client, uri, len(lines) - 1, len(lines[-1]))


async def test_material_names_after_the_colon_of_a_mass(client: LanguageClient, tmp_path: Path) -> None:
    names = await _at_end(client, tmp_path / "m.assy", "mass m : ")
    assert {"SAC305", "silicon", "BT", "Sn63Pb37"} <= set(names)
    assert "die" not in names and "chip" not in names


async def test_element_names_after_joins_and_pads_after_the_dot(client: LanguageClient, tmp_path: Path) -> None:
    names = await _at_end(client, tmp_path / "j.assy", "mass m : SAC305 { joins ")
    assert sorted(names) == ["die", "sub"]
    pads = await _at_end(client, tmp_path / "p.assy", "mass m : SAC305 { joins die.c[0] -- sub.")
    assert pads == ["p"]


async def test_units_after_a_number_the_propertys_dimension_first(client: LanguageClient, tmp_path: Path) -> None:
    lengths = [symbol for symbol, unit in UNITS.items() if unit.dimension == LENGTH]
    assert lengths[:4] == ["nm", "um", "µm", "μm"]
    text = DESIGN + "element x : chip {\n    size 5\n}\n"
    uri = open_text(client, tmp_path / "u.assy", text)
    await diagnostics(client, uri, lambda d: True)
    assert await complete(client, uri, len(DESIGN.split("\n")), len("    size 5")) == lengths
    temperature = await _at_end(client, tmp_path / "t.assy", "material hot { melts 250 ")
    assert temperature == [symbol for symbol, unit in UNITS.items() if unit.dimension == TEMPERATURE]
    everything = await _at_end(client, tmp_path / "v.assy", "let v = 3")
    assert everything == list(UNITS)
    assert await _at_end(client, tmp_path / "g.assy", "element y : chip { pads g grid 4 ") == ["x"]


async def test_keywords_at_the_start_of_a_line(client: LanguageClient, tmp_path: Path) -> None:
    names = await _at_end(client, tmp_path / "k.assy", "")
    assert set(names) == {*STATEMENT_KEYWORDS, "refine"}


async def test_keywords_inside_an_element_and_a_material(client: LanguageClient, tmp_path: Path) -> None:
    element = await _at_end(client, tmp_path / "e.assy", "element x : chip {\n    ")
    assert set(ELEMENT_PROPERTIES) <= set(element)
    assert "masses" not in element and "solidus" not in element
    material = await _at_end(client, tmp_path / "mat.assy", "material y {\n    sol")
    assert set(MATERIAL_PROPERTIES) <= set(material)


async def test_fixed_words_types_steps_nets_and_rules(client: LanguageClient, tmp_path: Path) -> None:
    assert "interposer" in await _at_end(client, tmp_path / "ty.assy", "element z : ")
    assert "reflow" in await _at_end(client, tmp_path / "st.assy", "process { step s { kind ")
    waived = await _at_end(client, tmp_path / "w.assy", "waive MH004 on ")
    assert {"attach", "VDD", "b", "die"} <= set(waived)
    assert "MH001" in await _at_end(client, tmp_path / "r.assy", "waive ")
    assert await _at_end(client, tmp_path / "f.assy", "element f : chip { pads q grid 1 x 1 pitch 1 mm face ") == [
        "front",
        "back",
    ]


async def test_nothing_inside_a_comment_or_a_string(client: LanguageClient, tmp_path: Path) -> None:
    assert await _at_end(client, tmp_path / "c.assy", "# mass m : ") == []
    assert await _at_end(client, tmp_path / "s.assy", 'assembly "mass m : ') == []
