"""The CTE map: every pair of elements joined directly, with its expansion mismatch and strain.

One row per pair (the pairs of a panel's alike cells merged into one): the two CTEs, Δα against
the limit, whether the pair is rigidly joined, decoupled (liquid joints, flexible leads) or
mitigated (underfill or mold between) as CHECKS.md's CTE matching classifies it
(analysis/joints.py), and the strain and fatigue life the findings report. Findings reach a row
only through the `PairMark`s their families' markers return (marks.py): nothing here reads a
rule id or a finding's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import drawsvg as dw
import numpy as np

from assemblint.analysis.joints import joined_pairs
from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly, Element, Layer
from assemblint.report.review.labels import clip, declared, naming, num, phrase
from assemblint.report.review.marks import PairMark, Review
from assemblint.report.review.svg import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    INK,
    MUTED,
    RED,
    RULE,
    LegendItem,
    as_svg,
    attr,
    coord,
    draw_text,
    drawing,
    legend,
)

SEVERITY_COLOURS = {"error": RED, "warning": AMBER, "info": BLUE, "ok": GREEN, "waived": GREY}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "waived": 3, "ok": 4}
MAX_ROWS = 40  # rows of the CTE map
DEFAULT_MAX_DELTA = 3.0  # ppm/K: the limit line when no mark gives one (PairMark.delta_limit)
COLUMNS = (30, 320, 520, 700)  # x of the CTE map's columns: pair, joints, Δα bar, strain


@dataclass
class _Pair:
    first: Element
    second: Element
    masses: np.ndarray
    rigid: int  # rigid joints: solid over the operating range, no flexible lead in series
    liquid: int  # joints liquid somewhere in the operating range
    flexible: int  # joints with a flexible lead in series
    mitigation: Layer | None
    operating: Any  # the Moment that decides, or None
    findings: list[Finding] = field(default_factory=list)  # those with a mark on the pair
    marks: list[PairMark] = field(default_factory=list)

    @property
    def delta_alpha(self) -> float | None:
        if self.first.cte is None or self.second.cte is None:
            return None
        return abs(self.first.cte - self.second.cte)

    @property
    def classification(self) -> str:
        if self.operating is None:
            return "not classified"
        if self.rigid == 0:
            return "decoupled"
        return "mitigated" if self.mitigation is not None else "rigid"


def _pairs(assembly: Assembly) -> list[_Pair]:
    """Every pair of elements joined directly by masses (assemblint.joints: CHECKS.md, CTE matching)."""
    return [
        _Pair(
            pair.first,
            pair.second,
            pair.masses,
            len(pair.rigid),
            int(pair.liquid.sum()),
            int((pair.flexible & ~pair.liquid).sum()),
            pair.mitigation,
            pair.operating,
        )
        for pair in joined_pairs(assembly)
    ]


def _attach_marks(assembly: Assembly, pairs: list[_Pair], findings: Sequence[Finding], review: Review) -> None:
    """Each `PairMark` to the pairs it concerns: those its masses join, or whose two elements it names."""
    netlist = assembly.netlist
    assert netlist is not None
    pair_of = np.full(netlist.mass_count, -1, dtype=np.int64)
    for number, pair in enumerate(pairs):
        pair_of[pair.masses] = number
    for finding, mark in review.marks(findings, assembly, PairMark):
        masses = np.asarray(mark.masses)
        hit = set(pair_of[masses].tolist()) - {-1} if len(masses) else set()
        for number, pair in enumerate(pairs):
            if number in hit or (pair.first.name in mark.elements and pair.second.name in mark.elements):
                pair.marks.append(mark)
                if not any(f is finding for f in pair.findings):
                    pair.findings.append(finding)


def _status(findings: list[Finding]) -> str:
    live = [f for f in findings if not getattr(f, "waived", False)]
    if not live:
        return "waived" if findings else "ok"
    return min((f.severity.value for f in live), key=lambda s: SEVERITY_ORDER.get(s, 9))


@dataclass
class _Row:
    pairs: list[_Pair]
    status: str
    strain: float | None
    strain_limit: float | None
    cycles: float | None
    cycles_needed: float | None
    max_delta: float
    rules: list[str]


def cte_map(assembly: Assembly, findings: Sequence[Finding], review: Review | None = None) -> str | None:
    """The CTE map of a design; None when no pair of elements is joined directly.

    The findings are put on the pairs as their families' markers say (`review`, marks.py).
    """
    with naming(assembly):
        return _cte_map(assembly, findings, review or Review())


def _cte_map(assembly: Assembly, findings: Sequence[Finding], review: Review) -> str | None:
    """The drawing; `cte_map` names representatives for every instance."""
    pairs = _pairs(assembly)
    if not pairs:
        return None
    _attach_marks(assembly, pairs, findings, review)
    rows = _rows(pairs)
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(r.status, 9), -(r.pairs[0].delta_alpha or 0.0)))
    shown, more = rows[:MAX_ROWS], len(rows) - MAX_ROWS

    width = 880.0
    top = 34.0
    row_h = 66.0
    bar_x, bar_w = COLUMNS[2], 150.0
    limit = max((r.max_delta for r in shown), default=DEFAULT_MAX_DELTA)
    biggest = max([r.pairs[0].delta_alpha or 0.0 for r in shown] + [2 * limit])
    bar_scale = bar_w / biggest

    legend_items: list[LegendItem] = [
        ("rect", {"fill": SEVERITY_COLOURS[s]}, text)
        for s, text in (
            ("error", "error"),
            ("warning", "warning"),
            ("info", "info (for review)"),
            ("ok", "no CTE finding"),
            ("waived", "waived"),
        )
        if any(r.status == s for r in shown)
    ]
    legend_items.append(("line", {"stroke": INK, "stroke_width": 1.5, "stroke_dasharray": "3 2"}, "Δα limit"))
    legend_top = top + row_h * len(shown) + 24 + (16 if more > 0 else 0)
    legend_bottom = legend(dw.Group(), legend_items, 16, legend_top, width - 32)
    height = legend_bottom + 4

    label = "CTE map of " + (assembly.title or assembly.path) + ": " + "; ".join(_row_summary(r) for r in rows)
    d = drawing(width, height, "ctemap", clip(label, 2000))
    for x, heading in (
        (COLUMNS[0], "joined pair (CTE)"),
        (COLUMNS[1], "joints"),
        (COLUMNS[2], "Δα against the limit"),
        (COLUMNS[3], "strain, fatigue"),
    ):
        draw_text(d, heading, x, 20, size=11, fill=MUTED, bold=True)
    d.append(dw.Line(16, coord(top - 8), coord(width - 16), coord(top - 8), stroke=RULE, stroke_width=1))

    for k, row in enumerate(shown):
        _draw_row(d, row, top + k * row_h, row_h, bar_x, bar_scale, width)
    if more > 0:
        draw_text(d, f"and {more} more joined pairs, not drawn", 20, top + row_h * len(shown) + 12, size=11, fill=MUTED)
    legend(d, legend_items, 16, legend_top, width - 32)
    return as_svg(d)


def _rows(pairs: list[_Pair]) -> list[_Row]:
    """Pairs with the same declared names, classification and figures merged (a panel's cells: one row)."""
    merged: dict[tuple, _Row] = {}
    for pair in pairs:
        strain = limit = cycles = needed = None
        max_delta = DEFAULT_MAX_DELTA
        for mark in pair.marks:
            if mark.strain is not None:
                strain = max(strain or 0.0, float(mark.strain))
            if mark.strain_limit is not None:
                limit = float(mark.strain_limit)
            if mark.cycles is not None:
                cycles = float(mark.cycles) if cycles is None else min(cycles, float(mark.cycles))
            if mark.cycles_needed is not None:
                needed = float(mark.cycles_needed)
            if mark.delta_limit is not None:
                max_delta = float(mark.delta_limit)
        status = _status(pair.findings)
        rules = sorted({f.rule for f in pair.findings})
        key = (
            declared(pair.first.name),
            declared(pair.second.name),
            pair.classification,
            None if pair.delta_alpha is None else round(pair.delta_alpha, 6),
            status,
            strain,
            cycles,
            tuple(rules),
            pair.rigid,
            pair.liquid,
            pair.flexible,
            len(pair.masses),
            None if pair.mitigation is None else declared(pair.mitigation.name),
        )
        row = merged.get(key)
        if row is None:
            merged[key] = _Row([pair], status, strain, limit, cycles, needed, max_delta, rules)
        else:
            row.pairs.append(pair)
    return list(merged.values())


def _row_names(row: _Row) -> tuple[str, str]:
    return phrase([p.first.name for p in row.pairs], 2), phrase([p.second.name for p in row.pairs], 2)


def _explain(pair: _Pair) -> str:
    total = len(pair.masses)
    moment = pair.operating
    if moment is None:
        return "no operating range: cannot tell"
    if pair.classification == "decoupled":
        parts = []
        if pair.liquid:
            parts.append(f"{pair.liquid} liquid in {moment.name}")
        if pair.flexible:
            parts.append(f"{pair.flexible} behind a flexible lead")
        return ", ".join(parts) + f" (of {total})"
    text = f"{pair.rigid} of {total} solid in {moment.name}"
    return text


def _mitigation(pair: _Pair) -> str:
    """`; underfill uf between` (empty when no underfill or mold lies between the pair)."""
    if pair.mitigation is None:
        return ""
    return f"; {pair.mitigation.role} {declared(pair.mitigation.name)} between"


def _row_summary(row: _Row) -> str:
    first, second = _row_names(row)
    pair = row.pairs[0]
    parts = [f"{first} and {second}: {pair.classification}"]
    if pair.delta_alpha is not None:
        parts.append(f"Δα {num(pair.delta_alpha)} ppm/K")
    if row.strain is not None:
        parts.append(f"strain {num(row.strain)}")
    if row.cycles is not None:
        parts.append(f"Nf {num(row.cycles)}")
    parts.append(row.status)
    return ", ".join(parts)


def _draw_row(
    d: dw.Drawing, row: _Row, top: float, height: float, bar_x: float, bar_scale: float, width: float
) -> None:
    pair = row.pairs[0]
    first, second = _row_names(row)
    colour = SEVERITY_COLOURS.get(row.status, GREY)
    group = dw.Group(
        class_="pair",
        data_pair=attr(f"{first} ↔ {second}"),
        data_class=pair.classification,
        data_status=row.status,
    )
    group.append(dw.Title(_row_summary(row)))
    group.append(dw.Rectangle(16, coord(top), 6, coord(height - 8), fill=colour))
    x = COLUMNS[0]
    draw_text(group, clip(f"{first} ↔ {second}", 38), x, top + 14, bold=True)
    cte = lambda e: f"{num(e.cte)}" if e.cte is not None else "no CTE"  # noqa: E731
    times = f"{len(row.pairs)} pairs · " if len(row.pairs) > 1 else ""
    draw_text(group, f"{times}CTE {cte(pair.first)} ↔ {cte(pair.second)} ppm/K", x, top + 30, size=11, fill=MUTED)
    draw_text(
        group,
        f"{row.status}" + (f" · {', '.join(row.rules)}" if row.rules else ""),
        x,
        top + 46,
        size=11,
        fill=colour,
        bold=True,
    )

    x = COLUMNS[1]
    draw_text(group, pair.classification, x, top + 14, bold=True, class_="classification")
    draw_text(group, clip(_explain(pair), 40), x, top + 30, size=11, fill=MUTED)
    joints = f"{len(pair.masses):,} joint{'s' if len(pair.masses) != 1 else ''}"
    draw_text(
        group,
        joints + (f" per pair, {len(row.pairs)} pairs" if len(row.pairs) > 1 else "") + _mitigation(pair),
        x,
        top + 46,
        size=11,
        fill=MUTED,
    )

    delta = pair.delta_alpha
    track_y = top + 24
    group.append(dw.Rectangle(coord(bar_x), coord(track_y), coord(150), 10, fill="none", stroke=RULE, stroke_width=1))
    if delta is not None:
        over = delta > row.max_delta
        fill = colour if over and pair.classification in ("rigid", "mitigated") else GREY
        group.append(dw.Rectangle(coord(bar_x), coord(track_y), coord(max(delta * bar_scale, 1)), 10, fill=fill))
        draw_text(group, f"Δα {num(delta)} ppm/K", bar_x, top + 14, size=12, bold=True)
    else:
        draw_text(group, "Δα unknown (no CTE)", bar_x, top + 14, size=12, fill=MUTED)
    limit_x = bar_x + row.max_delta * bar_scale
    group.append(
        dw.Line(
            coord(limit_x),
            coord(track_y - 4),
            coord(limit_x),
            coord(track_y + 14),
            stroke=INK,
            stroke_width=1.5,
            stroke_dasharray="3 2",
        )
    )
    draw_text(group, f"limit {num(row.max_delta)}", limit_x, top + 50, size=10, anchor="middle", fill=MUTED)

    x = COLUMNS[3]
    if row.strain is not None:
        limit = f" (max {num(row.strain_limit)})" if row.strain_limit is not None else ""
        draw_text(group, f"strain {num(row.strain)}{limit}", x, top + 14, size=12, bold=True)
    else:
        quiet = "not checked: decoupled" if pair.classification == "decoupled" else "no strain finding"
        draw_text(group, quiet, x, top + 14, size=11, fill=MUTED)
    if row.cycles is not None:
        need = f" (need {num(row.cycles_needed, 6)})" if row.cycles_needed is not None else ""
        draw_text(group, f"Nf {num(row.cycles)} cycles{need}", x, top + 30, size=11, fill=INK)
    if pair.mitigation is not None and row.strain is not None:
        draw_text(group, "mitigated: for review", x, top + 46, size=11, fill=MUTED)
    group.append(
        dw.Line(16, coord(top + height - 4), coord(width - 16), coord(top + height - 4), stroke=RULE, stroke_width=0.6)
    )
    d.append(group)
