"""`assemblint graph` written straight from the netlist arrays: graphml, json and dot with no Python object per node.

Why a module of its own: the networkx graph (`Assembly.graph`, graph.py) holds a dict per node, and
networkx's writers add an XML element, or a dict, per node and per attribute on top of it. A design
of a million masses (three million nodes) took minutes and gigabytes to export that way. Here the
declarations' items are written as they are stored: consecutive declarations whose nodes carry the
same attributes form a run; what a run's nodes share is rendered to text once, and what differs
from declaration to declaration (a name, a line) or from item to item (index, position, electrical
node, a mass's diameter) becomes a column of strings, made by one `map` or one numpy take per
column. The columns are zipped with the shared text and joined, a chunk of nodes at a time.

The text is what `graph.export()` makes of the networkx graph, byte for byte: the same nodes in the
same order, the same attributes with the same keys and types (graphml's `<key>` ids and
`attr.type`s included), and the edges in the order networkx iterates them (`edge_arrays`).
tests/model/test_graph_export.py compares the two. gexf, whose networkx writer stamps the date,
still goes through networkx, and so does a design whose names are not all distinct (networkx
merges such nodes).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np

from assemblint.model.graph import (
    DOT_SHAPES,
    GRAPH_FORMATS,
    dot_quote,
    export,
    graph_attrs,
    lead_attrs,
    mass_attrs,
    pad_attrs,
    scalar_graph_attrs,
)

if TYPE_CHECKING:
    from assemblint.model.assembly import Assembly

FAST_FORMATS = ("graphml", "json", "dot")
CHUNK = 1 << 15  # nodes or edges per piece of text (about 12 MB of graphml)

# The edges' attributes, by code (edge_arrays): build_graph's four kinds of edge.
JOINS_A, JOINS_B, LEAD, CONNECT = range(4)
EDGE_ATTRS: tuple[dict[str, str], ...] = (
    {"kind": "joins", "side": "a"},
    {"kind": "joins", "side": "b"},
    {"kind": "lead"},
    {"kind": "connect"},
)
# The attributes each item has of its own, after those its declaration gives all its items (build_graph).
ITEM_ATTRS = {
    "pad": ("index", "x_um", "y_um", "node"),
    "mass": ("index", "node", "diameter_um"),
    "lead": ("index", "node"),
}
_SOURCE, _TARGET = "\x00source\x00", "\x00target\x00"  # where an edge's ends go in its template
# what some format escapes: all but printable ASCII, and & < > " \ (a name without is written as it is)
_SPECIAL = re.compile(r'[^\x20-\x7e]|[&<>"\\]').search


def graph_text(assembly: Assembly, fmt: str) -> Iterator[str]:
    """The graph of a built design in one of GRAPH_FORMATS, in pieces to write one after the other."""
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}")
    runs = _runs(assembly)
    if fmt not in FAST_FORMATS or not _distinct_names(runs):
        yield export(assembly.graph, fmt)
        return
    writer = {"graphml": _GraphML, "json": _Json, "dot": _Dot}[fmt](assembly, runs)
    yield from writer.text()


def edge_arrays(assembly: Assembly) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every edge of `Assembly.graph` as node ids (pads, then masses, then leads) and a code into
    EDGE_ATTRS, in the order `graph.edges()` gives them: by the end added to the graph first (the
    source), then in the order build_graph added the edges at that end. An edge added twice (a mass
    joining a pad to itself, a lead from a pad to that pad, a `connect` given twice) is one edge,
    with the attributes it was given last."""
    net = assembly.netlist
    assert net is not None
    p, m, n_leads = net.pad_count, net.mass_count, net.lead_count
    pad_a, pad_b = net.mass_pad_a, net.mass_pad_b
    self_joined = pad_b == pad_a
    mass_u = np.column_stack([pad_a, pad_b]).ravel()  # each mass's side-a edge, then its side-b edge
    mass_v = np.repeat(np.arange(p, p + m, dtype=np.int64), 2)
    mass_code = np.column_stack([np.where(self_joined, JOINS_B, JOINS_A), np.full(m, JOINS_B)]).ravel()
    mass_kept = np.column_stack([np.ones(m, dtype=bool), (pad_b >= 0) & ~self_joined]).ravel()
    to = np.where(net.lead_mass >= 0, net.lead_mass + p, net.lead_to_pad)  # each lead's start, then its end
    lead_u = np.column_stack([net.lead_pad, to]).ravel()
    lead_v = np.repeat(np.arange(p + m, p + m + n_leads, dtype=np.int64), 2)
    lead_kept = np.column_stack([np.ones(n_leads, dtype=bool), to != net.lead_pad]).ravel()
    low, high = np.minimum(net.connect_a, net.connect_b), np.maximum(net.connect_a, net.connect_b)
    _, first = np.unique(low * (p + 1) + high, return_index=True)
    first.sort()
    u = np.concatenate([mass_u[mass_kept], lead_u[lead_kept], low[first]]).astype(np.int64)
    v = np.concatenate([mass_v[mass_kept], lead_v[lead_kept], high[first]]).astype(np.int64)
    code = np.concatenate(
        [mass_code[mass_kept], np.full(int(lead_kept.sum()), LEAD), np.full(len(first), CONNECT)]
    ).astype(np.int64)
    order = np.argsort(u, kind="stable")  # listed in the order they were added: stable keeps it per source
    return u[order], v[order], code[order]


