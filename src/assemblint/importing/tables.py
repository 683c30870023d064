"""Delimited tables (bump maps written as CSV by layout tools) read column by column.

A bump map of a million rows must read in about the time `json.load` takes for the same data
(STACK.md §6), so the rows never become Python objects: pyarrow's CSV reader parses the columns
that are mapped, straight into arrays, on several threads. Only when it refuses the data does this
module read the file again the slow way (the `csv` module) to find the first row that is wrong and
say where, with its line and column; that costs nothing on the path that succeeds.

RFC 4180: a header row, fields separated by a comma, a semicolon or a tab (the one the header line
uses), quotes around a field that holds the separator, a line end or a quote (written twice).
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assemblint.base.diagnostics import SOURCES, Diagnostic, Location, did_you_mean
from assemblint.base.inputs import BOM
from assemblint.importing.problems import ImportProblem, problem_at, utf8_text

DELIMITERS = (",", ";", "\t")
SHOWN_COLUMNS = 40  # of a header a message lists
NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")  # what pyarrow reads as a number, ASCII only
NUMERIC_ROLES = frozenset({"x", "y", "diameter", "size"})
TEXT_ROLES = frozenset({"name", "net"})


@dataclass
class Table:
    """The mapped columns of a table: numbers as float arrays (NaN where a cell is empty), names as
    an object array of str, nets as codes into `net_names` (-1: no net, an empty cell or `-`)."""

    rows: int
    numbers: dict[str, np.ndarray]
    names: Strings | None
    net_codes: np.ndarray | None
    net_names: Strings | None
    path: str
    rows_kept: np.ndarray | None = None  # read_rows_in: each kept row's index in the table
    total: int | None = None  # read_rows_in: the table's rows, kept or not

    def line_of(self, row: int) -> int:
        """The line a data row starts on (1-based): the header is line 1; exact unless a quoted field
        holds a line end, which only the error path of this module counts."""
        return row + 2


def read_table(data: bytes, path: str, mapping: list[tuple[str, str, Location]]) -> Table:
    """Read the columns `mapping` names (role, header, where the mapping is written) from `data`."""
    data = data.removeprefix(BOM)
    if b"\r" in data and b"\n" not in data:  # old Mac line ends: CR alone ends each row
        data = data.replace(b"\r", b"\n")
    end = data.find(b"\n")
    delimiter, headers, wanted = _header(data, end, path, mapping)
    if end < 0 or not data[end + 1 :].strip():  # a header row and no data: no pads (pyarrow would refuse it)
        return _empty(path, wanted)
    return _read_columns(data, path, delimiter, headers, wanted)


def _header(
    data: bytes, end: int, path: str, mapping: list[tuple[str, str, Location]]
) -> tuple[str, list[str], dict[str, str]]:
    """The header row (up to `end`): its separator, its column names and the mapped roles' columns."""
    header_line = (data if end < 0 else data[:end]).rstrip(b"\r")  # not split(): a copy of the whole table
    delimiter = _delimiter(header_line)
    try:
        header_text = header_line.decode("utf-8")
    except UnicodeDecodeError as error:
        SOURCES.hide(path)  # nothing of a file that is not text is quoted
        raise problem_at(
            path,
            None,
            "E001",
            f"the header row is not UTF-8 text (byte 0x{header_line[error.start]:02x})",
            1,
            error.start + 1,
        ) from None
    try:
        headers = next(csv.reader([header_text], delimiter=delimiter, strict=True), [])
    except csv.Error as error:
        raise _error(path, data, "E001", f"the header row cannot be read: {error}", 1, 1) from None
    headers = [h.strip() for h in headers]
    if not headers or headers == [""]:
        raise _error(path, data, "E001", "the table is empty: a bump map starts with a header row", 1, 1)
    wanted: dict[str, str] = {}
    for role, header, loc in mapping:
        if header not in headers:
            shown = ", ".join(headers[:SHOWN_COLUMNS]) + (
                f", and {len(headers) - SHOWN_COLUMNS:,} more" if len(headers) > SHOWN_COLUMNS else ""
            )
            raise ImportProblem(
                Diagnostic(
                    "E002",
                    f"column `{header}` is not in the header of {path}"
                    f"{did_you_mean(header, headers[:10_000])}; its columns: {shown}",
                    loc,
                )
            )
        wanted[role] = header
    return delimiter, headers, wanted


class NotStreamed(Exception):
    """A table `read_rows_in` cannot read in blocks (old Mac line ends, a row pyarrow refuses): the
    caller reads it whole instead, where every problem is found and told with its line."""


