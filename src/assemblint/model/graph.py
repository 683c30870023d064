"""The networkx netlist graph and its export formats (graphml, gexf, json, dot).

Built from the netlist arrays on first use (`Assembly.graph`), so designs that no rule or export
needs as a graph never pay for one Python object per pad. Node and edge attributes are listed in
docs/graph.md; attributes are scalars so every format can carry them. The attributes a
declaration gives all its items (`pad_attrs`, `mass_attrs`, `lead_attrs`) are defined here once,
for this graph and for `assemblint graph`, which writes the same text as `export()` straight from
the arrays (graph_export.py).
"""

from __future__ import annotations

import io
import json
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from assemblint.model.assembly import Assembly, LeadGroup, MassGroup, PadArray
    from assemblint.model.hierarchy import Represented

GRAPH_FORMATS = ("graphml", "gexf", "json", "dot")
DOT_SHAPES = {"pad": "box", "mass": "circle", "lead": "diamond"}  # by the node's `kind`


def pad_names(assembly: Assembly) -> list[str]:
    names: list[str] = []
    for array in assembly.pad_arrays:
        names.extend(array.item_name(i) for i in range(array.count))
    return names


def mass_names(assembly: Assembly) -> list[str]:
    names: list[str] = []
    for group in assembly.mass_groups:
        names.extend(group.item_name(i) for i in range(group.count))
    return names


def lead_names(assembly: Assembly) -> list[str]:
    names: list[str] = []
    for group in assembly.lead_groups:
        names.extend(group.item_name(i) for i in range(group.count))
    return names


def graph_attrs(assembly: Assembly) -> dict[str, Any]:
    """The graph's own attributes: `name`, and `represented` for placed-cell representatives."""
    attrs: dict[str, Any] = {"name": assembly.title or assembly.path}
    if assembly.represented:  # placed-cell representatives: a node stands for one object in each of these instances
        attrs["represented"] = {k: list(v) for k, v in assembly.represented.items()}
    return attrs


def pad_attrs(array: PadArray, represented: Represented) -> dict[str, Any]:
    """The attributes every pad of a declaration shares, in the order the graph holds them; each pad
    then has `index`, `x_um`, `y_um` and `node` (build_graph)."""
    attrs: dict[str, Any] = {
        "kind": "pad",
        "element": array.element.name,
        "array": array.qualified_name,
        "face": array.face,
        "file": array.loc.path,
        "line": array.loc.line,
    }
    if array.diameter is not None:
        attrs["diameter_um"] = array.diameter
    _weigh(attrs, represented, array.qualified_name)
    return attrs


def mass_attrs(group: MassGroup, represented: Represented) -> dict[str, Any]:
    """The attributes every mass of a declaration shares; each mass then has `index`, `node` and,
    when known, `diameter_um`."""
    attrs: dict[str, Any] = {
        "kind": "mass",
        "group": group.name,
        "material": "+".join(m.name for m in group.materials),
        "file": group.loc.path,
        "line": group.loc.line,
    }
    if group.height is not None:
        attrs["height_um"] = group.height
    _weigh(attrs, represented, group.name)
    return attrs


def lead_attrs(group: LeadGroup, represented: Represented) -> dict[str, Any]:
    """The attributes every lead of a declaration shares; each lead then has `index` and `node`."""
    attrs: dict[str, Any] = {
        "kind": "lead",
        "group": group.name,
        "lead_shape": group.shape or "",
        "material": group.material.name if group.material else "",
        "file": group.loc.path,
        "line": group.loc.line,
    }
    _weigh(attrs, represented, group.name)
    return attrs


