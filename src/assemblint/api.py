"""The Python API and the run that `assemblint check` performs: load, check, report.

import assemblint
design = assemblint.load("design.assy")            # raises assemblint.LanguageError
report = assemblint.check(design, deck="default")   # a Report: .findings, .summary, .to_json()
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assemblint.base.diagnostics import Diagnostic, LanguageError, Location
from assemblint.base.limits import Limits
from assemblint.base.version import __version__
from assemblint.build.builder import DEFAULT_MAX_OBJECTS
from assemblint.build.loader import LanguageExtensions
from assemblint.build.loader import load as _load
from assemblint.checking.budgets import DEFAULT_RULE_MEMORY, DEFAULT_RULE_TIMEOUT, Budget
from assemblint.checking.deck import Deck, load_deck
from assemblint.checking.engine import run_rules
from assemblint.checking.waivers import load_file as load_waivers
from assemblint.language.syntax import parse
from assemblint.model.assembly import Assembly
from assemblint.plugins.host import PluginHost, PluginProblem
from assemblint.report.baseline import fingerprints
from assemblint.report.report import Report
from assemblint.run import parallel

if TYPE_CHECKING:
    from assemblint.language.syntax_tree import SourceFile
    from assemblint.run.progress import Progress


@dataclass
class CheckOptions:
    deck: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    root: str | None = None
    max_objects: int = DEFAULT_MAX_OBJECTS
    flat: bool = False  # expand every placed cell instead of checking one representative per kind
    stats: bool = False
    waivers: str | None = None  # a waivers file (TOML), added to every design's own `waive` statements
    baseline: str | None = None  # a JSON report: findings already in it are marked `baseline`
    today: dt.date | None = None  # the date waivers are judged on (default: waivers.today())
    rule_timeout: float = DEFAULT_RULE_TIMEOUT  # seconds a rule may run before it is stopped (0: no budget)
    rule_memory: int = DEFAULT_RULE_MEMORY  # bytes of memory a rule may add before it is stopped (0: no budget)
    limits: Limits = field(default_factory=Limits)  # file size, import and expression depth (limits.py)
    # parallel.py, docs/scale.md: files, and parts of large files, checked in `jobs` processes or on
    # a Dask cluster (`executor` "dask", at `scheduler`, or a LocalCluster); `keep_designs`: every
    # checked Assembly is wanted in Report.designs (the HTML report draws them), so files stay here.
    jobs: int = 1
    executor: str = "process"
    scheduler: str | None = None
    keep_designs: bool = False


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
) -> Report:
    """Check one design (a loaded Assembly or a path) and return the Report.

    `waivers`: a waivers file; `baseline`: a JSON report whose findings are marked `baseline`;
    `today`: the date waivers are judged on; `rule_timeout` (seconds), `rule_memory` (bytes):
    each rule's budget, 0 for none (budgets.py); `max_objects`, `limits`: what a design may ask
    of the loader, as in `load` (limits.py).
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
    )
    if isinstance(design, Assembly):
        report = new_report(host, options)
        _check_assembly(report, design, host, options)
        return report
    return check_files([Path(design)], options, host)


def new_report(host: PluginHost, options: CheckOptions) -> Report:
    rules = host.rules()
    report = Report(version=__version__, plugins=host.plugins, rules=rules, fail_on=options.fail_on)
    report.problems.extend(host.problems)
    deck: Deck = load_deck(options.deck, rules)  # raises DeckError
    report.deck_name, report.deck_sha256 = deck.name, deck.sha256
    report.deck = deck  # type: ignore[attr-defined]
    report.file_waivers = load_waivers(options.waivers) if options.waivers else []  # type: ignore[attr-defined]
    report.baseline_fingerprints = fingerprints(options.baseline) if options.baseline else set()  # type: ignore[attr-defined]
    if options.stats:
        report.stats = {"files": []}
    return report


