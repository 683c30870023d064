"""Baselines and report diffs: what is new since a reviewed JSON report, what was fixed.

A finding's fingerprint (findings.py) is a hash of its rule, design path, cause and object names:
no line numbers, no message text, so it survives edits elsewhere in the file. `--baseline
REPORT.json` marks findings whose fingerprint the report already has (they stay in the report,
marked `baseline`, and do not fail the run); `assemblint diff OLD NEW` lists new, fixed and
unchanged findings between two reports.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assemblint.report.report import SCHEMA_ID


class BaselineError(Exception):
    """A report file that cannot be used as a baseline: exit 2 with the file and why."""


def read_report(path: str | Path) -> dict[str, Any]:
    """A JSON report written by `assemblint check --format json`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: cannot read the report: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}: not a JSON report ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID or not isinstance(data.get("findings"), list):
        raise BaselineError(f'{path}: not an assemblint report (expected "schema": "{SCHEMA_ID}")')
    for n, finding in enumerate(data["findings"]):
        if not isinstance(finding, dict) or not isinstance(finding.get("fingerprint"), str):
            raise BaselineError(f"{path}: finding {n + 1} has no fingerprint; write the report with --format json")
        if not all(k in finding for k in ("rule", "severity", "message", "location")):
            raise BaselineError(f"{path}: finding {n + 1} lacks rule, severity, message or location")
    return data


def fingerprints(path: str | Path) -> set[str]:
    """The fingerprints of every finding in a JSON report."""
    return {f["fingerprint"] for f in read_report(path)["findings"] if isinstance(f, dict) and "fingerprint" in f}


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
    """`d.assy:4:8: XX003 [error] message`: a finding of a JSON report as one line."""
    loc = finding["location"]
    return (
        f"{loc['path']}:{loc['line']}:{loc['column']}: {finding['rule']} [{finding['severity']}] {finding['message']}"
    )
