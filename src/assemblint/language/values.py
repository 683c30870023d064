"""Reading a property's values: quantities with dimension checks, ranges, points, `let` expressions.

A property arrives from the parser as a name and a flat list of values; `Args` walks that list
the way the property's shape says (`grid ROWS x COLS pitch PX [x PY] …`) and raises `Problem`
with the right error code at the right token when the text does not fit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from assemblint.base.diagnostics import Diagnostic, Location, did_you_mean
from assemblint.base.units import (
    ABSOLUTE_ZERO,
    EXAMPLE,
    LENGTH,
    NUMBER,
    SCALE_KELVIN,
    SCALE_OFFSET_C,
    TEMPERATURE,
    TEMPERATURE_DIFFERENCE,
    TEMPERATURE_SCALE,
    article,
    below_absolute_zero,
    format_quantity,
    kelvin_to_celsius,
    negate_on_scale,
    written_number,
)
from assemblint.language import syntax_tree as st

# How long a length may be, and how far from the origin a position may lie, in µm: 1 km. No
# assembly comes near it, so a length past it is a wrong unit or a slip of the keyboard; and rules
# difference and square lengths and positions (distances, reaches, k-d trees), which within it can
# never overflow to infinity.
MAX_COORDINATE = 1e9


class Problem(Exception):
    """A diagnostic raised while reading one property; the builder records it and moves on."""

    def __init__(self, code: str, message: str, loc: Location):
        super().__init__(message)
        self.diagnostic: Diagnostic | None = Diagnostic(code, message, loc)

    @classmethod
    def silent(cls) -> Problem:
        """A failure already reported elsewhere (a broken `let` at its use): stops quietly."""
        problem = cls("", "", Location("", 1, 1))
        problem.diagnostic = None
        return problem


@dataclass(slots=True)
class Value:
    """An evaluated expression: a number in the base unit of `dimension` (NUMBER: plain).

    A temperature also knows its `scale` (units.TEMPERATURE_SCALE): on an offset scale (C, F) its
    value is in °C; on the kelvin scale (K) its value is in kelvin, because a K term means a shift
    when it is added to an offset temperature and an absolute temperature when it stands alone.
    A TEMPERATURE_DIFFERENCE (`200 C - 190 C`) is in kelvin.
    """

    value: float
    dimension: str
    scale: str = ""

    @property
    def is_offset_temperature(self) -> bool:
        return self.dimension == TEMPERATURE and self.scale != SCALE_KELVIN

    @property
    def is_kelvin(self) -> bool:
        return self.dimension == TEMPERATURE and self.scale == SCALE_KELVIN

    @property
    def is_shift(self) -> bool:
        """A kelvin amount that may shift an offset temperature: a K temperature or a difference."""
        return self.is_kelvin or self.dimension == TEMPERATURE_DIFFERENCE

    def absolute(self) -> float:
        """The value where an absolute quantity is expected: a K temperature converted to °C."""
        return kelvin_to_celsius(self.value) if self.is_kelvin else self.value


class Lets:
    """`let` names, evaluated on first use (so order does not matter) with cycle detection."""

    def __init__(self) -> None:
        self.exprs: dict[str, st.Let] = {}
        self.values: dict[str, Value] = {}
        self.failed: set[str] = set()
        self._evaluating: set[str] = set()

    def get(self, name: str, loc: Location) -> Value:
        if name in self.values:
            return self.values[name]
        if name in self.failed:
            raise Problem.silent()
        let = self.exprs.get(name)
        if let is None:
            raise Problem("E002", f"unknown name `{name}`: no `let` defines it" + did_you_mean(name, self.exprs), loc)
        if name in self._evaluating:
            raise Problem("E008", f"`let {name}` is defined in terms of itself", let.loc)
        self._evaluating.add(name)
        try:
            value = evaluate(let.expr, self)
            if not math.isfinite(value.value):
                raise Problem("E008", f"`let {name}` is not a finite number", let.loc)
        except Problem:
            self.failed.add(name)
            raise
        finally:
            self._evaluating.discard(name)
        self.values[name] = value
        return value


def evaluate(expr: st.Expr | st.Group, lets: Lets) -> Value:
    """Evaluate a `let` expression, checking dimensions (E003) as it goes.

    Temperatures follow LANGUAGE.md's arithmetic: a K term shifts an offset (C, F) temperature;
    two offset temperatures may be subtracted (a difference in K) but not added; an offset
    temperature cannot be scaled; none may fall below absolute zero (E008).
    """
    if isinstance(expr, st.Quantity):
        if expr.dimension == TEMPERATURE:
            scale = TEMPERATURE_SCALE.get(expr.unit, SCALE_OFFSET_C)
            if scale == SCALE_KELVIN:  # kept in kelvin: the number as written
                return Value(written_number(expr.text), TEMPERATURE, scale)
            return _checked(Value(expr.value, TEMPERATURE, scale), expr)
        return Value(expr.value, expr.dimension)
    if isinstance(expr, st.Number):
        return Value(expr.value, NUMBER)
    if isinstance(expr, st.Ref):
        if not expr.is_name:
            raise Problem("E003", f"expected a quantity, got the reference `{expr}`", expr.loc)
        return lets.get(expr.head, expr.loc)
    if isinstance(expr, st.Neg):
        inner = evaluate(expr.operand, lets)
        if inner.is_offset_temperature:
            return _checked(Value(negate_on_scale(inner.value, inner.scale), TEMPERATURE, inner.scale), expr)
        return Value(-inner.value, inner.dimension, inner.scale)
    if isinstance(expr, st.Group):
        if len(expr.items) != 1:
            raise Problem("E003", "expected one quantity, got a point", expr.loc)
        return evaluate(expr.items[0], lets)
    assert isinstance(expr, st.BinOp)
    left, right = evaluate(expr.left, lets), evaluate(expr.right, lets)
    if expr.op in "+-":
        if _is_thermal(left) and _is_thermal(right):
            return _checked(_temperature_sum(expr, left, right), expr)
        if left.dimension != right.dimension:
            raise Problem(
                "E003",
                f"cannot {'add' if expr.op == '+' else 'subtract'} {_what(right)} "
                f"{'to' if expr.op == '+' else 'from'} {_what(left)}",
                expr.loc,
            )
        value = left.value + right.value if expr.op == "+" else left.value - right.value
        return Value(value, left.dimension)
    for side in (left, right):
        if side.is_offset_temperature:
            raise Problem(
                "E003",
                f"cannot {'multiply' if expr.op == '*' else 'divide'} a temperature in {side.scale}: its zero is "
                f"arbitrary, so a multiple of it means nothing; write the amount as a difference in K "
                f"(`2 * 10 K`, `190 C + 2 * 10 K`)",
                expr.loc,
            )
    if expr.op == "*":
        if left.dimension != NUMBER and right.dimension != NUMBER:
            raise Problem("E003", f"cannot multiply {_what(left)} by {_what(right)}", expr.loc)
        quantity = left if right.dimension == NUMBER else right
        return Value(left.value * right.value, quantity.dimension, quantity.scale)
    if right.value == 0:
        raise Problem("E008", "division by zero", expr.right.loc)
    if right.dimension == NUMBER:
        return Value(left.value / right.value, left.dimension, left.scale)
    if right.dimension == left.dimension or (_is_thermal(left) and _is_thermal(right)):
        return Value(left.value / right.value, NUMBER)
    raise Problem("E003", f"cannot divide {_what(left)} by {_what(right)}", expr.loc)


def _is_thermal(value: Value) -> bool:
    return value.dimension in (TEMPERATURE, TEMPERATURE_DIFFERENCE)


def _what(value: Value) -> str:
    return "a number without a unit" if value.dimension == NUMBER else article(value.dimension)


def _temperature_sum(expr: st.BinOp, left: Value, right: Value) -> Value:
    """`+` or `-` of two temperatures or differences (LANGUAGE.md, temperature arithmetic)."""
    adding = expr.op == "+"
    if left.is_offset_temperature and right.is_offset_temperature:
        if not adding:  # two absolute temperatures: their difference, in K
            return Value(left.value - right.value, TEMPERATURE_DIFFERENCE)
        if left.scale != right.scale:
            hint = "write the difference in K (`200 C + 10 K`)"
            raise Problem("E003", f"cannot add a temperature in {right.scale} to one in {left.scale}: {hint}", expr.loc)
        raise Problem(
            "E003",
            f"cannot add two temperatures in {left.scale}: both are absolute; write the amount to add in K "
            f"(`190 C + 10 K` is 200 °C)",
            expr.loc,
        )
    if left.is_offset_temperature:  # shifted by a K term or a difference
        return Value(left.value + right.value if adding else left.value - right.value, TEMPERATURE, left.scale)
    if right.is_offset_temperature:
        if adding:
            return Value(right.value + left.value, TEMPERATURE, right.scale)
        if left.is_kelvin:  # an absolute temperature in K minus one in C or F: a difference
            return Value(kelvin_to_celsius(left.value) - right.value, TEMPERATURE_DIFFERENCE)
        raise Problem("E003", "cannot subtract a temperature from a temperature difference", expr.loc)
    value = left.value + right.value if adding else left.value - right.value
    if left.dimension == TEMPERATURE_DIFFERENCE and right.dimension == TEMPERATURE_DIFFERENCE:
        return Value(value, TEMPERATURE_DIFFERENCE)
    return Value(value, TEMPERATURE, SCALE_KELVIN)  # K with K (or a difference): still kelvin


def _checked(value: Value, expr: st.Expr) -> Value:
    """E008 for an offset-scale temperature below absolute zero, where it is written."""
    if value.is_offset_temperature and below_absolute_zero(value.value):
        raise _below_absolute_zero(value.value, expr.loc, expr.text if isinstance(expr, st.Quantity) else None)
    return value


def _below_absolute_zero(celsius: float, loc: Location, written: str | None = None) -> Problem:
    shown = format_quantity(celsius, TEMPERATURE)
    if written is not None:
        shown = written if written.endswith("C") else f"{written} ({shown})"
    return Problem("E008", f"{shown} is below absolute zero ({format_quantity(ABSOLUTE_ZERO, TEMPERATURE)})", loc)


def describe(value: st.Value) -> str:
    """How a value reads in a message: `3 mm`, `silicon`, `(0 mm, 0 mm)`."""
    if isinstance(value, st.Quantity):
        return value.text
    if isinstance(value, st.Number):
        return value.text
    if isinstance(value, st.String):
        return f'"{value.value}"'
    if isinstance(value, st.Punct):
        return value.text
    if isinstance(value, st.Group):
        return "(…)"
    if isinstance(value, st.Date):
        return value.value
    return str(value)


class Args:
    """A cursor over one property's values."""

    def __init__(self, prop: st.Property, lets: Lets):
        self.prop = prop
        self.items = prop.args
        self.pos = 0
        self.lets = lets

    # -- looking
    def peek(self) -> st.Value | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.items)

    def _where(self) -> Location:
        item = self.peek()
        if item is not None:
            return item.loc
        loc = self.items[-1].loc if self.items else self.prop.loc
        return Location(loc.path, loc.end_line or loc.line, loc.end_column or loc.column)

    def fail(self, wanted: str) -> Problem:
        item = self.peek()
        got = "the end of the line" if item is None else f"`{describe(item)}`"
        return Problem("E001", f"`{self.prop.name}`: expected {wanted}, got {got}", self._where())

    def next(self) -> st.Value:
        item = self.peek()
        if item is None:
            raise self.fail("a value")
        self.pos += 1
        return item

    # -- words and punctuation
    def is_word(self, *words: str) -> bool:
        item = self.peek()
        return isinstance(item, st.Ref) and item.is_name and item.head in words

    def word(
        self, wanted: str = "a name", choices: tuple[str, ...] | None = None, code: str = "E010", what: str = "value"
    ) -> str:
        item = self.peek()
        if not (isinstance(item, st.Ref) and item.is_name):
            raise self.fail(wanted)
        self.pos += 1
        if choices is not None and item.head not in choices:
            raise Problem(
                code,
                f"unknown {what} `{item.head}`{did_you_mean(item.head, choices)}; known: {', '.join(choices)}",
                item.loc,
            )
        return item.head

    def keyword(self, word: str) -> None:
        if not self.is_word(word):
            raise self.fail(f"`{word}`")
        self.pos += 1

    def accept_keyword(self, word: str) -> bool:
        if self.is_word(word):
            self.pos += 1
            return True
        return False

    def accept_punct(self, text: str) -> bool:
        item = self.peek()
        if isinstance(item, st.Punct) and item.text == text:
            self.pos += 1
            return True
        return False

    def punct(self, text: str) -> None:
        if not self.accept_punct(text):
            raise self.fail(f"`{text}`")

    def ref(self, wanted: str = "a reference") -> st.Ref:
        item = self.peek()
        if not isinstance(item, st.Ref):
            raise self.fail(wanted)
        self.pos += 1
        return item

    def string(self) -> str:
        item = self.peek()
        if not isinstance(item, st.String):
            raise self.fail("a text in double quotes")
        self.pos += 1
        return item.value

    def end(self) -> None:
        if not self.at_end():
            item = self.peek()
            assert item is not None
            raise Problem("E001", f"`{self.prop.name}`: unexpected `{describe(item)}` here", item.loc)

    def none(self) -> None:
        """A flag property (`dielectric`) takes no value."""
        if not self.at_end():
            item = self.peek()
            assert item is not None
            raise Problem("E001", f"`{self.prop.name}` takes no value, got `{describe(item)}`", item.loc)

    # -- quantities
    def quantity(self, dimension: str) -> float:
        """A quantity of `dimension` (a literal, a `let` name, or a parenthesised expression)."""
        item = self.peek()
        if item is None:
            raise self.fail(f"{article(dimension)} such as `{EXAMPLE[dimension]}`")
        if isinstance(item, st.Number) and dimension != NUMBER:
            self.pos += 1
            follower = self.peek()
            if isinstance(follower, st.Ref) and follower.is_name and _on_same_line(item.loc, follower.loc):
                raise Problem(
                    "E003",
                    f"unknown unit `{follower.head}` in `{item.text} {follower.head}`; "
                    f"expected {article(dimension)} such as `{EXAMPLE[dimension]}`",
                    _span(item.loc, follower.loc),
                )
            raise Problem(
                "E003",
                f"expected {article(dimension)}, got a number without a unit: {item.text} "
                f"(write it like `{EXAMPLE[dimension]}`)",
                item.loc,
            )
        if not isinstance(item, st.Quantity | st.Number | st.Ref | st.Group) or (
            isinstance(item, st.Ref) and not item.is_name
        ):
            raise self.fail(f"{article(dimension)} such as `{EXAMPLE[dimension]}`")
        self.pos += 1
        value = evaluate(item, self.lets)
        if not math.isfinite(value.value):
            raise Problem("E008", f"expected a finite value, got {describe(item)}", item.loc)
        if dimension == TEMPERATURE and value.dimension == TEMPERATURE_DIFFERENCE:
            raise Problem(
                "E003",
                f"expected a temperature, got a temperature difference: {describe(item)} "
                f"({format_quantity(value.value, TEMPERATURE_DIFFERENCE)}); add it to a temperature (`25 C + d`)",
                item.loc,
            )
        if value.dimension != dimension:
            raise Problem("E003", f"expected {article(dimension)}, got {_what(value)}: {describe(item)}", item.loc)
        if dimension == TEMPERATURE:
            celsius = value.absolute()
            if below_absolute_zero(celsius):
                raise _below_absolute_zero(celsius, item.loc, describe(item))
            return celsius
        if dimension == LENGTH and abs(value.value) > MAX_COORDINATE:
            raise Problem(
                "E008",
                f"a length of more than 1 km ({format_quantity(MAX_COORDINATE, LENGTH)}) is out of range: "
                f"{format_quantity(value.value, LENGTH)}",
                item.loc,
            )
        return value.value

    def sides(self) -> tuple[float, float]:
        """`W x H`: two positive lengths (E008 otherwise), as a rectangle's `size`."""
        out = []
        for n in range(2):
            if n:
                self.keyword("x")
            item = self.peek()
            value = self.quantity(LENGTH)
            if not value > 0:
                assert item is not None
                raise Problem("E008", f"a size must be positive, got {describe(item)}", item.loc)
            out.append(value)
        return out[0], out[1]

    def count(self, what: str) -> int:
        """A whole, positive number (rows, columns, cycles)."""
        item = self.peek()
        value = self.quantity(NUMBER)
        assert item is not None
        if value != int(value):
            raise Problem("E008", f"{what} must be a whole number, got {describe(item)}", item.loc)
        if value <= 0:
            raise Problem("E008", f"{what} must be at least 1, got {describe(item)}", item.loc)
        return int(value)

    def range(self, dimension: str) -> tuple[float, float]:
        """`Q .. Q`, lower end not above upper end (E008)."""
        first = self.peek()
        low = self.quantity(dimension)
        self.punct("..")
        last = self.peek()
        high = self.quantity(dimension)
        if low > high:
            assert first is not None and last is not None
            raise Problem(
                "E008", f"the range is upside down: {describe(first)} .. {describe(last)}", _span(first.loc, last.loc)
            )
        return low, high

    def temperature_or_range(self) -> tuple[float, float]:
        low = self.quantity(TEMPERATURE)
        if self.accept_punct(".."):
            item = self.peek()
            high = self.quantity(TEMPERATURE)
            if low > high:
                assert item is not None
                raise Problem("E008", "the range is upside down", item.loc)
            return low, high
        return low, low

    def point(self) -> tuple[float, float]:
        """`(X, Y)`: two lengths."""
        item = self.peek()
        if not isinstance(item, st.Group) or len(item.items) != 2:
            raise self.fail("a point such as `(0 mm, 0 mm)`")
        self.pos += 1
        xy = []
        for expr in item.items:
            value = evaluate(expr, self.lets)
            if value.dimension != LENGTH:
                got = "a number without a unit" if value.dimension == NUMBER else article(value.dimension)
                raise Problem("E003", f"expected a length, got {got}", expr.loc)
            if not abs(value.value) <= MAX_COORDINATE:  # also NaN
                raise too_far("this coordinate lies", abs(value.value), expr.loc)
            xy.append(value.value)
        return xy[0], xy[1]

    def grid_block(self) -> st.GridBlock:
        """`(R0:R1, C0:C1)`: a block of a grid's rows and columns, each range not upside down."""
        item = self.peek()
        if not isinstance(item, st.GridBlock):
            raise self.fail("a block of rows and columns such as `(10:20, 10:20)`")
        self.pos += 1
        for lo, hi in (item.rows, item.columns):
            if lo >= hi:
                raise Problem("E008", f"the block `{lo}:{hi}` is empty: the end comes after the start", item.loc)
        return item

    def list_of(self, read: Callable[[], object]) -> list:
        """`A, B, C`: one or more items separated by commas."""
        out = [read()]
        while self.accept_punct(","):
            out.append(read())
        return out


def too_far(what: str, distance: float, loc: Location) -> Problem:
    """E008 for a position past MAX_COORDINATE (or not finite) from the origin."""
    shown = format_quantity(distance, LENGTH) if math.isfinite(distance) else "infinitely far"
    return Problem(
        "E008",
        f"{what} {shown} from the origin; a position must be within 1 km "
        f"({format_quantity(MAX_COORDINATE, LENGTH)}) of it",
        loc,
    )


def _on_same_line(a: Location, b: Location) -> bool:
    return a.line == b.line


def _span(a: Location, b: Location) -> Location:
    return Location(a.path, a.line, a.column, b.end_line, b.end_column)