def build_graph(assembly: Assembly) -> nx.Graph:
    """Nodes: every pad, mass and lead, keyed by its name; edges: joins, leads and connects."""
    import networkx as nx  # imported on first use: ~0.2 s

    net = assembly.netlist
    assert net is not None
    graph: nx.Graph[str] = nx.Graph(**graph_attrs(assembly))
    represented = assembly.represented
    labels = net.node_labels
    pads = pad_names(assembly)
    masses = mass_names(assembly)
    leads = lead_names(assembly)
    for array in assembly.pad_arrays:
        base = pad_attrs(array, represented)
        for i in range(array.count):
            gid = array.start + i
            graph.add_node(
                pads[gid], **base, index=i, x_um=float(array.x[i]), y_um=float(array.y[i]), node=int(labels[gid])
            )
    p = net.pad_count
    for group in assembly.mass_groups:
        base = mass_attrs(group, represented)
        for i in range(group.count):
            gid = group.start + i
            attrs = dict(base, index=i, node=int(labels[p + gid]))
            diameter = float(group.diameter[i])
            if not math.isnan(diameter):
                attrs["diameter_um"] = diameter
            graph.add_node(masses[gid], **attrs)
            graph.add_edge(masses[gid], pads[int(group.pads_a[i])], kind="joins", side="a")
            if group.pads_b is not None:
                graph.add_edge(masses[gid], pads[int(group.pads_b[i])], kind="joins", side="b")
    m = net.mass_count
    for lead_group in assembly.lead_groups:
        base = lead_attrs(lead_group, represented)
        for i in range(lead_group.count):
            gid = lead_group.start + i
            graph.add_node(leads[gid], **base, index=i, node=int(labels[p + m + gid]))
            graph.add_edge(leads[gid], pads[int(lead_group.from_pads[i])], kind="lead")
            if lead_group.to_masses[i] >= 0:
                graph.add_edge(leads[gid], masses[int(lead_group.to_masses[i])], kind="lead")
            else:
                graph.add_edge(leads[gid], pads[int(lead_group.to_pads[i])], kind="lead")
    for a_ids, b_ids, _loc in assembly.connects:
        for a, b in zip(a_ids.tolist(), b_ids.tolist(), strict=True):
            graph.add_edge(pads[a], pads[b], kind="connect")
    return graph


def _weigh(attrs: dict[str, Any], represented: Represented, name: str) -> None:
    """`instances`: how many placed instances a representative's node stands for (absent when one)."""
    weight = represented.weight(name)
    if weight > 1:
        attrs["instances"] = weight


def scalar_graph_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """The graph's attributes as every export writes them: `represented` as a JSON string."""
    if "represented" not in attrs:
        return attrs
    return dict(attrs, represented=json.dumps(attrs["represented"], sort_keys=True))


def export(graph: nx.Graph, fmt: str) -> str:
    """The graph as text in one of GRAPH_FORMATS."""
    import networkx as nx

    if "represented" in graph.graph:  # graph attributes must be scalars in graphml and gexf
        graph = graph.copy()
        graph.graph.update(scalar_graph_attrs(graph.graph))

    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph)) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(graph)) + "\n"
    if fmt == "json":
        return json.dumps(nx.node_link_data(graph, edges="edges"), indent=1, sort_keys=True) + "\n"
    if fmt == "dot":
        return _dot(graph)
    raise ValueError(f"unknown graph format {fmt!r}")


def _dot(graph: nx.Graph) -> str:
    """Graphviz DOT, written directly (pydot/pygraphviz would be a heavy dependency for this)."""
    out = io.StringIO()
    out.write(f"graph {dot_quote(str(graph.graph.get('name', 'assembly')))} {{\n")
    for node, attrs in graph.nodes(data=True):
        extra = ", ".join(f"{k}={dot_quote(str(v))}" for k, v in sorted(attrs.items()))
        out.write(f"  {dot_quote(node)} [shape={DOT_SHAPES.get(attrs.get('kind', ''), 'ellipse')}, {extra}];\n")
    for a, b, attrs in graph.edges(data=True):
        out.write(f"  {dot_quote(a)} -- {dot_quote(b)} [kind={dot_quote(attrs.get('kind', ''))}];\n")
    out.write("}\n")
    return out.getvalue()


def dot_quote(text: str) -> str:
    """A DOT string: in double quotes, with backslashes and double quotes escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
