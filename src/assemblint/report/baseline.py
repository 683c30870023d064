"""Baselines and report diffs: what is new since a reviewed JSON report, what was fixed.

A finding's fingerprint (findings.py) is a hash of its rule, design path, cause and object names:
no line numbers, no message text, so it survives edits elsewhere in the file. `--baseline
REPORT.json` marks findings whose fingerprint the report already has (they stay in the report,
marked `baseline`, and do not fail the run); `assemblint diff OLD NEW` lists new, fixed and
unchanged findings between two reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assemblint.base.inputs import InputFileError, read_json, shown_path
from assemblint.base.limits import DEFAULT_MAX_FILE_SIZE
from assemblint.report.formats.escaping import defused, shown
from assemblint.report.report import SCHEMA_ID


class BaselineError(Exception):
    """A report file that cannot be used as a baseline: exit 2 with the file and why."""


def read_report(path: str | Path, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> dict[str, Any]:
    """A JSON report written by `assemblint check --format json`, read as carefully as a design
    (base/inputs.py: a regular file only, at most `max_bytes`, UTF-8 with or without a byte-order
    mark, errors at their line and column) and checked for the shape `diff` and `--baseline` read."""
    where = shown_path(path)
    try:
        data = read_json(path, "the report", max_bytes)
    except InputFileError as error:
        raise BaselineError(str(error)) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID or not isinstance(data.get("findings"), list):
        raise BaselineError(f'{where}: not an assemblint report (expected "schema": "{SCHEMA_ID}")')
    for n, finding in enumerate(data["findings"]):
        if not isinstance(finding, dict) or not isinstance(finding.get("fingerprint"), str):
            raise BaselineError(f"{where}: finding {n + 1} has no fingerprint; write the report with --format json")
        if not all(k in finding for k in ("rule", "severity", "message", "location")):
            raise BaselineError(f"{where}: finding {n + 1} lacks rule, severity, message or location")
        wrong = _wrong_shape(finding)
        if wrong:
            raise BaselineError(f"{where}: finding {n + 1}: {wrong}; write the report with --format json")
    return data


def _wrong_shape(finding: dict[str, Any]) -> str | None:
    """What is not as a JSON report writes it in the fields a diff shows, or None."""
    for key in ("rule", "severity", "message"):
        if not isinstance(finding[key], str):
            return f"`{key}` must be text, got {type(finding[key]).__name__}"
    location = finding["location"]
    if not isinstance(location, dict):
        return f"`location` must be an object with path, line and column, got {type(location).__name__}"
    if not isinstance(location.get("path"), str):
        return "`location.path` must be text"
    for key in ("line", "column"):
        value = location.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            return f"`location.{key}` must be a whole number"
    return None


def fingerprints(path: str | Path, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> set[str]:
    """The fingerprints of every finding in a JSON report (`--baseline`)."""
    return {f["fingerprint"] for f in read_report(path, max_bytes)["findings"]}


@dataclass
class Diff:
    new: list[dict[str, Any]]
    fixed: list[dict[str, Any]]
    unchanged: list[dict[str, Any]]


def diff(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """Findings of `new` not in `old` (by fingerprint), of `old` not in `new`, and of both."""
    before = {f["fingerprint"]: f for f in old["findings"]}
    after = {f["fingerprint"]: f for f in new["findings"]}
    return Diff(
        new=[f for k, f in after.items() if k not in before],
        fixed=[f for k, f in before.items() if k not in after],
        unchanged=[f for k, f in after.items() if k in before],
    )


def line(finding: dict[str, Any]) -> str:
    """`d.assy:4:8: XX003 [error] message`: a finding of a JSON report as one line, shown as the text
    format shows it (escaping.py): a report's strings are someone else's text, and a line feed or an
    escape sequence in them must not start a line or reach a terminal."""
    loc = finding["location"]
    text = (
        f"{loc['path']}:{loc['line']}:{loc['column']}: {finding['rule']} [{finding['severity']}] {finding['message']}"
    )
    return defused(shown(text))
