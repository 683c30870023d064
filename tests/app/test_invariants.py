"""Invariants as property tests (issue 9, part 4): transformations that must not change the findings.

Renaming every object, reordering independent statements, translating all positions, converting
every value to other units and splitting a design across imports do not change the findings (up
to names, lines and files); the same input gives byte-identical JSON, in one process and across
processes. The designs are the examples (examples/, ../shared/examples/), every rule's documented
`fires` and `passes` examples, and the boundary designs below; the transformations are in
tests/design_transforms.py.

    python -m pytest tests/app/test_invariants.py
"""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import design_transforms as dt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assemblint
from assemblint.checking.findings import OBJECTS, objects_phrase
from assemblint.plugins.host import PluginHost

# assemblint.load raises the recursion limit on first use; raised here already, so that Hypothesis
# does not warn that a test changed it.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))

ROOT = Path(__file__).resolve().parents[2]
SHARED_EXAMPLES = ROOT.parent / "shared" / "examples"
FAMILIES = ("MH", "CT", "IN", "CTE")

PROPERTY = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("ASSEMBLINT_INVARIANT_EXAMPLES", "50")),  # more for a deeper search
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# ------------------------------------------------------------------------------------------------
# Designs written for these tests: values exactly at the rules' limits (where rounding shows), and
# the rules no example fires. Each comment says what the design is at the edge of.

