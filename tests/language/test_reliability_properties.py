"""The language properties the reliability rules read (CHECKS.md "Reliability beyond the seeds",
LANGUAGE.md units): material `tg`, `cte_above_tg`, `density`; element `msl N` (1–6); pad option
`finish MATERIAL THICKNESS, …`; mass and net property `current`. Parsed and built, in every unit of
their dimension, and their errors: E003 (wrong dimension, bare number, unknown unit), E008 (an
impossible value), E010 (an unknown net property), E002 (an unknown finish material), E001 (syntax).
"""

from __future__ import annotations

import pytest

HEAD = """use std
element a : chip { pads c grid 1 x 2 pitch 1 mm diameter 100 um }
element b : chip { pads c grid 1 x 2 pitch 1 mm diameter 100 um }
"""  # lines 1-3


def where(d) -> tuple[str, int, int]:
    return (d.code, d.location.line, d.location.column)


def column_of(line: str, needle: str) -> int:
    """The column of the last `needle` in the line (the value a property ends with)."""
    return line.rindex(needle) + 1


# ============================================================================== material tg, cte_above_tg, density
def test_material_tg_cte_above_tg_and_density_are_built(load_text) -> None:
    design = load_text(
        "material ep { kind polymer; cte 30 ppm/K; tg 120 C; cte_above_tg 100 ppm/K; density 1.1 g/cm3 }\n"
    )
    ep = design.materials["ep"]
    assert (ep.tg, ep.cte_above_tg, ep.density, ep.cte) == (120.0, 100.0, 1.1, 30.0)


def test_the_properties_are_none_unless_given(load_text) -> None:
    ep = load_text("material ep { kind polymer }\n").materials["ep"]
    assert (ep.tg, ep.cte_above_tg, ep.density) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("120 C", 120.0), ("393.15 K", 120.0), ("248 F", 120.0), ("-10 °C", -10.0), ("120degC", 120.0)],
)
def test_tg_is_a_temperature_in_any_unit(load_text, text, expected) -> None:
    assert load_text(f"material ep {{ tg {text} }}\n").materials["ep"].tg == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [("100 ppm/K", 100.0), ("1e-4 /K", 100.0), ("55 ppm/°C", 55.0)])
def test_cte_above_tg_is_an_expansion(load_text, text, expected) -> None:
    assert load_text(f"material ep {{ cte_above_tg {text} }}\n").materials["ep"].cte_above_tg == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [("7.4 g/cm3", 7.4), ("7400 kg/m3", 7.4), ("19.32 g/cm3", 19.32)])
def test_density_is_in_g_per_cm3(load_text, text, expected) -> None:
    assert load_text(f"material s {{ density {text} }}\n").materials["s"].density == pytest.approx(expected)


def test_the_properties_are_inherited_and_overridden(load_text) -> None:
    design = load_text(
        "material ep { kind polymer; tg 120 C; cte_above_tg 100 ppm/K; density 1.1 g/cm3 }\n"
        "material ep2 : ep { tg 150 C }\n"
    )
    ep2 = design.materials["ep2"]
    assert (ep2.tg, ep2.cte_above_tg, ep2.density) == (150.0, 100.0, 1.1)


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("tg 3 mm", "expected a temperature, got a length: 3 mm"),
        ("tg 120", "expected a temperature, got a number without a unit: 120 (write it like `125 C`)"),
        ("cte_above_tg 7 C", "expected an expansion, got a temperature: 7 C"),
        ("density 7.4", "expected a density, got a number without a unit: 7.4 (write it like `7.4 g/cm3`)"),
        ("density 7.4 mm", "expected a density, got a length: 7.4 mm"),
        ("density 7.4 gcm", "unknown unit `gcm` in `7.4 gcm`; expected a density such as `7.4 g/cm3`"),
    ],
)
def test_e003_material_properties_of_the_wrong_dimension(language_errors, prop, expected) -> None:
    line = f"material s {{ {prop} }}"
    (error,) = language_errors(line + "\n")
    assert where(error) == ("E003", 1, column_of(line, prop.split()[1]))
    assert error.message == expected


