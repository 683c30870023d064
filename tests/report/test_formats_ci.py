"""The CI output formats: SARIF 2.1.0, JUnit XML, GitHub workflow commands, GitLab Code Quality.

Real checks of the project's examples through `assemblint check … --format F` (in process, from
the examples folder, as CI runs it), compared with the JSON report of the same run; and a test
plugin whose rules write messages with every character the formats must escape, could not run,
or crash. SARIF is validated against the official schema with format checking.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.api import CheckOptions, check_files
from assemblint.plugins.host import PluginHost
from assemblint.report.formats import github as format_github
from assemblint.report.formats import gitlab as format_gitlab
from assemblint.report.formats import sarif as format_sarif

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SARIF_SCHEMA = json.loads(Path("/work/shared/data/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# The acceptance tests' checker. The schema is draft-04, whose checker knows `uri` but not
# `uri-reference` (a later draft's format), so artifact URIs need the full checker as well.
FORMAT_CHECKER = jsonschema.Draft4Validator.FORMAT_CHECKER
STRICT_CHECKER = jsonschema.FormatChecker()
CI_FORMATS = ("sarif", "junit", "github", "gitlab")
EXIT = {"insulation-faults.assy": 1, "flip-chip-fr4.assy": 1, "liquid-interconnect.assy": 0, "broken-syntax.assy": 2}

# `masses m` is declared on line 4, its name at column 8; `element die` on line 2, column 9.
DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }
element sub : substrate { body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
"""

ODD = "100% sure, ratio 1:2\nsecond line\r"  # what GitHub escapes: %, CR and LF (and `:` `,` in properties)
XMLISH = 'a <b> & "c" \x01 d'  # markup characters, and one XML 1.0 cannot hold at all


# ---------------------------------------------------------------------------------------- a test plugin
@assemblint.rule(
    id="TST901",
    name="odd-message",
    severity="warning",
    doc="Report a message with every character GitHub escapes. Used by the format tests.",
    source="tests/test_formats_ci.py",
)
def odd_message(ctx):
    yield ctx.finding(ODD, objects=ctx.assembly.masses[0])


@assemblint.rule(id="TST902", name="xml-message", severity="error", doc="Report a message with markup in it.")
def xml_message(ctx):
    yield ctx.finding(XMLISH, objects=ctx.assembly.element("die"))


@assemblint.rule(id="TST903", name="needs-process", severity="info", doc="Cannot run without a process.")
def needs_process(ctx):
    raise assemblint.CannotRun("the design declares no process steps")


@assemblint.rule(id="TST904", name="crashes", severity="error", doc="Raises.")
def crashes(ctx):
    raise RuntimeError("boom")


class FormatsPlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [odd_message, xml_message, needs_process, crashes]


def make_host() -> PluginHost:
    return PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", FormatsPlugin())])


@pytest.fixture
def with_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_host", lambda flags: make_host())


@pytest.fixture
def in_examples(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(EXAMPLES)
    return EXAMPLES


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, text: str = DESIGN, name: str = "d.assy") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# the families these format tests were written against; RL's missing-data notes on the same examples
# (docs/rules.md) would only add lines of the same kind
WITHOUT_RL = ("--ignore", "RL")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(["check", *argv])
    return code, capsys.readouterr().out


def sarif_of(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out = run(capsys, *argv, "--format", "sarif")
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SCHEMA, format_checker=FORMAT_CHECKER)
    jsonschema.validate(log, SARIF_SCHEMA, format_checker=STRICT_CHECKER)
    return code, log


def json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    return json.loads(run(capsys, *argv, "--format", "json")[1])


def junit_of(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, ET.Element]:
    code, out = run(capsys, *argv, "--format", "junit")
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return code, ET.fromstring(out)


def uri_is_relative(uri: str) -> bool:
    return (
        "\\" not in uri
        and not uri.startswith("/")
        and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri)  # no scheme, so no drive letter either
        and not re.match(r"^[A-Za-z]%3A", uri)
    )


