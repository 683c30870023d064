"""Fuzzing the language front end (issue 9): generators of `.assy` inputs and the oracle that judges one.

Shared by the bounded campaign in the test suite (tests/language/test_fuzz.py) and the long one
(benchmarks/fuzz_campaign.py), so both try the same kinds of input and judge them the same way:

- `write_design`: a valid design built from the language's constructs (materials with
  inheritance and compositions, `let` expressions, elements with pad grids and `at` lists,
  `connect`, layers, masses with regions, leads, nets, the process, cells and `place`, waivers),
  written in varied but legal ways (units, spacing, braces, `;`, comments and strings in odd
  Unicode). Valid inputs matter: only they get past the parser and the builder to the rules.
- `mutate_text`: the same designs made nearly valid: swapped, dropped and duplicated tokens,
  truncation, wrong and unknown units, huge, tiny and non-finite numbers, deep nesting, odd
  Unicode, other line ends, very long lines.
- `write_explicit`: a flat CAD export over 200 kB, one `pad` or `mass` a line (the parser's fast path).
- `mutate_bytes`: bit flips, byte inserts and deletes, and splices of the repository's examples.
- `judge`: load and check one input in-process under a limit of processor time. The contract (LANGUAGE.md: "no
  input of any kind may produce a Python traceback"): a report, or a LanguageError whose every
  diagnostic is an E001-E010 at a real place in the file that renders with its line and a caret.

Every generator draws through `Source`, so the same code runs under hypothesis (which shrinks a
failing input) and under a seeded `random.Random` (which the long campaign replays by seed).
"""

from __future__ import annotations

import json
import random
import re
import signal
import threading
import time
import traceback
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from hypothesis import strategies as st

import assemblint
from assemblint.base.diagnostics import SOURCES, render
from assemblint.model.assembly import ELEMENT_TYPES, LAYER_ROLES, LEAD_SHAPES, STEP_KINDS

T = TypeVar("T")

EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "examples"
CODES = frozenset(f"E{n:03d}" for n in range(1, 11))
MAX_OBJECTS = 200_000  # a grid a mutation blows up to millions of pads is an E009, not a minute of work
TIME_LIMIT = 8.0  # processor seconds per input; a valid design takes ~0.03 s, a 100 kB line ~2 s


# ---------------------------------------------------------------- where the randomness comes from


class Source(Protocol):
    """The choices a generator makes; hypothesis and random.Random each implement it."""

    def integer(self, low: int, high: int) -> int: ...

    def choice(self, items: Sequence[T]) -> T: ...

    def chance(self, percent: int) -> bool: ...


