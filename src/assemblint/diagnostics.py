"""Language diagnostics (E001–E010): where, what, and how to show it to a person.

Every error carries a file, line and column (1-based) and an end column, so it can be printed
with the source line and a caret under the offending token, as LANGUAGE.md shows.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass(slots=True)
class Diagnostic:
    code: str
    message: str
    location: Location
    notes: list[Note] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message, "location": self.location.to_json()}


class SourceCache:
    """The text of every file read in a run, so diagnostics can quote lines."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def add(self, path: str, text: str) -> None:
        self._lines[path] = text.splitlines()

    def line(self, path: str, number: int) -> str | None:
        lines = self._lines.get(path)
        if lines is None:
            try:
                lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                return None
            self._lines[path] = lines
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
    text = text.replace("\t", " ")
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
    return [gutter + text, " " * (len(gutter) - 2) + "| " + " " * start + "^" * max(width, 1)]


_MAX_QUOTE = 120


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean `silicon`?)' or '' — appended to unknown-name messages."""
    matches = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        if name.lower() in lowered:
            matches = [lowered[name.lower()]]
    return f" (did you mean `{matches[0]}`?)" if matches else ""


class LanguageError(Exception):
    """A design that cannot be used: one or more E001–E010 diagnostics. The run exits 2."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.location.path, d.location.line, d.location.column))
        super().__init__("\n".join(render(d) for d in self.diagnostics))
