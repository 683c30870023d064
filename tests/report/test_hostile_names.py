"""Every output escapes what it must (issue 16, item 6): one test per format.

Each test runs `assemblint check --format F` on a folder with two designs whose file names hold
a hostile string: control characters (ESC with a colour sequence, BEL, BS, DEL, VT, FF, RS, NEL,
CSI), the line and paragraph separators, bidi controls, markup (`<b>`, `<script>`, `]]>`, `&`)
and GitHub workflow commands (`::error::`, `%0A`, CR LF, `::stop-commands::`, the legacy
`##[error]`), each after a character some reader breaks a line at. The design that reads
has the hostile text in its title and in a waiver's reason too; a test plugin's rules write it
in a message and an object name, in the reason a rule could not run, and in the error of a rule
that crashes. The other design has a language error that quotes it.

Each test checks that the output parses as its format (the SARIF against the official schema),
that no raw control character reaches it, that no line of it is a workflow command a CI runner
would obey (but the GitHub format's own), that markup from the input stays text, and that the
hostile text is still there, escaped, for whoever reads the output.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.plugins.host import PluginHost
from assemblint.report.formats.escaping import picture
from report.test_formats_ci import FORMAT_CHECKER, SARIF_SCHEMA, STRICT_CHECKER

# No `/` (a file name cannot hold it); the rest of what a reader must not receive raw.
HOSTILE = (
    "\x1b[31m<b>&<script>]]>::error::%0A\x07\x08\x7f\x85::warning::c1\x9b2J"
    "\u2028::stop-commands::tok\u2029\u202e\u2066,:\x0b::notice::vt\x0c::debug::ff\x1e::group::rs ##[error]legacy"
)
TEXT = HOSTILE + "</script>&amp;"  # in the design and the plugin: `/` is fine there
FILE = "d" + HOSTILE + "\r\n::error file=x::injected\n.assy"
BROKEN = "e" + HOSTILE + ".assy"

# What no output may carry raw: C0 controls but tab and line feed, DEL, C1, the separators, bidi.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

DESIGN = f"""\
use std
assembly "T{TEXT}"
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }}
element sub : substrate {{ body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }}
masses m : SAC305 {{ joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }}
waive TST962 on m[0] because "R{TEXT}"
"""
IMPORT_ERROR = f'use std\nimport "x{TEXT}"\n'  # E006, and its message quotes the path


@assemblint.rule(id="TST961", name="hostile-message", severity="error", doc="A message and an object, hostile.")
def hostile_message(ctx):
    yield ctx.finding(f"M{TEXT} in {ctx.assembly.title}", objects=["o" + TEXT, ctx.assembly.element("die")])


@assemblint.rule(id="TST962", name="waived-hostile", severity="warning", doc="A finding waived for a hostile reason.")
def waived_hostile(ctx):
    yield ctx.finding(f"W{TEXT}", objects=ctx.assembly.masses[0])


@assemblint.rule(id="TST963", name="hostile-reason", severity="info", doc="Cannot run, for a hostile reason.")
def hostile_reason(ctx):
    raise assemblint.CannotRun(f"C{TEXT}")


@assemblint.rule(id="TST964", name="hostile-crash", severity="error", doc="Raises a hostile error.")
def hostile_crash(ctx):
    raise RuntimeError(f"X{TEXT}")


class HostilePlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [hostile_message, waived_hostile, hostile_reason, hostile_crash]


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "designs"
    folder.mkdir()
    (folder / FILE).write_text(DESIGN, encoding="utf-8")
    (folder / BROKEN).write_text(IMPORT_ERROR, encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == sorted([FILE, BROKEN])  # the file system took the names
    monkeypatch.chdir(tmp_path)
    extra = [("hostile", HostilePlugin())]
    monkeypatch.setattr(cli, "_host", lambda flags: PluginHost.create(disable=OTHER_PLUGINS, extra=extra))
    return folder


def check(capsys: pytest.CaptureFixture[str], fmt: str) -> str:
    code = cli.main(["check", "designs", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 2  # the language error; TST964 crashed (3) and TST961 fails (1) too
    return out


def raw_controls(text: str, control: re.Pattern[str] = CONTROL) -> list[str]:
    return sorted({f"U+{ord(c):04X} {unicodedata.name(c, '')}" for c in control.findall(text)})


def no_workflow_command(out: str, lines: list[str] | None = None) -> None:
    """No line a CI runner would read as a workflow command: none starts with `::` after white
    space (by default the lines of str.splitlines, which breaks at every line break some reader
    honours: VT, FF, FS to RS, NEL, U+2028, U+2029, not only LF), and none holds the legacy `##[`,
    which the runner reads anywhere in a line."""
    lines = out.splitlines() if lines is None else lines
    assert [line for line in lines if line.lstrip().startswith("::")] == []
    assert "##[" not in out.replace("##[\\", "")


# ---------------------------------------------------------------------------------------- text
# The text format shows what a terminal would act on as the diagnostics quote a source line
# (base/diagnostics.py `visible`); like them, it leaves U+2028 and U+2029, which a terminal (and
# the Actions runner) does not break a line at (tests/language/test_fuzz.py).
TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_text_shows_control_characters_as_pictures(hostile: Path, capsys) -> None:
    out = check(capsys, "text")
    assert raw_controls(out, TERMINAL_CONTROL) == []
    lines = out.split("\n")  # no CR: a terminal's lines
    no_workflow_command(out, lines)
    assert "##[\\error]legacy" in out  # defused as the runner defuses its own markers
    finding = [line for line in lines if " TST961 [error] hostile-message: " in line]
    assert len(finding) == 1  # one line, however many line breaks the file name and message hold
    assert finding[0].startswith("designs/d␛[31m<b>&<script>]]>::error::%0A␇␈␡\ufffd::warning::c1\ufffd2J\u2028::")
    assert "␍␊::error file=x::injected␊.assy:3:9: " in finding[0]
    assert "␋::notice::vt␌::debug::ff␞::group::rs" in finding[0]
    assert any(line.startswith("designs/e␛[31m") and " E006 " in line for line in lines)
    assert any(" TST963 could not run: C␛[31m" in line for line in lines)
    assert any("internal error in plugin `hostile`, rule TST964: " in line for line in lines)


# ---------------------------------------------------------------------------------------- json
def test_json_escapes_every_control_character(hostile: Path, capsys) -> None:
    out = check(capsys, "json")
    assert raw_controls(out) == []
    no_workflow_command(out)
    report = json.loads(out)  # and a JSON reader gets every string back exactly
    assert {i["path"] for i in report["inputs"]} == {f"designs/{FILE}", f"designs/{BROKEN}"}
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["TST961"]["message"] == f"M{TEXT} in T{TEXT}"
    assert "o" + TEXT in by_rule["TST961"]["objects"]
    assert by_rule["TST962"]["waiver"]["reason"] == "R" + TEXT
    assert any("X" + TEXT in problem["message"] for problem in report["internal_errors"])


# ---------------------------------------------------------------------------------------- sarif
def test_sarif_is_valid_and_escapes_every_control_character(hostile: Path, capsys) -> None:
    out = check(capsys, "sarif")
    assert raw_controls(out) == []
    no_workflow_command(out)
    log = json.loads(out)
    jsonschema.validate(log, SARIF_SCHEMA, format_checker=FORMAT_CHECKER)
    jsonschema.validate(log, SARIF_SCHEMA, format_checker=STRICT_CHECKER)
    (run,) = log["runs"]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["TST961"]["message"]["text"] == f"M{TEXT} in T{TEXT} (objects: die and o{TEXT}; count 2)"
    assert by_rule["TST962"]["suppressions"][0]["justification"] == "R" + TEXT
    uri = by_rule["TST961"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("designs/d%1B%5B31m%3Cb%3E%26%3Cscript%3E%5D%5D%3E%3A%3Aerror%3A%3A%250A%07")


# ---------------------------------------------------------------------------------------- junit
def test_junit_is_well_formed_xml_whatever_the_names_hold(hostile: Path, capsys) -> None:
    out = check(capsys, "junit")
    assert raw_controls(out) == []
    no_workflow_command(out)
    root = ET.fromstring(out.split("\n", 1)[1])  # the known bug: a suite's name (the file's) was not escaped

    def xml(text: str) -> str:  # what XML 1.0 and a reader may get: U+FFFD for the rest
        return CONTROL.sub("\ufffd", text)

    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {xml(f"designs/{FILE}"), xml(f"designs/{BROKEN}")}
    cases = {c.get("name"): c for c in suites[xml(f"designs/{FILE}")].findall("testcase")}
    assert {c.get("classname") for c in cases.values()} == {xml(f"designs/{FILE}")}
    failure = cases["TST961 hostile-message"].find("failure")
    assert failure is not None and failure.get("message") == xml(f"M{TEXT} in T{TEXT}")
    assert "<b>&<script>]]>" in failure.get("message", "")  # markup is text, escaped by the XML writer
    assert xml(f"objects: die, o{TEXT}") in (failure.text or "")
    assert xml(f"(waived: R{TEXT})") in (cases["TST962 waived-hostile"].findtext("system-out") or "")
    skipped = cases["TST963 hostile-reason"].find("skipped")
    assert skipped is not None and skipped.get("message") == xml(f"could not run: C{TEXT}")
    crash = cases["TST964 hostile-crash"].find("error")
    assert crash is not None and "::notice::vt" in (crash.text or "")  # a line of its own, defused, read back
    language = suites[xml(f"designs/{BROKEN}")].find("testcase/error")
    assert language is not None and language.get("type") == "E006"
    for element in root.iter():
        for value in [element.text or "", element.tail or "", *element.attrib.values()]:
            assert raw_controls(value) == [], element.tag


# ---------------------------------------------------------------------------------------- github
# a line the format writes: a command with escaped properties (no raw `:` or `,`), then the message
COMMAND = re.compile(
    r"::(error|warning|notice)( (file|line|col|title)=[^:,\r\n]*(,(file|line|col|title)=[^:,\r\n]*)*)?::"
)
# What the runner or the log would act on: line breaks, escape sequences (ESC, C1), bidi controls.
# The runner has no escape for them, so they are shown as pictures. The other C0 controls and DEL
# (BEL, BS here) do nothing in an annotation or the log, and pass as they are (test_formats_ci.py).
ACTIVE = re.compile("[\x0b\x0c\x1b\x1c-\x1f\x80-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_github_writes_one_command_a_finding_and_nothing_else(hostile: Path, capsys) -> None:
    out = check(capsys, "github")
    assert ACTIVE.findall(out) == []
    lines = out.splitlines()  # every line break a reader might honour, not only LF
    assert len(lines) == len(out.split("\n")) - 1
    *commands, summary = lines
    assert summary.startswith("assemblint: 1 language error; 1 internal error; 1 error, 0 warnings, 0 info (1 waived")
    assert all(COMMAND.match(line) for line in commands), commands
    kinds = sorted(line.split(" ", 1)[0] for line in commands)
    # E006, TST961 and TST964's crash; TST963 could not run; TST962 is waived, so not written
    assert kinds == ["::error", "::error", "::error", "::warning"]
    (finding,) = (line for line in commands if "title=TST961 hostile-message::" in line)
    assert finding.startswith("::error file=designs/d␛[31m<b>&<script>]]>%3A%3Aerror%3A%3A%250A")
    assert "%0D%0A%3A%3Aerror file=x%3A%3Ainjected%0A.assy,line=3,col=9," in finding
    assert "::M\u241b[31m<b>&<script>]]>::error::%250A" in finding
    assert "\ufffd::stop-commands::tok\ufffd" in finding
    # what the annotation says, once the runner has unescaped it (toolkit's command.ts)
    head = COMMAND.match(finding)
    assert head is not None
    data = finding[head.end() :]
    said = data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    assert said == ACTIVE.sub(lambda m: picture(m[0]), f"M{TEXT} in T{TEXT}")


# ---------------------------------------------------------------------------------------- gitlab
def test_gitlab_escapes_every_control_character(hostile: Path, capsys) -> None:
    out = check(capsys, "gitlab")
    assert raw_controls(out) == []
    no_workflow_command(out)
    issues = json.loads(out)
    assert [(i["check_name"], i["severity"]) for i in issues] == [("E006", "blocker"), ("TST961", "critical")]
    assert issues[1]["description"] == f"TST961 hostile-message: M{TEXT} in T{TEXT}"
    assert issues[1]["location"]["path"] == f"designs/{FILE}"
    assert issues[0]["location"]["path"] == f"designs/{BROKEN}"


# ---------------------------------------------------------------------------------------- html
def test_html_keeps_markup_as_text_and_shows_control_characters(hostile: Path, capsys) -> None:
    out = check(capsys, "html")
    assert raw_controls(out) == []
    assert "<b>" not in out and "]]>" not in out
    assert out.count("<script") == 1 and out.count("</script>") == 1  # the page's own, at its end
    assert out.rindex("<script>") > out.rindex("</main>")
    assert "&lt;b&gt;&amp;&lt;script&gt;]]&gt;" in out
    assert "M␛[31m&lt;b&gt;&amp;&lt;script&gt;" in out
    assert "&lt;/script&gt;&amp;amp;" in out  # the title's `</script>&amp;`, as text
