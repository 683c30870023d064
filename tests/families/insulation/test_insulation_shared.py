"""The insulation family (plugins/assemblint_insulation) as a whole (CHECKS.md, seed 003).

The shared example (examples/insulation-faults.assy) gives IN001–IN005; a cell placed three times
gives one finding per rule for all instances; the documentation examples behave as documented;
a 90,000-mass grid gives exact pair counts; and, against brute force, the spatial rules (IN003,
IN005, the cell search of _geometry.py) and the net rules (IN001, IN002) give what a pair-by-pair
or pin-by-pin check gives. One rule's own tests are in test_inNNN_<name>.py, named after its module.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from assemblint_insulation import RULES, _geometry
from assemblint_insulation._nets import pad_names
from hypothesis import given, settings
from hypothesis import strategies as st

import assemblint
from assemblint import Severity, falls_short
from assemblint.checking.context import RuleContext

from .designs import SEP, fired, line_of, of

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "insulation-faults.assy"


# ============================================================================= the shared example
def test_insulation_faults_example_gives_in001_to_in005_as_errors_and_no_in006(check_text) -> None:
    report = check_text(EXAMPLE.read_text(encoding="utf-8"))
    found = {f.rule: f for f in report.findings if f.rule.startswith("IN")}
    assert sorted(f.rule for f in report.findings if f.rule.startswith("IN")) == [
        "IN001",
        "IN002",
        "IN003",
        "IN004",
        "IN005",
    ]
    assert {f.severity.value for f in found.values()} == {"error"}
    assert found["IN001"].object_names == ["n[8:10]"]
    assert found["IN001"].data["paths"] == [f"die.c[8]{SEP}x{SEP}sub.p[9]"]
    assert found["IN002"].object_names == ["n[8]"]
    assert found["IN002"].data["groups"] == ["die.c[8]", "sub.p[8]"]
    assert (found["IN003"].object_names, found["IN003"].count) == (["z[0:4]"], 4)
    assert found["IN003"].data["min_distance"] == pytest.approx(10.0)
    assert found["IN004"].object_names == ["glue"]
    assert (found["IN005"].object_names, found["IN005"].data["pad"]) == (["x"], "sub.p[8]")


# ============================================================================= cells
CELL = """use std
material agepoxy { kind composite; resistivity 300 uohm.cm }
cell Unit {
    element die : chip {
        body silicon
        pads c grid 1 x 4 pitch 200 um diameter 100 um
        pads d grid 1 x 2 pitch 110 um origin (1 mm, 0 mm) diameter 40 um
        pads e grid 1 x 2 pitch 500 um origin (-1 mm, 1 mm) diameter 100 um
    }
    element sub : interposer {
        body silicon
        pads p grid 1 x 4 pitch 200 um diameter 100 um
        pads q grid 1 x 2 pitch 110 um origin (1 mm, 0 mm) diameter 40 um
    }
    masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }
    mass x : SAC305 { joins die.c[2] -- sub.p[3]; diameter 100 um }
    mass y : SAC305 { joins die.c[3] -- sub.p[3]; diameter 100 um }
    masses z : SAC305 { joins die.d[*] -- sub.q[*]; diameter 100 um }
    masses b : SAC305 { joins die.e[*]; diameter 100 um }
    layer glue : agepoxy { role adhesive; between die, sub; thickness 60 um; surrounds z }
    nets n { die.c[*], sub.p[*] }
}
place units : Unit grid 1 x 3 pitch 5 mm
"""
CELL_EXPECTED = {  # rule: (objects, count, the line of the declaration it points at)
    "IN001": (["units[0:3].n[2:4]"], 6, "nets n"),
    "IN002": (["units[0:3].n[2]"], 3, "nets n"),
    "IN003": (["units[0:3].z[0:2]"], 3, "masses z"),
    "IN004": (["units[0:3].glue"], 3, "layer glue"),
    "IN005": (["units[0:3].x"], 3, "mass x"),
    "IN006": (["units[0:3].b[0:2]"], 6, "masses b"),
}


@pytest.fixture(scope="module")
def cell_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("cells") / "cells.assy"
    path.write_text(CELL, encoding="utf-8")
    report = assemblint.check(path, select=tuple(CELL_EXPECTED))
    assert not report.errors and not report.problems
    return report


@pytest.mark.parametrize(
    "rule",
    list(CELL_EXPECTED),
)
def test_a_cell_placed_three_times_gives_one_finding_per_rule_for_all_instances(cell_report, rule) -> None:
    objects, count, needle = CELL_EXPECTED[rule]
    [finding] = of(cell_report, rule)
    assert finding.object_names == objects
    assert finding.count == count
    assert finding.location.line == line_of(CELL, needle)


# ============================================================================= documentation examples
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_example_that_fires_fires(check_text, rule) -> None:
    findings = fired(check_text, rule.examples["fires"], rule.id)
    assert len(findings) == 1
    assert findings[0].severity.value == ("warning" if rule.id == "IN006" else "error")


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_example_that_passes_passes(check_text, rule) -> None:
    assert fired(check_text, rule.examples["passes"], rule.id) == []


def test_the_plugin_ships_exactly_in001_to_in006() -> None:
    assert [r.id for r in RULES] == ["IN001", "IN002", "IN003", "IN004", "IN005", "IN006"]


# ============================================================================= scale
def _grid(pitch: str) -> str:
    return f"""use std