BOUNDARIES = {
    # IN003: masses 20 µm apart edge to edge (exactly `min_spacing`, passes) and 19.9 µm (fires);
    # IN005: a footprint exactly touching a pad of another node (passes).
    "geometry-edges": """
        use std
        let pitch = 120 um
        element die : chip {
            body silicon; cte 3 ppm/K
            operating 0 C .. 85 C
            pads c grid 3 x 4 pitch pitch diameter 100 um
            pads d grid 1 x 2 pitch 119.9 um origin (1 mm, 1 mm) diameter 100 um
            pads f at (-1 mm, 1 mm), (-1.11 mm, 1 mm) diameter 100 um
        }
        element sub : interposer {
            body silicon; cte 3 ppm/K
            pads p grid 3 x 4 pitch pitch diameter 100 um
            pads q grid 1 x 2 pitch 119.9 um origin (1 mm, 1 mm) diameter 100 um
            pads g at (-1 mm, 1 mm), (-1.11 mm, 1 mm) diameter 100 um
        }
        masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um; height 60 um }
        masses n : SAC305 { joins die.d[*] -- sub.q[*]; diameter 100 um; height 60 um }
        mass k : SAC305 { joins die.f[0] -- sub.g[0]; diameter 100 um; height 60 um }
        process {
            step reflow { kind reflow; peak 245 C }
            operate 0 C .. 85 C
        }
    """,
    # CTE002: the corner joints' strain exactly 0.02 (Δα 10 ppm/K × ΔT 100 K × DNP 2000 µm / 100 µm),
    # with DNP a 3-4-5 triangle; CTE001: Δα exactly 3 ppm/K on the second pair (passes);
    # CTE003 on the first pair.
    "strain-edges": """
        use std
        element die : chip {
            body silicon; cte 3 ppm/K
            pads c grid 2 x 2 pitch 2.34 mm x 3.12 mm diameter 100 um  # DNP 1950 + 50 µm radius: 2000 µm
        }
        element board : circuit_board {
            body fr4; cte 13 ppm/K
            pads p grid 2 x 2 pitch 2.34 mm x 3.12 mm diameter 100 um
            pads r grid 3 x 3 pitch 1 mm origin (10 mm, 10 mm) diameter 300 um
        }
        element cap : package {
            body alumina; cte 16 ppm/K
            position (11 mm, 11 mm)
            pads t grid 3 x 3 pitch 1 mm diameter 300 um
        }
        masses s : SAC305 { joins die.c[*] -- board.p[*]; diameter 100 um; height 100 um }
        masses u : SAC305 { joins cap.t[*] -- board.r[*]; diameter 250 um; height 50 um }
        process {
            step reflow { kind reflow; peak 245 C; forms s, u }
            operate -40 C .. 60 C
            cycle -40 C .. 60 C count 1000
        }
    """,
    # Temperatures at melting points: `requires liquid` exactly at the melting point (passes),
    # `requires solid` exactly at it (MH010 fires), MH005 a step exactly at die's max_temp (passes)
    # and above sub's.
    "temperature-edges": """
        use std
        element die : chip {
            body silicon
            operating 0 C .. 70 C
            max_temp 245 C
            pads c grid 2 x 2 pitch 300 um diameter 120 um
        }
        element sub : substrate { body AlN; max_temp 183 C; pads p grid 2 x 2 pitch 300 um diameter 120 um }
        material low { kind fusible; melts 118.3 C; cte 20 ppm/K }
        masses b : Sn63Pb37 { joins die.c[0:2] -- sub.p[0:2]; height 80 um }
        masses l : low { joins die.c[2:4] -- sub.p[2:4]; height 80 um }
        process {
            step join  { kind reflow; peak 245 C }
            step test  { kind test; temp 25 C .. 118.3 C; requires liquid l; requires solid b }
            step warm  { kind anneal; peak 183 C; requires liquid b }
            step check { kind test; temp 118.3 C; requires solid l }
            operate 0 C .. 70 C
            store -40 C .. 118.3 C
        }
    """,
    # The rules no example fires: CT003 (a stiff container), MH008 (liquid when handled), MH009
    # (the container cured above its masses' melting point), MH011 (melting range, with a deck),
    # IN006 (a bump on one side only), CTE004 (a mold no closer in CTE than the dielectric).
    "rarer-rules": """
        use std
        let pitch = 500 um
        material hard_gel { kind polymer; dielectric; modulus 1 GPa; service -65 C .. 200 C; cte 60 ppm/K }
        material my_mold { kind composite; dielectric; cte 8 ppm/K; modulus 20 GPa; service -65 C .. 260 C }
        material film { kind polymer; dielectric; cte 2.6 ppm/K; service -65 C .. 260 C }
        element chip : chip {
            body silicon; cte 2.6 ppm/K
            operating 0 C .. 85 C
            pads c grid 2 x 2 pitch pitch diameter 100 um barrier nickel 1 um
            pads e at (2 mm, 2 mm) diameter 100 um
        }
        element sheet : dielectric_sheet {
            body polyimide; cte 17 ppm/K
            pads p grid 2 x 2 pitch pitch diameter 100 um barrier nickel 1 um
        }
        layer gel : hard_gel { role compliant; between chip, sheet; thickness 100 um }
        layer mold : my_mold { role mold; between chip, sheet; thickness 300 um }
        layer dielectric_film : film { role dielectric; between chip, sheet; thickness 20 um }
        masses m : galinstan { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um; in gel }
        mass bump : SAC305 { joins chip.e[0]; diameter 100 um; height 60 um }
        process {
            step bump { kind deposit; temp 25 C; forms m, bump }
            step fill { kind inject; temp 25 C; forms gel }
            step cure { kind cure; peak 150 C }
            operate 0 C .. 85 C
        }
    """,
    # Every other limit exactly met, so that none of them fires: CT003 a modulus of exactly 100,000 psi,
    # CT004 50 µm (as thick as the 50 µm masses), CT005 a 1 µm barrier, MH001 a 10 K window, MH002 no
    # superheat, MH005 and MH006 a step at 250 °C, CTE001 Δα 3 ppm/K; MH009 and MH008 (a 20 °C melting
    # point reaches the 20 °C handling temperature) fire, at their limits.
    "limits-edges": """
        use std
        material joint200 { kind fusible; melts 200 C; cte 20 ppm/K }
        material core210 { kind fusible; solidus 210 C; liquidus 220 C; cte 20 ppm/K }
        material soft20 { kind fusible; melts 20 C }
        material gel_at_limit {
            kind compliant; dielectric; modulus 689.4757293168361 MPa; service -65 C .. 250 C; cte 100 ppm/K
        }
        element die : chip {
            body silicon; cte 3 ppm/K
            operating 0 C .. 70 C
            max_temp 250 C
            pads c grid 2 x 2 pitch 300 um diameter 120 um barrier nickel 1 um
            pads d at (1 mm, 1 mm) diameter 120 um barrier nickel 1 um
        }
        element sub : substrate {
            body AlN; cte 6 ppm/K
            max_temp 250 C
            pads p grid 2 x 2 pitch 300 um diameter 120 um barrier nickel 1 um
            pads e at (1 mm, 1 mm) diameter 120 um barrier nickel 1 um
        }
        layer g : gel_at_limit { role compliant; between die, sub; thickness 50 um }
        masses b {
            joins die.c[*] -- sub.p[*]
            region core : core210 on die
            region joint : joint200 on sub
            height 50 um
        }
        masses w : soft20 { joins die.d[*] -- sub.e[*]; height 50 um }
        process {
            step bump { kind deposit; temp 25 C; forms b }
            step join { kind reflow; peak 200 C }
            step fill { kind inject; temp 20 C; forms g, w }
            step age  { kind anneal; peak 250 C; requires liquid b }
            operate 0 C .. 70 C
            store -65 C .. 20 C
        }
    """,
    # A panel of cells with lets, leads, nets, a waiver and a placement origin (renaming and
    # translation inside cells, and `place` grids).
    "cells-and-leads": """
        use std
        let pitch = 500 um
        let half = pitch / 2
        let hot = 165 C
        material gelx : silicone_gel { service -40 C .. 125 C; modulus 0.3 MPa }
        cell Unit {
            element chip : chip { body silicon; position (half, -half); pads c grid 2 x 2 pitch pitch diameter 100 um }
            element sheet : dielectric_sheet {
                body polyimide
                position (half, -half)
                pads p grid 2 x 2 pitch pitch diameter 100 um
                pads t grid 2 x 2 pitch pitch diameter 200 um face back
                connect p[*] -- t[*]
            }
            masses m : SnBiPbInCd55 { joins chip.c[*] -- sheet.p[*]; height 100 um; in g }
            layer g : gelx { role compliant; between chip, sheet; thickness 100 um }
            nets n { chip.c[*], sheet.p[*] }
        }
        place units : Unit grid 2 x 3 pitch 12 mm x 12 mm origin (-5 mm, 1.5 mm)
        element board : circuit_board {
            body fr4
            pads q at (1 mm, 2 mm), (half, -3 mm) diameter 250 um
            pad z at (0 mm, 0 mm)
        }
        masses tb : Sn42Bi58 { joins units[0].sheet.t[0:2] -- board.q[*]; diameter 220 um; height 50 um }
        mass b1 {
            joins units[1].chip.c[0] -- board.z
            region core : Pb95Sn5 on units[1].chip; region joint : Sn42Bi58 on board
        }
        leads l : copper { from units[2].chip.c[*] to units[2].m[*]; shape s }
        net VDD { units[0].chip.c[0], board.q[0] }
        waive MH004 on units[*].m[*] because "meant to remelt" by "team" until 2999-06-30
        waive CT005 on units[0:3].m because "reviewed"
        process {
            step bump { kind deposit; temp 25 C; forms units[*].m }
            step join { kind reflow; peak 75 C }
            step fill { kind inject; temp 25 C .. 30 C; forms units[*].g }
            step mount { kind reflow; peak hot; forms board, tb; requires liquid units[0].m[0:2] }
            operate 40 C .. 85 C
            store -40 C .. 60 C
            cycle -40 C .. 125 C count 1000
        }
    """,
}
DECKS = {"rarer-rules": '[rules.MH011]\nmin_melt = "60 C"\nmax_melt = "450 C"\n'}


