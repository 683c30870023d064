"""Waivers: the `waive` statement and `--waivers FILE`, pattern coverage, expiry on an injected
clock, and the review rules WV001 (waiver-expired) and WV002 (waiver-unused).

Contract: LANGUAGE.md (`waive`), CHECKS.md (Waivers), CLI.md (`--waivers FILE`, exit codes) and
the docstring of src/assemblint/waivers.py (a waiver waives a finding only when every object the
finding names is covered by one of its patterns; good through its `until` day).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import write

import assemblint
from assemblint.checking import waivers
from assemblint.cli import main

SCHEMA = json.loads(Path("/work/shared/spec/report.schema.json").read_text(encoding="utf-8"))

# One MH003 error on the masses `b` (declared on line 4, column 8): `mount` (245 °C) remelts the
# Sn63Pb37 (183 °C) joined at `join`, and nothing contains it. Waive lines appended start at line 10.
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
WAIVER_LINE = 10

# The same, with nothing remelted: no finding at all.
CLEAN = DESIGN.replace("    step mount { kind reflow; peak 245 C }\n", "")

# Also an MH005 on the element `die` (line 2): `mount` at 245 °C exceeds its max_temp 240 °C.
HOT_DIE = DESIGN.replace("{ body silicon;", "{ body silicon; max_temp 240 C;")

# A cell placed 2 x 3 times: one MH003 finding on `units[0:6].m[0:4]` (declared on line 5).
CELLS = """\
use std
cell Unit {
    element chip : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
    element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
    masses m : Sn63Pb37 { joins chip.c[*] -- sub.p[*]; height 80 um }
}
place units : Unit grid 2 x 3 pitch 5 mm x 5 mm
process {
    step join  { kind reflow; peak 215 C }
    step mount { kind reflow; peak 245 C }
    operate 0 C .. 70 C
}
"""
CELLS_WAIVER_LINE = 13

WAIVE = 'waive MH003 on b[*] because "reviewed" by "pkg team" until 2027-06-30'
BEFORE = dt.date(2027, 1, 15)
LAST_DAY = dt.date(2027, 6, 30)
DAY_AFTER = dt.date(2027, 7, 1)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Command-line runs are judged on 2027-01-15 unless a test says otherwise."""
    monkeypatch.setenv("ASSEMBLINT_TODAY", BEFORE.isoformat())
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(tmp_path: Path, text: str, today: dt.date = BEFORE, select=("MH003", "WV"), **kwargs):
    path = write(tmp_path, text)
    report = assemblint.check(path, select=select, today=today, **kwargs)
    assert not report.errors, [d.message for d in report.errors]
    assert not report.problems, [p.message for p in report.problems]
    return report


def by_rule(report, rule_id: str) -> list:
    return [f for f in report.findings if f.rule == rule_id]


def only(report, rule_id: str):
    found = by_rule(report, rule_id)
    assert len(found) == 1, [(f.rule, f.message) for f in report.findings]
    return found[0]


def rules_of(report) -> list[str]:
    return [f.rule for f in report.findings]


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# ------------------------------------------------------------------------------ a waiver that waives
def test_a_matching_waiver_marks_the_finding_waived_and_keeps_it(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN + WAIVE + "\n")
    assert rules_of(report) == ["MH003"]  # still in the report, and no WV finding
    finding = report.findings[0]
    assert finding.waived is True
    assert finding.severity.value == "error"  # the severity is kept
    assert finding.location.line == 4
    assert finding.waiver["rule"] == "MH003"
    assert finding.waiver["on"] == ["b[*]"]
    assert finding.waiver["reason"] == "reviewed"
    assert finding.waiver["by"] == "pkg team"
    assert finding.waiver["until"] == "2027-06-30"
    assert finding.waiver["location"]["path"] == str(tmp_path / "d.assy")
    assert finding.waiver["location"]["line"] == WAIVER_LINE
    assert report.summary == {"error": 0, "warning": 0, "info": 0, "waived": 1, "baseline": 0, "exit_code": 0}
    assert report.exit_code == 0