def design_files(paths: Iterable[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders to every `.assy` below them (sorted); a missing path is an E006."""
    files: list[Path] = []
    missing: list[Diagnostic] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:  # a file named twice (or also inside a named folder) is checked once
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for path in paths:
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*.assy") if p.is_file()):
                add(found)
        elif path.is_file():
            add(path)
        else:
            missing.append(Diagnostic("E006", f"no such file or folder: {path}", Location(str(path), 1, 1)))
    return files, missing


def check_files(
    paths: Sequence[Path], options: CheckOptions, host: PluginHost, progress: Progress | None = None
) -> Report:
    """Check every design file below `paths` into one Report (in parallel with `options.jobs`).

    `progress`: told each file and phase (progress.py; the command line's bar on a terminal).
    """
    report = new_report(host, options)
    files, missing = design_files(paths)
    report.errors.extend(missing)
    if not files and not missing:
        report.usage_error = True
        shown = ", ".join(str(p) for p in paths)
        report.errors.append(Diagnostic("E006", f"no .assy files found in {shown}", Location(shown, 1, 1)))
    if not parallel.check(report, files, options, host, progress):  # --jobs, --executor dask
        extensions = host.language_extensions()
        if progress:
            progress.expect(len(files))
        for path in files:
            check_path(report, path, options, host, extensions, progress)
            if progress:
                progress.finish()
    _judge_file_waivers_once(report)
    report.sort()
    return report


def check_path(
    report: Report,
    path: Path,
    options: CheckOptions,
    host: PluginHost,
    extensions: LanguageExtensions,
    progress: Progress | None = None,
    parse_text: Callable[..., SourceFile] | None = None,
) -> None:
    """Load and check one design file into `report`, or record why it could not be: the body of a
    run, which parallel.py also runs in its workers. `parse_text`: see loader.load."""
    if progress:
        progress.start(str(path))
        parse_text = progress.parsing(parse_text or parse)
    started = time.perf_counter()
    try:
        assembly = _load(
            path,
            root=options.root,
            extensions=extensions,
            max_objects=options.max_objects,
            flat=options.flat,
            limits=options.limits,
            parse_text=parse_text,
        )
    except LanguageError as error:
        report.errors.extend(error.diagnostics)
        report.inputs.append(_input_of(path, options.limits.max_file_size))
        report.unchecked.add(str(path))
        return
    except Exception as error:  # a bug of ours: reported as an internal error (exit 3), never a traceback
        report.problems.append(
            PluginProblem("assemblint", "", f"internal error while reading {path}: {type(error).__name__}: {error}")
        )
        report.inputs.append(_input_of(path, options.limits.max_file_size))
        return
    loaded = time.perf_counter() - started
    _check_assembly(report, assembly, host, options, loaded, progress)


def _judge_file_waivers_once(report: Report) -> None:
    """A `--waivers FILE` waiver applies to every design of the run, so it is judged on the run:
    reported unused (WV002) only if no design used it, and expired (WV001) once, not per design."""
    waivers = getattr(report, "file_waivers", [])
    if not waivers:
        return
    files = {w.loc.path for w in waivers}
    used = {(f.waiver["location"]["path"], f.waiver["location"]["line"]) for f in report.findings if f.waiver}
    seen: set[tuple[str, str, int]] = set()
    kept = []
    for finding in report.findings:
        loc = finding.location
        if finding.rule in ("WV001", "WV002") and loc.path in files:
            key = (finding.rule, loc.path, loc.line)
            if key in seen or (finding.rule == "WV002" and (loc.path, loc.line) in used):
                continue
            seen.add(key)
        kept.append(finding)
    report.findings[:] = kept


def _input_of(path: Path, max_bytes: int) -> tuple[str, str]:
    """A design that could not be loaded, for the report's inputs. A file over the size limit is
    hashed as it is, in chunks, so that its refusal never holds it in memory."""
    import hashlib

    digest = hashlib.sha256()
    try:
        if path.stat().st_size > max_bytes:
            with path.open("rb") as file:
                for chunk in iter(lambda: file.read(2**20), b""):
                    digest.update(chunk)
            return str(path), digest.hexdigest()
        data = path.read_bytes()
    except OSError:
        data = b""
    digest.update(data.decode("utf-8", errors="replace").encode("utf-8"))
    return str(path), digest.hexdigest()


def _check_assembly(
    report: Report,
    assembly: Assembly,
    host: PluginHost,
    options: CheckOptions,
    loaded: float = 0.0,
    progress: Progress | None = None,
) -> None:
    started = time.perf_counter()
    waivers = assembly.waivers + getattr(report, "file_waivers", [])
    result = run_rules(
        assembly,
        report.rules,
        report.deck,  # type: ignore[attr-defined]
        options.select,
        options.ignore,
        waivers=waivers,
        today=options.today,
        budget=Budget(options.rule_timeout, options.rule_memory),
        progress=progress.rule if progress else None,
    )
    checked = time.perf_counter() - started
    baseline = getattr(report, "baseline_fingerprints", set())
    for finding in result.findings:
        finding.baseline = finding.fingerprint in baseline
    report.findings.extend(result.findings)
    report.problems.extend(result.problems)
    report.designs.append(assembly)
    for outcome in result.outcomes:
        report.outcomes.setdefault(outcome.rule.id, []).append(outcome)
    for path, digest in assembly.files:
        if (path, digest) not in report.inputs:
            report.inputs.append((path, digest))
    if assembly.title:
        report.titles[assembly.path] = assembly.title
    if report.stats is not None:
        timings = assembly.timings
        report.stats["files"].append(
            {
                "path": assembly.path,
                "pads": assembly.total_pads,
                "masses": assembly.total_masses,
                "built": {"pads": assembly.pad_count, "masses": assembly.mass_count},
                "electrical_nodes": int(assembly.netlist.node_labels.max() + 1)
                if assembly.netlist and len(assembly.netlist.node_labels)
                else 0,
                "seconds": {
                    "parse": round(timings.parse, 6) if timings else 0.0,
                    "build": round(timings.build, 6) if timings else 0.0,
                    "rules": round(checked, 6),
                    "total": round(loaded + checked, 6),
                },
                "rules": {
                    o.rule.id: {"seconds": round(o.seconds, 6), "findings": o.findings}
                    for o in result.outcomes
                    if o.status in ("ran", "crashed", "could-not-run")
                },
            }
        )