# ---------------------------------------------------------------------------------------- registration
def test_the_builtin_plugin_registers_the_ci_formats() -> None:
    formats = PluginHost.create(disable=OTHER_PLUGINS).formats()
    assert formats["sarif"] is format_sarif.write
    assert formats["github"] is format_github.write
    assert formats["gitlab"] is format_gitlab.write
    assert {"text", "json", *CI_FORMATS} <= set(formats)


# ---------------------------------------------------------------------------------------- SARIF
def test_the_schema_check_really_checks_uri_formats() -> None:
    """Without a format checker for `uri-reference`, a Windows path would pass the schema."""
    assert "uri" in FORMAT_CHECKER.checkers and "uri-reference" not in FORMAT_CHECKER.checkers
    assert "uri-reference" in STRICT_CHECKER.checkers
    assert not STRICT_CHECKER.conforms("C:\\designs\\d.assy", "uri-reference")
    assert STRICT_CHECKER.conforms("designs/d%20%231.assy", "uri-reference")
    bad = {
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "x"}}, "artifacts": [{"location": {"uri": "a\\b c.assy"}}]}],
    }
    jsonschema.validate(bad, SARIF_SCHEMA, format_checker=FORMAT_CHECKER)  # passes: not checked there
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SARIF_SCHEMA, format_checker=STRICT_CHECKER)


@pytest.mark.parametrize("name", sorted(EXIT))
def test_sarif_of_the_examples_is_valid_and_matches_the_json_report(name: str, in_examples: Path, capsys) -> None:
    code, log = sarif_of(capsys, name)
    assert code == EXIT[name]
    report = json_of(capsys, name)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and log["version"] == "2.1.0"
    (sarif_run,) = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "assemblint" and driver["version"] == assemblint.__version__
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert ids[: len(report["rules"])] == [r["id"] for r in report["rules"]]  # every rule, in the report's order
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert "helpUri" not in rule  # no documentation site to point at: omitted, not invented
    levels = {"error": "error", "warning": "warning", "info": "note"}
    results = sarif_run["results"]
    findings = [r for r in results if not re.fullmatch(r"E\d{3}", r["ruleId"])]
    assert len(findings) == len(report["findings"])
    for result, finding in zip(findings, report["findings"], strict=True):
        assert result["ruleId"] == finding["rule"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == levels[finding["severity"]]
        assert finding["message"] in result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uri"] == name and artifact["uriBaseId"] == "%SRCROOT%" and uri_is_relative(artifact["uri"])
        region = location["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == (
            finding["location"]["line"],
            finding["location"]["column"],
        )
        prints = result["partialFingerprints"]
        assert prints["primaryLocationLineHash"] == finding["fingerprint"] + ":1"
        assert prints["assemblint/v1"] == finding["fingerprint"]
        assert "suppressions" not in result and "baselineState" not in result
    assert [a["location"]["uri"] for a in sarif_run["artifacts"]] == [i["path"] for i in report["inputs"]]
    assert [a["hashes"]["sha-256"] for a in sarif_run["artifacts"]] == [i["sha256"] for i in report["inputs"]]
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is (EXIT[name] in (0, 1))
    assert invocation["exitCode"] == EXIT[name]
    assert "%SRCROOT%" in sarif_run["originalUriBaseIds"]


def test_sarif_language_errors_are_results_with_their_code(in_examples: Path, capsys) -> None:
    code, log = sarif_of(capsys, "broken-syntax.assy")
    assert code == 2
    (sarif_run,) = log["runs"]
    (result,) = sarif_run["results"]
    assert result["ruleId"] == "E001" and result["level"] == "error"
    descriptor = sarif_run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert descriptor["id"] == "E001" and descriptor["name"] == "syntax-error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (9, 1)
    assert "}" in result["message"]["text"]
    assert set(result["partialFingerprints"]) == {"primaryLocationLineHash", "assemblint/v1"}
    assert sarif_run["invocations"][0]["executionSuccessful"] is False


def test_sarif_uris_are_relative_percent_encoded_and_use_forward_slashes(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp / "my designs", name="d #1.assy")
    write(in_tmp / "my designs", name="d:1,2.assy")
    code, log = sarif_of(capsys, "my designs", "--select", "TST901")
    assert code == 0
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris == {"my%20designs/d%20%231.assy", "my%20designs/d%3A1%2C2.assy"}
    assert all(uri_is_relative(u) for u in uris)
    assert {a["location"]["uri"] for a in log["runs"][0]["artifacts"]} == uris


def test_sarif_a_file_outside_the_working_folder_gets_an_absolute_file_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_rules, capsys
) -> None:
    write(tmp_path)
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    _, log = sarif_of(capsys, "../d.assy", "--select", "TST901")
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (tmp_path / "d.assy").as_uri(), "index": 0}