@cache
def designs() -> dict[str, tuple[str, str | None]]:
    """name -> (design text, deck text or None): the examples, the rules' own examples, the boundaries."""
    out: dict[str, tuple[str, str | None]] = {}
    seen: set[str] = set()
    for folder in (ROOT / "examples", SHARED_EXAMPLES):
        for path in sorted(folder.glob("*.assy")):
            text = path.read_text(encoding="utf-8")
            if path.name.startswith("broken") or text in seen:
                continue
            seen.add(text)
            out[f"{folder.name}/{path.name}"] = (text, None)
    for rule in PluginHost.default().rules():
        if rule.id[: len(rule.id.rstrip("0123456789"))] not in (*FAMILIES, "WV"):
            continue
        for key in ("fires", "passes"):
            if rule.examples.get(key):
                out[f"{rule.id}-{key}"] = (textwrap.dedent(rule.examples[key]), rule.examples.get("deck"))
    for name, text in BOUNDARIES.items():
        out[name] = (textwrap.dedent(text), DECKS.get(name))
    return out


DESIGN_NAMES = sorted(designs())
# Half the draws from the examples and the boundary designs, the larger ones, half from all.
PRIMARY = [name for name in DESIGN_NAMES if "/" in name or name in BOUNDARIES]
DESIGN = st.one_of(st.sampled_from(PRIMARY), st.sampled_from(DESIGN_NAMES))

