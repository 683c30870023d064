"""Fuzzing the design data other tools write (STACK.md §6): 3DBlox stacks (`.3dbx`), chiplet
definitions (`.3dbv`) and bump maps (`.bmap`), and bump maps as CSV (`pads … from "b.csv" …`).
Their seeds, the corpus of attacks, the generators and the oracle that judges one.

Shared by the bounded campaign (tests/importing/test_import_fuzz.py) and the long one
(benchmarks/fuzz_campaign.py, `--imports`), as fuzz_inputs.py is for the other input files.

- kind `3dbx`: OpenROAD's `3dic_cross` design (a `.3dbx`, its `.3dbv`, two `.bmap` files) or its
  `example` design, checked directly (`assemblint check top.3dbx`) or through an `.assy` that
  imports and refines it; the fuzzed file is the `.3dbx`, the `.3dbv` or a `.bmap`.
- kind `bmap`: the same designs, with a bump map fuzzed line by line and field by field.
- kind `csv`: an `.assy` whose die reads its pads from `b.csv`; the CSV is fuzzed.

The contract (STACK.md §6, docs/safety.md): malformed input is a clean language error (E001–E010)
with its file, line and column (and the line quoted with a caret when the file is text), exit 2;
never a traceback, never exit 3, never a hang, never findings beside language errors, and no
control character reaches the terminal. `judge_import` runs `assemblint check` in process
(`cli.main`, from the design's folder, under a limit of processor time) and checks all of that.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from fuzz_strategies import (
    CODES,
    TIME_LIMIT,
    Outcome,
    Source,
    Timeout,
    _innermost_frame,
    time_limit,
)

from assemblint import cli
from assemblint.base.diagnostics import SOURCES, split_lines

KINDS = ("3dbx", "bmap", "csv")
DATA = Path(__file__).resolve().parent / "data" / "openroad_3dblox"
AREA = "imports"  # the judge's own folder inside the one it is given (the campaign shares that one)
WORK = "d"  # the folder inside AREA the design is written to and checked from
OUTSIDE = "outside.3dbv"  # a valid chiplet definition beside WORK: `../outside.3dbv` must be refused
CONFIG = b"# no settings: the search for a configuration stops here, above is another input's\n"


def _read(name: str) -> bytes:
    return (DATA / name).read_bytes()


# ---------------------------------------------------------------- the seeds

_CROSS = {
    "top.3dbx": _read("3dic_cross.3dbx").replace(b"3dic_cross_flop.3dbv", b"chip.3dbv"),
    "chip.3dbv": _read("3dic_cross_flop.3dbv").replace(b"3dic_cross_flop_", b""),  # a.bmap, b.bmap
    "a.bmap": b"# bumpInstName bumpCellType x y portName netName\n" + _read("3dic_cross_flop_a.bmap"),
    "b.bmap": _read("3dic_cross_flop_b.bmap"),
}
_CROSS_ASSY = b"""use std
import "top.3dbx"
refine chipA { body silicon; cte 2.6 ppm/K }
refine chipB { body silicon; cte 16 ppm/K }
refine chipA.front_reg { diameter 2 um }
refine chipB.front_reg { diameter 2 um }
refine bond_a_to_b { material SAC305; diameter 2 um }
process {
    step bond { kind reflow; peak 245 C; forms bond_a_to_b }
    operate -40 C .. 125 C
}
"""
_EXAMPLE = {
    "top.3dbx": _read("example.3dbx").replace(b"example.3dbv", b"chip.3dbv"),
    "chip.3dbv": _read("example.3dbv").replace(b"example.bmap", b"a.bmap"),
    "a.bmap": _read("example1.bmap"),
}
CSV = (  # a name holding the delimiter, a net `-` and one empty (no net), an empty diameter (the default's)
    b'pin,x,y,net,dia\nA1,-300,-300,VDD,40\nA2,300,-300,GND,40\n"A,3",-300,300,SIG,\nA4,300,300,-,35\nA5,0,0,,40\n'
)
CSV_ASSY = b"""use std
element die : chip {
    body silicon
    size 1 mm x 1 mm x 0.3 mm
    pads c from "b.csv" columns (name pin, x x, y y, net net, diameter dia) unit um diameter 30 um
}
element sub : substrate {
    body fr4
    size 5 mm x 5 mm x 1 mm
    pads p grid 2 x 2 pitch 600 um diameter 40 um
}
process {
    step attach { kind reflow; peak 245 C }
    operate -40 C .. 125 C
}
"""


@dataclass
class ImportInput:
    """One generated design from other tools: every file of it (the fuzzed one among them), the
    file `assemblint check` is given, and how it was made. A name ending in `/` is a folder."""

    kind: str  # 3dbx | bmap | csv
    files: dict[str, bytes]
    fuzzed: str  # the name of the file that was fuzzed
    entry: str  # the file checked: top.3dbx or design.assy
    how: list[str] = field(default_factory=list)
    expect: str | None = None  # an attack's: "E001" or "E001:LINE" it must be refused with, "ok": checked

    @property
    def family(self) -> str:
        return f"import:{self.kind}"

    def as_bytes(self) -> bytes:
        return self.files.get(self.fuzzed, b"")


def _stack(files: dict[str, bytes], kind: str, fuzzed: str, via_assy: bool = False) -> ImportInput:
    files = dict(files)
    if via_assy:
        files["design.assy"] = _CROSS_ASSY
    return ImportInput(kind, files, fuzzed, "design.assy" if via_assy else "top.3dbx", ["valid"])


VALID: dict[str, ImportInput] = {
    "3dbx-cross": _stack(_CROSS, "3dbx", "top.3dbx"),
    "3dbx-cross-assy": _stack(_CROSS, "3dbx", "chip.3dbv", via_assy=True),
    "3dbx-example": _stack(_EXAMPLE, "3dbx", "chip.3dbv"),
    "bmap-cross": _stack(_CROSS, "bmap", "a.bmap"),
    "bmap-cross-assy": _stack(_CROSS, "bmap", "b.bmap", via_assy=True),
    "bmap-example": _stack(_EXAMPLE, "bmap", "a.bmap"),
    "csv": ImportInput("csv", {"design.assy": CSV_ASSY, "b.csv": CSV}, "b.csv", "design.assy", ["valid"]),
}
FUZZED = {  # which files a generated input of each kind fuzzes
    "3dbx": ("top.3dbx", "chip.3dbv", "top.3dbx", "chip.3dbv", "a.bmap"),
    "bmap": ("a.bmap", "b.bmap"),
    "csv": ("b.csv",),
}


# ---------------------------------------------------------------- the attacks

DEEP = 100_000


def _edit(
    kind: str,
    seed: str,
    fuzzed: str,
    old: bytes | None,
    new: bytes,
    expect: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> ImportInput:
    """A seed with `old` replaced by `new` in its file `fuzzed` (None: the file is `new` whole) and
    `extra` files added (a name ending in `/`: a folder)."""
    base = VALID[seed]
    files = dict(base.files)
    if old is None:
        files[fuzzed] = new
    else:
        assert old in files[fuzzed], (seed, fuzzed, old)
        files[fuzzed] = files[fuzzed].replace(old, new, 1)
    files.update(extra or {})
    return ImportInput(kind, files, fuzzed, base.entry, [], expect)


def _top(old: bytes | None, new: bytes, expect: str | None = None, extra: dict | None = None) -> ImportInput:
    return _edit("3dbx", "3dbx-cross", "top.3dbx", old, new, expect, extra)


def _chip(old: bytes | None, new: bytes, expect: str | None = None, extra: dict | None = None) -> ImportInput:
    return _edit("3dbx", "3dbx-cross", "chip.3dbv", old, new, expect, extra)


def _bmap(new: bytes, expect: str | None = None) -> ImportInput:
    return _edit("bmap", "bmap-cross", "a.bmap", None, new, expect)


def _csv(new: bytes, expect: str | None = None) -> ImportInput:
    return _edit("csv", "csv", "b.csv", None, new, expect)


def _mapping(columns: bytes, expect: str | None = None) -> ImportInput:
    item = _edit("csv", "csv", "design.assy", b"(name pin, x x, y y, net net, diameter dia)", columns, expect)
    item.fuzzed = "b.csv"
    return item


_BOMB = b"".join(
    b"  l%d: &l%d [%s]\n" % (i, i, b", ".join([b"*l%d" % (i - 1)] * 10) if i else b"x, x, x, x, x, x, x, x, x, x")
    for i in range(10)
)
_STACK_A = b"  chipA:\n    loc: [0.0, 0.0]\n    z: 0.0\n    orient: R0\n"
_BUMPS_A = _CROSS["a.bmap"]

ATTACKS: list[tuple[str, str, ImportInput]] = [
    # -- YAML syntax and structure
    ("3dbx", "yaml-unclosed-flow", _top(b"reference: flop_chip_a", b"reference: [flop_chip_a", "E001")),
    ("3dbx", "yaml-bad-indent", _chip(b"    thickness: 300\n    offset", b"    thickness: 300\n  offset", "E001")),
    ("3dbx", "yaml-tab-indent", _top(b"\n    reference: flop_chip_a", b"\n\treference: flop_chip_a", "E001")),
    ("3dbx", "yaml-tabs-everywhere", _top(None, _CROSS["top.3dbx"].replace(b"  ", b"\t"))),
    ("3dbx", "yaml-not-a-mapping", _top(None, b"- Header\n- Stack\n", "E001")),
    ("3dbx", "yaml-empty", _top(None, b"")),
    ("3dbx", "yaml-only-null", _top(None, b"~\n")),
    ("3dbx", "yaml-truncated-mid-key", _top(None, b'Header:\n  version: "1.0"\n  unit: micron\n  pre', "E001")),
    ("3dbx", "yaml-two-documents", _top(None, _CROSS["top.3dbx"] + b"---\n" + _CROSS["top.3dbx"], "E001")),
    ("3dbx", "yaml-anchor-bomb-ignored", _top(b"Design:\n", b"Bomb:\n" + _BOMB + b"Design:\n")),
    ("3dbx", "yaml-anchor-bomb-in-include", _top(b"  include:\n    - chip.3dbv\n", b"  include: &i\n" + _BOMB)),
    (
        "3dbx",
        "yaml-anchor-bomb-in-design-area",
        _chip(b"design_area: [20, 20]", b"design_area: &d [&e [*e, *e], *e]", "E001"),
    ),
    ("3dbx", "yaml-alias-cycle-in-loc", _top(b"loc: [0.0, 0.0]", b"loc: &l [*l, *l]")),
    ("3dbx", "yaml-alias-cycle-mapping", _top(b"Stack:\n  chipA:\n", b"Stack: &s\n  again: *s\n  chipA:\n", "E002")),
    ("3dbx", "yaml-alias-cycle-regions", _chip(b"    regions:\n", b"    regions: &r\n      loop: *r\n")),
    ("3dbx", "yaml-undefined-alias", _top(b"z: 0.0", b"z: *nothere", "E001")),
    ("3dbx", "yaml-merge-key", _top(b"  chipB:\n    loc", b"  chipB:\n    <<: *x\n    loc", "E001")),
    ("3dbx", "yaml-python-tag", _top(b"z: 0.0", b"z: !!python/object/apply:os.system ['echo pwned']")),
    ("3dbx", "yaml-binary-tag", _top(b"orient: R0", b"orient: !!binary aGVsbG8=", "E010")),
    ("3dbx", "yaml-complex-key", _top(b"ChipletInst:\n", b"ChipletInst:\n  ? [a, b]\n  : {reference: flop_chip_a}\n")),
    ("3dbx", "deep-flow-nesting", _top(b"loc: [0.0, 0.0]", b"loc: " + b"[" * DEEP + b"]" * DEEP, "E001")),
    (
        "3dbx",
        "deep-block-nesting",
        _top(b"Design:\n", b"Deep:\n" + b"".join(b" " * (i + 1) + b"k:\n" for i in range(5000)) + b"Design:\n"),
    ),
    ("3dbx", "deep-sequence-dashes", _top(b"z: 0.0", b"z: " + b"- " * DEEP + b"x", "E001")),
    # -- numbers
    ("3dbx", "huge-z", _top(b"z: 0.0", b"z: 1e400", "E008")),
    ("3dbx", "5000-digit-loc", _top(b"loc: [0.0, 0.0]", b"loc: [" + b"9" * 5000 + b", 0.0]", "E008")),
    ("3dbx", "huge-finite-loc", _top(b"loc: [0.0, 0.0]", b"loc: [1e300, 0.0]")),
    ("3dbx", "huge-finite-offset", _chip(b"offset: [0, 0]", b"offset: [1e300, 0]")),
    ("3dbx", "huge-design-area", _chip(b"design_area: [20, 20]", b"design_area: [1e300, 1e300]", "E008")),
    ("3dbx", "tiny-design-area", _chip(b"design_area: [20, 20]", b"design_area: [1e-300, 1e-300]")),
    ("3dbx", "nan-z", _top(b"z: 0.0", b"z: .nan", "E001")),
    ("3dbx", "nan-word-thickness", _chip(b"thickness: 300", b"thickness: nan", "E008")),
    ("3dbx", "inf-loc", _top(b"loc: [0.0, 0.0]", b"loc: [.inf, -.inf]", "E001")),
    ("3dbx", "precision-zero", _top(b"precision: 2000", b"precision: 0")),
    ("3dbx", "precision-huge", _top(b"precision: 2000", b"precision: 1e400")),
    ("3dbx", "precision-fraction", _chip(b"precision: 2000", b"precision: 0.5", "E008")),
    ("3dbx", "underscore-number", _top(b"z: 300.0", b"z: 3_0_0.0")),
    ("3dbx", "hex-number", _top(b"z: 300.0", b"z: 0x12c", "E001")),
    # -- bytes and characters
    ("3dbx", "non-utf8-top", _top(b'name: "top"', b'name: "t\xffp"', "E001")),
    ("3dbx", "non-utf8-chiplet", _chip(b"version: 2.5", b"version: \xc3\x28", "E001")),
    ("3dbx", "bom-top", _top(None, b"\xef\xbb\xbf" + _CROSS["top.3dbx"], "ok")),
    ("3dbx", "bom-chiplet", _chip(None, b"\xef\xbb\xbf" + _CROSS["chip.3dbv"], "ok")),
    ("3dbx", "bom-twice", _top(None, b"\xef\xbb\xbf\xef\xbb\xbf" + _CROSS["top.3dbx"])),
    ("3dbx", "nul-in-top", _top(b'name: "top"', b'name: "t\x00p"', "E001")),
    ("3dbx", "nul-in-comment", _chip(b"#!define", b"# \x00\n#!define", "E001")),
    ("3dbx", "escape-in-instance-name", _top(b"  chipA:\n    reference", b'  "chip\\e[2J":\n    reference', "E002")),
    ("3dbx", "escape-in-reference", _top(b"reference: flop_chip_a", b'reference: "flop\\e]0;owned\\a_chip"', "E002")),
    ("3dbx", "bidi-in-reference", _top(b"reference: flop_chip_a", "reference: flop\u202e_chip_a".encode(), "E002")),
    (
        "3dbx",
        "bidi-in-region-path",
        _top(b"top: chipB.regions.front_reg", "top: chipB.regions.fr\u2066ont_reg".encode()),
    ),
    ("3dbx", "c1-and-del-in-orient", _top(b"orient: R0", b'orient: "R0\\x9b\\x7f"', "E010")),
    ("3dbx", "line-separator-in-comment", _top(b"Stack:\n", "# a\u2028b\x85c\nStack:\n".encode())),
    (
        "3dbx",
        "line-separators-in-a-string-then-an-error",
        _top(
            None,
            _CROSS["top.3dbx"]
            .replace(b'name: "top"', 'name: "t\u2028o\u2029p\x85"'.encode())
            .replace(b"    z: 0.0\n", b"    z: 0.0\n    z: 5.0\n", 1),
            "E004",
        ),
    ),
    ("3dbx", "define-then-yaml-error", _chip(b"Nangate45_tech.lef]", b"Nangate45_tech.lef]]", "E001")),
    ("3dbx", "define-then-unknown-type", _chip(b"type: die", b"type: NG45_PATH", "E010")),
    ("3dbx", "cr-line-ends", _top(None, _CROSS["top.3dbx"].replace(b"\n", b"\r"))),
    ("3dbx", "crlf-line-ends", _top(None, _CROSS["top.3dbx"].replace(b"\n", b"\r\n"), "ok")),
    ("3dbx", "empty-instance-name", _top(b"chipA", b"''", "E002")),
    (
        "3dbx",
        "empty-instance-name-placed",
        _top(None, _CROSS["top.3dbx"].replace(b"chipA", b"''").replace(b"''.regions", b".regions")),
    ),
    ("3dbx", "instance-name-with-dots", _top(None, _CROSS["top.3dbx"].replace(b"chipB", b"chip.B[0]"))),
    ("3dbx", "instance-named-like-keywords", _top(None, _CROSS["top.3dbx"].replace(b"chipB", b"element"))),
    ("3dbx", "long-instance-name", _top(None, _CROSS["top.3dbx"].replace(b"chipB", b"c" * 100_000))),
    # -- values and references
    (
        "3dbx",
        "region-without-coords",
        _chip(
            b"        coords:\n          - [0, 0]\n          - [20, 0]\n          - [20, 20]\n          - [0, 20]\n",
            b"",
            "E008",
        ),
    ),
    ("3dbx", "region-polygon", _chip(b"          - [0, 20]\n", b"          - [0, 20]\n          - [5, 5]\n", "E008")),
    (
        "3dbx",
        "region-coords-a-scalar",
        _chip(b"        coords:\n          - [0, 0]", b"        coords: 5\n        c:\n          - [0, 0]", "E008"),
    ),
    ("3dbx", "region-coords-nested-wrong", _chip(b"          - [0, 0]\n", b"          - [[0], 0]\n", "E001")),
    ("3dbx", "unknown-reference", _top(b"reference: flop_chip_b", b"reference: flop_chip_c", "E002")),
    ("3dbx", "unknown-stack-instance", _top(b"  chipB:\n    loc", b"  chipC:\n    loc", "E002")),
    ("3dbx", "unknown-connection-region", _top(b"top: chipB.regions.front_reg", b"top: chipB.regions.back", "E002")),
    (
        "3dbx",
        "unknown-connection-instance",
        _top(b"top: chipB.regions.front_reg", b"top: chipZ.regions.front_reg", "E002"),
    ),
    ("3dbx", "connection-path-not-a-path", _top(b"top: chipB.regions.front_reg", b"top: chipB", "E001")),
    (
        "3dbx",
        "connection-hierarchical",
        _top(b"top: chipB.regions.front_reg", b"top: a/chipB.regions.front_reg", "E010"),
    ),
    ("3dbx", "connection-to-itself", _top(b"bot: chipA.regions.front_reg", b"bot: chipB.regions.front_reg")),
    ("3dbx", "connection-both-virtual", _top(b"top: chipB.regions.front_reg", b"top: ~")),
    (
        "3dbx",
        "connection-without-ends",
        _top(b"    top: chipB.regions.front_reg\n    bot: chipA.regions.front_reg\n", b"    thickness: 5\n"),
    ),
    ("3dbx", "connection-negative-thickness", _top(b"    bot: ~\n", b"    bot: ~\n    thickness: -5\n", "E008")),
    ("3dbx", "connection-huge-thickness", _top(b"    bot: ~\n", b"    bot: ~\n    thickness: 1e300\n")),
    ("3dbx", "duplicate-key", _top(b"    z: 0.0\n", b"    z: 0.0\n    z: 5.0\n", "E004")),
    ("3dbx", "duplicate-section", _top(None, _CROSS["top.3dbx"] + b"Stack:\n" + _STACK_A, "E004")),
    (
        "3dbx",
        "duplicate-chiplet-def",
        _edit(
            "3dbx",
            "3dbx-cross",
            "top.3dbx",
            b"    - chip.3dbv\n",
            b"    - chip.3dbv\n    - copy.3dbv\n",
            "E004",
            {"copy.3dbv": _CROSS["chip.3dbv"]},
        ),
    ),
    ("3dbx", "null-reference", _top(b"reference: flop_chip_a", b"reference: ~", "E002")),
    ("3dbx", "null-stack", _top(b"Stack:\n" + _STACK_A, b"Stack: ~\nX:\n" + _STACK_A, "E001")),
    ("3dbx", "null-chiplet-def", _chip(b"ChipletDef:\n", b"ChipletDef: ~\nX:\n", "E001")),
    ("3dbx", "null-loc", _top(b"loc: [0.0, 0.0]", b"loc: ~", "E008")),
    ("3dbx", "null-include", _top(b"  include:\n    - chip.3dbv\n", b"  include: ~\n", "E010")),
    ("3dbx", "null-bmap", _chip(b"bmap: a.bmap", b"bmap: ~", "E006")),
    ("3dbx", "null-key", _top(b"  chipB:\n    reference", b"  ~:\n    reference", "E002")),
    ("3dbx", "null-header", _top(b"Header:\n", b"Header: ~\nH:\n")),
    ("3dbx", "list-for-orient", _top(b"orient: R0", b"orient: [R0]", "E001")),
    ("3dbx", "list-for-reference", _top(b"reference: flop_chip_a", b"reference: [flop_chip_a, flop_chip_b]", "E001")),
    ("3dbx", "mapping-for-z", _top(b"z: 0.0", b"z: {a: 1}", "E001")),
    ("3dbx", "scalar-for-loc", _top(b"loc: [0.0, 0.0]", b"loc: 0.0", "E008")),
    ("3dbx", "scalar-for-stack", _top(b"Stack:\n" + _STACK_A, b"Stack: chipA\nX:\n" + _STACK_A, "E001")),
    ("3dbx", "list-for-chiplet-inst", _top(b"ChipletInst:\n  chipA:\n", b"ChipletInst:\n  - chipA:\n", "E001")),
    (
        "3dbx",
        "list-for-regions",
        _chip(b"    regions:\n      front_reg:\n", b"    regions:\n      - front_reg:\n", "E001"),
    ),
    ("3dbx", "zero-design-area", _chip(b"design_area: [20, 20]", b"design_area: [0, 20]", "E008")),
    ("3dbx", "negative-design-area", _chip(b"design_area: [20, 20]", b"design_area: [-20, 20]", "E008")),
    ("3dbx", "zero-thickness", _chip(b"thickness: 300", b"thickness: 0", "E008")),
    ("3dbx", "negative-thickness", _chip(b"thickness: 300", b"thickness: -300", "E008")),
    (
        "3dbx",
        "negative-seal-ring",
        _chip(b"    offset: [0, 0]\n", b"    offset: [0, 0]\n    seal_ring_width: [-50, -50, -50, -50]\n"),
    ),
    ("3dbx", "design-area-of-three", _chip(b"design_area: [20, 20]", b"design_area: [20, 20, 20]", "E008")),
    ("3dbx", "stack-without-loc", _top(b"    loc: [0.0, 0.0]\n", b"", "E008")),
    ("3dbx", "stack-without-z", _top(b"    z: 0.0\n", b"", "E008")),
    ("3dbx", "stack-without-orient", _top(b"    orient: R0\n", b"", "E008")),
    ("3dbx", "instance-without-stack", _top(b"Stack:\n" + _STACK_A, b"Stack:\n", "E008")),
    ("3dbx", "orient-garbage", _top(b"orient: R0", b"orient: R45", "E010")),
    ("3dbx", "orient-mz-alone-prefix", _top(b"orient: R0", b"orient: MZ_", "E010")),
    ("3dbx", "orient-mz-twice", _top(b"orient: R0", b"orient: MZ_MZ_R90")),
    ("3dbx", "orient-empty", _top(b"orient: R0", b"orient: ''", "E010")),
    ("3dbx", "orient-lower-case", _top(b"orient: R0", b"orient: mz_my_r90")),
    ("3dbx", "orient-every-name", _top(b"orient: MZ", b"orient: MZ_MY_R270")),
    ("3dbx", "hier-chiplet", _chip(b"type: die", b"type: hier", "E010")),
    ("3dbx", "unknown-chiplet-type", _chip(b"type: die", b'type: "\\e[31mdie"', "E010")),
    ("3dbx", "raw-escape-in-yaml", _chip(b"type: die", b"type: \x1b[31mdie", "E001")),
    ("3dbx", "internal-side", _chip(b"side: front", b"side: internal_ext", "E010")),
    ("3dbx", "unit-mm", _top(b'unit: "micron"', b'unit: "mm"', "E010")),
    # -- files
    ("3dbx", "include-missing", _top(b"- chip.3dbv", b"- nothere.3dbv", "E006")),
    ("3dbx", "include-outside", _top(b"- chip.3dbv", b"- ../outside.3dbv", "E006")),
    ("3dbx", "include-absolute", _top(b"- chip.3dbv", b"- /etc/passwd.3dbv", "E006")),
    (
        "3dbx",
        "include-a-folder",
        _edit("3dbx", "3dbx-cross", "top.3dbx", b"- chip.3dbv", b"- sub.3dbv", "E006", {"sub.3dbv/": b""}),
    ),
    ("3dbx", "include-itself", _chip(b"  precision: 2000\n", b"  precision: 2000\n  include: [chip.3dbv]\n", "ok")),
    (
        "3dbx",
        "include-each-other",
        _edit(
            "3dbx",
            "3dbx-cross",
            "chip.3dbv",
            b"  precision: 2000\n",
            b"  precision: 2000\n  include: [other.3dbv]\n",
            "ok",
            {"other.3dbv": b"Header:\n  include: [chip.3dbv]\n"},
        ),
    ),
    ("3dbx", "include-the-stack", _top(b"- chip.3dbv", b"- top.3dbx", "E010")),
    ("3dbx", "include-glob", _top(b"- chip.3dbv", b"- '*.3dbv'", "E010")),
    ("3dbx", "include-non-utf8-name", _top(b"- chip.3dbv", b'- "ch\\xffip.3dbv"', "E006")),
    ("3dbx", "include-nul-in-name", _top(b"- chip.3dbv", b'- "chip\\0.3dbv"', "E006")),
    ("3dbx", "include-long-name", _top(b"- chip.3dbv", b"- " + b"a" * 5000 + b".3dbv", "E006")),
    ("3dbx", "bmap-missing", _chip(b"bmap: a.bmap", b"bmap: gone.bmap", "E006")),
    ("3dbx", "bmap-outside", _chip(b"bmap: a.bmap", b"bmap: ../outside.3dbv", "E006")),
    (
        "3dbx",
        "bmap-a-folder",
        _edit("3dbx", "3dbx-cross", "chip.3dbv", b"bmap: a.bmap", b"bmap: sub", "E006", {"sub/": b""}),
    ),
    ("3dbx", "bmap-is-the-yaml", _chip(b"bmap: a.bmap", b"bmap: top.3dbx", "E001")),
    (
        "3dbx",
        "define-renames-a-section",
        _chip(b"#!define NG45_PATH", b"#!define ChipletDef Nothing\n#!define NG45_PATH"),
    ),
    (
        "3dbx",
        "define-bomb",
        _chip(
            b"#!define NG45_PATH ../../odb/test/Nangate45\n",
            b"".join(b"#!define M%02d M%02dM%02d\n" % (i, i + 1, i + 1) for i in range(40))
            + b"#!define NG45_PATH M00\n",
        ),
    ),
    ("3dbx", "define-empty-value", _chip(b"#!define NG45_PATH ../../odb/test/Nangate45", b"#!define type\n#!define")),
    # -- through an .assy
    (
        "3dbx",
        "assy-imports-the-chiplet-file",
        _edit("3dbx", "3dbx-cross-assy", "design.assy", b'import "top.3dbx"', b'import "chip.3dbv"'),
    ),
    (
        "3dbx",
        "assy-imports-a-bump-map",
        _edit("3dbx", "3dbx-cross-assy", "design.assy", b'import "top.3dbx"', b'import "a.bmap"'),
    ),
    (
        "3dbx",
        "assy-imports-twice",
        _edit(
            "3dbx",
            "3dbx-cross-assy",
            "design.assy",
            b'import "top.3dbx"',
            b'import "top.3dbx"\nimport "./top.3dbx"',
            "ok",
        ),
    ),
    (
        "3dbx",
        "assy-refines-twice",
        _edit(
            "3dbx",
            "3dbx-cross-assy",
            "design.assy",
            b"refine chipB { body silicon;",
            b"refine chipA { body silicon; cte 3 ppm/K }\nrefine chipB { body silicon;",
        ),
    ),
    # -- bump maps
    ("bmap", "five-fields", _bmap(_BUMPS_A + b"bump_x BUMP 1.0 2.0 clk\n", "E001")),
    ("bmap", "seven-fields", _bmap(_BUMPS_A + b"bump_x BUMP 1.0 2.0 clk clk extra\n", "E001")),
    ("bmap", "one-field", _bmap(_BUMPS_A + b"bump_x\n", "E001")),
    ("bmap", "non-numeric-x", _bmap(b"bump_clk BUMP 1x.0 17.0 clk clk\n", "E001")),
    ("bmap", "huge-x", _bmap(b"bump_clk BUMP 1e400 17.0 clk clk\n", "E001")),
    ("bmap", "finite-huge-x", _bmap(_BUMPS_A + b"bump_far BUMP 1e300 17.0 clk clk\n", "E008")),
    ("bmap", "nan-y", _bmap(b"bump_clk BUMP 15.0 nan clk clk\n", "E001")),
    ("bmap", "5000-digit-x", _bmap(b"bump_clk BUMP " + b"9" * 5000 + b" 17.0 clk clk\n", "E001")),
    ("bmap", "underscore-x", _bmap(_BUMPS_A + b"bump_x BUMP 1_5.0 17.0 clk clk\n", "E001")),
    ("bmap", "arabic-digits-x", _bmap(_BUMPS_A + "bump_x BUMP \u0661\u0665 17.0 clk clk\n".encode(), "E001")),
    ("bmap", "crlf", _bmap(_BUMPS_A.replace(b"\n", b"\r\n"), "ok")),
    ("bmap", "cr-only", _bmap(_CROSS["b.bmap"].replace(b"\n", b"\r"))),
    ("bmap", "cr-only-after-a-comment", _bmap(_BUMPS_A.replace(b"\n", b"\r"))),
    ("bmap", "cr-only-bad-x", _bmap(b"bump_clk BUMP 15.0 17.0 clk clk\rbump_d BUMP x 19.0 d d\r", "E001")),
    ("bmap", "bom", _bmap(b"\xef\xbb\xbf" + _BUMPS_A, "ok")),
    ("bmap", "non-utf8-name", _bmap(b"bump_\xff BUMP 15.0 17.0 clk clk\n", "E001")),
    ("bmap", "non-utf8-comment", _bmap(b"# \xff\xfe\n" + _CROSS["b.bmap"], "ok")),
    ("bmap", "nul", _bmap(b"bump_clk BUMP 15.0 17.0 c\x00k clk\n")),
    ("bmap", "escape-in-bump-name-outside", _bmap(b"\x1b[2J\x1b]0;x\x07 BUMP 9999.0 17.0 clk clk\n")),
    ("bmap", "bidi-in-net-name", _bmap("bump_clk BUMP 15.0 17.0 clk c\u202elk\n".encode())),
    ("bmap", "c1-separator-between-fields", _bmap(_BUMPS_A + b"bump_x\x1cBUMP 15.0 17.0 clk clk\n", "E001")),
    ("bmap", "vertical-tab-and-form-feed", _bmap(b"bump_clk\x0bBUMP\x0c15.0 17.0 clk clk\n")),
    ("bmap", "empty", _bmap(b"", "ok")),
    ("bmap", "only-comments", _bmap(b"# a\n#b\n\n   \n", "ok")),
    (
        "bmap",
        "indented-comment",
        _bmap(b"  # bumpInstName bumpCellType x y portName netName\n" + _CROSS["b.bmap"], "E001"),
    ),
    ("bmap", "duplicate-bump-names", _bmap(_BUMPS_A + _BUMPS_A)),
    ("bmap", "all-at-one-place", _bmap(b"".join(b"b%d BUMP 15.0 17.0 n%d n%d\n" % (i, i, i) for i in range(2000)))),
    ("bmap", "one-long-line", _bmap(b"bump BUMP 1.0 2.0 n " + b"n" * 1_000_000 + b"\n")),
    ("bmap", "a-million-fields", _bmap(b"x " * 1_000_000 + b"\n", "E001")),
    ("bmap", "negative-and-outside", _bmap(b"bump_clk BUMP -15.0 -17.0 clk clk\n")),
    ("bmap", "the-yaml-file", _bmap(_CROSS["top.3dbx"], "E001")),
    # -- CSV bump maps
    ("csv", "short-row", _csv(CSV + b"A6,1\n", "E001")),
    ("csv", "long-row", _csv(CSV + b"A6,1,2,VDD,40,extra\n", "E001")),
    ("csv", "unclosed-quote", _csv(CSV + b'"A6,1,2,VDD,40\n', "E001")),
    ("csv", "quote-inside-field", _csv(CSV + b'A"6,1,2,VDD,40\n')),
    ("csv", "quote-after-quoted-field", _csv(CSV + b'"A6"x,1,2,VDD,40\n')),
    ("csv", "empty-file", _csv(b"", "E001")),
    ("csv", "header-only", _csv(b"pin,x,y,net,dia\n", "ok")),
    ("csv", "header-only-no-newline", _csv(b"pin,x,y,net,dia", "ok")),
    ("csv", "missing-mapped-column", _csv(CSV.replace(b"pin,x,y", b"pin,X,y"), "E002")),
    ("csv", "duplicate-header-names", _csv(CSV.replace(b"pin,x,y,net,dia", b"pin,x,x,net,dia"))),
    ("csv", "duplicate-unmapped-header-names", _csv(CSV.replace(b"pin,x,y,net,dia", b"pin,x,y,dia,dia"))),
    ("csv", "empty-header-name", _csv(CSV.replace(b"pin,x,y,net,dia", b"pin,x,y,,dia"), "E002")),
    ("csv", "semicolon-header-comma-rows", _csv(CSV.replace(b"pin,x,y,net,dia", b"pin;x;y;net;dia"), "E001")),
    ("csv", "semicolons", _csv(CSV.replace(b",", b";").replace(b'"A;3"', b"A3"), "ok")),
    ("csv", "tabs", _csv(CSV.replace(b",", b"\t").replace(b'"A\t3"', b"A3"), "ok")),
    ("csv", "empty-x", _csv(CSV + b"A6,,2,VDD,40\n", "E001")),
    ("csv", "non-numeric-x", _csv(CSV + b"A6,one,2,VDD,40\n", "E001")),
    ("csv", "non-numeric-diameter", _csv(CSV + b"A6,1,2,VDD,big\n", "E001")),
    ("csv", "negative-diameter", _csv(CSV + b"A6,1,2,VDD,-40\n", "E008")),
    ("csv", "infinite-diameter", _csv(CSV + b"A6,1,2,VDD,inf\n")),
    ("csv", "huge-diameter", _csv(CSV + b"A6,1,2,VDD,1e300\n")),
    ("csv", "nan-diameter", _csv(CSV + b"A6,1,2,VDD,nan\n")),
    ("csv", "huge-x", _csv(CSV + b"A6,1e400,2,VDD,40\n", "E001")),
    ("csv", "finite-huge-x", _csv(CSV + b"A6,1e300,2,VDD,40\n", "E008")),
    ("csv", "underscore-x", _csv(CSV + b"A6,1_0,2,VDD,40\n", "E001")),
    (
        "csv",
        "path-too-long",
        _edit("csv", "csv", "design.assy", b'"b.csv"', b'"' + b"b" * 5000 + b'.csv"', "E006"),
    ),
    ("csv", "a-million-column-header", _csv(b",".join(b"c%d" % i for i in range(1_000_000)) + b"\nA1,1\n", "E002")),
    ("csv", "a-million-column-row", _csv(CSV + b"," * 1_000_000 + b"\n", "E001")),
    ("csv", "bom", _csv(b"\xef\xbb\xbf" + CSV, "ok")),
    ("csv", "non-utf8-header", _csv(CSV.replace(b"pin", b"p\xffn"), "E001")),
    ("csv", "non-utf8-row", _csv(CSV + b"A\xff6,1,2,VDD,40\n", "E001")),
    ("csv", "nul-in-row", _csv(CSV + b"A\x006,1,2,VDD,40\n")),
    ("csv", "escape-in-pin-name-outside", _csv(CSV + b"\x1b[2J\x1b]0;x\x07,9000,2,VDD,40\n")),
    ("csv", "bidi-in-net-name", _csv(CSV + "A6,1,2,V\u202eDD,40\n".encode())),
    ("csv", "newline-in-quoted-name", _csv(CSV + b'"A\n6",1,2,VDD,40\nA7,1,x,VDD,40\n', "E001")),
    ("csv", "crlf", _csv(CSV.replace(b"\n", b"\r\n"), "ok")),
    ("csv", "cr-only", _csv(CSV.replace(b"\n", b"\r"))),
    ("csv", "blank-lines", _csv(CSV.replace(b"\n", b"\n\n"), "ok")),
    ("csv", "name-mapped-to-a-number-column", _mapping(b"(name x, x x, y y)")),
    ("csv", "net-mapped-to-a-number-column", _mapping(b"(name pin, x x, y y, net x)")),
    ("csv", "x-and-y-one-column", _mapping(b"(name pin, x x, y x)", "ok")),
    ("csv", "diameter-mapped-to-names", _mapping(b"(name pin, x x, y y, diameter pin)", "E001")),
]

# The line an attack's error must be on: that of these bytes in its fuzzed file.
_LINE_OF = {
    "3dbx:nul-in-top": b"\x00",
    "3dbx:nul-in-comment": b"\x00",
    "3dbx:non-utf8-top": b"\xff",
    "3dbx:non-utf8-chiplet": b"\xc3\x28",
    "3dbx:raw-escape-in-yaml": b"\x1b",
    "3dbx:line-separators-in-a-string-then-an-error": b"z: 5.0",
    "3dbx:define-then-yaml-error": b"lef]]",
    "3dbx:yaml-truncated-mid-key": b"  pre",
    "3dbx:define-then-unknown-type": b"type: NG45",
    "3dbx:unknown-chiplet-type": b"type:",
    "3dbx:hex-number": b"z: 0x",
    "bmap:five-fields": b"bump_x",
    "bmap:seven-fields": b"bump_x",
    "bmap:one-field": b"bump_x",
    "bmap:non-utf8-name": b"\xff",
    "bmap:underscore-x": b"bump_x",
    "bmap:arabic-digits-x": b"bump_x",
    "bmap:c1-separator-between-fields": b"bump_x",
    "bmap:finite-huge-x": b"bump_far",
    "bmap:the-yaml-file": b"Header",
    "csv:short-row": b"A6",
    "csv:long-row": b"A6",
    "csv:unclosed-quote": b'"A6',
    "csv:empty-x": b"A6",
    "csv:non-numeric-x": b"A6",
    "csv:non-numeric-diameter": b"A6",
    "csv:huge-x": b"A6",
    "csv:underscore-x": b"A6",
    "csv:non-utf8-header": b"\xff",
    "csv:non-utf8-row": b"\xff",
    "csv:newline-in-quoted-name": b"A7",
    "csv:a-million-column-row": b",,,",
    "csv:semicolon-header-comma-rows": b"A1",
}


def _line_of(data: bytes, needle: bytes) -> int:
    """The line (1-based, as the language counts lines) where `needle` first is in `data`."""
    before = data[: data.index(needle)].removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    return len(split_lines(before))


for _kind, _name, _item in ATTACKS:
    if f"{_kind}:{_name}" in _LINE_OF:
        assert _item.expect not in (None, "ok"), _name
        _item.expect = f"{_item.expect}:{_line_of(_item.files[_item.fuzzed], _LINE_OF[f'{_kind}:{_name}'])}"

INTERESTING = (
    b"\xff",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\x1b[2J",
    "\u202e".encode(),
    "\u2028".encode(),
    b"\x85",
    b"\t",
    b"\r",
    b"\r\n",
    b"\n",
    b" ",
    b": ",
    b"- ",
    b"~",
    b"&a ",
    b"*a",
    b"[",
    b"]",
    b"{",
    b"}",
    b'"',
    b"'",
    b"#",
    b",",
    b";",
    b"!!binary ",
    b"---\n",
    b"? ",
    b"|",
    b"9" * 400,
    b"1e400",
    b".nan",
    b"-",
    b"0",
    b"../",
    b"[" * 2000,
)
VALUES = (  # what a value (a YAML scalar, a bump map or CSV field) is replaced with
    b"~",
    b"null",
    b"''",
    b'""',
    b"[]",
    b"{}",
    b"[1, 2]",
    b"[1, 2, 3, 4]",
    b"{a: 1}",
    b"0",
    b"-0",
    b"-5",
    b"1e-300",
    b"1e300",
    b"1e400",
    b"-1e400",
    b".nan",
    b".inf",
    b"nan",
    b"inf",
    b"0x10",
    b"1_000",
    b"9" * 400,
    b"true",
    b"R90",
    b"MZ_MX_R90",
    b"MZ",
    b"hier",
    b"rdl",
    b"back",
    b"chipA",
    b"chipA.regions.front_reg",
    b"flop_chip_b",
    b"chip.3dbv",
    b"../outside.3dbv",
    b"b.bmap",
    b"top.3dbx",
    b"*a",
    b"&a x",
    b"\x1b[31m",
    "\u202eevil".encode(),
    b"x" * 300,
    b"-",
    b"",
)
_SCALAR = re.compile(rb"(?<=: )[^\n\[\]{},#]+|(?<=[\[,] )[^\n\[\]{},]+|(?<=- )[^\n\[\]{},:]+|(?<=\[)[^\n\[\]{},]+")
_FIELD = re.compile(rb"[^\s,;]+")


def _byte_edits(buffer: bytearray, src: Source, how: list[str]) -> None:
    at = src.integer(0, len(buffer))
    step = src.choice(("flip", "insert", "delete", "truncate", "duplicate"))
    how.append(f"{step}@{at}")
    if step == "flip" and buffer:
        at = min(at, len(buffer) - 1)
        buffer[at] ^= 1 << src.integer(0, 7)
    elif step == "insert":
        buffer[at:at] = src.choice(INTERESTING)
    elif step == "delete":
        del buffer[at : at + src.integer(1, 16)]
    elif step == "truncate":
        del buffer[at:]
    elif step == "duplicate":
        buffer[at:at] = buffer[at : at + src.integer(1, 64)]


def _value_edit(buffer: bytearray, src: Source, how: list[str], pattern: re.Pattern[bytes]) -> None:
    found = list(pattern.finditer(buffer))
    if not found:
        return _byte_edits(buffer, src, how)
    match = src.choice(found)
    value = src.choice(VALUES)
    how.append(f"value@{match.start()}={value[:20]!r}")
    buffer[match.start() : match.end()] = value


def _line_edit(buffer: bytearray, src: Source, how: list[str]) -> None:
    lines = bytes(buffer).split(b"\n")
    at = src.integer(0, len(lines) - 1)
    step = src.choice(("drop", "repeat", "swap", "indent", "dedent", "tabs", "crlf", "many"))
    how.append(f"line-{step}@{at}")
    if step == "drop":
        del lines[at]
    elif step == "repeat":
        lines.insert(at, lines[at])
    elif step == "swap":
        other = src.integer(0, len(lines) - 1)
        lines[at], lines[other] = lines[other], lines[at]
    elif step == "indent":
        lines[at] = b"  " + lines[at]
    elif step == "dedent":
        lines[at] = lines[at][2:] if lines[at].startswith(b"  ") else lines[at].lstrip()
    elif step == "tabs":
        lines[at] = lines[at].replace(b"  ", b"\t")
    elif step == "crlf":
        lines[at] += b"\r"
    elif step == "many":
        lines[at:at] = [lines[at]] * src.integer(2, 3000)
    buffer[:] = b"\n".join(lines)


def mutate(data: bytes, src: Source, name: str = "") -> tuple[bytes, list[str]]:
    """A few edits of a file: values replaced (YAML scalars, bump map or CSV fields), lines dropped,
    repeated, swapped or re-indented, and byte-level flips, inserts, deletes, truncation, splices."""
    how: list[str] = []
    buffer = bytearray(data)
    pattern = _SCALAR if name.endswith((".3dbx", ".3dbv")) else _FIELD
    for _ in range(src.integer(1, 4)):
        step = src.choice(("value", "value", "line", "bytes"))
        if step == "value":
            _value_edit(buffer, src, how, pattern)
        elif step == "line":
            _line_edit(buffer, src, how)
        else:
            _byte_edits(buffer, src, how)
    return bytes(buffer), how


def generate_input(src: Source) -> ImportInput:
    """A valid design of one kind with one of its files mutated (most often), a valid design as it
    is, or one of the attacks as it is."""
    if src.chance(15):
        kind, name, item = src.choice(ATTACKS)
        return ImportInput(kind, item.files, item.fuzzed, item.entry, [name], item.expect)
    kind = src.choice(KINDS)
    seed = VALID[src.choice([name for name, item in VALID.items() if item.kind == kind])]
    entry = seed.entry
    if kind != "csv" and src.chance(30):  # the same files, checked through an .assy that imports them
        entry = "design.assy"
    files = {**seed.files, "design.assy": seed.files.get("design.assy", _CROSS_ASSY)} if kind != "csv" else seed.files
    fuzzed = src.choice([name for name in FUZZED[kind] if name in files])
    item = ImportInput(kind, dict(files), fuzzed, entry, [f"{fuzzed} of {entry}"])
    if src.chance(8):
        item.how.append("valid")
        return item
    data, how = mutate(files[fuzzed], src, fuzzed)
    item.files[fuzzed] = data
    item.how.extend(how)
    return item


# ---------------------------------------------------------------- saving and replaying one


def to_bundle(item: ImportInput) -> bytes:
    """Every file of an input as JSON (the campaign saves a failing input so), base64 for the bytes."""
    return json.dumps(
        {
            "kind": item.kind,
            "entry": item.entry,
            "fuzzed": item.fuzzed,
            "how": item.how,
            "expect": item.expect,
            "files": {name: base64.b64encode(data).decode() for name, data in item.files.items()},
        },
        indent=1,
    ).encode()


def from_bundle(data: bytes) -> ImportInput:
    saved = json.loads(data)
    files = {name: base64.b64decode(text) for name, text in saved["files"].items()}
    return ImportInput(saved["kind"], files, saved["fuzzed"], saved["entry"], saved["how"], saved["expect"])


# ---------------------------------------------------------------- the oracle

# What the text output may not carry raw: C0 controls but the line end, DEL, C1, the bidi controls,
# lone surrogates (report/formats/escaping.py UNSAFE, less U+2028 and U+2029, which the text keeps).
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
MAX_MESSAGE = 10_000  # characters: a message names what is wrong, it does not list a file's million columns
_INTERNAL = re.compile(r"internal error in ([^:\n]*)(?:[^\n]*?: (\w*(?:Error|Exception|Warning)): )?")


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} in the JSON report")


def write_design(folder: Path, item: ImportInput) -> Path:
    """Write the input's files into `folder`/imports/d (emptied first), with a valid chiplet file and
    an empty configuration file beside it; the folder they are in."""
    area = folder / AREA
    work = area / WORK
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    (area / OUTSIDE).write_bytes(_CROSS["chip.3dbv"])
    (area / "assemblint.toml").write_bytes(CONFIG)
    for name, data in item.files.items():
        path = work / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return work


def _check(work: Path, item: ImportInput, report: Path) -> tuple[int, str]:
    """`assemblint check ENTRY` in this process, from the design's folder: exit code and output."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", item.entry, "-q", "--isolate", "none", "--report", f"json={report}"]
    with contextlib.chdir(work), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue() + err.getvalue()