def test_relative_path() -> None:
    base = Path("/repo")
    assert format_sarif.relative_path("a/../designs/d.assy", base) == "designs/d.assy"
    assert format_sarif.relative_path("/repo/x/y.assy", base) == "x/y.assy"
    assert format_sarif.relative_path("../elsewhere.assy", base) is None
    assert format_sarif.relative_path("/repository/d.assy", base) is None  # a prefix is not a parent
    assert format_sarif.shown_path("/elsewhere/d.assy", base) == "/elsewhere/d.assy"


def test_sarif_internal_errors_and_rules_that_could_not_run_are_notifications(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    code, log = sarif_of(capsys, "d.assy", "--select", "TST903,TST904")
    assert code == 3
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 3
    notes = invocation["toolExecutionNotifications"]
    crash = next(n for n in notes if n["level"] == "error")
    assert "boom" in crash["message"]["text"] and crash["associatedRule"]["id"] == "TST904"
    skipped = next(n for n in notes if n["level"] == "warning")
    assert skipped["associatedRule"]["id"] == "TST903"
    assert skipped["message"]["text"] == "TST903 needs-process could not run: the design declares no process steps"
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[n["associatedRule"]["index"]]["id"] == n["associatedRule"]["id"] for n in notes)


def test_sarif_rule_descriptors_carry_the_documentation(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    _, log = sarif_of(capsys, "d.assy", "--select", "TST901")
    rule = next(r for r in log["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "TST901")
    assert rule["name"] == "odd-message"
    assert rule["shortDescription"]["text"] == "Report a message with every character GitHub escapes."
    assert rule["fullDescription"]["text"].endswith("Used by the format tests.")
    assert "Source: tests/test_formats_ci.py." in rule["help"]["text"]
    assert rule["defaultConfiguration"]["level"] == "warning"
    assert rule["properties"]["family"] == "TST" and rule["properties"]["plugin"] == "testplugin"
    # the message does not name its objects, so the result adds them
    assert log["runs"][0]["results"][0]["message"]["text"] == ODD.rstrip() + " (objects: m[0]; count 1)"


def test_sarif_waived_findings_are_suppressed_in_source_or_externally(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, DESIGN + 'waive TST901 on m[0] because "reviewed, 100%" by "packaging team" until 2099-01-01\n')
    code, log = sarif_of(capsys, "d.assy", "--select", "TST901")
    assert code == 0
    (result,) = log["runs"][0]["results"]
    (suppression,) = result["suppressions"]
    assert suppression["kind"] == "inSource" and suppression["status"] == "accepted"
    assert suppression["justification"] == "reviewed, 100%"
    assert suppression["location"]["physicalLocation"]["region"]["startLine"] == 5
    assert suppression["properties"]["by"] == "packaging team"

    write(in_tmp)
    (in_tmp / "waivers.toml").write_text(
        '[[waiver]]\nrule = "TST901"\non = ["m[0]"]\nbecause = "from the file"\n', encoding="utf-8"
    )
    _, log = sarif_of(capsys, "d.assy", "--select", "TST901", "--waivers", "waivers.toml")
    (suppression,) = log["runs"][0]["results"][0]["suppressions"]
    assert suppression["kind"] == "external" and suppression["justification"] == "from the file"


def test_sarif_baseline_findings_are_unchanged_and_the_others_new(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp)
    assert cli.main(["check", "d.assy", "--select", "TST902", "--format", "json", "-o", "base.json"]) == 1
    code, log = sarif_of(capsys, "d.assy", "--select", "TST901,TST902", "--baseline", "base.json")
    assert code == 0
    states = {r["ruleId"]: r["baselineState"] for r in log["runs"][0]["results"]}
    assert states == {"TST901": "new", "TST902": "unchanged"}


def test_sarif_repeated_fingerprints_stay_distinct(in_tmp: Path) -> None:
    write(in_tmp)
    report = check_files([Path("d.assy")], CheckOptions(select=["TST901"]), make_host())
    twin = copy.copy(report.findings[0])
    twin.location = type(twin.location)(twin.location.path, 2, 1)
    report.findings.append(twin)
    log = json.loads(format_sarif.write(report))
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in log["runs"][0]["results"]]
    assert len(set(hashes)) == 2 and {h.rsplit(":", 1)[1] for h in hashes} == {"1", "2"}
    issues = json.loads(format_gitlab.write(report))
    assert len({i["fingerprint"] for i in issues}) == 2


# ---------------------------------------------------------------------------------------- JUnit
def test_junit_one_suite_per_file_one_testcase_per_rule_a_failure_per_finding(in_examples: Path, capsys) -> None:
    code, root = junit_of(capsys, "insulation-faults.assy", *WITHOUT_RL)
    assert code == 1
    report = json_of(capsys, "insulation-faults.assy", *WITHOUT_RL)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    ran = [f"{r['id']} {r['name']}" for r in report["rules"] if r["status"] == "ran"]
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ran
    assert {c.get("classname") for c in cases} == {"insulation-faults.assy"}
    assert suite.get("name") == "insulation-faults.assy"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        str(len(ran)),
        "5",
        "0",
        "0",
    )
    failures = {c.get("name").split()[0]: c.find("failure") for c in cases if c.find("failure") is not None}
    assert len(failures) == 5
    for finding in report["findings"]:
        failure = failures[finding["rule"]]
        assert failure.get("message") == finding["message"] and failure.get("type") == "error"
        loc = finding["location"]
        assert failure.text.splitlines()[0] == f"insulation-faults.assy:{loc['line']}:{loc['column']}"
        assert f"count: {finding['count']}" in failure.text
        assert "objects: " + ", ".join(finding["objects"]) in failure.text
    assert root.get("tests") == suite.get("tests") and root.get("failures") == "5"


def test_junit_findings_below_fail_on_go_to_system_out(in_examples: Path, capsys) -> None:
    code, root = junit_of(capsys, "liquid-interconnect.assy", *WITHOUT_RL)
    assert code == 0
    (suite,) = root.findall("testsuite")
    assert suite.get("failures") == "0"
    outs = {c.get("name"): c.findtext("system-out") for c in suite if c.find("system-out") is not None}
    assert set(outs) == {"MH004 contained-remelt", "MH007 liquid-in-operation"}
    assert all(text.startswith("liquid-interconnect.assy:57:8: MH00") for text in outs.values())
    assert all(text.endswith("(below --fail-on error)") for text in outs.values())

    code, root = junit_of(capsys, "liquid-interconnect.assy", "--fail-on", "info", *WITHOUT_RL)
    assert code == 1
    assert root.find("testsuite").get("failures") == "2"
    assert {f.get("type") for f in root.iter("failure")} == {"info"}

    _, root = junit_of(capsys, "flip-chip-fr4.assy")
    assert root.find("testsuite").get("failures") == "2"  # CTE001 is a warning
    _, root = junit_of(capsys, "flip-chip-fr4.assy", "--fail-on", "warning")
    assert root.find("testsuite").get("failures") == "3"


def test_junit_language_errors_and_several_files(in_examples: Path, capsys) -> None:
    code, root = junit_of(capsys, "liquid-interconnect.assy", "broken-syntax.assy", "insulation-faults.assy")
    assert code == 2
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "broken-syntax.assy",
        "insulation-faults.assy",
        "liquid-interconnect.assy",
    ]
    broken = suites[0]
    assert (broken.get("tests"), broken.get("errors"), broken.get("failures")) == ("1", "1", "0")
    (case,) = broken.findall("testcase")
    assert case.get("name") == "language errors" and case.get("classname") == "broken-syntax.assy"
    error = case.find("error")
    assert error.get("type") == "E001" and error.get("message").startswith("E001 expected a property")
    assert error.text.startswith("broken-syntax.assy:9:1: E001") and "^" in error.text
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)


