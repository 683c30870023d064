"""The engine: run the selected rules on a design, isolate failures, aggregate findings.

It knows no rule: rules come from the plugin host, settings from the deck. Each rule runs once
per design with its own context; a rule that raises, or runs past its time or memory budget
(budgets.py), is recorded with its plugin and id, and the other rules still run.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assemblint.base.errors import CannotRun
from assemblint.checking import waivers as waiver_rules
from assemblint.checking.budgets import Budget, OverBudget, RuleGuard
from assemblint.checking.context import RuleContext
from assemblint.checking.deck import Deck
from assemblint.checking.findings import Finding, aggregate
from assemblint.checking.problems import PluginProblem
from assemblint.checking.rules import Rule
from assemblint.checking.surroundings import ProcessState, RuleSurroundings
from assemblint.model.assembly import Assembly, Waiver


@dataclass
class RuleOutcome:
    rule: Rule | str  # its id (str) while it travels from a worker (run/pipeline.py); merge() puts the Rule back
    status: str  # ran | disabled | not-selected | could-not-run | crashed
    reason: str = ""
    seconds: float = 0.0
    findings: int = 0
    path: str = ""  # the design it ran on
    output: str = ""  # what the rule printed (captured: never mixed into the run's own output)


@dataclass
class RulesResult:
    """What the rules gave on one design: their findings (waivers applied), outcomes and problems, and
    how each waiver was used."""

    findings: list[Finding] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    waiver_uses: list[waiver_rules.WaiverUse] = field(default_factory=list)


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
    waivers: list[Waiver] | None = None,
    today: dt.date | None = None,
    budget: Budget | None = None,
) -> RulesResult:
    """Run the check-phase rules, apply the waivers to their findings, then run the review-phase rules.

    `waivers`: the design's own `waive` statements plus any from `--waivers FILE` (default: the
    design's). `today`: the date waivers are judged on (default: waivers.today()). `budget`: the
    time and memory each rule may use (default: Budget(), generous; 0 turns either off).
    """
    result = RulesResult()
    budget = budget or Budget()
    state = ProcessState()  # what every rule's surroundings put back
    for rule in rules:
        if rule.phase == "check":
            _run_one(rule, assembly, deck, select, ignore, progress, result, None, budget, state)
    uses = waiver_rules.apply(
        result.findings,
        assembly.waivers if waivers is None else waivers,
        waiver_rules.today(today),
    )
    ran = {o.rule.id if isinstance(o.rule, Rule) else o.rule for o in result.outcomes if o.status == "ran"}
    for use in uses:
        use.rule_ran = use.waiver.rule in ran
    result.waiver_uses = uses
    review = {
        "findings": list(result.findings),
        "waiver_uses": uses,
        "today": waiver_rules.today(today),
        "ran": ran,
        "known": {r.id for r in rules},
    }
    for rule in rules:
        if rule.phase == "review":
            _run_one(rule, assembly, deck, select, ignore, progress, result, review, budget, state)
    return result


def _run_one(
    rule: Rule,
    assembly: Assembly,
    deck: Deck,
    select: list[str] | None,
    ignore: list[str] | None,
    progress: Callable[[Rule], None] | None,
    result: RulesResult,
    review: dict | None,
    budget: Budget | None = None,
    state: ProcessState | None = None,
) -> None:
    """One rule on one design: deck settings, crash isolation, budgets, aggregation; into `result`."""
    if (select and not matches(rule.id, select)) or (ignore and matches(rule.id, ignore)):
        result.outcomes.append(RuleOutcome(rule, "not-selected"))
        return
    try:
        settings = deck.effective(rule)
    except Exception as error:  # a malformed default in the rule itself: the rule's fault, not the run's
        result.problems.append(PluginProblem(rule.plugin, rule.id, f"bad parameter default: {error}"))
        result.outcomes.append(RuleOutcome(rule, "crashed", f"bad parameter default: {error}", path=assembly.path))
        return
    if not settings.enabled:
        result.outcomes.append(RuleOutcome(rule, "disabled", f"disabled by deck {deck.name}"))
        return
    if progress:
        progress(rule)
    ctx = RuleContext(assembly, rule, settings.params, settings.severity, review)
    started = time.perf_counter()
    kept = RuleSurroundings(state)  # its prints captured; the cwd, environment and signal handlers put back
    try:
        with kept, RuleGuard(budget or Budget()):  # a generator rule runs inside the list, so inside the guard
            produced = rule.check(ctx)
            findings = [f for f in (produced or ()) if f is not None]
    except CannotRun as reason:
        result.outcomes.append(
            RuleOutcome(
                rule,
                "could-not-run",
                str(reason),
                time.perf_counter() - started,
                path=assembly.path,
                output=kept.output,
            )
        )
        return
    except OverBudget as over:  # stopped: the rule's fault, reported like a crash, and the run goes on
        result.problems.append(PluginProblem(rule.plugin, rule.id, over.message()))
        result.outcomes.append(
            RuleOutcome(
                rule, "crashed", over.reason, time.perf_counter() - started, path=assembly.path, output=kept.output
            )
        )
        return
    except (Exception, SystemExit) as error:  # a crashing rule must not take the run down, nor end it (sys.exit)
        frames = traceback.format_exc().strip().splitlines()
        result.problems.append(
            PluginProblem(rule.plugin, rule.id, f"{type(error).__name__}: {error}\n" + "\n".join(frames[-4:]))
        )
        result.outcomes.append(
            RuleOutcome(
                rule,
                "crashed",
                f"{type(error).__name__}: {error}",
                time.perf_counter() - started,
                path=assembly.path,
                output=kept.output,
            )
        )
        return
    bad = [f for f in findings if not isinstance(f, Finding)]
    if bad:
        result.problems.append(
            PluginProblem(rule.plugin, rule.id, f"returned {bad[0]!r} instead of findings made with ctx.finding()")
        )
        result.outcomes.append(
            RuleOutcome(
                rule, "crashed", "returned something that is not a finding", path=assembly.path, output=kept.output
            )
        )
        return
    merged = aggregate(findings)
    for finding in merged:
        finding.finalize(assembly.path, assembly.represented)
    result.findings.extend(merged)
    result.outcomes.append(
        RuleOutcome(
            rule,
            "ran",
            seconds=time.perf_counter() - started,
            findings=len(merged),
            path=assembly.path,
            output=kept.output,
        )
    )
