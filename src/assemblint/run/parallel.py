"""Checking many designs, and large ones, in several processes or on a Dask cluster.

`check --jobs N` and `--executor dask [--scheduler ADDRESS]` (docs/scale.md). Two kinds of work
are sent out, and both travel as file paths with a few plain values, never as model objects:

- a **unit** is one design file: its path, the run's CheckOptions and how to rebuild the run's
  plugins (`HostSpec`). The worker checks it exactly as the serial run does (the same
  `pipeline.check_design`) and sends back the `DesignResult`, made portable: the findings with
  their objects already named (no arrays), language errors, problems, rule outcomes by rule id,
  inputs, titles and stats. The parent merges the results in input order with the same
  `pipeline.merge` the serial run uses, and finishes the run once, so every output format is
  byte-identical to a serial run.
- a **part** of a large design (at least `partition.PARTITION_MIN_BYTES`, and not mostly lines
  explicit.py reads fast): its text is cut at top-level statements, the parts are parsed in the
  workers, and the parent builds and checks the design from the statements put back together
  (partition.py).

What stays serial, and why:

- One small file, or only one file with nothing to partition: no pool is started (its start
  costs more than it could save).
- Formats that draw the designs (`html`, or any format a plugin adds) need each `Assembly` in
  `Report.designs`, which a worker cannot send back cheaply; with those, every file is checked in
  this process and `--jobs` only partitions large files (`CheckOptions.keep_designs`).

Processes are forked on Linux: the workers then start in milliseconds with the plugins this
process already loaded (`HOSTS`). Elsewhere, and on Dask, each worker builds the plugin host
from the `HostSpec`, so every worker needs the same plugins installed; a worker whose plugins
differ is reported as an internal error (exit 3) rather than silently checking with other rules.
"""

from __future__ import annotations

import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import threading
import types
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assemblint.build.loader import FileTooLarge, LanguageExtensions, NotText, read_text
from assemblint.checking.problems import PluginProblem
from assemblint.checking.rules import Rule
from assemblint.language.syntax import parse
from assemblint.plugins.host import PluginHost
from assemblint.report.settings import RunSettings
from assemblint.run import partition, pipeline
from assemblint.run.partition import Pending
from assemblint.run.pipeline import CheckOptions, DesignResult

if TYPE_CHECKING:
    from assemblint.report.report import Report
    from assemblint.run.progress import Progress

EXECUTORS = ("process", "dask")
# Formats that read only what a worker sends back; any other (html, a plugin's) draws the designs.
PLAIN_FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


class ExecutorError(Exception):
    """`--executor dask` cannot be used here (distributed not installed, scheduler unreachable): exit 2."""


# ---------------------------------------------------------------------------------- the plugins


@dataclass(frozen=True)
class HostSpec:
    """How a worker rebuilds the run's PluginHost: entry points or not, the plugins disabled, and
    the plugins registered directly as modules (by import name)."""

    entry_points: bool
    disabled: tuple[str, ...]
    extras: tuple[tuple[str, str], ...]  # (name, module); module "" when it is not an importable module

    @classmethod
    def of(cls, host: PluginHost) -> HostSpec:
        extras = []
        for info in host.plugins:
            if not info.distribution:  # registered directly, not through an entry point
                plugin = host.manager.get_plugin(info.name)
                extras.append((info.name, plugin.__name__ if isinstance(plugin, types.ModuleType) else ""))
        return cls(any(p.distribution for p in host.plugins), tuple(sorted(host.disabled)), tuple(extras))

    def build(self) -> PluginHost:
        import importlib

        extra = []
        for name, module in self.extras:
            try:
                extra.append((name, importlib.import_module(module)))
            except (ImportError, ValueError):  # "" (an object), or not importable here: a plugin difference
                continue
        return PluginHost.create(disable=self.disabled, extra=extra, entry_points=self.entry_points)


def plugin_signature(host: PluginHost) -> tuple[tuple[str, str], ...]:
    """The plugins and versions a host has: what must be equal in every worker."""
    return tuple((p.name, p.version) for p in host.plugins)


HOSTS: dict[HostSpec, tuple[PluginHost, LanguageExtensions]] = {}  # per process; seeded before a fork
_LOCK = threading.Lock()  # a Dask worker may run units in threads: one at a time, in its folder


def host_of(spec: HostSpec) -> tuple[PluginHost, LanguageExtensions]:
    if spec not in HOSTS:
        host = spec.build()
        HOSTS[spec] = (host, host.language_extensions())
    return HOSTS[spec]


# ---------------------------------------------------------------------------------- units of work


