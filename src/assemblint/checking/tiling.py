"""Rules on tiles (`check --tiles`, docs/tiles.md): what a tile sends back, and the exact merge.

A rule says how it runs on tiles (`@rule(tiles=...)`):

- `"each"`: it runs on every tile. Its findings are translated to the whole design's objects,
  only the objects in the tile's core kept (a finding all of whose objects lie in the halo is the
  neighbour's), and the tiles' findings of one rule, location and cause united. Their message and
  data must be the same in every tile: a rule whose text depends on the tile (a count, the worst
  of its objects) is reported could-not-run rather than merged wrongly.
- a `Reduction`: `part(ctx)` runs on every tile and returns plain data; `reduce(ctx, parts)` runs
  once in the run's process on the tiles' parts, with `ctx.assembly` holding every declaration at
  its whole count but no objects (`Selection(ctx.assembly.mass_groups[i], global_indices)` names
  them); it yields findings as `check` would. A reduction that needs a figure of the whole design
  before its tiles can say what they found (the centroid of every joint of a pair, say) adds
  a first pass: `prepare(ctx)` on every tile (in the nodes' pass, before the tiles' electrical
  nodes are united: `ctx.tile.node_key` is None there) and `combine(ctx, prepared)` once in the
  run's process, whose result every tile's `part` reads as `ctx.shared`.
- None (every rule that says nothing, a third party's too): it runs once, in the run's process,
  on the whole design, exactly as without tiles.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assemblint.checking.budgets import Budget
from assemblint.checking.deck import Deck
from assemblint.checking.engine import RuleOutcome, RulesResult, check_phase, review_phase
from assemblint.checking.findings import Finding, Objects, aggregate
from assemblint.checking.problems import PluginProblem
from assemblint.checking.rules import Rule, Severity
from assemblint.model.assembly import Assembly
from assemblint.model.tiles import Tile

EACH = "each"


@dataclass(frozen=True)
class Reduction:
    """A rule's exact reduction over tiles: `part(ctx)` per tile, `reduce(ctx, parts)` once; with
    `prepare` and `combine`, a first pass whose combined result `part` reads as `ctx.shared`."""

    part: Callable[[Any], Any]
    reduce: Callable[[Any, list[Any]], Iterable[Finding]]
    prepare: Callable[[Any], Any] | None = None
    combine: Callable[[Any, list[Any]], Any] | None = None


@dataclass
class TilePart:
    """What one tile's check sends back: plain data (no model object), a few kB to a few MB."""

    outcomes: list[tuple[str, str, str, float, str]] = field(default_factory=list)  # id, status, reason, s, output
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # plugin, rule id, text
    findings: list[dict[str, Any]] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)  # rule id -> its Reduction part
    plugins: tuple[tuple[str, str], ...] = ()  # the worker's plugins and versions (run/parallel.py)


def check_tile(
    tile: Tile, rules: list[Rule], deck: Deck, select: list[str], ignore: list[str], budget: Budget
) -> TilePart:
    """Run the rules that run on tiles on one tile: `each` rules' findings, reductions' parts."""
    parts: dict[str, Any] = {}
    runnable = []
    for rule in rules:
        if rule.phase != "check" or rule.tiles is None:
            continue
        if isinstance(rule.tiles, Reduction):
            rule = dataclasses.replace(rule, check=_collecting(rule.id, rule.tiles.part, parts))
        runnable.append(rule)
    result = check_phase(tile.assembly, runnable, deck, select, ignore, budget, tile=tile)
    out = TilePart(parts=parts)
    out.outcomes = [
        (o.rule.id if isinstance(o.rule, Rule) else o.rule, o.status, o.reason, o.seconds, o.output)
        for o in result.outcomes
    ]
    out.problems = [(p.plugin, p.rule, p.message) for p in result.problems]
    for finding in result.findings:
        encoded = encode(tile, finding)
        if encoded is not None:
            out.findings.append(encoded)
    return out


def prepare_tile(
    tile: Tile, rules: list[Rule], deck: Deck, select: list[str], ignore: list[str], budget: Budget
) -> TilePart | None:
    """The first pass of the reductions that have one (`Reduction.prepare`) on one tile: their
    prepared parts, outcomes and problems (None: no rule that runs has one)."""
    first = [
        dataclasses.replace(rule, tiles=Reduction(part=rule.tiles.prepare, reduce=rule.tiles.reduce))
        for rule in rules
        if rule.phase == "check" and isinstance(rule.tiles, Reduction) and rule.tiles.prepare is not None
    ]
    return check_tile(tile, first, deck, select, ignore, budget) if first else None


