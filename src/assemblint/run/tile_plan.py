"""`--tiles`: the plan of a tiled run: the tile size asked for, `auto`'s size (fitted to the
workers' memory when they have a limit), the tiles' borders and their windows (core and halo)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from assemblint.base.units import UnitError, parse_quantity_text
from assemblint.model.tiles import Window

AUTO_OBJECTS = 500_000  # `--tiles auto`: tiles of about this many pads each
# `--tiles auto` on workers with a memory limit: tiles of at most as many pads as fit in it, two
# tasks a worker in flight (`_in_flight`), beside the worker's own floor and its share of the
# split rows it keeps. Measured on 10,000,000 bumps with every rule that runs on tiles
# (benchmarks/bench_tiles.py --select all, docs/tiles.md): tiles of 123,000 pads peaked at 903 MB
# a worker of 1 GB, tiles of 625,000 went past it.
WORKER_FLOOR = 300 << 20  # bytes: Python, numpy, scipy, pyarrow and Dask in a worker
KEPT_ROW_BYTES = 63  # a split row kept on the workers: positions, row, net, name
TILE_PAD_BYTES = 1_400  # a tile's model and its rules' arrays, per pad it holds (its halo's too)
MIN_AUTO_OBJECTS = 10_000


class TilesError(Exception):
    """A `--tiles` value that is not a length or `auto`: exit 2."""


def tile_size(text: str) -> float | None:
    """`--tiles`: a length in µm, or None for `auto` (raises TilesError)."""
    if text.strip() == "auto":
        return None
    try:
        size = parse_quantity_text(text, "length")
    except UnitError as error:
        raise TilesError(f"--tiles must be a length (`5 mm`) or `auto`, not {text!r}: {error}") from None
    if not size > 0:
        raise TilesError(f"--tiles must be a length greater than 0, not {text!r}")
    return size


def tile_option(text: str) -> tuple[float | None]:
    """`--tiles SIZE` as argparse reads it: a one-element tuple (None in it is `auto`, not unset)."""
    try:
        return (tile_size(text),)
    except TilesError as error:
        raise ValueError(str(error)) from None


def auto_objects(memory: tuple[int, int] | None, pads: int) -> int | None:
    """`--tiles auto` on workers of `memory` (the least worker's limit in bytes, and how many
    workers): the most pads a tile may hold so that two tasks fit beside the worker's floor and
    its share of the design's `pads` kept by the split. None: no limit, tiles of about
    AUTO_OBJECTS pads."""
    if memory is None or memory[0] <= 0:
        return None
    limit, workers = memory
    room = limit - WORKER_FLOOR - pads * KEPT_ROW_BYTES / max(1, workers)
    return int(min(AUTO_OBJECTS, max(MIN_AUTO_OBJECTS, room / (2 * TILE_PAD_BYTES))))


def worker_memory(client: Any) -> tuple[int, int] | None:
    """The least memory limit of the cluster's workers (bytes) and their number; None: no limit
    (a worker without one, or this process)."""
    if client is None:
        return None
    workers = client.scheduler_info().get("workers", {}).values()
    limits = [int(w.get("memory_limit") or 0) for w in workers]
    if not limits or min(limits) <= 0:
        return None
    return min(limits), len(limits)


def grid(
    extent: tuple[float, float, float, float, int], size: float | None, most: int | None = None
) -> tuple[list[float], list[float]]:
    """The tiles' borders over the design's pads (`_extent`: x0, y0, x1, y1, count), x and y, the
    outer ones at infinity, so every object lies in exactly one core. `size` None: `auto`, tiles of
    about AUTO_OBJECTS pads, or of at most `most` (the workers' memory, `auto_objects`)."""
    x0, y0, x1, y1, count = extent
    if count == 0 or not x0 <= x1:
        return [-math.inf, math.inf], [-math.inf, math.inf]
    if size is None:
        tiles = max(1, math.ceil(count / (most or AUTO_OBJECTS)))
        across = math.ceil(math.sqrt(tiles)) if most else max(1, math.floor(math.sqrt(tiles)))
        size = max(x1 - x0, y1 - y0, 1.0) / across
    nx = max(1, math.ceil((x1 - x0) / size + 1e-9))
    ny = max(1, math.ceil((y1 - y0) / size + 1e-9))
    if (x1 - x0) / size == nx and nx > 0:
        nx += 1
    if (y1 - y0) / size == ny and ny > 0:
        ny += 1
    xs = [x0 + i * size for i in range(nx + 1)]
    ys = [y0 + j * size for j in range(ny + 1)]
    xs[0], xs[-1], ys[0], ys[-1] = -math.inf, math.inf, -math.inf, math.inf
    return xs, ys


def plan(
    extent: tuple[float, float, float, float, int], size: float | None, halo: float, most: int | None = None
) -> list[Window]:
    """The tiles' windows: row by row from the lowest x and y, each core grown by `halo`."""
    xs, ys = grid(extent, size, most)
    return [Window(xs[i], ys[j], xs[i + 1], ys[j + 1], halo) for j in range(len(ys) - 1) for i in range(len(xs) - 1)]


def near(xs: list[float], ys: list[float], window: Window) -> list[int]:
    """The tiles whose cores meet `window` (its core grown by its halo): whose rows it may hold."""
    h = window.halo
    x, y = np.asarray(xs), np.asarray(ys)
    cols = np.flatnonzero((x[:-1] <= window.x1 + h) & (x[1:] > window.x0 - h))
    rows = np.flatnonzero((y[:-1] <= window.y1 + h) & (y[1:] > window.y0 - h))
    return [int(j * (len(xs) - 1) + i) for j in rows for i in cols]
