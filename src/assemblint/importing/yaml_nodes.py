"""YAML read as nodes that keep their line and column, so that an error in a 3DBlox file (a region
without coordinates, an unknown reference) points at the place in the file, as an `.assy` error does.

PyYAML composes the node tree (with libyaml's C parser where it is installed: `CSafeLoader`); this
module reads scalars from it with YAML 1.1's plain resolution (what `yaml.safe_load` gives), and
never constructs arbitrary objects: only mappings, sequences and scalars exist here.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

from assemblint.base.diagnostics import Location, did_you_mean
from assemblint.importing.problems import ImportProblem, problem_at

try:  # libyaml's parser, several times faster; PyYAML's own where the wheel was built without it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Node = yaml.Node


class YamlFile:
    """One YAML file: its text (for quoting), its shown path, and its node tree."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
            what = error.problem or error.context or "not YAML"
            raise problem_at(path, text, "E001", f"this is not valid YAML: {what}", line, column) from None
        except yaml.YAMLError as error:
            raise problem_at(path, text, "E001", f"this is not valid YAML: {error}", 1, 1) from None
        self.root = root if root is not None else yaml.MappingNode("tag:yaml.org,2002:map", [])
        if not isinstance(self.root, yaml.MappingNode):
            raise self.problem(self.root, "E001", "a 3DBlox file is a YAML mapping of sections (Header, ChipletDef, …)")
        self._no_key_twice(self.root)

    def _no_key_twice(self, root: Node) -> None:
        """A key given twice in any mapping is E004 at the second: YAML would keep one silently."""
        stack: list[tuple[Node, str]] = [(root, "")]
        seen_nodes: set[int] = set()  # an alias is the node it names: each node once (a YAML bomb, a cycle)
        while stack:
            node, where = stack.pop()
            if id(node) in seen_nodes:
                continue
            seen_nodes.add(id(node))
            if isinstance(node, yaml.MappingNode):
                seen: set[str] = set()
                for key_node, value_node in node.value:
                    key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
                    if key in seen:
                        raise self.problem(key_node, "E004", f"`{key}` is given twice in {where or 'the file'}")
                    seen.add(key)
                    stack.append((value_node, f"{where}.{key}" if where else key))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend((item, where) for item in node.value)

    def loc(self, node: Node) -> Location:
        start, end = node.start_mark, node.end_mark
        same_line = end.line == start.line and end.column > start.column
        return Location(
            self.path,
            start.line + 1,
            start.column + 1,
            start.line + 1,
            (end.column if same_line else start.column + 1) + 1,
        )

    def problem(self, node: Node, code: str, message: str) -> ImportProblem:
        loc = self.loc(node)
        width = (loc.end_column or loc.column + 1) - loc.column
        return problem_at(self.path, self.text, code, message, loc.line, loc.column, width)

    def entries(self, node: Node | None, what: str) -> Iterator[tuple[str, Node, Node]]:
        """(key, key node, value node) of a mapping, in file order; a key given twice is E004."""
        if node is None:
            return
        if not isinstance(node, yaml.MappingNode):
            raise self.problem(node, "E001", f"{what} is a mapping (`name: value` lines)")
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = self.text_of(key_node, f"a key of {what}")
            if key in seen:
                raise self.problem(key_node, "E004", f"`{key}` is given twice in {what}")
            seen.add(key)
            yield key, key_node, value_node

    def get(self, node: Node, key: str) -> Node | None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                    return value_node
        return None

    def require(self, node: Node, key: str, what: str, known: tuple[str, ...] = ()) -> Node:
        value = self.get(node, key)
        if value is None:
            hint = (
                did_you_mean(key, [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]) if known else ""
            )
            raise self.problem(node, "E008", f"{what} has no `{key}`{hint}")
        return value

    def text_of(self, node: Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.problem(node, "E001", f"{what} is a single value, not a list or a mapping")
        return str(node.value)

    def is_null(self, node: Node) -> bool:
        return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")

    def number(self, node: Node, what: str) -> float:
        text = self.text_of(node, what)
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            raise self.problem(node, "E001", f"{what} is a number, got `{text}`") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise self.problem(node, "E008", f"{what} must be a finite number, got `{text}`")
        return value

    def numbers(self, node: Node, what: str, count: int) -> list[float]:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != count:
            raise self.problem(node, "E008", f"{what} is a list of {count} numbers ([{', '.join('…' * count)}])")
        return [self.number(item, what) for item in node.value]

    def strings(self, node: Node, what: str) -> list[tuple[str, Node]]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        return [(self.text_of(item, what), item) for item in items]
