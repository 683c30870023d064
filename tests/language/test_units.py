from __future__ import annotations

import pytest
from conftest import OTHER_PLUGINS

from assemblint import hookimpl
from assemblint.base import units
from assemblint.base.diagnostics import render
from assemblint.base.units import UnitError, parse_quantity_text
from assemblint.plugins.host import PluginHost

# ---------------------------------------------------------------- every unit of the table, in the language

TEMPERATURES = [
    ("25 C", 25.0),
    ("25C", 25.0),
    ("25 °C", 25.0),
    ("25°C", 25.0),
    ("25 degC", 25.0),
    ("25degC", 25.0),
    ("300 K", 26.85),
    ("300K", 26.85),
    ("0 K", -273.15),
    ("-40 F", -40.0),
    ("-40F", -40.0),
    ("212 F", 100.0),
    ("-40 C", -40.0),
    ("2.5 C", 2.5),
    (".5 C", 0.5),
    ("1e2 C", 100.0),
]


@pytest.mark.parametrize(("text", "expected"), TEMPERATURES)
def test_temperature_units_convert_to_celsius(load_text, text, expected):
    design = load_text(f"material X {{ max_temp {text} }}\n")
    assert design.materials["X"].max_temp == pytest.approx(expected)


LENGTHS = [
    ("5 nm", 0.005),
    ("5nm", 0.005),
    ("150 um", 150.0),
    ("150um", 150.0),
    ("150 µm", 150.0),  # micro sign
    ("150µm", 150.0),
    ("150 μm", 150.0),  # Greek mu
    ("150μm", 150.0),
    ("1.5 mm", 1500.0),
    ("1.5mm", 1500.0),
    ("2 cm", 20000.0),
    ("2cm", 20000.0),
    ("0.01 m", 10000.0),
    ("0.01m", 10000.0),
    ("1 mil", 25.4),
    ("1mil", 25.4),
    ("1e-6 m", 1.0),
    ("1E3 um", 1000.0),
    (".5 mm", 500.0),
]


@pytest.mark.parametrize(("text", "expected"), LENGTHS)
def test_length_units_convert_to_micrometres(load_text, text, expected):
    design = load_text(f"element e : chip {{ size {text} x 1 mm }}\n")
    assert design.elements[0].size[0] == pytest.approx(expected)


EXPANSIONS = [
    ("2.6 ppm/K", 2.6),
    ("2.6ppm/K", 2.6),
    ("2.6 ppm/C", 2.6),
    ("2.6ppm/C", 2.6),
    ("2.6e-6 /K", 2.6),
    ("2.6e-6/K", 2.6),
    ("17e-6 /K", 17.0),
]


@pytest.mark.parametrize(("text", "expected"), EXPANSIONS)
def test_expansion_units_convert_to_ppm_per_kelvin(load_text, text, expected):
    design = load_text(f"material X {{ cte {text} }}\n")
    assert design.materials["X"].cte == pytest.approx(expected)


MODULI = [
    ("300000 Pa", 0.3),
    ("300000Pa", 0.3),
    ("300 kPa", 0.3),
    ("300kPa", 0.3),
    ("0.3 MPa", 0.3),
    ("0.3MPa", 0.3),
    ("70 GPa", 70000.0),
    ("70GPa", 70000.0),
    ("100000 psi", 689.4757),
    ("100000psi", 689.4757),
    ("10 ksi", 68.94757),
    ("10ksi", 68.94757),
]


@pytest.mark.parametrize(("text", "expected"), MODULI)
def test_modulus_units_convert_to_megapascal(load_text, text, expected):
    design = load_text(f"material X {{ modulus {text} }}\n")
    assert design.materials["X"].modulus == pytest.approx(expected, rel=1e-6)


RESISTIVITIES = [
    ("14.5 uohm.cm", 14.5),
    ("14.5uohm.cm", 14.5),
    ("14.5 µohm.cm", 14.5),
    ("14.5µohm.cm", 14.5),
    ("14.5 μohm.cm", 14.5),
    ("2 ohm.cm", 2e6),
    ("2ohm.cm", 2e6),
    ("1 ohm.m", 1e8),
    ("1ohm.m", 1e8),
]


@pytest.mark.parametrize(("text", "expected"), RESISTIVITIES)
def test_resistivity_units_convert_to_microohm_centimetres(load_text, text, expected):
    design = load_text(f"material X {{ resistivity {text} }}\n")
    assert design.materials["X"].resistivity == pytest.approx(expected)


class AlphaProperty:
    """`alpha` is the alpha plugin's property (plugins/alpha); the unit `cph/cm2` is the language's."""

    @hookimpl
    def assemblint_properties(self):
        return {"material": {"alpha": units.ALPHA}}


