"""The engine: run the selected rules on a design, isolate failures, aggregate findings.

It knows no rule: rules come from the plugin host, settings from the deck. Each rule runs once
per design with its own context; a rule that raises, or runs past its time or memory budget
(budgets.py), is recorded with its plugin and id, and the other rules still run.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from assemblint.base.errors import CannotRun
from assemblint.checking import isolation
from assemblint.checking import waivers as waiver_rules
from assemblint.checking.budgets import Budget, OverBudget, RuleGuard
from assemblint.checking.context import RuleContext
from assemblint.checking.deck import Deck
from assemblint.checking.findings import Finding, aggregate
from assemblint.checking.isolation import Execution
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
    isolate: Callable[[Rule], bool] | None = None,
) -> RulesResult:
    """Run the check-phase rules, apply the waivers to their findings, then run the review-phase rules.

    `waivers`: the design's own `waive` statements plus any from `--waivers FILE` (default: the
    design's). `today`: the date waivers are judged on (default: waivers.today()). `budget`: the
    time and memory each rule may use (default: Budget(), generous; 0 turns either off).
    `isolate`: which rules run in a forked worker of their own (isolation.py; default: none).
    """
    result = RulesResult()
    budget = budget or Budget()
    state = ProcessState()  # what every rule's surroundings put back
    known = functools.cache(lambda: isolation.model_objects(assembly))  # for forked rules' findings
    run = functools.partial(
        _run_one,
        assembly=assembly,
        deck=deck,
        select=select,
        ignore=ignore,
        progress=progress,
        result=result,
        budget=budget,
        state=state,
        isolate=isolate,
        known=known,
    )
    for rule in rules:
        if rule.phase == "check":
            run(rule, review=None)
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
            run(rule, review=review)
    return result


def _run_one(
    rule: Rule,
    *,
    assembly: Assembly,
    deck: Deck,
    select: list[str] | None,
    ignore: list[str] | None,
    progress: Callable[[Rule], None] | None,
    result: RulesResult,
    review: dict | None,
    budget: Budget,
    state: ProcessState,
    isolate: Callable[[Rule], bool] | None,
    known: Callable[[], dict[int, Any]],
) -> None:
    """One rule on one design: deck settings, then the rule run here or in a forked worker
    (isolation.py), guarded either way; its outcome, problem and findings into `result`."""
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
    if isolate is not None and isolate(rule) and isolation.can_fork():
        execution = isolation.run_forked(lambda: _execute(rule, ctx, budget, state), budget, known)
    else:
        execution = _execute(rule, ctx, budget, state)
    if execution.problem is not None:
        result.problems.append(PluginProblem(rule.plugin, rule.id, execution.problem))
    result.findings.extend(execution.findings)
    result.outcomes.append(
        RuleOutcome(
            rule,
            execution.status,
            execution.reason,
            execution.seconds,
            findings=len(execution.findings),
            path=assembly.path,
            output=execution.output,
        )
    )


def _execute(rule: Rule, ctx: RuleContext, budget: Budget, state: ProcessState | None) -> Execution:
    """Run one rule here, guarded: its findings merged and named, or why it gave none."""
    started = time.perf_counter()
    threads = threading.enumerate()
    kept = RuleSurroundings(state)  # its prints captured; the cwd, environment and signal handlers put back
    try:
        with kept, RuleGuard(budget):  # a generator rule runs inside the list, so inside the guard
            produced = rule.check(ctx)
            findings = [f for f in (produced or ()) if f is not None]
    except CannotRun as why:
        return Execution("could-not-run", str(why), time.perf_counter() - started, kept.output)
    except OverBudget as over:  # stopped: the rule's fault, reported like a crash, and the run goes on
        return Execution("crashed", over.reason, time.perf_counter() - started, kept.output, over.message())
    except (Exception, SystemExit) as error:  # a crashing rule must not take the run down, nor end it (sys.exit)
        frames = traceback.format_exc().strip().splitlines()
        return Execution(
            "crashed",
            f"{type(error).__name__}: {error}",
            time.perf_counter() - started,
            kept.output,
            f"{type(error).__name__}: {error}\n" + "\n".join(frames[-4:]),
        )
    seconds = time.perf_counter() - started
    bad = [f for f in findings if not isinstance(f, Finding)]
    if bad:
        problem = f"returned {bad[0]!r} instead of findings made with ctx.finding()"
        return Execution("crashed", "returned something that is not a finding", seconds, kept.output, problem)
    left = isolation.leftover_threads(threads)
    if left:  # in process it cannot be stopped: the run says so (and the command line exits regardless)
        reason = isolation.threads_left_reason(left)
        return Execution("crashed", reason, seconds, kept.output, reason)
    merged = aggregate(findings)
    for finding in merged:
        finding.finalize(ctx.assembly.path, ctx.assembly.represented)
    return Execution("ran", "", seconds, kept.output, findings=merged)
