"""`check --executor dask --tiles SIZE`: one flat design checked as square tiles on a Dask cluster.

The design's top view is cut into square tiles of SIZE; each tile is checked by a Dask task
with a halo of the largest reach of the rules that run (`Rule.reach`) plus the longest link, on
a model holding only the objects in its window (model/tiles.py). Each pass is a set of
`dask.delayed` tasks:

0. **split and halo** (bump maps read by window, model/windowed.py): each map is read once, by
   ranges of rows, its rows sorted into the tiles' cores and kept on the workers; each tile then
   measures the largest reach and link among its objects, and the largest is the design's, and
   sends the coinciding bumps of each 3DBlox connection in its core, which number its masses.
1. **nodes**: each tile finds its electrical nodes and sends back those that touch its band (the
   pads a neighbour holds too) with the smallest pad id of each. The run unites them through the
   pads they share (a union–find, as scipy's connected components of the shared pads), so a node
   that crosses tiles is one node, named by its smallest pad id, as one process numbers it. The
   same build runs the reductions' first pass (`Reduction.prepare`), combined once in the run.
2. **check**: each tile is built again, takes the whole design's node of each of its objects,
   and runs the rules (checking/tiling.py): `each` rules' findings kept where their objects lie
   in the core, reductions' parts sent back whole.

The run then merges the tiles' findings and runs the reductions, waivers and review rules, once
(tiling.merge_tiles), and the report is the one a single process makes. A design it cannot read
by window (docs/tiles.md) is built whole in this process, and the run says why on stderr.
"""

from __future__ import annotations

import math
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assemblint.base.diagnostics import LanguageError
from assemblint.build.loader import load as load_design
from assemblint.checking.budgets import Budget
from assemblint.checking.engine import matches
from assemblint.checking.problems import PluginProblem
from assemblint.checking.tiling import TilePart, check_tile, combine_parts, merge_tiles, prepare_tile
from assemblint.importing.tables import merge_names, rows_of
from assemblint.model.tiles import Tile, Window, restrict, span
from assemblint.model.windowed import Coincident, Fed, NothingHeld, Splitter
from assemblint.run import pipeline
from assemblint.run.parallel import (
    HOSTS,
    HostSpec,
    Unit,
    dask_client,
    host_of,
    plugin_difference,
    plugin_signature,
    settings_of,
)
from assemblint.run.pipeline import CheckOptions, DesignResult
from assemblint.run.tile_plan import TilesError, auto_objects, grid, near, plan, worker_memory

if TYPE_CHECKING:
    from assemblint.checking.rules import Rule
    from assemblint.model.assembly import Assembly
    from assemblint.plugins.host import PluginHost
    from assemblint.report.report import Report

SPLIT_BYTES = 64 << 20  # a bump map is split by tasks of this many bytes of rows each


def configure(options: CheckOptions, tiles: tuple[float | None] | None, worker_memory: int | None) -> None:
    """`--tiles` and `--worker-memory` into the run's options (TilesError: exit 2)."""
    if tiles is not None:
        if options.executor != "dask":
            raise TilesError("--tiles checks a design on a Dask cluster: give it with --executor dask")
        options.tiled, options.tiles = True, tiles[0]
    if worker_memory is not None:
        if options.executor != "dask" or options.scheduler:
            raise TilesError("--worker-memory sizes the workers of a local Dask cluster: give it with --executor dask")
        options.worker_memory = worker_memory


def halo_of(rules: list[Rule], settings_of: Any, assembly: Assembly) -> float:
    """The largest reach (µm) of the rules that run: how far past its core a tile must hold objects."""
    reach = 0.0
    for rule in rules:
        if rule.reach is None:
            continue
        settings = settings_of(rule)
        if settings is not None and settings.enabled:
            reach = max(reach, float(rule.reach(settings.params, assembly)))
    return reach


@dataclass
class TileJob:
    """One tile of one design, as a worker rebuilds it: the unit (path, options, plugins) and its window."""

    unit: Unit
    window: Window
    index: int
    pads: int  # the whole design's pad count: node keys past it are nodes without pads
    windowed: bool = True  # read only the bump-map rows in the window (model/windowed.py); False: all


