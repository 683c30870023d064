"""Baselines (`check --baseline REPORT`, `assemblint diff OLD NEW`), configuration files
(`[tool.assemblint]` in pyproject.toml, `assemblint.toml`), `--report F=FILE`, and colour.

Contract: CLI.md (`--baseline`, `diff`, `--report`, exit codes, Configuration, text format colour
only on a terminal with NO_COLOR respected) and the docstrings of baseline.py and config.py.
Every test runs in a folder tree under tmp_path, outside the repository, so the repository's own
pyproject.toml is never found by the upward search.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import write

from assemblint.cli import main

SCHEMA = json.loads(Path("/work/shared/spec/report.schema.json").read_text(encoding="utf-8"))
ANSI = re.compile(r"\x1b\[")

# One MH003 error on the masses `b`, declared on line 4 (column 8).
DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }
process {
    step join  { kind reflow; peak 215 C }
    step mount { kind reflow; peak 245 C }
    operate 0 C .. 70 C
}
"""

# The same design with three comment lines above the masses statement: `b` is now on line 7.
SHIFTED = DESIGN.replace("masses b", "# reviewed 2027-01\n# see the thermal report\n#\nmasses b")

# The same design plus a second fault: Sn42Bi58 masses `b2` (line 7), remelted by `mount` too.
NEW_FAULT = DESIGN.replace(
    "process {",
    "element die2 : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }\n"
    "element sub2 : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }\n"
    "masses b2 : Sn42Bi58 { joins die2.c[*] -- sub2.p[*]; height 80 um }\n"
    "process {",
)

# The fault fixed: `mount` (170 °C) stays below the 183 °C of Sn63Pb37.
FIXED = DESIGN.replace("peak 245 C", "peak 170 C")

# Two findings: MH005 on `die` (line 2, mount 245 °C above its max_temp 240 °C) and MH003 on `b`.
TWO = DESIGN.replace("{ body silicon;", "{ body silicon; max_temp 240 C;")


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2027-01-15")
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def check_json(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, dict]:
    code, out, err = run(capsys, "check", *argv, "--format", "json")
    assert out, err
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    return code, report


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rule_ids(report: dict) -> list[str]:
    return [f["rule"] for f in report["findings"]]


SELECT = ("--select", "MH003,WV")


# ============================================================================== baseline
@pytest.fixture
def old_report(in_tmp: Path, capsys) -> Path:
    """`check d.assy --format json -o old.json` of DESIGN: exit 1, one MH003 error."""
    write(in_tmp, DESIGN)
    code, out, _ = run(capsys, "check", "d.assy", *SELECT, "--format", "json", "-o", "old.json")
    assert code == 1
    assert out == ""
    return in_tmp / "old.json"


def test_the_saved_report_has_the_finding_and_its_fingerprint(old_report: Path) -> None:
    report = read_json(old_report)
    jsonschema.validate(report, SCHEMA)
    [finding] = report["findings"]
    assert finding["rule"] == "MH003"
    assert finding["location"]["line"] == 4
    assert re.fullmatch(r"[0-9a-f]{20}", finding["fingerprint"])
    assert "baseline" not in finding
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0, "waived": 0, "baseline": 0, "exit_code": 1}


def test_a_baseline_marks_its_findings_and_they_do_not_fail(old_report: Path, capsys) -> None:
    code, report = check_json(capsys, "d.assy", *SELECT, "--baseline", "old.json")
    assert code == 0
    [finding] = report["findings"]
    assert finding["rule"] == "MH003"
    assert finding["baseline"] is True
    assert finding["waived"] is False
    assert finding["fingerprint"] == read_json(old_report)["findings"][0]["fingerprint"]
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0, "waived": 0, "baseline": 1, "exit_code": 0}


def test_a_baseline_finding_in_text_output(old_report: Path, capsys) -> None:
    code, out, _ = run(capsys, "check", "d.assy", *SELECT, "--baseline", "old.json")
    assert code == 0
    first, summary = out.splitlines()
    assert first.startswith("d.assy:4:8: MH003 [error] unintended-remelt: ")
    assert first.endswith(" (baseline)")
    assert summary == "d.assy: 0 errors, 0 warnings, 0 info (0 waived, 1 in baseline)"