element die : chip {{ body silicon; pads c grid 300 x 300 pitch {pitch} diameter 100 um }}
element sub : interposer {{ body silicon; pads p grid 300 x 300 pitch {pitch} diameter 100 um }}
masses m : SAC305 {{ joins die.c[*] -- sub.p[*]; diameter 100 um }}
"""


def test_a_90000_mass_grid_at_a_safe_pitch_gives_no_spacing_or_alignment_finding(check_text) -> None:
    report = check_text(_grid("200 um"), select=("IN003", "IN005"))
    assert [f.rule for f in report.findings] == []


def test_a_90000_mass_grid_too_close_counts_every_adjacent_pair_once(check_text) -> None:
    report = check_text(_grid("115 um"), select=("IN003", "IN005"))  # 15 µm gaps; 115 > 110: no IN005
    [finding] = report.findings
    assert finding.rule == "IN003"
    assert finding.count == finding.data["pairs"] == 2 * 300 * 299
    assert finding.object_names == ["m[0:90000]"]
    assert finding.data["min_distance"] == pytest.approx(15.0)


# ============================================================================= against brute force
# The spatial rules search with a cell list (_geometry.py) and decide each pair with vectorised
# numpy; these references decide every pair of a small random design one by one, in plain Python,
# from the netlist's arrays and the rules' documented meaning, and must give the same findings:
# the same pairs, counts, objects and numbers, to the bit, and the same closest pair and face.
COORD = st.integers(-8, 8).map(lambda v: v * 25)  # a 25 µm lattice: ties, touching and exact limits
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # as load() does; set before hypothesis watches it


@st.composite
def random_designs(draw) -> str:
    """Two or three elements with pads on both faces, masses joining them in a few declarations."""
    lines, arrays = ["use std"], []
    for e in range(draw(st.integers(2, 3))):
        body, counts = ["body silicon"], {}
        for name, face in (("f", "front"), ("k", "back")):
            counts[name] = draw(st.integers(0 if face == "back" else 1, 5))
            if counts[name]:
                points = ", ".join(f"({draw(COORD)} um, {draw(COORD)} um)" for _ in range(counts[name]))
                size = draw(st.sampled_from(["", " diameter 40 um", " diameter 100 um", " diameter 160 um"]))
                body.append(f"pads {name} at {points}{size} face {face}")
                arrays.append((f"e{e}", name, counts[name]))
        if draw(st.booleans()) and (counts["k"] or counts["f"] > 1):  # a via: its pads are on one node
            body.append("connect f[0] -- " + ("k[0]" if counts["k"] else "f[1]"))
        lines.append(f"element e{e} : chip {{ {'; '.join(body)} }}")
    # a few pairs of pad arrays, each joined by several declarations either way round: masses then
    # share faces through their first pads, their second pads, or one of each
    links = draw(st.lists(st.tuples(st.sampled_from(arrays), st.sampled_from(arrays)), min_size=1, max_size=2))
    for m in range(draw(st.integers(1, 5))):
        (ea, na, ca), (eb, nb, cb) = draw(st.sampled_from(links))[:: draw(st.sampled_from([1, -1]))]
        count = draw(st.integers(1, min(ca, cb)))
        a0, b0 = draw(st.integers(0, ca - count)), draw(st.integers(0, cb - count))
        joins = f"{ea}.{na}[{a0}:{a0 + count}]"
        if draw(st.integers(0, 4)):  # mostly joined; sometimes one-sided
            joins += f" -- {eb}.{nb}[{b0}:{b0 + count}]"
        size = draw(st.sampled_from(["", "; diameter 50 um", "; diameter 100 um", "; diameter 130 um"]))
        lines.append(f"masses m{m} : SAC305 {{ joins {joins}{size} }}")
    for n in range(draw(st.integers(0, 3))):  # nets for IN001 and IN002: single nets and zipped ones
        (ea, na, ca), (eb, nb, cb) = draw(st.sampled_from(arrays)), draw(st.sampled_from(arrays))
        count = draw(st.integers(1, min(ca, cb)))
        a0, b0 = draw(st.integers(0, ca - count)), draw(st.integers(0, cb - count))
        keyword = draw(st.sampled_from(["net", "nets"]))
        lines.append(f"{keyword} n{n} {{ {ea}.{na}[{a0}:{a0 + count}], {eb}.{nb}[{b0}:{b0 + count}] }}")
    return "\n".join(lines) + "\n"


def _run(assembly, rule_id: str, params: dict) -> list:
    rule = next(r for r in RULES if r.id == rule_id)
    return list(rule.check(RuleContext(assembly, rule, params, Severity.ERROR)) or ())


def _mass_ids(finding) -> list[int]:
    """A finding's masses as global ids."""
    ids = []
    for group, index in finding.objects.members.values():
        ids += [group.start + i for i in (range(group.count) if index is None else sorted(index))]
    return sorted(ids)


