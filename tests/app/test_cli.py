"""The command line: `assemblint check|rules|explain|plugins|graph`, in process through
`assemblint.cli.main(argv)` and, for a few, as `python -m assemblint` in a subprocess.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
from conftest import OTHER_PLUGINS, SHIPPED_BESIDE

import assemblint
from assemblint import cli
from assemblint.plugins.host import PluginHost

SHARED = Path("/work/shared")
SCHEMA = json.loads((SHARED / "spec" / "report.schema.json").read_text(encoding="utf-8"))
LIQUID = SHARED / "examples" / "liquid-interconnect.assy"

# `masses m` is declared on line 4, its name at column 8: 4 masses.
DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }
element sub : substrate { body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
"""

BROKEN = """\
use std
material gel { kind compliant; solidus 3 mm }
element die : chip { body silicn }
"""

ANSI = re.compile(r"\x1b\[")


# ---------------------------------------------------------------------------------------- a test plugin
@assemblint.rule(
    id="TST001",
    name="every-mass",
    severity="warning",
    params={
        "min_gap": assemblint.quantity("length", "20 um", "the smallest gap between masses"),
        "max_masses": {"type": "integer", "minimum": 1, "default": 3},
    },
    doc="""Report every mass once. The tests use it to see findings.

    A second paragraph of documentation.
    """,
    source="tests/test_cli.py",
    examples={"fires": "masses m : SAC305 { joins a.c[*] -- b.p[*] }", "passes": "# a design without masses"},
)
def every_mass(ctx):
    masses = list(ctx.assembly.masses)
    if len(masses) > ctx.params["max_masses"]:
        yield ctx.finding(f"{len(masses)} masses, over {ctx.params['max_masses']}", objects=masses)


@assemblint.rule(id="TST002", name="first-mass", severity="error", doc="Report the first mass.")
def first_mass(ctx):
    yield ctx.finding("the first mass", objects=ctx.assembly.masses[0], data={"index": 0})


@assemblint.rule(id="TST003", name="the-die", severity="info", doc="Report the die.")
def the_die(ctx):
    yield ctx.finding("a note on the die", objects=ctx.assembly.element("die"))


class CliPlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [every_mass, first_mass, the_die]


