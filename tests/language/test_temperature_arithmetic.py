"""Temperature arithmetic and the version-2 units (issue 14, right answers first): LANGUAGE.md's
rules for C, F and K at their boundaries, below absolute zero (E008) wherever a temperature is
written, the new units, and deck temperatures. Every number is worked out by hand beside it.
"""

from __future__ import annotations

import pytest

from assemblint.base.units import UnitError, parse_quantity_text, to_base
from assemblint.checking.deck import DeckError, load_deck
from assemblint.plugins.host import PluginHost


def step_temp(load_text, expr: str) -> float:
    design = load_text(f"let tm = {expr}\nprocess {{ step bake {{ kind cure; temp tm }} }}\n")
    (step,) = design.process.steps
    return step.temp


@pytest.mark.parametrize(
    ("expr", "celsius"),
    [
        ("190 C + 10 K", 200.0),  # a K term shifts an absolute temperature
        ("10 K + 190 C", 200.0),
        ("250 C - 50 K", 200.0),
        ("-10 C + 0 K", -10.0),  # once −283.15 °C
        ("533.15 K", 260.0),  # a K quantity alone is absolute
        ("300 K - 10 K", 16.85),  # 290 K
        ("25 C + (200 C - 190 C)", 35.0),  # C − C is a difference in K
        ("(533.15 K - 250 C) + 100 C", 110.0),  # 260 °C − 250 °C = 10 K
        ("-(40 F)", -40.0),  # negated on its own scale: −40 °F is −40 °C
        ("392 F + 10 K", 210.0),  # 392 °F = 200 °C
        ("100 °F", 37.77777777777778),
        ("212 degF", 100.0),
        ("190 C + 2 * 5 K", 200.0),
        ("-459.67 F", -273.15),  # exactly absolute zero passes
        ("0 K", -273.15),
    ],
)
def test_temperature_expressions_follow_the_language(load_text, expr, celsius):
    assert step_temp(load_text, expr) == pytest.approx(celsius, abs=1e-9)


@pytest.mark.parametrize(
    ("expr", "code", "words", "line"),
    [
        ("190 C + 10 C", "E003", "cannot add two temperatures in C", 1),
        ("190 C + 10 F", "E003", "write the difference in K", 1),
        ("2 * 100 C", "E003", "cannot multiply a temperature in C", 1),
        ("100 C / 2", "E003", "cannot divide a temperature in C", 1),
        ("-300 C", "E008", "below absolute zero", 1),
        ("-459.68 F", "E008", "below absolute zero", 1),
        ("-300 C + 100 K", "E008", "below absolute zero", 1),  # the literal as written
        # a difference, or a negative K shift, is fine in a `let`; it is wrong where a temperature is used
        ("200 C - 190 C", "E003", "expected a temperature, got a temperature difference", 2),
        ("-10 K", "E008", "tm (-283.15 °C) is below absolute zero", 2),
    ],
)
def test_wrong_temperature_arithmetic_is_an_error_where_it_is_written(language_errors, expr, code, words, line):
    (error,) = language_errors(f"let tm = {expr}\nprocess {{ step bake {{ kind cure; temp tm }} }}\n")
    assert error.code == code and words in error.message
    assert error.location.line == line


@pytest.mark.parametrize(
    "text",
    [
        "material x { kind fusible; melts -300 C }",
        "material x { kind fusible; solidus -274 C; liquidus 10 C }",
        "material x { kind dielectric; service -500 F .. 100 C }",
        "element e : chip { operating -1 K .. 85 C }",
        "process { operate -280 C .. 85 C }",
    ],
)
def test_below_absolute_zero_is_e008_wherever_a_temperature_is_written(language_errors, text):
    (error,) = language_errors(text + "\n")
    assert error.code == "E008" and "below absolute zero (-273.15 °C)" in error.message
    assert (error.location.line, error.location.column) == (1, text.index("-") + 1)


@pytest.mark.parametrize(
    ("symbol", "number", "base", "dimension"),
    [
        ("°F", 212, 100.0, "temperature"),
        ("degF", 32, 0.0, "temperature"),
        ("in", 1, 25400.0, "length"),
        ("inch", 0.5, 12700.0, "length"),
        ("ppm/°C", 2.6, 2.6, "expansion"),
        ("A", 2, 2.0, "current"),
        ("mA", 250, 0.25, "current"),
        ("A/cm2", 10000, 10000.0, "current density"),
        ("A/mm2", 1, 100.0, "current density"),  # 1 mm² = 0.01 cm²
        ("g/cm3", 7.4, 7.4, "density"),
        ("kg/m3", 19300, 19.3, "density"),  # 1 kg/m³ = 0.001 g/cm³
    ],
)
def test_the_version_2_units(symbol, number, base, dimension):
    assert to_base(number, symbol) == (pytest.approx(base), dimension)


def test_new_units_are_read_by_the_language(load_text):
    design = load_text(
        "element e : chip { size 0.4 in x 0.4 inch x 20 mil; cte 2.6 ppm/°C; max_temp 500 °F }\n"
        "let i = 250 mA + 1 A\nlet j = 1 A/mm2\nlet rho = 7400 kg/m3\n"
    )
    (element,) = design.elements
    assert element.cte == 2.6 and element.max_temp == pytest.approx(260.0)
    assert element.size[:2] == pytest.approx((10160.0, 10160.0))


def test_deck_temperatures_below_absolute_zero_are_refused_and_differences_stay_differences():
    with pytest.raises(UnitError, match="below absolute zero"):
        parse_quantity_text("-300 C", "temperature")
    assert parse_quantity_text("293.15 K", "temperature") == pytest.approx(20.0)
    assert parse_quantity_text("36 F", "temperature difference") == pytest.approx(20.0)  # a difference: 20 K
    assert parse_quantity_text("20 K", "temperature difference") == 20.0


def test_a_deck_with_a_handling_temperature_below_absolute_zero_is_a_deck_error(tmp_path):
    deck = tmp_path / "cold.toml"
    deck.write_text('[deck]\nname = "cold"\n[rules.MH008]\nhandling_temp = "-500 F"\n', encoding="utf-8")
    rules = PluginHost.default().rules()
    with pytest.raises(DeckError, match=r"rules\.MH008\.handling_temp.*below absolute zero"):
        load_deck(str(deck), rules)
