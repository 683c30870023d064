"""explicit.py: one-line pads and masses read without Lark give the same trees, designs, errors and findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import assemblint
from assemblint.base.diagnostics import LanguageError
from assemblint.language import explicit, syntax
from assemblint.language import syntax_tree as st

HEAD = """assembly "explicit"
use std
process { step join { kind reflow; peak 245 C }; operate 20 C .. 85 C }
"""


def explicit_design(n: int, pitch: float = 50.0) -> str:
    """n masses between two elements, every pad and mass its own line, as an export writes them."""
    lines = [HEAD]
    for element, kind, body, pad in (("die", "chip", "silicon", "c"), ("sub", "substrate", "silicon", "p")):
        lines.append(f"element {element} : {kind} {{")
        lines.append(f"    body {body}")
        for i in range(n):
            lines.append(f"    pad {pad}{i} at ({(i % 10) * pitch} um, {(i // 10) * pitch} um) diameter 25 um")
        lines.append("}")
    lines += [f"mass m{i} : SAC305 {{ joins die.c{i} -- sub.p{i}; diameter 30 um; height 100 um }}" for i in range(n)]
    return "\n".join(lines) + "\n"


# Lines of every shape the fast path takes, and of shapes it must leave to Lark.
ODD = """assembly "odd shapes"
use std
material gel : silicone_gel { service -40 C .. 150 C }
let shift = 1 mm
element die : chip {
    body silicon
    position (0.5 mm, -2 mm)
    pad a0 at (-1.5 mm, 2e3 um) diameter 0.03 mm   # a comment
    pad a1 at(0 um,0 um);
    pad a2 at (10 µm, 20 μm) diameter 25 um barrier nickel 1 um
    pads g grid 2 x 2 pitch 100 um diameter 30 um
    pad a3 at (shift, 0 um)
    pad a4 at (1 um,
               2 um)
    pad a5 at (- 3 um, 4 um) face back
}
element sub : substrate {
    body silicon
    pad b0 at (0 um, 0 um) diameter 25 um
    pad b1 at (100 um, 0 um)
    pad b2 at (200 um, 0 um) diameter 25 um
    pad b3 at (300 um, 0 um) diameter 25 um
    pad b4 at (400 um, 0 um) diameter 25 um
    pad b5 at (500 um, 0 um) diameter 25 um
}
mass m0 : SAC305 { joins die.a0 -- sub.b0; diameter 30 um; height 100 um }
mass m1 : SAC305 { joins die.a1 -- sub.b1 }
mass m2 : SAC305 { height 100 um; joins die.a2 -- sub.b2 }
mass m3 : SAC305 { joins die.a3 -- sub.b3; in gel }
mass m4 { joins die.a4 -- sub.b4; region core : Pb95Sn5 on die; region joint : SAC305 on sub }
   mass m5 : SAC305 {joins die.a5--sub.b5;diameter 30um;height 0.1 mm;}
