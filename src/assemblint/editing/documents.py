"""The editor's copy of each open file, and positions translated between the editor and the parser.

pygls's own workspace splits the whole text again on every keystroke (a 20 MB export: a tenth of a
second per change) and splits at form feeds and U+2028, where the parser does not; this copy keeps
the lines, split only where both the protocol and the parser end a line (CR LF, CR, LF), and a
change replaces the lines it touches.
The editor counts columns in UTF-16 units (or whatever encoding was agreed at `initialize`); the
parser's `Location` counts code points from 1, its end column exclusive.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from assemblint.base.diagnostics import Location

_LINE_END = re.compile(r"\r\n|\r|\n")


def units(text: str, encoding: str) -> int:
    """How many of the editor's units `text` takes."""
    if encoding == types.PositionEncodingKind.Utf32 or text.isascii():
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", errors="surrogatepass"))
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def column_of(line: str, character: int, encoding: str) -> int:
    """The code-point column (from 0) of the editor's `character` on `line`."""
    if encoding == types.PositionEncodingKind.Utf32 or line.isascii():
        return min(character, len(line))
    count = 0
    for index, char in enumerate(line):
        if count >= character:
            return index
        count += units(char, encoding)
    return len(line)


def split_lines(text: str) -> list[str]:
    """The lines of a text, numbered as the parser numbers them."""
    return _LINE_END.split(text)


def uri_to_path(uri: str) -> Path | None:
    """The file a `file:` URI names (None for `untitled:` and other schemes)."""
    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def path_to_uri(path: str | Path) -> str:
    return from_fs_path(str(Path(path).absolute())) or Path(path).absolute().as_uri()


class Document:
    """One open file: its lines as the client last sent them, its version, its text on demand.

    The lines are what a change edits: a keystroke replaces one line of the list (a new list, so
    that a request's snapshot taken before stays as it was), and the text is joined only when a
    parse or a check needs it. Line ends become the file's first kind (LF, or CR LF)."""

    def __init__(self, uri: str, text: str, version: int, encoding: str = types.PositionEncodingKind.Utf16):
        self.uri = uri
        self.path = uri_to_path(uri)
        # the key of the file everywhere in the server: its real path, as the loader resolves imports;
        # an unsaved file is read as if it were in the current folder
        untitled = os.path.join(os.getcwd(), re.sub(r"\W+", "-", uri).strip("-") + ".assy")
        self.file = os.path.realpath(self.path) if self.path else untitled
        self.version = version
        self.encoding = encoding
        self.newline = "\r\n" if "\r\n" in text[: text.find("\n") + 1] else "\n"
        self.lines: list[str] = split_lines(text)
        self._text: str | None = text

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.newline.join(self.lines)
        return self._text

    def snapshot(self) -> Document:
        """A copy that later changes do not touch (a request reads it in a thread of its own)."""
        copy = Document.__new__(Document)
        copy.__dict__.update(self.__dict__)
        return copy

    def line(self, number: int) -> str:
        """Line `number` (from 0), "" past the end."""
        lines = self.lines
        return lines[number] if 0 <= number < len(lines) else ""

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """One change of a `didChange`: a range replaced, or the whole text."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            lines = self.lines
            last = len(lines) - 1
            start, end = change.range.start, change.range.end
            if (end.line, end.character) < (start.line, start.character):
                start, end = end, start
            first_line, last_line = min(start.line, last), min(end.line, last)
            before = lines[first_line][: self.column(start)] if start.line <= last else lines[last]
            after = lines[last_line][self.column(end) :] if end.line <= last else ""
            middle = split_lines(before + change.text + after)
            self.lines = [*lines[:first_line], *middle, *lines[last_line + 1 :]]
        else:
            self.lines = split_lines(change.text)
        self._text = None

    def column(self, position: types.Position) -> int:
        """The code-point column (from 0) of an editor position on its line."""
        return column_of(self.line(position.line), position.character, self.encoding)

    def position(self, line: int, column: int) -> types.Position:
        """The editor position of a code-point column (from 0) of a line (from 0)."""
        return types.Position(line, units(self.line(line)[:column], self.encoding))


class TextLines:
    """The lines of a file that is not open (an import, a library), for turning locations into ranges."""

    def __init__(self, line: Callable[[int], str], encoding: str):
        self._line = line  # line `number` from 0, "" past the end
        self.encoding = encoding

    @classmethod
    def of(cls, text: str, encoding: str) -> TextLines:
        lines = split_lines(text)
        return cls(lambda n: lines[n] if 0 <= n < len(lines) else "", encoding)

    def line(self, number: int) -> str:
        return self._line(number)

    def position(self, line: int, column: int) -> types.Position:
        return types.Position(line, units(self.line(line)[:column], self.encoding))


def to_range(loc: Location, lines: Document | TextLines) -> types.Range:
    """The editor range of a parser location. Without an end, the range runs to the end of the word
    at the start (a location that only has a line and column: an import, the end of the file)."""
    line = max(loc.line - 1, 0)
    column = max(loc.column - 1, 0)
    start = lines.position(line, column)
    if loc.end_line is not None and loc.end_column is not None:
        end = lines.position(max(loc.end_line - 1, line), max(loc.end_column - 1, 0))
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return types.Range(start, end)
    text = lines.line(line)
    word = re.match(r"[A-Za-z0-9_.\[\]*:]*", text[column:])
    width = len(word.group(0)) if word and word.group(0) else max(len(text) - column, 0)
    return types.Range(start, lines.position(line, column + width))
