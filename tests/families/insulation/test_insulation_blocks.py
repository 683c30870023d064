"""Clusters counted as whole blocks of pairs (plugins/assemblint_insulation/_blocks.py) against the
pairs enumerated one by one: the same findings, to the bit, with the counts worked out by hand.

`_blocks.BLOCK_PAIRS` decides which pairs of cells are blocks: 1 makes every pair of cells whose
masses certainly all offend a block, a number beyond reach makes none. Both must give the same
findings, and the same as the brute-force references of test_insulation_shared.py.
"""

from __future__ import annotations

import pytest
from assemblint_insulation import _blocks, _geometry
from hypothesis import given, settings
from hypothesis import strategies as st

import assemblint
from benchmarks.pathological import overlapping

from .test_insulation_shared import _mass_ids, _run, random_designs, reference_misalignment, reference_spacing

NEVER = 1 << 62
LIMIT, TOLERANCE = 20.0, 10.0


def _pads(name: str, array: str, points: list[tuple[float, float]]) -> str:
    listed = ", ".join(f"({x} um, {y} um)" for x, y in points)
    return f"pads {array} at {listed} diameter 100 um"


def at_one_spot(n: int) -> str:
    """n masses on n pads at exactly one point: every pair at distance 0, every pair a tie."""
    spot = [(0.0, 0.0)] * n
    return (
        "use std\n"
        f"element die : chip {{ body silicon; {_pads('die', 'c', spot)} }}\n"
        f"element sub : interposer {{ body silicon; {_pads('sub', 'p', spot)} }}\n"
        "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um }\n"
    )


def two_declarations_interleaved() -> str:
    """40 masses in two declarations of two diameters, one pad apart at a 1 nm pitch: `b`, declared
    first, joins the later pads, so the later declaration holds the lower ids."""
    return overlapping(1).split("element")[0] + (
        "element die : chip { body silicon; pads c grid 5 x 8 pitch 0.001 um diameter 100 um }\n"
        "element sub : interposer { body silicon; pads p grid 5 x 8 pitch 0.001 um diameter 100 um }\n"
        "masses b : SAC305 { joins die.c[20:40] -- sub.p[20:40]; diameter 100 um }\n"
        "masses a : SAC305 { joins die.c[0:20] -- sub.p[0:20]; diameter 80 um }\n"
    )


def astride_four_cells() -> str:
    """A 13 x 13 cluster at a 5 µm pitch about the origin and one mass at (-120 µm, -120 µm): the
    cells (120 µm wide, from the far mass) cut the cluster in four at the origin, so blocks are
    pairs of different cells too."""
    return (
        "use std\n"
        "element die : chip { body silicon; pads c grid 13 x 13 pitch 5 um diameter 100 um;"
        " pads o at (-120 um, -120 um) diameter 100 um }\n"
        "element sub : interposer { body silicon; pads p grid 13 x 13 pitch 5 um diameter 100 um;"
        " pads q at (-120 um, -120 um) diameter 100 um }\n"
        "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um }\n"
        "masses o : SAC305 { joins die.o[0] -- sub.q[0]; diameter 100 um }\n"
    )


def cell_placed_three_times() -> str:
    """A cell of 16 masses at one spot placed three times: the representative's pairs weigh 3."""
    inner = overlapping(4).removeprefix("use std\n").replace("\n", "\n    ")
    return f"use std\ncell U {{\n    {inner}}}\nplace u : U grid 1 x 3 pitch 10 mm x 10 mm\n"


