"""GitHub Actions workflow commands: findings as annotations on the pull request's diff, with no
upload step and no permissions (print them from the job and GitHub does the rest).

One `::error`/`::warning`/`::notice` line a finding, language error, internal error and rule that
could not run, then a summary line that is not a command. Waived and baseline findings are not
annotated (they are accepted; annotating them would bury the new ones, and GitHub shows only a
limited number of annotations a step); the summary line counts them. Values are escaped as the
Actions runner unescapes them: `%`, CR and LF in the message; also `:` and `,` in properties.

The runner has no escape for anything else, so what it or the log would act on is shown as the
text format shows it (escaping.py): the line breaks other than CR and LF (VT, FF, FS to US, NEL,
U+2028, U+2029), which a reader of the log may break a line at, so that no `::` of a message ever
starts a line; ESC and the C1 controls, which start the escape sequences the log renders; and the
bidi controls, which reorder what the annotation shows. A command line is one line, so the
runner never reads the legacy `##[` form in it.
"""

from __future__ import annotations

import re
from collections import Counter

from assemblint.base.diagnostics import Location
from assemblint.report.formats.escaping import picture
from assemblint.report.formats.sarif import shown_path
from assemblint.report.report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}

# what the runner or the log acts on and the runner has no escape for (lone surrogates: no UTF-8 holds them)
_ACTIVE = re.compile("[\x0b\x0c\x1b\x1c-\x1f\x80-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(text: str) -> str:
    return _ACTIVE.sub(lambda m: picture(m[0]), text)


def escape_data(text: str) -> str:
    """A message: `%` first, so the escapes it introduces are not escaped again; then CR and LF.
    The other line breaks, ESC, C1 and bidi controls, which the runner cannot escape, are shown."""
    return _shown(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): as a message, and `:` and `,`, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, location: Location | None = None, title: str | None = None) -> str:
    """`::kind file=…,line=…,col=…,title=…::message`, every value escaped."""
    properties: list[tuple[str, str]] = []
    if location is not None:
        properties.append(("file", shown_path(location.path)))
        if location.line >= 1:
            properties.append(("line", str(location.line)))
            if location.column >= 1:
                properties.append(("col", str(location.column)))
    if title:
        properties.append(("title", title))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{kind}{' ' + joined if joined else ''}::{escape_data(message)}"


def write(report: Report) -> str:
    """Workflow command lines, then `assemblint: …` with the counts and the exit code."""
    report.sort()
    lines: list[str] = []
    for diagnostic in report.errors:
        lines.append(command("error", diagnostic.message, diagnostic.location, f"{diagnostic.code} language error"))
    for finding in report.findings:
        if finding.waived or finding.baseline:
            continue
        title = f"{finding.rule} {finding.name}"
        lines.append(command(COMMANDS[finding.severity.value], finding.message, finding.location, title))
    by_cause: dict[tuple[str, str], list[str]] = {}
    for rule_id, outcomes in report.outcomes.items():
        for outcome in outcomes:
            if outcome.status == "could-not-run":
                by_cause.setdefault((outcome.path, outcome.reason), []).append(rule_id)
    for (path, reason), ids in sorted(by_cause.items()):
        where = Location(path, 0, 0) if path else None
        lines.append(command("warning", f"{', '.join(sorted(ids))} could not run: {reason}", where, "could not run"))
    for problem in report.problems:
        who = f"plugin `{problem.plugin}`" + (f", rule {problem.rule}" if problem.rule else "")
        lines.append(command("error", f"internal error in {who}: {problem.message}", None, "assemblint internal error"))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    counts = Counter(f.bucket for f in report.findings)
    parts = []
    if report.errors:
        parts.append(_plural(len(report.errors), "language error"))
    if report.problems:
        parts.append(_plural(len(report.problems), "internal error"))
    parts.append(
        f"{_plural(counts['error'], 'error')}, {_plural(counts['warning'], 'warning')}, {counts['info']} info "
        f"({counts['waived']} waived, {counts['baseline']} in baseline)"
    )
    return f"assemblint: {'; '.join(parts)}; exit code {report.exit_code}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
