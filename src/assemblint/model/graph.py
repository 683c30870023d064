"""The networkx netlist graph and its export formats (graphml, gexf, json, dot).

Built from the netlist arrays on first use (`Assembly.graph`), so designs that no rule or export
needs as a graph never pay for one Python object per pad. Node and edge attributes are listed in
docs/graph.md; attributes are scalars so every format can carry them.
"""

from __future__ import annotations

import io
import json
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from assemblint.model.assembly import Assembly

GRAPH_FORMATS = ("graphml", "gexf", "json", "dot")


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


def build_graph(assembly: Assembly) -> nx.Graph:
    """Nodes: every pad, mass and lead, keyed by its name; edges: joins, leads and connects."""
    import networkx as nx  # imported on first use: ~0.2 s

    net = assembly.netlist
    assert net is not None
    graph: nx.Graph[str] = nx.Graph(name=assembly.title or assembly.path)
    represented = assembly.represented
    if represented:  # placed-cell representatives: a node stands for one object in each of these instances
        graph.graph["represented"] = {k: list(v) for k, v in represented.items()}
    labels = net.node_labels
    pads = pad_names(assembly)
    masses = mass_names(assembly)
    leads = lead_names(assembly)
    for array in assembly.pad_arrays:
        base = {
            "kind": "pad",
            "element": array.element.name,
            "array": array.qualified_name,
            "face": array.face,
            "file": array.loc.path,
            "line": array.loc.line,
        }
        if array.diameter is not None:
            base["diameter_um"] = array.diameter
        _weigh(base, represented, array.qualified_name)
        for i in range(array.count):
            gid = array.start + i
            graph.add_node(
                pads[gid], **base, index=i, x_um=float(array.x[i]), y_um=float(array.y[i]), node=int(labels[gid])
            )
    p = net.pad_count
    for group in assembly.mass_groups:
        base = {
            "kind": "mass",
            "group": group.name,
            "material": "+".join(m.name for m in group.materials),
            "file": group.loc.path,
            "line": group.loc.line,
        }
        if group.height is not None:
            base["height_um"] = group.height
        _weigh(base, represented, group.name)
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
        base = {
            "kind": "lead",
            "group": lead_group.name,
            "lead_shape": lead_group.shape or "",
            "material": lead_group.material.name if lead_group.material else "",
            "file": lead_group.loc.path,
            "line": lead_group.loc.line,
        }
        _weigh(base, represented, lead_group.name)
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


def _weigh(attrs: dict, represented, name: str) -> None:
    """`instances`: how many placed instances a representative's node stands for (absent when one)."""
    weight = represented.weight(name)
    if weight > 1:
        attrs["instances"] = weight


def export(graph: nx.Graph, fmt: str) -> str:
    """The graph as text in one of GRAPH_FORMATS."""
    import networkx as nx

    if "represented" in graph.graph:  # graph attributes must be scalars in graphml and gexf
        graph = graph.copy()
        graph.graph["represented"] = json.dumps(graph.graph["represented"], sort_keys=True)

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
    shapes = {"pad": "box", "mass": "circle", "lead": "diamond"}
    out = io.StringIO()
    out.write(f"graph {_quote(str(graph.graph.get('name', 'assembly')))} {{\n")
    for node, attrs in graph.nodes(data=True):
        extra = ", ".join(f"{k}={_quote(str(v))}" for k, v in sorted(attrs.items()))
        out.write(f"  {_quote(node)} [shape={shapes.get(attrs.get('kind', ''), 'ellipse')}, {extra}];\n")
    for a, b, attrs in graph.edges(data=True):
        out.write(f"  {_quote(a)} -- {_quote(b)} [kind={_quote(attrs.get('kind', ''))}];\n")
    out.write("}\n")
    return out.getvalue()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