def _face_key(net, pad: int) -> int:
    return int(net.pad_element[pad]) * 2 + int(net.pad_face[pad])


def _face_text(assembly, key: int) -> str:
    return f"{assembly.elements[key // 2].name} {('front', 'back')[key % 2]}"


def _declaration(assembly) -> list[int]:
    """Each mass group's declaration: the first group with its source location (cells share one)."""
    first: dict = {}
    return [first.setdefault(g.loc, k) for k, g in enumerate(assembly.mass_groups)]


def reference_spacing(assembly, limit: float) -> list[tuple]:
    """IN003 pair by pair: (data, masses, count) per pair of declarations, in the rule's order."""
    net = assembly.netlist
    diameter = np.nan_to_num(net.mass_diameter, nan=0.0)
    groups = assembly.mass_groups
    rank = sorted(range(len(groups)), key=lambda g: (groups[g].loc.path, groups[g].loc.line, groups[g].loc.column))
    rank = {g: r for r, g in enumerate(rank)}

    def faces(m: int) -> list[tuple[int, bool]]:  # (face, through the mass's first pad)
        pads = [(int(net.mass_pad_a[m]), True)] + ([(int(net.mass_pad_b[m]), False)] if net.mass_pad_b[m] >= 0 else [])
        return [(_face_key(net, p), first) for p, first in pads]

    found = []
    for m1 in range(net.mass_count):
        for m2 in range(m1 + 1, net.mass_count):
            shared = [(not (a1 or a2), f1) for f1, a1 in faces(m1) for f2, a2 in faces(m2) if f1 == f2]
            if not shared or net.mass_node[m1] == net.mass_node[m2]:
                continue
            p1, p2 = net.mass_pad_a[m1], net.mass_pad_a[m2]
            centres = np.hypot(net.pad_x[p1] - net.pad_x[p2], net.pad_y[p1] - net.pad_y[p2])
            gap = centres - (diameter[m1] + diameter[m2]) / 2
            if falls_short(gap, limit):
                first, later = sorted((m1, m2), key=lambda m: (rank[int(net.mass_group[m])], m))
                found.append((later, first, float(gap), min(shared)[1]))
    found.sort(key=lambda f: (f[0], f[1]))
    decl = _declaration(assembly)
    by_key: dict[int, list] = {}
    for pair in found:
        key = decl[net.mass_group[pair[0]]] * len(groups) + decl[net.mass_group[pair[1]]]
        by_key.setdefault(key, []).append(pair)
    out = []
    for key in sorted(by_key):
        pairs = by_key[key]
        later, first, gap, face = min(pairs, key=lambda p: round(p[2], 3))  # ties: the first in order
        names = [net.node_name(assembly, net.pad_count + m) for m in (first, later)]
        count = sum(int(net.mass_weight[p[0]]) for p in pairs)
        data = {"pairs": count, "min_distance": gap, "min_spacing": limit, "closest": names}
        data["face"] = _face_text(assembly, face)
        out.append((data, sorted({p[0] for p in pairs} | {p[1] for p in pairs}), count))
    return out


