"""3DBlox (`.3dbx` stacks, `.3dbv` chiplet definitions, `.bmap` bump maps), read as OpenROAD reads it.

Each chiplet instance becomes an element named after it; each region's bump map a pad array named
after the region (`soc_inst.front_reg[*]`), on that region's side; each `Connection` the masses
that join the two regions' bumps where they coincide (STACK.md §6).

Where things land is computed as OpenROAD's database computes it (src/odb/src/3dblox/3dblox.cpp,
dbChipInst::setLoc, dbTransform), in integer database units of `1/precision` µm:

- a chiplet's box is (0, 0)–(W, H) with W and H its `design_area` plus its seal ring and scribe
  line on both sides, and its bumps sit at their bump-map position plus the chiplet's `offset`;
- an instance's `orient` is a 2-D orientation (R0, R90, R180, R270, MX, MY, MX_R90, MY_R90 and the
  LEF names N, W, S, E, FN, FE, FS, FW) and an optional `MZ` (face down): MZ mirrors z only, never x
  or y, so a face-down chiplet's bumps keep their x and y;
- the instance is moved so that the lower-left-lower corner of its turned box is `loc` and `z`.

So the importer gives final positions, which the element's `flip` does not mirror again: the
element's outline is the turned box and its pads are where OpenROAD puts its bumps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assemblint.base.diagnostics import SOURCES, Location, did_you_mean
from assemblint.importing.bmap import EMPTY, BumpMap, read_bmap
from assemblint.importing.problems import ImportProblem, utf8_text
from assemblint.importing.stack import BumpSource, ImportedConnection, ImportedElement, ImportedPads, ImportedStack
from assemblint.importing.yaml_nodes import Node, YamlFile

#: reads a file another names: (its path as written, where it is named, the naming file's folder)
#: → (bytes, shown path, resolved path); raises ImportProblem when refused or missing
ReadData = Callable[[str, Location, Path], tuple[bytes, str, Path]]
#: opens such a file to be read by window (`--tiles`): → (resolved path, shown path)
OpenData = Callable[[str, Location, Path], tuple[Path, str]]

CHIPLET_TYPES = {"die": "chip", "ip": "chip", "rdl": "interposer", "substrate": "substrate"}
SIDES = {"front": "front", "back": "back"}
_ORIENT_2D = {  # (x, y) -> (a x + b y, c x + d y), as dbTransform::apply turns a point
    "R0": (1, 0, 0, 1),
    "R90": (0, -1, 1, 0),
    "R180": (-1, 0, 0, -1),
    "R270": (0, 1, -1, 0),
    "MY": (-1, 0, 0, 1),
    "MYR90": (0, -1, -1, 0),
    "MX": (1, 0, 0, -1),
    "MXR90": (0, 1, 1, 0),
}
_LEF_NAMES = {"N": "R0", "W": "R90", "S": "R180", "E": "R270", "FN": "MY", "FE": "MYR90", "FS": "MX", "FW": "MXR90"}
_DUPLICATES = {  # 3dblox.cpp's dup_orient_map: other names of the same orientations
    "MY_R180": "MX",
    "MY_R270": "MX_R90",
    "MX_R180": "MY",
    "MZ_MY_R180": "MZ_MX",
    "MZ_MY_R270": "MZ_MX_R90",
    "MZ_MX_R180": "MZ_MY",
    "MZ_MX_R270": "MZ_MY_R90",
}


def orientation(text: str) -> tuple[tuple[int, int, int, int], bool] | None:
    """The 2-D matrix and the z mirror of an `orient`, as dbOrientType3D::fromString reads it."""
    text = _DUPLICATES.get(text, text)
    if text == "MZ":
        return _ORIENT_2D["R0"], True
    mirror_z = "MZ_" in text
    name = text.replace("MZ_", "", 1).upper().replace("_", "")
    name = _LEF_NAMES.get(name, name)
    matrix = _ORIENT_2D.get(name)
    return (matrix, mirror_z) if matrix is not None else None


@dataclass
class _Region:
    name: str
    side: str
    loc: Location
    bmap: tuple[str, Location, Path] | None  # as written, where, the folder it is relative to


@dataclass
class _Chiplet:
    name: str
    type: str
    loc: Location
    box: tuple[int, int]  # W, H in database units, seal ring and scribe line included
    thickness: int | None
    offset: tuple[int, int]
    regions: dict[str, _Region] = field(default_factory=dict)


class StackReader:
    """Reads one 3DBlox design and everything it includes; one ImportProblem stops it."""

    def __init__(self, read: ReadData, open_data: OpenData | None = None):
        self.read = read
        self.open_data = open_data  # given: the bump maps are left to the builder to read by window
        self.dbu: int | None = None  # database units per µm: the first chiplet file's precision
        self.chiplets: dict[str, _Chiplet] = {}
        self.included: set[Path] = set()  # the .3dbv files read
        self.bump_maps: dict[Path, tuple[BumpMap, str]] = {}

    def read_design(self, text: str, shown: str, folder: Path, loc: Location) -> ImportedStack:
        doc = YamlFile(text, shown, _defines(text))
        header = doc.get(doc.root, "Header")
        self._unit(doc, header)
        self._includes(doc, header, folder)
        if header is not None and self.dbu is None:
            self.dbu = self._precision(doc, header)
        self._chiplet_defs(doc, folder)
        dbu = self.dbu or 1000
        design = doc.get(doc.root, "Design")
        name = (
            doc.text_of(doc.require(design, "name", "the Design"), "the design's name") if design is not None else None
        )
        instances: dict[str, tuple[str, Node]] = {}
        for inst, key_node, value in doc.entries(doc.get(doc.root, "ChipletInst"), "ChipletInst"):
            ref_node = doc.require(value, "reference", f"chiplet instance `{inst}`")
            reference = doc.text_of(ref_node, "a reference")
            if reference not in self.chiplets:
                raise doc.problem(
                    ref_node,
                    "E002",
                    f"chiplet instance `{inst}` refers to `{reference}`, which no ChipletDef defines"
                    + did_you_mean(reference, self.chiplets),
                )
            instances[inst] = (reference, key_node)
        placed: dict[str, ImportedElement] = {}
        stack = doc.get(doc.root, "Stack")
        for inst, key_node, value in doc.entries(stack, "Stack"):
            if inst not in instances:
                raise doc.problem(
                    key_node,
                    "E002",
                    f"Stack places `{inst}`, which is not a ChipletInst" + did_you_mean(inst, instances),
                )
            placed[inst] = self._place(doc, inst, value, self.chiplets[instances[inst][0]], doc.loc(key_node), dbu)
        for inst, (_, key_node) in instances.items():
            if inst not in placed:
                raise doc.problem(key_node, "E008", f"chiplet instance `{inst}` has no Stack entry (loc, z, orient)")
        elements = [placed[inst] for inst in instances]
        connections = [
            self._connection(doc, conn, value, doc.loc(key_node), placed)
            for conn, key_node, value in doc.entries(doc.get(doc.root, "Connection"), "Connection")
        ]
        return ImportedStack(shown, loc, name, elements, connections)

    # -- chiplet definitions ------------------------------------------------------------------

    def _includes(self, doc: YamlFile, header: Node | None, folder: Path) -> None:
        if header is None:
            return
        node = doc.get(header, "include")
        if node is None:
            return
        for written, item in doc.strings(node, "an include"):
            if "*" in written:
                raise doc.problem(item, "E010", "an include with `*` is not read: name each file")
            if not written.endswith(".3dbv"):
                raise doc.problem(
                    item, "E010", f"`{written}` is not a chiplet definition (.3dbv): only .3dbv files are included"
                )
            data, shown, resolved = self.read(written, doc.loc(item), folder)
            if resolved in self.included:  # read once, as OpenROAD reads each file once (and a cycle ends)
                continue
            self.included.add(resolved)
            text = utf8_text(data, shown)
            SOURCES.add(shown, text)
            inner = YamlFile(text, shown, _defines(text))
            inner_header = inner.get(inner.root, "Header")
            self._unit(inner, inner_header)
            if inner_header is not None and self.dbu is None:
                self.dbu = self._precision(inner, inner_header)
            elif inner_header is not None and inner.get(inner_header, "precision") is not None:
                precision = self._precision(inner, inner_header)
                if self.dbu is not None and (precision > self.dbu or self.dbu % precision):
                    raise inner.problem(
                        inner.get(inner_header, "precision"),  # type: ignore[arg-type]
                        "E008",
                        f"precision {precision} does not divide the {self.dbu} database units per µm set by the first "
                        "chiplet file (OpenROAD's ODB-0516/0526)",
                    )
            self._includes(inner, inner_header, resolved.parent)
            self._chiplet_defs(inner, resolved.parent)

    def _unit(self, doc: YamlFile, header: Node | None) -> None:
        unit = doc.get(header, "unit") if header is not None else None
        if unit is not None and doc.text_of(unit, "the unit") not in ("micron", "um"):
            raise doc.problem(
                unit, "E010", f"unit `{doc.text_of(unit, 'the unit')}` is not read: 3DBlox is in `micron`"
            )

    def _precision(self, doc: YamlFile, header: Node) -> int:
        node = doc.get(header, "precision")
        if node is None:
            return 1000
        value = doc.number(node, "the precision")
        if value != int(value) or not 1 <= value <= 10**6:
            raise doc.problem(node, "E008", "the precision is a whole number of database units per µm, 1 to 1,000,000")
        return int(value)

    def _chiplet_defs(self, doc: YamlFile, folder: Path) -> None:
        dbu = self.dbu or 1000
        for name, key_node, node in doc.entries(doc.get(doc.root, "ChipletDef"), "ChipletDef"):
            if name in self.chiplets:
                raise doc.problem(key_node, "E004", f"chiplet `{name}` is defined twice")
            type_node = doc.require(node, "type", f"chiplet `{name}`")
            kind = doc.text_of(type_node, "a chiplet type")
            if kind not in CHIPLET_TYPES:
                hint = (
                    ": a hierarchical chiplet (`hier`) is not read yet; import its parts"
                    if kind == "hier"
                    else f"{did_you_mean(kind, CHIPLET_TYPES)}; known: {', '.join(CHIPLET_TYPES)}"
                )
                raise doc.problem(type_node, "E010", f"chiplet type `{kind}` is not read{hint}")
            area = doc.require(node, "design_area", f"chiplet `{name}`")
            width, height = doc.numbers(area, "design_area", 2)
            if not (width > 0 and height > 0):
                raise doc.problem(
                    area, "E008", f"the design_area of `{name}` must be positive, got [{width:g}, {height:g}]"
                )
            margins = [0.0, 0.0, 0.0, 0.0]
            for key in ("seal_ring_width", "scribe_line_remaining_width"):
                value = doc.get(node, key)
                if value is not None:
                    margins = [m + v for m, v in zip(margins, doc.numbers(value, key, 4), strict=True)]
            thickness_node = doc.get(node, "thickness")
            thickness = doc.number(thickness_node, "the thickness") if thickness_node is not None else None
            if thickness is not None and not thickness > 0:
                assert thickness_node is not None
                raise doc.problem(
                    thickness_node, "E008", f"the thickness of `{name}` must be positive, got {thickness:g}"
                )
            offset_node = doc.get(node, "offset")
            offset = doc.numbers(offset_node, "offset", 2) if offset_node is not None else (0.0, 0.0)
            left, bottom, right, top = (_dbu(m, dbu) for m in margins)
            chiplet = _Chiplet(
                name,
                CHIPLET_TYPES[kind],
                doc.loc(key_node),
                (_dbu(width, dbu) + left + right, _dbu(height, dbu) + bottom + top),
                _dbu(thickness, dbu) if thickness is not None else None,
                (_dbu(offset[0], dbu), _dbu(offset[1], dbu)),
            )
            for region, region_key, value in doc.entries(doc.get(node, "regions"), f"the regions of `{name}`"):
                chiplet.regions[region] = self._region(doc, region, region_key, value, folder)
            self.chiplets[name] = chiplet

    def _region(self, doc: YamlFile, name: str, key_node: Node, node: Node, folder: Path) -> _Region:
        side_node = doc.require(node, "side", f"region `{name}`")
        side = doc.text_of(side_node, "a side")
        if side not in SIDES:
            what = "a face inside the chiplet, which assemblint does not model" if side.startswith("internal") else ""
            raise doc.problem(
                side_node, "E010", f"region side `{side}` is not read{': ' + what if what else ''}; known: front, back"
            )
        coords = doc.get(node, "coords")
        if coords is None:
            raise doc.problem(key_node, "E008", f"region `{name}` must specify coords (its 4 corners)")
        if not hasattr(coords, "value") or not isinstance(coords.value, list) or len(coords.value) != 4:
            count = len(coords.value) if isinstance(coords.value, list) else 0
            more = " (polygonal regions are not read)" if count > 4 else ""
            raise doc.problem(coords, "E008", f"region `{name}` must have exactly 4 coordinates, it has {count}{more}")
        for corner in coords.value:
            doc.numbers(corner, "a corner", 2)
        bmap = doc.get(node, "bmap")
        written = (doc.text_of(bmap, "a bump map path"), doc.loc(bmap), folder) if bmap is not None else None
        return _Region(name, SIDES[side], doc.loc(key_node), written)

    # -- instances and connections ------------------------------------------------------------

    def _place(
        self, doc: YamlFile, inst: str, node: Node, chiplet: _Chiplet, loc: Location, dbu: int
    ) -> ImportedElement:
        what = f"the Stack entry of `{inst}`"
        lx, ly = doc.numbers(doc.require(node, "loc", what), "loc", 2)
        z = doc.number(doc.require(node, "z", what), "z")
        orient_node = doc.require(node, "orient", what)
        orient = doc.text_of(orient_node, "an orientation")
        turned = orientation(orient)
        if turned is None:
            raise doc.problem(
                orient_node,
                "E010",
                f"unknown orientation `{orient}`; known: R0, R90, R180, R270, MX, MY, MX_R90, MY_R90, each "
                "optionally after MZ_ (face down), and MZ",
            )
        (a, b, c, d), mirror_z = turned
        width, height = chiplet.box
        xs, ys = (a * 0 + b * 0, a * width + b * height), (c * 0 + d * 0, c * width + d * height)
        origin = (_dbu(lx, dbu) - min(xs), _dbu(ly, dbu) - min(ys))
        extent_x, extent_y = abs(xs[1] - xs[0]), abs(ys[1] - ys[0])
        x0, y0 = _dbu(lx, dbu), _dbu(ly, dbu)
        thickness = chiplet.thickness / dbu if chiplet.thickness is not None else None
        size = (
            (extent_x / dbu, extent_y / dbu, thickness) if thickness is not None else (extent_x / dbu, extent_y / dbu)
        )
        element = ImportedElement(
            inst,
            chiplet.type,
            loc,
            size,  # type: ignore[arg-type]
            ((x0 + extent_x / 2) / dbu, (y0 + extent_y / 2) / dbu),
            _dbu(z, dbu) / dbu,
            mirror_z,
            orient,
        )
        place = Placement(dbu, chiplet.offset, (a, b, c, d), origin)
        for region in chiplet.regions.values():
            if self.open_data is not None and region.bmap is not None:
                file, shown = self.open_data(*region.bmap)
                nothing = np.zeros(0)
                element.pads.append(
                    ImportedPads(
                        region.name,
                        region.side,
                        nothing,
                        nothing,
                        [],
                        np.zeros(0, dtype=np.int64),
                        [],
                        region.loc,
                        source=BumpSource(file, shown, place),
                    )
                )
                continue
            bumps = self._bumps(region)
            gx, gy = place(bumps.x, bumps.y)
            element.pads.append(
                ImportedPads(
                    region.name, region.side, gx, gy, bumps.names, bumps.net_codes, bumps.net_names, region.loc
                )
            )
        return element

    def _bumps(self, region: _Region) -> BumpMap:
        if region.bmap is None:
            return EMPTY
        written, loc, folder = region.bmap
        data, shown, resolved = self.read(written, loc, folder)
        if resolved not in self.bump_maps:
            self.bump_maps[resolved] = (read_bmap(data, shown), shown)
        return self.bump_maps[resolved][0]

    def _connection(
        self, doc: YamlFile, name: str, node: Node, loc: Location, placed: dict[str, ImportedElement]
    ) -> ImportedConnection:
        what = f"connection `{name}`"
        ends = [self._end(doc, doc.require(node, key, what), placed) for key in ("top", "bot")]
        thickness_node = doc.get(node, "thickness")
        thickness = doc.number(thickness_node, "the thickness") if thickness_node is not None else 0.0
        if thickness < 0 and thickness_node is not None:
            raise doc.problem(thickness_node, "E008", f"a connection's thickness cannot be negative, got {thickness:g}")
        return ImportedConnection(name, loc, ends[0], ends[1], thickness)

    def _end(self, doc: YamlFile, node: Node, placed: dict[str, ImportedElement]) -> tuple[str, str] | None:
        if doc.is_null(node):
            return None
        path = doc.text_of(node, "a region path")
        if path == "~":
            return None
        if "/" in path:
            raise doc.problem(node, "E010", f"`{path}` goes through a hierarchical chiplet, which is not read yet")
        inst, sep, region = path.partition(".regions.")
        if not sep:
            raise doc.problem(node, "E001", f"`{path}` is not a region path: write INSTANCE.regions.REGION, or ~")
        if inst not in placed:
            raise doc.problem(node, "E002", f"no chiplet instance `{inst}` in `{path}`" + did_you_mean(inst, placed))
        regions = [p.name for p in placed[inst].pads]
        if region not in regions:
            raise doc.problem(node, "E002", f"`{inst}` has no region `{region}`" + did_you_mean(region, regions))
        return inst, region


@dataclass(frozen=True)
class Placement:
    """A chiplet instance's bumps from their bump map's frame to the assembly's: on the database
    grid, moved by the chiplet's offset, turned by the orientation and moved to the instance's
    origin, as dbChipInst::setLoc and dbTransform place them (picklable: a tile's worker places
    the rows of its window as the whole read places every row)."""

    dbu: int
    offset: tuple[int, int]
    matrix: tuple[int, int, int, int]
    origin: tuple[int, int]

    def __call__(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b, c, d = self.matrix
        px = np.rint(x * self.dbu).astype(np.int64) + self.offset[0]
        py = np.rint(y * self.dbu).astype(np.int64) + self.offset[1]
        return (a * px + b * py + self.origin[0]) / self.dbu, (c * px + d * py + self.origin[1]) / self.dbu


def _dbu(value: float, dbu: int) -> int:
    return round(value * dbu)


def _defines(text: str) -> str:
    """`#!define NAME VALUE` lines, as OpenROAD's parser applies them: each later line has NAME
    replaced by VALUE. The define lines are blanked (not removed) so that line numbers stay true."""
    if "#!define" not in text:
        return text
    defines: dict[str, str] = {}
    out = []
    for line in text.split("\n"):
        if line.startswith("#!define"):
            key, _, value = line[len("#!define") :].strip().partition(" ")
            if key and value:
                defines[key.strip()] = value.strip()
            out.append("")
            continue
        for macro, replacement in defines.items():
            line = line.replace(macro, replacement)
        out.append(line)
    return "\n".join(out)


def read_stack(
    text: str, shown: str, folder: Path, loc: Location, read: ReadData, open_data: OpenData | None = None
) -> ImportedStack:
    """A 3DBlox design (its text already read) into an ImportedStack; raises ImportProblem. With
    `open_data` (`--tiles`) its bump maps are opened, not read: each region's pads carry their
    source, for the builder to read the rows of its window."""
    return StackReader(read, open_data).read_design(text, shown, folder, loc)


__all__ = ["ImportProblem", "ImportedStack", "ReadData", "orientation", "read_stack"]
