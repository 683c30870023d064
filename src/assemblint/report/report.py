"""The report of one run: findings, language errors, rule statuses, summary and exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assemblint.base.diagnostics import Diagnostic
from assemblint.checking.engine import RuleOutcome
from assemblint.checking.findings import Finding
from assemblint.checking.problems import PluginInfo, PluginProblem
from assemblint.checking.rules import Rule, Severity
from assemblint.checking.waivers import WaiverUse
from assemblint.report.settings import RunSettings

SCHEMA_ID = "assemblint-report/1"
FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class Report:
    version: str
    plugins: list[PluginInfo]
    rules: list[Rule]
    deck_name: str | None = None
    deck_sha256: str | None = None
    inputs: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    outcomes: dict[str, list[RuleOutcome]] = field(default_factory=dict)  # rule id -> one per design
    fail_on: str = "error"
    usage_error: bool = False  # a bad deck or bad options: exit 2
    stats: dict[str, Any] | None = None  # per-phase timings, only with --stats
    titles: dict[str, str] = field(default_factory=dict)
    unchecked: set[str] = field(default_factory=set)  # designs that could not be loaded (language errors)
    designs: list[Any] = field(default_factory=list)  # the checked Assembly models, for writers that draw them
    settings: RunSettings = field(default_factory=RunSettings)  # the deck, waivers file, baseline, colour
    waiver_uses: list[WaiverUse] = field(default_factory=list)  # how each waiver was used, per design

    def sort(self) -> None:
        self.findings.sort(key=Finding.sort_key)
        self.errors.sort(key=lambda d: (d.location.path, d.location.line, d.location.column, d.code))

    def failing(self, finding: Finding) -> bool:
        if finding.waived or finding.baseline or self.fail_on == "never":
            return False
        return finding.severity.rank >= Severity(self.fail_on).rank

    @property
    def exit_code(self) -> int:
        if self.errors or self.usage_error:
            return 2
        if self.problems:
            return 3
        return 1 if any(self.failing(f) for f in self.findings) else 0

    @property
    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0, "waived": 0, "baseline": 0}
        for finding in self.findings:
            counts[finding.bucket] += 1
        counts["exit_code"] = self.exit_code
        return counts

    def rule_statuses(self) -> list[dict[str, Any]]:
        out = []
        for rule in self.rules:
            outcomes = self.outcomes.get(rule.id, [])
            entry: dict[str, Any] = {"id": rule.id, "name": rule.name, "plugin": rule.plugin}
            statuses = [o.status for o in outcomes]
            for status in ("crashed", "could-not-run", "ran", "disabled", "not-selected"):
                if status in statuses:
                    entry["status"] = status
                    reasons = sorted({o.reason for o in outcomes if o.status == status and o.reason})
                    if reasons:
                        entry["reason"] = "; ".join(reasons)
                    break
            else:
                entry["status"] = "could-not-run"
                entry["reason"] = "no design could be loaded"
            printed = [o for o in outcomes if o.output]
            if printed:  # what the rule printed, kept here rather than mixed into any output stream
                many = len({o.path for o in outcomes}) > 1
                entry["output"] = "".join(f"{o.path}:\n{o.output}" if many else o.output for o in printed)
            if self.stats is not None:
                entry["seconds"] = round(sum(o.seconds for o in outcomes), 6)
            out.append(entry)
        return out

    def to_json(self) -> dict[str, Any]:
        self.sort()
        out: dict[str, Any] = {
            "schema": SCHEMA_ID,
            "tool": {
                "name": "assemblint",
                "version": self.version,
                "plugins": [{"name": p.name, "version": p.version} for p in self.plugins],
            },
        }
        if self.deck_name is not None:
            out["deck"] = {"name": self.deck_name, **({"sha256": self.deck_sha256} if self.deck_sha256 else {})}
        out["inputs"] = [{"path": p, "sha256": h} for p, h in self.inputs]
        out["summary"] = self.summary
        out["findings"] = [f.to_json() for f in self.findings]
        out["errors"] = [d.to_json() for d in self.errors]
        if self.problems:
            out["internal_errors"] = [{"rule": p.rule, "plugin": p.plugin, "message": p.message} for p in self.problems]
        out["rules"] = self.rule_statuses()
        if self.stats is not None:
            out["stats"] = self.stats
        return out