def reference_misalignment(assembly, tolerance: float) -> list[tuple]:
    """IN005 mass by pad: (data, masses, count, face) per mass declaration, in the rule's order."""
    net = assembly.netlist
    mass_r = np.nan_to_num(net.mass_diameter, nan=0.0) / 2 + tolerance
    pad_r = np.nan_to_num(net.pad_diameter, nan=0.0) / 2
    hits = []
    for m in range(net.mass_count):
        at, other = int(net.mass_pad_a[m]), int(net.mass_pad_b[m])
        touched = {_face_key(net, at)} | ({_face_key(net, other)} if other >= 0 else set())
        for q in range(net.pad_count):
            if _face_key(net, q) in touched and net.pad_node[q] != net.mass_node[m]:
                dx, dy = float(net.pad_x[at] - net.pad_x[q]), float(net.pad_y[at] - net.pad_y[q])
                distance = math.sqrt(dx * dx + dy * dy)
                if falls_short(distance, mass_r[m] + pad_r[q]):
                    hits.append((m, q, distance))
    decl = _declaration(assembly)
    out = []
    for d in sorted({decl[net.mass_group[m]] for m, _, _ in hits}):
        mine = [h for h in hits if decl[net.mass_group[h[0]]] == d]
        m, q, distance = min(mine, key=lambda h: round(h[2], 3))
        count = sum(int(net.mass_weight[h[0]]) for h in mine)
        data = {
            "pairs": count,
            "mass": net.node_name(assembly, net.pad_count + m),
            "pad": net.node_name(assembly, q),
            "distance": distance,
            "footprint_radius": float(mass_r[m]),
            "pad_radius": float(pad_r[q]),
            "alignment_tolerance": tolerance,
        }
        out.append((data, sorted({h[0] for h in mine}), count, _face_text(assembly, _face_key(net, q))))
    return out


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    text=random_designs(),
    limit=st.sampled_from([0.0, 20.0, 50.0, 125.0]),
    tolerance=st.sampled_from([0.0, 10.0, 35.0]),
)
def test_in003_and_in005_give_what_a_brute_force_check_of_every_pair_gives(text, limit, tolerance) -> None:
    assembly = assemblint.load("random.assy", text=text)
    spacing = _run(assembly, "IN003", {"min_spacing": limit})
    assert [(f.data, _mass_ids(f), f.count) for f in spacing] == reference_spacing(assembly, limit)
    misaligned = _run(assembly, "IN005", {"alignment_tolerance": tolerance})
    faces = [re.search(r" on (\S+ (?:front|back)): centres", f.message).group(1) for f in misaligned]
    got = [(f.data, _mass_ids(f), f.count, face) for f, face in zip(misaligned, faces, strict=True)]
    assert got == reference_misalignment(assembly, tolerance)