# ---------------------------------------------------------------------------------------------- runs
class _Index:
    """The `index` attribute: each item's index within its declaration."""


INDEX = _Index()


@dataclass
class _Run:
    """Consecutive declarations of one kind whose nodes carry the same attributes (keys and types)."""

    kind: str
    indexed: bool
    start: int  # node id of its first item
    signature: tuple[tuple[str, ...], tuple[type, ...]]  # the attributes its declarations give all their items
    prefixes: list[str] = field(default_factory=list)  # each declaration's name
    counts: list[int] = field(default_factory=list)  # and its number of items
    values: list[tuple[Any, ...]] = field(default_factory=list)  # and its attributes' values
    items: dict[str, Any] = field(default_factory=dict)  # per-item attributes: INDEX or an array over the run

    @cached_property
    def size(self) -> int:
        """Its items: nodes."""
        return sum(self.counts)

    def local_index(self) -> np.ndarray:
        """Each item's index within its declaration."""
        counts = np.asarray(self.counts, dtype=np.int64)
        return np.arange(self.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)


def _runs(assembly: Assembly) -> list[_Run]:
    net = assembly.netlist
    assert net is not None
    labels, represented = net.node_labels, assembly.represented
    p, m = net.pad_count, net.mass_count
    kinds: list[tuple[str, Iterable[Any], Callable[..., dict[str, Any]], int]] = [
        ("pad", assembly.pad_arrays, pad_attrs, 0),
        ("mass", assembly.mass_groups, mass_attrs, p),
        ("lead", assembly.lead_groups, lead_attrs, p + m),
    ]
    runs: list[_Run] = []
    for kind, declarations, attrs_of, offset in kinds:
        run: _Run | None = None
        for declaration in declarations:
            if declaration.count == 0:
                continue
            attrs = attrs_of(declaration, represented)
            signature = (tuple(attrs), tuple(map(type, attrs.values())))
            if run is None or run.signature != signature or run.indexed != declaration.indexed:
                run = _Run(kind, declaration.indexed, offset + declaration.start, signature)
                runs.append(run)
            run.prefixes.append(declaration.qualified_name if kind == "pad" else declaration.name)
            run.counts.append(declaration.count)
            run.values.append(tuple(attrs.values()))
    for run in runs:
        ids = slice(run.start, run.start + run.size)  # in the node numbering
        at = run.start - (0 if run.kind == "pad" else p if run.kind == "mass" else p + m)
        own = slice(at, at + run.size)  # in the pad, mass or lead numbering
        run.items["index"] = INDEX
        if run.kind == "pad":
            run.items["x_um"], run.items["y_um"] = net.pad_x[own], net.pad_y[own]
        run.items["node"] = labels[ids]
        if run.kind == "mass":
            run.items["diameter_um"] = net.mass_diameter[own]
    return runs


