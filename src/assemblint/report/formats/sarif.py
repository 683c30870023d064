"""SARIF 2.1.0, the format code-scanning services (GitHub code scanning above all) read.

GitHub rejects SARIF that a plain schema check accepts, so this writer is stricter than the
schema: artifact URIs are relative to the folder assemblint ran in (`%SRCROOT%`, the repository
root in CI), with forward slashes and percent-encoding; every result has `partialFingerprints`
built from the finding's fingerprint, which does not depend on line numbers, so an alert follows
its finding when unrelated lines move. Output is deterministic: no timestamps, no absolute paths
of files inside the working folder, results in the report's sorted order.

Language errors (E001–E010) are results too, with the code as `ruleId` and a rule descriptor of
their own, so a design that cannot be read shows up where its findings would. Internal errors and
rules that could not run are `invocations[0].toolExecutionNotifications`: they have no location
in the design. `relative_path` and `shown_path` are shared by the other CI writers.

Text is the design's and the plugins' exactly: the JSON escapes every control character, separator
and bidi control (escaping.py). A URI percent-encodes the path's bytes, those of a file name that
is not UTF-8 included.
"""

from __future__ import annotations

import hashlib
import json
import os
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from assemblint.base.diagnostics import Diagnostic, Location
from assemblint.checking.findings import Finding, objects_phrase
from assemblint.checking.rules import Rule
from assemblint.report.formats.escaping import json_text
from assemblint.report.report import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "assemblint/v1"

LEVELS = {"error": "error", "warning": "warning", "info": "note"}

# The language errors as rule descriptors: (name, what), after LANGUAGE.md's table.
LANGUAGE_ERRORS: dict[str, tuple[str, str]] = {
    "E001": ("syntax-error", "Syntax error: the text is not a statement the language knows."),
    "E002": ("unknown-name", "Reference to a name that is not declared."),
    "E003": ("unit-error", "Wrong dimension or unknown unit."),
    "E004": ("duplicate-name", "A name declared twice."),
    "E005": ("zip-length-mismatch", "Zipped arrays of different lengths."),
    "E006": ("import-error", "A file or import not found, outside the root folder, or in a cycle."),
    "E007": ("bad-composition", "A composition that does not sum to 100 ± 0.5 %."),
    "E008": ("impossible-value", "An impossible value: solidus above liquidus, a range upside down, a negative size."),
    "E009": ("limit-exceeded", "A limit exceeded, such as the number of pads and masses."),
    "E010": ("unknown-property", "Unknown property, kind, type or role."),
}


# ------------------------------------------------------------------------------------------ paths
def relative_path(path: str, base: Path | None = None) -> str | None:
    """`path` relative to `base` (default: the current folder) with forward slashes (`.` for the
    folder itself), or None when it lies outside `base`. `.` and `..` are resolved, links are not."""
    folder = os.path.abspath(base if base is not None else Path.cwd())
    absolute = os.path.abspath(os.path.join(folder, path))
    try:
        inside = os.path.commonpath([folder, absolute]) == folder
    except ValueError:  # another drive on Windows
        return None
    if not inside:
        return None
    return Path(os.path.relpath(absolute, folder)).as_posix()


def shown_path(path: str, base: Path | None = None) -> str:
    """The path as the CI writers show it: relative with forward slashes, else absolute (forward slashes)."""
    relative = relative_path(path, base)
    if relative is not None:
        return relative
    return Path(os.path.abspath(path)).as_posix()


def artifact_location(path: str, base: Path | None = None) -> dict[str, Any]:
    """A relative, percent-encoded URI against `%SRCROOT%`; a `file:` URI for a file outside it."""
    relative = relative_path(path, base)
    if relative is not None:  # the bytes the file system has: a name that is not UTF-8 as it is
        return {"uri": quote(os.fsencode(relative), safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(os.path.abspath(path)).as_uri()}


# ------------------------------------------------------------------------------------------ rules
def _doc(rule: Rule) -> str:
    return textwrap.dedent(rule.doc).strip() or rule.summary


def _help_text(rule: Rule) -> str:
    parts = [_doc(rule)]
    params = rule.default_params()
    if params:
        parts.append("Parameters (defaults): " + ", ".join(f"{k} = {v}" for k, v in params.items()) + ".")
    if rule.source:
        parts.append(f"Source: {rule.source}.")
    return "\n\n".join(parts)


def _help_markdown(rule: Rule) -> str:
    parts = [f"**{rule.id} {rule.name}** ({rule.severity.value})", _doc(rule)]
    params = rule.default_params()
    if params:
        parts.append("Parameters (defaults):\n\n" + "\n".join(f"- `{k}` = `{v}`" for k, v in params.items()))
    if rule.source:
        parts.append(f"Source: {rule.source}.")
    return "\n\n".join(parts)


def _project_uri() -> str | None:
    """The project's home page from the installed distribution's metadata, if it declares one."""
    try:
        meta = metadata.metadata("assemblint")
    except metadata.PackageNotFoundError:
        return None
    candidates = [(meta.get_all("Home-page") or [""])[0]]
    candidates += [entry.split(",", 1)[-1].strip() for entry in meta.get_all("Project-URL") or []]
    for candidate in candidates:
        parts = urlsplit(candidate)
        if parts.scheme in ("http", "https") and parts.netloc:
            return candidate
    return None


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "family": rule.family,
        "plugin": rule.plugin,
        "tags": [rule.family, rule.plugin] if rule.plugin else [rule.family],
    }
    if rule.params:
        properties["parameters"] = {k: _plain(v) for k, v in rule.default_params().items()}
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _doc(rule)},
        "help": {"text": _help_text(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity.value]},
        "properties": properties,
    }


