"""Checking many designs, and large ones, in several processes or on a Dask cluster.

`check --jobs N` and `--executor dask [--scheduler ADDRESS]` (docs/scale.md). Two kinds of work
are sent out, and both travel as file paths with a few plain values, never as model objects:

- a **unit** is one design file: its path, the run's CheckOptions and how to rebuild the run's
  plugins (`HostSpec`). The worker loads and checks it exactly as the serial run does (the same
  `api.check_path` on a report of its own) and sends back a `FileResult`: the findings with their
  objects already named (no arrays), language errors, problems, rule outcomes by rule id, inputs,
  titles and stats. The parent merges the results in input order, and then judges file waivers
  and sorts once, as the serial run does, so every output format is byte-identical to it.
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
process already loaded (`_HOSTS`). Elsewhere, and on Dask, each worker builds the plugin host
from the `HostSpec`, so every worker needs the same plugins installed; a worker whose plugins
differ is reported as an internal error (exit 3) rather than silently checking with other rules.
"""

from __future__ import annotations

import copy
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
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assemblint.base.diagnostics import SOURCES, Diagnostic
from assemblint.build.loader import LanguageExtensions, read_text
from assemblint.checking.engine import RuleOutcome
from assemblint.checking.findings import Finding, Objects
from assemblint.language.syntax import parse
from assemblint.plugins.host import PluginHost, PluginProblem
from assemblint.run import partition

if TYPE_CHECKING:
    from assemblint.api import CheckOptions
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


_HOSTS: dict[HostSpec, tuple[PluginHost, LanguageExtensions]] = {}  # per process; seeded before a fork
_LOCK = threading.Lock()  # a Dask worker may run units in threads: one at a time, in its folder


def _host(spec: HostSpec) -> tuple[PluginHost, LanguageExtensions]:
    if spec not in _HOSTS:
        host = spec.build()
        _HOSTS[spec] = (host, host.language_extensions())
    return _HOSTS[spec]


# ---------------------------------------------------------------------------------- units of work


@dataclass
class Unit:
    """One design file to check in a worker."""

    path: str  # as the user gave it (report paths are made from it)
    cwd: str  # the folder relative paths are read from, and shown relative to
    options: CheckOptions
    host: HostSpec
    run: str  # the run it belongs to: a worker reads the deck, waivers and baseline once per run


@dataclass
class FileResult:
    """What checking one file added to a report, as plain data (picklable, no model objects)."""

    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # RuleOutcome fields, "rule" as its id
    inputs: list[tuple[str, str]] = field(default_factory=list)
    loaded: bool = False  # the design loaded: its inputs are added once per run, not once per design
    titles: dict[str, str] = field(default_factory=dict)
    unchecked: list[str] = field(default_factory=list)
    stats: list[dict[str, Any]] = field(default_factory=list)
    plugins: tuple[tuple[str, str], ...] = ()
    quotes: dict[str, dict[int, str | None]] = field(default_factory=dict)  # source lines the errors quote


def check_unit(unit: Unit) -> FileResult:
    """In a worker: load and check one file on a report of its own, and return what it added."""
    from assemblint import api

    with _LOCK:
        if os.getcwd() != unit.cwd:
            os.chdir(unit.cwd)
        host, extensions = _host(unit.host)
        report = _new_report(unit, host)
        before = len(report.problems)  # the host's own problems: the parent reports its own once
        api.check_path(report, Path(unit.path), unit.options, host, extensions)
        return result_of(report, before, plugin_signature(host))


_TEMPLATES: dict[str, Report] = {}  # run -> the empty report its units start from (one run at a time)


def _new_report(unit: Unit, host: PluginHost) -> Report:
    """api.new_report, made once per run: it reads and validates the deck (milliseconds, a fifth of
    a small design's check) and the waivers and baseline files. Each unit gets a copy whose
    containers are its own."""
    from assemblint import api

    template = _TEMPLATES.get(unit.run)
    if template is None:
        _TEMPLATES.clear()
        template = _TEMPLATES[unit.run] = api.new_report(host, unit.options)
    report = copy.copy(template)
    for name in (f.name for f in dataclasses.fields(template)):
        value = getattr(template, name)
        if isinstance(value, dict):
            setattr(report, name, {key: copy.copy(item) for key, item in value.items()})
        elif isinstance(value, list | set):
            setattr(report, name, copy.copy(value))
    return report