def _distinct_names(runs: list[_Run]) -> bool:
    """Whether every node has a name of its own (networkx would merge two nodes of one name)."""
    indexed: dict[str, int] = {}
    single: set[str] = set()
    for run in runs:
        for prefix, count in zip(run.prefixes, run.counts, strict=True):
            if not run.indexed and (count > 1 or prefix in single):
                return False
            if run.indexed and prefix in indexed:
                return False
            if run.indexed:
                indexed[prefix] = count
            else:
                single.add(prefix)
    for name in single:  # `a[3]` as a single name, beside an `a` with four items
        match = re.fullmatch(r"(.*)\[(0|[1-9][0-9]*)\]", name, re.DOTALL) if name.endswith("]") else None
        if match and int(match[2]) < indexed.get(match[1], 0):
            return False
    return True


# --------------------------------------------------------------------------------------------- writers
@dataclass
class _Slot:
    """A place in a record's template filled item by item: `source` is "index", a per-item attribute
    (a key of `_Run.items`), or a list of texts, one per declaration; an optional attribute's text,
    `pre` + value + `post`, is left out where the value is NaN."""

    source: Any
    pre: str = ""
    post: str = ""
    optional: bool = False


Piece: TypeAlias = str | _Slot


class _Writer:
    """What every format shares: the runs' attributes, folded and put in columns, and the chunks."""

    def __init__(self, assembly: Assembly, runs: list[_Run]):
        self.assembly = assembly
        self.runs = runs
        net = assembly.netlist
        assert net is not None
        self.node_total = net.pad_count + net.mass_count + net.lead_count
        self.graph = scalar_graph_attrs(graph_attrs(assembly))
        self.edges = edge_arrays(assembly)
        largest = max([max(run.counts) for run in runs] + [int(net.node_labels.max(initial=-1)) + 1, 1])
        self.digits = list(map(str, range(largest)))
        self.digit_array = np.array(self.digits, dtype=object)
        self.run_attrs = [self.attributes(run) for run in runs]

    # -- what each format says -----------------------------------------------------------------
    def constant(self, value: Any) -> str:
        """An attribute's value as this format writes it."""
        raise NotImplementedError

    def escape(self, name: str) -> str:
        """A node's name inside this format's quotes."""
        return name if not _SPECIAL(name) else self.escape_special(name)

    def escape_special(self, name: str) -> str:
        raise NotImplementedError

    def node_template(self, run: _Run, attrs: list[tuple[str, type, Piece | None]]) -> list[Piece]:
        raise NotImplementedError

    def edge_template(self, attrs: dict[str, str]) -> str:
        """An edge with these attributes from _SOURCE to _TARGET."""
        raise NotImplementedError

    # -- attributes ----------------------------------------------------------------------------
    def special_float(self, value: float) -> str:
        """inf or nan as this format writes them (str(), in graphml and dot)."""
        return str(value)

    def texts(self, values: Sequence[Any]) -> str | list[str]:
        """`constant()` of each of a run's declarations' values (all of one type): one text if they share it."""
        table = {value: self.constant(value) for value in dict.fromkeys(values)}  # each value once
        if isinstance(values[0], float) and 0.0 in table:  # 0.0 and -0.0 are one key, but two texts
            listed = [self.constant(value) for value in values]
            return listed[0] if len(set(listed)) == 1 else listed
        return next(iter(table.values())) if len(table) == 1 else list(map(table.__getitem__, values))

    def attributes(self, run: _Run) -> list[tuple[str, type, Piece | None]]:
        """A run's attributes in the graph's order: key, type, and the text every node has, a slot to
        fill node by node, or None where no node has it."""
        out: list[tuple[str, type, Piece | None]] = []
        keys, types = run.signature
        for key, value_type, values in zip(keys, types, zip(*run.values, strict=True), strict=True):
            texts = self.texts(values)
            out.append((key, value_type, texts if isinstance(texts, str) else _Slot(texts)))
        for key in ITEM_ATTRS[run.kind]:
            column = run.items[key]
            if column is INDEX:
                out.append((key, int, _Slot("index")))
                continue
            value_type = float if column.dtype.kind == "f" else int
            optional = key == "diameter_um"  # a mass's: left out where unknown (NaN)
            bits = column.view(np.int64) if value_type is float else column
            if (bits == bits[0]).all():  # one value for the whole run (0.0 and -0.0 differ, as their text does)
                value = value_type(column[0])
                out.append((key, value_type, None if optional and value != value else self.constant(value)))
            else:
                out.append((key, value_type, _Slot(key, optional=optional and bool(np.isnan(column).any()))))
        return out

    def name_pieces(self, run: _Run, before: str, after: str) -> list[Piece]:
        """The node's name, as a piece of text between `before` and `after`."""
        if not run.indexed:
            texts = [before + self.escape(prefix) + after for prefix in run.prefixes]
            return [texts[0] if len(texts) == 1 else _Slot(texts)]
        texts = [before + self.escape(prefix) + "[" for prefix in run.prefixes]
        return [texts[0] if len(texts) == 1 else _Slot(texts), _Slot("index"), "]" + after]

    # -- text ----------------------------------------------------------------------------------
    def node_chunks(self, run: _Run, template: list[Piece]) -> Iterator[str]:
        counts = np.asarray(run.counts, dtype=np.int64)
        local = run.local_index() if len(counts) > 1 else None
        per_item: dict[int, np.ndarray] = {}
        for start in range(0, run.size, CHUNK):
            stop = min(start + CHUNK, run.size)
            index = self.digits[start:stop] if local is None else self.digit_array[local[start:stop]].tolist()
            columns: list[Iterable[str]] = []
            for piece in template:
                if isinstance(piece, str):
                    columns.append(repeat(piece, stop - start))
                elif piece.source == "index":
                    columns.append(index)
                elif isinstance(piece.source, list):  # a text per declaration
                    if id(piece) not in per_item:
                        per_item[id(piece)] = np.repeat(np.array(piece.source, dtype=object), counts)
                    columns.append(per_item[id(piece)][start:stop].tolist())
                else:
                    columns.append(self.column_texts(run.items[piece.source][start:stop], piece))
            yield "".join(chain.from_iterable(zip(*columns, strict=True)))

    def column_texts(self, values: np.ndarray, slot: _Slot) -> list[str]:
        if values.dtype.kind != "f":
            return self.digit_array[values].tolist()
        text = float.__repr__ if np.isfinite(values[values == values]).all() else self.special_float
        if slot.optional:
            pre, post = slot.pre, slot.post
            return [pre + text(v) + post if v == v else "" for v in values.tolist()]
        return list(map(text, values.tolist()))

    def names(self) -> np.ndarray:
        """Every node's escaped name, by node id."""
        names = np.empty(self.node_total, dtype=object)
        for run in self.runs:
            if not run.indexed:
                names[run.start : run.start + run.size] = list(map(self.escape, run.prefixes))
                continue
            at = run.start
            for prefix, count in zip(run.prefixes, run.counts, strict=True):
                escaped = self.escape(prefix)
                names[at : at + count] = [f"{escaped}[{i}]" for i in self.digits[:count]]
                at += count
        return names

    def edge_chunks(self) -> Iterator[str]:
        u, v, code = self.edges
        if not len(u):
            return
        names = self.names()
        parts = []
        for attrs in EDGE_ATTRS:
            before, rest = self.edge_template(attrs).split(_SOURCE)
            between, after = rest.split(_TARGET)
            parts.append((before, between, after))
        befores, betweens, afters = (np.array(column, dtype=object) for column in zip(*parts, strict=True))
        for start in range(0, len(u), CHUNK):
            c = code[start : start + CHUNK]
            columns = (befores[c], names[u[start : start + CHUNK]], betweens[c], names[v[start : start + CHUNK]])
            yield "".join(chain.from_iterable(zip(*(col.tolist() for col in (*columns, afters[c])), strict=True)))

    def node_text(self) -> Iterator[str]:
        for run, attrs in zip(self.runs, self.run_attrs, strict=True):
            yield from self.node_chunks(run, _merged(self.node_template(run, attrs)))

    def text(self) -> Iterator[str]:
        raise NotImplementedError


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Adjacent texts as one."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        elif piece != "":
            out.append(piece)
    return out


