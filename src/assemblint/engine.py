"""The engine: run the selected rules on a design, isolate failures, aggregate findings.

It knows no rule: rules come from the plugin host, settings from the deck. Each rule runs once
per design with its own context; a rule that raises is recorded with its plugin and id, and
the other rules still run.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .context import CannotRun, RuleContext
from .deck import Deck
from .findings import Finding, aggregate
from .model import Assembly
from .plugin_host import PluginProblem
from .rules import Rule


@dataclass
class RuleOutcome:
    rule: Rule
    status: str  # ran | disabled | not-selected | could-not-run | crashed
    reason: str = ""
    seconds: float = 0.0
    findings: int = 0
    path: str = ""  # the design it ran on


@dataclass
class DesignResult:
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)


def matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """`--select MH,CT00`: ids or prefixes."""
    return any(rule_id.startswith(p) for p in patterns if p)


def run_rules(
    assembly: Assembly,
    rules: list[Rule],
    deck: Deck,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    progress: Callable[[Rule], None] | None = None,
) -> DesignResult:
    result = DesignResult()
    for rule in rules:
        if (select and not matches(rule.id, select)) or (ignore and matches(rule.id, ignore)):
            result.outcomes.append(RuleOutcome(rule, "not-selected"))
            continue
        try:
            settings = deck.effective(rule)
        except Exception as error:  # a malformed default in the rule itself: the rule's fault, not the run's
            result.problems.append(PluginProblem(rule.plugin, rule.id, f"bad parameter default: {error}"))
            result.outcomes.append(RuleOutcome(rule, "crashed", f"bad parameter default: {error}"))
            continue
        if not settings.enabled:
            result.outcomes.append(RuleOutcome(rule, "disabled", f"disabled by deck {deck.name}"))
            continue
        if progress:
            progress(rule)
        ctx = RuleContext(assembly, rule, settings.params, settings.severity)
        started = time.perf_counter()
        try:
            produced = rule.check(ctx)
            findings = [f for f in (produced or ()) if f is not None]
        except CannotRun as reason:
            result.outcomes.append(
                RuleOutcome(rule, "could-not-run", str(reason), time.perf_counter() - started, path=assembly.path)
            )
            continue
        except Exception as error:  # a crashing rule must not take the run down
            frames = traceback.format_exc().strip().splitlines()
            result.problems.append(
                PluginProblem(rule.plugin, rule.id, f"{type(error).__name__}: {error}\n" + "\n".join(frames[-4:]))
            )
            result.outcomes.append(
                RuleOutcome(rule, "crashed", f"{type(error).__name__}: {error}", time.perf_counter() - started)
            )
            continue
        bad = [f for f in findings if not isinstance(f, Finding)]
        if bad:
            result.problems.append(
                PluginProblem(rule.plugin, rule.id, f"returned {bad[0]!r} instead of findings made with ctx.finding()")
            )
            result.outcomes.append(RuleOutcome(rule, "crashed", "returned something that is not a finding"))
            continue
        merged = aggregate(findings)
        for finding in merged:
            finding.finalize(assembly.path)
        result.findings.extend(merged)
        result.outcomes.append(RuleOutcome(rule, "ran", seconds=time.perf_counter() - started, findings=len(merged)))
    return result
