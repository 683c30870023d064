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
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    with file.open("rb") as stream:
        head = stream.read(1 << 20)
        while b"\n" not in head and len(head) % (1 << 20) == 0 and head:
            more = stream.read(1 << 20)
            if not more:
                break
            head += more
    head = head.removeprefix(BOM)
    end = head.find(b"\n")
    if b"\r" in head[: end if end >= 0 else len(head)].rstrip(b"\r") or (end < 0 and b"\r" in head):
        raise NotStreamed("old Mac line ends")
    delimiter, headers, wanted = _header(head, end, path, mapping)
    types = {header: pa.float64() if role in NUMERIC_ROLES else pa.string() for role, header in wanted.items()}
    if "net" in wanted:
        types[wanted["net"]] = pa.dictionary(pa.int32(), pa.string())
    numbers: dict[str, list] = {role: [] for role in wanted if role in NUMERIC_ROLES}
    names: list = []
    nets: list = []
    rows: list = []
    total = 0
    try:
        reader = pacsv.open_csv(
            str(file),
            read_options=pacsv.ReadOptions(column_names=headers, skip_rows=1, block_size=1 << 22),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(dict.fromkeys(wanted.values())),
                column_types=types,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        for batch in reader:
            x = batch.column(wanted["x"]).to_numpy(zero_copy_only=False).astype(float, copy=False)
            y = batch.column(wanted["y"]).to_numpy(zero_copy_only=False).astype(float, copy=False)
            if not (np.isfinite(x).all() and np.isfinite(y).all()):
                raise NotStreamed("an empty or infinite x or y")
            mask = np.asarray(keep(x, y), dtype=bool)
            chosen = pa.array(mask)
            for role in numbers:
                column = batch.column(wanted[role]).to_numpy(zero_copy_only=False).astype(float, copy=False)
                numbers[role].append(column[mask])
            if "name" in wanted:
                names.append(pc.filter(batch.column(wanted["name"]), chosen))
            if "net" in wanted:
                nets.append(pc.filter(batch.column(wanted["net"]), chosen))  # each block's names kept
            rows.append(np.flatnonzero(mask) + total)
            total += batch.num_rows
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raise NotStreamed(str(error)) from None
    kept = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    table = Table(
        len(kept),
        {role: np.concatenate(parts) if parts else np.zeros(0) for role, parts in numbers.items()},
        Strings(pa.chunked_array(names, type=pa.string())) if "name" in wanted else None,
        None,
        None,
        path,
    )
    if "net" in wanted:
        table.net_codes, table.net_names = _kept_nets(nets)
    table.rows_kept, table.total = kept.astype(np.int64), total
    return table


def _kept_nets(blocks: list) -> tuple[np.ndarray, Strings]:
    """Each block's kept net cells (dictionary arrays that still hold every name of their block)
    as codes into the whole table's names, in the order of first appearance (as `net_column`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not blocks:
        return np.zeros(0, dtype=np.int64), Strings(pa.array([], type=pa.string()))
    unified = pa.chunked_array(blocks).unify_dictionaries()
    dictionary = unified.chunk(0).dictionary
    codes = np.concatenate(
        [c.indices.to_numpy(zero_copy_only=False).astype(np.int64) for c in unified.chunks] or [np.zeros(0, np.int64)]
    )
    trimmed = pc.utf8_trim_whitespace(dictionary)
    keep = pc.and_(pc.not_equal(trimmed, ""), pc.not_equal(trimmed, "-")).to_numpy(zero_copy_only=False)
    if not len(keep):
        return codes, Strings(trimmed)
    remap = np.where(keep, np.cumsum(keep) - 1, -1)
    return remap[codes], Strings(pc.filter(trimmed, keep))


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