@dataclass
class NodePart:
    """Pass 1: the tile's nodes that touch its band — the band's pads and their node, and each
    such node's smallest pad id."""

    band_pads: np.ndarray
    band_node: np.ndarray
    nodes: np.ndarray
    node_min: np.ndarray
    prepared: TilePart | None = None  # the first pass of the reductions that have one (`prepare`)


@dataclass
class SplitJob:
    """One range of one bump map's rows (`key`, `die.b`) read once and sorted into the tiles' cores."""

    unit: Unit
    key: str
    xs: list[float]  # the tiles' borders (grid), the outer ones at infinity
    ys: list[float]
    share: tuple[int, int] = (0, 1)  # the i-th of k ranges of the map's rows


def tile_split(job: SplitJob) -> tuple[list[Any], Any, int]:
    """The split pass, in a worker: the range's rows tile by tile, its net names as read (for the
    run to merge into the map's) and its row count (for the run to number the rows)."""
    unit = job.unit
    if os.getcwd() != unit.cwd:
        os.chdir(unit.cwd)
    _, extensions = host_of(unit.host)
    window = Splitter(job.key, job.xs[1:-1], job.ys[1:-1], job.share)
    parts = _load(Path(unit.path), unit.options, extensions, window).windowed.parts
    names = parts[0].net_names if parts else None
    for part in parts:
        part.net_names = None
    return parts, names, (parts[0].total or 0) if parts else 0


def _summary(split: tuple[list[Any], Any, int]) -> tuple[Any, int]:
    return split[1], split[2]


def _parts_of(
    split: tuple[list[Any], Any, int], tiles: list[int], window: Window, numbering: tuple[int, int, Any]
) -> list[Any]:
    """The rows of the split's tiles `tiles` within `window` (only those travel to the tile's
    worker), numbered and their nets coded as the whole design's: `numbering` is the range's first
    row in the map, the map's rows and each of the range's net codes as the run merged them."""
    first, total, merged = numbering
    out = []
    for part in (split[0][t] for t in tiles):
        rows = rows_of(part, window.holds(part.numbers["px"], part.numbers["py"]))
        assert rows.rows_kept is not None
        rows.rows_kept, rows.total = rows.rows_kept + first, total
        if rows.net_codes is not None:
            rows.net_codes = np.where(rows.net_codes >= 0, np.append(merged, -1)[rows.net_codes], -1)
        out.append(rows)
    return out


def _built(job: TileJob, fed: Any = None) -> tuple[Assembly, list[Rule], Any]:
    """The design as the tile's worker builds it: the bump-map rows in the window (or all), every
    declaration and explicit object; the rules and settings of the run."""
    unit = job.unit
    if os.getcwd() != unit.cwd:
        os.chdir(unit.cwd)
    host, extensions = host_of(unit.host)
    settings, rules = settings_of(unit, host)
    window = (Fed(job.window, *fed) if fed else job.window) if job.windowed else None
    return _load(Path(unit.path), unit.options, extensions, window), rules, settings


def _tile(job: TileJob, fed: Any = None) -> tuple[Tile, list[Rule], Any]:
    assembly, rules, settings = _built(job, fed)
    return restrict(assembly, job.window), rules, settings


def _load(path: Path, options: CheckOptions, extensions: Any, window: Any = None) -> Assembly:
    """The design as a tile cuts it: flat (every placed instance built), within the run's limits;
    with a window, only its bump-map rows (NothingHeld: none, the run's own stand-in)."""
    return load_design(
        path,
        root=options.root,
        extensions=extensions,
        max_objects=options.max_objects,
        flat=True,
        limits=options.limits,
        window=window,
    )


def tile_reach(job: TileJob, fed: Any = None) -> tuple[float, float, dict[str, tuple[np.ndarray, int]]]:
    """Pass 0 of a windowed run, in a worker: the largest reach of the rules that run over the
    objects the window holds, and the longest link among them (every object lies in one core, and
    the provisional halo holds each of its links: the largest over the tiles is the design's); and
    the rows of each 3DBlox connection's top bumps in the core that coincide (`count_masses`)."""
    assembly, rules, settings = _built(job, fed)
    assert settings.deck is not None
    coinciding = assembly.windowed.coinciding if assembly.windowed is not None else {}
    return halo_of(rules, _effective(settings.deck), assembly), span(assembly), coinciding