@dataclass
class Unit:
    """One design file to check in a worker."""

    path: str  # as the user gave it (report paths are made from it)
    cwd: str  # the folder relative paths are read from, and shown relative to
    options: CheckOptions
    host: HostSpec
    run: str  # the run it belongs to: a worker reads the deck, waivers and baseline once per run


def check_unit(unit: Unit) -> DesignResult:
    """In a worker: check one file as the serial run does, and return its portable result."""
    with _LOCK:
        if os.getcwd() != unit.cwd:
            os.chdir(unit.cwd)
        host, extensions = host_of(unit.host)
        settings, rules = settings_of(unit, host)
        options = dataclasses.replace(unit.options, jobs=1)  # this worker is one of the jobs: no helper of its own
        result = pipeline.check_design(Path(unit.path), settings, rules, options, extensions)
        return pipeline.portable(result, plugin_signature(host))


_SETTINGS: dict[str, tuple[RunSettings, list[Rule]]] = {}  # run -> its settings (one run at a time)


def settings_of(unit: Unit, host: PluginHost) -> tuple[RunSettings, list[Rule]]:
    """The run's settings, read once per run in each worker: the deck (read and validated in
    milliseconds, a fifth of a small design's check), the waivers file and the baseline."""
    cached = _SETTINGS.get(unit.run)
    if cached is None:
        _SETTINGS.clear()
        report = pipeline.new_report(host, unit.options)
        cached = _SETTINGS[unit.run] = (report.settings, report.rules)
    return cached


# ---------------------------------------------------------------------------------- executors


class Pool:
    """A process pool or a Dask client behind one `submit(fn, *args) -> future`."""

    def __init__(self, submit: Callable[..., Pending], workers: int, close: Callable[[bool], None]) -> None:
        self.submit = submit
        self.workers = workers
        self._close = close

    def close(self, cancel: bool = False) -> None:
        self._close(cancel)


def _ignore_interrupts() -> None:
    """Worker start: Ctrl-C is the parent's to handle (it stops the pool), not each worker's traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def process_pool(workers: int) -> Pool:
    """`workers` processes: forked on Linux (they inherit the loaded plugins), spawned elsewhere."""
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    executor = ProcessPoolExecutor(workers, multiprocessing.get_context(method), initializer=_ignore_interrupts)

    def close(cancel: bool) -> None:
        if cancel:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
        executor.shutdown(wait=not cancel, cancel_futures=True)

    return Pool(executor.submit, workers, close)


def require_dask() -> None:
    """Raise ExecutorError with what to install when dask.distributed cannot be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError as error:
        raise ExecutorError(
            f"--executor dask needs dask.distributed, which is not installed ({error}); "
            "install it with `pip install 'assemblint[dask]'`"
        ) from None


def dask_client(scheduler: str | None, workers: int, memory_limit: int | None = None) -> tuple[Any, Any]:
    """(client, cluster or None): a client of the Dask scheduler at `scheduler`, or of a LocalCluster
    of `workers` one-thread processes, each restarted by its nanny past `memory_limit` bytes."""
    require_dask()
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (Dask's configuration)
        else:
            import dask

            # a task's memory is mostly the model it builds, which Dask cannot spill (only the
            # split rows it keeps between passes): a worker past the limit is restarted by its
            # nanny (the run fails, exit 3) rather than paused for ever
            with dask.config.set({"distributed.worker.memory.pause": False} if memory_limit else {}):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",  # any free port: never "8787 is already in use"
                    silence_logs=logging.ERROR,
                    memory_limit=memory_limit or "auto",
                )
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as error:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise ExecutorError(f"cannot reach {where}: {error}") from None
    return client, cluster


def dask_pool(scheduler: str | None, workers: int) -> Pool:
    """A client of the Dask scheduler at `scheduler`, or of a LocalCluster of `workers` processes."""
    client, cluster = dask_client(scheduler, workers)
    threads = sum(client.nthreads().values()) or workers

    def submit(fn: Callable[..., Any], *args: Any) -> Pending:
        return client.submit(fn, *args, pure=False)

    def close(cancel: bool) -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return Pool(submit, threads, close)


# ---------------------------------------------------------------------------------- the run


@dataclass
class _Prepared:
    """A large file whose parts are being parsed: used when the loader parses that same text."""

    text: str
    shown: str
    args: tuple[Any, ...]
    futures: list[Pending]

    def parse_text(self, text: str, shown: str, *args: Any) -> Any:
        if text == self.text and shown == self.shown and args == self.args:
            return partition.gather(self.futures, text, shown, *args)
        return parse(text, shown, *args)  # an imported file, or a file that changed