def test_the_fingerprint_survives_lines_inserted_above(old_report: Path, in_tmp: Path, capsys) -> None:
    old_fingerprint = read_json(old_report)["findings"][0]["fingerprint"]
    write(in_tmp, SHIFTED)
    code, report = check_json(capsys, "d.assy", *SELECT)
    assert code == 1
    [finding] = report["findings"]
    assert finding["location"]["line"] == 7  # it moved ...
    assert finding["fingerprint"] == old_fingerprint  # ... and is still the same finding

    code, report = check_json(capsys, "d.assy", *SELECT, "--baseline", "old.json")
    assert code == 0
    assert report["findings"][0]["baseline"] is True
    assert report["summary"]["baseline"] == 1


def test_a_new_fault_fails_the_run_while_the_old_finding_stays_baseline(old_report: Path, in_tmp: Path, capsys) -> None:
    write(in_tmp, NEW_FAULT)
    code, out, _ = run(
        capsys, "check", "d.assy", *SELECT, "--baseline", "old.json", "--format", "json", "-o", "new.json"
    )
    assert code == 1
    assert out == ""
    report = read_json(in_tmp / "new.json")
    jsonschema.validate(report, SCHEMA)
    old, new = report["findings"]
    assert (old["rule"], old["objects"], old.get("baseline")) == ("MH003", ["b[0:4]"], True)
    assert (new["rule"], new["objects"], new.get("baseline", False)) == ("MH003", ["b2[0:4]"], False)
    assert new["location"]["line"] == 7
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0, "waived": 0, "baseline": 1, "exit_code": 1}

    code, out, err = run(capsys, "diff", "old.json", "new.json")
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "new: 1"
    assert lines[1].startswith("  d.assy:7:8: MH003 [error] the `mount` step reaches 245 °C")
    assert "b2[0:4]" in lines[1]
    assert lines[2] == "fixed: 0"
    assert lines[3] == "unchanged: 1"
    assert lines[4].startswith("  d.assy:4:8: MH003 [error] ")
    assert len(lines) == 5


def test_diff_of_a_report_against_itself_has_nothing_new(old_report: Path, capsys) -> None:
    code, out, _ = run(capsys, "diff", "old.json", "old.json")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == ["new: 0", "fixed: 0", "unchanged: 1"]
    assert lines[3].startswith("  d.assy:4:8: MH003 [error] the `mount` step reaches 245 °C")
    assert len(lines) == 4


def test_diff_lists_a_fixed_finding(old_report: Path, in_tmp: Path, capsys) -> None:
    write(in_tmp, FIXED)
    code, _, _ = run(capsys, "check", "d.assy", *SELECT, "--format", "json", "-o", "fixed.json")
    assert code == 0
    code, out, _ = run(capsys, "diff", "old.json", "fixed.json")
    assert code == 0  # nothing new
    lines = out.splitlines()
    assert lines[0] == "new: 0"
    assert lines[1] == "fixed: 1"
    assert lines[2].startswith("  d.assy:4:8: MH003 [error] ")
    assert lines[3] == "unchanged: 0"
    assert len(lines) == 4

    code, out, _ = run(capsys, "diff", "fixed.json", "old.json")  # the other way round, it is new
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "new: 1"
    assert lines[1].startswith("  d.assy:4:8: MH003 [error] ")
    assert lines[2:] == ["fixed: 0", "unchanged: 0"]


BAD_REPORTS = [
    (None, "base.json: E006 cannot read the report"),
    ("not json at all", "base.json:1:1: E001 the report is not valid JSON: Expecting value"),
    ('{"findings": []}', 'not an assemblint report (expected "schema": "assemblint-report/1")'),
    ('{"schema": "other/1", "findings": []}', "not an assemblint report"),
    ('{"schema": "assemblint-report/1"}', "not an assemblint report"),
    ("[1, 2, 3]", "not an assemblint report"),
]
BAD_IDS = ["missing", "not-json", "no-schema", "other-schema", "no-findings", "a-list"]


@pytest.mark.parametrize(("content", "expected"), BAD_REPORTS, ids=BAD_IDS)
def test_a_bad_baseline_exits_2_naming_the_file(in_tmp: Path, capsys, content: str | None, expected: str) -> None:
    write(in_tmp, DESIGN)
    if content is not None:
        write(in_tmp, content, "base.json")
    code, out, err = run(capsys, "check", "d.assy", *SELECT, "--baseline", "base.json")
    assert code == 2
    assert out == ""
    assert err.startswith("assemblint: base.json")
    assert expected in err