def count_masses(reaches: list[tuple[float, float, dict[str, tuple[np.ndarray, int]]]]) -> dict[str, Coincident]:
    """Each 3DBlox connection's coinciding bumps over the whole design, from every tile's core
    (each bump lies in one core): what numbers its masses in every tile (model/windowed.py)."""
    found: dict[str, np.ndarray] = {}
    seen: dict[str, int] = {}
    for _, _, coinciding in reaches:
        for name, (rows, total) in coinciding.items():
            present = found.setdefault(name, np.zeros(total, dtype=bool))
            present[rows] = True
            seen[name] = seen.get(name, 0) + len(rows)
    ranks = {name: Coincident(present) for name, present in found.items()}
    for name, rank in ranks.items():
        if rank.count != seen[name]:
            raise RuntimeError(f"the tiles' cores hold {seen[name]:,} of {name}'s masses, {rank.count:,} distinct")
    return ranks


def _node_min(tile: Tile, job: TileJob) -> tuple[np.ndarray, np.ndarray]:
    """Each local node's label and its key: its smallest global pad id (past the design's pads for
    a node without pads: unique to the tile)."""
    netlist = tile.assembly.netlist
    assert netlist is not None
    labels = netlist.node_labels
    count = int(labels.max()) + 1 if len(labels) else 0
    key = job.pads + job.index * (1 << 32) + np.arange(count, dtype=np.int64)
    pads = netlist.pad_count
    np.minimum.at(key, labels[:pads], tile.pad_global)
    return labels, key


def tile_nodes(job: TileJob, fed: Any = None) -> NodePart:
    """Pass 1, in a worker: the tile's nodes on its band, and the reductions' first pass."""
    tile, rules, settings = _tile(job, fed)
    labels, key = _node_min(tile, job)
    pads = len(tile.pad_global)
    band = tile.pad_band
    band_node = labels[:pads][band]
    nodes = np.unique(band_node)
    part = NodePart(tile.pad_global[band], band_node, nodes, key[nodes])
    options = job.unit.options
    assert settings.deck is not None
    tile.assembly.seal()
    part.prepared = prepare_tile(
        tile, rules, settings.deck, options.select, options.ignore, Budget(options.rule_timeout, options.rule_memory)
    )
    return part