def test_junit_skipped_crashed_waived_and_escaped(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, DESIGN + 'waive TST901 on m[0] because "reviewed" by "team"\n')
    code, root = junit_of(capsys, "d.assy")
    assert code == 3
    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"TST901 odd-message", "TST902 xml-message", "TST903 needs-process", "TST904 crashes"}
    assert cases["TST903 needs-process"].find("skipped").get("message") == (
        "could not run: the design declares no process steps"
    )
    error = cases["TST904 crashes"].find("error")
    assert error.get("type") == "internal-error" and "RuntimeError: boom" in error.text
    failure = cases["TST902 xml-message"].find("failure")
    assert failure.get("message") == XMLISH.replace("\x01", "\ufffd")  # markup survives; \x01 cannot be XML
    assert cases["TST901 odd-message"].find("failure") is None
    assert "(waived: reviewed)" in cases["TST901 odd-message"].findtext("system-out")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        "4",
        "1",
        "1",
        "1",
    )


# ---------------------------------------------------------------------------------------- GitHub
def test_github_escaping() -> None:
    assert format_github.escape_data("100% a:b,c\r\n") == "100%25 a:b,c%0D%0A"
    assert format_github.escape_property("d:1,2%.assy") == "d%3A1%2C2%25.assy"


def test_github_exact_lines_for_a_message_that_needs_escaping(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, name="d:1,2.assy")
    code, out = run(capsys, "d:1,2.assy", "--select", "TST901", "--format", "github")
    assert code == 0
    assert out == (
        "::warning file=d%3A1%2C2.assy,line=4,col=8,title=TST901 odd-message::100%25 sure, ratio 1:2%0Asecond line%0D\n"
        "assemblint: 0 errors, 1 warning, 0 info (0 waived, 0 in baseline); exit code 0\n"
    )