def combine_parts(
    whole: Assembly,
    rules: list[Rule],
    deck: Deck,
    selection: tuple[list[str], list[str]],
    budget: Budget,
    prepared: list[TilePart],
) -> tuple[dict[str, Any], TilePart]:
    """`Reduction.combine` of each rule's prepared parts, once, in the run's process: what each
    tile's `part` reads as `ctx.shared`, by rule id; and, as a part of no tile, the outcomes of
    those that did not run (crashed, could not run) and the problems, for `merge_tiles` to tell."""
    shared: dict[str, Any] = {}
    here = []
    for rule in rules:
        reduction = rule.tiles
        if rule.phase != "check" or not isinstance(reduction, Reduction) or reduction.combine is None:
            continue
        parts = [p.parts[rule.id] for p in prepared if rule.id in p.parts]

        def check(ctx: Any, rule_id: str = rule.id, combine: Any = reduction.combine, parts: list = parts) -> list:
            shared[rule_id] = combine(ctx, parts)
            return []

        here.append(dataclasses.replace(rule, check=check))
    done = check_phase(whole, here, deck, selection[0], selection[1], budget)
    out = TilePart()
    out.outcomes = [
        (o.rule.id if isinstance(o.rule, Rule) else o.rule, o.status, o.reason, o.seconds, o.output)
        for o in done.outcomes
        if o.status in ("crashed", "could-not-run")
    ]
    out.problems = [(p.plugin, p.rule, p.message) for p in done.problems]
    for part in prepared:  # the tiles' first pass: their outcomes count, their parts are spent
        out.outcomes += part.outcomes
        out.problems += [p for p in part.problems if p not in out.problems]
    return shared, out


def _collecting(rule_id: str, part: Callable[[Any], Any], parts: dict[str, Any]) -> Callable[[Any], list]:
    def check(ctx: Any) -> list:
        parts[rule_id] = part(ctx)
        return []

    return check


def encode(tile: Tile, finding: Finding) -> dict[str, Any] | None:
    """A finding as plain data, its members the whole design's indices in the tile's core (None:
    every member lies in the halo, so the neighbour whose core holds them reports it)."""
    members = []
    had_members = False
    for group, index in finding.objects.members.values():
        key = tile.key_of(group)
        if key is None:
            raise TypeError(f"rule {finding.rule}: a finding names {group!r}, which is not of the design")
        had_members = True
        local = np.arange(group.count) if index is None else np.fromiter(sorted(index), dtype=np.int64)
        if key[0] == "nets":  # nets are not cut: every tile holds every net
            members.append((key, local))
            continue
        local = local[tile.core[key][local]]
        if len(local):
            members.append((key, tile.origin[key][local]))
    if had_members and not members:
        return None
    out = {name: getattr(finding, name) for name in ("rule", "name", "message", "location", "data", "cause", "plugin")}
    out["severity"] = finding.severity.value
    out["counted"] = finding.counted
    out["members"] = members
    out["names"] = [name for name, obj in finding.objects.names.items()]
    return out


def merge_tiles(
    tiles: list[TilePart],
    whole: Assembly,
    rules: list[Rule],
    deck: Deck,
    selection: tuple[list[str], list[str]],
    budget: Budget,
    waivers: Any,
    today: Any,
) -> RulesResult:
    """The design's rules result from its tiles': outcomes, `each` findings united, reductions run
    here; then waivers and the review phase, as one process would. `whole`: the design's
    declarations at their whole counts (the stand-in groups findings are named by)."""
    select, ignore = selection
    result = RulesResult()
    by_rule: dict[str, list[tuple[str, str, str, float, str]]] = {}
    for part in tiles:
        for outcome in part.outcomes:
            by_rule.setdefault(outcome[0], []).append(outcome)
        for plugin, rule_id, text in part.problems:
            problem = PluginProblem(plugin, rule_id, text)
            if problem not in result.problems:
                result.problems.append(problem)
    united, disagreeing = _united(tiles, whole)
    here = [r for r in rules if r.phase == "check" and r.tiles is None]
    here += [
        dataclasses.replace(r, check=_reducing(r, [p.parts[r.id] for p in tiles if r.id in p.parts]))
        for r in rules
        if r.phase == "check" and isinstance(r.tiles, Reduction)
    ]
    done = check_phase(whole, here, deck, select, ignore, budget)
    result.findings.extend(done.findings)
    result.problems.extend(done.problems)
    finished = {o.rule.id if isinstance(o.rule, Rule) else o.rule: o for o in done.outcomes}
    for rule in rules:
        if rule.phase != "check":
            continue
        seen = by_rule.get(rule.id)
        if rule.id in finished and not (isinstance(rule.tiles, Reduction) and seen and _combined(seen)[0] != "ran"):
            result.outcomes.append(dataclasses.replace(finished[rule.id], rule=rule))
            continue
        if not seen:  # no tile ran it: not selected or disabled, as the tiles' engine said
            seen = [(rule.id, "not-selected", "", 0.0, "")]
        status, reason, seconds, output = _combined(seen)
        if status == "ran" and rule.id in disagreeing:
            status, reason = "could-not-run", disagreeing[rule.id]
        mine = [f for f in united if f.rule == rule.id] if status == "ran" else []
        if isinstance(rule.tiles, Reduction):  # a tile could not run its part: neither can the reduction
            result.findings[:] = [f for f in result.findings if f.rule != rule.id]
        result.findings.extend(mine)
        result.outcomes.append(
            RuleOutcome(rule, status, reason, seconds, findings=len(mine), path=whole.path, output=output)
        )
    for finding in result.findings:
        if not finding.fingerprint:
            finding.finalize(whole.path)
    order = {rule.id: i for i, rule in enumerate(rules)}
    result.findings.sort(key=lambda f: order.get(f.rule, -1))
    review_phase((whole, deck, select, ignore, budget, result), rules, waivers, today)
    return result