# each design's counts, by hand: IN003 per pair of declarations, then IN005 per declaration (each
# mass over the pads of the other masses, on the two faces it touches)
DESIGNS = {
    "overlap-36": (overlapping(6), [36 * 35 // 2, 36 * 35 * 2]),
    "one-spot-30": (at_one_spot(30), [30 * 29 // 2, 30 * 29 * 2]),
    # within b, between a and b (every pair), within a; then b's masses and a's, over 39 pads each
    "two-declarations": (two_declarations_interleaved(), [190, 400, 190, 20 * 39 * 2, 20 * 39 * 2]),
    "astride-four-cells": (astride_four_cells(), None),
    "cell-placed-three-times": (cell_placed_three_times(), [3 * 16 * 15 // 2, 3 * 16 * 15 * 2]),
}


def _shown(findings) -> list:
    return [(f.rule, f.message, f.data, f.count, _mass_ids(f)) for f in findings]


def _check(text: str, threshold: int, monkeypatch) -> tuple[list, int]:
    """The findings of IN003 and IN005, and how many blocks were counted as wholes."""
    monkeypatch.setattr(_blocks, "BLOCK_PAIRS", threshold)
    rows = []
    real = _geometry.Tally.blocks.__func__  # type: ignore[attr-defined]

    def spy(cls, found):
        rows.extend(found)
        return real(cls, found)

    monkeypatch.setattr(_geometry.Tally, "blocks", classmethod(spy))
    assembly = assemblint.load("d.assy", text=text)
    findings = _run(assembly, "IN003", {"min_spacing": LIMIT}) + _run(
        assembly, "IN005", {"alignment_tolerance": TOLERANCE}
    )
    return findings, len(rows)


@pytest.mark.parametrize("name", list(DESIGNS))
def test_blocks_and_enumerated_pairs_give_the_same_findings_and_the_counts_by_hand(name, monkeypatch) -> None:
    text, counts = DESIGNS[name]
    blocked, blocks = _check(text, 1, monkeypatch)
    enumerated, none = _check(text, NEVER, monkeypatch)
    assert blocks > 0 and none == 0
    assert _shown(blocked) == _shown(enumerated)
    if counts is not None:
        assert [f.count for f in blocked] == counts


@pytest.mark.parametrize("name", list(DESIGNS))
def test_blocks_give_what_a_brute_force_check_of_every_pair_gives(name, monkeypatch) -> None:
    monkeypatch.setattr(_blocks, "BLOCK_PAIRS", 1)
    assembly = assemblint.load("d.assy", text=DESIGNS[name][0])
    spacing = _run(assembly, "IN003", {"min_spacing": LIMIT})
    assert [(f.data, _mass_ids(f), f.count) for f in spacing] == reference_spacing(assembly, LIMIT)
    misaligned = _run(assembly, "IN005", {"alignment_tolerance": TOLERANCE})
    reference = [r[:3] for r in reference_misalignment(assembly, TOLERANCE)]
    assert [(f.data, _mass_ids(f), f.count) for f in misaligned] == reference


def test_ties_at_one_spot_go_to_the_first_pair_and_the_first_pad(monkeypatch) -> None:
    (spacing, misaligned), _ = _check(at_one_spot(30), 1, monkeypatch)
    assert spacing.data["closest"] == ["m[0]", "m[1]"]  # every pair 0 apart: the least later, then first
    assert spacing.data["min_distance"] == -100.0
    assert (misaligned.data["mass"], misaligned.data["pad"], misaligned.data["distance"]) == ("m[0]", "die.c[1]", 0.0)


def test_the_later_declaration_with_the_lower_ids_is_the_later_of_each_pair(monkeypatch) -> None:
    findings, _ = _check(two_declarations_interleaved(), 1, monkeypatch)
    spacing = [f.data["closest"] for f in findings if f.rule == "IN003"]
    # b (declared first) holds the masses on pads 20-39, a those on pads 0-19, in rows of 8 at a
    # 1 nm pitch. Between a and b, a pair 1 nm apart (a[12], b[0]) and one √2 nm apart (a[11],
    # b[0]) both overlap by 89.999 µm to the nanometre: the tie goes to the least later mass,
    # a[11] (id 31), the earlier-declared mass named first
    assert spacing == [["b[0]", "b[1]"], ["b[0]", "a[11]"], ["a[0]", "a[1]"]]


def test_ten_thousand_masses_at_one_spot_are_counted_by_hand_as_one_block(monkeypatch) -> None:
    """overlap-10000 of the pathological set, at the default threshold: 50 million pairs of masses
    and 200 million of masses and pads, counted without being looked at."""
    (spacing, misaligned), blocks = _check(overlapping(100), _blocks.BLOCK_PAIRS, monkeypatch)
    n = 100 * 100
    assert blocks == 3  # IN003 on one cell; IN005 on each face's cell
    assert (spacing.count, spacing.data["closest"], spacing.data["min_distance"]) == (
        n * (n - 1) // 2,
        ["m[0]", "m[1]"],
        -99.999,
    )
    assert (misaligned.count, misaligned.data["mass"], misaligned.data["pad"]) == (n * (n - 1) * 2, "m[0]", "die.c[1]")
    assert _mass_ids(spacing) == _mass_ids(misaligned) == list(range(n))


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(
    text=random_designs(),
    limit=st.sampled_from([0.0, 20.0, 50.0, 125.0]),
    tolerance=st.sampled_from([0.0, 10.0, 35.0]),
)
def test_every_certain_pair_of_cells_as_a_block_gives_what_brute_force_gives(text, limit, tolerance) -> None:
    """The random designs of the brute-force test, with every pair of cells that can be a block one:
    on a 25 µm lattice, with ties, touching masses and exact limits."""
    saved = _blocks.BLOCK_PAIRS
    _blocks.BLOCK_PAIRS = 1
    try:
        assembly = assemblint.load("random.assy", text=text)
        spacing = _run(assembly, "IN003", {"min_spacing": limit})
        assert [(f.data, _mass_ids(f), f.count) for f in spacing] == reference_spacing(assembly, limit)
        misaligned = _run(assembly, "IN005", {"alignment_tolerance": tolerance})
        reference = [r[:3] for r in reference_misalignment(assembly, tolerance)]
        assert [(f.data, _mass_ids(f), f.count) for f in misaligned] == reference
    finally:
        _blocks.BLOCK_PAIRS = saved
