"""Reading an input file as carefully as a design: the deck, the waivers file, the baseline, the
configuration (docs/safety.md, "Every input file").

Each of them comes from someone else as a design does, so each is held to what a design is held
to. Only a regular file is opened, and without blocking: a FIFO, a device or a folder is refused
(E006) before anything is read from it, whatever link led to it. A file over the size limit is
refused by its size (E009), and reading stops one byte past the limit whatever the file claims.
Text must be UTF-8 (a byte-order mark is accepted, as in a design); a byte that is not is an E001
at its line and column. TOML and JSON errors come with their line and column, nesting too deep
for the parser and integers too long to convert included. A message names the file, the line and
the column, and never quotes the file's text: the file might not be what it claims to be (a token
file behind a link), and a person reading a CI log must not see it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import tomllib
from typing import Any

from assemblint.base.diagnostics import visible
from assemblint.base.limits import DEFAULT_MAX_FILE_SIZE, how_to_raise, size_text, suggested_size

BOM = b"\xef\xbb\xbf"


class InputFileError(Exception):
    """An input file that cannot be used: `FILE:LINE:COLUMN: CODE message` (FILE alone when no line
    is meaningful). Every reader re-raises it as its own error (DeckError, WaiverFileError, …)."""

    def __init__(self, path: str | os.PathLike[str], code: str, message: str, line: int = 0, column: int = 0):
        self.path, self.code, self.line, self.column = str(path), code, line, column
        where = shown_path(path) + (f":{line}:{column}" if line else "")
        super().__init__(f"{where}: {code} {visible(message)}")


class NotRegularFile(OSError):
    """A path that is a folder, a FIFO, a socket or a device: never read."""


class TooLarge(OSError):
    """A file over its size limit: never read past it."""

    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: a control character (a line feed, ESC) as its picture, so that
    a file name can neither start a new line in a CI log nor reach a terminal raw."""
    return visible(str(path))


def read_capped(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a regular file, at most `max_bytes` of them.

    Opened without blocking and checked on the open descriptor, so a FIFO, a device or a folder
    (or a link to one, or a file swapped for one since it was looked at) is refused with
    NotRegularFile and nothing is read from it; TooLarge when the file is larger than `max_bytes`,
    by its size first, then by reading one byte past the limit."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"{path} is not a regular file")
        if info.st_size > max_bytes:
            raise TooLarge(info.st_size)
        chunks: list[bytes] = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:
            raise TooLarge(len(data))
        return data
    finally:
        os.close(fd)


def read_input(path: str | os.PathLike[str], what: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """`read_capped`, its refusals as InputFileError naming `what` the file is ("the waivers file")."""
    try:
        return read_capped(path, max_bytes)
    except NotRegularFile:
        raise InputFileError(
            path, "E006", f"{what} is not a regular file (a folder, pipe or device) and was not read"
        ) from None
    except TooLarge as large:
        raise InputFileError(
            path,
            "E009",
            f"{what} is {size_text(large.size)}, more than the limit of {size_text(max_bytes)} for one input "
            "file, and was not read; "
            + how_to_raise(
                "--max-file-size",
                "max-file-size",
                suggested_size(large.size),
                f'"{suggested_size(large.size)}"',
            ),
        ) from None
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        raise InputFileError(path, "E006", f"cannot read {what}: {getattr(error, 'strerror', None) or error}") from None


def position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(path: str | os.PathLike[str], data: bytes, what: str) -> str:
    """UTF-8 text, a leading byte-order mark dropped; a byte that is not UTF-8 is an E001 at its
    line and column, without the text around it."""
    data = data.removeprefix(BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", errors="replace")
        line, column = position(before, len(before))
        raise InputFileError(
            path,
            "E001",
            f"{what} is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read); save it as UTF-8",
            line,
            column,
        ) from None


def read_text(path: str | os.PathLike[str], what: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> str:
    """A UTF-8 input file's text, held to everything above."""
    return decode(path, read_input(path, what, max_bytes), what)


_TOML_WHERE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


def parse_toml(path: str | os.PathLike[str], text: str, what: str) -> dict[str, Any]:
    """TOML, its errors at their line and column (tomllib writes them at the end of its message)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = _TOML_WHERE.search(message)
        if found:
            line, column = int(found[1]), int(found[2])
        else:
            line, column = position(text, len(text))
        message = _TOML_END.sub("", _TOML_WHERE.sub("", message))
        raise InputFileError(path, "E001", f"{what} is not valid TOML: {message}", line, column) from None
    except RecursionError:
        raise _too_deep(path, text, what, _TOML_TOKENS) from None
    except ValueError:  # an integer of thousands of digits
        raise _too_long(path, text, what, _TOML_INTEGER) from None


def read_toml(path: str | os.PathLike[str], what: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> dict[str, Any]:
    """A TOML input file, held to everything above."""
    return parse_toml(path, read_text(path, what, max_bytes), what)


def parse_json(path: str | os.PathLike[str], text: str, what: str) -> Any:
    """JSON, its errors at their line and column: syntax, nesting deeper than the parser goes, and an
    integer longer than Python converts (`sys.get_int_max_str_digits`)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(
            path, "E001", f"{what} is not valid JSON: {error.msg}", error.lineno, error.colno
        ) from None
    except RecursionError:
        raise _too_deep(path, text, what, _JSON_TOKENS) from None
    except ValueError:  # an integer of thousands of digits
        raise _too_long(path, text, what, _JSON_INTEGER) from None


def read_json(path: str | os.PathLike[str], what: str, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> Any:
    """A JSON input file, held to everything above."""
    return parse_json(path, read_text(path, what, max_bytes), what)


# What opens and closes a level of nesting, with what may hide a bracket (strings, comments), so
# that the deepest point of a file too deep to parse can be named.
_TOML_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*|[\[\]{}]')
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')


_JSON_INTEGER = re.compile(r"-?\d+")
_TOML_INTEGER = re.compile(r"[-+]?\d[\d_]*")


def _too_long(path: str | os.PathLike[str], text: str, what: str, integers: re.Pattern[str]) -> InputFileError:
    """The error of a file holding an integer longer than Python converts (`sys.get_int_max_str_digits`),
    at the first such integer (a run of digits in a string is as good a place as any, and rarer)."""
    limit = sys.get_int_max_str_digits() or 4300
    for match in integers.finditer(text):
        digits = sum(c.isdigit() for c in match[0])
        if digits > limit:
            line, column = position(text, match.start())
            message = f"{what} holds a number of {digits:,} digits, more than the {limit:,} that can be read"
            return InputFileError(path, "E001", message, line, column)
    return InputFileError(path, "E001", f"{what} holds a value that cannot be read", 1, 1)


def _too_deep(path: str | os.PathLike[str], text: str, what: str, tokens: re.Pattern[str]) -> InputFileError:
    """The error of a file nested deeper than its parser can follow, at the first of its deepest brackets."""
    depth, deepest, at = 0, 0, 0
    for match in tokens.finditer(text):
        token = match[0]
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, match.start()
        elif token in "]}":
            depth = max(depth - 1, 0)
    line, column = position(text, at) if deepest else (1, 1)
    return InputFileError(
        path, "E001", f"{what} is nested {deepest:,} levels deep (arrays and tables), too deep to read", line, column
    )
