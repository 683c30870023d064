"""The core output formats, text and JSON, registered through `assemblint_formats` like any other."""

from __future__ import annotations

from collections import Counter

from assemblint.base.diagnostics import Diagnostic, render
from assemblint.report.formats.escaping import defused, has_unsafe, json_text, shown
from assemblint.report.report import Report

_COLOURS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_RESET = "\033[0m"


def _shown(text: str) -> str:
    """Text from a design or a plugin as the text format shows it: as the diagnostics quote a source
    line (`visible`), a C0 control as its picture (ESC as ␛, LF as ␊), DEL as ␡, C1 as U+FFFD;
    and the bidi controls, which would reorder the line, as U+FFFD. The line and paragraph
    separators stay, as in a quoted line: a terminal does not break a line at them."""
    return shown(text, keep="\u2028\u2029")


def _could_not_run(report: Report) -> list[str]:
    """`d.assy: XX002, XX003 could not run: the design declares no process steps`: never a silent pass."""
    by_cause: dict[tuple[str, str], list[str]] = {}
    for rule_id, outcomes in report.outcomes.items():
        for outcome in outcomes:
            if outcome.status == "could-not-run":
                by_cause.setdefault((outcome.path, outcome.reason), []).append(rule_id)
    return [
        _shown(f"{path}: {', '.join(sorted(ids))} could not run: {reason}")
        for (path, reason), ids in sorted(by_cause.items())
    ]


def rendered(diagnostic: Diagnostic) -> list[str]:
    """A language error as `render` writes it, its paths shown as the rest of the line: the message
    and the quoted line are already shown with pictures, the paths are as the file system has them."""
    out = render(diagnostic)
    paths = {diagnostic.location.path, *(note.location.path for note in diagnostic.notes)}
    for path in sorted(paths, key=len, reverse=True):
        if has_unsafe(path):
            out = out.replace(path, _shown(path))
    return [_shown(line) for line in out.split("\n")]


def text(report: Report) -> str:
    """One line a finding, then a summary line per file; language errors with their caret.

    Everything from a design or a plugin (paths, names, messages, reasons) is shown as the
    diagnostics show a source line (`_shown`): a control character as its picture (ESC as ␛, LF
    as ␊), so nothing reaches the terminal raw and a finding stays on one line; and no line is a
    CI workflow command (`defused`: a `\\` before a leading `::`, after `##[`)."""
    colour = report.settings.colour
    report.sort()
    lines: list[str] = []
    for diagnostic in report.errors:
        lines.extend(rendered(diagnostic))
    for finding in report.findings:
        sev = finding.severity.value
        tag = f"[{sev}]"
        if colour:
            tag = f"{_COLOURS[sev]}{tag}{_RESET}"
        status = " (waived)" if finding.waived else " (baseline)" if finding.baseline else ""
        where = _shown(f"{finding.location}: {finding.rule}")
        lines.append(f"{where} {tag} {_shown(f'{finding.name}: {finding.message}')}{status}")
    lines.extend(_could_not_run(report))
    for problem in report.problems:
        who = _shown(f"plugin `{problem.plugin}`" + (f", rule {problem.rule}" if problem.rule else ""))
        # its own lines (a traceback's), each shown: no other line break (CR, VT, FF, NEL…) breaks one
        first, *rest = problem.message.replace("\r\n", "\n").removesuffix("\n").split("\n")
        lines.append(f"assemblint: internal error in {who}: {_shown(first)}")
        lines.extend("    " + _shown(line) for line in rest)
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
            lines.append(f"{_shown(path)}: not checked: {why}")
            continue
        lines.append(
            f"{_shown(path)}: {_plural(counter['error'], 'error')}, {_plural(counter['warning'], 'warning')}, "
            f"{counter['info']} info ({counter['waived']} waived"
            + (f", {counter['baseline']} in baseline" if counter["baseline"] else "")
            + ")"
        )
    if report.stats is not None:
        lines.extend(stats_lines(report))
    return "\n".join(defused(line) for line in lines) + "\n"


def stats_lines(report: Report) -> list[str]:
    assert report.stats is not None
    out = []
    for entry in report.stats["files"]:
        s = entry["seconds"]
        out.append(
            f"{_shown(entry['path'])}: {entry['pads']:,} pads, {entry['masses']:,} masses, "
            f"{entry['electrical_nodes']:,} electrical nodes; parse {s['parse']:.3f} s, build {s['build']:.3f} s, "
            f"rules {s['rules']:.3f} s"
        )
        for rule_id, r in sorted(entry["rules"].items(), key=lambda kv: -kv[1]["seconds"]):
            out.append(_shown(f"    {rule_id:<8} {r['seconds']:.4f} s  {r['findings']} finding(s)"))
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def json_format(report: Report) -> str:
    """The report as JSON: every string as it is, with the characters a terminal or a script must
    not receive raw escaped (`\\u001b`, `\\u2028`; escaping.py)."""
    return json_text(report.to_json())