def test_github_lines_for_the_examples(in_examples: Path, capsys) -> None:
    code, out = run(capsys, "insulation-faults.assy", "--format", "github", *WITHOUT_RL)
    assert code == 1
    report = json_of(capsys, "insulation-faults.assy", *WITHOUT_RL)
    expected = [
        f"::error file=insulation-faults.assy,line={f['location']['line']},col={f['location']['column']},"
        f"title={f['rule']} {f['name']}::{f['message']}"
        for f in report["findings"]
    ]
    assert out.splitlines() == [
        *expected,
        "assemblint: 5 errors, 0 warnings, 0 info (0 waived, 0 in baseline); exit code 1",
    ]

    _, out = run(capsys, "liquid-interconnect.assy", "flip-chip-fr4.assy", "--format", "github", *WITHOUT_RL)
    kinds = [line.split(" ", 1)[0] for line in out.splitlines()[:-1]]
    assert kinds == ["::warning", "::error", "::error", "::notice", "::notice"]

    code, out = run(capsys, "broken-syntax.assy", "--format", "github")
    assert code == 2
    first, last = out.splitlines()
    assert first.startswith("::error file=broken-syntax.assy,line=9,col=1,title=E001 language error::expected a ")
    assert last == "assemblint: 1 language error; 0 errors, 0 warnings, 0 info (0 waived, 0 in baseline); exit code 2"


