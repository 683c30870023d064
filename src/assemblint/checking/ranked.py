"""The ranked reduction: a rule whose finding tells one member's figures, on `--tiles` (docs/tiles.md).

A finding that one process merges from several yields tells the first yield's text, and a
per-declaration finding tells the figures of its first or worst member. A tile holds only some
members, so its first or worst need not be the design's, and `tiles=EACH` would see two texts for
one finding (and report the rule could-not-run). `ranked` is the exact reduction instead: each tile
sends back every finding it yields, with its members in the tile's core (the design's indices)
and the rank of the member its text tells of; the run keeps, per finding, the text of the least
rank and the members of every tile, which is what one process finds.

The rule gives `told(ctx)`: its findings, each with its rank (None: its first member, by the
design's order, of every member the tile holds, core or halo) — a tuple that orders them as one
process would choose between them. `by_first` is `ranked` for a rule whose findings tell their
first member; `mass_name` and `worst_rank` name and rank a mass as the whole design does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from assemblint.checking.context import RuleContext
from assemblint.checking.findings import Finding
from assemblint.checking.tiling import Reduction, encode
from assemblint.model.assembly import Selection

KINDS = ("pads", "masses", "leads", "nets")  # the order a rank compares members' kinds in
NO_MEMBERS = (len(KINDS), 0, 0)  # the rank of a finding that names no group member

Told = Callable[[RuleContext], Iterable[tuple[Finding, tuple | None]]]


def ranked(told: Told) -> Reduction:
    """The exact reduction of a rule that gives `told`: per finding, the least rank's text."""

    def part(ctx: RuleContext) -> list[dict[str, Any]]:
        out = []
        for finding, rank in told(ctx):
            encoded = _encode(ctx, finding, rank)
            if encoded is not None:
                out.append(encoded)
        return out

    def reduce(ctx: RuleContext, parts: list[list[dict[str, Any]]]) -> Iterator[Finding]:
        best: dict[tuple, dict[str, Any]] = {}
        members: dict[tuple, dict[tuple[str, int], list[np.ndarray]]] = {}
        names: dict[tuple, dict[str, None]] = {}
        for encoded in (e for part in parts for e in part):
            key = encoded["key"]
            if key not in best or encoded["rank"] < best[key]["rank"]:
                best[key] = encoded
            for group, index in encoded["members"]:
                members.setdefault(key, {}).setdefault(group, []).append(index)
            names.setdefault(key, {}).update(dict.fromkeys(encoded["names"]))
        groups = _groups(ctx)
        for key, chosen in best.items():
            objects: list[Any] = [
                Selection(groups[group], np.unique(np.concatenate(indices)))
                for group, indices in members.get(key, {}).items()
            ]
            objects += list(names[key])
            yield ctx.finding(
                chosen["message"],
                objects=objects,
                data=chosen["data"],
                severity=chosen["severity"],
                location=chosen["location"],
                cause=chosen["cause"],
                count=chosen["counted"],
            )

    return Reduction(part=part, reduce=reduce)


def by_first(check: Callable[[RuleContext], Iterable[Finding] | None]) -> Reduction:
    """`ranked` for a rule each of whose findings tells its first member: ranked by that member."""
    return ranked(lambda ctx: ((finding, None) for finding in check(ctx) or ()))


def mass_rank(ctx: RuleContext, mass: int) -> tuple[int, int, int] | None:
    """A mass (by the id the rule sees) as a rank in the design's order: its group, its index in
    it (None off the tiles, where no rank is needed)."""
    tile = ctx.tile
    if tile is None:
        return None
    group = int(ctx.netlist.mass_group[mass])
    local = mass - ctx.assembly.mass_groups[group].start
    return (KINDS.index("masses"), group, int(tile.origin[("masses", group)][local]))


def mass_name(ctx: RuleContext, mass: int) -> str:
    """A mass (by the id the rule sees) as the whole design names it (`m[7]`), on a tile too."""
    return _whole_name(ctx, "masses", ctx.assembly.mass_groups, int(ctx.netlist.mass_group[mass]), mass)


def pad_name(ctx: RuleContext, pad: int) -> str:
    """A pad (by the id the rule sees) as the whole design names it (`die.c[7]`), on a tile too."""
    return _whole_name(ctx, "pads", ctx.assembly.pad_arrays, int(ctx.netlist.pad_array[pad]), pad)


def _whole_name(ctx: RuleContext, kind: str, groups: list[Any], index: int, seen: int) -> str:
    group = groups[index]
    local = seen - group.start
    tile = ctx.tile
    return str(group.item_name(local if tile is None else int(tile.origin[(kind, index)][local])))


def worst_rank(ctx: RuleContext, value: float, mass: int) -> tuple | None:
    """The rank of a finding that tells its worst mass (the largest `value`, the first on a tie)."""
    rank = mass_rank(ctx, mass)
    return None if rank is None else (-float(value), *rank)


def _encode(ctx: RuleContext, finding: Finding, rank: tuple | None) -> dict[str, Any] | None:
    """A tile's finding as plain data (tiling.encode: its members those in the tile's core, by the
    design's indices; None when they all lie in the halo), with its key and rank."""
    encoded = encode(ctx.tile, finding)
    if encoded is None:
        return None
    loc = finding.location
    encoded["key"] = (loc.path, loc.line, loc.column, finding.cause, finding.severity.value)
    encoded["rank"] = _first_held(ctx, finding) if rank is None else rank
    return encoded


def _first_held(ctx: RuleContext, finding: Finding) -> tuple[int, int, int]:
    """The finding's first member the tile holds, core or halo, in the design's order."""
    tile = ctx.tile
    first = NO_MEMBERS
    for group, index in finding.objects.members.values():
        key = tile.key_of(group)
        local = np.arange(group.count) if index is None else np.fromiter(sorted(index), dtype=np.int64)
        if len(local):
            origin = local if key[0] == "nets" else tile.origin[key][local]
            first = min(first, (KINDS.index(key[0]), key[1], int(origin.min())))
    return first


def _listed(ctx: RuleContext) -> list[list[Any]]:
    a = ctx.assembly
    return [list(a.pad_arrays), list(a.mass_groups), list(a.lead_groups), list(a.net_groups)]


def _groups(ctx: RuleContext) -> dict[tuple[str, int], Any]:
    """The design's groups by key (`("masses", 3)`), as the reduction names its findings' members."""
    listed = zip(KINDS, _listed(ctx), strict=True)
    return {(kind, i): group for kind, groups in listed for i, group in enumerate(groups)}