def _listed(chunks: Iterator[str]) -> Iterator[str]:
    """Records that each begin with ",": the first one without."""
    first = True
    for chunk in chunks:
        yield chunk[1:] if first else chunk
        first = False


def _sorted_record(
    attrs: list[tuple[str, list[Piece] | Piece | None]], line: Callable[[str], str], separator: str
) -> list[Piece]:
    """Attributes sorted by key, `line(key)` before each value and `separator` between them (json, dot).
    An attribute some nodes lack carries its own separator, on the side of the first one every node has."""
    present = sorted((key, value) for key, value in attrs if value is not None)
    first = next(i for i, (_, value) in enumerate(present) if not (isinstance(value, _Slot) and value.optional))
    out: list[Piece] = []
    for i, (key, value) in enumerate(present):
        if isinstance(value, _Slot) and value.optional:
            value.pre = (separator if i > first else "") + line(key)
            value.post = separator if i < first else ""
            out.append(value)
            continue
        out += ([separator] if i > first else []) + [line(key)] + (value if isinstance(value, list) else [value])
    return out


# ------------------------------------------------------------------------------------------------ graphml
_GRAPHML_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_XML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}  # networkx's, for Python's types
# what `"\n".join(text.splitlines())` makes a line break (export joins networkx's lines so), in ASCII
_LINE_BREAK = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e]")