def alpha_host() -> PluginHost:
    return PluginHost.create(disable=OTHER_PLUGINS, extra=[("alpha_property", AlphaProperty())])


@pytest.mark.parametrize(("text", "expected"), [("0.002 cph/cm2", 0.002), ("0.002cph/cm2", 0.002)])
def test_alpha_unit_is_counts_per_hour_per_square_centimetre(load_text, text, expected):
    design = load_text(f"material X {{ alpha {text} }}\n", host=alpha_host())
    assert design.materials["X"].extra["alpha"] == pytest.approx(expected)


def test_alpha_property_in_the_wrong_dimension_is_e003(language_errors):
    (error,) = language_errors("material X { alpha 3 % }\n", host=alpha_host())
    assert error.code == "E003"
    assert (error.location.line, error.location.column, error.location.end_column) == (1, 20, 23)


def test_alpha_is_not_a_core_property(language_errors):
    (error,) = language_errors("material X { alpha 0.002 cph/cm2 }\n", host=PluginHost.create(disable=OTHER_PLUGINS))
    assert error.code == "E010"
    assert "unknown material property `alpha`" in error.message
    known = error.message.split("known: ", 1)[1].split(", ")
    assert "alpha" not in known and {"kind", "composition", "cte", "exemption"} <= set(known)


@pytest.mark.parametrize("sep", [" ", ""])
def test_fraction_unit_is_percent(load_text, sep):
    design = load_text(f"material X {{ composition Sn 96.5{sep}%, Ag 3{sep}%, Cu 0.5{sep}% }}\n")
    assert design.materials["X"].composition == pytest.approx({"Sn": 96.5, "Ag": 3.0, "Cu": 0.5})


TIMES = [("2 h", 7200.0), ("2h", 7200.0), ("3 min", 180.0), ("3min", 180.0), ("90 s", 90.0), ("90s", 90.0)]


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_time_units_convert_to_seconds(load_text, text, expected):
    # no core property takes a time, so divide by a second and use the plain number as a count
    design = load_text(f"let t = {text}\nlet n = t / 1 s\nprocess {{ cycle -40 C .. 125 C count n }}\n")
    assert design.process.cycle_count == int(expected)


def test_a_time_is_its_own_dimension(language_errors):
    (error,) = language_errors("let t = 2 h\nelement e : chip { size t x 1 mm }\n")
    assert error.code == "E003"
    assert "time" in error.message
    assert "length" in error.message


# ---------------------------------------------------------------- wrong dimension, unknown unit


def test_wrong_dimension_is_e003_at_the_value(language_errors):
    (error,) = language_errors("material X {\n    solidus 3 mm\n}\n")
    assert error.code == "E003"
    assert (error.location.line, error.location.column) == (2, 13)
    assert error.location.end_column - error.location.column == len("3 mm")
    assert "temperature" in error.message
    assert "length" in error.message
    assert "3 mm" in error.message


def test_wrong_dimension_caret_is_under_the_quantity(language_errors):
    (error,) = language_errors("material X {\n    solidus 3 mm\n}\n")
    lines = render(error).splitlines()
    assert lines[0].endswith("E003 expected a temperature, got a length: 3 mm")
    assert lines[1].endswith("|     solidus 3 mm")
    caret = lines[2]
    assert caret.count("^") == 4
    assert caret.index("^") == lines[1].index("3 mm")


@pytest.mark.parametrize(
    ("text", "line", "column", "token"),
    [
        ("material X { cte 3 C }\n", 1, 18, "3 C"),
        ("material X { modulus 3 ppm/K }\n", 1, 22, "3 ppm/K"),
        ("material X {\n  resistivity 2 MPa\n}\n", 2, 15, "2 MPa"),
        ("element e : chip {\n  size 3 C x 1 mm\n}\n", 2, 8, "3 C"),
        ("element e : chip {\n  size 1 mm x 1 mm\n  operating 40 um .. 85 C\n}\n", 3, 13, "40 um"),
        ("material X { service -40 C .. 125 mm }\n", 1, 31, "125 mm"),
    ],
)
def test_wrong_dimension_in_each_kind_of_property(language_errors, text, line, column, token):
    (error,) = language_errors(text)
    assert error.code == "E003"
    assert (error.location.line, error.location.column) == (line, column)
    assert error.location.end_column == column + len(token)


def test_number_without_unit_is_e003(language_errors):
    (error,) = language_errors("material X {\n    solidus 3\n}\n")
    assert error.code == "E003"
    assert (error.location.line, error.location.column) == (2, 13)
    assert "unit" in error.message