def result_of(report: Report, problems_before: int, plugins: tuple[tuple[str, str], ...]) -> FileResult:
    """A one-file report as plain data. Findings lose their objects (group arrays) but keep the
    names and counts finalize() made of them: that is all a plain format reads."""
    findings = []
    for finding in report.findings:
        portable = dataclasses.replace(finding, objects=Objects())
        if portable.count != finding.count:
            portable.counted = finding.count
        findings.append(portable)
    outcomes = []
    for entries in report.outcomes.values():
        for outcome in entries:
            values = {f.name: getattr(outcome, f.name) for f in dataclasses.fields(outcome)}
            values["rule"] = outcome.rule.id
            outcomes.append(values)
    quotes: dict[str, dict[int, str | None]] = {}
    for diagnostic in report.errors:
        for location in [diagnostic.location, *(note.location for note in diagnostic.notes)]:
            quotes.setdefault(location.path, {})[location.line] = SOURCES.line(location.path, location.line)
    return FileResult(
        findings=findings,
        errors=list(report.errors),
        problems=report.problems[problems_before:],
        outcomes=outcomes,
        inputs=list(report.inputs),
        loaded=bool(report.designs),
        titles=dict(report.titles),
        unchecked=sorted(report.unchecked),
        stats=list(report.stats["files"]) if report.stats is not None else [],
        plugins=plugins,
        quotes=quotes,
    )


def merge(report: Report, result: FileResult) -> None:
    """Add one file's result to the run's report, as check_path would have added it there."""
    rules = {rule.id: rule for rule in report.rules}
    report.findings.extend(result.findings)
    report.errors.extend(result.errors)
    report.problems.extend(result.problems)
    for values in result.outcomes:
        rule = rules.get(values["rule"])
        if rule is not None:  # a rule only the worker has: reported as a plugin difference
            report.outcomes.setdefault(rule.id, []).append(RuleOutcome(**{**values, "rule": rule}))
    for entry in result.inputs:
        if not result.loaded or entry not in report.inputs:
            report.inputs.append(entry)
    report.titles.update(result.titles)
    report.unchecked.update(result.unchecked)
    if report.stats is not None:
        report.stats["files"].extend(result.stats)
    for path, lines in result.quotes.items():  # so errors quote what the worker's loader read
        if path in SOURCES._lines:  # read in this process too: its own text, as in a serial run
            continue
        rows = [""] * max((n for n, text in lines.items() if text is not None), default=0)
        for n, text in lines.items():
            if text is not None:
                rows[n - 1] = text
        SOURCES.add(path, "".join(row + "\n" for row in rows))


# ---------------------------------------------------------------------------------- executors


class Pool:
    """A process pool or a Dask client behind one `submit(fn, *args) -> future`."""

    def __init__(self, submit: Callable[..., Future[Any]], workers: int, close: Callable[[bool], None]) -> None:
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


def dask_pool(scheduler: str | None, workers: int) -> Pool:
    """A client of the Dask scheduler at `scheduler`, or of a LocalCluster of `workers` processes."""
    require_dask()
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if scheduler:
            client = Client(scheduler)  # waits distributed.comm.timeouts.connect (Dask's configuration)
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: never "8787 is already in use"
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as error:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise ExecutorError(f"cannot reach {where}: {error}") from None
    threads = sum(client.nthreads().values()) or workers

    def submit(fn: Callable[..., Any], *args: Any) -> Future[Any]:
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
    futures: list[Future[Any]]

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
    from assemblint import api

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
        _HOSTS.clear()
        _HOSTS[spec] = (host, extensions)  # inherited by the forked workers
        pool = process_pool(min(jobs, max(len(remote), jobs if large else 1)))
    cancel = True
    try:
        limits = getattr(options, "limits", None)
        args = (limits.max_expression_depth,) if limits is not None else ()
        prepared: dict[Path, _Prepared] = {}
        for path in files:  # the parts first: the parent builds from them while workers check files
            if path in large:
                try:
                    text = read_text(path)
                except OSError:
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
                    report.problems.append(_plugin_difference(mine, result.plugins))
                merge(report, result)
            else:
                parse_text = prepared[path].parse_text if path in prepared else None
                api.check_path(report, path, options, host, extensions, progress, parse_text=parse_text)
            if progress:
                progress.finish()
        cancel = False
    finally:
        pool.close(cancel)
        _HOSTS.clear()
        _TEMPLATES.clear()
    return True


def _result(future: Future[Any], path: Path) -> FileResult:
    """A unit's result; a worker lost on the way (killed, out of memory) is an internal error."""
    try:
        return future.result()
    except Exception as error:
        return FileResult(
            problems=[
                PluginProblem(
                    "assemblint",
                    "",
                    f"internal error while checking {path} in a worker: {type(error).__name__}: {error}",
                )
            ]
        )


def _plugin_difference(mine: tuple[tuple[str, str], ...], theirs: tuple[tuple[str, str], ...]) -> PluginProblem:
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