def _xml(text: str, attribute: bool) -> str:
    """As ElementTree writes text or an attribute's value in US-ASCII, then split into lines and joined."""
    if not _SPECIAL(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attribute:
        text = text.replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")
    return _LINE_BREAK.sub("\n", text.encode("ascii", "xmlcharrefreplace").decode("ascii"))


def _xml_type(value_type: type) -> str:
    if value_type in _XML_TYPES:
        return _XML_TYPES[value_type]
    from networkx.readwrite.graphml import GraphMLWriter  # numpy scalars and the like, as networkx names them

    return str(GraphMLWriter().get_xml_type(value_type))


class _GraphML(_Writer):
    """As `networkx.generate_graphml`: the keys, numbered in the order their attributes first appear
    (graph, nodes, edges) and listed last first; the graph's own data after its edges."""

    def __init__(self, assembly: Assembly, runs: list[_Run]):
        super().__init__(assembly, runs)
        self.keys: dict[tuple[str, str, str], str] = {}
        for key, value in self.graph.items():
            self.key(key, type(value), "graph")
        for attrs in self.run_attrs:
            for key, value_type, value in attrs:
                if value is not None:
                    self.key(key, value_type, "node")
        codes = set(self.edges[2].tolist())
        for code, edge_attrs in enumerate(EDGE_ATTRS):
            if code in codes:
                for key, text in edge_attrs.items():
                    self.key(key, type(text), "edge")

    def key(self, name: str, value_type: type, scope: str) -> str:
        return self.keys.setdefault((name, _xml_type(value_type), scope), f"d{len(self.keys)}")

    def constant(self, value: Any) -> str:
        return _xml(str(value), attribute=False)

    def escape_special(self, name: str) -> str:
        return _xml(name, attribute=True)

    def data(self, key: str, value_type: type, text: str, scope: str) -> str:
        keyid = self.key(key, value_type, scope)
        indent = "    " if scope == "graph" else "      "
        return f'{indent}<data key="{keyid}">{text}</data>\n' if text else f'{indent}<data key="{keyid}" />\n'

    def node_template(self, run: _Run, attrs: list[tuple[str, type, Piece | None]]) -> list[Piece]:
        out: list[Piece] = ['    <node id="', *self.name_pieces(run, "", ""), '">\n']
        for key, value_type, value in attrs:
            if isinstance(value, str):
                out.append(self.data(key, value_type, value, "node"))
            elif isinstance(value, _Slot) and isinstance(value.source, list):
                keyid = self.key(key, value_type, "node")
                full, empty = f'      <data key="{keyid}">{{}}</data>\n', f'      <data key="{keyid}" />\n'
                out.append(_Slot([full.format(text) if text else empty for text in value.source]))
            elif isinstance(value, _Slot):
                before, after = self.data(key, value_type, "\x00", "node").split("\x00")
                if value.optional:
                    value.pre, value.post = before, after
                    out.append(value)
                else:
                    out += [before, value, after]
        return [*out, "    </node>\n"]

    def edge_template(self, attrs: dict[str, str]) -> str:
        lines = "".join(self.data(k, type(v), self.constant(v), "edge") for k, v in attrs.items())
        return f'    <edge source="{_SOURCE}" target="{_TARGET}">\n{lines}    </edge>\n'

    def text(self) -> Iterator[str]:
        keys = "".join(
            f'  <key id="{keyid}" for="{scope}" attr.name="{_xml(name, attribute=True)}" attr.type="{xml_type}" />\n'
            for (name, xml_type, scope), keyid in reversed(self.keys.items())
        )
        yield _GRAPHML_HEAD + keys + '  <graph edgedefault="undirected">\n'
        yield from self.node_text()
        yield from self.edge_chunks()
        data = "".join(self.data(k, type(v), self.constant(v), "graph") for k, v in self.graph.items())
        yield data + "  </graph>\n</graphml>\n"


# --------------------------------------------------------------------------------------------------- json
class _Json(_Writer):
    """As `json.dumps(nx.node_link_data(graph, edges="edges"), indent=1, sort_keys=True)`."""

    def constant(self, value: Any) -> str:
        if type(value) is str and not _SPECIAL(value):
            return f'"{value}"'
        return int.__repr__(value) if type(value) is int else json.dumps(value)

    def escape_special(self, name: str) -> str:
        return json.dumps(name)[1:-1]

    def special_float(self, value: float) -> str:
        return json.dumps(value)  # Infinity, NaN

    def node_template(self, run: _Run, attrs: list[tuple[str, type, Piece | None]]) -> list[Piece]:
        fields: list[tuple[str, list[Piece] | Piece | None]] = [(key, value) for key, _, value in attrs]
        fields.append(("id", self.name_pieces(run, '"', '"')))
        return [",\n  {\n", *_sorted_record(fields, lambda key: f"   {json.dumps(key)}: ", ",\n"), "\n  }"]

    def edge_template(self, attrs: dict[str, str]) -> str:
        ends = {"source": f'"{_SOURCE}"', "target": f'"{_TARGET}"'}
        fields = sorted([(k, json.dumps(v)) for k, v in attrs.items()] + list(ends.items()))
        return ",\n  {\n" + ",\n".join(f"   {json.dumps(k)}: {v}" for k, v in fields) + "\n  }"

    def text(self) -> Iterator[str]:
        yield '{\n "directed": false,\n "edges": ['
        if len(self.edges[0]):
            yield from _listed(self.edge_chunks())
            yield "\n ]"
        else:
            yield "]"
        graph = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(self.graph.items()))
        yield f',\n "graph": {{\n{graph}\n }},\n "multigraph": false,\n "nodes": ['
        if self.node_total:
            yield from _listed(self.node_text())
            yield "\n ]"
        else:
            yield "]"
        yield "\n}\n"