def _shown(path: Path) -> str:
    """The path as the loader shows it: relative to the current folder when it is below it."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _large(files: Sequence[Path], options: CheckOptions) -> list[Path]:
    """The files worth parsing in parts: large enough (and within the file size limit), and not
    mostly what explicit.py reads fast, judged from a sample of their middle."""
    limit = getattr(getattr(options, "limits", None), "max_file_size", None)
    out = []
    for path in files:
        try:
            size = path.stat().st_size
            if size < partition.PARTITION_MIN_BYTES or (limit is not None and size > limit):
                continue
            with path.open("rb") as file:
                file.seek(max(0, (size - partition.SAMPLE_BYTES) // 2))
                sample = file.read(partition.SAMPLE_BYTES).decode("utf-8", errors="replace")
        except OSError:
            continue  # the loader reports it
        if partition.worth_parts(sample):
            out.append(path)
    return out


def check(
    report: Report,
    files: Sequence[Path],
    options: CheckOptions,
    host: PluginHost,
    progress: Progress | None = None,
) -> bool:
    """Check `files` into `report` with a pool (files in workers, large files' parts in workers)
    and return True; return False, having done nothing, when nothing is worth sending out: no
    `--jobs` or Dask, or one file with nothing to partition, or only files that must stay here."""
    if options.jobs <= 1 and options.executor == "process":
        return False
    large = set(_large(files, options))
    remote = [] if options.keep_designs else [p for p in files if p not in large]
    if not large and len(remote) < 2:
        return False
    spec = HostSpec.of(host)
    jobs = max(options.jobs, 1)
    extensions = host.language_extensions()
    if options.executor == "dask":
        pool = dask_pool(options.scheduler, jobs if jobs > 1 else os.cpu_count() or 1)
    else:
        HOSTS.clear()
        HOSTS[spec] = (host, extensions)  # inherited by the forked workers
        pool = process_pool(min(jobs, max(len(remote), jobs if large else 1)))
    cancel = True
    try:
        limits = getattr(options, "limits", None)
        args = (limits.max_expression_depth,) if limits is not None else ()
        prepared: dict[Path, _Prepared] = {}
        for path in files:  # the parts first: the parent builds from them while workers check files
            if path in large:
                try:
                    text = read_text(path, limits.max_file_size if limits is not None else None)
                except (OSError, FileTooLarge, NotText):
                    continue  # the loader reports it
                shown = _shown(path)
                futures = partition.submit_parts(text, str(path.absolute()), shown, pool.submit, pool.workers, *args)
                prepared[path] = _Prepared(text, shown, args, futures)
        cwd, run = os.getcwd(), uuid.uuid4().hex
        units = {path: pool.submit(check_unit, Unit(str(path), cwd, options, spec, run)) for path in remote}
        mine = plugin_signature(host)
        differing: set[tuple[tuple[str, str], ...]] = set()
        if progress:
            progress.expect(len(files))
        for path in files:
            if path in units:
                if progress:
                    progress.start(str(path))
                    progress.phase("in a worker")
                result = _result(units[path], path)
                if result.plugins and result.plugins != mine and result.plugins not in differing:
                    differing.add(result.plugins)
                    report.problems.append(plugin_difference(mine, result.plugins))
            else:
                parse_text = prepared[path].parse_text if path in prepared else None
                result = pipeline.check_design(
                    path, report.settings, report.rules, options, extensions, progress, parse_text=parse_text
                )
            pipeline.merge(report, result)
            if progress:
                progress.finish()
        cancel = False
    finally:
        pool.close(cancel)
        HOSTS.clear()
        _SETTINGS.clear()
    return True


def _result(future: Pending, path: Path) -> DesignResult:
    """A unit's result; a worker lost on the way (killed, out of memory) is an internal error."""
    try:
        return future.result()
    except Exception as error:
        return DesignResult(
            str(path),
            problems=[
                PluginProblem(
                    "assemblint",
                    "",
                    f"internal error while checking {path} in a worker: {type(error).__name__}: {error}",
                )
            ],
        )


def plugin_difference(mine: tuple[tuple[str, str], ...], theirs: tuple[tuple[str, str], ...]) -> PluginProblem:
    here = {f"{name} {version}" for name, version in mine}
    there = {f"{name} {version}" for name, version in theirs}
    parts = []
    if here - there:
        parts.append(f"missing there: {', '.join(sorted(here - there))}")
    if there - here:
        parts.append(f"only there: {', '.join(sorted(there - here))}")
    return PluginProblem(
        "assemblint",
        "",
        f"a worker has other plugins than this process ({'; '.join(parts)}); "
        "every worker needs the same plugins installed (docs/scale.md)",
    )