def test_github_leaves_out_waived_findings_and_reports_crashes(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp, DESIGN + 'waive TST901 on m[0] because "reviewed"\n')
    code, out = run(capsys, "d.assy", "--format", "github")
    assert code == 3
    lines = out.splitlines()
    assert all(line.startswith("::") for line in lines[:-1]) and not lines[-1].startswith("::")
    assert not any("TST901" in line for line in lines)
    assert "::error file=d.assy,line=2,col=9,title=TST902 xml-message::" + XMLISH in lines
    assert "::warning file=d.assy,title=could not run::TST903 could not run: the design declares no process steps" in (
        lines
    )
    crash = next(line for line in lines if "internal error" in line)
    assert crash.startswith("::error title=assemblint internal error::internal error in plugin `testplugin`, rule ")
    assert "RuntimeError: boom%0A" in crash  # the traceback's lines stay on one line
    assert lines[-1] == (
        "assemblint: 1 internal error; 1 error, 0 warnings, 0 info (1 waived, 0 in baseline); exit code 3"
    )


# ---------------------------------------------------------------------------------------- GitLab
def test_gitlab_code_quality_of_the_examples(in_examples: Path, capsys) -> None:
    severities = {"error": "critical", "warning": "minor", "info": "info"}
    for name in ("insulation-faults.assy", "flip-chip-fr4.assy", "liquid-interconnect.assy"):
        code, out = run(capsys, name, "--format", "gitlab")
        assert code == EXIT[name]
        issues = json.loads(out)
        report = json_of(capsys, name)
        assert len(issues) == len(report["findings"]) > 0
        for issue, finding in zip(issues, report["findings"], strict=True):
            assert issue["check_name"] == finding["rule"]
            assert finding["message"] in issue["description"]
            assert issue["fingerprint"] == finding["fingerprint"]
            assert issue["severity"] == severities[finding["severity"]]
            assert issue["location"] == {"path": name, "lines": {"begin": finding["location"]["line"]}}
        assert len({i["fingerprint"] for i in issues}) == len(issues)

    code, out = run(capsys, "broken-syntax.assy", "--format", "gitlab")
    assert code == 2
    (issue,) = json.loads(out)
    assert issue["check_name"] == "E001" and issue["severity"] == "blocker"
    assert issue["location"] == {"path": "broken-syntax.assy", "lines": {"begin": 9}}


def test_gitlab_leaves_out_waived_and_baseline_findings(in_tmp: Path, with_rules, capsys) -> None:
    write(in_tmp / "designs", DESIGN + 'waive TST901 on m[0] because "reviewed"\n')
    assert cli.main(["check", "designs", "--select", "TST902", "--format", "json", "-o", "base.json"]) == 1
    code, out = run(capsys, "designs", "--select", "TST901,TST902", "--format", "gitlab")
    assert code == 1
    assert [(i["check_name"], i["location"]["path"]) for i in json.loads(out)] == [("TST902", "designs/d.assy")]
    code, out = run(capsys, "designs", "--select", "TST901,TST902", "--baseline", "base.json", "--format", "gitlab")
    assert code == 0 and json.loads(out) == []


# ---------------------------------------------------------------------------------------- all of them
@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_output_is_deterministic(fmt: str, in_examples: Path, capsys) -> None:
    names = ["insulation-faults.assy", "flip-chip-fr4.assy", "liquid-interconnect.assy", "broken-syntax.assy"]
    first = run(capsys, *names, "--format", fmt)
    second = run(capsys, *names, "--format", fmt)
    assert first == second and first[0] == 2
    assert str(EXAMPLES) not in first[1]  # nothing of this machine's folders
    assert "\\" not in first[1].replace('\\"', "").replace("\\n", "")
