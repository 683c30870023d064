"""The shared thermal timeline (assemblint/timeline.py): the CHECKS.md definitions every rule reads.

Seed 003's process (examples/liquid-interconnect.assy: deposit, join, inject, cure, mount,
operate, store) and seed 001's (examples/hierarchical-solder.assy: join with the lower-melting
material, test, then mix above the bump's melting point), then the definitions one at a time on
small designs, and a million masses written as a grid.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.analysis.timeline import FROM_START, NEVER, Timeline, timeline_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LIQUID = (EXAMPLES / "liquid-interconnect.assy").read_text(encoding="utf-8")
HIERARCHICAL = (EXAMPLES / "hierarchical-solder.assy").read_text(encoding="utf-8")

# liquid-interconnect.assy: m (100 masses, ids 0..99) then tb (100 masses, ids 100..199).
M = slice(0, 100)
TB = slice(100, 200)
BUMP, JOIN, FILL, CURE, MOUNT, OPERATE, STORE = range(7)


@pytest.fixture(scope="module")
def seed003() -> tuple[assemblint.Assembly, Timeline]:
    assembly = assemblint.load(EXAMPLES / "liquid-interconnect.assy")
    return assembly, timeline_of(assembly)


@pytest.fixture(scope="module")
def seed001() -> tuple[assemblint.Assembly, Timeline]:
    assembly = assemblint.load(EXAMPLES / "hierarchical-solder.assy")
    return assembly, timeline_of(assembly)


def layer(assembly: assemblint.Assembly, name: str):
    return next(x for x in assembly.layers if x.name == name)


def element(assembly: assemblint.Assembly, name: str):
    found = assembly.element(name)
    assert found is not None
    return found


def variant(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new)


# ============================================================================= seed 003
def test_seed003_moments_in_order(seed003) -> None:
    _, tl = seed003
    assert [(m.name, m.index, m.low, m.high) for m in tl.moments] == [
        ("bump", 0, 25.0, 25.0),
        ("join", 1, 75.0, 75.0),
        ("fill", 2, 25.0, 25.0),
        ("cure", 3, 45.0, 45.0),
        ("mount", 4, 165.0, 165.0),
        ("operate", 5, 40.0, 85.0),
        ("store", 6, -40.0, 60.0),
    ]
    assert [m.name for m in tl.steps] == ["bump", "join", "fill", "cure", "mount"]
    assert [m.name for m in tl.service] == ["operate", "store"]
    assert tl.operating is tl.service[0]
    assert [m.kind for m in tl.moments] == ["deposit", "reflow", "inject", "cure", "reflow", "service", "service"]
    assert tl.step("mount").index == MOUNT
    assert all(m.is_step for m in tl.steps)
    assert not any(m.is_step for m in tl.service)
    with pytest.raises(KeyError):
        tl.step("operate")


def test_seed003_which_masses_exist_at_each_step(seed003) -> None:
    assembly, tl = seed003
    assert assembly.mass_count == 200
    for index in (BUMP, JOIN, FILL, CURE):
        exist = tl.masses_exist(tl.moments[index])
        assert exist[M].all(), tl.moments[index]
        assert not exist[TB].any(), tl.moments[index]
    for index in (MOUNT, OPERATE, STORE):
        assert tl.masses_exist(tl.moments[index]).all()
    assert (tl.mass_formed[M] == BUMP).all()
    assert (tl.mass_formed[TB] == MOUNT).all()


def test_seed003_which_elements_and_layers_exist(seed003) -> None:
    assembly, tl = seed003
    chip, board, gel = element(assembly, "chip28"), element(assembly, "board60"), layer(assembly, "gel54")
    assert tl.formed_at(chip) == FROM_START
    assert tl.formed_at(board) == MOUNT
    assert tl.formed_at(gel) == FILL
    assert [tl.exists(chip, m) for m in tl.moments] == [True] * 7
    assert [tl.exists(board, m) for m in tl.moments] == [False] * 4 + [True] * 3
    assert [tl.exists(gel, m) for m in tl.moments] == [False, False] + [True] * 5


def test_seed003_melting_and_joining_temperatures(seed003) -> None:
    _, tl = seed003
    assert (tl.melting[M] == 50.0).all()
    assert (tl.melting[TB] == 138.0).all()
    assert (tl.joining[M] == 50.0).all()
    assert (tl.joining[TB] == 138.0).all()
    assert (tl.fully_molten[M] == 50.0).all()
    assert (tl.fully_molten[TB] == 138.0).all()
    assert tl.fusible.all()


def test_seed003_joined_by_join_and_mount(seed003) -> None:
    _, tl = seed003
    assert (tl.joinable_from[M] == BUMP).all()
    assert (tl.joinable_from[TB] == MOUNT).all()  # tb and board60 are formed at mount
    assert (tl.joined_by[M] == JOIN).all()
    assert (tl.joined_by[TB] == MOUNT).all()


def test_seed003_liquid_at_each_moment(seed003) -> None:
    _, tl = seed003
    liquid_m = [bool(tl.liquid(m)[M].all()) for m in tl.moments]
    assert liquid_m == [False, True, False, False, True, True, True]  # 25 75 25 45 165 85 60 vs 50
    assert [bool(tl.liquid(m)[TB].any()) for m in tl.moments] == [False] * 4 + [True, False, False]


def test_seed003_remelted_by_mount_is_all_of_m_and_nothing_else(seed003) -> None:
    _, tl = seed003
    mount = tl.remelted_by(tl.step("mount"))
    assert mount[M].all()
    assert not mount[TB].any()  # tb is joined at mount, not remelted
    for name in ("bump", "join", "fill", "cure"):
        assert not tl.remelted_by(tl.step(name)).any(), name
    assert not tl.remelted_by(tl.operating).any()  # a service range is not a remelt
    assert tl.remelted[M].all()
    assert not tl.remelted[TB].any()
    assert not any(tl.mixes(m).any() for m in tl.steps)


def test_seed003_contained_from_fill_on(seed003) -> None:
    assembly, tl = seed003
    assert (tl.contained_from[M] == FILL).all()
    assert (tl.contained_from[TB] == NEVER).all()
    assert [bool(tl.contained(m)[M].all()) for m in tl.moments] == [False, False] + [True] * 5
    assert not any(tl.contained(m)[TB].any() for m in tl.moments)
    assert not tl.contained(tl.step("join")).any()
    gel = layer(assembly, "gel54")
    assert assembly.layers.index(gel) == 0
    assert (tl.container[M] == 0).all()
    assert (tl.container[TB] == -1).all()
    assert tl.can_contain(gel)
    assert tl.surrounded_by(gel).tolist() == list(range(100))  # `in gel54`, and the chip–sheet default


def test_seed003_liquid_in_service_and_containing_layers(seed003) -> None:
    assembly, tl = seed003
    assert tl.liquid_in_service[M].all()  # operate top 85 °C reaches 50 °C
    assert not tl.liquid_in_service[TB].any()  # 85 and 60 °C are below 138 °C
    assert tl.liquid_in(tl.step("join"))[M].all()
    assert tl.containing_layers == [layer(assembly, "gel54")]


def test_seed003_hottest_step_with(seed003) -> None:
    assembly, tl = seed003
    assert tl.hottest_step_with(layer(assembly, "gel54")).name == "mount"
    assert tl.hottest_step_with(element(assembly, "board60")).name == "mount"
    assert tl.hottest_step_with(element(assembly, "chip28")).name == "mount"


def test_seed003_without_forms_the_gel_contains_from_the_start(load_text) -> None:
    tl = timeline_of(load_text(variant(LIQUID, "temp 25 C; forms gel54", "temp 25 C")))
    assert (tl.contained_from[M] == FROM_START).all()
    assert tl.contained(tl.step("bump"))[M].all()
    assert tl.contained(tl.step("join"))[M].all()


def test_seed003_a_hotter_cure_remelts_inside_the_gel(load_text) -> None:
    tl = timeline_of(load_text(variant(LIQUID, "peak 45 C; requires solid m", "peak 55 C")))
    cure = tl.step("cure")
    assert tl.remelted_by(cure)[M].all()
    assert tl.contained(cure)[M].all()
    assert not tl.remelted_by(cure)[TB].any()


def test_seed003_cool_service_leaves_remelted_but_not_liquid_in_service(load_text) -> None:
    text = variant(variant(LIQUID, "operate 40 C .. 85 C", "operate 20 C .. 40 C"), "store -40 C .. 60 C", "")
    assembly = load_text(text)
    tl = timeline_of(assembly)
    assert not tl.liquid_in_service.any()
    assert tl.remelted[M].all()
    assert tl.containing_layers == [layer(assembly, "gel54")]


def test_seed003_store_alone_makes_liquid_in_service(load_text) -> None:
    text = variant(LIQUID, "operate 40 C .. 85 C", "operate 20 C .. 40 C")  # store -40..60 stays
    tl = timeline_of(load_text(text))
    assert tl.liquid(tl.service[0])[M].sum() == 0
    assert tl.service[1].name == "store"
    assert tl.liquid_in_service[M].all()


# ============================================================================= seed 001
def test_seed001_joined_by_join(seed001) -> None:
    assembly, tl = seed001
    assert assembly.mass_count == 256
    assert [(m.name, m.high) for m in tl.moments] == [
        ("bump", 25.0),
        ("join", 215.0),
        ("test", 25.0),
        ("mix", 335.0),
        ("operate", 70.0),
    ]
    assert (tl.joined_by == 1).all()  # 215 °C reaches the 183 °C joint liquidus


def test_seed001_temperatures_of_the_two_region_mass(seed001) -> None:
    _, tl = seed001
    assert (tl.melting == 183.0).all()  # the lowest solidus: Sn63Pb37
    assert (tl.joining == 183.0).all()  # the joint region's liquidus
    assert (tl.fully_molten == 312.0).all()  # Pb95Sn5 liquidus (TopLine, one source for both ends)


def test_seed001_test_and_mix_are_not_remelts(seed001) -> None:
    assembly, tl = seed001
    assert not tl.remelted_by(tl.step("test")).any()  # 25 °C
    mix = tl.step("mix")
    assert tl.liquid(mix).all()
    assert tl.mixes(mix).all()
    assert not tl.mixes(tl.step("join")).any()
    assert not tl.remelted_by(mix).any()  # intended melting
    assert not tl.remelted.any()
    assert not tl.liquid_in_service.any()  # operate 0..70 °C
    assert tl.containing_layers == []
    assert (tl.contained_from == NEVER).all()
    assert (tl.operating.low, tl.operating.high) == (0.0, 70.0)
    assert assembly.layers == []


def test_seed001_without_mixes_the_mix_step_is_a_remelt(load_text) -> None:
    tl = timeline_of(load_text(variant(HIERARCHICAL, "peak 335 C; mixes b", "peak 335 C")))
    assert tl.remelted_by(tl.step("mix")).all()
    assert tl.remelted.all()


def test_seed001_a_hot_test_is_a_remelt(load_text) -> None:
    tl = timeline_of(load_text(variant(HIERARCHICAL, "temp 25 C;  requires solid b", "temp 183 C")))
    assert tl.remelted_by(tl.step("test")).all()  # reaches 183 °C: liquid
    assert not tl.remelted_by(tl.step("mix")).any()


# ============================================================================= definitions
BASE = """\
use std
element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{chip} }}
element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{sheet} }}
{extra}
process {{
{steps}
}}
"""


def base(extra: str, steps: str, chip: str = "", sheet: str = "") -> str:
    return BASE.format(extra=extra, steps=steps, chip=chip, sheet=sheet)


def test_a_mass_is_not_joined_before_every_element_it_joins_exists(load_text) -> None:
    text = base(
        "element board : circuit_board { body fr4; pads q grid 2 x 2 pitch 500 um diameter 100 um }\n"
        "masses tb : Sn42Bi58 { joins sheet.p[*] -- board.q[*] }",
        "    step early { kind reflow; peak 200 C }\n"
        "    step place { kind generic; temp 25 C; forms board }\n"
        "    step late  { kind reflow; peak 200 C }",
    )
    tl = timeline_of(load_text(text))
    assert (tl.mass_formed == FROM_START).all()
    assert (tl.joinable_from == 1).all()
    assert (tl.joined_by == 2).all()  # not `early`: the board does not exist yet
    assert not tl.remelted.any()


def test_a_mass_formed_by_a_step_is_joined_at_or_after_it(load_text) -> None:
    text = base(
        "masses m : Sn42Bi58 { joins chip.c[*] -- sheet.p[*] }",
        "    step early { kind reflow; peak 200 C }\n"
        "    step bump  { kind deposit; temp 25 C; forms m }\n"
        "    step late  { kind reflow; peak 140 C }",
    )
    tl = timeline_of(load_text(text))
    assert (tl.mass_formed == 1).all()
    assert (tl.joinable_from == 1).all()
    assert (tl.joined_by == 2).all()
    assert not tl.masses_exist(tl.step("early")).any()


def test_joining_reaches_the_joining_temperature_exactly(load_text) -> None:
    text = base(
        "masses m : Sn42Bi58 { joins chip.c[*] -- sheet.p[*] }",
        "    step low   { kind reflow; peak 137.9 C }\n    step exact { kind reflow; peak 138 C }",
    )
    tl = timeline_of(load_text(text))
    assert (tl.joined_by == 1).all()
    assert not tl.liquid(tl.step("low")).any()
    assert tl.liquid(tl.step("exact")).all()


def test_a_non_fusible_mass_is_joined_by_the_first_bond_step_and_never_liquid(load_text) -> None:
    text = base(
        "masses m : gold { joins chip.c[*] -- sheet.p[*] }",
        "    step reflow { kind reflow; peak 400 C }\n"
        "    step bond   { kind bond;   temp 300 C }\n"
        "    step bond2  { kind bond;   temp 300 C }\n"
        "    operate -40 C .. 1200 C",
    )
    tl = timeline_of(load_text(text))
    assert not tl.fusible.any()
    assert np.isnan(tl.melting).all()
    assert np.isnan(tl.joining).all()
    assert (tl.joined_by == 1).all()
    assert not any(tl.liquid(m).any() for m in tl.moments)
    assert not tl.liquid_in_service.any()
    assert not tl.remelted.any()


def test_a_non_fusible_mass_is_bonded_only_once_it_exists(load_text) -> None:
    text = base(
        "masses m : gold { joins chip.c[*] -- sheet.p[*] }",
        "    step bond0 { kind bond;    temp 300 C }\n"
        "    step bump  { kind deposit; temp 25 C; forms m }\n"
        "    step bond1 { kind bond;    temp 300 C }",
    )
    assert (timeline_of(load_text(text)).joined_by == 2).all()


def test_a_non_fusible_mass_without_bond_step_is_never_joined(load_text) -> None:
    text = base("masses m : gold { joins chip.c[*] -- sheet.p[*] }", "    step reflow { kind reflow; peak 400 C }")
    assert (timeline_of(load_text(text)).joined_by == NEVER).all()


@pytest.mark.parametrize(
    "steps",
    ["    step warm { kind reflow; peak 120 C }", "", "    step bond { kind bond; temp 100 C }"],
    ids=["too-cold", "no-steps", "bond-is-not-for-fusible"],
)
def test_a_fusible_mass_never_joined_is_never(load_text, steps) -> None:
    tl = timeline_of(load_text(base("masses m : Sn42Bi58 { joins chip.c[*] -- sheet.p[*] }", steps)))
    assert (tl.joined_by == NEVER).all()
    assert not tl.remelted.any()


def test_unformed_elements_layers_and_masses_exist_from_the_start(load_text) -> None:
    text = base(
        "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C }\n"
        "layer g : gel { role compliant; between chip, sheet; thickness 100 um }\n"
        "masses m : Sn42Bi58 { joins chip.c[*] -- sheet.p[*] }",
        "    step first { kind reflow; peak 150 C }",
    )
    assembly = load_text(text)
    tl = timeline_of(assembly)
    first = tl.step("first")
    assert FROM_START == -1
    assert tl.formed_at(element(assembly, "chip")) == FROM_START
    assert tl.formed_at(layer(assembly, "g")) == FROM_START
    assert (tl.mass_formed == FROM_START).all()
    assert tl.exists(layer(assembly, "g"), first)
    assert tl.masses_exist(first).all()
    assert (tl.contained_from == FROM_START).all()
    assert (tl.joinable_from == FROM_START).all()
    assert (tl.joined_by == 0).all()


def test_the_default_operating_range_is_the_union_of_the_elements(load_text) -> None:
    text = base("", "    step s { kind reflow; peak 100 C }", chip="; operating 40 C .. 85 C")
    text = text.replace("body polyimide;", "body polyimide; operating -20 C .. 70 C;")
    tl = timeline_of(load_text(text))
    assert tl.operating is not None
    assert (tl.operating.name, tl.operating.low, tl.operating.high) == ("operate", -20.0, 85.0)
    assert [m.name for m in tl.moments] == ["s", "operate"]
    assert tl.operating.index == 1


def test_an_explicit_operate_wins_over_the_elements(load_text) -> None:
    text = base("", "    step s { kind reflow; peak 100 C }\n    operate 0 C .. 50 C", chip="; operating 40 C .. 85 C")
    tl = timeline_of(load_text(text))
    assert (tl.operating.low, tl.operating.high) == (0.0, 50.0)


def test_no_operating_range_at_all(load_text) -> None:
    tl = timeline_of(load_text(base("", "    step s { kind reflow; peak 100 C }")))
    assert tl.operating is None
    assert tl.service == []
    tl = timeline_of(load_text(base("", "    step s { kind reflow; peak 100 C }\n    store -40 C .. 60 C")))
    assert tl.operating is None
    assert [(m.name, m.index, m.high) for m in tl.service] == [("store", 1, 60.0)]


def test_store_and_cycle_follow_operate(load_text) -> None:
    steps = "    step s { kind reflow; peak 100 C }\n    operate 0 C .. 50 C\n    store -40 C .. 60 C\n"
    steps += "    cycle -55 C .. 125 C count 500"
    tl = timeline_of(load_text(base("", steps)))
    assert [(m.name, m.index, m.low, m.high) for m in tl.service] == [
        ("operate", 1, 0.0, 50.0),
        ("store", 2, -40.0, 60.0),
        ("cycle", 3, -55.0, 125.0),
    ]


def test_a_temp_range_step_is_at_its_top(load_text) -> None:
    steps = "    step t { kind test; temp 25 C .. 85 C }\n    step p { kind reflow; peak 165 C }"
    tl = timeline_of(load_text(base("", steps)))
    t, p = tl.step("t"), tl.step("p")
    assert (t.low, t.high) == (25.0, 85.0)
    assert (p.low, p.high) == (165.0, 165.0)
    assert "85 °C" in t.describe()


def test_liquid_reaches_the_melting_point(load_text) -> None:
    steps = "    step join { kind reflow; peak 75 C }\n    operate 20 C .. 50 C\n    store -40 C .. 49.9 C"
    tl = timeline_of(load_text(base("masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*] }", steps)))
    assert tl.liquid(tl.service[0]).all()  # 50 °C reaches 50 °C
    assert not tl.liquid(tl.service[1]).any()
    assert tl.liquid_in_service.all()


@pytest.mark.parametrize(
    ("role", "material", "contains"),
    [
        ("compliant", "kind compliant; dielectric", True),
        ("underfill", "kind polymer; dielectric", True),
        ("encapsulant", "kind dielectric", True),
        ("adhesive", "kind compliant; dielectric", False),
        ("mold", "kind polymer; dielectric", True),  # CHECKS.md v2: a mold contains
        ("compliant", "kind compliant", False),  # conductive
    ],
)
def test_can_contain_needs_a_containing_role_and_a_dielectric(load_text, role, material, contains) -> None:
    text = base(
        f"material x {{ {material} }}\n"
        f"layer g : x {{ role {role}; between chip, sheet; thickness 100 um }}\n"
        "masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*] }",
        "    step join { kind reflow; peak 75 C }\n    operate 40 C .. 85 C",
    )
    assembly = load_text(text)
    tl = timeline_of(assembly)
    assert tl.can_contain(layer(assembly, "g")) is contains
    assert tl.contained(tl.operating).all() is np.bool_(contains)
    assert (tl.container == (0 if contains else -1)).all()
    assert tl.containing_layers == [layer(assembly, "g")]  # whatever its role


def test_surrounds_in_and_the_default(load_text) -> None:
    text = base(
        "material gel { kind compliant; dielectric }\n"
        "element board : circuit_board { body fr4; pads q grid 2 x 2 pitch 500 um diameter 100 um }\n"
        "masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*] }\n"
        "masses n : SnBiPbInCd50 { joins sheet.p[*] -- chip.c[*] }\n"
        "masses k : SnBiPbInCd50 { joins sheet.p[*] -- board.q[*]; in d }\n"
        "layer d : gel { role compliant; between chip, sheet }\n"
        "layer e : gel { role compliant; between chip, sheet; surrounds m[1:3] }",
        "    step join { kind reflow; peak 75 C }\n    operate 20 C .. 30 C",
    )
    assembly = load_text(text)
    tl = timeline_of(assembly)
    # d: the default (m and n, whichever side comes first) plus k, declared `in d`.
    assert tl.surrounded_by(layer(assembly, "d")).tolist() == list(range(12))
    # e: only what it names.
    assert tl.surrounded_by(layer(assembly, "e")).tolist() == [1, 2]
    assert tl.containing_layers == []  # nothing melts again


def test_the_first_formed_containing_layer_is_the_container(load_text) -> None:
    text = base(
        "material gel { kind compliant; dielectric }\n"
        "masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*] }\n"
        "layer late : gel { role compliant; between chip, sheet }\n"
        "layer early : gel { role encapsulant; between chip, sheet; surrounds m[0:2] }",
        "    step join  { kind reflow; peak 75 C }\n"
        "    step a     { kind inject; temp 25 C; forms early }\n"
        "    step b     { kind inject; temp 25 C; forms late }\n"
        "    step mount { kind reflow; peak 165 C }",
    )
    tl = timeline_of(load_text(text))
    assert tl.container.tolist() == [1, 1, 0, 0]
    assert tl.contained_from.tolist() == [1, 1, 2, 2]
    a, b = tl.step("a"), tl.step("b")
    assert tl.contained(a).tolist() == [True, True, False, False]
    assert tl.contained(b).all()
    assert not tl.contained(tl.step("join")).any()


def test_hottest_step_with_is_the_first_on_a_tie_and_none_before_existence(load_text) -> None:
    text = base(
        "material gel { kind compliant; dielectric }\nlayer g : gel { role compliant; between chip, sheet }",
        "    step a { kind reflow; peak 200 C }\n"
        "    step b { kind inject; temp 25 C; forms g }\n"
        "    step c { kind reflow; peak 150 C }\n"
        "    step d { kind reflow; peak 150 C }",
    )
    assembly = load_text(text)
    tl = timeline_of(assembly)
    assert tl.hottest_step_with(layer(assembly, "g")).name == "c"
    assert tl.hottest_step_with(element(assembly, "chip")).name == "a"
    text = base(
        "material gel { kind compliant; dielectric }\nlayer g : gel { role compliant; between chip, sheet }",
        "    operate 0 C .. 50 C",
    )
    assembly = load_text(text)
    assert timeline_of(assembly).hottest_step_with(layer(assembly, "g")) is None


def test_by_group_splits_a_mask_into_selections(load_text) -> None:
    text = base(
        "masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*] }\n"
        "masses n : SnBiPbInCd55 { joins chip.c[*] -- sheet.p[*] }\n"
        "mass o : SnBiPbInCd55 { joins chip.c[0] -- sheet.p[0] }",
        "",
    )
    assembly = load_text(text)
    tl = timeline_of(assembly)
    m, n, o = assembly.mass_groups
    assert (m.start, n.start, o.start) == (0, 4, 8)
    mask = np.zeros(9, dtype=bool)
    mask[[0, 1, 2, 3, 5, 7, 8]] = True
    selections = list(tl.by_group(mask))
    assert [s.target for s in selections] == [m, n, o]
    assert selections[0].index is None  # the whole group
    assert selections[1].index.tolist() == [1, 3]
    assert selections[2].index is None
    assert [s.count for s in selections] == [4, 2, 1]
    assert list(tl.by_group(np.zeros(9, dtype=bool))) == []
    only_n = np.zeros(9, dtype=bool)
    only_n[4:8] = True
    [selection] = tl.by_group(only_n)
    assert (selection.target, selection.index) == (n, None)


def test_per_mass_arrays_follow_the_declaration_order(load_text) -> None:
    text = base(
        "masses m : SnBiPbInCd55 { joins chip.c[0:2] -- sheet.p[0:2] }\n"
        "masses n : Sn42Bi58 { joins chip.c[2:4] -- sheet.p[2:4] }",
        "    step bump { kind deposit; temp 25 C; forms n }",
    )
    tl = timeline_of(load_text(text))
    assert tl.melting.tolist() == [55.0, 55.0, 138.0, 138.0]
    assert tl.mass_formed.tolist() == [FROM_START, FROM_START, 0, 0]


# ============================================================================= a million masses
BIG = """\
use std
material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C }
element chip : chip { body silicon; pads c grid 1000 x 1000 pitch 100 um diameter 50 um }
element sheet : dielectric_sheet { body polyimide; pads p grid 1000 x 1000 pitch 100 um diameter 50 um }
layer g : gel { role compliant; between chip, sheet; thickness 100 um }
masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*]; diameter 40 um; height 60 um }
process {
    step bump  { kind deposit; temp 25 C; forms m }
    step join  { kind reflow; peak 75 C }
    step fill  { kind inject; temp 25 C; forms g }
    step cure  { kind cure; peak 45 C }
    step mount { kind reflow; peak 165 C }
    operate 20 C .. 40 C
}
"""


def test_a_million_masses_build_a_correct_timeline(load_text) -> None:
    assembly = load_text(BIG)
    tl = timeline_of(assembly)
    assert assembly.mass_count == 1_000_000
    assert [m.name for m in tl.moments] == ["bump", "join", "fill", "cure", "mount", "operate"]
    assert (tl.joined_by == 1).all()
    assert tl.remelted.all()
    assert tl.remelted_by(tl.step("mount")).all()
    assert not tl.remelted_by(tl.step("cure")).any()
    assert not tl.contained(tl.step("join")).any()
    assert tl.contained(tl.step("fill")).all()
    assert (tl.contained_from == 2).all()
    assert not tl.liquid_in_service.any()
    assert tl.containing_layers == [layer(assembly, "g")]
    assert len(tl.surrounded_by(layer(assembly, "g"))) == 1_000_000
    [selection] = tl.by_group(tl.remelted)
    assert selection.index is None
    assert selection.count == 1_000_000
