"""JUnit XML, the test-report format every CI system can show (Jenkins, GitLab, Azure, CircleCI…).

Design rules map onto tests: one `testsuite` per input file, one `testcase` per rule that ran on
it, a `failure` per finding that fails the run (at or above `--fail-on`, not waived, not in the
baseline). Everything else the text format shows has a place too, so nothing passes silently:
findings that do not fail go to the testcase's `system-out`, rules that could not run are
`skipped` with the reason, language errors are `error` elements of a `language errors` testcase,
and internal errors are `error` elements on the crashing rule's testcase (or, when no rule is
named, in a suite named `assemblint`). Built with ElementTree, so markup is escaped by the
library; what XML 1.0 cannot hold even escaped (most control characters), and what a reader
must not receive raw (DEL, C1, U+2028, bidi controls: escaping.py), becomes U+FFFD in every
attribute and text, suite names (file names) included, so that the document stays well formed
(GitLab drops a whole test report that is not). The text can carry a design's text on lines of
its own, so a line that starts with `:`, and every `##[`, are written with a character reference
(`&#58;`, `&#91;`): no CI runner reads them as workflow commands, an XML reader gets the same text.

Counts follow the Surefire convention: a testcase is counted once, as an error if it has an
`error`, else as a failure if it has a `failure`, else skipped if skipped; so
`tests = passed + failures + errors + skipped` even when one testcase carries several findings.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from assemblint.base.diagnostics import render
from assemblint.checking.engine import RuleOutcome
from assemblint.checking.findings import Finding
from assemblint.checking.problems import PluginProblem
from assemblint.report.formats.escaping import LEGACY_COMMAND, replaced
from assemblint.report.formats.sarif import shown_path
from assemblint.report.report import Report

LANGUAGE_ERRORS = "language errors"
INTERNAL = "assemblint"

# Characters XML 1.0 cannot hold at all, escaped or not (controls and surrogates are escaping.py's).
_NOT_XML = re.compile("[\ufffe\uffff]")
# a line of the document that starts with `:` after white space is inside a text (a tag starts with `<`)
_COMMAND_LINE = re.compile(r"^([^\S\n]*):", re.MULTILINE)


def _clean(text: str) -> str:
    """Text XML 1.0 can hold and a reader may see: tab and line feed kept, every other control
    character, DEL, C1, separators, bidi controls, surrogates and U+FFFE/U+FFFF as U+FFFD."""
    return _NOT_XML.sub("\ufffd", replaced(text, keep="\t\n"))


def _clean_tree(root: ET.Element) -> None:
    """Every attribute and text of the document cleaned (`_clean`), whatever put it there."""
    for element in root.iter():
        element.attrib = {key: _clean(value) for key, value in element.attrib.items()}
        if element.text:
            element.text = _clean(element.text)
        if element.tail:
            element.tail = _clean(element.tail)


@dataclass
class _Case:
    name: str
    classname: str
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (message, type, text)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    skipped: str | None = None
    out: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.errors:
            return "error"
        if self.failures:
            return "failure"
        return "skipped" if self.skipped is not None else "passed"


def _status_on(path: str, outcomes: list[RuleOutcome]) -> str | None:
    """What a rule did on one file: its own outcome when the outcome names the file; otherwise the
    outcomes that name no file (the engine records a path only for could-not-run), which are the
    same for every design unless a rule crashed on one of them."""
    own = [o.status for o in outcomes if o.path == path]
    statuses = own or [o.status for o in outcomes if not o.path]
    for status in ("crashed", "could-not-run", "ran"):
        if status in statuses:
            return status
    return None


def _finding_text(finding: Finding, path: str) -> str:
    loc = finding.location
    lines = [f"{path}:{loc.line}:{loc.column}"]
    if finding.object_names:
        lines.append("objects: " + ", ".join(finding.object_names))
    lines.append(f"count: {finding.count}")
    return "\n".join(lines)


def _not_failing_line(finding: Finding, report: Report, path: str) -> str:
    loc = finding.location
    if finding.waived:
        reason = (finding.waiver or {}).get("reason")
        why = f"waived: {reason}" if reason else "waived"
    elif finding.baseline:
        why = "in baseline"
    else:
        why = f"below --fail-on {report.fail_on}"
    return f"{path}:{loc.line}:{loc.column}: {finding.rule} [{finding.severity.value}] {finding.message} ({why})"


def write(report: Report) -> str:
    """The report as JUnit XML: `<testsuites>` with a `<testsuite>` per file."""
    report.sort()
    order = {rule.id: i for i, rule in enumerate(report.rules)}
    names = {rule.id: rule.name for rule in report.rules}
    hashes: dict[str, str] = {}
    suites: dict[str, dict[str, _Case]] = {}  # shown path -> testcase name -> case
    raw_paths: dict[str, list[str]] = {}  # shown path -> the paths the report uses for it

    def suite(path: str) -> dict[str, _Case]:
        shown = shown_path(path)
        if path not in raw_paths.setdefault(shown, []):
            raw_paths[shown].append(path)
        return suites.setdefault(shown, {})

    def case(path: str, rule_id: str, rule_name: str | None = None) -> _Case:
        cases = suite(path)
        name = f"{rule_id} {rule_name or names.get(rule_id, '')}".strip()
        return cases.setdefault(name, _Case(name, shown_path(path)))

    for path, digest in report.inputs:
        suite(path)
        hashes.setdefault(shown_path(path), digest)
    for path in sorted(report.unchecked):
        suite(path)
    # the files rules ran on: every input that could be read (a design or a file it imports)
    checked = [path for path, _ in report.inputs if path not in report.unchecked]
    for outcomes in report.outcomes.values():
        checked += [o.path for o in outcomes if o.path and o.path not in checked and o.path not in report.unchecked]

    # language errors: one testcase per file that has them (or that could not be read because of them)
    for diagnostic in report.errors:
        path = diagnostic.location.path
        testcase = case(path, LANGUAGE_ERRORS, "")
        testcase.errors.append((f"{diagnostic.code} {diagnostic.message}", diagnostic.code, render(diagnostic)))
    for path in sorted(report.unchecked):
        testcase = case(path, LANGUAGE_ERRORS, "")
        if not testcase.errors:
            message = "not checked: language errors in the files it reads"
            testcase.errors.append((message, "language-error", message))

    # rules: a testcase on every file they ran on (a checked design), skipped where they could not run
    problems_by_rule: dict[str, list[PluginProblem]] = {}
    for problem in report.problems:
        problems_by_rule.setdefault(problem.rule, []).append(problem)
    attached: set[int] = set()
    for rule in report.rules:
        outcomes = report.outcomes.get(rule.id, [])
        for path in checked:
            status = _status_on(path, outcomes)
            if status is None:
                continue
            testcase = case(path, rule.id)
            if status == "could-not-run":
                reasons = sorted(
                    {o.reason for o in outcomes if o.status == status and o.path in (path, "") and o.reason}
                )
                testcase.skipped = "could not run" + (": " + "; ".join(reasons) if reasons else "")
            elif status == "crashed":
                found = problems_by_rule.get(rule.id, [])
                for problem in found:
                    attached.add(id(problem))
                    testcase.errors.append(
                        (f"internal error in plugin `{problem.plugin}`", "internal-error", problem.message)
                    )
                if not found:
                    reasons = sorted({o.reason for o in outcomes if o.status == "crashed"}) or ["the rule raised"]
                    testcase.errors.append(("internal error", "internal-error", "; ".join(reasons)))

    # findings: a failure if it fails the run, otherwise a line of system-out
    for finding in report.findings:
        path = finding.location.path
        testcase = case(path, finding.rule, finding.name)
        shown = shown_path(path)
        if report.failing(finding):
            testcase.failures.append((finding.message, finding.severity.value, _finding_text(finding, shown)))
        else:
            testcase.out.append(_not_failing_line(finding, report, shown))

    # internal errors no rule testcase took: their own suite
    for problem in report.problems:
        if id(problem) in attached:
            continue
        name = f"internal error in plugin {problem.plugin}" + (f", rule {problem.rule}" if problem.rule else "")
        cases = suites.setdefault(INTERNAL, {})
        testcase = cases.setdefault(name, _Case(name, INTERNAL))
        testcase.errors.append(
            (problem.message.splitlines()[0] if problem.message else name, "internal-error", problem.message)
        )

    root = ET.Element("testsuites", {"name": "assemblint"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for shown in sorted(suites, key=lambda s: (s == INTERNAL, s)):
        ordered = sorted(
            suites[shown].values(),
            key=lambda c: (c.name != LANGUAGE_ERRORS, order.get(c.name.split(" ")[0], len(order)), c.name),
        )
        counts = {
            "tests": len(ordered),
            "failures": sum(c.status == "failure" for c in ordered),
            "errors": sum(c.status == "error" for c in ordered),
            "skipped": sum(c.status == "skipped" for c in ordered),
        }
        for key, value in counts.items():
            totals[key] += value
        element = ET.SubElement(root, "testsuite", {"name": shown, **{k: str(v) for k, v in counts.items()}})
        if shown in hashes:
            properties = ET.SubElement(element, "properties")
            ET.SubElement(properties, "property", {"name": "sha256", "value": hashes[shown]})
        for testcase in ordered:
            _case_element(element, testcase)
    root.attrib.update({k: str(v) for k, v in totals.items()})
    _clean_tree(root)
    ET.indent(root)
    document = ET.tostring(root, encoding="unicode")
    document = _COMMAND_LINE.sub(r"\1&#58;", document.replace(LEGACY_COMMAND, "##&#91;"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + document + "\n"


def _case_element(parent: ET.Element, testcase: _Case) -> None:
    element = ET.SubElement(parent, "testcase", {"name": testcase.name, "classname": testcase.classname})
    for message, kind, text in testcase.errors:
        _child(element, "error", {"message": message, "type": kind}, text)
    for message, kind, text in testcase.failures:
        _child(element, "failure", {"message": message, "type": kind}, text)
    if testcase.skipped is not None and not testcase.errors and not testcase.failures:
        _child(element, "skipped", {"message": testcase.skipped}, None)
    if testcase.out:
        _child(element, "system-out", {}, "\n".join(testcase.out))


def _child(parent: ET.Element, tag: str, attributes: dict[str, Any], text: str | None) -> None:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text:
        element.text = text
