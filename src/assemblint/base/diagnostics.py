"""Language diagnostics (E001–E010): where, what, and how to show it to a person.

Every error carries a file, line and column (1-based) and an end column, so it can be printed
with the source line and a caret under the offending token, as LANGUAGE.md shows.
"""

from __future__ import annotations

import contextvars
import difflib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """A span in a source file. Columns are 1-based; end_column is exclusive."""

    path: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def to_json(self) -> dict:
        out = {"path": self.path, "line": self.line, "column": self.column}
        if self.end_line is not None:
            out["end_line"] = self.end_line
        if self.end_column is not None:
            out["end_column"] = self.end_column
        return out


@dataclass(slots=True)
class Note:
    """A secondary location attached to a diagnostic (e.g. the first declaration for E004)."""

    location: Location
    message: str

    def __post_init__(self) -> None:
        self.message = visible(self.message)


@dataclass(slots=True)
class Diagnostic:
    code: str
    message: str
    location: Location
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self) -> None:
        # A message quotes the design's own text (a token, a string): a control character in it
        # (a NUL, an escape sequence, U+0085) is shown as its picture, never sent to a terminal.
        self.message = visible(self.message)

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "location": self.location.to_json()}


_LINE_END = re.compile(r"\r\n?|\n")


def normalize_line_ends(text: str) -> str:
    """CR LF and a lone CR (old Mac files) end a line as LF does: the parser counts lines in the
    text this returns, so a lone CR neither joins two lines nor leaves them uncounted."""
    return _LINE_END.sub("\n", text) if "\r" in text else text


def split_lines(text: str) -> list[str]:
    """The lines of a file, numbered as the parser numbers them. Only a line end ends a line: not a
    form feed, a vertical tab, U+0085 or U+2028, which str.splitlines() also splits on."""
    return normalize_line_ends(text).split("\n")


class SourceCache:
    """The text of every file read in a run, so diagnostics can quote lines.

    Only a file the loader read as a design (or a library) is quoted: a line of any other file is
    never read to be shown, so a diagnostic about a FIFO, a device, a file refused by a folder scan
    or one that is not text shows its place and nothing of its content (docs/safety.md)."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def add(self, path: str, text: str) -> None:
        self._lines[path] = split_lines(text)

    def hide(self, path: str) -> None:
        """Never quote a line of `path` (a file that is not text), whatever was added before."""
        self._lines[path] = []

    def line(self, path: str, number: int) -> str | None:
        lines = self._lines.get(path)
        if lines is None:
            return None
        if 1 <= number <= len(lines):
            return lines[number - 1]
        return None


SOURCES = SourceCache()


def render(diagnostic: Diagnostic, sources: SourceCache = SOURCES) -> str:
    """`file:line:col: CODE message`, then the source line with a caret, then the notes."""
    out = [f"{diagnostic.location}: {diagnostic.code} {diagnostic.message}"]
    out.extend(_quote(diagnostic.location, sources))
    for note in diagnostic.notes:
        out.append(f"{note.location}: note: {note.message}")
        out.extend(_quote(note.location, sources))
    return "\n".join(out)


def _quote(location: Location, sources: SourceCache) -> list[str]:
    text = sources.line(location.path, location.line)
    if text is None:
        return []
    gutter = f"{location.line:>5} | "
    start = max(location.column - 1, 0)
    if location.end_line in (None, location.line) and location.end_column:
        width = max(location.end_column - location.column, 1)
    else:
        width = max(len(text.rstrip()) - start, 1)
    if len(text) > _MAX_QUOTE:  # a machine-written line: show a window around the column
        left = max(0, start - _MAX_QUOTE // 3)
        text = ("…" if left else "") + text[left : left + _MAX_QUOTE] + "…"
        start = start - left + (1 if left else 0)
        width = min(width, _MAX_QUOTE - start + 1)
    return [gutter + visible(text), " " * (len(gutter) - 2) + "| " + " " * start + "^" * max(width, 1)]


_MAX_QUOTE = 120

# A control character in a quoted line is shown as its picture (NUL as ␀, ESC as ␛), one for one so
# that the caret stays under its column, and is never sent to the terminal (an escape sequence in a
# design must not clear the screen or hide text); a tab is a space.
_PICTURES = {c: chr(0x2400 + c) for c in range(0x20)} | {0x7F: "\u2421", 0x09: " "}
_PICTURES |= {c: "\ufffd" for c in range(0x80, 0xA0)}


def visible(line: str) -> str:
    """A source line or a message as a diagnostic shows it: tabs as spaces, control characters as
    pictures."""
    return line.translate(_PICTURES)


# A suggestion compares the name with every candidate: nothing for a handful of errors, but a flat
# export whose thousands of pads are all misnamed, each an E002 suggested from thousands of pads,
# took minutes. Within `suggestion_budget` (a whole build), suggestions stop once this many
# comparisons are spent (a second or two); the errors past it come without "did you mean".
SUGGESTION_COMPARISONS = 250_000
_comparisons_left: contextvars.ContextVar[int | None] = contextvars.ContextVar("comparisons_left", default=None)


@contextmanager
def suggestion_budget(comparisons: int | None = None) -> Iterator[None]:
    """Bound the work `did_you_mean` does inside the block (SUGGESTION_COMPARISONS unless given)."""
    token = _comparisons_left.set(SUGGESTION_COMPARISONS if comparisons is None else comparisons)
    try:
        yield
    finally:
        _comparisons_left.reset(token)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean `silicon`?)' or '' — appended to unknown-name messages.

    Inside a `suggestion_budget` each call spends one comparison per candidate, and once the
    budget is spent the candidates are not even read (they may be a generator)."""
    left = _comparisons_left.get()
    if left is not None and left <= 0:
        return ""
    pool = sorted(set(candidates))
    if left is not None:
        _comparisons_left.set(left - len(pool))
    matches = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        if name.lower() in lowered:
            matches = [lowered[name.lower()]]
    return f" (did you mean `{matches[0]}`?)" if matches else ""


class LanguageError(Exception):
    """A design that cannot be used: one or more E001–E010 diagnostics. The run exits 2."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.location.path, d.location.line, d.location.column))
        super().__init__("\n".join(render(d) for d in self.diagnostics))