# ------------------------------------------------------------------------------------------------
# Running a design and putting its findings in comparable form


@dataclass
class Baseline:
    """A design as written, checked once: its report and its findings in the forms the properties compare."""

    folder: Path  # the transformed designs are written to the same path, so fingerprints compare
    report: dict
    json_text: str
    exact: list[dict]
    unordered: list[dict]
    unnamed: list[dict]


class Workspace:
    """Where the designs are written: a folder per design (its baseline and every transformation of
    it, at one path), and fresh folders for the rest."""

    def __init__(self, root: Path):
        self.root = root
        self.count = 0
        self.baselines: dict[str, Baseline] = {}

    def folder(self) -> Path:
        self.count += 1
        folder = self.root / f"run{self.count}"
        folder.mkdir(parents=True)
        return folder

    def baseline(self, name: str) -> Baseline:
        if name not in self.baselines:
            text, deck = designs()[name]
            folder = self.root / "designs" / f"design{DESIGN_NAMES.index(name):03}"
            folder.mkdir(parents=True)
            report = run_text(folder, text, deck)
            self.baselines[name] = Baseline(
                folder,
                report,
                json.dumps(report, ensure_ascii=False),
                findings_of(report),
                findings_of(report, order=False),
                findings_of(report, fingerprint=False),
            )
        return self.baselines[name]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("invariants"))


def deck_file(folder: Path, deck: str | None) -> str | None:
    if deck is None:
        return None
    path = folder / "deck.toml"
    path.write_text(f'[deck]\nname = "invariants"\n{deck}\n', encoding="utf-8")
    return str(path)


def run(path: Path, deck: str | None) -> dict:
    """The JSON report of the design at `path` (which must load without errors)."""
    try:
        design = assemblint.load(path)
    except assemblint.LanguageError as error:
        text = path.read_text(encoding="utf-8")
        raise AssertionError(f"the transformed design does not load: {error.diagnostics}\n{text}") from None
    report = assemblint.check(design, deck=deck_file(path.parent, deck))
    assert not report.problems, [p.message for p in report.problems]
    return report.to_json()


def run_text(folder: Path, text: str, deck: str | None, name: str = "design.assy") -> dict:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return run(path, deck)


def source_at(location: dict) -> str:
    """The text a location points at (the declared name, usually): what stays when lines move."""
    lines = Path(location["path"]).read_text(encoding="utf-8").split("\n")
    line = lines[location["line"] - 1]
    end = location.get("end_column") if location.get("end_line") == location["line"] else None
    return line[location["column"] - 1 : (end - 1) if end else None]


_NATURAL = re.compile(r"(\d+)")


def natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in _NATURAL.split(text)]


def _objects_placeholder(message: str, objects: list[str]) -> str:
    """`board and die are …` -> `{objects} are …`: the names a message lists in their sorted order
    (which renaming changes) stand for the objects, compared on their own."""
    if not objects:
        return message
    # a message may list a few objects in another order (IN001: in the order of the nets)
    orders = itertools.permutations(objects) if len(objects) <= 3 else [objects]
    for phrase in sorted({objects_phrase(list(order)) for order in orders}):
        found = re.search(r"(?<![\w.\]])" + re.escape(phrase) + r"(?![\w\[])", message)
        if found:
            return message[: found.start()] + OBJECTS + message[found.end() :]
    return message


# Where the declaration order decides which of two declarations a finding points at: IN003 at the
# later-declared mass of a pair (CHECKS.md), CTE001 at the first-declared element of the pair.
ORDER_DECIDES_LOCATION = ("IN003", "CTE001")
_TOKEN = re.compile(r"[A-Za-z_\d][\w.:*\[\]/-]*")


