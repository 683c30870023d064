"""The core output formats, text and JSON, registered through `assemblint_formats` like any other."""

from __future__ import annotations

import json
from collections import Counter

from assemblint.base.diagnostics import render
from assemblint.report.report import Report

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def _could_not_run(report: Report) -> list[str]:
    """`d.assy: XX002, XX003 could not run: the design declares no process steps`: never a silent pass."""
    by_cause: dict[tuple[str, str], list[str]] = {}
    for rule_id, outcomes in report.outcomes.items():
        for outcome in outcomes:
            if outcome.status == "could-not-run":
                by_cause.setdefault((outcome.path, outcome.reason), []).append(rule_id)
    return [
        f"{path}: {', '.join(sorted(ids))} could not run: {reason}" for (path, reason), ids in sorted(by_cause.items())
    ]


def text(report: Report) -> str:
    """One line a finding, then a summary line per file; language errors with their caret."""
    colour = report.settings.colour
    report.sort()
    lines: list[str] = []
    for diagnostic in report.errors:
        lines.append(render(diagnostic))
    for finding in report.findings:
        sev = finding.severity.value
        tag = f"[{sev}]"
        if colour:
            tag = f"{_COLOURS[sev]}{tag}{_RESET}"
        status = " (waived)" if finding.waived else " (baseline)" if finding.baseline else ""
        lines.append(f"{finding.location}: {finding.rule} {tag} {finding.name}: {finding.message}{status}")
    lines.extend(_could_not_run(report))
    for problem in report.problems:
        who = f"plugin `{problem.plugin}`" + (f", rule {problem.rule}" if problem.rule else "")
        first, *rest = problem.message.splitlines() or [""]
        lines.append(f"assemblint: internal error in {who}: {first}")
        lines.extend("    " + line for line in rest)
    per_file: dict[str, Counter] = {}
    for path, _ in report.inputs:
        per_file.setdefault(path, Counter())
    for finding in report.findings:
        per_file.setdefault(finding.location.path, Counter())[finding.bucket] += 1
    errored = {d.location.path for d in report.errors} | report.unchecked
    for path, counter in per_file.items():
        if path in errored:
            n = sum(1 for d in report.errors if d.location.path == path)
            why = f"{n} language error{'s' if n != 1 else ''}" if n else "language errors in the files it reads"
            lines.append(f"{path}: not checked: {why}")
            continue
        lines.append(
            f"{path}: {_plural(counter['error'], 'error')}, {_plural(counter['warning'], 'warning')}, "
            f"{counter['info']} info ({counter['waived']} waived"
            + (f", {counter['baseline']} in baseline" if counter["baseline"] else "")
            + ")"
        )
    if report.stats is not None:
        lines.extend(stats_lines(report))
    return "\n".join(lines) + "\n"


def stats_lines(report: Report) -> list[str]:
    assert report.stats is not None
    out = []
    for entry in report.stats["files"]:
        s = entry["seconds"]
        out.append(
            f"{entry['path']}: {entry['pads']:,} pads, {entry['masses']:,} masses, "
            f"{entry['electrical_nodes']:,} electrical nodes; parse {s['parse']:.3f} s, build {s['build']:.3f} s, "
            f"rules {s['rules']:.3f} s"
        )
        for rule_id, r in sorted(entry["rules"].items(), key=lambda kv: -kv[1]["seconds"]):
            out.append(f"    {rule_id:<8} {r['seconds']:.4f} s  {r['findings']} finding(s)")
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def json_format(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
