"""Units and dimensions of the assembly language.

The language admits a closed table of unit symbols (LANGUAGE.md); each maps to one dimension
and an affine conversion into that dimension's base unit. A table is the whole job here: the
grammar already splits a quantity into number and symbol, so no general unit algebra is needed.

Temperatures follow pint's separation of offset units from their deltas (pint refuses
`degC + degC` with OffsetUnitCalculusError and has `delta_degC` for differences), in the form the
language writes them: a temperature in `C` or `F` is on an offset scale (`SCALE_OFFSET`), one in
`K` is on the absolute scale (`SCALE_KELVIN`) and acts as a shift when added to an offset one;
values.py holds the arithmetic. pint itself is not used: its import costs more than the whole
table, and a quantity here must convert exactly, rounded once (`to_base`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

TEMPERATURE = "temperature"
TEMPERATURE_DIFFERENCE = "temperature difference"
LENGTH = "length"
EXPANSION = "expansion"
MODULUS = "modulus"
RESISTIVITY = "resistivity"
TIME = "time"
FRACTION = "fraction"
ALPHA = "alpha emission"
CURRENT = "current"
CURRENT_DENSITY = "current density"
DENSITY = "density"
NUMBER = "number"

ABSOLUTE_ZERO = -273.15  # °C: no temperature is below it (E008)

BASE_UNIT = {
    TEMPERATURE: "°C",
    TEMPERATURE_DIFFERENCE: "K",
    LENGTH: "µm",
    EXPANSION: "ppm/K",
    MODULUS: "MPa",
    RESISTIVITY: "µΩ·cm",
    TIME: "s",
    FRACTION: "%",
    ALPHA: "cph/cm2",
    CURRENT: "A",
    CURRENT_DENSITY: "A/cm²",
    DENSITY: "g/cm³",
    NUMBER: "",
}

# What an example of each dimension looks like, for error messages ("expected a length such as 40 um").
EXAMPLE = {
    TEMPERATURE: "125 C",
    TEMPERATURE_DIFFERENCE: "10 K",
    LENGTH: "40 um",
    EXPANSION: "2.6 ppm/K",
    MODULUS: "0.3 MPa",
    RESISTIVITY: "14.5 uohm.cm",
    TIME: "90 s",
    FRACTION: "51 %",
    ALPHA: "0.002 cph/cm2",
    CURRENT: "2 A",
    CURRENT_DENSITY: "10000 A/cm2",
    DENSITY: "7.4 g/cm3",
    NUMBER: "3",
}


@dataclass(frozen=True)
class Unit:
    """A unit symbol: value_in_base = value * scale + offset.

    `exact` gives scale and offset as fractions where the floats are not exact (°F's 5/9);
    otherwise they are the decimals the floats print as (`1e-3` is 1/1000).
    """

    symbol: str
    dimension: str
    scale: float
    offset: float = 0.0
    exact: tuple[Fraction, Fraction] | None = None

    def fractions(self) -> tuple[Fraction, Fraction]:
        return self.exact or (Fraction(repr(self.scale)), Fraction(repr(self.offset)))


_UNITS: list[Unit] = [
    Unit("C", TEMPERATURE, 1.0),
    Unit("°C", TEMPERATURE, 1.0),
    Unit("degC", TEMPERATURE, 1.0),
    Unit("K", TEMPERATURE, 1.0, -273.15),
    Unit("F", TEMPERATURE, 5.0 / 9.0, -32.0 * 5.0 / 9.0, (Fraction(5, 9), Fraction(-160, 9))),
    Unit("°F", TEMPERATURE, 5.0 / 9.0, -32.0 * 5.0 / 9.0, (Fraction(5, 9), Fraction(-160, 9))),
    Unit("degF", TEMPERATURE, 5.0 / 9.0, -32.0 * 5.0 / 9.0, (Fraction(5, 9), Fraction(-160, 9))),
    Unit("nm", LENGTH, 1e-3),
    Unit("um", LENGTH, 1.0),
    Unit("µm", LENGTH, 1.0),  # micro sign U+00B5
    Unit("μm", LENGTH, 1.0),  # Greek mu U+03BC, which keyboards often produce instead
    Unit("mm", LENGTH, 1e3),
    Unit("cm", LENGTH, 1e4),
    Unit("m", LENGTH, 1e6),
    Unit("mil", LENGTH, 25.4),
    Unit("in", LENGTH, 25400.0),
    Unit("inch", LENGTH, 25400.0),
    Unit("ppm/K", EXPANSION, 1.0),
    Unit("ppm/C", EXPANSION, 1.0),
    Unit("ppm/°C", EXPANSION, 1.0),
    Unit("/K", EXPANSION, 1e6),
    Unit("Pa", MODULUS, 1e-6),
    Unit("kPa", MODULUS, 1e-3),
    Unit("MPa", MODULUS, 1.0),
    Unit("GPa", MODULUS, 1e3),
    Unit("psi", MODULUS, 6.894757293168361e-3),
    Unit("ksi", MODULUS, 6.894757293168361),
    Unit("uohm.cm", RESISTIVITY, 1.0),
    Unit("µohm.cm", RESISTIVITY, 1.0),
    Unit("μohm.cm", RESISTIVITY, 1.0),
    Unit("ohm.cm", RESISTIVITY, 1e6),
    Unit("ohm.m", RESISTIVITY, 1e8),
    Unit("s", TIME, 1.0),
    Unit("min", TIME, 60.0),
    Unit("h", TIME, 3600.0),
    Unit("%", FRACTION, 1.0),
    Unit("cph/cm2", ALPHA, 1.0),
    Unit("A", CURRENT, 1.0),
    Unit("mA", CURRENT, 1e-3),
    Unit("A/cm2", CURRENT_DENSITY, 1.0),
    Unit("A/mm2", CURRENT_DENSITY, 100.0),
    Unit("g/cm3", DENSITY, 1.0),
    Unit("kg/m3", DENSITY, 1e-3),
]

UNITS: dict[str, Unit] = {u.symbol: u for u in _UNITS}

# A temperature difference takes the temperature symbols without their offsets: 10 K = 10 C = 18 F.
_DIFFERENCE_SCALE = {"C": 1.0, "°C": 1.0, "degC": 1.0, "K": 1.0, "F": 5.0 / 9.0, "°F": 5.0 / 9.0, "degF": 5.0 / 9.0}

# The scale a temperature is written on: an offset scale (C, F), whose zero is arbitrary, or kelvin.
SCALE_OFFSET_C = "C"
SCALE_OFFSET_F = "F"
SCALE_KELVIN = "K"
TEMPERATURE_SCALE = {"C": "C", "°C": "C", "degC": "C", "F": "F", "°F": "F", "degF": "F", "K": "K"}
_EXACT = {u.symbol: u.fractions() for u in _UNITS}

# Longest symbols first so that `mm` is not read as `m` and `ppm/K` not as `/K`.
UNIT_PATTERN = "|".join(re.escape(s) for s in sorted(UNITS, key=len, reverse=True))


class UnitError(ValueError):
    """A quantity text that cannot be read, or has the wrong dimension."""


def to_base(value: float, symbol: str) -> tuple[float, str]:
    """Convert `value symbol` to (value in base unit, dimension).

    The conversion is exact, rounded once: the number as written (the shortest decimal of the
    float) times the unit's exact factor. So one quantity gives one float in whatever unit it is
    written: `391.45 K`, `244.94 F` and `118.3 C` are all `118.3`, and `0.0000026 /K` is `2.6`,
    where float arithmetic gives 118.30000000000001 and 2.5999999999999996 and a value exactly at
    a limit would fall on either side of it depending on the unit.
    """
    unit = UNITS[symbol]
    if (unit.scale == 1.0 and unit.offset == 0.0) or not math.isfinite(value):
        return value * unit.scale + unit.offset, unit.dimension
    scale, offset = _EXACT[symbol]
    return _float(Fraction(repr(value)) * scale + offset), unit.dimension


def difference_to_base(value: float, symbol: str) -> float:
    """Convert a temperature difference (`10 K`, `18 F`) to kelvin (exactly, as `to_base`)."""
    scale = _DIFFERENCE_SCALE[symbol]
    if scale == 1.0 or not math.isfinite(value):
        return value * scale
    return _float(Fraction(repr(value)) * _EXACT[symbol][0])  # the temperature's scale, without its offset


def kelvin_to_celsius(kelvin: float) -> float:
    """An absolute temperature in kelvin as °C, exactly as `to_base(kelvin, "K")`."""
    return to_base(kelvin, "K")[0]


def negate_on_scale(celsius: float, scale: str) -> float:
    """`-(T)` where T is written on `scale` (C or F), in °C: the negation happens on the written scale
    (`-(40 F)` is −40 °F, i.e. −40 °C, not −(4.44 °C)). On a scale whose zero is o °C: 2·o − T."""
    if scale == SCALE_OFFSET_C or not math.isfinite(celsius):
        return -celsius
    offset = _EXACT["F"][1]
    return _float(2 * offset - Fraction(repr(celsius)))


def below_absolute_zero(celsius: float) -> bool:
    return celsius < ABSOLUTE_ZERO


def _float(exact: Fraction) -> float:
    """The nearest float; past the largest one, infinity, as float arithmetic gives (`1e308 mil`):
    float() of such a Fraction raises OverflowError instead, and the reader reports E008 for it."""
    try:
        return float(exact)
    except OverflowError:
        return math.inf if exact > 0 else -math.inf


def article(dimension: str) -> str:
    """'a length', 'an expansion', 'a number' — for messages."""
    return ("an " if dimension[0] in "aeiou" else "a ") + dimension


_QUANTITY_TEXT = re.compile(
    r"^\s*(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(?P<unit>" + UNIT_PATTERN + r")?\s*$"
)


def written_number(text: str) -> float:
    """The number of a quantity as written, before conversion (`-10 K` -> -10.0)."""
    match = _QUANTITY_TEXT.match(text)
    assert match, text
    return float(match["num"])


def parse_quantity_text(text: str, dimension: str) -> float:
    """Read a quantity written as text (`"40 um"`, in decks and options) into the base unit.

    Uses the same unit table as the language. Raises UnitError with a sentence on failure.
    """
    match = _QUANTITY_TEXT.match(text)
    if not match:
        raise UnitError(f'expected {article(dimension)} such as "{EXAMPLE[dimension]}", got {text!r}')
    number = float(match["num"])
    symbol = match["unit"]
    if dimension == NUMBER:
        if symbol:
            raise UnitError(f"expected a plain number, got {text!r}")
        return number
    if not symbol:
        raise UnitError(f'expected {article(dimension)} such as "{EXAMPLE[dimension]}", got {text!r} (no unit)')
    if dimension == TEMPERATURE_DIFFERENCE:
        if symbol not in _DIFFERENCE_SCALE:
            raise UnitError(f'expected a temperature difference such as "10 K", got {text!r}')
        return difference_to_base(number, symbol)
    value, got = to_base(number, symbol)
    if got != dimension:
        raise UnitError(f'expected {article(dimension)} such as "{EXAMPLE[dimension]}", got {article(got)}: {text}')
    if dimension == TEMPERATURE and below_absolute_zero(value):
        raise UnitError(f"{text.strip()} is below absolute zero ({ABSOLUTE_ZERO:g} °C)")
    return value


def format_quantity(value: float, dimension: str) -> str:
    """Render a base-unit value for people: `245 °C`, `90 µm`, `2.6 ppm/K`."""
    unit = BASE_UNIT[dimension]
    text = f"{value:.6g}"
    return f"{text} {unit}" if unit else text
