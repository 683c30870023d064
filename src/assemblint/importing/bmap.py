"""3DBlox bump maps (`.bmap`): one bump per line, six fields separated by blanks, as OpenROAD reads them.

    # bumpInstName bumpCellType x y portName netName
    bump1 BUMP 100.0 200.0 SIG1 SIG1

A line starting with `#` is a comment, a blank line is skipped, and every other line has exactly six
fields (OpenROAD's ODB-0536) with numbers for x and y (ODB-0537). The columns are read by pyarrow
once runs of blanks are made single spaces, so a million bumps never become Python objects; when
the fast reader refuses the data the file is read again line by line to say where.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from assemblint.base.inputs import BOM
from assemblint.importing.problems import ImportProblem, problem_at, utf8_text
from assemblint.importing.tables import NUMBER, NotStreamed, Strings, Table, net_column, range_of, sort_batches
from assemblint.importing.yaml_nodes import MAX_LENGTH

FIELDS = ("name", "cell", "x", "y", "port", "net")
COLUMNS = {role: role for role in ("name", "x", "y", "net")}  # the fields read, as `sort_batches` names them
BLOCK = 1 << 20  # bytes of a bump map read at a time by window (`--tiles`)
LONGEST_LINE = 16 * BLOCK  # a "line" longer than this is not a bump map's: read whole, it says where
_COMMENT = re.compile(rb"(?m)^#[^\n]*")
_BLANKS = re.compile(rb"[\t\r\f\v][ \t\r\f\v]*| [ \t\r\f\v]+")  # runs of blanks but a single space
_EDGES = re.compile(rb"(?m)^ | $")
_BLANKS_TEXT = re.compile(r"[ \t\r\f\v]+")


@dataclass
class BumpMap:
    names: Sequence[str]
    x: np.ndarray  # µm as written (the chiplet's frame)
    y: np.ndarray
    net_codes: np.ndarray  # -1: `-`, no net
    net_names: Sequence[str]


EMPTY = BumpMap([], np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64), [])


def read_bmap(data: bytes, path: str) -> BumpMap:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark, as Windows editors write
    if b"\r" in data:  # CR LF and CR alone end a line as LF does
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    cleaned = _clean(data)
    if not cleaned.strip():
        return EMPTY
    try:
        table = pacsv.read_csv(
            io.BytesIO(cleaned),
            read_options=pacsv.ReadOptions(column_names=list(FIELDS), block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False, escape_char=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=["name", "x", "y", "net"],
                column_types={"name": pa.string(), "x": pa.float64(), "y": pa.float64(), "net": pa.string()},
                strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raise _locate(data, path, str(error)) from None
    x = table.column("x").to_numpy(zero_copy_only=False).astype(float, copy=False)
    y = table.column("y").to_numpy(zero_copy_only=False).astype(float, copy=False)
    if not (np.isfinite(x).all() and np.isfinite(y).all()) or max(np.abs(x).max(), np.abs(y).max()) > MAX_LENGTH:
        raise _locate(data, path, "a coordinate that is not a finite number")
    net_codes, net_names = net_column(table.column("net"))
    names = Strings(table.column("name"))
    return BumpMap(names, x, y, net_codes, net_names)


def _clean(data: bytes) -> bytes:
    """A bump map's lines as pyarrow reads them: comments emptied, each run of blanks one space,
    none at a line's ends. Each pass only where the bytes call for it (a search for a byte runs
    at memory speed; a regular expression over 400 MB takes seconds even where it changes nothing)."""
    if b"#" in data:
        data = _COMMENT.sub(b"", data)
    if any(blank in data for blank in (b"  ", b"\t", b"\r", b"\f", b"\v")):
        data = _BLANKS.sub(b" ", data)
    if b"\n " in data or b" \n" in data or data[:1] == b" " or data[-1:] == b" ":
        data = _EDGES.sub(b"", data)
    return data


def split_bumps(
    file: Path,
    path: str,
    bin_of: Callable[[Any, Any], Any],
    bins: int,
    place: Callable[[Any, Any], tuple[Any, Any]],
    share: tuple[int, int] | None = None,
) -> list[Table]:
    """The bumps of a bump map sorted into `bins` parts by `bin_of(px, py)` of their placed
    positions (`place`), read a block at a time (`--tiles`: a tile's window, or a split task's
    range `share` of the rows), as `tables.split_rows` sorts a CSV table's rows: numbered as
    `read_bmap` numbers them (comment and blank lines are not bumps), the parts keeping the placed
    positions (`px`, `py`). Raises NotStreamed for what only the whole read can tell about."""
    import pyarrow as pa

    try:
        return sort_batches(_batches(file, share), path, COLUMNS, bin_of, bins, place, raw=share is not None)
    except (pa.ArrowInvalid, pa.ArrowException) as error:
        raise NotStreamed(str(error)) from None


def _batches(file: Path, share: tuple[int, int] | None) -> Iterator[Any]:
    """The bumps of a file (or of the i-th of k byte ranges of it) as record batches, the net
    column dictionary encoded, cleaned block by block as `read_bmap` cleans the whole file."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with file.open("rb") as stream:
        bom = len(BOM) if stream.read(len(BOM)) == BOM else 0
        if share is not None:
            source: BinaryIO = range_of(file, bom, *share, quoted=False)
        else:
            stream.seek(bom)
            source = stream
        for block in _blocks(source):
            if b"\r" in block:  # CR LF ends a line as LF does; CR alone (old Mac) is read whole
                block = block.replace(b"\r\n", b"\n")
                if b"\r" in block:
                    raise NotStreamed("old Mac line ends")
            cleaned = _clean(block)
            if not cleaned.strip():
                continue
            table = pacsv.read_csv(
                io.BytesIO(cleaned),
                read_options=pacsv.ReadOptions(column_names=list(FIELDS), block_size=2 * BLOCK, use_threads=False),
                parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False, escape_char=False),
                convert_options=pacsv.ConvertOptions(
                    include_columns=list(COLUMNS),
                    column_types={
                        "name": pa.string(),
                        "x": pa.float64(),
                        "y": pa.float64(),
                        "net": pa.dictionary(pa.int32(), pa.string()),
                    },
                    strings_can_be_null=False,
                ),
            )
            for batch in table.to_batches():
                far = max(_largest(batch.column("x")), _largest(batch.column("y")))
                if not far <= MAX_LENGTH:  # also NaN
                    raise NotStreamed("a coordinate that is not a finite number")
                yield batch