@pytest.mark.parametrize("text", ["3 furlongs", "3furlongs"])
def test_unknown_unit_is_e003(language_errors, text):
    (error,) = language_errors(f"material X {{\n    solidus {text}\n}}\n")
    assert error.code == "E003"
    assert (error.location.line, error.location.column) == (2, 13)
    assert error.location.end_column == 13 + len(text)
    assert "furlongs" in error.message
    assert "unit" in error.message


def test_unknown_unit_in_a_let_is_e003(language_errors):
    (error,) = language_errors("let x = 3 furlongs\n")
    assert error.code == "E003"
    assert (error.location.line, error.location.column) == (1, 9)


def test_let_with_wrong_dimension_is_e003_where_used(language_errors):
    errors = language_errors("let w = 3 C\nelement e : chip {\n  size w x 1 mm\n}\n")
    assert [(e.code, e.location.line, e.location.column) for e in errors] == [("E003", 3, 8)]


def test_adding_different_dimensions_is_e003(language_errors):
    errors = language_errors("let w = 1 mm + 1 C\n")
    assert {e.code for e in errors} == {"E003"}
    assert errors[0].location.line == 1
    assert "add" in errors[0].message


# ---------------------------------------------------------------- parse_quantity_text (decks and options)


@pytest.mark.parametrize(
    ("text", "dimension", "expected"),
    [
        ("40 um", units.LENGTH, 40.0),
        ("40um", units.LENGTH, 40.0),
        ("1 mil", units.LENGTH, 25.4),
        ("0.1 mm", units.LENGTH, 100.0),
        ("40 µm", units.LENGTH, 40.0),
        ("40 μm", units.LENGTH, 40.0),
        ("-40 F", units.TEMPERATURE, -40.0),
        ("300 K", units.TEMPERATURE, 26.85),
        ("125 C", units.TEMPERATURE, 125.0),
        ("125 °C", units.TEMPERATURE, 125.0),
        ("2.6e-6 /K", units.EXPANSION, 2.6),
        ("2.6 ppm/K", units.EXPANSION, 2.6),
        ("100000 psi", units.MODULUS, 689.4757),
        ("1 GPa", units.MODULUS, 1000.0),
        ("1 ohm.m", units.RESISTIVITY, 1e8),
        ("2 h", units.TIME, 7200.0),
        ("2 min", units.TIME, 120.0),
        ("50 %", units.FRACTION, 50.0),
        ("0.002 cph/cm2", units.ALPHA, 0.002),
        ("3", units.NUMBER, 3.0),
        ("  12.5  ", units.NUMBER, 12.5),
    ],
)
def test_parse_quantity_text(text, dimension, expected):
    assert parse_quantity_text(text, dimension) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10 K", 10.0), ("10 C", 10.0), ("10 degC", 10.0), ("18 F", 10.0), ("-9 F", -5.0), ("10K", 10.0)],
)
def test_parse_quantity_text_temperature_difference_has_no_offset(text, expected):
    assert parse_quantity_text(text, units.TEMPERATURE_DIFFERENCE) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "dimension", "words"),
    [
        ("3 mm", units.TEMPERATURE, ["temperature", "length"]),
        ("40", units.LENGTH, ["length", "unit"]),
        ("3 furlongs", units.LENGTH, ["length", "furlongs"]),
        ("3 mm", units.NUMBER, ["number"]),
        ("10 mm", units.TEMPERATURE_DIFFERENCE, ["temperature difference"]),
        ("", units.LENGTH, ["length"]),
        ("um", units.LENGTH, ["length"]),
    ],
)
def test_parse_quantity_text_errors(text, dimension, words):
    with pytest.raises(UnitError) as info:
        parse_quantity_text(text, dimension)
    for word in words:
        assert word in str(info.value)


def test_every_unit_of_the_language_table_is_known():
    table = {
        units.TEMPERATURE: ["C", "°C", "degC", "K", "F"],
        units.LENGTH: ["nm", "um", "µm", "mm", "cm", "m", "mil"],
        units.EXPANSION: ["ppm/K", "ppm/C", "/K"],
        units.MODULUS: ["Pa", "kPa", "MPa", "GPa", "psi", "ksi"],
        units.RESISTIVITY: ["uohm.cm", "µohm.cm", "ohm.cm", "ohm.m"],
        units.TIME: ["s", "min", "h"],
        units.FRACTION: ["%"],
        units.ALPHA: ["cph/cm2"],
    }
    for dimension, symbols in table.items():
        for symbol in symbols:
            parse_quantity_text(f"1 {symbol}", dimension)  # raises if unknown or of another dimension
