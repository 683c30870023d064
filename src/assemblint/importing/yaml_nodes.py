"""YAML read as nodes that keep their line and column, so that an error in a 3DBlox file (a region
without coordinates, an unknown reference) points at the place in the file, as an `.assy` error does.

PyYAML composes the node tree (with libyaml's C parser where it is installed: `CSafeLoader`); this
module reads scalars from it with YAML 1.1's plain resolution (what `yaml.safe_load` gives), and
never constructs arbitrary objects: only mappings, sequences and scalars exist here.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

import yaml

from assemblint.base.diagnostics import SOURCES, Location, did_you_mean
from assemblint.importing.problems import ImportProblem, problem_at

try:  # libyaml's parser, several times faster; PyYAML's own where the wheel was built without it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Node = yaml.Node


MAX_LENGTH = 1e9  # µm: what the language allows for a coordinate (language/values.py MAX_COORDINATE), 1 km
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # YAML allows tab, LF and CR of the C0 set only


class YamlFile:
    """One YAML file: its text as written (for quoting), its shown path, and its node tree.

    `parsed` is the text YAML reads when it differs from what the file holds (3DBlox's `#!define`
    lines blanked and applied, line for line). Every position comes from the parser's character
    offset, counted in lines as assemblint counts them: libyaml also breaks lines at U+0085,
    U+2028 and U+2029, which would move every later error down."""

    def __init__(self, text: str, path: str, parsed: str | None = None):
        self.text, self.path = text, path
        source = text if parsed is None else parsed
        self._source = source
        self._line_starts: list[int] | None = None
        control = _CONTROL.search(source)
        if control is not None and "\0" in source:  # a NUL: not a text file, and no line of it is shown
            line, column = self._position(source.index("\0"))
            SOURCES.hide(path)
            raise problem_at(
                path, None, "E001", "not a text file (a NUL byte, here): 3DBlox is YAML text", line, column
            )
        if control is not None:
            line, column = self._position(control.start())
            raise problem_at(
                path,
                text,
                "E001",
                f"a control character (U+{ord(control.group()):04X}) is not allowed in YAML",
                line,
                column,
            )
        try:
            root = yaml.compose(source, Loader=_Loader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = self._position(mark.index) if mark is not None else (1, 1)
            if parsed is not None and parsed != text:  # `#!define` made the line longer: stay on the file's line
                lines = text.split("\n")
                column = min(column, len(lines[line - 1]) + 1 if line <= len(lines) else 1)
            what = error.problem or error.context or "not YAML"
            raise problem_at(path, text, "E001", f"this is not valid YAML: {what}", line, column) from None
        except yaml.YAMLError:
            raise problem_at(path, text, "E001", "this is not valid YAML", 1, 1) from None
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

    def _position(self, index: int) -> tuple[int, int]:
        """(line, column), 1-based, of a character offset, lines ended by LF, CR LF or CR only; an
        offset past the end (an error at the end of a file) is the end of the last line."""
        if self._line_starts is None:
            starts = [0]
            for match in re.finditer(r"\r\n|\r|\n", self._source):
                starts.append(match.end())
            self._line_starts = starts
        index = min(index, len(self._source))
        line = bisect.bisect_right(self._line_starts, index) - 1
        if line > 0 and self._line_starts[line] == len(self._source):  # past the final line end
            line -= 1
            index = self._line_starts[line + 1] - 1
        return line + 1, index - self._line_starts[line] + 1

    def loc(self, node: Node) -> Location:
        line, column = self._position(node.start_mark.index)
        end_line, end_column = self._position(node.end_mark.index)
        return Location(
            self.path, line, column, line, end_column if end_line == line and end_column > column else column + 1
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
        if abs(value) > MAX_LENGTH:
            raise self.problem(
                node, "E008", f"{what} is {text} µm, farther than {MAX_LENGTH:g} µm (1 km): not a package"
            )
        return value

    def numbers(self, node: Node, what: str, count: int) -> list[float]:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != count:
            raise self.problem(node, "E008", f"{what} is a list of {count} numbers ([{', '.join('…' * count)}])")
        return [self.number(item, what) for item in node.value]

    def strings(self, node: Node, what: str) -> list[tuple[str, Node]]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        return [(self.text_of(item, what), item) for item in items]
