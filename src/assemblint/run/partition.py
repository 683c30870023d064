"""Parsing one large design in several processes: cut it at top-level statements, parse the parts
apart, and put the statements back together with the locations a whole-file parse gives.

A flat design written by a CAD export (one statement per pad and per mass) spends nearly all its
time in the parser, which is pure Python and so holds one core. Lark's LALR parser is
deterministic and the grammar is `statement*` at the top level, so a file cut at the start of a
top-level statement parses to the concatenation of its parts' statements. Each part is parsed
behind as many blank lines as came before it (one token for the lexer), so every line number,
in a Location or in explicit.py's rows, is the whole file's. The cut is found with a regex and
bracket counts, not with a second parser. A wrong cut can only make a part fail to parse (an
unclosed block, a dangling `,`); then the whole file is parsed here, so what a design means, and
every syntax error (E001), never depend on the cut.

Work travels as a file path and two offsets. The statements come back as one pickle in which each
node is reduced to its class and field values, so loading it is a constructor call per node, made
from C. The default pickling of slotted dataclasses goes through Python-level `__getstate__`: for
10,000 statements it takes 1.0 s to dump and 0.5 s to load, against 0.5 s and 0.24 s this way.
The cyclic garbage collector is paused while a part is parsed and while the parts are loaded,
because those allocate hundreds of thousands of objects that all survive: the same parse takes
2.2 s with the collector paused and 3.3 s without (docs/scale.md).

Designs whose lines explicit.py reads without Lark are not cut (`worth_parts`): that reader is
already fast, and sending its rows back costs more than it saves.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import io
import pickle
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any, Protocol

from assemblint.base.diagnostics import Location
from assemblint.language import explicit
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import STATEMENT_KEYWORDS, parse

# A file this large (bytes) or larger is parsed in parts; smaller ones in one piece. Measured on
# 2 cores (docs/scale.md): the parse alone breaks even near 85 kB, a whole check near 260 kB
# (it also builds and runs the rules, serially); twice that leaves a margin for a busy machine.
PARTITION_MIN_BYTES = 512 * 1024


class Pending(Protocol):
    """What a pool's `submit` returns: a concurrent.futures.Future, or a Dask future (not a subclass)."""

    def result(self, timeout: float | None = None) -> Any: ...


SAMPLE_BYTES = 64 * 1024  # read from the middle of a large file to judge whether parts pay (`worth_parts`)

_STATEMENT_START = re.compile(r"\n(?=(?:" + "|".join(sorted(STATEMENT_KEYWORDS, key=len, reverse=True)) + r")\b)")
_NODES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls))
    for cls in vars(st).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == st.__name__
}


class PartitionFailed(Exception):
    """A part did not parse (or the file changed under us): parse the whole file serially instead."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a burst of long-lived objects is allocated."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def worth_parts(sample: str) -> bool:
    """Whether a large file whose middle reads `sample` is worth parsing in parts: not when most of
    its lines are the one-line pads and masses explicit.py reads without Lark. That reader is fast
    (10 MB a few seconds), and sending its rows back costs more than the parse (docs/scale.md)."""
    lines = [line for line in sample.split("\n")[1:-1] if line.strip()]  # whole lines only
    if not lines:
        return False
    fast = sum(1 for line in lines if explicit.pad_property(line, 1, "") or explicit.mass_declaration(line, 1, ""))
    return 2 * fast < len(lines)


def split_points(text: str, parts: int) -> list[int]:
    """Offsets where `text` may be cut into up to `parts` pieces: each at the start of a line that
    begins (column 1) with a statement keyword, outside any block, bracket or continued line."""
    points: list[int] = []
    counted, depth = 0, [0, 0, 0]  # `{}`, `()`, `[]` open before `counted`
    for i in range(1, parts):
        at = max(len(text) * i // parts - 1, points[-1] if points else 0)
        while (match := _STATEMENT_START.search(text, at)) is not None:
            cut = match.end()
            for n, (opener, closer) in enumerate((("{", "}"), ("(", ")"), ("[", "]"))):
                depth[n] += text.count(opener, counted, cut) - text.count(closer, counted, cut)
            counted = cut
            previous = text[text.rfind("\n", 0, cut - 1) + 1 : cut - 1].split("#")[0].rstrip()
            if depth == [0, 0, 0] and not previous.endswith((",", "..")):
                points.append(cut)
                break
            at = cut
        else:
            break
    return points


def parse_part(file: str, shown: str, start: int, stop: int, length: int, lines_before: int, *args: Any) -> bytes:
    """In a worker: read `file`, parse its characters [start, stop) as `shown`, and return the
    statements pickled. `lines_before`: the lines of the earlier parts, put back as blank lines
    in front of the part (one token for the lexer), so that every line number, in a Location or
    in explicit.py's rows, is the whole file's. `args`: the rest of `syntax.parse`'s arguments.

    Raises PartitionFailed when the file no longer has `length` characters or the part does not
    parse; the caller then parses the whole file, and reports what a serial parse reports.
    """
    from assemblint.build.loader import read_text

    text = read_text(Path(file))
    if len(text) != length:
        raise PartitionFailed(f"{file} changed while it was being read")
    failure = ""
    with collector_paused():
        try:
            tree = parse("\n" * lines_before + text[start:stop], shown, *args)
        except Exception as error:  # any failure of a part: the serial parse decides what to report
            failure = f"{type(error).__name__}: {error}"
        if failure:  # raised here, with no parser exception as its context: that may not pickle
            raise PartitionFailed(failure)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = _REDUCERS
        pickler.dump(tree.statements)
    return buffer.getvalue()


def _reducer(cls: type, names: tuple[str, ...]) -> Callable[[Any], tuple]:
    return lambda node: (cls, tuple(getattr(node, name) for name in names))


# Each node pickled as (class, field values): loaded by one constructor call, made from C.
_REDUCERS: dict[type, Callable[[Any], Any]] = {
    **copyreg.dispatch_table,
    **{cls: _reducer(cls, names) for cls, names in _NODES.items()},
    Location: _reducer(Location, tuple(f.name for f in dataclasses.fields(Location))),
}


def submit_parts(
    text: str, file: str, shown: str, submit: Callable[..., Pending], parts: int, *args: Any
) -> list[Pending]:
    """Send the pieces of `text` (the content of `file`, shown as `shown`) out through
    `submit(fn, *args)`, in order; `args` as for `syntax.parse`. No place to cut: no futures,
    and `gather` parses in this process."""
    points = split_points(text, parts)
    if not points:
        return []
    bounds = [0, *points, len(text)]
    futures = []
    lines = 0
    for start, stop in pairwise(bounds):
        futures.append(submit(parse_part, file, shown, start, stop, len(text), lines, *args))
        lines += text.count("\n", start, stop)
    return futures


def gather(futures: Sequence[Pending], text: str, shown: str, *args: Any) -> st.SourceFile:
    """The pieces' statements in order: equal to `parse(text, shown, *args)`, which is what a
    failed piece (or none sent) gives instead."""
    parts: list[bytes] = []
    failed = not futures
    for future in futures:
        try:
            parts.append(future.result())
        except Exception:  # PartitionFailed, or a worker lost: wait for the rest, then parse here
            failed = True
    if failed:
        return parse(text, shown, *args)
    statements: list[st.Statement] = []
    with collector_paused():
        for part in parts:
            statements.extend(pickle.loads(part))
    return st.SourceFile(shown, statements)
