"""The source comments of a materials library, read from its text beside the syntax tree.

The parser drops comments, but a library's comments are its evidence: std.assy names the source of
each value in a comment at the end of the property's line, continued on comment-only lines whose
`#` stands in the same column, and explains its source tags (`[R12]`, `IND`, `CAPLINQ`, …) in a
legend at the top. This module reads those lines again, using the locations the syntax tree gives
each property, so that `assemblint materials` and the language server's hover can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assemblint.base.diagnostics import normalize_line_ends
from assemblint.build.loader import read_text
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import parse

_BANNER = re.compile(r"^#\s*([=\-~*#])\1{3,}\s*$")  # a section rule such as `# ====…`
_LEGEND_START = re.compile(r"^#\s*Legend\b")
_LEGEND_ENTRY = re.compile(r"^#(?P<indent>\s+)(?P<tag>[A-Za-z][\w.-]*)(?:\s+(?P<text>\S.*))?$")


@dataclass(frozen=True)
class WrittenProperty:
    """One property of a material as its file writes it."""

    name: str
    written: str  # the value as written (continued lines joined by one space); "" for a flag
    source: str  # the comment on its lines and the aligned comment-only lines after them; "" if none
    line: int  # 1-based line of the property's name


@dataclass(frozen=True)
class WrittenMaterial:
    """One `material` declaration as its file writes it."""

    name: str
    base: str | None
    line: int
    column: int
    note: str  # the comment block directly above `material NAME {` ("" if none)
    properties: tuple[WrittenProperty, ...]


@dataclass(frozen=True)
class LibraryText:
    """What a library file says beyond its syntax: each material's lines and the legend of its tags."""

    path: str
    materials: dict[tuple[int, int], WrittenMaterial]  # by (line, column) of the material's name
    legend: dict[str, str]  # tag -> its explanation, continuation lines joined


def join_lines(texts: list[str]) -> str:
    """Comment lines as one text: joined by a space, except where a line breaks inside an address
    (`https://…/terminology-` and `specifications/` on the next) so that the address stays whole."""
    out = ""
    for text in texts:
        if not text:
            continue
        last, first = out.rsplit(" ", 1)[-1], text.split(" ", 1)[0]
        broken = "://" in last and last.endswith(("-", "/")) and first[0].isalnum() and any(c in first for c in "/-")
        out = f"{out}{text}" if broken else f"{out} {text}".lstrip()
    return out


def comment_at(line: str) -> tuple[int, str] | None:
    """The 0-based column of the `#` that starts the line's comment (not one inside a string) and
    the comment's text, or None."""
    in_string = False
    escaped = False
    for i, char in enumerate(line):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "#":
            return i, line[i + 1 :].strip()
    return None


def _end_of(prop: st.Property) -> tuple[int, int]:
    """(line, 0-based column just past) the property's last argument, or its name for a flag."""
    for arg in reversed(prop.args):
        loc = getattr(arg, "loc", None)
        if loc is not None and loc.end_line is not None and loc.end_column is not None:
            return loc.end_line, loc.end_column - 1
    return prop.loc.line, prop.loc.column - 1 + len(prop.name)


def _written(lines: list[str], prop: st.Property) -> str:
    """The property's value as written, from just after its name to the end of its last argument."""
    start_line, start_col = prop.loc.line, prop.loc.column - 1 + len(prop.name)
    end_line, end_col = _end_of(prop)
    if (end_line, end_col) <= (start_line, start_col):
        return ""
    pieces = []
    for number in range(start_line, end_line + 1):
        text = lines[number - 1]
        begin = start_col if number == start_line else 0
        stop = end_col if number == end_line else len(text)
        piece = text[begin:stop]
        found = comment_at(piece) if number != end_line else None
        if found is not None:  # a comment between the lines of one value is not part of it
            piece = piece[: found[0]]
        pieces.append(piece.strip())
    return " ".join(p for p in pieces if p)


def _source(lines: list[str], prop: st.Property) -> str:
    """The comments on the property's lines, then the comment-only lines right after it whose `#`
    stands in the column of the last one (how std.assy continues a long source)."""
    first, (last, _) = prop.loc.line, _end_of(prop)
    texts: list[str] = []
    column = None
    for number in range(first, last + 1):
        found = comment_at(lines[number - 1])
        if found is not None:
            column = found[0]
            texts.append(found[1])
    if column is not None:
        number = last + 1
        while number <= len(lines):
            text = lines[number - 1]
            if not text.strip().startswith("#") or (text.index("#") != column):
                break
            texts.append(text[column + 1 :].strip())
            number += 1
    return join_lines(texts)


def _note(lines: list[str], line: int) -> str:
    """The contiguous comment lines directly above a declaration, after any section rule."""
    texts: list[str] = []
    number = line - 1
    while number >= 1:
        text = lines[number - 1].strip()
        if not text.startswith("#") or _BANNER.match(text):
            break
        texts.append(text[1:].strip())
        number -= 1
    return join_lines(texts[::-1])


def read_legend(lines: list[str]) -> dict[str, str]:
    """The legend of source tags: after a `# Legend…` line, each `#   TAG  text` line begins an entry
    and lines indented further continue it; the first comment line indented less ends it."""
    start = next((i for i, text in enumerate(lines) if _LEGEND_START.match(text)), None)
    if start is None:
        return {}
    parts: dict[str, list[str]] = {}
    tag: str | None = None
    indent = None
    for text in lines[start + 1 :]:
        if not text.startswith("#") or not text[1:].strip():
            break
        width = len(text[1:]) - len(text[1:].lstrip())
        if indent is None:
            indent = width
        if width < indent:
            break
        if width == indent:
            match = _LEGEND_ENTRY.match(text.rstrip())
            if match is None:
                break
            tag = match["tag"]
            parts[tag] = [(match["text"] or "").strip()]
        elif tag is not None:
            parts[tag].append(text[1:].strip())
    return {tag: join_lines(texts) for tag, texts in parts.items()}


def cited(source: str, legend: dict[str, str]) -> tuple[str, ...]:
    """The legend's tags a source comment names (`[R12]`, `R9`, `IND #19`, `CAPLINQ sac305`), in the
    order it first names them."""
    found: list[tuple[int, str]] = []
    for tag in legend:
        match = re.search(rf"(?<![\w-]){re.escape(tag)}(?![\w])", source)
        if match:
            found.append((match.start(), tag))
    return tuple(tag for _, tag in sorted(found))


def read_library_text(path: str) -> LibraryText:
    """The library file at `path` read for its comments (cached while the file is unchanged)."""
    file = Path(path)
    stat = file.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _read(path: str, _mtime_ns: int, _size: int) -> LibraryText:
    text = normalize_line_ends(read_text(Path(path)))
    lines = text.split("\n")
    tree = parse(text, path)
    materials: dict[tuple[int, int], WrittenMaterial] = {}
    for stmt in tree.statements:
        if isinstance(stmt, st.Declaration) and stmt.keyword == "material":
            props = tuple(
                WrittenProperty(p.name, _written(lines, p), _source(lines, p), p.loc.line) for p in stmt.properties
            )
            materials[(stmt.loc.line, stmt.loc.column)] = WrittenMaterial(
                stmt.name, stmt.base, stmt.loc.line, stmt.loc.column, _note(lines, stmt.loc.line), props
            )
    return LibraryText(path, materials, read_legend(lines))