def read_rows_in(
    file: Path, path: str, mapping: list[tuple[str, str, Location]], keep: Callable[[Any, Any], Any]
) -> Table:
    """The rows of a table that `keep(x, y)` keeps (x and y as the file writes them), read from
    `file` in blocks: a tile of `--tiles` holds its own rows, never the whole table. `Table.rows`
    is the kept rows' index in the table and `total` the table's rows; the net names are the whole
    table's, in the order `read_table` gives them, the codes only the kept rows'."""
    return split_rows(file, path, mapping, lambda x, y: np.where(keep(x, y), 0, -1), 1)[0]


def split_rows(
    file: Path,
    path: str,
    mapping: list[tuple[str, str, Location]],
    bin_of: Callable[[Any, Any], Any],
    bins: int,
    place: Callable[[Any, Any], tuple[Any, Any]] | None = None,
    share: tuple[int, int] | None = None,
) -> list[Table]:
    """The rows of a table sorted into `bins` parts by `bin_of(x, y)` (-1: into none), read from
    `file` once, in blocks (`--tiles`: each row to the tile whose core holds it). Each part is a
    Table as `read_rows_in` gives it; every part holds the whole table's net names. With `place`,
    `bin_of` takes the placed positions, which the parts keep too (numbers `px`, `py`).

    `share` (i, k): only the i-th of k byte ranges of the rows (cut at line ends; the whole table
    to the first range if a field is quoted, as one may hold a line end), so that k tasks read a
    large table in parallel, each holding a k-th of it. The parts' rows are then counted from the
    range's first, and their net codes index the range's names as read (`Table.net_names`, not
    trimmed): `merge_names` makes them the whole table's."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with file.open("rb") as stream:
        head = stream.read(1 << 20)
        while b"\n" not in head and len(head) % (1 << 20) == 0 and head:
            more = stream.read(1 << 20)
            if not more:
                break
            head += more
    bom = len(BOM) if head.startswith(BOM) else 0
    head = head[bom:]
    end = head.find(b"\n")
    if b"\r" in head[: end if end >= 0 else len(head)].rstrip(b"\r") or (end < 0 and b"\r" in head):
        raise NotStreamed("old Mac line ends")
    delimiter, headers, wanted = _header(head, end, path, mapping)
    source: Any = str(file)
    skip = 1
    if share is not None:
        source, skip = range_of(file, bom + end + 1 if end >= 0 else None, *share), 0
    types = {header: pa.float64() if role in NUMERIC_ROLES else pa.string() for role, header in wanted.items()}
    if "net" in wanted:
        types[wanted["net"]] = pa.dictionary(pa.int32(), pa.string())
    try:
        empty = isinstance(source, io.BytesIO) and not source.getbuffer().nbytes  # a range with no row
        reader = (
            []
            if empty
            else pacsv.open_csv(
                source,
                # small blocks, one at a time: a tile's worker holds one block and its own rows (with
                # 4 MB blocks on threads the reader's peak is five times as high, and no faster)
                read_options=pacsv.ReadOptions(
                    column_names=headers, skip_rows=skip, block_size=1 << 18, use_threads=False
                ),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(dict.fromkeys(wanted.values())),
                    column_types=types,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        )
        return sort_batches(reader, path, wanted, bin_of, bins, place, raw=share is not None)
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raise NotStreamed(str(error)) from None


def sort_batches(
    batches: Iterable[Any],
    path: str,
    wanted: dict[str, str],
    bin_of: Callable[[Any, Any], Any],
    bins: int,
    place: Callable[[Any, Any], tuple[Any, Any]] | None = None,
    raw: bool = False,
) -> list[Table]:
    """Record batches of a table's rows (`wanted`: each role's column; the net column dictionary
    encoded) sorted into `bins` parts by `bin_of`, as `split_rows` describes them; CSV tables and
    3DBlox bump maps (importing/bmap.py) alike. `raw`: the net names as read (a range of rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kept = [role for role in wanted if role in NUMERIC_ROLES] + (["px", "py"] if place is not None else [])
    parts = [_Part({role: [] for role in kept}) for _ in range(bins)]
    dictionaries: list = []  # each block's net names, in order
    total = 0
    for batch in batches:
        x = batch.column(wanted["x"]).to_numpy(zero_copy_only=False).astype(float, copy=False)
        y = batch.column(wanted["y"]).to_numpy(zero_copy_only=False).astype(float, copy=False)
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise NotStreamed("an empty or infinite x or y")
        columns = {role: batch.column(wanted[role]).to_numpy(zero_copy_only=False) for role in wanted}
        columns = {role: column for role, column in columns.items() if role in NUMERIC_ROLES}
        if place is not None:
            columns["px"], columns["py"] = place(x, y)
        which = np.asarray(bin_of(columns["px"], columns["py"]) if place else bin_of(x, y), dtype=np.int64)
        net = batch.column(wanted["net"]) if "net" in wanted else None
        if net is not None:
            dictionaries.append(net.dictionary)
        for b in np.unique(which[which >= 0]).tolist():
            mask = which == b
            part = parts[b]
            for role, column in columns.items():
                part.numbers[role].append(column[mask].astype(float, copy=False))
            chosen = pa.array(mask)
            if "name" in wanted:
                part.names.append(pc.filter(batch.column(wanted["name"]), chosen))
            if net is not None:
                codes = net.indices.to_numpy(zero_copy_only=False)[mask]
                part.nets.append((len(dictionaries) - 1, codes))
            part.rows.append(np.flatnonzero(mask) + total)
        total += batch.num_rows
    net_of, net_names = _global_nets(dictionaries, raw=raw) if "net" in wanted else (None, None)
    tables = [part.table(path, total, "name" in wanted, net_of, net_names) for part in parts]
    pa.default_memory_pool().release_unused()  # the blocks' memory back to the system, not kept for later
    return tables


@dataclass
class _Part:
    """The rows of one part of a table, block by block, as `split_rows` gathers them."""

    numbers: dict[str, list]
    names: list = field(default_factory=list)
    nets: list = field(default_factory=list)  # (block, codes into that block's names)
    rows: list = field(default_factory=list)

    def table(self, path: str, total: int, named: bool, net_of: Any, net_names: Strings | None) -> Table:
        import pyarrow as pa

        kept = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        table = Table(
            len(kept),
            {role: np.concatenate(p) if p else np.zeros(0) for role, p in self.numbers.items()},
            Strings(pa.chunked_array(self.names, type=pa.string())) if named else None,
            None,
            net_names,
            path,
        )
        if net_of is not None:
            codes = [net_of[0][block] + local for block, local in self.nets]
            table.net_codes = net_of[1][np.concatenate(codes)] if codes else np.zeros(0, dtype=np.int64)
        table.rows_kept, table.total = kept.astype(np.int64), total
        return table


def range_of(file: Path, first: int | None, i: int, k: int, quoted: bool = True) -> Any:
    """The bytes of the i-th of k ranges of a table's rows (from `first`, the byte after the header
    row), each cut after a line end, as a stream pyarrow reads (the whole rows to range 0 when a
    field is quoted: a quoted field may hold a line end, and a cut there would split a row; not so
    where `quoted` is False, in a bump map, whose quotes are letters like any other)."""
    import mmap

    with file.open("rb") as stream:
        size = stream.seek(0, 2)
        if first is None or first >= size:
            return io.BytesIO(b"")
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if quoted and data.find(b'"', first) >= 0:
                k, bounds = 1, [first, size]
                if i > 0:
                    return io.BytesIO(b"")
                i = 0
            else:
                bounds = [first]
                for j in range(1, k):
                    at = max(bounds[-1], first + (size - first) * j // k)
                    cut = data.find(b"\n", at)
                    bounds.append(size if cut < 0 else cut + 1)
                bounds.append(size)
            return io.BytesIO(data[bounds[i] : bounds[i + 1]])


def merge_names(ranges: list[Strings]) -> tuple[list[np.ndarray], Strings]:
    """The names of a table's ranges (`split_rows(share=…)`, as read) as the whole table's, in
    its order of first appearance, trimmed, without empty names or `-`: each range's codes into
    them (-1: none), and the names, exactly as `read_table` names the table's nets."""
    (starts, code), names = _global_nets([r.array for r in ranges])
    return [code[a:b] for a, b in itertools.pairwise(starts)], names


def joined_rows(parts: list[Table], net_names: Strings | None, keep: Callable[[Any, Any], Any]) -> Table:
    """The rows of some parts of one table (`split_rows`, the tiles around a tile's window) that
    `keep(x, y)` keeps (by the placed positions when the parts keep them), in the table's order,
    as `read_rows_in` would read them from the file."""
    import pyarrow as pa

    rows = np.concatenate([p.rows_kept for p in parts if p.rows_kept is not None] or [np.zeros(0, np.int64)])
    numbers = {role: np.concatenate([p.numbers[role] for p in parts]) for role in parts[0].numbers} if parts else {}
    where = ("px", "py") if parts and "px" in numbers else ("x", "y")  # placed positions, when kept
    chosen = np.flatnonzero(np.asarray(keep(numbers[where[0]], numbers[where[1]]), dtype=bool)) if parts else rows
    order = chosen[np.argsort(rows[chosen], kind="stable")]
    names = None
    if parts and parts[0].names is not None:
        names = Strings(pa.chunked_array([p.names.array for p in parts if p.names is not None], type=pa.string()))
        names = names.take(pa.array(order))
    codes = None
    if parts and parts[0].net_codes is not None:
        codes = np.concatenate([p.net_codes for p in parts if p.net_codes is not None])[order]
    table = Table(len(order), {role: v[order] for role, v in numbers.items()}, names, codes, net_names, parts[0].path)
    table.rows_kept, table.total = rows[order], parts[0].total
    return table


def rows_of(table: Table, mask: np.ndarray) -> Table:
    """The rows of a part of a table (`split_rows`) that `mask` keeps, in its order."""
    import pyarrow as pa

    chosen = np.flatnonzero(mask)
    names = table.names.take(pa.array(chosen)) if table.names is not None else None
    codes = table.net_codes[chosen] if table.net_codes is not None else None
    numbers = {role: v[chosen] for role, v in table.numbers.items()}
    part = Table(len(chosen), numbers, names, codes, table.net_names, table.path)
    part.rows_kept = table.rows_kept[chosen] if table.rows_kept is not None else None
    part.total = table.total
    return part


def no_rows(path: str, mapping: list[tuple[str, str, Location]], total: int = 0) -> Table:
    """A table of none of its `total` rows (`--tiles`: a map another task reads)."""
    table = _empty(path, {role: header for role, header, _ in mapping})
    table.rows_kept, table.total = np.zeros(0, dtype=np.int64), total
    return table


def _global_nets(dictionaries: list, raw: bool = False) -> tuple[tuple[np.ndarray, np.ndarray], Strings]:
    """The blocks' net names as the whole table's, in the order of first appearance (as
    `net_column`): the blocks' names one after the other, encoded once. Returns where each block's
    names start in that concatenation, the code of each (-1: an empty name or `-`), and the names
    (`raw`: as read, neither trimmed nor dropped, for `merge_names` to merge further)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    starts = np.cumsum([0] + [len(d) for d in dictionaries]).astype(np.int64)
    if not dictionaries:
        return (starts, np.zeros(0, dtype=np.int64)), Strings(pa.array([], type=pa.string()))
    encoded = pa.concat_arrays(dictionaries).dictionary_encode()
    code = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    if raw:
        return (starts, code), Strings(encoded.dictionary)
    trimmed = pc.utf8_trim_whitespace(encoded.dictionary)
    keep = pc.and_(pc.not_equal(trimmed, ""), pc.not_equal(trimmed, "-")).to_numpy(zero_copy_only=False)
    if not len(keep):
        return (starts, code), Strings(trimmed)
    remap = np.where(keep, np.cumsum(keep) - 1, -1)
    return (starts, remap[code]), Strings(pc.filter(trimmed, keep))


def _empty(path: str, wanted: dict[str, str]) -> Table:
    import pyarrow as pa

    numbers = {role: np.zeros(0) for role in wanted if role in NUMERIC_ROLES}
    names = Strings(pa.array([], type=pa.string())) if "name" in wanted else None
    nets = (np.zeros(0, dtype=np.int64), Strings(pa.array([], type=pa.string()))) if "net" in wanted else (None, None)
    return Table(0, numbers, names, nets[0], nets[1], path)


def _delimiter(header: bytes) -> str:
    """The separator the header row uses: the most frequent of comma, semicolon and tab outside quotes."""
    outside = b"".join(header.split(b'"')[::2])
    counts = {d: outside.count(d.encode()) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_columns(data: bytes, path: str, delimiter: str, headers: list[str], wanted: dict[str, str]) -> Table:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    types = {header: pa.float64() if role in NUMERIC_ROLES else pa.string() for role, header in wanted.items()}
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=headers, skip_rows=1, block_size=1 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=b'"' in data),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(dict.fromkeys(wanted.values())),
                column_types=types,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raise _locate(data, path, delimiter, headers, wanted, str(error)) from None
    numbers: dict[str, np.ndarray] = {}
    for role, header in wanted.items():
        if role in NUMERIC_ROLES:
            column = table.column(header).to_numpy(zero_copy_only=False).astype(float, copy=False)
            numbers[role] = column
    for role in ("x", "y"):
        if role in numbers:
            bad = np.flatnonzero(~np.isfinite(numbers[role]))
            if len(bad):
                raise _locate(data, path, delimiter, headers, wanted, f"an empty or infinite {role}")
    names = Strings(table.column(wanted["name"])) if "name" in wanted else None
    net_codes = None
    net_names = None
    if "net" in wanted:
        net_codes, net_names = net_column(table.column(wanted["net"]))
    return Table(table.num_rows, numbers, names, net_codes, net_names, path)


def net_column(column: Any) -> tuple[np.ndarray, Strings]:
    """A column of net names as codes into the distinct names (-1: an empty cell or `-`, no net),
    computed by pyarrow: half a million distinct nets cost one list of names, no loop over rows."""
    import pyarrow.compute as pc

    encoded = column.combine_chunks().dictionary_encode()
    dictionary = pc.utf8_trim_whitespace(encoded.dictionary)
    keep = pc.and_(pc.not_equal(dictionary, ""), pc.not_equal(dictionary, "-")).to_numpy(zero_copy_only=False)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    if not len(keep):
        return codes, Strings(dictionary)
    remap = np.where(keep, np.cumsum(keep) - 1, -1)
    return remap[codes], Strings(pc.filter(dictionary, keep))


class Strings(Sequence[str]):
    """A column of text kept in pyarrow's memory (bump and net names): a million names are two
    buffers, not a million Python strings; each is made a `str` only when something reads it."""

    def __init__(self, array: Any):
        self.array = array.combine_chunks() if hasattr(array, "combine_chunks") else array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.array[int(i)].as_py()

    def take(self, index: Any) -> Strings:
        """The names at `index` (a tile's pads, model/tiles.py), still in pyarrow's memory."""
        return Strings(self.array.take(index))

    def digest(self) -> str:
        """sha256 of the names joined by line ends (`"\\n".join(names)`, as for a list of them),
        joined by pyarrow a block at a time: no `str` per name. Kept once made: the array does not change."""
        found = getattr(self, "_digest", None)
        if found is None:
            import pyarrow as pa
            import pyarrow.compute as pc

            hashed = hashlib.sha256()
            block = 1 << 16
            for start in range(0, len(self.array), block):
                chunk = self.array.slice(start, block)
                joined = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(chunk)], pa.int32()), chunk), "\n")
                hashed.update((b"\n" if start else b"") + joined[0].as_buffer().to_pybytes())
            found = self._digest = hashed.hexdigest()
        return found

    def index_of(self, name: str) -> int:
        """Where `name` is (-1 when it is not there), without a loop over the names."""
        import pyarrow.compute as pc

        return int(pc.index(self.array, name).as_py())


def _locate(
    data: bytes, path: str, delimiter: str, headers: list[str], wanted: dict[str, str], reason: str
) -> ImportProblem:
    """Read the table again, row by row, to find the first row the fast reader refused and say where."""
    try:
        text = utf8_text(data, path)
    except ImportProblem as problem:
        return problem
    lines = text.split("\n")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    indexes = {role: headers.index(header) for role, header in wanted.items()}
    try:
        next(reader)  # the header
        start = reader.line_num + 1
        for row in reader:
            line = start
            start = reader.line_num + 1
            if len(row) <= 1 and not "".join(row).strip():
                continue  # a blank line, as the fast reader skips it
            if len(row) != len(headers):
                return _error(
                    path,
                    text,
                    "E001",
                    f"this row has {len(row)} field{'s' * (len(row) != 1)}, the header has {len(headers)}",
                    line,
                    1,
                )
            for role, index in indexes.items():
                value = row[index].strip()
                if role in NUMERIC_ROLES and (value or role in ("x", "y")):
                    number = float(value) if NUMBER.fullmatch(value) else float("nan")
                    if not np.isfinite(number):
                        column = _field_column(lines[line - 1], delimiter, index)
                        return _error(
                            path,
                            text,
                            "E001",
                            f"`{row[index][:40]}{'…' * (len(row[index]) > 40)}` in column `{headers[index][:80]}` "
                            f"is not a number ({role} of a bump)",
                            line,
                            column,
                            len(row[index]) or 1,
                        )
    except csv.Error as error:
        return _error(path, text, "E001", f"this row cannot be read: {error}", reader.line_num, 1)
    return _error(path, text, "E001", f"the table cannot be read: {reason}", 1, 1)


def _field_column(line: str, delimiter: str, index: int) -> int:
    """The column (1-based) where field `index` of a line starts, quotes respected."""
    field, quoted = 0, False
    for position, char in enumerate(line):
        if field == index:
            return position + 1
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            field += 1
    return len(line) + 1


def _error(
    path: str, source: bytes | str, code: str, message: str, line: int, column: int, width: int = 1
) -> ImportProblem:
    return problem_at(path, source, code, message, line, column, width)