@pytest.mark.parametrize(("content", "expected"), BAD_REPORTS, ids=BAD_IDS)
def test_diff_with_a_bad_report_exits_2_naming_the_file(
    old_report: Path, in_tmp: Path, capsys, content: str | None, expected: str
) -> None:
    if content is not None:
        write(in_tmp, content, "base.json")
    code, out, err = run(capsys, "diff", "old.json", "base.json")
    assert code == 2
    assert out == ""
    assert err.startswith("assemblint: base.json")
    assert expected in err


def test_diff_with_a_report_whose_finding_has_no_fingerprint_exits_2(old_report: Path, in_tmp: Path, capsys) -> None:
    write(in_tmp, '{"schema": "assemblint-report/1", "findings": [{"rule": "MH003"}]}', "base.json")
    code, _, err = run(capsys, "diff", "old.json", "base.json")
    assert code == 2
    assert "base.json" in err


# ============================================================================== configuration
def pyproject(folder: Path, settings: str) -> Path:
    return write(folder, f'[project]\nname = "x"\n\n[tool.assemblint]\n{settings}\n', "pyproject.toml")


def own_config(folder: Path, settings: str) -> Path:
    return write(folder, settings + "\n", "assemblint.toml")


def test_without_configuration_both_findings_fail(in_tmp: Path, capsys) -> None:
    write(in_tmp, TWO)
    code, report = check_json(capsys, "d.assy", "--select", "MH")
    assert code == 1
    assert rule_ids(report) == ["MH005", "MH003"]