def first_bad_line(data: bytes, name: str) -> int | None:
    """The line of the first byte that makes a file not text, None when it is text: a design (a
    3DBlox or .assy file) is UTF-8 without NUL (docs/safety.md), a bump map or CSV file UTF-8."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        data.decode("utf-8")
        at = len(data)
    except UnicodeDecodeError as error:
        at = error.start
    if not name.endswith((".bmap", ".csv")) and b"\0" in data[:at]:
        at = data.index(b"\0")
    if at == len(data):
        return None
    return len(split_lines(data[:at].decode("utf-8")))


def same_line(shown: str, line: str) -> bool:
    """Whether `shown` quotes `line` character for character, an unsafe one (a control character, a
    bidi control) shown as something safe (its picture, a space, U+FFFD)."""
    return len(shown) == len(line) and all(
        a == b or (_UNSAFE.match(b) is not None and _UNSAFE.match(a) is None) for a, b in zip(shown, line, strict=True)
    )


def diagnostic_problems(errors: list[dict], output: str, work: Path, item: ImportInput) -> list[tuple[str, str]]:
    """What is wrong with the language errors of a run (from its JSON report, as the text output
    shows them), as (kind of problem, details); [] when they meet the contract."""
    problems = []
    shown = output.split("\n")
    for error in errors:
        loc = error.get("location") or {}
        path, line, column = loc.get("path"), loc.get("line"), loc.get("column")
        where = f"{path}:{line}:{column}: {error.get('code')} {str(error.get('message'))[:120]!r}"
        if error.get("code") not in CODES:
            problems.append(("a code that is not E001-E010", where))
        if not path:
            problems.append(("a diagnostic without a file", where))
            continue
        if not (isinstance(line, int) and line >= 1 and isinstance(column, int) and column >= 1):
            problems.append(("a diagnostic without a line and a column", where))
            continue
        name = Path(path).as_posix()
        data = item.files.get(name)
        if data is None and (work / path).resolve() == (work.parent / OUTSIDE).resolve():
            data = (work.parent / OUTSIDE).read_bytes()
        header = f"{path}:{line}:{column}: {error['code']} "
        at = next((i for i, row in enumerate(shown) if row.startswith(header)), None)
        if at is None:
            problems.append(("the text output does not show the diagnostic at its place", where))
            continue
        if len(str(error.get("message"))) > MAX_MESSAGE:
            problems.append(("a message of more than 10,000 characters", where[:200]))
        if "<unicode string>" in str(error.get("message")):
            problems.append(("the YAML parser's own position in the message", where))
        if data is None:
            continue  # a file of the library, or one the design does not hold
        quoted = shown[at + 1] if at + 1 < len(shown) else ""
        gutter = f"{line:>5} | "
        bad = first_bad_line(data, name)
        if bad is not None:
            if quoted.startswith(gutter):
                problems.append(("a line of a file that is not text is quoted", where))
            if line != bad:
                problems.append(("an error in a file that is not text, not at its first such byte", where))
            continue
        lines = split_lines(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"))
        if line > len(lines):
            problems.append(("a line past the end of the file", f"{len(lines)} lines; {where}"))
            continue
        text = lines[line - 1]
        if column > len(text) + 1:
            problems.append(("a column past the end of its line", f"{len(text)} characters; {where}"))
        if not quoted.startswith(gutter) or at + 2 >= len(shown) or "^" not in shown[at + 2]:
            problems.append(("no line quoted with a caret under it", where))
        elif len(text) <= 120 and not same_line(quoted, gutter + text):
            problems.append(("the quoted line is another line of the file", f"{quoted[:80]!r}; {where}"))
    return problems


def judge_import(folder: Path, item: ImportInput, time_limit_s: float = TIME_LIMIT) -> Outcome:
    """Write one design into `folder` and check it with the command line in process; the outcome is
    a report, language errors, or a failure of the contract (module docstring) with its signature."""
    work = write_design(folder, item)
    report = work.parent / "report.json"
    report.unlink(missing_ok=True)
    SOURCES._lines.clear()  # as a fresh process: no line of an earlier input's file can be quoted
    tag = f"({item.kind}: {item.fuzzed})"
    started = time.perf_counter()
    try:
        with time_limit(time_limit_s):
            code, output = _check(work, item, report)
    except Timeout as error:
        return Outcome("failure", (), f"timeout {tag}", str(error))
    except Exception as error:
        return Outcome("failure", (), f"{type(error).__name__} at {_innermost_frame(error)}", traceback.format_exc())
    seconds = time.perf_counter() - started
    if "Traceback" in output:
        return Outcome("failure", (), f"a traceback in the output {tag}", output[-4000:])
    if code not in (0, 1, 2):
        internal = _INTERNAL.search(output)
        what = f" ({internal[1]}{': ' + internal[2] if internal[2] else ''})" if internal else ""
        return Outcome("failure", (), f"exit {code}{what} {tag}", output[-4000:])
    unsafe = _UNSAFE.search(output)
    if unsafe:
        line = output[: unsafe.start()].count("\n")
        shown = output.split("\n")[line]
        return Outcome("failure", (), f"a control character in the output {tag}", f"{unsafe[0]!r} in {shown!r}")
    if not report.is_file():
        return Outcome("failure", (), f"no report (exit {code}) {tag}", output[-4000:])
    try:
        result = json.loads(report.read_text(encoding="utf-8"), parse_constant=_no_constant)
    except ValueError as error:
        return Outcome("failure", (), f"a JSON report that is not JSON {tag}", str(error)[:2000])
    errors = result.get("errors", [])
    codes = tuple(str(e.get("code")) for e in errors)
    if code == 2 and not errors:
        return Outcome("failure", (), f"exit 2 without a diagnostic {tag}", output[-4000:])
    if errors and code != 2:
        return Outcome("failure", codes, f"language errors, but exit {code} {tag}", output[-4000:])
    if errors and result.get("findings"):
        return Outcome("failure", codes, f"a half-checked design: findings beside language errors {tag}", output[:4000])
    if errors and "not checked" not in output:
        return Outcome("failure", codes, f"language errors, but not `not checked` {tag}", output[-4000:])
    problems = diagnostic_problems(errors, output, work, item)
    if problems:
        detail = "\n".join(f"{kind}: {where}" for kind, where in problems) + "\n\n" + output[:4000]
        return Outcome("failure", codes, f"bad diagnostic: {problems[0][0]} {tag}", detail)
    if item.expect == "ok" and errors:
        return Outcome("failure", codes, f"refused a design that reads {tag}", output[:4000])
    if item.expect not in (None, "ok"):
        wanted, _, line = item.expect.partition(":")
        places = [(str(e.get("code")), str((e.get("location") or {}).get("line"))) for e in errors]
        if not any(c == wanted and (not line or at == line) for c, at in places):
            got = ", ".join(f"{c} on line {at}" for c, at in places) or f"exit {code}"
            where = f" on line {line}" if line else ""
            return Outcome("failure", codes, f"expected {wanted}{where}, got {got} {tag}", output[:4000])
    if errors:
        return Outcome("language-error", codes, seconds=seconds)
    return Outcome("report", seconds=seconds)