def reference_nets(assembly) -> tuple[list[tuple], list[tuple]]:
    """IN001 and IN002 pin by pin: (nets, paths, nodes) per set of shorted nodes where the same
    declarations meet (the first node's nets and paths, and how many nodes), (net, groups) per open net."""
    net = assembly.netlist
    pins = [
        (int(pad), f"{g.item_name(i)}") for g in assembly.net_groups for i, pads in enumerate(g.pins) for pad in pads
    ]
    statement = {g.item_name(i): k for k, g in enumerate(assembly.net_groups) for i in range(g.count)}
    numbers = {name: k for k, name in enumerate(dict.fromkeys(name for _, name in pins))}
    on_node: dict[int, dict[int, list[int]]] = {}
    for pad, name in pins:
        on_node.setdefault(int(net.pad_node[pad]), {}).setdefault(numbers[name], []).append(pad)
    names = list(numbers)
    shorts: dict[tuple, list] = {}  # the declarations of a node's nets, in net order -> first node, nodes
    for node in sorted(on_node):
        nets = sorted(on_node[node])
        if len(nets) > 1:
            kind = tuple(statement[names[n]] for n in nets)
            if kind in shorts:
                shorts[kind][2] += 1
                continue
            source, paths = on_node[node][nets[0]][0], []
            for other in nets[1:4]:
                path = net.path(source, set(on_node[node][other]))
                words = [net.node_name(assembly, p) for p in path]
                paths.append(f"{words[0]} is a pin of both" if len(path) == 1 else " — ".join(words))
            shorts[kind] = [[names[n] for n in nets], paths, 1]
    opens = []
    for name in names:
        mine = [pad for pad, other in pins if other == name]
        nodes = sorted({int(net.pad_node[pad]) for pad in mine})
        if len(nodes) > 1:
            groups = [pad_names(assembly, np.array([p for p in mine if net.pad_node[p] == n])) for n in nodes]
            opens.append((name, groups))
    return [tuple(v) for v in shorts.values()], opens


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(text=random_designs())
def test_in001_and_in002_give_what_a_pin_by_pin_check_gives(text) -> None:
    assembly = assemblint.load("random.assy", text=text)
    shorts, opens = reference_nets(assembly)
    got = [(f.data["nets"], f.data["paths"], f.data.get("nodes", 1)) for f in _run(assembly, "IN001", {})]
    assert got == shorts
    assert [(f.data["net"], f.data["groups"]) for f in _run(assembly, "IN002", {})] == opens


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    points=st.lists(st.tuples(st.integers(0, 3), COORD, COORD), max_size=40),
    others=st.lists(st.tuples(st.integers(0, 3), COORD, COORD), max_size=40),
    radius=st.sampled_from([0.5, 25.0, 60.0, 125.0, 400.0]),
    block=st.sampled_from([1, 3, 1 << 16]),
    table=st.booleans(),
)
def test_the_cell_search_finds_every_pair_within_reach(points, others, radius, block, table) -> None:
    """Both searches, in steps of any size, with the table of counts or with binary searches."""

    def arrays(rows):
        return np.array([r[0] for r in rows], dtype=np.int64), *(np.array([r[k] for r in rows], float) for k in (1, 2))

    (g, x, y), (gb, xb, yb) = arrays(points), arrays(others)

    def near(i: int, gj, xj, yj, j: int) -> bool:
        return g[i] == gj[j] and math.hypot(x[i] - xj[j], y[i] - yj[j]) <= radius

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_geometry, "BLOCK", block)
        patch.setattr(_geometry, "TABLE_LIMIT", (4, 2**20) if table else (0, 0))
        i, j = _geometry.pairs_within(g, x, y, radius)
        found = list(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist(), strict=True))
        assert len(set(found)) == len(found) and all(g[a] == g[b] and a != b for a, b in found)  # each pair once
        assert {(a, b) for a in range(len(g)) for b in range(a + 1, len(g)) if near(a, g, x, y, b)} <= set(found)
        i, j = _geometry.pairs_between(g, x, y, gb, xb, yb, radius)
        found = list(zip(i.tolist(), j.tolist(), strict=True))
        assert len(set(found)) == len(found) and all(g[a] == gb[b] for a, b in found)
        assert {(a, b) for a in range(len(g)) for b in range(len(gb)) if near(a, gb, xb, yb, b)} <= set(found)
        # each point asking again, in the next group (IN005: a mass on both faces it touches)
        at = np.concatenate([np.arange(len(g)), np.arange(len(g))])
        asks = np.concatenate([g, (g + 1) % 4])
        i, j = _geometry.pairs_between(asks, x, y, gb, xb, yb, radius, at=at)
        found = list(zip(i.tolist(), j.tolist(), strict=True))
        assert len(set(found)) == len(found) and all(asks[a] == gb[b] for a, b in found)
        want = {(a, b) for a in range(len(at)) for b in range(len(gb)) if asks[a] == gb[b]}
        assert {(a, b) for a, b in want if math.hypot(x[at[a]] - xb[b], y[at[a]] - yb[b]) <= radius} <= set(found)
