"""`assemblint graph` from the arrays (model/graph_export.py) against networkx's writers (graph.export).

For every design here, the graphml written from the arrays, read back with networkx, is the graph
that networkx's own graphml gives read back the same way: the same nodes in the same order, the
same edges in the same order, every attribute with its value and type. The same holds for json
through `nx.node_link_graph`, and the texts themselves are equal, dot's included.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

import assemblint
from assemblint.cli import main
from assemblint.model import graph_export
from assemblint.model.graph import build_graph, export
from assemblint.model.graph_export import FAST_FORMATS, edge_arrays, graph_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.assy") if not p.name.startswith("broken-"))
BLOX = ROOT / "tests" / "data" / "openroad_3dblox"

# Every kind of node and edge, and the edges networkx merges: a mass joining a pad to itself, a
# lead from a pad to that pad, a `connect` given twice and the other way round, a pad connected to
# itself. A title that graphml, json and dot must each escape, and non-ASCII text.
EDGES = """assembly "A & B <c> \\"quoted\\" — ünïcode ∑"
use std
element die : chip {
    body silicon
    pads c grid 1 x 3 pitch 400 um diameter 100 um
    pads n grid 1 x 2 pitch 400 um
    pad g at (0 mm, 1 mm)
    pad z at (-0 mm, 0.5 mm)
    connect c[0] -- c[1]
    connect c[1] -- c[0]
    connect c[0] -- c[1]
    connect c[2] -- c[2]
}
element sub : substrate {
    body AlN
    pads p grid 1 x 3 pitch 400 um diameter 120 um
    pads t grid 1 x 2 pitch 400 um face back
    pads q grid 1 x 2 pitch 400 um
    connect p[0:2] -- t[*]
    pad g at (0 mm, 1 mm) diameter 150 um
}
masses m : SAC305 { joins die.c[*] -- sub.p[*]; height 60 um }
masses self : SAC305 { joins die.c[0:2] -- die.c[0:2] }
masses dry : SAC305 { joins die.n[*] -- sub.q[*] }
masses dep : SAC305 { joins sub.t[*] }
mass bump : SAC305 { joins sub.g }
lead w : gold { from die.g to bump; shape wire }
lead v : gold { from die.g to die.z }
lead loop : copper { from die.z to die.z; shape s }
"""

# Placed cells: the representatives' nodes carry `instances`, the graph `represented`.
CELLS = """assembly "Cells"
use std
cell Unit {
    element chip : chip { body silicon; pads c grid 2 x 3 pitch 100 um diameter 60 um }
    element sheet : substrate {
        body fr4
        pads p grid 2 x 3 pitch 100 um diameter 60 um
        pads t grid 1 x 2 pitch 1 mm diameter 200 um face back
        connect p[0:2] -- t[*]
    }
    masses m : SAC305 { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 15 um }
}
place units : Unit grid 3 x 4 pitch 5 mm
element board : circuit_board { body fr4; pads q grid 1 x 2 pitch 1 mm diameter 250 um }
masses tb : Sn42Bi58 { joins units[5].sheet.t[*] -- board.q[*]; diameter 220 um; height 50 um }
leads l : copper { from units[7].chip.c[0:2] to board.q[*]; shape s }
"""

# A CAD export: a declaration per pad and per mass, so one run of many declarations per kind.
EXPLICIT = (
    "use std\nelement die : chip {\n    body silicon\n"
    + "".join(f"    pad c{i} at ({i * 200} um, {-i * 100} um) diameter 100 um\n" for i in range(7))
    + "}\nelement sub : interposer {\n    body silicon\n"
    + "".join(f"    pad p{i} at ({i * 200} um, {-i * 100} um)\n" for i in range(7))
    + "}\n"
    + "".join(f"mass m{i} : SAC305 {{ joins die.c{i} -- sub.p{i}; height 80 um }}\n" for i in range(7))
    + "masses grid : SAC305 { joins die.c0 -- sub.p0 }\n"
)

PADS_ONLY = "use std\nelement die : chip { body silicon; pads c grid 1 x 3 pitch 1 mm }\n"
NOTHING = 'assembly "empty"\nuse std\n'


def networkx_text(design: assemblint.Assembly, fmt: str) -> str:
    return export(build_graph(design), fmt)


def fast_text(design: assemblint.Assembly, fmt: str) -> str:
    return "".join(graph_text(design, fmt))


def assert_same_graph(got: nx.Graph, want: nx.Graph) -> None:
    assert got.graph == want.graph
    assert list(got.nodes(data=True)) == list(want.nodes(data=True))
    assert list(got.edges(data=True)) == list(want.edges(data=True))
    for node, attrs in got.nodes(data=True):  # the types too: 1 is not 1.0, in python nor in graphml
        assert {k: type(v) for k, v in attrs.items()} == {k: type(v) for k, v in want.nodes[node].items()}


READERS: dict[str, Callable[[str], nx.Graph]] = {
    "graphml": nx.parse_graphml,
    "json": lambda text: nx.node_link_graph(json.loads(text), edges="edges"),
}


def assert_exports_equal(design: assemblint.Assembly) -> None:
    graph = build_graph(design)
    got = {fmt: fast_text(design, fmt) for fmt in FAST_FORMATS}
    want = {fmt: export(graph, fmt) for fmt in FAST_FORMATS}
    for fmt, read in READERS.items():
        # the same text reads back as the same graph: read both (seconds for interposer-2p5d's 13 MB
        # of graphml) only where the texts differ, to say how the graphs do before the bytes are compared
        if got[fmt] != want[fmt]:
            assert_same_graph(read(got[fmt]), read(want[fmt]))
    for fmt in FAST_FORMATS:  # and byte for byte
        assert got[fmt] == want[fmt], fmt


def in_folder(tmp_path: Path, text: str, folder: str = "designs") -> assemblint.Assembly:
    path = tmp_path / folder / "d.assy"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return assemblint.load(path)


def stack_with_names(tmp_path: Path, chip: str, bond: str) -> Path:
    """OpenROAD's 3dic_cross stack with its first chiplet instance and first connection renamed:
    3DBlox names are YAML keys, so they may hold what no `.assy` name can."""
    for source in BLOX.glob("3dic_cross*"):
        shutil.copy(source, tmp_path / source.name)
    path = tmp_path / "3dic_cross.3dbx"
    text = path.read_text(encoding="utf-8").replace("bond_a_to_b:", f"{json.dumps(bond)}:")
    text = text.replace("  chipA:", f"  {json.dumps(chip)}:").replace("chipA.regions", chip + ".regions")
    text = text.replace(f"bot: {chip}.regions.front_reg", f"bot: {json.dumps(chip + '.regions.front_reg')}")
    text = text.replace(f"top: {chip}.regions.front_reg", f"top: {json.dumps(chip + '.regions.front_reg')}")
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------ the designs
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_exports_as_networkx_does(example: Path) -> None:
    assert_exports_equal(assemblint.load(example))


@pytest.mark.parametrize(
    "text", [EDGES, CELLS, EXPLICIT, PADS_ONLY, NOTHING], ids=["edges", "cells", "explicit", "pads-only", "nothing"]
)
def test_designs_export_as_networkx_does(tmp_path: Path, text: str) -> None:
    assert_exports_equal(in_folder(tmp_path, text))


def test_a_path_to_escape_and_unicode_everywhere(tmp_path: Path) -> None:
    design = in_folder(tmp_path, EDGES, 'we & <ird> "q" \\ é\t∑')
    assert '"q"' in design.path and design.title and "&" in design.title
    assert_exports_equal(design)
    graphml = fast_text(design, "graphml")
    assert "we &amp; &lt;ird&gt;" in graphml and "&#233;" in graphml and graphml.isascii()
    assert fast_text(design, "json").isascii()  # json's \\u escapes, as json.dumps writes them


def test_names_to_escape_from_a_3dblox_stack(tmp_path: Path) -> None:
    design = assemblint.load(stack_with_names(tmp_path, 'chip&<A>"é\\', 'bond "a" & <b> ∑'))
    assert 'chip&<A>"é\\' in [e.name for e in design.elements]
    assert 'bond "a" & <b> ∑' in [g.name for g in design.mass_groups]
    assert_exports_equal(design)
    graph = nx.parse_graphml(fast_text(design, "graphml"))
    assert 'chip&<A>"é\\.front_reg[0]' in graph and 'bond "a" & <b> ∑[0]' in graph


def test_names_two_objects_share_go_through_networkx(tmp_path: Path) -> None:
    # a connection named as a region's pads: networkx merges the two nodes of each name, and so does the export
    design = assemblint.load(stack_with_names(tmp_path, "chipA", "chipB.front_reg"))
    net = design.netlist
    assert net is not None and design.graph.number_of_nodes() < net.pad_count + net.mass_count
    for fmt in FAST_FORMATS:
        assert fast_text(design, fmt) == networkx_text(design, fmt)


def test_masses_of_unknown_diameter_beside_known_ones(tmp_path: Path) -> None:
    (tmp_path / "bumps.csv").write_text("pin,x,y,d\nA1,0,0,100\nA2,200,0,\nA3,400,0,80\nA4,600,0,\n", encoding="utf-8")
    text = """use std