def test_without_the_waiver_the_same_finding_fails_the_run(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN)
    finding = only(report, "MH003")
    assert finding.waived is False
    assert finding.waiver is None
    assert finding.object_names == ["b[0:4]"]
    assert report.summary == {"error": 1, "warning": 0, "info": 0, "waived": 0, "baseline": 0, "exit_code": 1}


def test_json_report_has_waived_true_and_the_waiver_object(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN + WAIVE + "\n")
    code, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--format", "json")
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    [finding] = report["findings"]
    assert finding["rule"] == "MH003"
    assert finding["waived"] is True
    waiver = finding["waiver"]
    assert {k: waiver[k] for k in ("rule", "on", "reason", "by", "until")} == {
        "rule": "MH003",
        "on": ["b[*]"],
        "reason": "reviewed",
        "by": "pkg team",
        "until": "2027-06-30",
    }
    assert waiver["location"]["path"] == "d.assy"
    assert waiver["location"]["line"] == WAIVER_LINE
    assert report["summary"] == {"error": 0, "warning": 0, "info": 0, "waived": 1, "baseline": 0, "exit_code": 0}


def test_json_report_of_an_unwaived_finding_has_waived_false_and_no_waiver(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    code, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--format", "json")
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert finding["waived"] is False
    assert "waiver" not in finding


def test_text_report_marks_the_finding_waived(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN + WAIVE + "\n")
    code, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,WV")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("d.assy:4:8: MH003 [error] unintended-remelt: ")
    assert lines[0].endswith(" (waived)")
    assert lines[1] == "d.assy: 0 errors, 0 warnings, 0 info (1 waived)"


# ------------------------------------------------------------------------------ patterns
@pytest.mark.parametrize("pattern", ["b[*]", "b", "b[0:4]"])
def test_patterns_that_cover_every_mass_waive(tmp_path: Path, pattern: str) -> None:
    report = check(tmp_path, DESIGN + f'waive MH003 on {pattern} because "reviewed"\n')
    assert rules_of(report) == ["MH003"]  # no WV002: the waiver was used
    assert report.findings[0].waived is True
    assert report.findings[0].waiver["on"] == [pattern]
    assert report.exit_code == 0


@pytest.mark.parametrize("pattern", ["b[0:2]", "b[1]", "b[2:4]"])
def test_a_pattern_covering_only_part_of_the_finding_does_not_waive_and_is_unused(tmp_path: Path, pattern: str) -> None:
    report = check(tmp_path, DESIGN + f'waive MH003 on {pattern} because "half reviewed"\n')
    assert rules_of(report) == ["MH003", "WV002"]
    assert only(report, "MH003").waived is False
    unused = only(report, "WV002")
    assert unused.severity.value == "info"
    assert unused.location.line == WAIVER_LINE
    assert f"waive MH003 on {pattern}" in unused.message
    assert "matched no finding of MH003" in unused.message
    assert report.summary == {"error": 1, "warning": 0, "info": 1, "waived": 0, "baseline": 0, "exit_code": 1}


def test_a_waiver_for_another_rule_does_not_waive(tmp_path: Path) -> None:
    report = check(
        tmp_path, DESIGN + 'waive MH004 on b[*] because "contained remelt is fine"\n', select=("MH003", "MH004", "WV")
    )
    assert only(report, "MH003").waived is False
    unused = only(report, "WV002")
    assert "matched no finding of MH004" in unused.message
    assert unused.location.line == WAIVER_LINE
    assert report.exit_code == 1


@pytest.mark.parametrize("pattern", ["units[*].m[*]", "units[*].m", "units[0:6].m[0:4]"])
def test_patterns_across_placed_cells_waive(tmp_path: Path, pattern: str) -> None:
    report = check(tmp_path, CELLS + f'waive MH003 on {pattern} because "reviewed"\n')
    finding = only(report, "MH003")
    assert finding.object_names == ["units[0:6].m[0:4]"]
    assert finding.location.line == 5
    assert finding.waived is True
    assert rules_of(report) == ["MH003"]
    assert report.exit_code == 0


@pytest.mark.parametrize("pattern", ["units[0:3].m[*]", "units[*].m[0:2]", "units[*].chip", "m[*]"])
def test_cell_patterns_that_miss_some_objects_do_not_waive(tmp_path: Path, pattern: str) -> None:
    report = check(tmp_path, CELLS + f'waive MH003 on {pattern} because "reviewed"\n')
    assert only(report, "MH003").waived is False
    assert only(report, "WV002").location.line == CELLS_WAIVER_LINE
    assert report.exit_code == 1


def test_an_element_pattern_waives_an_element_finding(tmp_path: Path) -> None:
    report = check(tmp_path, HOT_DIE + 'waive MH005 on die because "die rated 250 C for 10 s"\n', select=("MH", "WV"))
    overtemp = only(report, "MH005")
    assert overtemp.object_names == ["die"]
    assert overtemp.location.line == 2
    assert overtemp.waived is True
    assert overtemp.waiver["reason"] == "die rated 250 C for 10 s"
    assert only(report, "MH003").waived is False  # a waiver for MH005 leaves MH003 alone
    assert by_rule(report, "WV002") == []
    assert report.summary["waived"] == 1
    assert report.summary["error"] == 1


def test_an_element_pattern_for_another_element_does_not_waive(tmp_path: Path) -> None:
    report = check(tmp_path, HOT_DIE + 'waive MH005 on sub because "wrong element"\n', select=("MH005", "WV"))
    assert only(report, "MH005").waived is False
    assert only(report, "WV002").location.line == WAIVER_LINE
    assert report.exit_code == 1


# ------------------------------------------------------------------------------ expiry
def test_a_waiver_is_good_through_its_until_day(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN + WAIVE + "\n", today=LAST_DAY)
    assert rules_of(report) == ["MH003"]
    assert report.findings[0].waived is True
    assert report.exit_code == 0


def test_a_waiver_expires_the_day_after_until(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN + WAIVE + "\n", today=DAY_AFTER)
    assert rules_of(report) == ["MH003", "WV001"]  # and no WV002 for the expired waiver
    remelt = only(report, "MH003")
    assert remelt.waived is False
    assert remelt.waiver is None
    expired = only(report, "WV001")
    assert expired.name == "waiver-expired"
    assert expired.severity.value == "warning"
    assert expired.location.line == WAIVER_LINE
    assert "expired on 2027-06-30" in expired.message
    assert "waive MH003 on b[*]" in expired.message
    assert expired.data["until"] == "2027-06-30"
    assert report.summary == {"error": 1, "warning": 1, "info": 0, "waived": 0, "baseline": 0, "exit_code": 1}


def test_a_waiver_without_until_never_expires(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN + 'waive MH003 on b[*] because "forever"\n', today=dt.date(2100, 1, 1))
    assert rules_of(report) == ["MH003"]
    assert report.findings[0].waived is True
    assert report.findings[0].waiver["until"] is None
    assert report.findings[0].waiver["by"] is None


@pytest.mark.parametrize(
    ("today", "code", "rules"), [("2027-06-30", 0, ["MH003"]), ("2027-07-01", 1, ["MH003", "WV001"])]
)
def test_assemblint_today_sets_the_clock_on_the_command_line(
    in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch, today: str, code: int, rules: list[str]
) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", today)
    write(in_tmp, DESIGN + WAIVE + "\n")
    got, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--format", "json")
    assert got == code
    report = json.loads(out)
    assert [f["rule"] for f in report["findings"]] == rules
    assert report["findings"][0]["waived"] is (code == 0)


def test_an_expired_waiver_in_text_output(in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2027-07-01")
    write(in_tmp, DESIGN + WAIVE + "\n")
    code, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,WV")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("d.assy:4:8: MH003 [error] ")
    assert not lines[0].endswith("(waived)")
    assert lines[1].startswith(f"d.assy:{WAIVER_LINE}:")
    assert " WV001 [warning] waiver-expired: " in lines[1]
    assert "2027-06-30" in lines[1]
    assert lines[2] == "d.assy: 1 error, 1 warning, 0 info (0 waived)"


@pytest.mark.parametrize("bad", ["tomorrow", "2027-13-01", "30.06.2027"])
def test_a_bad_assemblint_today_exits_2(in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", bad)
    write(in_tmp, DESIGN + WAIVE + "\n")
    code, out, err = run(capsys, "check", "d.assy", "--select", "MH003,WV")
    assert code == 2
    assert out == ""
    assert f"ASSEMBLINT_TODAY={bad!r} is not a date (YYYY-MM-DD)" in err


def test_the_api_today_wins_over_assemblint_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2030-01-01")
    report = check(tmp_path, DESIGN + WAIVE + "\n", today=LAST_DAY)
    assert report.findings[0].waived is True
    report = check(tmp_path, DESIGN + WAIVE + "\n", today=None)  # now the environment decides
    assert rules_of(report) == ["MH003", "WV001"]


# ------------------------------------------------------------------------------ WV002
def test_a_current_waiver_that_matches_nothing_is_reported_unused(tmp_path: Path) -> None:
    report = check(tmp_path, CLEAN + 'waive MH003 on b[*] because "old review" by "pkg team"\n')
    [unused] = report.findings
    assert unused.rule == "WV002"
    assert unused.name == "waiver-unused"
    assert unused.severity.value == "info"
    assert unused.location.line == CLEAN.count("\n") + 1
    assert unused.message.startswith("the waiver `waive MH003 on b[*]` by pkg team matched no finding of MH003")
    assert report.summary == {"error": 0, "warning": 0, "info": 1, "waived": 0, "baseline": 0, "exit_code": 0}


def test_an_expired_waiver_that_matches_nothing_gives_wv001_not_wv002(tmp_path: Path) -> None:
    report = check(tmp_path, CLEAN + WAIVE + "\n", today=DAY_AFTER)
    assert rules_of(report) == ["WV001"]
    assert report.findings[0].location.line == CLEAN.count("\n") + 1
    assert report.exit_code == 0  # a warning does not fail at the default --fail-on error


def test_only_the_unused_one_of_two_waivers_is_reported(tmp_path: Path) -> None:
    text = DESIGN + WAIVE + "\n" + 'waive MH003 on x[*] because "renamed long ago"\n'
    report = check(tmp_path, text)
    assert rules_of(report) == ["MH003", "WV002"]
    assert report.findings[0].waived is True
    assert report.findings[1].location.line == WAIVER_LINE + 1
    assert report.exit_code == 0


# ------------------------------------------------------------------------------ --waivers FILE
WAIVERS_FILE = """\
# reviewed at the 2027-01 design review

[[waiver]]
rule = "MH003"
on = ["b[*]"]
because = "reviewed with the customer"
by = "pkg team"
until = 2027-06-30

[[waiver]]
rule = "MH004"
on = "b"
because = "nothing to waive"
until = "2027-06-30"
"""
FIRST_HEADER, SECOND_HEADER = 3, 10


def test_a_waivers_file_waives_like_the_statement(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    write(in_tmp, WAIVERS_FILE, "w.toml")
    code, out, _ = run(
        capsys, "check", "d.assy", "--select", "MH003,MH004,WV", "--waivers", "w.toml", "--format", "json"
    )
    assert code == 0
    report = json.loads(out)
    jsonschema.validate(report, SCHEMA)
    remelt, unused = report["findings"]
    assert remelt["rule"] == "MH003"
    assert remelt["waived"] is True
    assert remelt["waiver"] == {
        "rule": "MH003",
        "on": ["b[*]"],
        "reason": "reviewed with the customer",
        "by": "pkg team",
        "until": "2027-06-30",
        "location": {"path": "w.toml", "line": FIRST_HEADER, "column": 1},
    }
    assert unused["rule"] == "WV002"  # the MH004 waiver (`on` as one string) matched nothing
    assert unused["location"]["path"] == "w.toml"
    assert unused["location"]["line"] == SECOND_HEADER
    assert report["summary"] == {"error": 0, "warning": 0, "info": 1, "waived": 1, "baseline": 0, "exit_code": 0}


def test_a_waivers_file_expires_like_the_statement(in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2027-07-01")
    write(in_tmp, DESIGN)
    write(in_tmp, WAIVERS_FILE, "w.toml")
    code, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--waivers", "w.toml")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("d.assy:4:8: MH003 [error] ")
    assert not lines[0].endswith("(waived)")
    expired = [line for line in lines if " WV001 " in line]
    assert [line.split(" WV001 ")[0] for line in expired] == [f"w.toml:{FIRST_HEADER}:1:", f"w.toml:{SECOND_HEADER}:1:"]
    assert all("expired on 2027-06-30" in line for line in expired)
    assert not any(" WV002 " in line for line in lines)


def test_the_api_takes_a_waivers_file(tmp_path: Path) -> None:
    path = write(tmp_path, WAIVERS_FILE, "w.toml")
    report = check(tmp_path, DESIGN, waivers=str(path))
    assert only(report, "MH003").waived is True
    assert only(report, "MH003").waiver["location"] == {"path": str(path), "line": FIRST_HEADER, "column": 1}


def test_file_and_statement_waivers_apply_together(in_tmp: Path, capsys) -> None:
    write(in_tmp, HOT_DIE + 'waive MH005 on die because "rated"\n')
    write(in_tmp, WAIVERS_FILE, "w.toml")
    code, out, _ = run(capsys, "check", "d.assy", "--select", "MH003,MH005", "--waivers", "w.toml", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert {f["rule"]: f["waiver"]["location"]["path"] for f in report["findings"]} == {
        "MH005": "d.assy",
        "MH003": "w.toml",
    }
    assert report["summary"]["waived"] == 2


GOOD_ENTRY = 'rule = "MH003"\non = ["b[*]"]\nbecause = "reviewed"\n'


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "w.toml: E006 cannot read the waivers file"),
        ("[[waiver]\nrule = 'MH003'\n", "w.toml:1:9: E001 the waivers file is not valid TOML"),
        ('[[waiver]]\nrule = "MH003"\non = ["b[*]"]\n', "w.toml:1:1: waiver 1: `because` is required"),
        ('[[waiver]]\non = ["b[*]"]\nbecause = "r"\n', "w.toml:1:1: waiver 1: `rule` is required"),
        ('[[waiver]]\nrule = "MH003"\nbecause = "r"\n', "w.toml:1:1: waiver 1: `on` is required"),
        (
            '[[waiver]]\nrule = "MH003"\non = "b"\nbecause = "  "\n',
            "w.toml:1:1: waiver 1: `because` must give the reason",
        ),
        (f"[[waiver]]\n{GOOD_ENTRY}owner = 'me'\n", "w.toml:1:1: waiver 1: unknown field 'owner'"),
        (f"[[waiver]]\n{GOOD_ENTRY}until = 'next June'\n", "w.toml:1:1: waiver 1: `until` must be a date"),
        (f"[[waiver]]\n{GOOD_ENTRY}until = '2027-02-30'\n", "w.toml:1:1: waiver 1: `until` must be a date"),
        (
            f"[[waiver]]\n{GOOD_ENTRY}\n[[waiver]]\n{GOOD_ENTRY}until = 5\n",
            "w.toml:6:1: waiver 2: `until` must be a date",
        ),
        (
            '[[waiver]]\nrule = "MH003"\non = ["b[*"]\nbecause = "r"\n',
            "w.toml:1:1: waiver 1: `on` takes object patterns",
        ),
        (
            '[[waiver]]\nrule = "MH003"\non = ["b[x:y]"]\nbecause = "r"\n',
            "w.toml:1:1: waiver 1: `on` takes object patterns",
        ),
        ('[[waiver]]\nrule = "MH003"\non = [3]\nbecause = "r"\n', "w.toml:1:1: waiver 1: `on` takes object patterns"),
        (f"title = 'x'\n[[waiver]]\n{GOOD_ENTRY}", "w.toml: unknown key 'title'"),
    ],
    ids=[
        "missing-file",
        "invalid-toml",
        "missing-because",
        "missing-rule",
        "missing-on",
        "blank-because",
        "unknown-field",
        "until-not-a-date",
        "until-impossible-day",
        "until-number-in-second",
        "bad-pattern-bracket",
        "bad-pattern-range",
        "pattern-not-text",
        "unknown-top-level-key",
    ],
)
def test_a_bad_waivers_file_exits_2_naming_the_file(in_tmp: Path, capsys, content: str | None, expected: str) -> None:
    write(in_tmp, DESIGN)
    if content is not None:
        write(in_tmp, content, "w.toml")
    code, out, err = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--waivers", "w.toml")
    assert code == 2
    assert out == ""  # nothing was checked
    assert err.startswith("assemblint: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1  # one sentence, no traceback


def test_a_datetime_until_in_the_waivers_file_exits_2(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    write(in_tmp, f"[[waiver]]\n{GOOD_ENTRY}until = 2027-06-30T10:00:00\n", "w.toml")
    code, _, err = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--waivers", "w.toml")
    assert code == 2
    assert "w.toml:1:1: waiver 1: `until` must be a date" in err


@pytest.mark.parametrize("content", ["waiver = 5\n", "waiver = [1]\n"])
def test_a_waiver_key_that_is_not_tables_exits_2(in_tmp: Path, capsys, content: str) -> None:
    write(in_tmp, DESIGN)
    write(in_tmp, content, "w.toml")
    code, _, err = run(capsys, "check", "d.assy", "--select", "MH003,WV", "--waivers", "w.toml")
    assert code == 2
    assert "w.toml" in err


def test_the_waiver_location_is_its_header_line_even_with_spaces_in_the_header(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN)
    write(in_tmp, f"# reviewed\n\n[[ waiver ]]\n{GOOD_ENTRY}", "w.toml")
    code, out, _ = run(
        capsys, "check", "d.assy", "--select", "MH003,MH004,WV", "--waivers", "w.toml", "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["findings"][0]["waiver"]["location"]["line"] == 3


def test_a_file_waiver_used_by_one_design_of_the_run_is_not_reported_unused(in_tmp: Path, capsys) -> None:
    write(in_tmp, DESIGN, "designs/a.assy")
    write(in_tmp, CLEAN, "designs/clean.assy")
    write(in_tmp, f"[[waiver]]\n{GOOD_ENTRY}", "w.toml")
    code, out, _ = run(capsys, "check", "designs", "--select", "MH003,WV", "--waivers", "w.toml", "--format", "json")
    report = json.loads(out)
    assert [(f["rule"], f["waived"]) for f in report["findings"]] == [("MH003", True)]
    assert code == 0


def test_an_expired_file_waiver_is_reported_once_for_the_run(
    in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2027-07-01")
    write(in_tmp, DESIGN, "designs/a.assy")
    write(in_tmp, DESIGN, "designs/b.assy")
    write(in_tmp, f"[[waiver]]\n{GOOD_ENTRY}until = 2027-06-30\n", "w.toml")
    code, out, _ = run(capsys, "check", "designs", "--select", "MH003,WV", "--waivers", "w.toml", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert [(f["rule"], f["location"]["path"]) for f in report["findings"]] == [
        ("MH003", "designs/a.assy"),
        ("MH003", "designs/b.assy"),
        ("WV001", "w.toml"),
    ]
    assert report["summary"] == {"error": 2, "warning": 1, "info": 0, "waived": 0, "baseline": 0, "exit_code": 1}


# ------------------------------------------------------------------------------ WV rules switched off
def test_no_waivers_plugin_still_applies_waivers_but_reports_no_wv(in_tmp: Path, capsys) -> None:
    text = DESIGN + WAIVE + "\n" + 'waive MH003 on x[*] because "stale"\n'
    write(in_tmp, text)
    code, out, _ = run(capsys, "check", "d.assy", "-p", "no:waivers", "--select", "MH003,WV", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert [(f["rule"], f["waived"]) for f in report["findings"]] == [("MH003", True)]
    assert not any(r["id"].startswith("WV") for r in report["rules"])


def test_no_waivers_plugin_with_an_expired_waiver_gives_the_error_without_wv001(
    in_tmp: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2027-07-01")
    write(in_tmp, DESIGN + WAIVE + "\n")
    code, out, _ = run(capsys, "check", "d.assy", "-p", "no:waivers", "--select", "MH003,WV")
    assert code == 1
    assert out.splitlines()[-1] == "d.assy: 1 error, 0 warnings, 0 info (0 waived)"
    assert "WV001" not in out


def test_select_without_wv_applies_waivers_but_reports_no_wv(tmp_path: Path) -> None:
    text = DESIGN + WAIVE + "\n" + 'waive MH003 on x[*] because "stale"\n'
    report = check(tmp_path, text, select=("MH003",))
    assert rules_of(report) == ["MH003"]
    assert report.findings[0].waived is True
    report = check(tmp_path, text, select=("MH003",), today=DAY_AFTER)
    assert rules_of(report) == ["MH003"]
    assert report.findings[0].waived is False
    assert report.exit_code == 1


# ------------------------------------------------------------------------------ waivers.covers
@pytest.mark.parametrize(
    ("pattern", "name", "covered"),
    [
        ("m[*]", "m[0:100]", True),
        ("m", "m[0:100]", True),
        ("m[0:100]", "m[0:100]", True),
        ("m[0:200]", "m[0:100]", True),
        ("m[10:]", "m[10:100]", True),
        ("m[0:50]", "m[0:100]", False),
        ("m[50:100]", "m[0:100]", False),
        ("m[3]", "m[3]", True),
        ("m[3]", "m[3:5]", False),
        ("m[*]", "m[7]", True),
        ("units[*].m", "units[0:6].m[0:4]", True),
        ("units[*].m[*]", "units[0:6].m[0:4]", True),
        ("units.m", "units[0:6].m[0:4]", True),
        ("units[1:3].m[*]", "units[0:6].m[0:4]", False),
        ("units[0:6].m[0:2]", "units[0:6].m[0:4]", False),
        ("units[*].m", "units[0:6].n[0:4]", False),
        ("units[*]", "units[0:6].m[0:4]", False),
        ("m", "units[0:6].m[0:4]", False),
        ("die", "die", True),
        ("die", "sub", False),
        ("m", "x", False),
        ("m[*]", "mm[0:4]", False),
        ("m[", "m[0:4]", False),
        ("m[a:b]", "m[0:4]", False),
    ],
)
def test_covers(pattern: str, name: str, covered: bool) -> None:
    assert waivers.covers(pattern, name) is covered


def test_segments_reads_names_with_ranges() -> None:
    assert waivers.segments("units[0:6].m[0:4]") == [("units", (0, 6)), ("m", (0, 4))]
    assert waivers.segments("m[*]") == [("m", waivers.EVERY)]
    assert waivers.segments("die") == [("die", None)]
    assert waivers.segments("m[3]") == [("m", (3, 4))]
    assert waivers.segments("not a name") is None


def test_today_prefers_the_given_date_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSEMBLINT_TODAY", "2027-07-01")
    assert waivers.today(LAST_DAY) == LAST_DAY
    assert waivers.today() == DAY_AFTER
    monkeypatch.delenv("ASSEMBLINT_TODAY")
    assert waivers.today() == dt.date.today()


@pytest.mark.parametrize(
    ("patterns", "name", "covered"),
    [
        (["b[0:2]", "b[2:4]"], "b[0:4]", True),
        (["b[0:2]", "b[3:4]"], "b[0:4]", False),  # b[2] is not reviewed
        (["units[*].m[0:2]", "units[*].m[2:4]"], "units[0:6].m[0:4]", True),
        (["units[0:3].m[*]", "units[3:6].m[*]"], "units[0:6].m[0:4]", False),  # only the last index is joined up
        (["b[0:2]"], "b[0:4]", False),
    ],
)
def test_patterns_cover_an_object_together(patterns, name, covered) -> None:
    assert waivers.covered_together(patterns, name) is covered


def test_a_waiver_of_a_rule_that_did_not_run_is_not_judged_unused(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN + 'waive MH004 on b[*] because "contained remelt is fine"\n')  # MH004 not selected
    assert by_rule(report, "WV002") == []


def test_a_waiver_naming_no_installed_rule_is_reported(tmp_path: Path) -> None:
    report = check(tmp_path, DESIGN + 'waive MH0O3 on b[*] because "typo in the id"\n')
    unused = only(report, "WV002")
    assert unused.message == "the waiver `waive MH0O3 on b[*]` names no installed rule: check the id"