def _reducing(rule: Rule, parts: list[Any]) -> Callable[[Any], Iterable[Finding]]:
    reduction = rule.tiles
    assert isinstance(reduction, Reduction)

    def check(ctx: Any) -> Iterable[Finding]:
        return reduction.reduce(ctx, parts)

    return check


def _combined(seen: list[tuple[str, str, str, float, str]]) -> tuple[str, str, float, str]:
    """One outcome from every tile's: crashed if any crashed, could-not-run if any could not,
    else the one every tile agrees on; seconds summed."""
    seconds = sum(o[3] for o in seen)
    output = "".join(o[4] for o in seen)
    for status in ("crashed", "could-not-run"):
        for o in seen:
            if o[1] == status:
                return status, o[2], seconds, output
    return seen[0][1], seen[0][2], seconds, output


def _united(tiles: list[TilePart], whole: Assembly) -> tuple[list[Finding], dict[str, str]]:
    """Every tile's `each` findings, those of one rule, location, cause and severity as one; and
    the rules whose findings disagree between tiles (by id, with the reason)."""
    groups: dict[tuple[str, int], Any] = {}
    for kind, listed in (
        ("pads", whole.pad_arrays),
        ("masses", whole.mass_groups),
        ("leads", whole.lead_groups),
        ("nets", whole.net_groups),
    ):
        groups.update({(kind, i): g for i, g in enumerate(listed)})
    made: list[Finding] = []
    first_text: dict[tuple, tuple] = {}
    said: dict[tuple, tuple] = {}
    disagreeing: dict[str, str] = {}
    for part in tiles:
        for encoded in part.findings:
            encoded = dict(encoded)
            objects = Objects()
            for key, index in encoded.pop("members"):
                objects._add_index(groups[tuple(key)], index.tolist())
            for name in encoded.pop("names"):
                objects.names[name] = name
            severity = Severity(encoded.pop("severity"))
            counted = encoded.pop("counted")
            finding = Finding(severity=severity, objects=objects, counted=None, **encoded)
            loc = finding.location
            key = (finding.rule, loc.path, loc.line, loc.column, finding.cause, severity)
            # a cause left to default is the message: then two texts at one place are one finding
            # told two ways, not two causes
            told = (*key[:4], None if finding.cause == finding.message else finding.cause, severity)
            text = (finding.message, json.dumps(finding.data, sort_keys=True, default=str), counted)
            if told in said and said[told] != text and finding.rule not in disagreeing:
                disagreeing[finding.rule] = (
                    f"rule {finding.rule} gives findings that depend on the tile (`{finding.message}` "
                    "in one tile, other text in another): it cannot run on tiles; check without --tiles"
                )
            first_text.setdefault(key, text)
            said.setdefault(told, text)
            finding.counted = counted
            made.append(finding)
    merged = aggregate(made)
    for finding in merged:  # counted is each tile's own: the same in every tile, so not summed
        finding.counted = first_text[
            (
                finding.rule,
                finding.location.path,
                finding.location.line,
                finding.location.column,
                finding.cause,
                finding.severity,
            )
        ][2]
    return merged, disagreeing


__all__ = ["EACH", "Reduction", "TilePart", "check_tile", "combine_parts", "merge_tiles", "prepare_tile"]
