"""`refine TARGET { … }` (build/imports.py; STACK.md §6): what a 3DBlox design does not carry, added in
an `.assy` that imports it: materials and CTEs of its elements, sizes of a region's bumps, material
and diameter of a connection's masses. What the import already gives is E004; a target that no import
brings is E002.

The design is OpenROAD's 3dic_cross.3dbx (tests/data/openroad_3dblox/): chipA (z 0) and chipB (z 300,
face down), 20 × 20 × 300 µm, their front regions' three bumps each; the connection `bond_a_to_b`
joins two pairs of them (at (15, 17) and (19, 19)), `to_pkg` joins nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import assemblint

DATA = Path(__file__).resolve().parent.parent / "data" / "openroad_3dblox"
FILES = ("3dic_cross.3dbx", "3dic_cross_flop.3dbv", "3dic_cross_flop_a.bmap", "3dic_cross_flop_b.bmap")
IMPORT = 'use std\nimport "3dic_cross.3dbx"\n'  # a refine on line 3 starts at column 1, its target at 8


@pytest.fixture
def cross(tmp_path: Path) -> Path:
    for name in FILES:
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def load(folder: Path, text: str) -> assemblint.Assembly:
    path = folder / "d.assy"
    path.write_text(IMPORT + text, encoding="utf-8")
    return assemblint.load(path)


def errors(folder: Path, text: str) -> list[tuple[str, int, int, str]]:
    path = folder / "d.assy"
    path.write_text(IMPORT + text, encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    return [(d.code, d.location.line, d.location.column, plain(d.message, folder)) for d in info.value.diagnostics]


def plain(message: str, folder: Path) -> str:
    """A message with the test's folder left out of the paths it shows."""
    return message.replace(f"{folder.resolve()}/", "").replace(f"{folder}/", "")


def element(asm: assemblint.Assembly, name: str):
    return next(e for e in asm.elements if e.name == name)


def masses(asm: assemblint.Assembly, name: str):
    return next(m for m in asm.mass_groups if m.name == name)


# ------------------------------------------------------------------------ elements
def test_refine_adds_body_and_cte_to_an_imported_element(cross: Path) -> None:
    asm = load(cross, "refine chipA { body silicon; cte 2.6 ppm/K }\nrefine chipB { body silicon; cte 16 ppm/K }\n")
    chip_a, chip_b = element(asm, "chipA"), element(asm, "chipB")
    assert chip_a.body is not None and chip_a.body.name == "silicon"
    assert chip_a.cte == 2.6
    assert chip_b.cte == 16.0  # its own cte over its body's
    # what the import gave stays
    assert (chip_b.size, chip_b.z, chip_b.flip) == ((20.0, 20.0, 300.0), 300.0, True)


def test_an_imported_element_without_refine_has_no_body(cross: Path) -> None:
    asm = load(cross, "")
    assert [(e.body, e.cte) for e in asm.elements] == [(None, None), (None, None)]


def test_a_refine_may_come_before_the_import(cross: Path) -> None:
    path = cross / "d.assy"
    path.write_text('use std\nrefine chipA { body silicon }\nimport "3dic_cross.3dbx"\n', encoding="utf-8")
    body = element(assemblint.load(path), "chipA").body
    assert body is not None and body.name == "silicon"


CTE_PROCESS = """\
process {
    step bond { kind reflow; peak 245 C; forms bond_a_to_b }
    operate -40 C .. 125 C
}
"""


def test_the_cte_rules_read_refined_ctes(cross: Path) -> None:
    (cross / "d.assy").write_text(
        IMPORT + "refine chipA { body silicon; cte 2.6 ppm/K }\nrefine chipB { body silicon; cte 16 ppm/K }\n"
        "refine bond_a_to_b { material SAC305; diameter 2 um }\n" + CTE_PROCESS,
        encoding="utf-8",
    )
    report = assemblint.check(cross / "d.assy", select=("CTE001",))
    assert not report.errors, [d.message for d in report.errors]
    [finding] = [f for f in report.findings if f.rule == "CTE001"]
    assert finding.object_names == ["chipA", "chipB"]
    assert finding.data == {"delta_alpha": pytest.approx(13.4), "cte": [2.6, 16.0], "max_delta": 3.0, "rigid_joints": 2}


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_the_strain_rules_skip_the_joints_of_a_zero_thickness_connection(cross: Path) -> None:
    (cross / "d.assy").write_text(
        IMPORT + "refine chipA { body silicon; cte 2.6 ppm/K }\nrefine chipB { body silicon; cte 16 ppm/K }\n"
        "refine bond_a_to_b { material SAC305; diameter 2 um }\n" + CTE_PROCESS,
        encoding="utf-8",
    )
    report = assemblint.check(cross / "d.assy", select=("CTE002",))
    assert [f.message for f in report.findings if f.rule == "CTE002"] == []


