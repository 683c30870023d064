"""GitLab Code Quality JSON: findings in the merge request's Code Quality widget and diff.

GitLab reads a list of issues, each with `description`, `check_name`, `fingerprint`, `severity`
and `location.path` (relative to the repository root) with `location.lines.begin`. It compares
issues between the source and target branches by fingerprint and shows only the first issue of a
fingerprint, so the finding's fingerprint (which does not depend on line numbers) is used, made
unique when two issues would share it. Waived and baseline findings are accepted and left out.
Language errors are issues too (`check_name` is the E-code): a design that cannot be read is not
a clean one. Internal errors and rules that could not run have no place in the format; the exit
code (3) and the other formats report them.

Severities: error -> `critical`, warning -> `minor`, info -> `info`; a language error -> `blocker`
(nothing in that design was checked).

The JSON escapes every control character, separator and bidi control (escaping.py), so the paths
and descriptions GitLab reads are the design's exactly, and nothing reaches a log raw.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from assemblint.base.diagnostics import Location
from assemblint.report.formats.escaping import json_text
from assemblint.report.formats.sarif import shown_path
from assemblint.report.report import Report

SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}
LANGUAGE_ERROR = "blocker"


def _issue(check: str, description: str, fingerprint: str, severity: str, location: Location) -> dict[str, Any]:
    return {
        "type": "issue",
        "check_name": check,
        "description": description,
        "fingerprint": fingerprint,
        "severity": severity,
        "location": {"path": shown_path(location.path), "lines": {"begin": max(location.line, 1)}},
    }


def _unique(fingerprint: str, used: set[str]) -> str:
    """The fingerprint, or when it is taken, a hash of it and how many times it was seen."""
    candidate, n = fingerprint, 1
    while candidate in used:
        n += 1
        candidate = hashlib.sha256(f"{fingerprint}:{n}".encode()).hexdigest()[:20]
    used.add(candidate)
    return candidate


def write(report: Report) -> str:
    """The report as a Code Quality JSON list: language errors, then findings in report order."""
    report.sort()
    used: set[str] = set()
    issues: list[dict[str, Any]] = []
    for diagnostic in report.errors:
        key = json.dumps([diagnostic.code, shown_path(diagnostic.location.path), diagnostic.message])
        fingerprint = _unique(hashlib.sha256(key.encode("utf-8")).hexdigest()[:20], used)
        description = f"{diagnostic.code} {diagnostic.message}"
        issues.append(_issue(diagnostic.code, description, fingerprint, LANGUAGE_ERROR, diagnostic.location))
    for finding in report.findings:
        if finding.waived or finding.baseline:
            continue
        description = f"{finding.rule} {finding.name}: {finding.message}"
        severity = SEVERITIES[finding.severity.value]
        fingerprint = _unique(finding.fingerprint, used)
        issues.append(_issue(finding.rule, description, fingerprint, severity, finding.location))
    return json_text(issues)