def unordered(value):
    """A message or data with what lists things in declaration order put in a fixed order: the
    words of a text, and the items of a list, sorted (a pair `die–board` is `board–die` when the
    board is declared first)."""
    if isinstance(value, str):
        return " ".join(sorted(_TOKEN.findall(value)))
    if isinstance(value, list):
        return sorted((unordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: unordered(v) for k, v in value.items()}
    return value


def normal(finding: dict, *, names=None, fingerprint: bool = True, order: bool = True) -> dict:
    """A finding without what a transformation may change: its line and column (the text the
    location points at stays), its file; with `names` its names (mapped back); with `order` False,
    the order in which it lists things (`unordered`)."""
    rename = (lambda text: dt.map_names(text, names)) if names else (lambda text: text)

    def strings(value):
        if isinstance(value, str):
            return rename(value)
        if isinstance(value, list):
            return [strings(v) for v in value]
        if isinstance(value, dict):
            return {k: strings(v) for k, v in value.items()}
        return value

    out = {
        "rule": finding["rule"],
        "severity": finding["severity"],
        "count": finding["count"],
        "waived": finding["waived"],
        "at": rename(source_at(finding["location"])),
        "objects": sorted((rename(o) for o in finding["objects"]), key=natural),
        "message": rename(_objects_placeholder(finding["message"], finding["objects"])),
        "data": strings(finding["data"]),
    }
    if "waiver" in finding:
        waiver = {k: v for k, v in finding["waiver"].items() if k != "location"}
        out["waiver"] = strings(waiver) | {"at": rename(source_at(finding["waiver"]["location"]))}
    if fingerprint:
        out["fingerprint"] = finding["fingerprint"]
    if not order:
        out["message"], out["data"] = unordered(out["message"]), unordered(out["data"])
        if out["rule"] in ORDER_DECIDES_LOCATION:
            out["at"] = "(a declaration of the pair)"
    return out


def findings_of(report: dict, **kwargs) -> list[dict]:
    return sorted((normal(f, **kwargs) for f in report["findings"]), key=lambda f: json.dumps(f, sort_keys=True))


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?")


def close(a, b, rel: float = 1e-9) -> bool:
    """Equal, with numbers (also those written in messages) equal within `rel`."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rel) for x, y in zip(a, b, strict=True))
    if isinstance(a, str) and isinstance(b, str):
        if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
            return False
        return all(close(float(x), float(y), rel) for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    return a == b


def assert_same(before: list[dict], after: list[dict], what: str, approx: bool = False) -> None:
    if approx:
        key = lambda f: json.dumps(_NUMBER.sub("#", json.dumps(f, sort_keys=True)))  # noqa: E731
        before, after = sorted(before, key=key), sorted(after, key=key)
        if len(before) == len(after) and all(close(a, b) for a, b in zip(before, after, strict=True)):
            return
    elif before == after:
        return
    gone = [f for f in before if f not in after]
    new = [f for f in after if f not in before]
    raise AssertionError(
        f"{what} changed the findings:\n  before: {json.dumps(gone, ensure_ascii=False, indent=1)}"
        f"\n  after:  {json.dumps(new, ensure_ascii=False, indent=1)}"
    )


# ------------------------------------------------------------------------------------------------
# The baselines


def test_the_designs_fire_every_rule_of_every_family(work):
    """Not vacuous: across the designs, every rule of the four families fires (and WV001, WV002)."""
    fired = {f["rule"] for name in DESIGN_NAMES for f in work.baseline(name).report["findings"]}
    rules = {r.id for r in PluginHost.default().rules() if r.plugin in ("melting", "containment", "insulation", "cte")}
    assert len(rules) >= 28
    assert rules - fired == set()
    assert {f[: len(f.rstrip("0123456789"))] for f in fired} >= set(FAMILIES)


@pytest.mark.parametrize("name", sorted(BOUNDARIES))
def test_boundary_designs_fire_what_they_are_written_for(work, name):
    text, deck = designs()[name]
    folder = work.folder()
    fired = {
        (f["rule"], source_at(f["location"]), ",".join(f["objects"])) for f in run_text(folder, text, deck)["findings"]
    }
    fires, quiet = {
        "geometry-edges": ({("IN003", "n", "n[0:2]")}, {"IN005"}),  # m at exactly 20 µm, k touching: pass
        "strain-edges": ({("CTE001", "die", "board,die")}, {"CTE002"}),  # Δα 3 (cap, board) and 0.02: pass
        "temperature-edges": ({("MH010", "l", "l[0:2]"), ("MH005", "sub", "sub")}, set()),
        "rarer-rules": ({(r, "", "") for r in ("CT003", "MH008", "MH009", "MH011", "IN006", "CTE004")}, set()),
        "cells-and-leads": ({(r, "", "") for r in ("MH004", "CT002", "MH006", "IN001", "CTE001", "CTE005")}, set()),
        "limits-edges": (
            {("MH009", "w", "w[0]"), ("MH008", "w", "w[0]")},
            {"CT002", "CT003", "CT004", "CT005", "MH001", "MH002", "MH005", "MH006", "MH010", "CTE001"},
        ),
    }[name]
    for rule, at, objects in fires:
        assert any(f[0] == rule and at in (f[1], "") and objects in (f[2], "") for f in fired), (rule, fired)
    if name == "geometry-edges":
        assert [f for f in fired if f[0] == "IN003"] == [("IN003", "n", "n[0:2]")]
    if name == "strain-edges":
        assert [f for f in fired if f[0] == "CTE001"] == [("CTE001", "die", "board,die")]
    if name == "temperature-edges":
        assert sorted(f[:2] for f in fired if f[0] in ("MH010", "MH005")) == [("MH005", "sub"), ("MH010", "l")]
    assert not {f[0] for f in fired} & quiet, fired


def test_printing_a_design_back_keeps_its_findings(work):
    """The pretty-printer the transformations use: parse + print is an identity for the findings."""
    for name in DESIGN_NAMES:
        text, deck = designs()[name]
        base = work.baseline(name)
        after = findings_of(run_text(base.folder, dt.print_design(dt.parse_design(text)), deck))
        assert_same(base.exact, after, f"printing {name} back")


# ------------------------------------------------------------------------------------------------
# 1. Renaming

_FORBIDDEN: set[str] = set()


def forbidden_names() -> set[str]:
    """Words a new name must not be: every identifier of the designs, the std library, the grammar
    and the rules' messages (so that mapping names back cannot touch an ordinary word)."""
    if not _FORBIDDEN:
        sources = [text for text, _ in designs().values()]
        sources += [(ROOT / "src/assemblint/std/std.assy").read_text(encoding="utf-8")]
        sources += [
            (ROOT / "src/assemblint" / name).read_text(encoding="utf-8")
            for name in ("language/grammar.lark", "model/assembly.py")
        ]
        sources += [p.read_text(encoding="utf-8") for p in ROOT.glob("src/assemblint/build/*.py")]
        sources += [p.read_text(encoding="utf-8") for p in ROOT.glob("plugins/assemblint_*/*.py")]
        for source in sources:
            _FORBIDDEN.update(dt.IDENTIFIER.findall(source))
    return _FORBIDDEN


NEW_NAME = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}_[A-Za-z0-9_]{0,4}", fullmatch=True)


