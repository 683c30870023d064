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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assemblint.importing.problems import ImportProblem, problem_at, utf8_text
from assemblint.importing.tables import NUMBER, Strings, net_column
from assemblint.importing.yaml_nodes import MAX_LENGTH

FIELDS = ("name", "cell", "x", "y", "port", "net")
_COMMENT = re.compile(rb"(?m)^#[^\n]*")
_BLANKS = re.compile(rb"[ \t\r\f\v]+")
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
    cleaned = _EDGES.sub(b"", _BLANKS.sub(b" ", _COMMENT.sub(b"", data)))
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