def test_config_fail_on_never_makes_the_run_pass(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    pyproject(in_tmp, 'fail-on = "never"')
    code, report = check_json(capsys, "d.assy", *SELECT)
    assert code == 0
    assert rule_ids(report) == ["MH003"]  # still reported
    assert report["summary"]["error"] == 1
    assert report["summary"]["exit_code"] == 0


def test_config_select_limits_the_findings(in_tmp: Path, capsys) -> None:
    write(in_tmp, TWO)
    pyproject(in_tmp, 'select = ["MH003"]')
    code, report = check_json(capsys, "d.assy")
    assert code == 1
    assert rule_ids(report) == ["MH003"]
    statuses = {r["id"]: r["status"] for r in report["rules"]}
    assert statuses["MH003"] == "ran"
    assert statuses["MH005"] == "not-selected"


def test_config_select_as_comma_separated_text(in_tmp: Path, capsys) -> None:
    write(in_tmp, TWO)
    pyproject(in_tmp, 'select = "MH005, WV"')
    code, report = check_json(capsys, "d.assy")
    assert code == 1
    assert rule_ids(report) == ["MH005"]


def test_config_ignore_skips_rules(in_tmp: Path, capsys) -> None:
    write(in_tmp, TWO)
    pyproject(in_tmp, 'select = ["MH"]\nignore = ["MH005"]')
    code, report = check_json(capsys, "d.assy")
    assert code == 1
    assert rule_ids(report) == ["MH003"]


def test_config_deck_is_a_path_relative_to_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    project = tmp_path / "project"
    write(project, '[deck]\nname = "soft"\n[rules.MH003]\nseverity = "warning"\n', "decks/soft.toml")
    pyproject(project, 'deck = "decks/soft.toml"\nselect = ["MH003"]')
    write(project, DESIGN, "designs/d.assy")
    monkeypatch.chdir(project / "designs")
    code, report = check_json(capsys, "d.assy")
    assert code == 0  # MH003 is a warning in this deck
    assert report["deck"]["name"] == "soft"
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [("MH003", "warning")]


def test_config_deck_by_built_in_name(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    pyproject(in_tmp, 'deck = "liquid-interconnect"\nselect = ["MH003"]')
    _, report = check_json(capsys, "d.assy")
    assert report["deck"]["name"] == "liquid-interconnect"


def test_config_is_found_from_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    pyproject(tmp_path / "project", 'fail-on = "never"\nselect = ["MH003"]')
    deeper = tmp_path / "project" / "hw" / "rev-b"
    write(deeper, TWO)
    monkeypatch.chdir(deeper)
    code, report = check_json(capsys, "d.assy")
    assert code == 0
    assert rule_ids(report) == ["MH003"]


def test_assemblint_toml_wins_over_pyproject_in_the_same_folder(in_tmp: Path, capsys) -> None:
    write(in_tmp, TWO)
    pyproject(in_tmp, 'select = ["MH003"]\nfail-on = "error"')
    own_config(in_tmp, 'select = ["MH005"]\nfail-on = "never"')
    code, report = check_json(capsys, "d.assy")
    assert code == 0
    assert rule_ids(report) == ["MH005"]


def test_a_pyproject_without_a_tool_assemblint_table_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    own_config(tmp_path, 'select = ["MH005"]')
    project = tmp_path / "project"
    write(project, '[project]\nname = "hw"\n\n[tool.other]\nx = 1\n', "pyproject.toml")
    write(project, TWO)
    monkeypatch.chdir(project)
    code, report = check_json(capsys, "d.assy")
    assert code == 1
    assert rule_ids(report) == ["MH005"]  # from the folder above


def test_the_nearest_configuration_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    own_config(tmp_path, 'select = ["MH005"]')
    project = tmp_path / "project"
    pyproject(project, 'select = ["MH003"]')
    write(project, TWO)
    monkeypatch.chdir(project)
    _, report = check_json(capsys, "d.assy")
    assert rule_ids(report) == ["MH003"]


def test_command_line_fail_on_wins_over_config(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    pyproject(in_tmp, 'fail-on = "never"')
    code, _ = check_json(capsys, "d.assy", *SELECT, "--fail-on", "error")
    assert code == 1


def test_command_line_select_and_ignore_win_over_config(in_tmp: Path, capsys) -> None:
    write(in_tmp, TWO)
    pyproject(in_tmp, 'select = ["MH005"]\nignore = ["MH003"]')
    _, report = check_json(capsys, "d.assy")
    assert rule_ids(report) == ["MH005"]
    _, report = check_json(capsys, "d.assy", "--select", "MH003", "--ignore", "WV")
    assert rule_ids(report) == ["MH003"]


def test_config_plugins_drop_a_family_and_the_command_line_brings_it_back(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    pyproject(in_tmp, 'plugins = ["no:melting"]')
    code, report = check_json(capsys, "d.assy", "--select", "MH,WV")
    assert code == 0
    assert report["findings"] == []
    assert not any(r["id"].startswith("MH") for r in report["rules"])
    assert "melting" not in [p["name"] for p in report["tool"]["plugins"]]

    code, report = check_json(capsys, "d.assy", "-p", "melting", *SELECT)
    assert code == 1
    assert rule_ids(report) == ["MH003"]
    assert "melting" in [p["name"] for p in report["tool"]["plugins"]]


def test_command_line_no_plugin_wins_over_config_enabling_it(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    pyproject(in_tmp, 'plugins = ["melting"]')
    code, report = check_json(capsys, "d.assy", "-p", "no:melting")
    assert "melting" not in [p["name"] for p in report["tool"]["plugins"]]
    assert [rule for rule in rule_ids(report) if rule.startswith("MH")] == []  # RL004 says what it lacks (info)
    assert code == 0


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ('selct = ["MH"]', "[tool.assemblint]: unknown setting `selct` (did you mean `select`?)"),
        ('fail_on = "never"', "unknown setting `fail_on` (did you mean `fail-on`?)"),
        ("select = 3", "[tool.assemblint]: `select` must be a list of text, got 3"),
        ("ignore = [1, 2]", "`ignore` must be a list of text"),
        ("deck = 5", "[tool.assemblint]: `deck` must be text, got 5"),
        ('fail-on = "sometimes"', "`fail-on` must be one of error, warning, info, never, got 'sometimes'"),
        ("select = [", "pyproject.toml:6:1: E001 the configuration file is not valid TOML"),
    ],
    ids=[
        "unknown-setting",
        "underscore-key",
        "select-not-a-list",
        "ignore-not-text",
        "deck-not-text",
        "fail-on",
        "toml",
    ],
)
def test_a_bad_pyproject_configuration_exits_2(in_tmp: Path, capsys, settings: str, expected: str) -> None:
    write(in_tmp, DESIGN)
    pyproject(in_tmp, settings)
    code, out, err = run(capsys, "check", "d.assy")
    assert code == 2
    assert out == ""
    assert err.startswith(f"assemblint: {in_tmp.resolve() / 'pyproject.toml'}")
    assert expected in err


def test_a_bad_assemblint_toml_exits_2_naming_it(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    own_config(in_tmp, 'ignor = ["MH"]')
    code, _, err = run(capsys, "check", "d.assy")
    assert code == 2
    assert err.startswith(f"assemblint: {in_tmp.resolve() / 'assemblint.toml'}: unknown setting `ignor`")
    assert "(did you mean `ignore`?)" in err
    assert "known: deck, select, ignore, fail-on, root, plugins" in err


def test_a_bad_configuration_found_from_a_subfolder_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    own_config(tmp_path, 'fail-on = "warnings"')
    write(tmp_path / "sub", DESIGN)
    monkeypatch.chdir(tmp_path / "sub")
    code, _, err = run(capsys, "check", "d.assy")
    assert code == 2
    assert "assemblint.toml" in err
    assert "`fail-on` must be one of" in err


def test_diff_reads_no_configuration(old_report: Path, in_tmp: Path, capsys) -> None:
    own_config(in_tmp, "this is not toml")
    code, out, _ = run(capsys, "diff", "old.json", "old.json")
    assert code == 0
    assert out.startswith("new: 0\n")


# ============================================================================== --report F=FILE
def test_one_run_writes_stdout_and_extra_report_files(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    code, out, _ = run(capsys, "check", "d.assy", *SELECT, "--report", "json=r.json", "--report", "sarif=r.sarif")
    assert code == 1
    first, summary = out.splitlines()  # the main format, text, on stdout
    assert first.startswith("d.assy:4:8: MH003 [error] unintended-remelt: ")
    assert summary == "d.assy: 1 error, 0 warnings, 0 info (0 waived)"

    report = read_json(in_tmp / "r.json")
    jsonschema.validate(report, SCHEMA)
    assert report["schema"] == "assemblint-report/1"
    assert rule_ids(report) == ["MH003"]
    assert report["summary"]["exit_code"] == 1

    sarif = read_json(in_tmp / "r.sarif")
    assert sarif["version"] == "2.1.0"
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "MH003"
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_report_files_beside_a_json_main_format(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    code, report = check_json(capsys, "d.assy", *SELECT, "--report", "json=r.json")
    assert code == 1
    assert read_json(in_tmp / "r.json") == report  # the same run, the same report


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("json", "--report takes FORMAT=FILE (e.g. sarif=assemblint.sarif), got 'json'"),
        ("json=", "--report takes FORMAT=FILE"),
        ("=r.json", "--report takes FORMAT=FILE"),
        ("nope=r.out", "unknown format `nope`; known: "),
    ],
    ids=["no-file", "empty-file", "empty-format", "unknown-format"],
)
def test_a_bad_report_spec_exits_2_before_checking(in_tmp: Path, capsys, spec: str, expected: str) -> None:
    write(in_tmp, DESIGN)
    code, out, err = run(capsys, "check", "d.assy", "--report", spec, "--report", "json=first.json")
    assert code == 2
    assert out == ""  # nothing was checked or written
    assert not (in_tmp / "first.json").exists()
    assert not (in_tmp / "r.out").exists()
    assert err.startswith(f"assemblint: {expected}")


def test_a_report_file_that_cannot_be_written_exits_2(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    code, _, err = run(capsys, "check", "d.assy", *SELECT, "--report", "json=missing/r.json")
    assert code == 2
    assert "missing/r.json" in err


# ============================================================================== colour
def test_text_to_a_non_terminal_has_no_colour(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    _, out, _ = run(capsys, "check", "d.assy", *SELECT)
    assert "[error]" in out
    assert not ANSI.search(out)


def test_text_to_a_terminal_is_coloured(in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    write(in_tmp, DESIGN)
    code, out, _ = run(capsys, "check", "d.assy", *SELECT)
    assert code == 1
    assert "MH003 \x1b[31m[error]\x1b[0m unintended-remelt" in out


def test_no_color_turns_colour_off_on_a_terminal(in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    write(in_tmp, DESIGN)
    _, out, _ = run(capsys, "check", "d.assy", *SELECT)
    assert "MH003 [error] unintended-remelt" in out
    assert not ANSI.search(out)


def test_report_files_and_json_on_a_terminal_have_no_colour(
    in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    write(in_tmp, DESIGN)
    _, out, _ = run(capsys, "check", "d.assy", *SELECT, "--report", "text=r.txt", "--report", "json=r.json")
    assert ANSI.search(out)  # stdout is the terminal
    assert not ANSI.search((in_tmp / "r.txt").read_text(encoding="utf-8"))
    assert "MH003 [error] unintended-remelt" in (in_tmp / "r.txt").read_text(encoding="utf-8")
    assert not ANSI.search((in_tmp / "r.json").read_text(encoding="utf-8"))

    _, out, _ = run(capsys, "check", "d.assy", *SELECT, "--format", "json")
    assert not ANSI.search(out)