layer gel : gel { role compliant; between die, sub; thickness 100 um }
mass g2 : SAC305 { joins die.g[0] -- sub.b0 }
"""


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explicit, "MIN_BYTES", 0)


def parse_both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list, list]:
    monkeypatch.setattr(explicit, "MIN_BYTES", 10**12)
    lark = syntax.parse(text, "d.assy").statements
    monkeypatch.setattr(explicit, "MIN_BYTES", 0)
    quick = syntax.parse(text, "d.assy").statements
    return lark, quick


def test_rows_expand_to_the_very_nodes_lark_makes(monkeypatch: pytest.MonkeyPatch) -> None:
    lark, quick = parse_both(explicit_design(40), monkeypatch)
    assert [type(s).__name__ for s in quick] == [
        "AssemblyTitle",
        "Use",
        "ProcessDecl",
        "Declaration",
        "Declaration",
        "MassRows",
    ]
    assert isinstance(quick[3].properties[1], st.PadRows) and len(quick[3].properties[1].rows) == 40
    assert st.expand_rows(quick) == lark


def test_lines_of_other_shapes_are_left_to_lark_in_their_place(monkeypatch: pytest.MonkeyPatch) -> None:
    lark, quick = parse_both(ODD, monkeypatch)
    assert st.expand_rows(quick) == lark
    die = next(s for s in quick if isinstance(s, st.Declaration) and s.name == "die")
    shapes = [type(p).__name__ if isinstance(p, st.PadRows) else p.name for p in die.properties]
    # a0, a1 are rows; a2 has a barrier, a3 a `let`, a4 two lines, a5 a face: Lark's
    assert shapes == ["body", "position", "PadRows", "pad", "pads", "pad", "pad", "pad"]
    [row_run] = [s for s in quick if isinstance(s, st.MassRows)][:1]
    assert [r[2] for r in row_run.rows] == ["m0", "m1"]  # m2 (other order) and m3 (`in`) are Declarations


@given(
    hs.lists(
        hs.tuples(
            hs.sampled_from(["um", "mm", "µm", "mil"]),
            hs.floats(-5e4, 5e4, allow_nan=False).map(lambda v: round(v, 3)),
            hs.floats(-5e4, 5e4, allow_nan=False).map(lambda v: round(v, 3)),
            hs.sampled_from(["", " diameter 25 um", " diameter 0.025 mm", ";", "  # note", " diameter 25 um;"]),
        ),
        min_size=1,
        max_size=12,
    )
)
@settings(max_examples=60, derandomize=True, database=None, deadline=None)
def test_any_pad_line_reads_the_same_either_way(pads: list[tuple[str, float, float, str]]) -> None:
    body = "\n".join(f"    pad q{i} at ({x} {unit}, {y} {unit}){tail}" for i, (unit, x, y, tail) in enumerate(pads))
    text = f"use std\nelement e : chip {{\n{body}\n}}\n"
    saved = explicit.MIN_BYTES
    try:
        explicit.MIN_BYTES = 10**12
        lark = syntax.parse(text, "d.assy").statements
        explicit.MIN_BYTES = 0
        quick = syntax.parse(text, "d.assy").statements
    finally:
        explicit.MIN_BYTES = saved
    assert st.expand_rows(quick) == lark


def check_json(tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch, fast_path: bool) -> dict:
    monkeypatch.setattr(explicit, "MIN_BYTES", 0 if fast_path else 10**12)
    path = tmp_path / "d.assy"
    path.write_text(text, encoding="utf-8")
    report = assemblint.check(path)
    data = report.to_json()
    return {"findings": data["findings"], "errors": data.get("errors"), "summary": data["summary"]}


@pytest.mark.parametrize("name", ["design", "odd"])
def test_the_design_and_its_findings_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    text = explicit_design(60, pitch=40.0) if name == "design" else ODD  # 40 µm: IN003 fires on close pads
    lark = check_json(tmp_path, text, monkeypatch, fast_path=False)
    quick = check_json(tmp_path, text, monkeypatch, fast_path=True)
    assert quick == lark
    assert lark["findings"], "a design with no finding proves little"


BROKEN_ROWS = {
    "unknown material": ("mass m9 : SAC30 { joins die.c3 -- sub.p3 }", "E002", "unknown material `SAC30`"),
    "unknown pad": ("mass m9 : SAC305 { joins die.c99 -- sub.p3 }", "E002", "element `die` has no pad `c99`"),
    "mass named twice": ("mass m1 : SAC305 { joins die.c3 -- sub.p3 }", "E004", "`m1` is declared twice"),
    "a height in C": ("mass m9 : SAC305 { joins die.c3 -- sub.p3; height 100 C }", "E003", ""),
    "negative diameter": ("mass m9 : SAC305 { joins die.c3 -- sub.p3; diameter 0 um }", "E008", "positive"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_ROWS))
def test_a_broken_row_is_reported_as_lark_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    line, code, words = BROKEN_ROWS[case]
    text = explicit_design(5) + line + "\n"
    lark = check_json(tmp_path, text, monkeypatch, fast_path=False)["errors"]
    quick = check_json(tmp_path, text, monkeypatch, fast_path=True)["errors"]
    assert quick == lark
    assert [e["code"] for e in lark] == [code] and words in lark[0]["message"]
    assert lark[0]["location"]["line"] == text.count("\n")


def test_a_pad_declared_twice_and_a_syntax_error_read_as_lark_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twice = explicit_design(5).replace("    pad c1 at", "    pad c0 at", 1)
    assert (
        check_json(tmp_path, twice, monkeypatch, True)["errors"]
        == check_json(tmp_path, twice, monkeypatch, False)["errors"]
    )
    broken = explicit_design(5) + "mass zz : SAC305 { joins die.c1 -- sub.p1 } }\n"
    errors = []
    for fast_path in (False, True):
        monkeypatch.setattr(explicit, "MIN_BYTES", 0 if fast_path else 10**12)
        with pytest.raises(LanguageError) as caught:
            syntax.parse(broken, "d.assy")
        errors.append([(d.code, d.message, d.location) for d in caught.value.diagnostics])
    assert errors[0] == errors[1] and errors[0][0][0] == "E001"


def test_small_files_are_left_to_lark_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(explicit, "recognise", lambda text, path: calls.append(path))
    syntax.parse(explicit_design(3), "small.assy")
    assert calls == []
    assert explicit.MIN_BYTES >= 100_000


def test_rows_survive_pickling_for_parallel_parsing(fast: None) -> None:
    import pickle

    statements = syntax.parse(explicit_design(10), "d.assy").statements
    assert pickle.loads(pickle.dumps(statements)) == statements
    assert json.dumps(str(statements[-1].loc))  # a MassRows has a location like any statement