class RandomSource:
    """Choices from a seeded random.Random: the long campaign, reproducible input by input."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def choice(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


class HypothesisSource:
    """Choices drawn from hypothesis, which shrinks them towards the first item, low numbers and 'no'."""

    def __init__(self, draw: st.DrawFn):
        self.draw = draw

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def choice(self, items: Sequence[T]) -> T:
        return self.draw(st.sampled_from(items))

    def chance(self, percent: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - percent


def source_for(seed: str | int) -> RandomSource:
    return RandomSource(random.Random(seed))


# ---------------------------------------------------------------- vocabulary

FUSIBLE = ("SAC305", "Sn42Bi58", "Sn63Pb37", "In52Sn48", "SnBiPbInCd55", "Pb95Sn5", "galinstan", "Au80Sn20")
BODIES = ("silicon", "polyimide", "fr4", "AlN", "alumina", "BT", "GaAs", "copper")
CONTAINERS = ("silicone_gel", "sylgard184", "underfill", "epoxy", "mold_compound")
METALS = ("copper", "gold", "nickel", "aluminium")
SYMBOLS = ("Sn", "Bi", "Pb", "In", "Ag", "Cu", "Cd", "Ga", "Zn", "Au")
# Names that are keywords or units elsewhere: legal as names, and a classic way for a parser to trip.
ODD_NAMES = ("C", "K", "x", "grid", "pitch", "cte", "kind", "um", "m", "on", "step", "at", "face", "_", "A_1")
PAD_NAMES = ("c", "p", "q", "t", "pad", "io", "b", "x", "grid", "C")
ELEMENT_NAMES = ("die", "sheet", "board", "sub", "chip28", "panel", "C", "x", "cte", "e_1")

# Odd Unicode that is still legal inside a string or a comment (no line end, no `"` or `\`).
ODD_TEXT = (
    "µ°Ω",
    "\u200f\u202eevil\u202c\u200e",  # right-to-left marks and an override
    "zero\u200bwidth\u200d\u2060join\ufeff",
    "e\u0301\u0301\u0301 combining",
    "\u0301",
    "🔥👩\u200d🔬\U0001f1eb\U0001f1f7",
    "\u00a0nbsp\u3000ideographic",
    "\x00nul",
    "\x1b[31mred\x1b[0m",
    "\u2028line\u2029para\x85nel",
    "\x0bvt\x0cff",
    "ﬁ Ａ ٣ ① ²",
    "\udc80\ud800lone surrogates",
    "x" * 300,
)
# Odd Unicode anywhere, including where it breaks the syntax.
ODD_ANYWHERE = (
    *ODD_TEXT,
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\ufeff",
    "\ud83d",
    "\ud83d\ude00",
    "µm",
    "μm",
    "°",
    "°C",
    "٣",
    "１２",
    "\u0660",
    '"',
    "\\",
    "{",
    "}",
    "(",
    "[",
)
HUGE_NUMBERS = (
    "1e308",
    "1.7976931348623157e308",
    "1e309",
    "1e400",
    "-1e308",
    "1e-320",
    "4.9e-324",
    "1e-400",
    "0",
    "-0",
    "0.0",
    ".0",
    "99999999999999999999",
    "18446744073709551617",
    "9223372036854775808",
    "4294967297",
    "1" * 400,
    "9" * 5000,
    "0." + "0" * 400 + "1",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e",
    "1.2.3",
    "0x10",
    "1_000",
    "2.5",
    "-1",
)
WRONG_UNITS = (
    "C",
    "K",
    "F",
    "°C",
    "degC",
    "um",
    "µm",
    "mm",
    "m",
    "mil",
    "nm",
    "ppm/K",
    "/K",
    "MPa",
    "GPa",
    "psi",
    "%",
    "s",
    "h",
    "uohm.cm",
    "ohm.m",
    "cph/cm2",
    "furlong",
    "mmm",
    "ppmK",
    "°",
    "°F",
    "um2",
    "Um",
    "MM",
    "",
)
SNIPPETS = (
    "}",
    "{",
    "(",
    ")",
    "[",
    "]",
    ";",
    ",",
    "..",
    "--",
    ":",
    "=",
    "*",
    "/",
    "+",
    "-",
    ".",
    "x",
    '"',
    "#",
    "use std",
    "use nope",
    'import "fuzz.assy"',
    'import "missing.assy"',
    'import "../../etc/passwd"',
    "cell X {",
    "place p : X grid 2 x 2 pitch 1 mm",
    "let",
    "let w = w",
    "let z = 1 mm / 0",
    "let z = 1 mm / 0 mm",
    "material",
    "element e : chip {}",
    "masses",
    "step s { kind reflow }",
    "waive X on y because",
    "2027-02-30",
    "die.c[0:0]",
    "c[*].x",
    "[99999999999999999999]",
    "[5:2]",
    "grid 0 x 0",
    "grid 100000 x 100000",
    "origin",
    "process {}",
)


# ---------------------------------------------------------------- writing values


def _num(x: float) -> str:
    text = f"{x:.6g}"
    return text.replace("e+", "e")


def length(src: Source, micrometres: float) -> str:
    """A length in one of its units, with or without a space before the unit."""
    unit, scale = src.choice((("um", 1.0), ("mm", 1e3), ("µm", 1.0), ("μm", 1.0), ("nm", 1e-3), ("mil", 25.4)))
    space = src.choice((" ", "", " \t"))
    return f"{_num(micrometres / scale)}{space}{unit}"


def temperature(src: Source, celsius: float) -> str:
    unit = src.choice(("C", "°C", "degC", "K", "F"))
    value = {"K": celsius + 273.15, "F": celsius * 9 / 5 + 32}.get(unit, celsius)
    return f"{_num(value)} {unit}"


def temperature_range(src: Source, low: float, high: float) -> str:
    return f"{temperature(src, low)} .. {temperature(src, high)}"


def text_literal(src: Source) -> str:
    """A string literal, sometimes with odd Unicode and escapes inside."""
    words = src.choice(("reviewed", "masses are meant to remelt", "RoHS 7(a)", "team", 'a \\"quoted\\" \\\\ word'))
    if src.chance(30):
        words += " " + src.choice(ODD_TEXT)
    return f'"{words}"'


def comment(src: Source) -> str:
    return "  # " + (src.choice(ODD_TEXT) if src.chance(50) else "a comment") if src.chance(15) else ""


# ---------------------------------------------------------------- a valid design


@dataclass
class _Element:
    name: str
    arrays: dict[str, int] = field(default_factory=dict)  # pad array -> number of pads
    singles: list[str] = field(default_factory=list)  # `pad NAME`: one pad, no index


class DesignWriter:
    """Writes one valid design; every reference it writes names something it declared."""

    def __init__(self, src: Source):
        self.src = src
        self.lines: list[str] = []
        self.names: set[str] = set()
        self.materials: dict[str, str] = {}  # custom material -> kind
        self.lets: dict[str, float] = {}  # let name -> length in µm
        self.count_lets: dict[str, int] = {}  # let name -> whole number
        self.elements: list[_Element] = []
        self.masses: dict[str, int] = {}  # indexed mass group -> count
        self.single_masses: list[str] = []
        self.layers: list[str] = []
        self.cell_placement: str | None = None

    # -- helpers
    def fresh(self, stem: str) -> str:
        """A name not yet used in the shared namespace (materials have their own, but stay apart too)."""
        name = stem
        n = 1
        while name in self.names:
            n += 1
            name = f"{stem}{n}"
        self.names.add(name)
        return name

    def block(self, head: str, props: list[str]) -> str:
        """`head { props }` on one line, or one property per line, with the brace here or below."""
        src = self.src
        if not props:
            return f"{head} {{}}"
        if src.chance(30):
            return f"{head} {{ " + "; ".join(props) + " }"
        brace = "\n{" if src.chance(15) else " {"
        sep = src.choice(("\n    ", "\n\t", "\n  \n    "))
        body = sep.join(p + comment(src) for p in props)
        return f"{head}{brace}{sep}{body}\n}}"

    def emit(self, text: str) -> None:
        self.lines.append(text + comment(self.src))

    def length_value(self, micrometres: float) -> str:
        """A positive length: a literal, a `let` name, or a parenthesised expression."""
        src = self.src
        if self.lets and src.chance(25):
            name = src.choice(sorted(self.lets))
            ratio = micrometres / self.lets[name]
            if src.chance(50):
                return name if abs(ratio - 1) < 1e-9 else f"({name} * {_num(ratio)})"
            return f"({_num(ratio)} * {name})"
        if src.chance(15):
            half = micrometres / 2
            return f"({length(src, half)} + {length(src, half)})"
        if src.chance(10):
            return f"(-(-{length(src, micrometres)}))"
        return length(src, micrometres)

    # -- the design
    def write(self) -> str:
        src = self.src
        if src.chance(70):
            self.emit(f"assembly {text_literal(src)}")
        self.emit("use std")
        self.write_lets()
        self.write_materials()
        count = src.integer(2, 3)
        rows, cols = src.integer(1, 4), src.integer(1, 4)
        pitch = float(src.choice((200, 250, 500, 1000)))
        for i in range(count):
            self.write_element(i, count, rows, cols, pitch)
        self.plan_layers()
        self.write_masses(rows * cols)
        self.write_layers()
        if src.chance(50):
            self.write_cell(pitch)
        self.write_leads()
        self.write_nets(rows * cols)
        if src.chance(85):
            self.write_process()
        if src.chance(30):
            self.write_waiver()
        if src.chance(20):  # statements in another order: the language is order-free at the top level
            head, rest = self.lines[:2], self.lines[2:]
            rest = sorted(rest, key=lambda _: src.integer(0, 3))
            self.lines = head + rest
        end = src.choice(("\n", "\n", "\n\n", ""))
        return "\n".join(self.lines) + end

    def write_lets(self) -> None:
        src = self.src
        if src.chance(60):
            value = float(src.choice((100, 250, 500)))
            name = self.fresh(src.choice(("pitch", "w", "unit", "C")))
            self.lets[name] = value
            self.emit(f"let {name} = {length(src, value)}")
            if src.chance(50):
                half = self.fresh("half")
                self.lets[half] = value / 2
                self.emit(f"let {half} = {name} / 2")
            if src.chance(30):  # order-free: a let may use one defined below it
                later = self.fresh("later")
                one = src.choice(("1", "1.0", "2 / 2"))
                self.emit(f"let {later} = ({name} + {name}) * 3 - {name} * 5 + {one} * {name}")
                self.lets[later] = value
        if src.chance(30):
            name = self.fresh("n")
            self.count_lets[name] = src.integer(1, 3)
            self.emit(f"let {name} = {self.count_lets[name]}")

    def write_materials(self) -> None:
        src = self.src
        if src.chance(50):
            name = self.fresh(src.choice(("alloy", "seed_alloy50", "Field", "C")))
            props = ["kind fusible"]
            if src.chance(60):
                symbols = sorted({src.choice(SYMBOLS) for _ in range(src.integer(2, 4))})
                shares = [src.integer(1, 10) for _ in symbols]
                parts = [round(100 * s / sum(shares), 1) for s in shares]
                parts[-1] = round(100 - sum(parts[:-1]), 1)
                pairs = zip(symbols, parts, strict=True)
                props.append("composition " + ", ".join(f"{symbol} {_num(part)} %" for symbol, part in pairs))
            low = float(src.integer(40, 250))
            if src.chance(50):
                props.append(f"melts {temperature(src, low)}")
            else:
                props.append(f"solidus {temperature(src, low)}")
                props.append(f"liquidus {temperature(src, low + src.integer(1, 30))}")
            if src.chance(50):
                props.append(f"cte {_num(src.integer(5, 30))} ppm/K")
            if src.chance(30):
                props.append(f"resistivity {_num(src.integer(10, 60))} uohm.cm")
            if src.chance(20):
                props.append(f"exemption {text_literal(src)}")
            self.materials[name] = "fusible"
            self.emit(self.block(f"material {name}", props))
        if src.chance(50):
            name = self.fresh(src.choice(("gel577", "house_gel", "cte")))
            props = [f"service {temperature_range(src, -40, 150)}", f"modulus {_num(0.3)} {src.choice(('MPa', 'GPa'))}"]
            if src.chance(50):
                props.append("dielectric")
            self.materials[name] = "compliant"
            self.emit(self.block(f"material {name} : {src.choice(CONTAINERS)}", props))

    def fusible(self) -> str:
        custom = [m for m, kind in self.materials.items() if kind == "fusible"]
        return self.src.choice((*custom, *FUSIBLE)) if custom and self.src.chance(50) else self.src.choice(FUSIBLE)

    def container(self) -> str:
        custom = [m for m, kind in self.materials.items() if kind == "compliant"]
        return self.src.choice(custom) if custom and self.src.chance(50) else self.src.choice(CONTAINERS)

    def grid(self, rows: int, cols: int, pitch: float) -> str:
        src = self.src
        counts = f"{rows} x {cols}"
        same = [name for name, value in self.count_lets.items() if value == rows]
        if same and src.chance(50):  # a `let` holding a whole number, as a grid count
            counts = f"{src.choice(same)} x {cols}"
        text = f"grid {counts} pitch {self.length_value(pitch)}"
        if src.chance(20):
            text += f" x {self.length_value(pitch)}"
        if src.chance(15):
            text += f" origin ({length(src, -pitch)}, {length(src, -pitch)})"
        return text

    def pad_options(self, diameter: float) -> str:
        src = self.src
        options = []
        if src.chance(85):
            options.append(f"diameter {self.length_value(diameter)}")
        if src.chance(30):
            options.append("barrier nickel" + (f" {length(src, 1)}" if src.chance(60) else ""))
        if src.chance(20):
            options.append(f"face {src.choice(('front', 'back'))}")
        order = sorted(range(len(options)), key=lambda _: src.integer(0, 2))
        return "".join(" " + options[i] for i in order)

    def write_element(self, i: int, count: int, rows: int, cols: int, pitch: float) -> None:
        src = self.src
        name = self.fresh(src.choice(ELEMENT_NAMES))
        element = _Element(name)
        kind = ("chip", src.choice(("dielectric_sheet", "interposer", "substrate")), "circuit_board")
        element_type = kind[min(i, 1) if i < count - 1 else 2] if src.chance(80) else src.choice(ELEMENT_TYPES)
        props = [f"body {src.choice(BODIES)}"]
        if src.chance(40):
            props.append(f"cte {_num(src.choice((2.6, 17, 16, 6.5)))} ppm/K")
        if src.chance(60):
            side = (max(rows, cols) + 1) * pitch
            size = f"size {length(src, side)} x {length(src, side)}"
            props.append(size + (f" x {length(src, src.choice((25, 700, 1600)))}" if src.chance(60) else ""))
        if src.chance(15):
            props.append(f"position ({length(src, src.integer(-5, 5) * 1000)}, {length(src, 0)})")
        if src.chance(30):
            props.append(f"operating {temperature_range(src, src.integer(-40, 40), src.integer(60, 125))}")
        if src.chance(30):
            props.append(f"max_temp {temperature(src, src.integer(200, 300))}")
        names = [n for n in PAD_NAMES if src.chance(50)] or ["c"]
        names = sorted(set(names), key=PAD_NAMES.index)
        front = names[0]
        element.arrays[front] = rows * cols
        props.append(f"pads {front} {self.grid(rows, cols, pitch)}{self.pad_options(pitch / 5)}")
        if 0 < i < count - 1 or (len(names) > 1 and src.chance(30)):  # a sheet: pads on both faces and vias
            back = names[1] if len(names) > 1 else front + "_b"
            element.arrays[back] = rows * cols
            props.append(f"pads {back} {self.grid(rows, cols, pitch)}{self.pad_options(pitch / 4)} face back")
            props.append(f"connect {front}[*] -- {back}[*]")
        if src.chance(30):
            spot = self.fresh_pad(element, "io")
            k = src.integer(1, 3)
            points = ", ".join(f"({length(src, j * pitch)}, {length(src, -pitch * rows)})" for j in range(k))
            element.arrays[spot] = k
            props.append(f"pads {spot} at {points}{self.pad_options(pitch / 5)}")
        if src.chance(25):
            spot = self.fresh_pad(element, "sense")
            element.singles.append(spot)
            props.append(f"pad {spot} at ({length(src, pitch * cols)}, {length(src, 0)}){self.pad_options(pitch / 5)}")
        self.elements.append(element)
        self.emit(self.block(f"element {name} : {element_type}", props))

    @staticmethod
    def fresh_pad(element: _Element, stem: str) -> str:
        name = stem
        while name in element.arrays or name in element.singles:
            name += "_"
        return name

    def selection(self, count: int) -> tuple[str, int]:
        """`[*]`, `[a:b]`, `[:b]`, `[a:]` or `[i]` over an array of `count`, and how many it selects."""
        src = self.src
        kind = src.integer(0, 4)
        if kind == 0 or count == 1:
            return "[*]", count
        start = src.integer(0, count - 1)
        stop = src.integer(start + 1, count)
        if kind == 1:
            return f"[{start}:{stop}]", stop - start
        if kind == 2:
            return f"[:{stop}]", stop
        if kind == 3:
            return f"[{start}:]", count - start
        return f"[{start}]", 1

    def plan_layers(self) -> None:
        """A layer's name first (masses say `in` it), its block after the masses (it `surrounds` them)."""
        if len(self.elements) >= 2 and self.src.chance(60):
            self.layers.append(self.fresh(self.src.choice(("gel", "gel54", "uf", "g"))))

    def write_layers(self) -> None:
        src = self.src
        for name in self.layers:
            a, b = self.elements[0].name, self.elements[1].name
            props = [f"role {src.choice(LAYER_ROLES)}", f"between {a}, {b}", f"thickness {self.length_value(100)}"]
            if self.masses and src.chance(40):
                props.append("surrounds " + ", ".join(sorted({src.choice(sorted(self.masses)) for _ in range(2)})))
            self.emit(self.block(f"layer {name} : {self.container()}", props))

    def write_masses(self, per_grid: int) -> None:
        src = self.src
        for lower, upper in zip(self.elements, self.elements[1:], strict=False):
            top = list(lower.arrays)[-1 if len(lower.arrays) > 1 and src.chance(50) else 0]
            bottom = next(iter(upper.arrays))
            if lower.arrays[top] != per_grid:
                top = next(iter(lower.arrays))
            name = self.fresh(src.choice(("m", "tb", "bumps", "x", "C")))
            sel, n = self.selection(per_grid)
            keyword = "masses" if n > 1 or src.chance(50) else "mass"
            joins = f"joins {lower.name}.{top}{sel} -- {upper.name}.{bottom}{sel}"
            if src.chance(10):  # one-sided: a bump on one element only
                joins = f"joins {lower.name}.{top}{sel}"
            props = [joins]
            if src.chance(60):
                props.append(f"diameter {self.length_value(90)}")
            if src.chance(70):
                props.append(f"height {self.length_value(50)}")
            if self.layers and src.chance(40):
                props.append(f"in {src.choice(self.layers)}")
            if keyword == "mass" and src.chance(40):
                props += [
                    f"region core : Pb95Sn5 on {lower.name}",
                    f"region joint : {src.choice(FUSIBLE)} on {upper.name}",
                ]
                head = f"mass {name}"
            else:
                head = f"{keyword} {name} : {self.fusible()}"
            if keyword == "masses":
                self.masses[name] = n
            else:
                self.single_masses.append(name)
            self.emit(self.block(head, props))
        first = self.elements[0]
        if first.singles and src.chance(70):
            name = self.fresh("s")
            other = self.elements[1]
            props = [f"joins {first.name}.{first.singles[0]} -- {other.name}.{next(iter(other.arrays))}[0]"]
            self.single_masses.append(name)
            self.emit(self.block(f"mass {name} : {self.fusible()}", props))

    def write_cell(self, pitch: float) -> None:
        src = self.src
        cell = self.fresh(src.choice(("Unit", "U", "cell_1")))
        rows, cols = src.integer(1, 3), src.integer(1, 2)
        grid = f"grid {rows} x {cols} pitch {length(src, pitch)}"
        body = [
            self.block("element a : chip", ["body silicon", f"pads c {grid} diameter {length(src, 100)}"]),
            self.block("element b : substrate", ["body AlN", f"pads p {grid}"]),
            self.block(f"masses m : {self.fusible()}", ["joins a.c[*] -- b.p[*]", f"height {length(src, 50)}"]),
        ]
        if src.chance(50):
            body.append(self.block(f"layer g : {self.container()}", ["role compliant", "between a, b"]))
        if src.chance(40):
            body.append("nets n { a.c[*], b.p[*] }")
        self.emit(self.block(f"cell {cell}", body))
        place = self.fresh(src.choice(("units", "u", "P")))
        self.cell_placement = place
        count_rows, count_cols = src.integer(1, 3), src.integer(1, 3)
        text = f"place {place} : {cell} grid {count_rows} x {count_cols} pitch {length(src, 10_000)}"
        if src.chance(30):
            text += f" x {length(src, 8000)}"
        if src.chance(20):
            text += f" origin ({length(src, 0)}, {length(src, -20_000)})"
        self.emit(text)
        instances = count_rows * count_cols
        if src.chance(50):  # reach into one instance from outside: it becomes distinct
            i = src.integer(0, instances - 1)
            board = self.elements[-1]
            pads = f"{board.name}.{next(iter(board.arrays))}[0]"
            self.emit(f"net {self.fresh('reach')} {{ {place}[{i}].a.c[0], {pads} }}")

    def write_leads(self) -> None:
        src = self.src
        indexed = [(name, n) for name, n in self.masses.items()]
        if indexed and src.chance(40):
            mass, n = src.choice(indexed)
            source = next(
                ((e.name, a) for e in self.elements for a, k in e.arrays.items() if k >= n),
                None,
            )
            if source is not None:
                name = self.fresh(src.choice(("l", "leads_1")))
                props = [f"from {source[0]}.{source[1]}[0:{n}] to {mass}[*]"]
                if src.chance(70):
                    props.append(f"shape {src.choice(LEAD_SHAPES)}")
                self.emit(self.block(f"leads {name} : {src.choice(METALS)}", props))
        if self.elements[0].singles and src.chance(40):
            first, other = self.elements[0], self.elements[-1]
            name = self.fresh("wire")
            props = [f"from {first.name}.{first.singles[0]} to {other.name}.{next(iter(other.arrays))}[0]"]
            self.emit(self.block(f"lead {name} : gold", props))

    def write_nets(self, per_grid: int) -> None:
        src = self.src
        a, b = self.elements[0], self.elements[-1]
        pa, pb = next(iter(a.arrays)), next(iter(b.arrays))
        if src.chance(60):
            self.emit(f"net {self.fresh('VDD')} {{ {a.name}.{pa}[0], {b.name}.{pb}[0] }}")
        if per_grid > 1 and src.chance(50):
            sel, _ = self.selection(per_grid)
            members = f"{a.name}.{pa}{sel},{src.choice((' ', chr(10) + '    '))}{b.name}.{pb}{sel}"
            self.emit(f"nets {self.fresh('io')} {{ {members} }}")

    def write_process(self) -> None:
        src = self.src
        steps = []
        used: set[str] = set()
        targets = [*self.masses, *self.single_masses, *self.layers, *(e.name for e in self.elements)]
        if self.cell_placement:
            targets.append(f"{self.cell_placement}[*].m")
        temperature_now = 25
        for _ in range(src.integer(1, 5)):
            name = src.choice(("bump", "join", "fill", "cure", "mount", "rework", "s1", "C"))
            if name in used:
                continue
            used.add(name)
            kind = src.choice(STEP_KINDS)
            props = [f"kind {kind}"]
            temperature_now = min(temperature_now + src.integer(0, 100), 300)
            if src.chance(50):
                props.append(f"peak {temperature(src, temperature_now)}")
            elif src.chance(50):
                props.append(f"temp {temperature(src, temperature_now)}")
            else:
                props.append(f"temp {temperature_range(src, 20, 20 + temperature_now)}")
            if targets and src.chance(60):
                chosen = sorted({src.choice(targets) for _ in range(src.integer(1, 2))})
                props.append(f"{src.choice(('forms', 'forms', 'mixes'))} " + ", ".join(chosen))
            if self.masses and src.chance(20):
                props.append(f"requires {src.choice(('solid', 'liquid'))} {src.choice(sorted(self.masses))}")
            steps.append(self.block(f"step {name}", props))
        items = [*steps]
        if src.chance(60):
            items.append(f"operate {temperature_range(src, src.integer(-40, 40), src.integer(60, 125))}")
        if src.chance(40):
            items.append(f"store {temperature_range(src, -40, 60)}")
        if src.chance(30):
            items.append(f"cycle {temperature_range(src, -40, 125)} count {src.integer(1, 3000)}")
        self.emit(self.block("process", items))

    def write_waiver(self) -> None:
        src = self.src
        patterns = [f"{m}[*]" for m in self.masses] + [e.name for e in self.elements]
        if self.cell_placement:
            patterns.append(f"{self.cell_placement}[*].m")
        chosen = sorted({src.choice(patterns) for _ in range(src.integer(1, 3))})
        rule = src.choice(("MH004", "CT001", "IN003", "X999"))
        text = f"waive {rule} on {', '.join(chosen)} because {text_literal(src)}"
        if src.chance(50):
            text += f" by {text_literal(src)}"
        if src.chance(50):
            text += f" until {src.choice(('2027-06-30', '2020-01-01', '2099-12-31'))}"
        self.lines.append(text)


