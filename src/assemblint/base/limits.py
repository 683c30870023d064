"""Limits on what one design may ask of the engine, so that a broken or hostile design fails fast.

Each limit stops the run with an E009 that names the limit, the value found where it is known
cheaply, and how to raise it: a command-line option of `check`, `report` and `graph`, and a key
of `[tool.assemblint]` (config.py). Every limit is checked before the work it protects, never
after: a refused file is not read, an import past the depth is not opened, an expression past the
depth is not parsed further, a grid past the object count is not allocated.

The defaults, and why:

- `max_objects` = 50,000,000 pads and masses counted out of grids and cells (`--max-objects`,
  `max-objects`; the count lives in builder.py). The spec's default; a million masses, the
  largest design the spec asks for, builds in seconds, and fifty times that still fits in a few
  GB of numpy arrays.
- `max_file_size` = 512 MiB (`--max-file-size`, `max-file-size`), for every file a design reads:
  `.assy`, 3DBlox and bump maps. Real exports are large: a 5,000,000-bump map as CSV is about
  200 MB, and a 300,000-mass flat `.assy` export, one statement per line, about 60 MB. Bump maps
  are read by columns (importing/), a few seconds per million rows, and the one-line statements of
  an export by explicit.py's fast path; past 512 MiB a file is more likely a mistake (a log, an
  image) than a design, and a sentence saying so serves better. The size comes from `stat`,
  before the file is opened.
- `max_import_depth` = 100 (`--max-import-depth`, `max-import-depth`). Real designs nest imports
  a handful deep; a chain of 100 is already far past any house library, and a generated chain of
  10,000 files is refused after reading 100 small ones.
- `max_expression_depth` = 200 (`--max-expression-depth`, `max-expression-depth`), as in
  CPython's own limit on nested parentheses. Each pair of parentheses, each sign `-` and each
  operator `+ - * /` is one level: `((1 mm))` is 2 deep, `1 mm + 2 mm + 3 mm` is 2, `-(2 * w)` is
  3. Real expressions are a few levels deep. Lark's LALR parser keeps its own stack and does not
  recurse, but that stack, the time to parse (superlinear past ~25,000 levels) and the recursion
  of everything that walks an expression afterwards (evaluation, dataclass comparison) grow with
  the depth. Parentheses and signs are counted by the postlexer, before the parser sees them;
  operator chains by the transformer, at the reduction that goes one level too deep (syntax.py).

A limit of 0 means none of that thing is allowed, not "no limit": there is no unlimited setting,
only large numbers, so that a limit is always a number a person chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_MAX_OBJECTS = 50_000_000
DEFAULT_MAX_FILE_SIZE = 512 * 2**20
DEFAULT_MAX_IMPORT_DEPTH = 100
DEFAULT_MAX_EXPRESSION_DEPTH = 200


@dataclass(frozen=True)
class Limits:
    """The caps the loader and the parser enforce (the object count is the builder's `max_objects`)."""

    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes of one design file
    max_import_depth: int = DEFAULT_MAX_IMPORT_DEPTH  # imports nested inside imports
    max_expression_depth: int = DEFAULT_MAX_EXPRESSION_DEPTH  # levels of one expression

    def __post_init__(self) -> None:
        for name in ("max_file_size", "max_import_depth", "max_expression_depth"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"`{name}` must be a whole number, 0 or more, got {value!r}")


def how_to_raise(option: str, key: str, example: str, toml: str | None = None) -> str:
    """The end of every E009: the command-line option and the configuration key that raise the limit
    (`toml`: the example as the configuration writes it, when that differs, as a quoted size does)."""
    setting = f"{key} = {toml or example}"
    return f"raise the limit with `{option} {example}` or `{setting}` in [tool.assemblint] if this is intended"


def size_text(size: int) -> str:
    """104857600 -> `100 MiB (104,857,600 bytes)`: a size a person reads, with the exact count."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit} ({size:,} bytes)"
    return f"{size:,} bytes"


def suggested_size(size: int) -> str:
    """A `--max-file-size` value that admits `size`: whole MiB, rounded up."""
    return f"{-(-size // 2**20)}M"


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)
_SCALE = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


def parse_size(value: str | int) -> int:
    """`33554432`, `512K`, `32M`, `32 MiB`, `1G` -> bytes (binary units: 1M = 2**20).

    A bare number is bytes, so that the exact size a message printed can be given back as it is.
    Raises ValueError with a sentence.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a size such as 64M or 67108864, got {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"expected a size, 0 or more, got {value!r}")
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"expected a size such as 64M or 67108864, got {value!r}")
    return int(float(match.group(1)) * _SCALE[match.group(2).lower()])


def parse_count(value: str | int) -> int:
    """A depth: a whole number, 0 or more. Raises ValueError with a sentence."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number, 0 or more, got {value!r}")
    return value