@PROPERTY
@given(name=DESIGN, data=st.data())
def test_renaming_every_name_keeps_the_findings(work, name, data):
    text, deck = designs()[name]
    statements = dt.parse_design(text)
    count = dt.declared_names(statements).count()
    forbidden = forbidden_names()
    fresh = data.draw(
        st.lists(NEW_NAME.filter(lambda n: n not in forbidden), min_size=count, max_size=count, unique=True),
        label="new names",
    )
    renaming = dt.make_renaming(statements, fresh)
    renamed = dt.print_design(dt.rename(statements, renaming))
    base = work.baseline(name)
    after = findings_of(run_text(base.folder, renamed, deck), names=renaming.inverse, fingerprint=False)
    assert_same(base.unnamed, after, f"renaming {name}")


# ------------------------------------------------------------------------------------------------
# 2. Reordering


@PROPERTY
@given(name=DESIGN, rnd=st.randoms(use_true_random=False))
def test_reordering_statements_keeps_the_findings(work, name, rnd):
    text, deck = designs()[name]
    statements = dt.parse_design(text)
    reordered = dt.print_design(dt.reorder(statements, lambda items: rnd.sample(items, len(items))))
    base = work.baseline(name)
    after = findings_of(run_text(base.folder, reordered, deck), order=False)
    assert_same(base.unordered, after, f"reordering {name}")


# ------------------------------------------------------------------------------------------------
# 3. Translating

OFFSET = st.one_of(
    st.sampled_from([Decimal(v) for v in ("0", "0.1", "-0.1", "0.3", "100000", "-100000.1", "123456.789", "1e7")]),
    st.integers(-(10**7), 10**7).map(lambda n: Decimal(n) / 10),
    st.integers(-(10**5), 10**5).map(lambda n: Decimal(n) / 1000),
)
VECTOR = st.tuples(OFFSET, OFFSET)