@pytest.fixture
def with_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cli.main` sees the installed plugins plus CliPlugin."""
    monkeypatch.setattr(
        cli, "_host", lambda flags: PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", CliPlugin())])
    )


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str = DESIGN, name: str = "d.assy") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as exit_:  # argparse's own errors
        return int(exit_.code or 0)


def json_run(argv: list[str], capsys) -> tuple[int, dict]:
    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)


# ---------------------------------------------------------------------------------------- check: text
def test_text_format_lines_and_summary(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    assert main(["check", "d.assy"]) == 1
    captured = capsys.readouterr()
    assert captured.out == (
        "d.assy:2:9: TST003 [info] the-die: a note on the die\n"
        "d.assy:4:8: TST001 [warning] every-mass: 4 masses, over 3\n"
        "d.assy:4:8: TST002 [error] first-mass: the first mass\n"
        "d.assy: 1 error, 1 warning, 1 info (0 waived)\n"
    )
    assert captured.err == ""  # no progress when stderr is not a terminal
    line = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<id>[A-Z]+\d{3}) \[(?P<sev>\w+)\] [a-z-]+: .+$")
    assert all(line.match(text) for text in captured.out.splitlines()[:3])


def test_text_summary_pluralises(in_tmp: Path, capsys) -> None:
    write(in_tmp)
    assert main(["check", "d.assy", "--select", "CT002"]) == 0
    assert capsys.readouterr().out == "d.assy: 0 errors, 0 warnings, 0 info (0 waived)\n"


def test_text_says_which_rules_could_not_run_and_why(in_tmp: Path, capsys) -> None:
    write(in_tmp)  # a design without a process
    assert main(["check", "d.assy", "--select", "MH003,MH005,MH007"]) == 0
    assert capsys.readouterr().out == (
        "d.assy: MH007 could not run: no operating range: give the process an `operate` range, "
        "or the elements `operating`\n"
        "d.assy: MH003, MH005 could not run: the design declares no process steps, so there are no "
        "temperatures to check\n"
        "d.assy: 0 errors, 0 warnings, 0 info (0 waived)\n"
    )


def test_text_shows_language_errors_with_a_caret(in_tmp: Path, capsys) -> None:
    write(in_tmp, BROKEN)
    assert main(["check", "d.assy"]) == 2
    out = capsys.readouterr().out
    assert "d.assy:2:40: E003 expected a temperature, got a length: 3 mm\n" in out
    assert "    2 | material gel { kind compliant; solidus 3 mm }\n      |" in out
    assert "^^^^" in out
    assert "d.assy:3:27: E002 unknown material `silicn` (did you mean `silicon`?)" in out
    assert out.endswith("d.assy: not checked: 2 language errors\n")


def test_text_output_to_a_non_terminal_has_no_colour(in_tmp: Path, with_rules, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    write(in_tmp)
    main(["check", "d.assy"])
    out = capsys.readouterr().out
    assert "[error]" in out
    assert not ANSI.search(out)


def test_text_output_to_a_terminal_is_coloured_unless_no_color(in_tmp: Path, with_rules, capsys, monkeypatch) -> None:
    write(in_tmp)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    main(["check", "d.assy"])
    out = capsys.readouterr().out
    assert "\x1b[31m[error]\x1b[0m" in out
    assert "\x1b[33m[warning]\x1b[0m" in out

    monkeypatch.setenv("NO_COLOR", "1")
    main(["check", "d.assy"])
    assert not ANSI.search(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------- check: json
def test_json_for_a_clean_design_validates(in_tmp: Path, capsys) -> None:
    write(in_tmp)
    code, report = json_run(["check", "d.assy", "--format", "json"], capsys)
    jsonschema.validate(report, SCHEMA)
    assert code == 0
    assert report["schema"] == "assemblint-report/1"
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0, "waived": 0, "baseline": 0, "exit_code": 0}
    assert report["findings"] == [] and report["errors"] == []
    assert [i["path"] for i in report["inputs"]] == ["d.assy"]
    assert re.fullmatch(r"[0-9a-f]{64}", report["inputs"][0]["sha256"])
    assert report["deck"]["name"] == "default"
    assert report["tool"]["name"] == "assemblint" and report["tool"]["version"] == assemblint.__version__


def test_json_with_findings_validates(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    code, report = json_run(["check", "d.assy", "--format", "json"], capsys)
    jsonschema.validate(report, SCHEMA)
    assert code == 1
    assert report["summary"]["exit_code"] == 1
    assert [(f["rule"], f["severity"], f["objects"], f["count"]) for f in report["findings"]] == [
        ("TST003", "info", ["die"], 1),
        ("TST001", "warning", ["m[0:4]"], 4),
        ("TST002", "error", ["m[0]"], 1),
    ]
    tst002 = report["findings"][2]
    assert tst002["data"] == {"index": 0}
    assert tst002["location"]["path"] == "d.assy"
    assert (tst002["location"]["line"], tst002["location"]["column"]) == (4, 8)
    assert tst002["waived"] is False
    assert [(r["id"], r["name"], r["plugin"], r["status"]) for r in report["rules"]] == [
        ("TST001", "every-mass", "testplugin", "ran"),
        ("TST002", "first-mass", "testplugin", "ran"),
        ("TST003", "the-die", "testplugin", "ran"),
    ]


def test_json_for_a_broken_design_validates_and_lists_errors(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, BROKEN)
    code = main(["check", "d.assy", "--format", "json"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    jsonschema.validate(report, SCHEMA)
    assert code == 2
    assert report["summary"]["exit_code"] == 2
    assert [(e["code"], e["location"]["line"], e["location"]["column"]) for e in report["errors"]] == [
        ("E003", 2, 40),
        ("E002", 3, 27),
    ]
    assert report["findings"] == []
    assert {r["status"] for r in report["rules"]} == {"could-not-run"}
    assert [i["path"] for i in report["inputs"]] == ["d.assy"]
    # a person reading the CI log still sees why it stopped, with the caret
    assert "E003" in captured.err and "^" in captured.err


def test_json_is_byte_identical_across_runs(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    write(in_tmp, BROKEN, "sub/broken.assy")
    main(["check", ".", "--format", "json"])
    first = capsys.readouterr().out
    main(["check", ".", "--format", "json"])
    second = capsys.readouterr().out
    assert first == second
    assert '"TST002"' in first and '"E003"' in first


def test_output_option_writes_the_file(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    assert main(["check", "d.assy", "--format", "json"]) == 1
    expected = capsys.readouterr().out
    assert main(["check", "d.assy", "--format", "json", "-o", "report.json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (in_tmp / "report.json").read_text(encoding="utf-8") == expected

    assert main(["check", "d.assy", "--output", "report.txt"]) == 1
    assert capsys.readouterr().out == ""
    assert (
        (in_tmp / "report.txt").read_text(encoding="utf-8").endswith("d.assy: 1 error, 1 warning, 1 info (0 waived)\n")
    )


# ---------------------------------------------------------------------------------------- paths
def test_a_folder_checks_every_assy_below_it(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, DESIGN, "designs/a.assy")
    write(in_tmp, DESIGN, "designs/sub/deeper/b.assy")
    write(in_tmp, DESIGN, "designs/notes.assy.txt")
    write(in_tmp, "not a design", "designs/readme.md")
    code, report = json_run(["check", "designs", "--format", "json"], capsys)
    assert code == 1
    assert [i["path"] for i in report["inputs"]] == ["designs/a.assy", "designs/sub/deeper/b.assy"]
    assert sorted({f["location"]["path"] for f in report["findings"]}) == [
        "designs/a.assy",
        "designs/sub/deeper/b.assy",
    ]
    assert report["summary"]["error"] == 2

    assert main(["check", "designs"]) == 1
    out = capsys.readouterr().out
    assert "designs/a.assy: 1 error, 1 warning, 1 info (0 waived)\n" in out
    assert "designs/sub/deeper/b.assy: 1 error, 1 warning, 1 info (0 waived)\n" in out


def test_a_missing_path_exits_2(in_tmp: Path, capsys) -> None:
    assert main(["check", "nope.assy"]) == 2
    assert "nope.assy:1:1: E006 no such file or folder: nope.assy" in capsys.readouterr().out

    code, report = json_run(["check", "nope.assy", "--format", "json"], capsys)
    jsonschema.validate(report, SCHEMA)
    assert code == 2
    assert [e["code"] for e in report["errors"]] == ["E006"]


def test_a_missing_path_beside_a_good_one_still_exits_2(in_tmp: Path, capsys) -> None:
    write(in_tmp)
    assert main(["check", "d.assy", "gone"]) == 2
    out = capsys.readouterr().out
    assert "gone:1:1: E006 no such file or folder: gone" in out
    assert "d.assy: 0 errors, 0 warnings, 0 info (0 waived)" in out


# ---------------------------------------------------------------------------------------- stats
def test_stats_in_text(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    main(["check", "d.assy", "--stats"])
    out = capsys.readouterr().out
    assert re.search(
        r"^d\.assy: 8 pads, 4 masses, 4 electrical nodes; parse \d+\.\d{3} s, build \d+\.\d{3} s, rules \d+\.\d{3} s$",
        out,
        re.M,
    ), out
    for rule_id in ("TST001", "TST002", "TST003"):
        assert re.search(rf"^    {rule_id}\s+\d+\.\d{{4}} s  1 finding\(s\)$", out, re.M), out


def test_stats_in_json(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    _, report = json_run(["check", "d.assy", "--format", "json", "--stats"], capsys)
    jsonschema.validate(report, SCHEMA)
    [entry] = report["stats"]["files"]
    assert (entry["path"], entry["pads"], entry["masses"], entry["electrical_nodes"]) == ("d.assy", 8, 4, 4)
    assert set(entry["seconds"]) >= {"parse", "build", "rules"}
    assert all(isinstance(v, float | int) and v >= 0 for v in entry["seconds"].values())
    assert sorted(entry["rules"]) == ["TST001", "TST002", "TST003"]
    assert all(r["findings"] == 1 for r in entry["rules"].values())
    assert all("seconds" in r for r in report["rules"])


def test_without_stats_there_is_no_stats_key(in_tmp: Path, capsys) -> None:
    write(in_tmp)
    _, report = json_run(["check", "d.assy", "--format", "json"], capsys)
    assert "stats" not in report
    assert all("seconds" not in r for r in report["rules"])


# ---------------------------------------------------------------------------------------- bad options
def test_bad_fail_on_exits_2(in_tmp: Path, capsys) -> None:
    write(in_tmp)
    assert main(["check", "d.assy", "--fail-on", "sometimes"]) == 2
    assert "invalid choice: 'sometimes'" in capsys.readouterr().err


def test_no_command_exits_2(capsys) -> None:
    assert main([]) == 2
    assert "usage: assemblint" in capsys.readouterr().out


def test_unknown_option_exits_2(in_tmp: Path, capsys) -> None:
    write(in_tmp)
    assert main(["check", "d.assy", "--frobnicate"]) == 2
    assert "unrecognized arguments: --frobnicate" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- rules, explain, plugins
def test_rules_without_rule_plugins(capsys) -> None:
    assert main(["rules", *(f"-p=no:{name}" for name in OTHER_PLUGINS)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("deck: default (")
    assert "no rules are installed" in out


def test_rules_lists_every_rule(with_rules, capsys) -> None:
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("deck: default")
    assert lines[1].split() == [
        "TST001",
        "every-mass",
        "TST",
        "warning",
        "enabled",
        "testplugin",
        "[min_gap=20",
        "um,",
        "max_masses=3]",
    ]
    assert lines[2].split() == ["TST002", "first-mass", "TST", "error", "enabled", "testplugin"]
    assert lines[3].split() == ["TST003", "the-die", "TST", "info", "enabled", "testplugin"]


def test_rules_json(with_rules, capsys) -> None:
    code, data = json_run(["rules", "--format", "json"], capsys)
    assert code == 0
    assert data["deck"] == "default"
    assert data["rules"][0] == {
        "id": "TST001",
        "name": "every-mass",
        "family": "TST",
        "severity": "warning",
        "plugin": "testplugin",
        "enabled": True,
        "params": {"min_gap": "20 um", "max_masses": 3},
    }
    assert [r["id"] for r in data["rules"]] == ["TST001", "TST002", "TST003"]


def test_rules_with_a_deck_shows_the_effective_settings(in_tmp: Path, with_rules, capsys) -> None:
    (in_tmp / "deck.toml").write_text(
        '[deck]\nname = "strict"\n'
        '[rules.TST001]\nseverity = "error"\nmin_gap = "40 um"\n'
        "[rules.TST003]\nenabled = false\n",
        encoding="utf-8",
    )
    code, data = json_run(["rules", "--deck", "deck.toml", "--format", "json"], capsys)
    assert code == 0
    assert data["deck"] == "strict"
    rows = {r["id"]: r for r in data["rules"]}
    assert (rows["TST001"]["severity"], rows["TST001"]["params"]["min_gap"]) == ("error", "40 um")
    assert rows["TST003"]["enabled"] is False


def test_explain_a_rule(with_rules, capsys) -> None:
    assert main(["explain", "tst001"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("TST001 every-mass: warning by default (TST, plugin `testplugin`)\n\n")
    assert "\n\nReport every mass once. The tests use it to see findings.\n" in out
    assert "A second paragraph of documentation.\n" in out
    assert "Source: tests/test_cli.py\n" in out
    assert "  min_gap: length (µm), default 20 um — the smallest gap between masses\n" in out
    assert "  max_masses: integer, default 3\n" in out
    assert "Fires on:\n    masses m : SAC305 { joins a.c[*] -- b.p[*] }\n" in out
    assert "Does not fire on:\n    # a design without masses\n" in out


def test_explain_shows_a_docstring_style_doc_without_its_indentation(with_rules, capsys) -> None:
    assert main(["explain", "TST001"]) == 0
    out = capsys.readouterr().out
    assert "findings.\n\nA second paragraph of documentation.\n" in out


def test_explain_an_unknown_rule_exits_2_with_a_suggestion(with_rules, capsys) -> None:
    assert main(["explain", "NOPE"]) == 2
    assert capsys.readouterr().err == "assemblint: no rule NOPE; `assemblint rules` lists them\n"
    assert main(["explain", "TST01"]) == 2
    assert "no rule TST01 (did you mean `TST001`?)" in capsys.readouterr().err


def test_plugins_lists_builtin_with_std_and_formats(capsys) -> None:
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"builtin {assemblint.__version__} (assemblint.builtin)\n")
    assert "    formats: github, gitlab, html, json, junit, sarif, text\n" in out
    assert "    libraries: std\n" in out


# ---------------------------------------------------------------------------------------- graph
def graph_to(tmp_path: Path, fmt: str, capsys) -> str:
    target = tmp_path / f"graph.{fmt}"
    assert main(["graph", str(LIQUID), "--format", fmt, "-o", str(target)]) == 0
    assert capsys.readouterr().out == ""
    return str(target)


def test_graph_graphml(tmp_path: Path, capsys) -> None:
    graph = nx.read_graphml(graph_to(tmp_path, "graphml", capsys))
    assert graph.number_of_nodes() == 600
    assert graph.number_of_edges() == 500
    kinds = [attrs["kind"] for _, attrs in graph.nodes(data=True)]
    assert (kinds.count("pad"), kinds.count("mass")) == (400, 200)
    edge_kinds = [attrs["kind"] for _, _, attrs in graph.edges(data=True)]
    assert (edge_kinds.count("joins"), edge_kinds.count("connect")) == (400, 100)

    pad = graph.nodes["chip28.c[0]"]
    assert (pad["kind"], pad["element"], pad["x_um"], pad["y_um"]) == ("pad", "chip28", -2250.0, -2250.0)
    assert graph.nodes["chip28.c[11]"]["x_um"] == -1750.0
    # chip pad, mass, sheet pads (through the connect), bump and board pad form one electrical node
    chain = ["chip28.c[7]", "m[7]", "sheet10.p[7]", "sheet10.t[7]", "tb[7]", "board60.q[7]"]
    assert len({graph.nodes[n]["node"] for n in chain}) == 1
    assert graph.nodes["chip28.c[8]"]["node"] != graph.nodes["chip28.c[7]"]["node"]
    assert len({attrs["node"] for _, attrs in graph.nodes(data=True)}) == 100
    mass = graph.nodes["m[7]"]
    assert (mass["kind"], mass["material"], mass["diameter_um"], mass["height_um"]) == (
        "mass",
        "seed_alloy50",
        90.0,
        100.0,
    )
    assert set(graph.neighbors("m[7]")) == {"chip28.c[7]", "sheet10.p[7]"}


def test_graph_gexf(tmp_path: Path, capsys) -> None:
    graph = nx.read_gexf(graph_to(tmp_path, "gexf", capsys))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (600, 500)
    assert graph.nodes["m[0]"]["kind"] == "mass"


def test_graph_json_is_node_link(tmp_path: Path, capsys) -> None:
    data = json.loads(Path(graph_to(tmp_path, "json", capsys)).read_text(encoding="utf-8"))
    assert data["directed"] is False
    assert (len(data["nodes"]), len(data["edges"])) == (600, 500)
    graph = nx.node_link_graph(data, edges="edges")
    assert graph.nodes["board60.q[99]"]["element"] == "board60"
    assert graph.nodes["board60.q[99]"]["node"] == graph.nodes["chip28.c[99]"]["node"]


def test_graph_dot(capsys) -> None:
    assert main(["graph", str(LIQUID), "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith('graph "Chip-scale package with liquid interconnects" {\n')
    assert out.endswith("}\n")
    assert out.count(" -- ") == 500
    assert '"m[0]" [shape=circle' in out
    assert '"chip28.c[0]" [shape=box' in out


def test_graph_of_a_broken_file_exits_2_with_a_caret(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, BROKEN)
    assert main(["graph", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "E003 expected a temperature, got a length: 3 mm" in captured.err
    assert "\n      |                                        ^^^^" in captured.err


def test_graph_of_a_missing_file_or_a_folder_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["graph", str(tmp_path / "nope.assy")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    write(tmp_path, DESIGN, "a.assy")
    write(tmp_path, DESIGN, "b.assy")
    assert main(["graph", str(tmp_path)]) == 2
    assert "holds 2 .assy files" in capsys.readouterr().err


def test_graph_bad_format_exits_2(capsys) -> None:
    assert main(["graph", str(LIQUID), "--format", "svg"]) == 2
    assert "invalid choice: 'svg'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- subprocess
def run_module(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assemblint", *args], capture_output=True, text=True, cwd=cwd, timeout=60
    )


def test_python_m_assemblint_check_text(tmp_path: Path) -> None:
    write(tmp_path, DESIGN)
    write(tmp_path, BROKEN, "broken.assy")
    proc = run_module("check", "d.assy", "broken.assy", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "broken.assy:3:27: E002 unknown material `silicn`" in proc.stdout
    assert "d.assy: 0 errors, 0 warnings, 0 info (0 waived)\n" in proc.stdout
    assert proc.stderr == ""
    assert not ANSI.search(proc.stdout)


def test_python_m_assemblint_json_matches_in_process(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(SHARED / "examples")
    besides = [f"-p=no:{name}" for name in SHIPPED_BESIDE]  # the other process sees every installed plugin
    proc = run_module("check", "liquid-interconnect.assy", "--format", "json", *besides, cwd=SHARED / "examples")
    assert proc.returncode == 0, proc.stderr
    main(["check", "liquid-interconnect.assy", "--format", "json", *besides])
    assert capsys.readouterr().out == proc.stdout  # byte-identical across processes
    jsonschema.validate(json.loads(proc.stdout), SCHEMA)


def test_a_file_named_twice_is_checked_once(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, DESIGN, "designs/a.assy")
    code, report = json_run(["check", "designs", "designs/a.assy", "--format", "json"], capsys)
    assert code == 1
    assert [i["path"] for i in report["inputs"]] == ["designs/a.assy"]
    assert [f["rule"] for f in report["findings"]] == ["TST003", "TST001", "TST002"]
