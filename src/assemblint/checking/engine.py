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

from assemblint.analysis.timeline import timeline_of
from assemblint.base.errors import CannotRun
from assemblint.checking import isolation, sharing
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
    share: bool = False,
) -> RulesResult:
    """Run the check-phase rules, apply the waivers to their findings, then run the review-phase rules.

    `waivers`: the design's own `waive` statements plus any from `--waivers FILE` (default: the
    design's). `today`: the date waivers are judged on (default: waivers.today()). `budget`: the
    time and memory each rule may use (default: Budget(), generous; 0 turns either off).
    `isolate`: which rules run in a forked worker of their own (isolation.py; default: none).
    `share`: the rules that run here shared with a forked helper when the design is large (sharing.py).
    """
    result = RulesResult()
    phase = _Phase(assembly, deck, select, ignore, progress, result, budget or Budget(), isolate, share)
    phase.run([rule for rule in rules if rule.phase == "check"], review=None)
    review_phase(phase, rules, waivers, today)
    return result


def check_phase(
    assembly: Assembly,
    rules: list[Rule],
    deck: Deck,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    budget: Budget | None = None,
    tile: Any = None,
) -> RulesResult:
    """The check-phase rules alone, their findings aggregated but not named (a tile of `--tiles`:
    the run names them once every tile's are merged, then applies waivers and reviews)."""
    result = RulesResult()
    phase = _Phase(assembly, deck, select, ignore, None, result, budget or Budget(), None, finalize=False)
    phase.tile = tile
    phase.run([rule for rule in rules if rule.phase == "check"], review=None)
    return result


def review_phase(
    phase: _Phase | tuple[Assembly, Deck, list[str] | None, list[str] | None, Budget, RulesResult],
    rules: list[Rule],
    waivers: list[Waiver] | None,
    today: dt.date | None,
) -> None:
    """Waivers applied to the check phase's findings, then the review-phase rules (the waiver family's).

    `phase`: the check phase's, or (for merged tiles) the design, deck, selection, budget and result."""
    if not isinstance(phase, _Phase):
        assembly, deck, select, ignore, budget, result = phase
        phase = _Phase(assembly, deck, select, ignore, None, result, budget, None)
    result, assembly = phase.result, phase.assembly
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
    phase.run([rule for rule in rules if rule.phase == "review"], review=review)