@PROPERTY
@given(name=DESIGN, vector=VECTOR, pads=VECTOR, in_cell=VECTOR)
def test_translating_the_assembly_keeps_the_findings(work, name, vector, pads, in_cell):
    text, deck = designs()[name]
    moved = dt.print_design(dt.translate(dt.parse_design(text), dt.Translation(vector, pads, in_cell)))
    base = work.baseline(name)
    after = findings_of(run_text(base.folder, moved, deck))
    assert_same(base.exact, after, f"translating {name} by {vector} (pads {pads}, in cells {in_cell})", approx=True)


# ------------------------------------------------------------------------------------------------
# 4. Converting units


@PROPERTY
@given(name=DESIGN, rnd=st.randoms(use_true_random=False))
def test_converting_units_keeps_the_findings(work, name, rnd):
    text, deck = designs()[name]
    converted = dt.print_design(dt.convert_units(dt.parse_design(text), rnd.choice))
    base = work.baseline(name)
    after = findings_of(run_text(base.folder, converted, deck))
    assert_same(base.exact, after, f"converting the units of {name}", approx=True)


# ------------------------------------------------------------------------------------------------
# 5. Splitting across imports


@PROPERTY
@given(name=DESIGN, data=st.data())
def test_splitting_a_design_across_imports_keeps_the_findings(work, name, data):
    text, deck = designs()[name]
    statements = dt.parse_design(text)
    files = data.draw(st.integers(2, 4), label="files")
    parts = data.draw(st.lists(st.integers(0, files - 1), min_size=len(statements), max_size=len(statements)))
    base = work.baseline(name)
    (base.folder / "design.assy").unlink()
    main = dt.split(statements, parts, base.folder, "design")
    after = findings_of(run(main, deck), order=False)
    assert_same(base.unordered, after, f"splitting {name} as {parts}")


# ------------------------------------------------------------------------------------------------
# 6. Determinism


def test_the_same_input_gives_byte_identical_json(work):
    for name in DESIGN_NAMES:
        text, deck = designs()[name]
        base = work.baseline(name)
        again = json.dumps(run_text(base.folder, text, deck), ensure_ascii=False)
        assert again == base.json_text, name


def test_two_processes_with_different_hash_seeds_give_byte_identical_json(work):
    folder = work.folder()
    for k, name in enumerate(DESIGN_NAMES):
        text, _ = designs()[name]
        (folder / f"d{k:03}.assy").write_text(text, encoding="utf-8")
    outputs = []
    for seed in ("0", str(random.Random(9).randrange(2**32))):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "assemblint", "check", ".", "--format", "json"],
            cwd=folder,
            env=env,
            capture_output=True,
            timeout=300,
        )
        assert done.returncode in (0, 1), done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["findings"]


# ------------------------------------------------------------------------------------------------
# Regressions: what the properties above found, each pinned by the smallest design that shows it.


def test_a_quantity_is_one_number_whatever_unit_it_is_written_in():
    """units.to_base converted with floats: 391.45 K was 118.30000000000001 °C, `2.6e-6 /K`
    2.5999999999999996 ppm/K, -40 F -39.99999999999997 °C; a value exactly at a limit then fell
    on either side of it depending on the unit it was written in."""
    from assemblint.base.units import difference_to_base, to_base

    assert to_base(391.45, "K") == to_base(244.94, "F") == to_base(118.3, "C") == (118.3, "temperature")
    assert to_base(233.15, "K")[0] == to_base(-40, "F")[0] == -40.0
    assert to_base(0.0000026, "/K")[0] == 2.6
    assert to_base(1.1, "mm")[0] == 1100.0
    assert to_base(0.0001183, "m")[0] == 118.3
    assert to_base(1, "mil")[0] == 25.4
    assert difference_to_base(18, "F") == 10.0
    assert to_base(1e400, "mm")[0] == math.inf  # not finite: E008 for the builder to report