@pytest.mark.parametrize(
    ("prop", "name"),
    [
        ("size 1 mm x 1 mm x 0.3 mm", "size"),
        ("z 5 um", "z"),
        ("position (0 um, 0 um)", "position"),
        ("flip", "flip"),
        ("rotate 90", "rotate"),
        ("mirror", "mirror"),
    ],
)
def test_refine_giving_what_the_import_gives_is_e004(cross: Path, prop: str, name: str) -> None:
    assert errors(cross, f"refine chipA {{ body silicon; {prop} }}\n") == [
        (
            "E004",
            3,
            30,
            f"`{name}` of `chipA` is already given by the imported design (3dic_cross.3dbx:20:3); "
            "`refine` adds what it does not give",
        )
    ]


# ------------------------------------------------------------------------ regions and connections
def test_refine_of_a_region_sets_its_pads_diameter(cross: Path) -> None:
    asm = load(cross, "refine chipA.front_reg { diameter 20 um }\n")
    pads = element(asm, "chipA").pads["front_reg"]
    assert pads.diameter == 20.0
    assert element(asm, "chipB").pads["front_reg"].diameter is None
    diameters = asm.netlist.pad_diameter
    assert diameters[:3].tolist() == [20.0, 20.0, 20.0]  # chipA's pads come first
    assert np.isnan(diameters[3:]).all()


def test_refine_of_a_connection_sets_its_masses_material_and_diameter(cross: Path) -> None:
    asm = load(cross, "refine bond_a_to_b { material SAC305; diameter 25 um }\n")
    bond = masses(asm, "bond_a_to_b")
    assert bond.material is not None and bond.material.name == "SAC305"
    assert bond.diameter.tolist() == [25.0, 25.0]
    assert asm.netlist.mass_diameter.tolist() == [25.0, 25.0]
    assert bond.height == 0.0  # still the connection's thickness
    assert masses(asm, "to_pkg").material is None


def test_masses_without_a_diameter_take_the_smaller_of_their_pads(cross: Path) -> None:
    asm = load(cross, "refine chipA.front_reg { diameter 20 um }\nrefine chipB.front_reg { diameter 12 um }\n")
    assert masses(asm, "bond_a_to_b").diameter.tolist() == [12.0, 12.0]
    asm = load(cross, "refine chipA.front_reg { diameter 20 um }\n")  # chipB's pads have none
    assert masses(asm, "bond_a_to_b").diameter.tolist() == [20.0, 20.0]


def test_refine_of_a_region_takes_only_pad_sizes(cross: Path) -> None:
    assert errors(cross, "refine chipA.front_reg { face back }\n") == [
        ("E010", 3, 26, "`refine` of a region takes diameter, size, oblong, barrier, finish, not `face`")
    ]


def test_refine_of_a_region_with_a_diameter_that_is_not_positive_is_e008(cross: Path) -> None:
    assert errors(cross, "refine chipA.front_reg { diameter -5 um }\n") == [
        ("E008", 3, 35, "a diameter must be positive, got -5 um")
    ]


def test_refine_of_a_connection_takes_only_material_and_diameter(cross: Path) -> None:
    assert errors(cross, "refine bond_a_to_b { height 5 um }\n") == [
        ("E010", 3, 22, "`refine` of a connection takes material, diameter, not `height`")
    ]
    assert errors(cross, "refine bond_a_to_b { material SAC306 }\n") == [
        ("E002", 3, 31, "unknown material `SAC306` (did you mean `SAC305`?)")
    ]
    assert errors(cross, "refine bond_a_to_b { diameter 5 degC }\n") == [
        ("E003", 3, 31, "expected a length, got a temperature: 5 degC")
    ]


@pytest.mark.parametrize("diameter", ["-5 um", "0 um"])
def test_refine_of_a_connection_with_a_diameter_that_is_not_positive_is_e008(cross: Path, diameter: str) -> None:
    found = errors(cross, f"refine bond_a_to_b {{ diameter {diameter} }}\n")
    assert [(code, line) for code, line, _, _ in found] == [("E008", 3)]


# ------------------------------------------------------------------------ targets
def unknown(target: str) -> str:
    return (
        f"`refine {target}`: no imported element, region or connection is named `{target}`; `refine` adds to "
        "what an import brings, a design's own objects take their properties where they are declared"
    )


@pytest.mark.parametrize("target", ["chipC", "chipA.back_reg", "bond_a_to_c"])
def test_an_unknown_refine_target_is_e002(cross: Path, target: str) -> None:
    assert errors(cross, f"refine {target} {{ body silicon }}\n") == [("E002", 3, 8, unknown(target))]


def test_refine_of_an_assy_element_is_e002(cross: Path) -> None:
    text = "element die : chip { body silicon }\nrefine die { cte 3 ppm/K }\n"
    assert errors(cross, text) == [("E002", 4, 8, unknown("die"))]


def test_refine_without_any_import_is_e002(tmp_path: Path) -> None:
    path = tmp_path / "d.assy"
    path.write_text("use std\nelement die : chip { body silicon }\nrefine die { cte 3 ppm/K }\n", encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    [error] = info.value.diagnostics
    assert (error.code, error.location.line, error.location.column, error.message) == ("E002", 3, 8, unknown("die"))


def test_an_imported_name_declared_again_in_the_assy_is_e004(cross: Path) -> None:
    [(code, line, column, message)] = errors(cross, "element chipA : chip { body silicon }\n")
    assert (code, line, column, message) == ("E004", 3, 9, "the name `chipA` is declared twice")