@pytest.mark.parametrize("value", ["0 g/cm3", "-1 g/cm3", "0 kg/m3"])
def test_e008_a_density_must_be_above_zero(language_errors, value) -> None:
    line = f"material s {{ density {value} }}"
    (error,) = language_errors(line + "\n")
    assert where(error) == ("E008", 1, column_of(line, value))
    assert error.message == f"a density must be above 0, got {value}"


def test_e010_lists_the_new_material_properties(language_errors) -> None:
    (error,) = language_errors("material s { hardness 3 }\n")
    assert error.code == "E010"
    assert "tg, cte_above_tg, density" in error.message


# ============================================================================== element msl
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_msl_one_to_six_is_built(load_text, level) -> None:
    design = load_text(f"element e : chip {{ msl {level} }}\nelement f : chip {{ }}\n")
    assert [(e.name, e.msl) for e in design.elements] == [("e", level), ("f", None)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "a moisture sensitivity level must be at least 1, got 0"),
        ("7", "a moisture sensitivity level is 1 to 6 (J-STD-020), got 7"),
        ("-1", "a moisture sensitivity level must be at least 1, got -1"),
        ("2.5", "a moisture sensitivity level must be a whole number, got 2.5"),
    ],
)
def test_e008_msl_outside_one_to_six(language_errors, value, message) -> None:
    line = f"element e : chip {{ msl {value} }}"
    (error,) = language_errors(line + "\n")
    assert where(error) == ("E008", 1, column_of(line, value))
    assert error.message == message


def test_e003_msl_is_a_number_not_a_quantity(language_errors) -> None:
    (error,) = language_errors("element e : chip { msl 3 mm }\n")
    assert (where(error), error.message) == (("E003", 1, 24), "expected a number, got a length: 3 mm")


def test_e001_msl_without_a_level(language_errors) -> None:
    (error,) = language_errors("element e : chip { msl }\n")
    assert error.code == "E001"
    assert error.message == "`msl`: expected a number such as `3`, got the end of the line"


def test_msl_is_an_element_property(language_errors) -> None:
    (error,) = language_errors("element e : chip { hardness 3 }\n")
    assert error.code == "E010" and error.message.endswith(", msl")


# ============================================================================== pad finish
def test_a_finish_is_built_outermost_last_with_thicknesses_in_um(load_text) -> None:
    design = load_text(
        "use std\nelement e : chip { pads c grid 1 x 2 pitch 1 mm diameter 100 um finish nickel 5 um, gold 0.1 um }\n"
    )
    [array] = design.pad_arrays
    assert [(m.name, t) for m, t in array.finish] == [("nickel", 5.0), ("gold", 0.1)]
    assert array.finish[1][0] is design.materials["gold"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("gold 100 nm", 0.1), ("gold 0.1 um", 0.1), ("gold 0.2 mil", 5.08), ("gold 0.001 mm", 1.0), ("gold 1µm", 1.0)],
)
def test_finish_thicknesses_in_any_length_unit(load_text, text, expected) -> None:
    design = load_text(f"use std\nelement e : chip {{ pad x at (0 mm, 0 mm) diameter 100 um finish {text} }}\n")
    [(material, thickness)] = design.pad_arrays[0].finish
    assert (material.name, thickness) == ("gold", pytest.approx(expected))


def test_a_finish_of_the_designs_own_material_and_three_layers(load_text) -> None:
    design = load_text(
        "use std\nmaterial au { kind metal; composition Au 100 % }\n"
        "element e : chip { pads c grid 1 x 2 pitch 1 mm size 100 um x 80 um "
        "finish copper 10 um, nickel 5 um, au 0.05 um }\n"
    )
    assert [(m.name, t) for m, t in design.pad_arrays[0].finish] == [("copper", 10.0), ("nickel", 5.0), ("au", 0.05)]


def test_pads_without_finish_have_none(load_text) -> None:
    assert load_text(HEAD).pad_arrays[0].finish is None


