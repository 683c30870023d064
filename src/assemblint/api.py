"""The Python API and the run that `assemblint check` performs: load, check, report.

import assemblint
design = assemblint.load("design.assy")            # raises assemblint.LanguageError
report = assemblint.check(design, deck="default")   # a Report: .findings, .summary, .to_json()

The run itself is run/pipeline.py (one result per design, merged into the report) and
run/parallel.py (the same, in worker processes or on Dask); this module puts them together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assemblint.base.diagnostics import Diagnostic, Location
from assemblint.base.limits import Limits
from assemblint.build.builder import DEFAULT_MAX_OBJECTS
from assemblint.build.loader import load as _load
from assemblint.checking.budgets import DEFAULT_RULE_MEMORY, DEFAULT_RULE_TIMEOUT
from assemblint.checking.isolation import DEFAULT_MODE as DEFAULT_ISOLATION
from assemblint.model.assembly import Assembly
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report
from assemblint.run import parallel, pipeline, tiles
from assemblint.run.pipeline import CheckOptions, design_files, new_report

if TYPE_CHECKING:
    from assemblint.run.progress import Progress

__all__ = ["CheckOptions", "check", "check_files", "design_files", "load", "new_report"]


def load(
    path: str | Path,
    *,
    root: str | Path | None = None,
    host: PluginHost | None = None,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    text: str | None = None,
    flat: bool = False,
    limits: Limits | None = None,
) -> Assembly:
    """Read and build a design; raises LanguageError (with `.diagnostics`) if it cannot be used.

    `flat`: build every instance of every placed cell, instead of one representative for the
    instances that nothing outside the cell tells apart (docs/hierarchy.md). `max_objects` and
    `limits` (file size, import depth, expression depth): past one, an E009 (limits.py).
    """
    host = host or PluginHost.default()
    extensions = host.language_extensions()
    return _load(path, root=root, extensions=extensions, max_objects=max_objects, text=text, flat=flat, limits=limits)


def check(
    design: Assembly | str | Path,
    *,
    deck: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    fail_on: str = "error",
    host: PluginHost | None = None,
    waivers: str | None = None,
    baseline: str | None = None,
    today: dt.date | None = None,
    flat: bool = False,
    rule_timeout: float = DEFAULT_RULE_TIMEOUT,
    rule_memory: int = DEFAULT_RULE_MEMORY,
    max_objects: int = DEFAULT_MAX_OBJECTS,
    limits: Limits | None = None,
    isolate: str = DEFAULT_ISOLATION,
) -> Report:
    """Check one design (a loaded Assembly or a path) and return the Report.

    `waivers`: a waivers file; `baseline`: a JSON report whose findings are marked `baseline`;
    `today`: the date waivers are judged on; `rule_timeout` (seconds), `rule_memory` (bytes):
    each rule's budget, 0 for none (budgets.py); `max_objects`, `limits`: what a design may ask
    of the loader, as in `load` (limits.py); `isolate`: which rules run in a forked worker
    ("none", "plugins": those outside assemblint, "all"; checking/isolation.py).
    """
    host = host or PluginHost.default()
    options = CheckOptions(
        deck=deck,
        select=list(select),
        ignore=list(ignore),
        fail_on=fail_on,
        waivers=waivers,
        baseline=baseline,
        today=today,
        flat=flat,
        rule_timeout=rule_timeout,
        rule_memory=rule_memory,
        max_objects=max_objects,
        limits=limits or Limits(),
        isolate=isolate,
    )
    if isinstance(design, Assembly):
        report = pipeline.new_report(host, options)
        pipeline.merge(report, pipeline.check_assembly(design, report.settings, report.rules, options))
        pipeline.finish(report, host)
        return report
    return check_files([Path(design)], options, host)


def check_files(
    paths: Sequence[Path], options: CheckOptions, host: PluginHost, progress: Progress | None = None
) -> Report:
    """Check every design file below `paths` into one Report (in parallel with `options.jobs`).

    `progress`: told each file and phase (progress.py; the command line's bar on a terminal).
    """
    report = new_report(host, options)
    files, missing = design_files(paths, options.root)
    report.errors.extend(missing)
    if not files and not missing:
        report.usage_error = True
        shown = ", ".join(str(p) for p in paths)
        report.errors.append(Diagnostic("E006", f"no .assy files found in {shown}", Location(shown, 1, 1)))
    if options.tiled:  # --tiles: each design as tiles on Dask
        tiles.check_tiled(report, files, options, host, options.tiles)
    elif not parallel.check(report, files, options, host, progress):  # --jobs, --executor dask
        pipeline.check_serially(report, files, options, host, progress)
    pipeline.finish(report, host)
    return report