def _language_descriptor(code: str) -> dict[str, Any]:
    name, what = LANGUAGE_ERRORS.get(code, ("language-error", "The design could not be read."))
    text = f"{what} The design is not checked (exit code 2)."
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": what},
        "fullDescription": {"text": text},
        "help": {"text": text + " The message says what was expected and where; fix the design and run again."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"family": "E", "plugin": "assemblint", "tags": ["language-error"]},
    }


def _plain(value: Any) -> Any:
    """A parameter default as JSON: numbers, text, booleans, lists; anything else as text."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


# ------------------------------------------------------------------------------------------ results
def _region(location: Location) -> dict[str, Any]:
    line, column = max(location.line, 1), max(location.column, 1)
    region: dict[str, Any] = {"startLine": line, "startColumn": column}
    end_line = location.end_line if location.end_line is not None else line
    if end_line >= line:
        if location.end_line is not None:
            region["endLine"] = end_line
        if location.end_column is not None and (end_line > line or location.end_column >= column):
            region["endColumn"] = location.end_column  # exclusive in both assemblint and SARIF
    return region


def _location(location: Location, artifacts: dict[str, int]) -> dict[str, Any]:
    where = artifact_location(location.path)
    if location.path in artifacts:
        where["index"] = artifacts[location.path]
    return {"physicalLocation": {"artifactLocation": where, "region": _region(location)}}


def suppression_kind(waiver: dict[str, Any] | None, sources: set[str] | frozenset[str] = frozenset()) -> str:
    """`inSource` for a `waive` statement, `external` for a waiver from `--waivers FILE` (or unknown).

    A waiver's `location` names the file it was declared in: a `waive` statement lies in one of
    the files the design read (`sources`, the report's inputs), a waivers file never does.
    """
    where = (waiver or {}).get("location")
    path = where.get("path") if isinstance(where, dict) else None
    return "inSource" if path is not None and path in sources else "external"


def _suppression(finding: Finding, sources: set[str]) -> dict[str, Any]:
    waiver = finding.waiver or {}
    out: dict[str, Any] = {"kind": suppression_kind(finding.waiver, sources), "status": "accepted"}
    reason = waiver.get("reason") or waiver.get("because")
    if reason:
        out["justification"] = str(reason)
    where = waiver.get("location")
    if isinstance(where, dict) and where.get("path"):
        location = Location(
            str(where["path"]),
            int(where.get("line") or 1),
            int(where.get("column") or 1),
            where.get("end_line"),
            where.get("end_column"),
        )
        out["location"] = {
            "physicalLocation": {"artifactLocation": artifact_location(location.path), "region": _region(location)}
        }
    extra = {k: _plain(waiver[k]) for k in ("rule", "on", "by", "until") if waiver.get(k) is not None}
    if extra:
        out["properties"] = extra
    return out


def _message(finding: Finding) -> str:
    """The finding's message; its objects and count are added when the message does not name them."""
    names = finding.object_names
    if not names or any(name in finding.message for name in names):
        return finding.message
    return f"{finding.message.rstrip()} (objects: {objects_phrase(names)}; count {finding.count})"


def _fingerprints(rule: str, fingerprint: str, seen: dict[tuple[str, str], int]) -> dict[str, str]:
    """`primaryLocationLineHash` is `fingerprint:n`, n counting repeats of one rule and fingerprint
    (as GitHub's own line hashes do), so two results never share one; `assemblint/v1` is the bare
    fingerprint that `--baseline` and `diff` use."""
    seen[rule, fingerprint] = n = seen.get((rule, fingerprint), 0) + 1
    return {"primaryLocationLineHash": f"{fingerprint}:{n}", FINGERPRINT_KEY: fingerprint}


def _diagnostic_fingerprint(diagnostic: Diagnostic) -> str:
    key = json.dumps([diagnostic.code, shown_path(diagnostic.location.path), diagnostic.message])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


# ------------------------------------------------------------------------------------------ the log
def write(report: Report) -> str:
    """The report as a SARIF 2.1.0 log with one run."""
    report.sort()
    descriptors = [_rule_descriptor(rule) for rule in report.rules]
    index = {rule.id: i for i, rule in enumerate(report.rules)}
    for code in sorted({d.code for d in report.errors} - set(index)):
        index[code] = len(descriptors)
        descriptors.append(_language_descriptor(code))
    for finding in report.findings:  # a finding of a rule the report does not list still gets a descriptor
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(
                {
                    "id": finding.rule,
                    "name": finding.name,
                    "shortDescription": {"text": finding.name},
                    "defaultConfiguration": {"level": LEVELS[finding.severity.value]},
                }
            )

    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    for path, digest in report.inputs:
        if path not in artifact_index:
            artifact_index[path] = len(artifacts)
            artifacts.append({"location": artifact_location(path), "hashes": {"sha-256": digest}})

    any_baseline = any(f.baseline for f in report.findings)
    sources = {path for path, _ in report.inputs}
    seen: dict[tuple[str, str], int] = {}
    results: list[dict[str, Any]] = []
    for diagnostic in report.errors:
        result: dict[str, Any] = {
            "ruleId": diagnostic.code,
            "ruleIndex": index[diagnostic.code],
            "level": "error",
            "message": {"text": diagnostic.message},
            "locations": [_location(diagnostic.location, artifact_index)],
            "partialFingerprints": _fingerprints(diagnostic.code, _diagnostic_fingerprint(diagnostic), seen),
        }
        if diagnostic.notes:
            result["relatedLocations"] = [
                {"id": i, **_location(note.location, artifact_index), "message": {"text": note.message}}
                for i, note in enumerate(diagnostic.notes, start=1)
            ]
        if any_baseline:
            result["baselineState"] = "new"
        results.append(result)
    for finding in report.findings:
        result = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": LEVELS[finding.severity.value],
            "message": {"text": _message(finding)},
            "locations": [_location(finding.location, artifact_index)],
            "partialFingerprints": _fingerprints(finding.rule, finding.fingerprint, seen),
        }
        if finding.waived:
            result["suppressions"] = [_suppression(finding, sources)]
        if any_baseline:
            result["baselineState"] = "unchanged" if finding.baseline else "new"
        result["properties"] = {
            "objects": finding.object_names,
            "count": finding.count,
            "failing": report.failing(finding),
        }
        results.append(result)

    notifications = _notifications(report, index)
    exit_code = report.exit_code
    invocation: dict[str, Any] = {"executionSuccessful": exit_code not in (2, 3), "exitCode": exit_code}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    driver: dict[str, Any] = {"name": "assemblint", "version": report.version, "semanticVersion": report.version}
    uri = _project_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = descriptors
    tool: dict[str, Any] = {"driver": driver}
    extensions = [{"name": p.name, "version": p.version} for p in sorted(report.plugins, key=lambda p: p.name)]
    if extensions:
        tool["extensions"] = extensions

    run: dict[str, Any] = {
        "tool": tool,
        "invocations": [invocation],
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The folder assemblint ran in (the repository root in CI)."}}
        },
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": {
            "deck": {"name": report.deck_name, "sha256": report.deck_sha256},
            "failOn": report.fail_on,
            "summary": report.summary,
        },
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_text(log)


def _notifications(report: Report, index: dict[str, int]) -> list[dict[str, Any]]:
    """Internal errors (level error) and rules that could not run (level warning): never a silent pass."""
    out: list[dict[str, Any]] = []
    for problem in report.problems:
        who = f"plugin `{problem.plugin}`" + (f", rule {problem.rule}" if problem.rule else "")
        note: dict[str, Any] = {"level": "error", "message": {"text": f"internal error in {who}: {problem.message}"}}
        if problem.rule in index:
            note["associatedRule"] = {"id": problem.rule, "index": index[problem.rule]}
        out.append(note)
    for rule in report.rules:
        for outcome in sorted(report.outcomes.get(rule.id, []), key=lambda o: (o.path, o.reason)):
            if outcome.status != "could-not-run":
                continue
            note = {
                "level": "warning",
                "message": {"text": f"{rule.id} {rule.name} could not run: {outcome.reason}"},
                "associatedRule": {"id": rule.id, "index": index[rule.id]},
            }
            if outcome.path:
                note["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(outcome.path)}}]
            out.append(note)
    return out