@pytest.mark.parametrize("value", ["0 um", "-1 um", "0 nm"])
def test_e008_a_finish_layer_must_be_thicker_than_zero(language_errors, value) -> None:
    line = f"element e : chip {{ pads c grid 1 x 2 pitch 1 mm diameter 100 um finish nickel 5 um, gold {value} }}"
    (error,) = language_errors(f"use std\n{line}\n")
    assert where(error) == ("E008", 2, column_of(line, value))
    assert error.message == f"a finish layer's thickness must be above 0, got {value}"


def test_e003_a_finish_thickness_is_a_length(language_errors) -> None:
    line = "element e : chip { pads c grid 1 x 2 pitch 1 mm diameter 100 um finish gold 5 C }"
    (error,) = language_errors(f"use std\n{line}\n")
    assert (where(error), error.message) == (
        ("E003", 2, column_of(line, "5 C")),
        "expected a length, got a temperature: 5 C",
    )


def test_e002_an_unknown_finish_material(language_errors) -> None:
    line = "element e : chip { pads c grid 1 x 2 pitch 1 mm diameter 100 um finish golde 1 um }"
    (error,) = language_errors(f"use std\n{line}\n")
    assert where(error) == ("E002", 2, column_of(line, "golde"))
    assert "unknown material `golde`" in error.message and "gold" in error.message


@pytest.mark.parametrize(
    ("finish", "expected"),
    [
        ("finish", "`pads`: expected a finish material such as `gold`, got the end of the line"),
        ("finish gold", "`pads`: expected a length such as `40 um`, got the end of the line"),
        ("finish gold 1 um,", "`pads`: expected a finish material such as `gold`, got the end of the line"),
    ],
)
def test_e001_an_incomplete_finish(language_errors, finish, expected) -> None:
    (error,) = language_errors(
        f"use std\nelement e : chip {{ pads c grid 1 x 2 pitch 1 mm diameter 100 um {finish} }}\n"
    )
    assert (error.code, error.message) == ("E001", expected)


# ============================================================================== mass and net current
@pytest.mark.parametrize(("text", "expected"), [("0.5 A", 0.5), ("250 mA", 0.25), ("2A", 2.0), ("3 mA", 0.003)])
def test_a_mass_current_in_a_or_ma(load_text, text, expected) -> None:
    design = load_text(HEAD + f"masses s : SAC305 {{ joins a.c[*] -- b.c[*]; current {text} }}\n")
    assert design.mass_groups[0].current == pytest.approx(expected)


def test_a_net_current_follows_its_pins_inside_the_braces(load_text) -> None:
    design = load_text(HEAD + "net VDD { a.c[0], b.c[0]; current 2 A }\nnet GND { a.c[1], b.c[1] }\n")
    assert [(g.name, g.current) for g in design.net_groups] == [("VDD", 2.0), ("GND", None)]


@pytest.mark.parametrize(("text", "expected"), [("1500 mA", 1.5), ("0.75 A", 0.75)])
def test_a_net_current_in_a_or_ma(load_text, text, expected) -> None:
    design = load_text(HEAD + f"net V {{ a.c[*], b.c[*]; current {text} }}\n")
    assert design.net_groups[0].current == pytest.approx(expected)


def test_zipped_nets_take_a_current_each(load_text) -> None:
    design = load_text(HEAD + "nets V { a.c[*], b.c[*]; current 2 A }\n")
    [group] = design.net_groups
    assert (group.count, group.current) == (2, 2.0)


def test_the_last_current_wins(load_text) -> None:
    design = load_text(HEAD + "net V { a.c[0]; current 2 A; current 3 A }\n")
    assert design.net_groups[0].current == 3.0


@pytest.mark.parametrize(
    "statement",
    [
        "masses s : SAC305 {{ joins a.c[*] -- b.c[*]; current {value} }}",
        "net V {{ a.c[0], b.c[0]; current {value} }}",
        "nets V {{ a.c[*], b.c[*]; current {value} }}",
    ],
    ids=["mass", "net", "nets"],
)
@pytest.mark.parametrize("value", ["0 A", "-1 A", "0 mA", "-2 mA"])
def test_e008_a_current_must_be_above_zero(language_errors, statement, value) -> None:
    line = statement.format(value=value)
    (error,) = language_errors(HEAD + line + "\n")
    assert where(error) == ("E008", 4, column_of(line, value))
    assert error.message == f"a current must be above 0, got {value}"