@pytest.mark.parametrize("unit", ["C", "K", "F"])
def test_temperatures_exactly_at_a_melting_point_or_a_service_limit_in_any_unit(check_text, unit):
    def t(celsius: str) -> str:
        value = Decimal(celsius)
        if unit == "K":
            value += Decimal("273.15")
        elif unit == "F":
            value = value * 9 / 5 + 32
        return f"{dt.decimal_text(value)} {unit}"

    text = f"""use std
material low {{ kind fusible; melts 118.3 C }}
material gel {{ kind compliant; dielectric; modulus 0.3 MPa; service {t("-40")} .. {t("150")} }}
element die : chip {{ body silicon; pads c grid 1 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 1 x 2 pitch 300 um diameter 120 um }}
layer g : gel {{ role compliant; between die, sub; thickness 100 um }}
masses l : low {{ joins die.c[*] -- sub.p[*]; height 80 um }}
process {{
    step join  {{ kind reflow; peak 150 C }}
    step test  {{ kind test; temp {t("118.3")}; requires liquid l }}
    step check {{ kind test; temp {t("118.3")}; requires solid l }}
    operate 0 C .. 70 C
    store -40 C .. 60 C
}}
"""
    report = check_text(text, select=["MH010", "MH006"])
    # liquid at exactly its melting point: `requires liquid` holds, `requires solid` does not;
    # the store range starts exactly at the gel's service limit: no MH006
    assert [(f.rule, f.data["step"]) for f in report.findings] == [("MH010", "check")]


def _fr4(position: str) -> str:
    grid = "grid 20 x 20 pitch 400 um diameter 100 um"
    return f"""use std
element die : chip {{ body silicon; cte 2.6 ppm/K; position {position}; pads c {grid} }}
element board : circuit_board {{ body fr4; cte 16 ppm/K; position {position}; pads p {grid} }}
masses s : SAC305 {{ joins die.c[*] -- board.p[*]; diameter 100 um; height 80 um }}
process {{
    step reflow {{ kind reflow; peak 245 C; forms s }}
    operate -40 C .. 125 C
    cycle -40 C .. 125 C count 1000
}}
"""


@pytest.mark.parametrize(
    "position",
    ["(0 um, 0 um)", "(-20.839 um, 240421.9 um)", "(834200.6 um, 954186.1 um)", "(-337.6436 mm, -771.4243 mm)"],
)
def test_the_corner_joint_a_strain_finding_names_does_not_move_with_the_assembly(check_text, position):
    """The four corners of a grid have one DNP on paper; moved away from the origin their DNPs
    differed in the last bits, and CTE002 and CTE003 named s[19], s[380] or s[399] instead of s[0]."""
    report = check_text(_fr4(position), select=["CTE002", "CTE003"])
    assert [(f.rule, f.data["corner"]) for f in report.findings] == [("CTE002", "s[0]"), ("CTE003", "s[0]")]


def _fingerprints(report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in report.findings:
        out.setdefault(finding.rule, []).append(finding.fingerprint)
    return {rule: sorted(prints) for rule, prints in out.items()}


def test_fingerprints_do_not_follow_the_order_of_declarations(tmp_path):
    """A fingerprint is stable across unrelated edits (CLI.md), so across moving a declaration:
    CTE001–CTE003 named the pair `die–board` or `board–die`, IN001 its nets, and IN003 its two
    mass declarations, in declaration order, in the cause the fingerprint is made of."""
    statements = {
        "die": "element die : chip { body silicon; cte 2.6 ppm/K; pads c grid 8 x 8 pitch 400 um diameter 100 um }",
        "board": "element board : circuit_board { body fr4; cte 16 ppm/K; pads p grid 8 x 9 pitch 400 um }",
        "s": "masses s : SAC305 { joins die.c[0:62] -- board.p[0:62]; diameter 100 um; height 80 um }",
        "t": "masses t : SAC305 { joins die.c[62:64] -- board.p[63:65]; diameter 700 um; height 80 um }",  # t[0]: a, b
        "a": "net a { die.c[62], board.p[62] }",
        "b": "net b { die.c[63], board.p[63] }",
    }
    process = """process {
    step reflow { kind reflow; peak 245 C; forms s, t }
    operate -40 C .. 125 C
    cycle -40 C .. 125 C count 1000
}
"""
    path = tmp_path / "design.assy"
    reports = []
    for order in (["die", "board", "s", "t", "a", "b"], ["board", "die", "t", "s", "b", "a"]):
        path.write_text("\n".join(["use std", *(statements[k] for k in order), process]), encoding="utf-8")
        reports.append(assemblint.check(path, select=["CTE001", "CTE002", "CTE003", "IN001", "IN003"]))
        assert not reports[-1].errors, reports[-1].errors
    first, second = (_fingerprints(r) for r in reports)
    assert set(first) == {"CTE001", "CTE002", "CTE003", "IN001", "IN003"}
    assert first == second
    # and IN003 names the face of the masses' first pads, not the face of the element declared first
    assert {f.data["face"] for r in reports for f in r.findings if f.rule == "IN003"} == {"die front"}