# ---------------------------------------------------------------------------------------------------- dot
class _Dot(_Writer):
    """As graph.py's `_dot`: a node's attributes sorted, each as a quoted string."""

    def constant(self, value: Any) -> str:
        return dot_quote(str(value))

    def escape_special(self, name: str) -> str:
        return dot_quote(name)[1:-1]

    def node_template(self, run: _Run, attrs: list[tuple[str, type, Piece | None]]) -> list[Piece]:
        fields: list[tuple[str, list[Piece] | Piece | None]] = []
        for key, _, value in attrs:
            if isinstance(value, _Slot) and not isinstance(value.source, list) and not value.optional:
                fields.append((key, ['"', value, '"']))  # a number: nothing to escape
            else:
                fields.append((key, value))
        line = _sorted_record(fields, lambda key: f"{key}=", ", ")
        for piece in line:  # an optional number is quoted inside its own text
            if isinstance(piece, _Slot) and piece.optional:
                piece.pre, piece.post = piece.pre + '"', '"' + piece.post
        shape = DOT_SHAPES.get(run.kind, "ellipse")
        return ["  ", *self.name_pieces(run, '"', '"'), f" [shape={shape}, ", *line, "];\n"]

    def edge_template(self, attrs: dict[str, str]) -> str:
        return f'  "{_SOURCE}" -- "{_TARGET}" [kind={dot_quote(attrs.get("kind", ""))}];\n'

    def text(self) -> Iterator[str]:
        yield f"graph {dot_quote(str(self.graph.get('name', 'assembly')))} {{\n"
        yield from self.node_text()
        yield from self.edge_chunks()
        yield "}\n"