@pytest.mark.parametrize(
    "statement",
    ["masses s : SAC305 {{ joins a.c[*] -- b.c[*]; current {value} }}", "net V {{ a.c[0], b.c[0]; current {value} }}"],
    ids=["mass", "net"],
)
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", "expected a current, got a number without a unit: 2 (write it like `2 A`)"),
        ("2 mm", "expected a current, got a length: 2 mm"),
        ("2 A/cm2", "expected a current, got a current density: 2 A/cm2"),
    ],
)
def test_e003_a_current_of_the_wrong_dimension(language_errors, statement, value, expected) -> None:
    line = statement.format(value=value)
    (error,) = language_errors(HEAD + line + "\n")
    assert where(error) == ("E003", 4, column_of(line, value))
    assert error.message == expected


def test_e003_a_mass_current_in_an_unknown_unit(language_errors) -> None:
    line = "masses s : SAC305 { joins a.c[*] -- b.c[*]; current 2 V }"
    (error,) = language_errors(HEAD + line + "\n")
    assert where(error) == ("E003", 4, column_of(line, "2 V"))
    assert error.message == "unknown unit `V` in `2 V`; expected a current such as `2 A`"


def test_e003_a_net_current_in_an_unknown_unit_is_one_error(language_errors) -> None:
    line = "net V { a.c[0], b.c[0]; current 2 V }"
    errors = language_errors(HEAD + line + "\n")
    assert [(where(e), e.message) for e in errors] == [
        (("E003", 4, column_of(line, "2 V")), "unknown unit `V` in `2 V`; expected a current such as `2 A`")
    ]


def test_e001_a_current_with_a_value_too_many(language_errors) -> None:
    line = "net V { a.c[0]; current 2 A 5 }"
    (error,) = language_errors(HEAD + line + "\n")
    assert (where(error), error.message) == (("E001", 4, column_of(line, "5 }")), "`current`: unexpected `5` here")


def test_e010_an_unknown_net_property(language_errors) -> None:
    line = "net V { a.c[0], b.c[0]; voltage 3 V }"
    (error,) = language_errors(HEAD + line + "\n")
    assert where(error) == ("E010", 4, column_of(line, "voltage"))
    assert error.message == "unknown net property `voltage`; known: current"


def test_e010_an_unknown_property_on_zipped_nets(language_errors) -> None:
    (error,) = language_errors(HEAD + "nets V { a.c[*], b.c[*]; resistance 1 A }\n")
    assert (error.code, error.message) == ("E010", "unknown net property `resistance`; known: current")


def test_current_is_a_mass_property(language_errors) -> None:
    (error,) = language_errors(HEAD + "masses s : SAC305 { joins a.c[*] -- b.c[*]; hardness 2 }\n")
    assert error.code == "E010" and error.message.endswith(", current")


def test_every_semantic_error_of_the_new_properties_is_reported_in_one_run(language_errors) -> None:
    text = (
        "use std\n"
        "material s { density 0 g/cm3 }\n"
        "element e : chip { msl 9; pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "element f : chip { pads c grid 1 x 2 pitch 1 mm diameter 100 um\n"
        "    pads d grid 1 x 2 pitch 1 mm finish gold 0 um }\n"
        "masses m : SAC305 { joins e.c[*] -- f.c[*]; current 0 A }\n"
        "net V { e.c[0]; current 5 mm }\n"
        "net W { f.c[0]; voltage 1 A }\n"
    )
    errors = language_errors(text)
    assert sorted((e.code, e.location.line) for e in errors) == [
        ("E003", 7),
        ("E008", 2),
        ("E008", 3),
        ("E008", 5),
        ("E008", 6),
        ("E010", 8),
    ]
