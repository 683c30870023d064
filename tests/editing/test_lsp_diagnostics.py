"""`assemblint lsp` publishes what `check` reports as the user types (CLI.md, `lsp`): the first syntax
error (E001) from the parser alone, the other language errors (E002–E010) and the rules' findings
once the design is checked, each at its range; cleared when fixed; the last good model kept while
the file does not parse."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from editing.lsp_data import CONFIG, ROOT, codes, complete, diagnostics, edit, hover, open_text, replace, start

pytestmark = pytest.mark.asyncio(loop_scope="module")

CLEAN = """use std
element die : chip { body silicon; size 1 mm x 1 mm x 0.5 mm; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : interposer { body silicon; size 3 mm x 3 mm x 0.5 mm; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses b : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
"""
BROKEN_SYNTAX = """use std
element die : chip {
    body silicon
    pads c grid 2 x 2 pitch 300 um )
}
"""


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


async def test_a_syntax_error_is_published_with_its_code_and_range(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_text(client, tmp_path / "syntax.assy", BROKEN_SYNTAX)
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["E001"]
    assert found[0].range == t.Range(t.Position(3, 35), t.Position(3, 36))
    assert found[0].severity == t.DiagnosticSeverity.Error
    assert found[0].source == "assemblint"
    expected = "expected a value such as `150 um`, a name or a reference, or the end of the line, got `)`"
    assert found[0].message == expected


async def test_an_unknown_material_is_an_e002_at_the_name(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_text(client, tmp_path / "unknown.assy", CLEAN.replace("body silicon;", "body silcon;", 1))
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["E002"]
    line = CLEAN.splitlines()[1]
    start = line.index("silicon")
    assert found[0].range == t.Range(t.Position(1, start), t.Position(1, start + len("silcon")))
    assert "did you mean `silicon`" in found[0].message


async def test_a_rule_finding_is_published_at_its_declaration(client: LanguageClient) -> None:
    """examples/melting-hierarchy.assy fires MH001 on `masses b` (line 35, as expected-findings.toml says)."""
    uri = open_text(client, ROOT / "examples" / "melting-hierarchy.assy")
    found = await diagnostics(client, uri, lambda d: "MH001" in codes(d))
    mh001 = [d for d in found if d.code == "MH001"]
    assert len(mh001) == 1
    assert mh001[0].range == t.Range(t.Position(34, 7), t.Position(34, 8))
    assert mh001[0].severity == t.DiagnosticSeverity.Error
    assert sorted(set(codes(found))) == ["CTE001", "CTE002", "MH001", "MH002", "MH003", "MH005", "MH010", "RL004"]


async def test_the_error_goes_once_fixed_and_the_findings_follow_the_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = open_text(client, tmp_path / "fixed.assy", BROKEN_SYNTAX)
    await diagnostics(client, uri, lambda d: codes(d) == ["E001"])
    replace(client, uri, 2, CLEAN)
    await diagnostics(client, uri, lambda d: not d)
    with_process = CLEAN + "process { step join { kind reflow; peak 240 C }; operate 0 C .. 85 C }\n"
    replace(client, uri, 3, with_process.replace("height 80 um", "height 80 um; diameter 400 um"))
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert "E001" not in codes(found)


async def test_the_last_good_model_is_kept_while_the_file_does_not_parse(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = open_text(client, tmp_path / "kept.assy", CLEAN)
    await diagnostics(client, uri, lambda d: not d)
    assert (await hover(client, uri, 3, 27)) is not None  # the model has been built: `die.c[*]` hovers
    lines = CLEAN.splitlines()
    edit(client, uri, 2, (4, 0), (4, 0), "mass extra : SAC305 { joins ")  # typing a new mass: no `}` yet
    found = await diagnostics(client, uri, lambda d: codes(d) == ["E001"])
    assert found[0].range.start.line == 4
    names = await complete(client, uri, 4, len("mass extra : SAC305 { joins "))
    assert sorted(names) == ["die", "sub"]  # `joins` takes element names
    pad = await hover(client, uri, 3, lines[3].index("die.c") + 4)
    assert pad is not None and isinstance(pad.contents, t.MarkupContent)
    assert pad.contents.value.startswith("**pads die.c** · 4 pads · round, diameter 120 µm")


async def test_only_the_last_of_quick_edits_is_reported(client: LanguageClient, tmp_path: Path) -> None:
    uri = open_text(client, tmp_path / "quick.assy", CLEAN)
    await diagnostics(client, uri, lambda d: not d)
    for version, material in enumerate(("s", "si", "sil", "silx"), start=2):
        replace(client, uri, version, CLEAN.replace("body silicon;", f"body {material};", 1))
    found = await diagnostics(client, uri, lambda d: len(d) == 1 and "`silx`" in d[0].message)
    assert codes(found) == ["E002"]


async def test_an_error_in_an_imported_file_is_shown_at_its_import(client: LanguageClient, tmp_path: Path) -> None:
    (tmp_path / "lib.assy").write_text("use std\nelement die : chip { body silicn }\n", encoding="utf-8")
    uri = open_text(client, tmp_path / "top.assy", 'import "lib.assy"\n')
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["E002"]
    assert found[0].range == t.Range(t.Position(0, 7), t.Position(0, 17))
    assert found[0].message.startswith(f"{tmp_path / 'lib.assy'}:2:27: ")
    assert "`silicn`" in found[0].message


async def test_a_file_imported_by_an_open_file_is_checked_as_part_of_its_design(
    client: LanguageClient, tmp_path: Path
) -> None:
    """lib.assy uses a material only its importer declares: alone it would be an E002."""
    (tmp_path / "part.assy").write_text("element die : chip { body house }\n", encoding="utf-8")
    top = open_text(client, tmp_path / "whole.assy", 'import "part.assy"\nmaterial house { kind metal }\n')
    await diagnostics(client, top, lambda d: not d)
    part = open_text(client, tmp_path / "part.assy")
    await diagnostics(client, part, lambda d: not d)
    edit(client, part, 2, (0, 26), (0, 31), "hous")
    found = await diagnostics(client, part, lambda d: len(d) > 0)
    assert codes(found) == ["E002"]
    assert found[0].range == t.Range(t.Position(0, 26), t.Position(0, 30))


async def test_ranges_count_utf16_units_past_a_character_outside_the_bmp(
    client: LanguageClient, tmp_path: Path
) -> None:
    """`𝒜` is one code point for the parser and two UTF-16 units for the editor."""
    uri = open_text(client, tmp_path / "wide.assy", 'assembly "𝒜" )\n')
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["E001"]
    assert found[0].range == t.Range(t.Position(0, 14), t.Position(0, 15))  # 13 code points before the `)`


async def test_a_name_declared_twice_points_at_the_first_declaration(client: LanguageClient, tmp_path: Path) -> None:
    text = "use std\nelement die : chip { body silicon }\nelement die : chip { body silicon }\n"
    uri = open_text(client, tmp_path / "twice.assy", text)
    found = await diagnostics(client, uri, lambda d: len(d) > 0)
    assert codes(found) == ["E004"]
    assert found[0].range == t.Range(t.Position(2, 8), t.Position(2, 11))
    assert found[0].related_information is not None
    [first] = found[0].related_information
    assert first.location == t.Location(uri, t.Range(t.Position(1, 8), t.Position(1, 11)))


async def test_a_row_of_an_export_broken_and_mended(client: LanguageClient, tmp_path: Path) -> None:
    """A one-line edit of a pad or mass row is read without parsing the file again (editing/rows.py)."""
    from assemblint.editing.project import parse_file
    from benchmarks.designs import explicit

    text = explicit(1500)
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if line.startswith("mass m900 "))
    uri = open_text(client, tmp_path / "export.assy", text)
    await diagnostics(client, uri, lambda d: True)
    edit(client, uri, 2, (row, len(lines[row])), (row, len(lines[row])), " )")
    found = await diagnostics(client, uri, lambda d: codes(d) == ["E001"])
    broken = parse_file(
        str(tmp_path / "export.assy"), "\n".join([*lines[:row], lines[row] + " )", *lines[row + 1 :]]), 2
    )
    assert broken.error is not None
    assert found[0].message == broken.error.message
    assert found[0].range == t.Range(t.Position(row, len(lines[row]) + 1), t.Position(row, len(lines[row]) + 2))
    edit(client, uri, 3, (row, len(lines[row])), (row, len(lines[row]) + 2), "")
    await diagnostics(client, uri, lambda d: "E001" not in codes(d))