class _Phase:
    """Runs the rules of one design, a phase at a time: deck settings, then each rule in process or
    in a forked worker (isolation.py), guarded either way; outcomes, problems and findings into
    `result`, in the order of the rules wherever each ran."""

    def __init__(
        self,
        assembly: Assembly,
        deck: Deck,
        select: list[str] | None,
        ignore: list[str] | None,
        progress: Callable[[Rule], None] | None,
        result: RulesResult,
        budget: Budget,
        isolate: Callable[[Rule], bool] | None,
        share: bool = False,
        finalize: bool = True,
    ) -> None:
        self.finalize = finalize  # False in a tile: findings are named once the tiles are merged
        self.tile: Any = None  # the Tile the rules see (ctx.tile), on a tile of --tiles
        self.assembly, self.deck, self.select, self.ignore = assembly, deck, select, ignore
        self.share = share
        self.progress, self.result, self.budget = progress, result, budget
        self.isolate = isolate if isolate is not None and isolation.can_fork() else None
        self.state = ProcessState()  # what every rule's surroundings put back
        self.known = functools.cache(lambda: isolation.model_objects(assembly))  # forked rules' objects

    def run(self, rules: list[Rule], review: dict | None) -> None:
        """The rules in process first (shared with a helper when `share` and the design is large),
        then the forked ones in one worker: by then the work they share (the timeline, the
        electrical nodes, scipy's import) is done, and the worker inherits it."""
        here: list[tuple[Rule, RuleContext]] = []
        forked: list[tuple[Rule, RuleContext]] = []
        for rule in rules:
            ctx = self._context(rule, review)
            if ctx is not None:
                (forked if self.isolate is not None and self.isolate(rule) else here).append((rule, ctx))
        objects = self.assembly.pad_count + self.assembly.mass_count
        if self.share and sharing.worth_sharing(objects, len(here)):
            _warm(self.assembly)
            jobs = [
                functools.partial(_execute, rule, ctx, self.budget, self.state, self.finalize) for rule, ctx in here
            ]
            for (rule, _), execution in zip(
                here, sharing.run_shared(jobs, self.budget, self.known, self._starting(here)), strict=True
            ):
                self._record(rule, execution)
        else:
            for rule, ctx in here:
                if self.progress:
                    self.progress(rule)
                self._record(rule, _execute(rule, ctx, self.budget, self.state, self.finalize))
        if forked:
            _warm(self.assembly)
            jobs = [
                functools.partial(_execute, rule, ctx, self.budget, self.state, self.finalize) for rule, ctx in forked
            ]
            for (rule, _), execution in zip(
                forked, isolation.run_forked(jobs, self.budget, self.known, self._starting(forked)), strict=True
            ):
                self._record(rule, execution)
        order = {rule.id: i for i, rule in enumerate(rules)}
        ours = [o for o in self.result.outcomes if _rule_id(o) in order]
        if len(ours) > 1:  # this phase's, back in the order of its rules
            kept = [o for o in self.result.outcomes if _rule_id(o) not in order]
            self.result.outcomes[:] = kept + sorted(ours, key=lambda o: order[_rule_id(o)])
            self.result.findings.sort(key=lambda f: order.get(f.rule, -1))

    def _starting(self, jobs: list[tuple[Rule, RuleContext]]) -> Callable[[int], None] | None:
        """The progress bar told of job i's rule as it starts (wherever it runs)."""
        progress = self.progress
        if progress is None:
            return None
        return lambda i: progress(jobs[i][0])

    def _context(self, rule: Rule, review: dict | None) -> RuleContext | None:
        """The rule's context, or None with its outcome recorded: not selected, disabled, bad default."""
        result = self.result
        if (self.select and not matches(rule.id, self.select)) or (self.ignore and matches(rule.id, self.ignore)):
            result.outcomes.append(RuleOutcome(rule, "not-selected"))
            return None
        try:
            settings = self.deck.effective(rule)
        except Exception as error:  # a malformed default in the rule itself: the rule's fault, not the run's
            result.problems.append(PluginProblem(rule.plugin, rule.id, f"bad parameter default: {error}"))
            result.outcomes.append(
                RuleOutcome(rule, "crashed", f"bad parameter default: {error}", path=self.assembly.path)
            )
            return None
        if not settings.enabled:
            result.outcomes.append(RuleOutcome(rule, "disabled", f"disabled by deck {self.deck.name}"))
            return None
        return RuleContext(self.assembly, rule, settings.params, settings.severity, review, tile=self.tile)

    def _record(self, rule: Rule, execution: Execution) -> None:
        if execution.problem is not None:
            self.result.problems.append(PluginProblem(rule.plugin, rule.id, execution.problem))
        self.result.findings.extend(execution.findings)
        self.result.outcomes.append(
            RuleOutcome(
                rule,
                execution.status,
                execution.reason,
                execution.seconds,
                findings=len(execution.findings),
                path=self.assembly.path,
                output=execution.output,
            )
        )


def _warm(assembly: Assembly) -> None:
    """What nearly every rule reads, made here once before a fork rather than in every worker (and
    lost with it): the timeline, and the electrical nodes (with scipy's import, 0.3 s)."""
    timeline_of(assembly)
    if assembly.netlist is not None:
        assembly.netlist.node_labels  # noqa: B018 (a cached property: reading it builds it)


def _rule_id(outcome: RuleOutcome) -> str:
    return outcome.rule.id if isinstance(outcome.rule, Rule) else outcome.rule


def _execute(
    rule: Rule, ctx: RuleContext, budget: Budget, state: ProcessState | None, finalize: bool = True
) -> Execution:
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
    for finding in merged if finalize else ():
        finding.finalize(ctx.assembly.path, ctx.assembly.represented)
    return Execution("ran", "", seconds, kept.output, findings=merged)
