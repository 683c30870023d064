"""Every design in examples/ loads; the two broken ones give exactly the errors that
../shared/examples/expected.toml lists (code:line), in the API, the JSON report and the text.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

import assemblint
from assemblint import cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHARED_EXAMPLES = Path("/work/shared/examples")
EXPECTED = tomllib.loads((SHARED_EXAMPLES / "expected.toml").read_text(encoding="utf-8"))
OUR_EXPECTED = tomllib.loads((EXAMPLES / "expected-findings.toml").read_text(encoding="utf-8"))
DESIGNS = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.assy"))  # chiplets/ too
BROKEN = sorted(name for name in DESIGNS if "errors" in EXPECTED.get(name, {}))
GOOD = [name for name in DESIGNS if name not in BROKEN]

# What each good example holds once grids and cells are counted out: (pads, masses, elements, title).
SIZES = {
    "flip-chip-fr4-underfill.assy": (800, 400, 2, "Flip chip on FR-4 with underfill"),
    "flip-chip-fr4.assy": (800, 400, 2, "Flip chip on FR-4 without underfill"),
    "containment.assy": (408, 204, 3, "Chip-scale package with liquid interconnects and a weak container"),
    "fcbga.assy": (1424, 712, 3, "FCBGA: a flip-chip die on a BT substrate, on an FR-4 board"),
    "interposer-2p5d.assy": (17936, 8848, 8, "2.5D package: an SoC and an HBM stack on a silicon interposer"),
    "hierarchical-solder.assy": (512, 256, 2, "Two-level solder hierarchy with test before permanent attachment"),
    "melting-hierarchy.assy": (1000, 500, 3, "Two-level module reflowed twice with one alloy family"),
    "insulation-faults.assy": (40, 20, 2, "Insulation faults"),
    "liquid-interconnect.assy": (400, 200, 3, "Chip-scale package with liquid interconnects"),
    "panel-of-cells.assy": (
        75,
        27,
        13,
        "A panel of chip-scale packages: one cell placed 2 x 3 times, then soldered to a board",
    ),
    "chiplets/chiplets.assy": (
        5140,
        2569,
        3,
        "Chiplets: an SoC on an interposer from 3DBlox, on a substrate from a CSV bump map",
    ),
}


def test_the_examples_are_the_shared_ones_plus_our_own() -> None:
    shared = sorted(p.name for p in SHARED_EXAMPLES.glob("*.assy"))
    assert set(shared) <= set(DESIGNS)
    for name in shared:
        assert (EXAMPLES / name).read_bytes() == (SHARED_EXAMPLES / name).read_bytes(), name
    assert BROKEN == ["broken-semantics.assy", "broken-syntax.assy"]
    assert sorted(SIZES) == GOOD


@pytest.mark.parametrize("name", GOOD)
def test_a_good_example_loads(name: str) -> None:
    assembly = assemblint.load(EXAMPLES / name, flat=True)
    pads, masses, elements, title = SIZES[name]
    hierarchical = assemblint.load(EXAMPLES / name)
    assert (hierarchical.total_pads, hierarchical.total_masses) == (pads, masses)
    assert (assembly.pad_count, assembly.mass_count, len(assembly.elements), assembly.title) == (
        pads,
        masses,
        elements,
        title,
    )
    netlist = assembly.netlist
    assert netlist is not None
    assert len(netlist.node_labels) == pads + masses + netlist.lead_count


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_example_gives_exactly_the_expected_errors(name: str) -> None:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(EXAMPLES / name)
    got = [f"{d.code}:{d.location.line}" for d in info.value.diagnostics]
    assert sorted(got) == sorted(EXPECTED[name]["errors"])
    assert len(got) == len(EXPECTED[name]["errors"])  # no error reported twice


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_example_in_json_and_text(name: str, capsys, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    assert cli.main(["check", name, "--format", "json"]) == EXPECTED[name]["exit"] == 2
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert sorted(f"{e['code']}:{e['location']['line']}" for e in report["errors"]) == sorted(EXPECTED[name]["errors"])
    assert report["summary"]["exit_code"] == 2

    assert cli.main(["check", name]) == 2
    out = capsys.readouterr().out
    for expected in EXPECTED[name]["errors"]:
        code, line = expected.split(":")
        assert f"{name}:{line}:" in out and f" {code} " in out
    assert "^" in out
    assert "Traceback" not in out


def test_the_syntax_error_points_at_the_missing_brace() -> None:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(EXAMPLES / "broken-syntax.assy")
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.location.line, diagnostic.location.column) == (9, 1)
    assert "`}` is probably missing to close `element die` opened on line 5" in diagnostic.message


def test_every_good_example_checks_without_language_errors(capsys, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    code = cli.main(["check", *GOOD, "--format", "json", "--fail-on", "never"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["errors"] == []
    designs = sorted(i["path"] for i in report["inputs"] if i["path"].endswith(".assy"))
    assert designs == GOOD  # the others: the 3DBlox and bump-map files chiplets/ imports, inputs too


def test_every_good_example_has_its_findings_listed() -> None:
    assert sorted(OUR_EXPECTED) == GOOD


@pytest.mark.parametrize("name", sorted(OUR_EXPECTED))
def test_an_example_gives_exactly_its_listed_findings(name: str, capsys, monkeypatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    want = OUR_EXPECTED[name]
    assert cli.main(["check", name, "--format", "json"]) == want["exit"]
    report = json.loads(capsys.readouterr().out)
    got = [(f["rule"], f["severity"], f["location"]["line"], f["objects"], f["count"]) for f in report["findings"]]
    listed = [(f["rule"], f["severity"], f["line"], f["objects"], f["count"]) for f in want["findings"]]
    assert got == listed
