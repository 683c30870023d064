"""The engine: findings aggregation and compact names, severities, locations, fingerprints,
selection, rule decks, exit codes and electrical nodes — with rules defined here, registered as
a plugin exactly as a third party would.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.api import CheckOptions, check_files
from assemblint.checking.deck import DeckError, builtin_decks, load_deck
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# `masses m` is declared on line 4, its name at column 8.
DESIGN = """\
use std
element die : chip { body silicon; pads c grid 10 x 10 pitch 200 um diameter 100 um }
element sub : substrate { body silicon; pads p grid 10 x 10 pitch 200 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
"""

# `masses m` inside the cell is on line 5, its name at column 12; 6 units of 4 masses.
CELL_DESIGN = """\
use std
cell Unit {
    element chip : chip { body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um }
    element sheet : dielectric_sheet { body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um }
    masses m : SAC305 { joins chip.c[*] -- sheet.p[*]; height 100 um }
}
place units : Unit grid 2 x 3 pitch 12 mm x 12 mm
"""


# ---------------------------------------------------------------------------------------- rules
@assemblint.rule(
    id="TST001",
    name="every-mass",
    severity="warning",
    params={"min_gap": assemblint.quantity("length", "20 um", "the smallest gap")},
    doc="One finding a mass, carrying the min_gap parameter it received.",
)
def every_mass(ctx):
    for mass in ctx.assembly.masses:
        yield ctx.finding("a mass", objects=mass, data={"min_gap": ctx.params["min_gap"]})


@assemblint.rule(id="TST002", name="two-runs", severity="error")
def two_runs(ctx):
    for i, mass in enumerate(ctx.assembly.masses):
        if i < 10 or 20 <= i < 30:
            yield ctx.finding("in a run", objects=mass)


@assemblint.rule(id="TST003", name="even-masses", severity="info")
def even_masses(ctx):
    for mass in ctx.assembly.masses:
        if mass.index % 2 == 0:
            yield ctx.finding("even", objects=mass)


@assemblint.rule(id="TST004", name="severity-override", severity="warning")
def severity_override(ctx):
    masses = list(ctx.assembly.masses)
    yield ctx.finding("promoted", objects=masses[0], severity="error")
    yield ctx.finding("demoted", objects=masses[1:3], severity=assemblint.Severity.INFO)
    yield ctx.finding("as declared", objects=masses[3])


@assemblint.rule(id="TST005", name="numpy-data", severity="info")
def numpy_data(ctx):
    yield ctx.finding(
        "numpy numbers",
        objects=ctx.assembly.masses[0],
        data={
            "f64": np.float64(2.5),
            "f32": np.float32(0.25),
            "i64": np.int64(7),
            "i32": np.int32(-3),
            "flag": np.bool_(True),
            "nested": {"values": [np.float64(1.0), np.int16(2)], "pair": (np.int8(1), 2)},
            "nan": np.float64("nan"),
        },
    )


@assemblint.rule(id="OTH001", name="other-family", severity="info")
def other_family(ctx):
    yield ctx.finding("an element", objects=ctx.assembly.elements[0])


class EnginePlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [every_mass, two_runs, even_masses, severity_override, numpy_data, other_family]


ALL_IDS = ["OTH001", "TST001", "TST002", "TST003", "TST004", "TST005"]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", EnginePlugin())])


def write(folder: Path, text: str, name: str = "d.assy") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(path: Path, host: PluginHost, **options) -> Report:
    report = check_files([path], CheckOptions(**options), host)
    assert report.problems == [], report.problems
    return report


def by_rule(report: Report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule == rule_id]


def statuses(report: Report) -> dict[str, str]:
    return {r["id"]: r["status"] for r in report.to_json()["rules"]}


# ---------------------------------------------------------------------------------------- aggregation
def test_one_finding_per_mass_becomes_one_finding_with_a_range(tmp_path: Path, host: PluginHost) -> None:
    report = run(write(tmp_path, DESIGN), host, select=["TST001"])
    [finding] = report.findings
    assert finding.count == 100
    assert finding.object_names == ["m[0:100]"]
    data = finding.to_json()
    assert (data["objects"], data["count"], data["message"], data["severity"]) == (
        ["m[0:100]"],
        100,
        "a mass",
        "warning",
    )


def test_two_runs_of_a_subset_compact_into_two_ranges(tmp_path: Path, host: PluginHost) -> None:
    [finding] = by_rule(run(write(tmp_path, DESIGN), host, select=["TST002"]), "TST002")
    assert finding.object_names == ["m[0:10]", "m[20:30]"]
    assert finding.count == 20


def test_scattered_members_are_named_one_by_one(tmp_path: Path, host: PluginHost) -> None:
    [finding] = by_rule(run(write(tmp_path, DESIGN), host, select=["TST003"]), "TST003")
    assert finding.count == 50
    assert finding.object_names == [f"m[{i}]" for i in range(0, 100, 2)]


def test_findings_in_cell_instances_compact_across_instances(tmp_path: Path, host: PluginHost) -> None:
    # flat: TST002 picks masses by global id, which tells instances apart (hierarchy.py assumes rules don't)
    report = run(write(tmp_path, CELL_DESIGN), host, select=["TST001", "TST002", "TST003"], flat=True)
    [every] = by_rule(report, "TST001")
    assert (every.object_names, every.count) == (["units[0:6].m[0:4]"], 24)
    [runs] = by_rule(report, "TST002")  # masses 0-9 and 20-23 in declaration order
    assert (runs.object_names, runs.count) == (["units[0:2].m[0:4]", "units[2].m[0:2]", "units[5].m[0:4]"], 14)
    [even] = by_rule(report, "TST003")
    assert (even.object_names, even.count) == (["units[0:6].m[0]", "units[0:6].m[2]"], 12)
    assert (every.location.line, every.location.column) == (5, 12)


def test_single_masses_and_named_objects(tmp_path: Path) -> None:
    @assemblint.rule(id="TST006", name="shorted-pair")
    def shorted_pair(ctx):
        groups = {g.name: g for g in ctx.assembly.mass_groups}
        yield ctx.finding(
            "x and y",
            objects=[groups["y"], groups["x"], ctx.assembly.element("sub"), groups["a"].select([0, 1, 2, 5])],
        )

    class Plugin:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [shorted_pair]

    report = run(
        EXAMPLES / "insulation-faults.assy", PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", Plugin())])
    )
    [finding] = report.findings
    assert finding.object_names == ["a[0:3]", "a[5]", "x", "y", "sub"]
    assert finding.count == 7
    # the location is that of the first object given: `mass y` on line 37
    assert (finding.location.line, finding.location.column) == (37, 8)


def test_severity_override_per_finding(tmp_path: Path, host: PluginHost) -> None:
    report = run(write(tmp_path, DESIGN), host, select=["TST004"])
    got = sorted((f.message, f.severity.value, tuple(f.object_names)) for f in report.findings)
    assert got == [
        ("as declared", "warning", ("m[3]",)),
        ("demoted", "info", ("m[1:3]",)),
        ("promoted", "error", ("m[0]",)),
    ]
    assert report.summary == {"error": 1, "warning": 1, "info": 1, "waived": 0, "baseline": 0, "exit_code": 1}


def test_location_defaults_to_the_mass_declaration(tmp_path: Path, host: PluginHost) -> None:
    [finding] = run(write(tmp_path, DESIGN), host, select=["TST001"]).findings
    location = finding.to_json()["location"]
    assert (location["path"], location["line"], location["column"]) == (finding.location.path, 4, 8)
    assert location["path"].endswith("d.assy")


def test_location_moves_with_the_declaration(tmp_path: Path, host: PluginHost) -> None:
    [finding] = run(write(tmp_path, "# a comment\n\n" + DESIGN), host, select=["TST001"]).findings
    assert (finding.location.line, finding.location.column) == (6, 8)


def test_data_with_numpy_numbers_serialises(tmp_path: Path, host: PluginHost) -> None:
    report = run(write(tmp_path, DESIGN), host, select=["TST005"])
    data = json.loads(json.dumps(report.to_json()))["findings"][0]["data"]
    assert data == {
        "f32": 0.25,
        "f64": 2.5,
        "flag": True,
        "i32": -3,
        "i64": 7,
        "nan": "nan",
        "nested": {"pair": [1, 2], "values": [1.0, 2]},
    }
    assert type(data["i64"]) is int and type(data["flag"]) is bool


# ---------------------------------------------------------------------------------------- fingerprints
def fingerprints(report: Report) -> dict[tuple, str]:
    return {(f.rule, f.message, tuple(f.object_names)): f.fingerprint for f in report.findings}


def test_fingerprints_are_stable_across_runs(tmp_path: Path, host: PluginHost) -> None:
    path = write(tmp_path, DESIGN)
    first = fingerprints(run(path, host))
    second = fingerprints(run(path, host))
    assert first == second
    assert len(first) == 8
    assert len(set(first.values())) == 8  # one fingerprint a finding
    assert all(len(fp) >= 8 for fp in first.values())


def test_fingerprints_do_not_depend_on_line_numbers(tmp_path: Path, host: PluginHost) -> None:
    path = write(tmp_path, DESIGN)
    before = run(path, host)
    write(tmp_path, "# one\n# two\n# three\n" + DESIGN)
    after = run(path, host)
    assert {f.location.line for f in before.findings} == {2, 4}
    assert {f.location.line for f in after.findings} == {5, 7}
    assert fingerprints(before) == fingerprints(after)


def test_fingerprints_change_with_what_is_found(tmp_path: Path, host: PluginHost) -> None:
    path = write(tmp_path, DESIGN)
    [before] = run(path, host, select=["TST001"]).findings
    write(tmp_path, DESIGN.replace("grid 10 x 10", "grid 5 x 10"))
    [after] = run(path, host, select=["TST001"]).findings
    assert after.object_names == ["m[0:50]"]
    assert before.fingerprint != after.fingerprint


# ---------------------------------------------------------------------------------------- selection
@pytest.mark.parametrize(
    ("select", "ignore", "ran"),
    [
        (["TST001"], [], {"TST001"}),
        (["TST001", "OTH001"], [], {"TST001", "OTH001"}),
        (["TST00"], [], {"TST001", "TST002", "TST003", "TST004", "TST005"}),
        (["OTH"], [], {"OTH001"}),
        ([], ["TST002"], {"OTH001", "TST001", "TST003", "TST004", "TST005"}),
        ([], ["TST"], {"OTH001"}),
        (["TST"], ["TST003", "TST004"], {"TST001", "TST002", "TST005"}),
    ],
)
def test_select_and_ignore_by_id_and_prefix(tmp_path: Path, host: PluginHost, select, ignore, ran) -> None:
    report = run(write(tmp_path, DESIGN), host, select=select, ignore=ignore)
    got = statuses(report)
    assert sorted(got) == ALL_IDS
    assert {rule_id for rule_id, status in got.items() if status == "ran"} == ran
    assert {rule_id for rule_id, status in got.items() if status == "not-selected"} == set(ALL_IDS) - ran
    assert {f.rule for f in report.findings} == ran


def test_select_and_ignore_on_the_command_line(tmp_path: Path, host: PluginHost, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_host", lambda flags: host)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, DESIGN)
    code = cli.main(["check", "d.assy", "--format", "json", "--select", "TST001,OTH", "--ignore", "OTH001"])
    assert code == 0  # TST001 is a warning
    data = json.loads(capsys.readouterr().out)
    assert {r["id"]: r["status"] for r in data["rules"]} == {
        "OTH001": "not-selected",
        "TST001": "ran",
        "TST002": "not-selected",
        "TST003": "not-selected",
        "TST004": "not-selected",
        "TST005": "not-selected",
    }


# ---------------------------------------------------------------------------------------- decks
def deck(tmp_path: Path, text: str, name: str = "deck.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_deck_can_disable_a_rule(tmp_path: Path, host: PluginHost) -> None:
    spec = deck(tmp_path, '[deck]\nname = "quiet"\n\n[rules.TST001]\nenabled = false\n')
    report = run(write(tmp_path, DESIGN), host, deck=spec)
    entry = next(r for r in report.to_json()["rules"] if r["id"] == "TST001")
    assert entry["status"] == "disabled"
    assert entry["reason"] == "disabled by deck quiet"
    assert by_rule(report, "TST001") == []
    assert report.to_json()["deck"]["name"] == "quiet"


def test_a_deck_can_change_a_rule_severity(tmp_path: Path, host: PluginHost) -> None:
    spec = deck(tmp_path, '[rules.TST001]\nseverity = "info"\n')
    [finding] = by_rule(run(write(tmp_path, DESIGN), host, deck=spec, select=["TST001"]), "TST001")
    assert finding.severity == assemblint.Severity.INFO


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 20.0), ('"40 um"', 40.0), ('"0.04 mm"', 40.0), ('"2 mil"', 50.8)]
)
def test_a_quantity_parameter_reaches_the_rule_in_base_units(
    tmp_path: Path, host: PluginHost, value: str | None, expected: float
) -> None:
    text = '[deck]\nname = "gap"\n' + ("" if value is None else f"[rules.TST001]\nmin_gap = {value}\n")
    [finding] = run(write(tmp_path, DESIGN), host, deck=deck(tmp_path, text), select=["TST001"]).findings
    assert finding.data["min_gap"] == pytest.approx(expected)
    assert isinstance(finding.data["min_gap"], float)


@pytest.mark.parametrize(
    ("value", "tail"),
    [("40", "got 40"), ('"40 C"', "got a temperature: 40 C"), ('"40"', "got '40' (no unit)")],
)
def test_a_bad_quantity_parameter_is_a_deck_error(tmp_path: Path, host: PluginHost, value: str, tail: str) -> None:
    spec = deck(tmp_path, f"[rules.TST001]\nmin_gap = {value}\n")
    with pytest.raises(DeckError) as info:
        load_deck(spec, host.rules())
    message = str(info.value)
    assert message.startswith(f"{spec}: rules.TST001.min_gap: ")
    assert 'expected a length such as "40 um"' in message
    assert message.endswith(tail)


def test_an_unknown_rule_id_is_a_deck_error_with_a_suggestion(tmp_path: Path, host: PluginHost) -> None:
    spec = deck(tmp_path, "[rules.TST01]\nenabled = false\n")
    with pytest.raises(DeckError) as info:
        load_deck(spec, host.rules())
    assert str(info.value) == f"{spec}: rules.TST01: unknown rule id (did you mean `TST001`?)"


def test_an_unknown_setting_is_a_deck_error_with_a_suggestion(tmp_path: Path, host: PluginHost) -> None:
    spec = deck(tmp_path, '[rules.TST001]\nmin_gapp = "3 um"\n')
    with pytest.raises(DeckError) as info:
        load_deck(spec, host.rules())
    assert "rules.TST001.min_gapp: unknown setting (did you mean `min_gap`?)" in str(info.value)


def test_a_bad_severity_is_a_deck_error(tmp_path: Path, host: PluginHost) -> None:
    spec = deck(tmp_path, '[rules.TST001]\nseverity = "fatal"\n')
    with pytest.raises(DeckError) as info:
        load_deck(spec, host.rules())
    assert (
        str(info.value) == f'{spec}: rules.TST001.severity: expected one of "error", "warning", "info", got \'fatal\''
    )


def test_an_out_of_range_integer_parameter_says_what_was_expected(tmp_path: Path) -> None:
    @assemblint.rule(id="TST007", name="budget", params={"max_masses": {"type": "integer", "minimum": 1, "default": 9}})
    def budget(ctx):
        return []

    spec = deck(tmp_path, "[rules.TST007]\nmax_masses = 0\n")
    with pytest.raises(DeckError) as info:
        load_deck(spec, [budget])
    message = str(info.value)
    assert "rules.TST007.max_masses" in message
    assert "expected 0 " not in message


def test_a_deck_can_extend_default(tmp_path: Path, host: PluginHost) -> None:
    spec = deck(tmp_path, '[deck]\nname = "mine"\nextends = "default"\n\n[rules.TST002]\nseverity = "warning"\n')
    loaded = load_deck(spec, host.rules())
    assert loaded.name == "mine"
    assert loaded.sources == [spec, str(builtin_decks()["default"])]
    report = run(write(tmp_path, DESIGN), host, deck=spec, select=["TST002"])
    assert {f.severity.value for f in report.findings} == {"warning"}
    assert report.exit_code == 0


def test_a_deck_can_extend_a_relative_path(tmp_path: Path, host: PluginHost) -> None:
    (tmp_path / "decks").mkdir()
    deck(tmp_path / "decks", '[rules.TST001]\nenabled = false\n[rules.TST002]\nseverity = "info"\n', "base.toml")
    spec = deck(tmp_path / "decks", '[deck]\nextends = "base.toml"\n[rules.TST002]\nenabled = true\n', "child.toml")
    report = run(write(tmp_path, DESIGN), host, deck=spec, select=["TST001", "TST002"])
    assert statuses(report)["TST001"] == "disabled"
    assert [(f.rule, f.severity.value) for f in report.findings] == [("TST002", "info")]


def test_a_deck_extends_cycle_is_an_error(tmp_path: Path, host: PluginHost) -> None:
    deck(tmp_path, '[deck]\nextends = "b.toml"\n', "a.toml")
    deck(tmp_path, '[deck]\nextends = "a.toml"\n', "b.toml")
    with pytest.raises(DeckError, match="extends` cycle"):
        load_deck(str(tmp_path / "a.toml"), host.rules())


def test_a_missing_deck_is_an_error(tmp_path: Path, host: PluginHost) -> None:
    with pytest.raises(DeckError, match=r"deck `defualt` not found.*did you mean `default`"):
        load_deck("defualt", host.rules())


def test_a_bad_deck_exits_2_on_the_command_line(tmp_path: Path, host: PluginHost, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_host", lambda flags: host)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, DESIGN)
    deck(tmp_path, "[rules.TST001]\nmin_gap = 40\n")
    assert cli.main(["check", "d.assy", "--deck", "deck.toml"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("assemblint: ")
    assert captured.err.endswith('deck.toml: rules.TST001.min_gap: expected a length such as "40 um", got 40\n')


def test_a_bad_deck_is_named_as_given(tmp_path: Path, host: PluginHost, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_host", lambda flags: host)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, DESIGN)
    deck(tmp_path, "[rules.TST001]\nmin_gap = 40\n")
    assert cli.main(["check", "d.assy", "--deck", "deck.toml"]) == 2
    assert capsys.readouterr().err == (
        'assemblint: deck.toml: rules.TST001.min_gap: expected a length such as "40 um", got 40\n'
    )


# ---------------------------------------------------------------------------------------- exit codes
@pytest.mark.parametrize(
    ("rule_id", "fail_on", "code"),
    [
        ("TST002", "error", 1),  # an error finding
        ("TST002", "never", 0),
        ("TST001", "error", 0),  # a warning finding
        ("TST001", "warning", 1),
        ("TST001", "info", 1),
        ("TST001", "never", 0),
        ("TST003", "warning", 0),  # an info finding
        ("TST003", "info", 1),
    ],
)
def test_exit_code_follows_fail_on(tmp_path: Path, host: PluginHost, rule_id: str, fail_on: str, code: int) -> None:
    report = run(write(tmp_path, DESIGN), host, select=[rule_id], fail_on=fail_on)
    assert report.exit_code == code
    assert report.to_json()["summary"]["exit_code"] == code


def test_exit_code_on_the_command_line(tmp_path: Path, host: PluginHost, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli, "_host", lambda flags: host)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, DESIGN)
    assert cli.main(["check", "d.assy", "--select", "TST001"]) == 0
    assert cli.main(["check", "d.assy", "--select", "TST001", "--fail-on", "warning"]) == 1
    assert cli.main(["check", "d.assy", "--fail-on", "never"]) == 0
    assert cli.main(["check", "d.assy", "--select", "NOTHING"]) == 0
    capsys.readouterr()


# ---------------------------------------------------------------------------------------- electrical nodes
def test_masses_joined_through_an_element_connect_share_a_node(tmp_path: Path) -> None:
    text = (
        "use std\n"
        "element chip : chip { body silicon; pads c grid 1 x 3 pitch 200 um diameter 100 um }\n"
        "element sheet : dielectric_sheet { body polyimide; pads p grid 1 x 3 pitch 200 um diameter 100 um\n"
        "    connect p[0] -- p[1] }\n"
        "masses m : SAC305 { joins chip.c[*] -- sheet.p[*] }\n"
    )
    assembly = assemblint.load(write(tmp_path, text))
    netlist = assembly.netlist
    masses = netlist.mass_node.tolist()
    assert masses[0] == masses[1] != masses[2]
    pads = netlist.pad_node.tolist()  # chip.c[0:3], then sheet.p[0:3]
    assert pads[0] == pads[1] == pads[3] == pads[4] == masses[0]
    assert pads[2] == pads[5] == masses[2]
    assert len(set(netlist.node_labels.tolist())) == 2


def test_insulation_faults_x_and_y_share_a_node() -> None:
    assembly = assemblint.load(EXAMPLES / "insulation-faults.assy")
    netlist = assembly.netlist
    groups = {g.name: g for g in assembly.mass_groups}
    node = {name: netlist.mass_node[g.start : g.start + g.count].tolist() for name, g in groups.items()}
    assert node["x"] == node["y"]
    others = {n for name in ("a", "w", "z") for n in node[name]}
    assert node["x"][0] not in others
    assert len(others) == 8 + 6 + 4  # every other mass is on its own node
    # die.c[8], die.c[9] and sub.p[9] are on x's node; sub.p[8] is left alone
    pads = {a.qualified_name: a for a in assembly.pad_arrays}
    c, p = pads["die.c"], pads["sub.p"]
    pad_node = netlist.pad_node
    assert {int(pad_node[c.start + 8]), int(pad_node[c.start + 9]), int(pad_node[p.start + 9])} == {node["x"][0]}
    lonely = int(pad_node[p.start + 8])
    assert int(np.count_nonzero(netlist.node_labels == lonely)) == 1
    assert int(netlist.node_labels.max()) + 1 == 20  # 19 mass nodes + the open pad sub.p[8]


# ---------------------------------------------------------------------------------------- waivers
def test_a_waiver_marks_matching_findings_as_waived(tmp_path: Path, host: PluginHost) -> None:
    text = DESIGN + 'waive TST002 on m[*] because "reviewed" by "packaging team" until 2099-01-01\n'
    report = run(write(tmp_path, text), host, select=["TST002"])
    [finding] = report.findings
    assert finding.waived is True
    assert report.summary["waived"] == 1 and report.summary["error"] == 0
    assert report.exit_code == 0