def _largest(column: Any) -> float:
    values = column.to_numpy(zero_copy_only=False)
    return float(np.abs(values).max(initial=0.0)) if np.isfinite(values).all() else float("nan")


def _blocks(stream: BinaryIO) -> Iterator[bytes]:
    """A stream's bytes about `BLOCK` at a time, each cut after a line end (the last as it ends)."""
    carry = b""
    while chunk := stream.read(BLOCK):
        data = carry + chunk
        cut = data.rfind(b"\n")
        if cut < 0:
            if len(data) > LONGEST_LINE:
                raise NotStreamed("a line longer than 16 MB")
            carry = data
            continue
        yield data[: cut + 1]
        carry = data[cut + 1 :]
    if carry:
        yield carry


def _locate(data: bytes, path: str, reason: str) -> ImportProblem:
    """The first line the fast reader refused, read again on its own, with what is wrong with it."""
    try:
        text = utf8_text(data, path)
    except ImportProblem as problem:
        return problem
    for number, row in enumerate(text.split("\n"), start=1):
        if not row.strip(" \t\r\f\v") or row.startswith("#"):
            continue
        fields = _BLANKS_TEXT.split(row.strip(" \t\r\f\v"))  # as the fast reader splits, not str.split()
        if len(fields) != len(FIELDS):
            return problem_at(
                path,
                text,
                "E001",
                f"this line has {len(fields)} field{'s' * (len(fields) != 1)}, a bump map line has 6: "
                "bumpInstName bumpCellType x y portName netName",
                number,
                1,
                len(row.rstrip()),
            )
        for index in (2, 3):
            value = float(fields[index]) if NUMBER.fullmatch(fields[index]) else float("nan")
            if np.isfinite(value) and abs(value) <= MAX_LENGTH:
                continue
            code, what = (
                ("E008", "is farther than 1 km from the chiplet's origin")
                if np.isfinite(value)
                else ("E001", "is not a finite number" if NUMBER.fullmatch(fields[index]) else "is not a number")
            )
            token = fields[index] if len(fields[index]) <= 40 else fields[index][:40] + "…"
            return problem_at(
                path,
                text,
                code,
                f"`{token}` {what} ({FIELDS[index]} of bump `{fields[0][:80]}`)",
                number,
                _token_column(row, index),
                len(fields[index]),
            )
    return problem_at(path, text, "E001", f"the bump map cannot be read: {reason}", 1, 1)


def _token_column(line: str, index: int) -> int:
    """Where the index-th blank-separated field of a line starts (1-based)."""
    matches = list(re.finditer(r"[^ \t\r\f\v]+", line))
    return matches[index].start() + 1 if index < len(matches) else len(line) + 1