element die : chip { body silicon; pads c from "bumps.csv" columns (name pin, x x, y y, diameter d) unit um }
element sub : substrate { body AlN; pads p grid 1 x 4 pitch 200 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*] }
"""
    (tmp_path / "d.assy").write_text(text, encoding="utf-8")
    design = assemblint.load(tmp_path / "d.assy")
    assert_exports_equal(design)
    graph = nx.parse_graphml(fast_text(design, "graphml"))
    assert [graph.nodes[f"m[{i}]"].get("diameter_um") for i in range(4)] == [100.0, None, 80.0, None]


@pytest.mark.parametrize("text", [EDGES, CELLS, EXPLICIT], ids=["edges", "cells", "explicit"])
def test_chunks_cut_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    design = in_folder(tmp_path, text)
    want = {fmt: fast_text(design, fmt) for fmt in FAST_FORMATS}
    monkeypatch.setattr(graph_export, "CHUNK", 3)
    for fmt in FAST_FORMATS:
        assert len(list(graph_text(design, fmt))) > 4
        assert fast_text(design, fmt) == want[fmt] == networkx_text(design, fmt)


def test_placed_cells_keep_represented_and_instances(tmp_path: Path) -> None:
    design = in_folder(tmp_path, CELLS)
    assert design.represented
    data = json.loads(fast_text(design, "json"))
    assert json.loads(data["graph"]["represented"]) == {k: list(v) for k, v in design.represented.items()}
    counts = {node["instances"] for node in data["nodes"] if "instances" in node}
    assert counts and max(counts) > 1


def test_edge_arrays_list_the_edges_as_networkx_iterates_them(tmp_path: Path) -> None:
    for text in (EDGES, CELLS, EXPLICIT):
        design = in_folder(tmp_path, text)
        graph = build_graph(design)
        names = list(graph)  # every name is a node of its own here: node order is id order
        u, v, code = edge_arrays(design)
        got = [(names[a], names[b], graph_export.EDGE_ATTRS[c]) for a, b, c in zip(u, v, code, strict=True)]
        assert got == list(graph.edges(data=True))


# ------------------------------------------------------------------------------------------ the command
@pytest.mark.parametrize("fmt", ["graphml", "json", "dot", "gexf"])
def test_the_command_writes_the_same_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = in_folder(tmp_path, EDGES)
    monkeypatch.setattr(graph_export, "CHUNK", 5)  # standard output gets many pieces
    assert main(["graph", design.path, "--format", fmt]) == 0
    streamed = capsys.readouterr().out
    out = tmp_path / f"g.{fmt}"
    assert main(["graph", design.path, "--format", fmt, "-o", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    if fmt == "gexf":  # still networkx's writer, whose <meta> has the date: compare the graphs
        want = tmp_path / "want.gexf"
        want.write_text(networkx_text(design, fmt), encoding="utf-8")
        assert streamed.startswith("<gexf") and written.startswith("<gexf")
        assert_same_graph(nx.read_gexf(out), nx.read_gexf(want))
        return
    assert streamed == written == networkx_text(design, fmt)
    read: Callable[[str], nx.Graph] | None = {
        "graphml": nx.parse_graphml,
        "json": lambda text: nx.node_link_graph(json.loads(text), edges="edges"),
    }.get(fmt)
    if read is not None:
        assert_same_graph(read(written), read(networkx_text(design, fmt)))


def test_the_export_is_the_graph_plugins_read(tmp_path: Path) -> None:
    design = in_folder(tmp_path, CELLS)
    assert nx.is_frozen(design.graph)  # Assembly.graph: built on first use, frozen, as before
    for fmt in FAST_FORMATS:
        assert fast_text(design, fmt) == export(design.graph, fmt)
