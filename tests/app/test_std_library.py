"""The standard materials library (`use std`, src/assemblint/std/std.assy, STD_LIBRARY.md).

Every value std gives carries its source in a comment; where sources disagree std takes the
conservative value (the lower solidus, the higher liquidus) and notes the other; a property no
source gives is left out. These tests hold the values corrected for issue 14 (part 3) to the
numbers their sources give, hold the properties no source gives to None, check the file itself
(every property line of every `material` block has a comment, every `[TAG]` is in the legend),
and check that a containing layer of `silicone_gel`, which has no sourced modulus, is reported
by CT006 rather than passed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import assemblint
from assemblint.build.builder import MATERIAL_PROPERTIES

STD_PATH = Path(assemblint.__file__).parent / "std" / "std.assy"


@pytest.fixture(scope="module")
def std() -> dict:
    """The materials `use std` gives, by name."""
    return assemblint.load("std_test.assy", text="use std\n").materials


# ================================================================================ changed values
CHANGED = [
    # Au88Ge12: Engineering ToolBox 629 K = 356 C (lower solidus); R21/R22 361 C (liquidus).
    ("Au88Ge12", "solidus", 356.0),
    ("Au88Ge12", "liquidus", 361.0),
    # Field's metal: IND #19 60 C (solidus); Wikipedia 'Field's metal' 62 C (higher liquidus).
    ("fields_metal", "solidus", 60.0),
    ("fields_metal", "liquidus", 62.0),
    # BOROFLOAT 33: the 450 C long-term derating of the reference data, not the 500 C short-time max.
    ("borosilicate_glass", "max_temp", 450.0),
    ("borosilicate_glass", "tg", 525.0),
    # SAC105: the Sn-Ag-Cu ternary eutectic (Moon et al. 2000), not alasir's impossible 215 C.
    ("SAC105", "solidus", 217.0),
    ("SAC105", "liquidus", 227.0),
    # Pb95Sn5: TopLine (UNS L54320) alone, 308/312 C, not 308 (TopLine) joined to 322 (CAPLINQ).
    ("Pb95Sn5", "solidus", 308.0),
    ("Pb95Sn5", "liquidus", 312.0),
    ("Pb95Sn5", "cte", 28.7),
    ("Pb95Sn5", "modulus", 20_000.0),  # 20 GPa, held in MPa
    ("Pb95Sn5", "resistivity", 19.6),  # 8.8 %IACS
    # SAC305: Engelmaier's eps_f' from Sci. World J. 2014:807693, Table 1.
    ("SAC305", "fatigue_ductility", 0.325),
]


@pytest.mark.parametrize(("name", "prop", "value"), CHANGED, ids=[f"{n}.{p}" for n, p, _ in CHANGED])
def test_a_changed_std_value_is_the_sourced_one(std, name: str, prop: str, value: float) -> None:
    assert getattr(std[name], prop) == pytest.approx(value)


# Tg and the CTE above it (alpha2), (tg °C, cte_above_tg ppm/K or None), from materials.md/json.
GLASS_TRANSITIONS = {
    "mold_compound": (120.0, 26.0),  # CAPLINQ gr900
    "emc7142": (123.0, 38.0),  # CAPLINQ emc-7142
    "gr750": (235.0, 40.0),  # CAPLINQ gr750
    "underfill": (118.0, 100.0),  # CAPLINQ uf8830s
    "uf9000ae": (111.0, 85.0),  # CAPLINQ uf9000ae
    "uf1173": (160.0, 103.0),  # CAPLINQ uf1173
    "fp4549": (140.0, 143.0),  # CAPLINQ fp4549
    "uf3550r": (35.0, 215.0),  # CAPLINQ uf3550r
    "fr4": (180.0, 15.5),  # Isola 370HR: Tg 180 DSC [R42]; in-plane x/y 14/17 above Tg [R41], mean
    "BT": (180.0, None),  # MGC HL820: Tg 180 TMA [R45]; no in-plane alpha2 (180 is the z-axis)
    "borosilicate_glass": (525.0, None),  # SCHOTT BOROFLOAT 33 [R32]
}


@pytest.mark.parametrize("name", sorted(GLASS_TRANSITIONS))
def test_tg_and_cte_above_tg_are_the_sourced_ones(std, name: str) -> None:
    tg, alpha2 = GLASS_TRANSITIONS[name]
    assert std[name].tg == pytest.approx(tg)
    if alpha2 is None:
        assert std[name].cte_above_tg is None
    else:
        assert std[name].cte_above_tg == pytest.approx(alpha2)


def test_only_the_sourced_materials_have_a_tg(std) -> None:
    assert sorted(n for n, m in std.items() if m.tg is not None) == sorted(GLASS_TRANSITIONS)
    assert sorted(n for n, m in std.items() if m.cte_above_tg is not None) == sorted(
        n for n, (_, alpha2) in GLASS_TRANSITIONS.items() if alpha2 is not None
    )


def test_the_values_kept_beside_the_changed_ones(std) -> None:
    # The tg/cte_above_tg properties do not replace alpha1 as `cte`.
    assert std["fr4"].cte == pytest.approx(13.5)
    assert std["mold_compound"].cte == pytest.approx(6.0)
    assert std["underfill"].cte == pytest.approx(25.0)
    # No Tg is a service limit.
    assert std["fr4"].max_temp is None and std["fr4"].service is None
    assert std["BT"].max_temp is None and std["BT"].service is None
    # silicone_gel keeps its sourced CTE (Callister) and service range (DOWSIL 744).
    assert std["silicone_gel"].cte == pytest.approx(270.0)
    assert std["silicone_gel"].service == pytest.approx((-45.0, 200.0))


def test_no_source_gives_a_silicone_gel_modulus(std) -> None:
    assert std["silicone_gel"].modulus is None


def test_fatigue_constants_only_where_a_source_gives_them(std) -> None:
    assert {n for n, m in std.items() if m.fatigue_ductility is not None} == {"SAC305"}
    # The Engelmaier-Wild exponent constants are not verified by any source in the data.
    assert [n for n, m in std.items() if m.fatigue_exponent is not None] == []


# ================================================================================ the file itself
def material_statements(text: str) -> list[tuple[str, int, str, str]]:
    """(material, first line number, statement code, its comments) for each statement in a block.

    A statement runs on while its line ends with `,` or `..` (docs/language.md, "Lines"); its
    comment may stand on any of its lines. Comment-only lines inside a block belong to no statement.
    """
    statements = []
    material = None
    current: list | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        code, _, comment = line.partition("#")
        code = code.strip()
        if material is None:
            start = re.match(r"material\s+(\w+)\b[^{]*\{\s*$", code)
            if start:
                material = start.group(1)
            else:
                assert not code.startswith("material"), f"line {number}: a material block std does not use"
            continue
        if current is not None:  # continuation of the previous statement
            current[2] += " " + code
            current[3] += comment
        elif code == "}":
            material = None
            continue
        elif code:
            current = [material, number, code, comment]
        if current is not None and not current[2].endswith((",", "..")):
            statements.append(tuple(current))
            current = None
    assert material is None, "an unclosed material block"
    return statements


def test_the_statement_parser_sees_every_std_material(std) -> None:
    names = {name for name, *_ in material_statements(STD_PATH.read_text(encoding="utf-8"))}
    assert names == set(std)


def test_every_value_in_std_carries_a_source_comment() -> None:
    missing = []
    for material, number, code, comment in material_statements(STD_PATH.read_text(encoding="utf-8")):
        prop = code.split()[0]
        assert prop in MATERIAL_PROPERTIES, f"line {number}: {code!r}"
        assert ";" not in code, f"line {number}: one property a line, so each has its own comment"
        if prop == "kind":
            continue  # the library's own classification, not a value from a source
        if not comment.strip():
            missing.append(f"{material} line {number}: {code}")
    assert missing == []


def test_every_source_tag_is_in_the_legend() -> None:
    text = STD_PATH.read_text(encoding="utf-8")
    legend = text[text.index("# Legend:") : text.index("# Conversion used by the data")]
    defined = set(re.findall(r"^#\s{3}(\w+)\s", legend, flags=re.MULTILINE))
    used = set(re.findall(r"\[([A-Za-z]\w*)\]", text))
    for tag in ("EngToolbox", "WikiFields", "Moon2000", "SWJ2014"):
        assert tag in defined
    assert used - defined == set()


# ================================================================================ CT006 on the gel
DESIGN = """use std
{material}
element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um barrier nickel 1 um }}
element sheet : dielectric_sheet {{
    body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um barrier nickel 1 um
}}
layer s : {gel} {{ role compliant; between chip, sheet; thickness 100 um }}
masses m : SnBiPbInCd50 {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um }}
process {{
    step join  {{ kind reflow; peak 75 C }}
    step fill  {{ kind inject; temp 25 C; forms s }}
    step mount {{ kind reflow; peak 165 C }}
    operate 40 C .. 85 C
}}
"""


def test_ct006_fires_for_a_containing_layer_of_silicone_gel(check_text) -> None:
    # The 50 °C masses are liquid in 40–85 °C operation, so the gel layer contains them.
    report = check_text(DESIGN.format(material="", gel="silicone_gel"), select=("CT006",))
    [finding] = [f for f in report.findings if f.rule == "CT006"]
    assert finding.object_names == ["s"]
    assert finding.data == {"material": "silicone_gel", "missing": "modulus"}
    assert "`modulus`" in finding.message


def test_ct006_is_silent_once_the_gel_datasheet_modulus_is_declared(check_text) -> None:
    text = DESIGN.format(material="material my_gel : silicone_gel { modulus 0.4 MPa }", gel="my_gel")
    report = check_text(text, select=("CT006",))
    assert [f for f in report.findings if f.rule == "CT006"] == []