def unite(parts: list[NodePart]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The whole design's key of each tile's band nodes: nodes sharing a pad are one, keyed by the
    smallest pad id among them."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    offsets = np.cumsum([0] + [len(p.nodes) for p in parts])
    total = int(offsets[-1])
    if total == 0:
        return [(p.nodes, p.node_min) for p in parts]
    pads = np.concatenate([p.band_pads for p in parts])
    vertex = np.concatenate([offsets[i] + np.searchsorted(p.nodes, p.band_node) for i, p in enumerate(parts)]).astype(
        np.int64
    )
    order = np.lexsort((vertex, pads))
    pads, vertex = pads[order], vertex[order]
    same = pads[1:] == pads[:-1]
    src, dst = vertex[:-1][same], vertex[1:][same]
    graph = coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(total, total)).tocsr()
    _, component = connected_components(graph, directed=True, connection="weak")
    mins = np.concatenate([p.node_min for p in parts])
    least = np.full(int(component.max()) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(least, component, mins)
    keys = least[component]
    return [(p.nodes, keys[offsets[i] : offsets[i + 1]]) for i, p in enumerate(parts)]


def tile_check(
    job: TileJob, united: tuple[np.ndarray, np.ndarray], fed: Any = None, shared: dict[str, Any] | None = None
) -> TilePart:
    """Pass 2, in a worker: the tile with the whole design's nodes (and what the reductions'
    first pass combined, `shared`), checked."""
    tile, rules, settings = _tile(job, fed)
    tile.shared = shared or {}
    labels, key = _node_min(tile, job)
    nodes, keys = united
    key[nodes] = keys
    distinct, dense = np.unique(key, return_inverse=True)
    netlist = tile.assembly.netlist
    assert netlist is not None
    netlist.__dict__["node_labels"] = dense.reshape(-1)[labels].astype(np.int64)  # before the seal freezes it
    tile.node_key = distinct
    tile.assembly.seal()
    options = job.unit.options
    assert settings.deck is not None
    part = check_tile(
        tile, rules, settings.deck, options.select, options.ignore, Budget(options.rule_timeout, options.rule_memory)
    )
    part.plugins = tile_signature(job)
    return part


def tile_signature(job: TileJob) -> tuple[tuple[str, str], ...]:
    """The plugins and versions of the worker that checks a tile: the run's, or a problem (exit 3)."""
    return plugin_signature(host_of(job.unit.host)[0])


def check_tiled(report: Report, files: list[Path], options: CheckOptions, host: PluginHost, size: float | None) -> None:
    """Check each file as tiles on Dask (`--scheduler synchronous`: in this process, one by one)."""
    spec = HostSpec.of(host)
    mine = plugin_signature(host)
    extensions = host.language_extensions()
    HOSTS[spec] = (host, extensions)  # the synchronous scheduler's tiles, in this process, use this run's plugins
    client = cluster = None
    if options.scheduler != "synchronous":
        workers = options.jobs if options.jobs > 1 else os.cpu_count() or 1
        client, cluster = dask_client(options.scheduler, workers, options.worker_memory)
    try:
        for path in files:
            unit = Unit(str(path), os.getcwd(), options, spec, uuid.uuid4().hex)
            try:
                result = _check_file(report, path, unit, (extensions, mine), size, _computer(client))
            except Exception as error:  # a worker lost (past --worker-memory), a bug of ours: exit 3
                result = _failed(path, error)
            if result is None:  # the serial path reports it exactly as without tiles
                pipeline.merge(report, pipeline.check_design(path, report.settings, report.rules, options, extensions))
            else:
                pipeline.merge(report, result)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        HOSTS.pop(spec, None)


def _check_file(
    report: Report, path: Path, unit: Unit, host: tuple[Any, Any], size: float | None, computer: tuple[Any, ...]
) -> DesignResult | None:
    """One design as tiles; None when it does not build (the serial path then reports why)."""
    import dask

    compute = computer[0]
    extensions, mine = host  # the run's language extensions and plugins
    options = unit.options
    deck = report.settings.deck
    assert deck is not None
    try:
        whole = _load(path, options, extensions, NothingHeld())
        reason = _built_whole(whole, report.rules, deck, options)
        complete = whole.windowed is None or not whole.windowed.totals  # every row read: this is the design
    except LanguageError as error:  # built whole, it says where it is wrong, or what else kept the windows out
        reason, complete = f"it cannot be built by window ({error.diagnostics[0].message})", False
    fed_of: Any = lambda window, ranks=None: None  # noqa: E731 (the tiles read their rows themselves)
    ranks = None
    if reason is None:  # the workers read their windows' rows; this process holds none
        windowed = whole.windowed
        most = auto_objects(computer[3], _extent(whole)[4])
        fed_of = _split(whole, unit, grid(_extent(whole), size, most), computer)
        provisional = max(windowed.tolerance, 1.0)
        zero = [
            TileJob(unit, w, i, whole.pad_count) for i, w in enumerate(plan(_extent(whole), size, provisional, most))
        ]
        reaches = compute([dask.delayed(tile_reach, pure=False)(job, fed_of(job.window)) for job in zero])
        # an object within reach of the core is held with its links; and the masses of pads within
        # the tolerance of a window's edge are not built (build/masses.py)
        reach, link = (max(r[0] for r in reaches), max(r[1] for r in reaches)) if reaches else (0.0, 0.0)
        halo = max(reach + link, provisional) + windowed.tolerance
        if windowed.counting:  # 3DBlox connections: their masses counted, this process's design numbered by them
            counted = count_masses(list(reaches))
            try:
                whole = _load(path, options, extensions, NothingHeld({n: c.count for n, c in counted.items()}))
            except LanguageError:  # past --max-objects once counted: the serial path says so
                return None
            (ranks,) = computer[2]([counted])
    else:
        if not complete:
            try:
                whole = _load(path, options, extensions)
            except Exception:
                return None
        # so is it in each tile's worker: a design built whole is never read by window
        sys.stderr.write(f"assemblint: --tiles: {whole.path} is built whole in this process: {reason}\n")
        halo = halo_of(report.rules, _effective(deck), whole) + span(whole)  # what is in reach, and its links
    windows = plan(_extent(whole), size, halo, auto_objects(computer[3], _extent(whole)[4]))
    pads = whole.pad_count
    jobs = [TileJob(unit, window, i, pads, reason is None) for i, window in enumerate(windows)]
    try:
        node_parts = compute([dask.delayed(tile_nodes, pure=False)(job, fed_of(job.window, ranks)) for job in jobs])
        united = unite(list(node_parts))
        shared, first = combine_parts(
            whole,
            report.rules,
            deck,
            (options.select, options.ignore),
            Budget(options.rule_timeout, options.rule_memory),
            [p.prepared for p in node_parts if p.prepared is not None],
        )
        (shared_on_workers,) = computer[2]([shared])
        checks = [
            dask.delayed(tile_check, pure=False)(job, u, fed_of(job.window, ranks), shared_on_workers)
            for job, u in zip(jobs, united, strict=True)
        ]
        tile_parts = compute(checks)
    except LanguageError:  # a row some tile refuses: the whole design is read again to say where
        return None
    result = merge_tiles(
        [*tile_parts, first],
        whole,
        report.rules,
        deck,
        (options.select, options.ignore),
        Budget(options.rule_timeout, options.rule_memory),
        whole.waivers + report.settings.file_waivers,
        options.today,
    )
    for finding in result.findings:
        finding.baseline = finding.fingerprint in report.settings.baseline
    for theirs in sorted({part.plugins for part in tile_parts if part.plugins and part.plugins != mine}):
        result.problems.append(plugin_difference(mine, theirs))  # a worker checked with other rules: exit 3
    return DesignResult(
        whole.path,
        findings=result.findings,
        problems=result.problems,
        outcomes=result.outcomes,
        inputs=list(whole.files),
        loaded=True,
        title=whole.title,
        waiver_uses=result.waiver_uses,
    )


def _split(whole: Assembly, unit: Unit, borders: tuple[list[float], list[float]], tasks: Any) -> Any:
    """The split pass: each bump map read once, by ranges of rows (`SPLIT_BYTES` each), by tasks
    that sort its rows into the tiles' cores, kept on the workers (persisted) for the passes; the
    run numbers each range's rows and merges its net names with the map's. Returns, for a tile's
    window, the rows of the tiles around it, as the tile's build takes them (`Fed`)."""
    import dask

    compute, persist, share, _ = tasks
    xs, ys = borders
    windowed = whole.windowed
    maps = [whole.pad_arrays[i] for kind, i in windowed.totals if kind == "pads"]
    splits: dict[str, list[Any]] = {}
    for array in maps:
        shares = max(1, math.ceil(windowed.sizes.get(array.qualified_name, 0) / SPLIT_BYTES))
        jobs = [SplitJob(unit, array.qualified_name, xs, ys, (i, shares)) for i in range(shares)]
        splits[array.qualified_name] = persist([dask.delayed(tile_split, pure=False)(job) for job in jobs])
    labels, to_global = windowed.nets if windowed.nets is not None else ([], [])
    numbering: dict[str, list[Any]] = {}
    for array in maps:
        key = array.qualified_name
        summaries = compute([dask.delayed(_summary, pure=False)(split) for split in splits[key]])
        firsts = np.cumsum([0] + [count for _, count in summaries]).tolist()
        total = windowed.total(("pads", whole.pad_arrays.index(array)), array.count)
        if firsts[-1] != total:
            raise RuntimeError(f"the split of {key} read {firsts[-1]:,} rows of {total:,}")
        if key in windowed.net_maps:
            codes, _ = merge_names([names for names, _ in summaries])
            to_map = to_global[windowed.net_maps.index(key)]
            merged: list[Any] = [np.where(c >= 0, np.append(to_map, -1)[c], -1) for c in codes]
        else:
            merged = [None for _ in summaries]  # no net column
        numbering[key] = share([(first, total, m) for first, m in zip(firsts, merged, strict=False)])
        pa_release()
    (names,) = share([labels])  # on the workers once, not in every tile's task

    def fed_of(window: Window, ranks: Any = None) -> tuple[dict[str, Any], Any, Any]:
        tiles = near(xs, ys, window)
        parts = {
            key: [
                dask.delayed(_parts_of, pure=False)(split, tiles, window, number)
                for split, number in zip(splits[key], numbering[key], strict=True)
            ]
            for key in splits
        }
        return parts, names, ranks

    return fed_of


def _failed(path: Path, error: Exception) -> DesignResult:
    """A tiled run that could not finish: a problem of the run (exit 3), never a traceback."""
    text = f"the tiles of {path} could not be checked: {type(error).__name__}: {error}"
    if type(error).__name__ in ("KilledWorker", "FutureCancelledError", "CancelledError"):
        text += (
            "; a worker's nanny restarts it past its memory limit (--worker-memory, or `dask worker "
            "--memory-limit`): give the workers more memory, or smaller --tiles"
        )
    return DesignResult(str(path), problems=[PluginProblem("assemblint", "", text)], inputs=[])


def _built_whole(whole: Assembly, rules: list[Rule], deck: Any, options: CheckOptions) -> str | None:
    """Why the design must be built whole in this process (None: the workers read their rows)."""
    windowed = whole.windowed
    if windowed is None or not windowed.totals:
        return "it has no bump map to read by window, and each tile's worker builds it whole too (docs/tiles.md)"
    if windowed.inexact:
        return "; ".join(windowed.inexact)
    settings_of = _effective(deck)
    whole_rules = []
    for rule in rules:
        if rule.phase != "check" or rule.tiles is not None:
            continue
        if (options.select and not matches(rule.id, options.select)) or (
            options.ignore and matches(rule.id, options.ignore)
        ):
            continue
        settings = settings_of(rule)
        if settings is None or settings.enabled:
            whole_rules.append(rule.id)
    if whole_rules:
        shown = ", ".join(whole_rules[:8]) + (f" and {len(whole_rules) - 8} more" if len(whole_rules) > 8 else "")
        return f"rules {shown} run on the whole design, not on tiles (docs/tiles.md)"
    return None


def _extent(assembly: Assembly) -> tuple[float, float, float, float, int]:
    """The top view's extent of every pad (x0, y0, x1, y1) and their count: the bump maps' as the
    windowed build measured them (it holds none of their rows), the other pads' from their arrays."""
    windowed = assembly.windowed
    x0 = y0 = math.inf
    x1 = y1 = -math.inf
    if windowed is not None:
        x0, y0, x1, y1 = windowed.extent
    for i, array in enumerate(assembly.pad_arrays):
        if (windowed is not None and ("pads", i) in windowed.totals) or not array.count:
            continue
        x0, x1 = min(x0, float(np.min(array.x))), max(x1, float(np.max(array.x)))
        y0, y1 = min(y0, float(np.min(array.y))), max(y1, float(np.max(array.y)))
    return x0, y0, x1, y1, assembly.pad_count


def _effective(deck: Any) -> Any:
    def settings_of(rule: Rule) -> Any:
        try:
            return deck.effective(rule)
        except Exception:  # a bad default: the rule reports it when it runs
            return None

    return settings_of


def _computer(client: Any) -> tuple[Any, Any, Any, tuple[int, int] | None]:
    """(compute, persist, share) of lists of delayed tasks and of data: on the cluster (the data
    scattered to the workers, never in a task's graph), or one by one in this process; and the
    workers' memory (`worker_memory`), which `--tiles auto` fits its tiles in."""
    import dask

    if client is None:
        return (
            lambda tasks: dask.compute(*tasks, scheduler="synchronous"),
            lambda tasks: list(dask.persist(*tasks, scheduler="synchronous")),
            lambda values: list(values),
            None,
        )
    return (
        lambda tasks: _in_flight(client, tasks),
        lambda tasks: client.persist(tasks),
        lambda values: client.scatter(list(values)),
        worker_memory(client),
    )


def pa_release() -> None:
    """The memory pyarrow freed back to the system (its pool keeps it for later otherwise)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _in_flight(client: Any, tasks: list[Any]) -> list[Any]:
    """The tasks' results, in order, with at most two a worker submitted at a time: a tile's task
    brings its rows to its worker when it is submitted, and all of them at once would be the
    whole design on the workers (Dask runs every ready task it is given)."""
    from distributed import as_completed

    window = 2 * max(1, len(client.nthreads()))
    results: list[Any] = [None] * len(tasks)
    order = iter(range(len(tasks)))
    index: dict[Any, int] = {}

    def submit() -> Any:
        i = next(order, None)
        if i is None:
            return None
        future = client.compute(tasks[i])
        index[future] = i
        return future

    running = as_completed([f for f in (submit() for _ in range(window)) if f is not None], with_results=True)
    for future, result in running:
        if future.status != "finished":  # cancelled (its worker lost, the data it needed with it): no result
            raise result if isinstance(result, BaseException) else RuntimeError(f"a task ended {future.status}")
        results[index.pop(future)] = result
        following = submit()
        if following is not None:
            running.add(following)
    return results
