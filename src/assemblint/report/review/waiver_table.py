"""The page's table of waivers: every waiver of the run, with how it was used or judged.

The waivers are the designs' `waive` statements and the `--waivers` file. How each was used is
what the engine recorded when it applied them (`Report.waiver_uses`): *used* when it waived
findings, *expired* past its `until` date, *unused* when its rule ran and it matched nothing, *not
judged* when its rule did not run. The note under the table names the review-phase rules that
report expired and unused waivers. No rule is named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assemblint.checking.waivers import WaiverUse
from assemblint.report.report import Report


@dataclass
class WaiverView:
    rule: str
    patterns: list[str]
    reason: str
    by: str | None
    until: str | None
    location: str
    status: str = "unused"  # used | expired | unused | not judged
    waived: int = 0  # findings it waives


def waiver_views(report: Report) -> list[WaiverView]:
    """Every waiver of the run (the designs' `waive` statements and the --waivers file), with how it was used."""
    views: dict[tuple[str, int, str], WaiverView] = {}

    def key_of(location: dict[str, Any] | Any, rule: str) -> tuple[str, int, str]:
        if isinstance(location, dict):
            return (location["path"], location["line"], rule)
        return (location.path, location.line, rule)

    sources = [w for a in report.designs for w in a.waivers] + list(report.settings.file_waivers)
    for waiver in sources:
        views.setdefault(
            key_of(waiver.loc, waiver.rule),
            WaiverView(waiver.rule, list(waiver.patterns), waiver.reason, waiver.by, waiver.until, str(waiver.loc)),
        )
    for finding in report.findings:
        if finding.waiver:
            w = finding.waiver
            loc = w["location"]
            view = views.setdefault(
                key_of(loc, w["rule"]),
                WaiverView(
                    w["rule"],
                    list(w["on"]),
                    w["reason"],
                    w.get("by"),
                    w.get("until"),
                    f"{loc['path']}:{loc['line']}:{loc['column']}",
                ),
            )
            view.waived += 1
    # how each waiver was used, as the engine recorded it on each design (a `--waivers` file's waiver
    # applies to every design: used if any design used it, judged where its rule ran)
    uses: dict[tuple[str, int, str], list[WaiverUse]] = {}
    for use in report.waiver_uses:
        uses.setdefault(key_of(use.waiver.loc, use.waiver.rule), []).append(use)
    for key, view in views.items():
        recorded = uses.get(key, [])
        if view.waived or any(u.matched for u in recorded):
            view.status = "used"
        elif any(u.expired for u in recorded):
            view.status = "expired"
        elif not any(u.rule_ran for u in recorded):
            view.status = "not judged"
    return sorted(views.values(), key=lambda v: (v.location.rsplit(":", 2)[0], _line_of(v.location), v.rule))


def _verdicts(report: Report) -> dict[str, str]:
    """The rules that judge waivers, with the status their findings give a waiver.

    They are the rules of the review phase (they run after the waivers are applied, and see how
    each was used); one reports on a waiver by putting its finding at the waiver's location, and
    the status it gives is the last word of its name: `waiver-expired` -> expired.
    """
    return {rule.id: rule.name.rsplit("-", 1)[-1] for rule in report.rules if rule.phase == "review"}


def verdict_rules(report: Report) -> dict[str, str]:
    """`{status: "ids"}`: which rules give each status, for the note under the waivers table."""
    out: dict[str, list[str]] = {}
    for rule, verdict in _verdicts(report).items():
        out.setdefault(verdict, []).append(rule)
    return {verdict: ", ".join(rules) for verdict, rules in out.items()}


def _line_of(location: str) -> int:
    try:
        return int(location.rsplit(":", 2)[1])
    except (IndexError, ValueError):
        return 0