def write_design(src: Source) -> str:
    """A valid design (it loads without errors and reaches the rules)."""
    return DesignWriter(src).write()


def write_explicit(src: Source) -> str:
    """A valid design as a CAD tool exports it: every pad and every mass one statement a line, over
    200 kB, so that the parser reads it by its fast path for such lines (explicit.py) as well as by Lark.

    A handful of choices, each repeated down the lines, vary how the lines are written (units,
    spacing, `;`, comments, options the fast path leaves to Lark)."""
    count = src.choice((1200, 1500))
    side, pitch = 40, src.choice((50, 100))
    ends = [src.choice(("", ";", "  # exported", " face back", "; # x")) for _ in range(3)]
    diameters = [src.choice(("25 um", "25um", "0.025 mm", "25\tµm")) for _ in range(2)]
    extras = [
        src.choice(("; diameter 30 um; height 100 um", "", "; height 0.1 mm", ";diameter 30um")) for _ in range(2)
    ]

    def pads(name: str, prefix: str, unit: str) -> list[str]:
        scale = 1000 if unit == "mm" else 1
        lines = [f"element {name} : {src.choice(('chip', 'substrate'))} {{", "    body silicon"]
        for i in range(count):
            x, y = (i % side - side // 2) * pitch, (i // side - side // 2) * pitch
            xy = f"({_num(x / scale)} {unit}, {_num(y / scale)}{unit})"
            lines.append(f"    pad {prefix}{i} at {xy} diameter {diameters[i % 2]}{ends[i % 3]}")
        return [*lines, "}"]

    lines = ["# exported", 'assembly "flat export"', "use std"]
    lines += pads("die", "c", src.choice(("um", "µm", "mm")))
    lines += pads("sub", "p", "nm" if src.chance(10) else "um")
    material = src.choice(FUSIBLE)
    lines += [f"mass m{i} : {material} {{ joins die.c{i} -- sub.p{i}{extras[i % 2]} }}" for i in range(count)]
    lines.append("process { step join { kind reflow; peak 245 C; forms m0 } }")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- nearly valid: mutations of text

_TOKEN = re.compile(
    r'"(?:\\.|[^"\\\n])*"?'  # a string, closed or not
    r"|#[^\n]*"  # a comment
    r"|\s+"
    r"|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"  # a number
    r"|[A-Za-z_µμ°][A-Za-z0-9_]*(?:/[A-Za-z]+|\.[a-z]+)?"  # a name, or a unit such as ppm/K or uohm.cm
    r"|\.\.|--|."
)
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def tokens(text: str) -> list[str]:
    """The text split into tokens and the whitespace between them; joined again it is the text."""
    return _TOKEN.findall(text)


def _solid(pieces: list[str]) -> list[int]:
    return [i for i, piece in enumerate(pieces) if not piece.isspace()]


def _swap(text: str, src: Source) -> str:
    pieces = tokens(text)
    solid = _solid(pieces)
    if len(solid) < 2:
        return text
    k = src.integer(0, len(solid) - 2)
    i, j = solid[k], solid[k + 1]
    pieces[i], pieces[j] = pieces[j], pieces[i]
    return "".join(pieces)


def _drop(text: str, src: Source) -> str:
    pieces = tokens(text)
    solid = _solid(pieces)
    if not solid:
        return text
    del pieces[src.choice(solid)]
    return "".join(pieces)


def _duplicate(text: str, src: Source) -> str:
    pieces = tokens(text)
    solid = _solid(pieces)
    if not solid:
        return text
    i = src.choice(solid)
    pieces.insert(i, pieces[i] + src.choice((" ", "", "\n")))
    return "".join(pieces)


def _replace_token(text: str, src: Source) -> str:
    pieces = tokens(text)
    solid = _solid(pieces)
    if not solid:
        return text
    pool = src.choice((SNIPPETS, WRONG_UNITS, HUGE_NUMBERS, ELEMENT_NAMES, PAD_NAMES, ODD_NAMES, STEP_KINDS))
    pieces[src.choice(solid)] = src.choice(pool)
    return "".join(pieces)


def _insert_snippet(text: str, src: Source) -> str:
    pieces = tokens(text)
    i = src.integer(0, len(pieces))
    pieces.insert(i, src.choice((" ", "\n", "")) + src.choice(SNIPPETS) + src.choice((" ", "\n", "")))
    return "".join(pieces)


def _number(text: str, src: Source) -> str:
    """A number replaced by a huge, tiny, negative, malformed or non-finite one."""
    matches = list(_NUMBER.finditer(text))
    if not matches:
        return text
    match = src.choice(matches)
    return text[: match.start()] + src.choice(HUGE_NUMBERS) + text[match.end() :]


def _unit(text: str, src: Source) -> str:
    """The unit after a number replaced by one of another dimension, or an unknown one."""
    matches = list(re.finditer(r"(?<=\d)([ \t]*)(°C|°|µm|μm|µohm\.cm|[A-Za-z%/][A-Za-z0-9/.%]*)", text))
    if not matches:
        return text
    match = src.choice(matches)
    return text[: match.start(2)] + src.choice(WRONG_UNITS) + text[match.end(2) :]


def _truncate(text: str, src: Source) -> str:
    return text[: src.integer(0, len(text))]


def _odd_unicode(text: str, src: Source) -> str:
    at = src.integer(0, len(text))
    return text[:at] + src.choice(ODD_ANYWHERE) + text[at:]


def _line_ends(text: str, src: Source) -> str:
    ending = src.choice(("\r\n", "\r", "\n\r", "\u2028", "\x0b", "\x0c\n", "\x85"))
    if src.chance(50):
        return text.replace("\n", ending)
    lines = text.split("\n")
    k = src.integer(0, max(0, len(lines) - 1))
    return "\n".join(lines[:k]) + ending + "\n".join(lines[k:])


def _lines(text: str, src: Source) -> str:
    """A whole line deleted, duplicated, or moved."""
    lines = text.split("\n")
    i = src.integer(0, len(lines) - 1)
    action = src.integer(0, 2)
    if action == 0:
        del lines[i]
    elif action == 1:
        lines.insert(i, lines[i])
    else:
        lines.insert(src.integer(0, len(lines) - 1), lines.pop(i))
    return "\n".join(lines)


def _deep_nesting(text: str, src: Source) -> str:
    """A value, or a new `let`, nested hundreds to tens of thousands deep."""
    depth = src.choice((50, 99, 100, 101, 200, 1000, 5000, 30_000))
    form = src.integer(0, 5)
    if form == 0:
        value = "(" * depth + "1 um" + ")" * depth
    elif form == 1:
        value = "(" + "-" * depth + "1 um)"
    elif form == 2:
        value = "(" + "1 um + " * depth + "1 um)"
    elif form == 3:
        value = "(" + "(1 um + " * depth + "1 um" + ")" * (depth + 1)
    elif form == 4:  # a chain of lets, each defined in terms of the next, written in the worst order
        chain = min(depth, 5000)
        lets = "".join(f"let d{i} = d{i + 1} + 1 um\n" for i in range(chain))
        return text + f"\n{lets}let d{chain} = 1 um\nlet deep = d0\n"
    else:
        value = "-(" * depth + "1 um" + ")" * depth
        return text + f"\nlet deep = {value}\n"
    matches = [m for m in _NUMBER.finditer(text) if text[m.end() : m.end() + 3].strip()[:1].isalpha()]
    if not matches or src.chance(30):
        return text + f"\nlet deep = {value}\n"
    match = src.choice(matches)
    end = re.compile(r"[ \t]*[A-Za-z°µμ%/][A-Za-z0-9/.]*").match(text, match.end())
    stop = end.end() if end else match.end()
    return text[: match.start()] + value + text[stop:]


def _long_line(text: str, src: Source) -> str:
    """A line of tens of thousands of characters: a net, a comment, a name, a number or a string."""
    n = src.choice((1000, 20_000, 100_000))
    form = src.integer(0, 5)
    if form == 0:
        refs = re.findall(r"\b[A-Za-z_]\w*\.[A-Za-z_]\w*\[\d+\]", text) or ["nothing.c[0]"]
        line = "net long { " + ", ".join(refs[i % len(refs)] for i in range(n // 10)) + " }"
    elif form == 1:
        line = "# " + "é" * n
    elif form == 2:
        line = "element " + "e" * n + " : chip { body silicon }"
    elif form == 3:
        line = "let big = " + "9" * min(n, 10_000) + " um"
    elif form == 4:
        line = 'assembly "' + "x" * n + '"'
    else:
        line = "material " + "M" * 10 + " { kind metal; " + "cte 1 ppm/K; " * (n // 20) + "}"
    at = src.choice((0, len(text)))
    return text[:at] + ("\n" if at else "") + line + "\n" + text[at:]


MUTATIONS = {
    "swap": _swap,
    "drop": _drop,
    "duplicate": _duplicate,
    "replace": _replace_token,
    "snippet": _insert_snippet,
    "number": _number,
    "unit": _unit,
    "truncate": _truncate,
    "unicode": _odd_unicode,
    "line-ends": _line_ends,
    "lines": _lines,
    "nesting": _deep_nesting,
    "long-line": _long_line,
}
_MUTATION_NAMES = tuple(MUTATIONS)


def mutate_text(text: str, src: Source) -> tuple[str, list[str]]:
    """One to three mutations of a design; returns the text and the mutations' names."""
    applied = []
    for _ in range(src.integer(1, 3)):
        name = src.choice(_MUTATION_NAMES)
        text = MUTATIONS[name](text, src)
        applied.append(name)
    return text, applied


# ---------------------------------------------------------------- byte-level mutations of the examples


def example_designs() -> list[tuple[str, bytes]]:
    """The repository's example designs, as bytes (the byte mutations start from them)."""
    return [(p.name, p.read_bytes()) for p in sorted(EXAMPLES_DIR.glob("*.assy"))]


INTERESTING_BYTES = (
    b"\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xc3",  # the first half of a two-byte UTF-8 sequence
    b"\xe2\x80",
    b"\xef\xbb\xbf",  # a byte-order mark in the middle of the text
    b"\xed\xa0\x80",  # an encoded surrogate: not UTF-8
    b"\xe2\x80\xae",  # right-to-left override
    b"\r",
    b"\x1a",
    b"\x7f",
    b"\xc2\xb5m",  # µm
    b"\xb0C",  # a Latin-1 degree sign: not UTF-8
)


def mutate_bytes(examples: list[tuple[str, bytes]], src: Source) -> tuple[bytes, list[str]]:
    """An example design with bytes flipped, inserted, deleted or spliced with another example."""
    name, data = src.choice(examples)
    applied = [name]
    for _ in range(src.integer(1, 4)):
        action = src.integer(0, 5)
        at = src.integer(0, len(data))
        if action == 0 and data:  # flip one to eight bits of one byte
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ src.integer(1, 255)]) + data[at + 1 :]
            applied.append("flip")
        elif action == 1:
            data = data[:at] + bytes([src.integer(0, 255)]) * src.integer(1, 3) + data[at:]
            applied.append("insert")
        elif action == 2:
            data = data[:at] + data[at + src.integer(1, 16) :]
            applied.append("delete")
        elif action == 3:
            data = data[:at] + src.choice(INTERESTING_BYTES) + data[at:]
            applied.append("special")
        elif action == 4:  # a chunk repeated
            size = src.integer(1, 64)
            data = data[: at + size] + data[at : at + size] + data[at + size :]
            applied.append("repeat")
        else:  # splice: this example's head with another's tail
            other_name, other = src.choice(examples)
            cut = src.integer(0, len(other))
            data = data[:at] + other[cut:]
            applied.append(f"splice:{other_name}")
    return data, applied


# ---------------------------------------------------------------- one generated input


@dataclass
class FuzzInput:
    """One input: text (loaded with `text=`) or bytes (written to the file and read from disk)."""

    family: str  # valid | nearly-valid | bytes
    how: list[str]
    text: str | None = None
    data: bytes | None = None

    def as_bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.text is not None
        return self.text.encode("utf-8", "surrogatepass")


FAMILIES = ("valid",) * 2 + ("nearly-valid",) * 6 + ("bytes",) * 4 + ("explicit",)


def generate(src: Source, examples: list[tuple[str, bytes]], family: str | None = None) -> FuzzInput:
    """One input of a family chosen by the source (or the given one)."""
    family = family or src.choice(FAMILIES)
    if family == "bytes":
        data, how = mutate_bytes(examples, src)
        return FuzzInput(family, how, data=data)
    if family == "explicit":  # a big flat export, most often made nearly valid
        text = write_explicit(src)
        if src.chance(20):
            return FuzzInput(family, [], text=text)
        mutated, how = mutate_text(text, src)
        return FuzzInput(family, how, text=mutated)
    text = write_design(src)
    if family == "valid":
        return FuzzInput(family, [], text=text)
    mutated, how = mutate_text(text, src)
    return FuzzInput(family, how, text=mutated)


@st.composite
def valid_designs(draw: st.DrawFn) -> str:
    return write_design(HypothesisSource(draw))


@st.composite
def nearly_valid_designs(draw: st.DrawFn) -> str:
    src = HypothesisSource(draw)
    return mutate_text(write_design(src), src)[0]


@st.composite
def explicit_designs(draw: st.DrawFn) -> str:
    src = HypothesisSource(draw)
    return mutate_text(write_explicit(src), src)[0]


@st.composite
def mutated_examples(draw: st.DrawFn) -> bytes:
    return mutate_bytes(example_designs(), HypothesisSource(draw))[0]


# ---------------------------------------------------------------- the oracle


class Timeout(BaseException):
    """An input that ran past its time limit (a BaseException, so no `except Exception` swallows it)."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise Timeout in this thread once it has used `seconds` of processor time (SIGPROF).

    Processor time, not time on the clock: on a machine shared with other jobs an input that waits
    for a core is not slow, and a hang (a loop that never ends) burns processor time all the same.
    Only the main thread receives signals; elsewhere there is no limit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise Timeout(f"still running after {seconds:g} s of processor time")

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


@dataclass
class Outcome:
    """What became of one input: a report, language errors, or a failure with its signature."""

    kind: str  # report | language-error | failure
    codes: tuple[str, ...] = ()
    failure: str | None = None  # what kind of failure, and where: the campaign groups by it
    detail: str = ""
    seconds: float = 0.0


def _innermost_frame(error: BaseException) -> str:
    """The innermost frame of assemblint (or a plugin of it) in the traceback: where the bug is."""
    where = "outside assemblint"
    for frame in traceback.extract_tb(error.__traceback__):
        path = frame.filename.replace("\\", "/")
        if "/assemblint" in path and "/tests/" not in path:
            where = f"{path.split('/src/')[-1].split('/plugins/')[-1]}:{frame.name}"
    return where


def source_lines(text: str) -> list[str]:
    """The file's lines as the language counts them: `\\n`, `\\r\\n` and a lone `\\r` end a line."""
    return re.split(r"\r\n|\r|\n", text)


def _quotes(shown: str, line: str) -> bool:
    """Whether `shown` quotes `line` column for column: a tab or control character may be shown as
    something else (a space, a picture), as long as that is not a control character."""
    return len(shown) == len(line) and all(
        a == b or (unicodedata.category(b) == "Cc" and unicodedata.category(a) != "Cc")
        for a, b in zip(shown, line, strict=True)
    )


def is_text(data: bytes) -> bool:
    """Whether a file's bytes are a text the loader quotes: UTF-8 (after a byte-order mark), no NUL."""
    try:
        data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\0" not in data


def diagnostic_problems(
    error: assemblint.LanguageError, path: Path, text: str, binary: bool = False
) -> list[tuple[str, str]]:
    """Everything wrong with the diagnostics of a LanguageError, as (what kind of problem, details);
    [] when they meet the contract. `binary`: the file is not text (issue 17): its one E001 is at a
    real place, and no line of it is quoted."""
    if not error.diagnostics:
        return [("a LanguageError without diagnostics", "")]
    problems = []
    lines = source_lines(text)
    for d in error.diagnostics:
        loc = d.location
        where = f"{loc}: {d.code} {d.message[:100]!r}"
        if d.code not in CODES:
            problems.append(("a code that is not E001-E010", where))
        if not d.message.strip():
            problems.append(("an empty message", where))
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in d.message):
            problems.append(("a control character in the message", where))
        if not (isinstance(loc.line, int) and loc.line >= 1 and isinstance(loc.column, int) and loc.column >= 1):
            problems.append(("a line or column below 1", where))
            continue
        if Path(loc.path).name != path.name:
            continue  # a library's line (std): not this input's text
        if loc.line > len(lines):
            problems.append(("a line past the end of the file", f"{len(lines)} lines; {where}"))
            continue
        line = lines[loc.line - 1]
        if loc.column > len(line) + 1:
            problems.append(("a column past the end of its line", f"{len(line)} characters; {where}"))
        shown = render(d, SOURCES).split("\n")
        if shown[0] != f"{loc}: {d.code} {d.message}":
            problems.append(("a first line that is not `file:line:column: CODE message`", where))
        if binary:
            if d.code != "E001" or len(error.diagnostics) != 1 or "not a text file" not in d.message:
                problems.append(("a file that is not text without its one E001", where))
            if len(shown) > 1:
                problems.append(("a line of a file that is not text is quoted", where))
            continue
        if len(shown) < 3 or "^" not in shown[2]:
            problems.append(("no caret under the source line", where))
        elif len(line) <= 120 and not _quotes(shown[1], f"{loc.line:>5} | " + line):
            problems.append(("the quoted line is another line of the file", f"{shown[1][:80]!r}; {where}"))
        if any(unicodedata.category(c) == "Cc" for c in "".join(shown[1:])):
            problems.append(("a control character in the quoted line", where))
    return problems


def judge(path: Path, item: FuzzInput, time_limit_s: float = TIME_LIMIT) -> Outcome:
    """Load and check one input in-process, and say whether the result meets the contract.

    Text inputs are given to `load(text=...)` (and written to `path`, for an `import` of itself);
    byte inputs are read from disk, through the loader's own decoding.
    """
    path.write_bytes(item.as_bytes())
    if item.text is not None:  # a lone surrogate is read as U+FFFD, as the byte a file would hold
        text = re.sub("[\ud800-\udfff]", "\ufffd", item.text)
    else:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    started = time.perf_counter()
    try:
        with time_limit(time_limit_s):
            try:
                assembly = assemblint.load(path, text=item.text, max_objects=MAX_OBJECTS)
            except assemblint.LanguageError as error:
                codes = tuple(d.code for d in error.diagnostics)
                binary = item.text is None and not is_text(item.as_bytes())
                problems = diagnostic_problems(error, path, text, binary)
                if problems:
                    detail = "\n".join(f"{kind}: {where}" for kind, where in problems)
                    return Outcome("failure", codes, f"bad diagnostic: {problems[0][0]}", detail)
                return Outcome("language-error", codes, seconds=time.perf_counter() - started)
            report = assemblint.check(assembly)
            if report.problems:
                first = report.problems[0]
                kind = first.message.split(":")[0]
                return Outcome("failure", (), f"rule crashed: {first.rule} {kind}", first.message)
            json.dumps(report.to_json(), allow_nan=False)  # NaN or Infinity is not JSON
    except Timeout as error:
        return Outcome("failure", (), "timeout", str(error))
    except Exception as error:
        signature = f"{type(error).__name__} at {_innermost_frame(error)}"
        return Outcome("failure", (), signature, traceback.format_exc())
    return Outcome("report", seconds=time.perf_counter() - started)
