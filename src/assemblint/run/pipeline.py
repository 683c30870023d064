"""The pipeline of one run: check each design into a plain result, merge the results into the report.

`check_design` loads and checks one design file and returns a `DesignResult`; `check_assembly` does
the same for a design already loaded. A result is plain data (with the Assembly kept only where it
was made), so the serial run, `--jobs` (parallel.py, in worker processes) and Dask all produce the
same thing and the report is filled by one function, `merge`. `finish` ends the run once every
design is in: the plugins' run-level hook (`assemblint_run_findings`), then the report's order.
The settings a run reads besides its options (the deck, the waivers file, the baseline) are read
once into a `RunSettings` (report/settings.py) by `new_report`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assemblint.base.diagnostics import SOURCES, Diagnostic, LanguageError, Location
from assemblint.base.limits import Limits
from assemblint.base.version import __version__
from assemblint.build.builder import DEFAULT_MAX_OBJECTS
from assemblint.build.loader import LanguageExtensions
from assemblint.build.loader import load as load_design
from assemblint.checking import isolation
from assemblint.checking.budgets import DEFAULT_RULE_MEMORY, DEFAULT_RULE_TIMEOUT, Budget
from assemblint.checking.deck import load_deck
from assemblint.checking.engine import RuleOutcome, run_rules
from assemblint.checking.findings import Finding, Objects
from assemblint.checking.problems import PluginProblem
from assemblint.checking.rules import Rule
from assemblint.checking.waivers import WaiverUse
from assemblint.checking.waivers import load_file as load_waivers
from assemblint.language.syntax import parse
from assemblint.model.assembly import Assembly
from assemblint.plugins.host import PluginHost
from assemblint.report.baseline import fingerprints
from assemblint.report.report import Report
from assemblint.report.settings import RunSettings

if TYPE_CHECKING:
    from assemblint.language.syntax_tree import SourceFile
    from assemblint.run.progress import Progress


@dataclass
class CheckOptions:
    """What the command line (or the API) asks of a run; read by every design's check."""

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
    isolate: str = isolation.DEFAULT_MODE  # which rules run in a forked worker of their own (isolation.py)
    # parallel.py, docs/scale.md: files, and parts of large files, checked in `jobs` processes or on
    # a Dask cluster (`executor` "dask", at `scheduler`, or a LocalCluster); `keep_designs`: every
    # checked Assembly is wanted in Report.designs (the HTML report draws them), so files stay here.
    jobs: int = 1
    executor: str = "process"
    scheduler: str | None = None
    keep_designs: bool = False
    # run/tiles.py, docs/tiles.md: one flat design checked as square tiles of this size (µm; None
    # `auto`) on Dask, each Dask worker restarted by its nanny past `worker_memory` bytes
    tiles: float | None = None
    tiled: bool = False
    worker_memory: int | None = None
    # only names and counts are read once a design is checked (the command line, when every output
    # is a plain format): its model is let go, so a run over thousands of files stays small (and a
    # rule's forked worker, which copies the process's page tables, stays cheap)
    lean: bool = False

    def __post_init__(self) -> None:
        if self.isolate not in isolation.MODES:  # a mode misspelt in the API would isolate nothing, silently
            raise ValueError(f"isolate must be one of {', '.join(isolation.MODES)}, not {self.isolate!r}")


@dataclass
class DesignResult:
    """What checking one design gave, as plain data: the same whether it ran here, in a worker process
    or on a Dask worker. `assembly` is kept only in the process that built it (the HTML report draws
    it); `quotes` and `plugins` are filled only for a result that travelled (see `portable`)."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[Diagnostic] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)  # a travelled one names its rule by id
    inputs: list[tuple[str, str]] = field(default_factory=list)
    loaded: bool = False  # the design loaded: its inputs are added once per run, not once per design
    title: str | None = None
    stats: dict[str, Any] | None = None
    waiver_uses: list[WaiverUse] = field(default_factory=list)
    assembly: Assembly | None = None
    quotes: dict[str, dict[int, str | None]] = field(default_factory=dict)  # source lines the errors quote
    plugins: tuple[tuple[str, str], ...] = ()  # the plugins of the process that checked it


def new_report(host: PluginHost, options: CheckOptions) -> Report:
    """An empty report for a run, with its settings read once: the deck (DeckError), the waivers file
    (WaiverFileError) and the baseline (BaselineError)."""
    rules = host.rules()
    report = Report(version=__version__, plugins=host.plugins, rules=rules, fail_on=options.fail_on)
    report.problems.extend(host.problems)
    size = options.limits.max_file_size  # every input file is held to the design's size limit (docs/safety.md)
    deck = load_deck(options.deck, rules, size)
    report.deck_name, report.deck_sha256 = deck.name, deck.sha256
    report.settings = RunSettings(
        deck=deck,
        file_waivers=load_waivers(options.waivers, size) if options.waivers else [],
        baseline=fingerprints(options.baseline, size) if options.baseline else set(),
        core_plugins=frozenset(p.name for p in host.plugins if p.distribution == "assemblint"),
    )
    if options.stats:
        report.stats = {"files": []}
    return report


def design_files(paths: Iterable[Path], root: str | Path | None = None) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders to every `.assy` below them (sorted); what cannot be checked is an E006.

    A folder scan reads only regular files inside the folder scanned (or inside `root`, `--root`),
    links followed: a link out of it is refused unread, whatever it points to, as an `import` out of
    the root is, so a pull request adding `designs/x.assy -> ~/.git-credentials` prints nothing of
    it. A path named on the command line, or found by a scan, that is not a regular file (a pipe, a
    device, a socket) is refused without being opened (docs/safety.md)."""
    files: list[Path] = []
    refused: list[Diagnostic] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:  # a file named twice (or also inside a named folder) is checked once
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    def refuse(path: Path, why: str) -> None:
        refused.append(Diagnostic("E006", why, Location(str(path), 1, 1)))

    for path in paths:
        if path.is_dir():
            bounds = [path.resolve(), *([Path(root).resolve()] if root else [])]
            for found in sorted(path.rglob("*.assy")):
                try:
                    target = found.resolve()
                except (OSError, RuntimeError):  # a loop of links
                    refuse(found, "a loop of symbolic links: not read")
                    continue
                if not any(target.is_relative_to(bound) for bound in bounds):
                    refuse(
                        found, f"a link out of the scanned folder {path}: not read (name the file, or widen `--root`)"
                    )
                elif target.is_file():
                    add(found)
                elif not target.is_dir():  # a folder named *.assy is no design: passed over
                    refuse(found, _NOT_A_FILE if target.exists() else "a link to nothing: not read")
        elif path.is_file():
            add(path)
        elif path.exists():
            refuse(path, _NOT_A_FILE)
        else:
            refused.append(Diagnostic("E006", f"no such file or folder: {path}", Location(str(path), 1, 1)))
    return files, refused


_NOT_A_FILE = "not a regular file (a pipe, socket or device): not read"


def check_design(
    path: Path,
    settings: RunSettings,
    rules: list[Rule],
    options: CheckOptions,
    extensions: LanguageExtensions,
    progress: Progress | None = None,
    parse_text: Callable[..., SourceFile] | None = None,
) -> DesignResult:
    """Load and check one design file; or the reason it could not be. `parse_text`: see loader.load."""
    if progress:
        progress.start(str(path))
        parse_text = progress.parsing(parse_text or parse)
    started = time.perf_counter()
    try:
        assembly = load_design(
            path,
            root=options.root,
            extensions=extensions,
            max_objects=options.max_objects,
            flat=options.flat,
            limits=options.limits,
            parse_text=parse_text,
        )
    except LanguageError as error:
        return DesignResult(str(path), errors=list(error.diagnostics), inputs=[_input_of(path, options)])
    except Exception as error:  # a bug of ours: reported as an internal error (exit 3), never a traceback
        problem = PluginProblem(
            "assemblint", "", f"internal error while reading {path}: {type(error).__name__}: {error}"
        )
        return DesignResult(str(path), problems=[problem], inputs=[_input_of(path, options)])
    return check_assembly(assembly, settings, rules, options, time.perf_counter() - started, progress)


def check_assembly(
    assembly: Assembly,
    settings: RunSettings,
    rules: list[Rule],
    options: CheckOptions,
    loaded: float = 0.0,
    progress: Progress | None = None,
) -> DesignResult:
    """Run the rules on a loaded design: its findings (waived, marked baseline), outcomes and stats."""
    assert settings.deck is not None, "new_report reads the deck"
    started = time.perf_counter()
    rules_result = run_rules(
        assembly,
        rules,
        settings.deck,
        options.select,
        options.ignore,
        waivers=assembly.waivers + settings.file_waivers,
        today=options.today,
        budget=Budget(options.rule_timeout, options.rule_memory),
        progress=progress.rule if progress else None,
        isolate=_isolated(options.isolate, settings.core_plugins),
        share=options.jobs >= 2 and options.executor == "process",
    )
    checked = time.perf_counter() - started
    for finding in rules_result.findings:
        finding.baseline = finding.fingerprint in settings.baseline
    return DesignResult(
        assembly.path,
        findings=rules_result.findings,
        problems=rules_result.problems,
        outcomes=rules_result.outcomes,
        inputs=list(assembly.files),
        loaded=True,
        title=assembly.title,
        stats=_stats(assembly, rules_result.outcomes, loaded, checked) if options.stats else None,
        waiver_uses=rules_result.waiver_uses,
        assembly=assembly,
    )


def _isolated(mode: str, core: frozenset[str]) -> Callable[[Rule], bool] | None:
    """Which rules run forked (`--isolate`): none, those of plugins outside assemblint, or all."""
    if mode == "all":
        return lambda rule: True
    if mode == "plugins":
        return lambda rule: rule.plugin not in core
    return None


def merge(report: Report, result: DesignResult) -> None:
    """Add one design's result to the run's report: the one way every run fills a report."""
    rules = {rule.id: rule for rule in report.rules}
    report.findings.extend(result.findings)
    report.errors.extend(result.errors)
    report.problems.extend(result.problems)
    for outcome in result.outcomes:
        rule = outcome.rule if isinstance(outcome.rule, Rule) else rules.get(outcome.rule)
        if rule is not None:  # a rule only a worker has: reported as a plugin difference
            report.outcomes.setdefault(rule.id, []).append(dataclasses.replace(outcome, rule=rule))
    for entry in result.inputs:
        if not result.loaded or entry not in report.inputs:
            report.inputs.append(entry)
    if result.title:
        report.titles[result.path] = result.title
    if result.errors:
        report.unchecked.add(result.path)
    if report.stats is not None and result.stats is not None:
        report.stats["files"].append(result.stats)
    report.waiver_uses.extend(result.waiver_uses)
    if result.assembly is not None:
        report.designs.append(result.assembly)
    for path, lines in result.quotes.items():  # so errors quote what the worker's loader read
        if path in SOURCES._lines:  # read in this process too: its own text, as in a serial run
            continue
        rows = [""] * max((n for n, text in lines.items() if text is not None), default=0)
        for n, text in lines.items():
            if text is not None:
                rows[n - 1] = text
        SOURCES.add(path, "".join(row + "\n" for row in rows))


def portable(result: DesignResult, plugins: tuple[tuple[str, str], ...]) -> DesignResult:
    """A result fit to travel between processes: no model objects (findings keep the names and counts
    that finalize() made of their objects; outcomes name their rule by id), with the source lines its
    errors quote and the plugins that produced it."""
    findings = []
    for finding in result.findings:
        travelling = dataclasses.replace(finding, objects=Objects())
        if travelling.count != finding.count:
            travelling.counted = finding.count
        findings.append(travelling)
    quotes: dict[str, dict[int, str | None]] = {}
    for diagnostic in result.errors:
        for location in [diagnostic.location, *(note.location for note in diagnostic.notes)]:
            quotes.setdefault(location.path, {})[location.line] = SOURCES.line(location.path, location.line)
    return dataclasses.replace(
        result,
        findings=findings,
        outcomes=[
            dataclasses.replace(o, rule=o.rule.id if isinstance(o.rule, Rule) else o.rule) for o in result.outcomes
        ],
        assembly=None,
        quotes=quotes,
        plugins=plugins,
    )


def finish(report: Report, host: PluginHost) -> None:
    """End a run once every design is in: the plugins' run-level judgement, then the report's order."""
    for _plugin, dropped in host.run_findings(report.findings, report.settings.file_waivers):
        if isinstance(dropped, PluginProblem):
            report.problems.append(dropped)
            continue
        drop = {id(finding) for finding in dropped}
        report.findings[:] = [f for f in report.findings if id(f) not in drop]
    report.sort()


def check_serially(
    report: Report,
    files: Sequence[Path],
    options: CheckOptions,
    host: PluginHost,
    progress: Progress | None = None,
) -> None:
    """Check each file here, one after the other, into the report."""
    extensions = host.language_extensions()
    if progress:
        progress.expect(len(files))
    for path in files:
        result = check_design(path, report.settings, report.rules, options, extensions, progress)
        merge(report, portable(result, ()) if options.lean and not options.keep_designs else result)
        if progress:
            progress.finish()


def _rule_id(rule: Rule | str) -> Any:
    """A rule as a travelled outcome names it: its id."""
    return rule.id if isinstance(rule, Rule) else rule


def _input_of(path: Path, options: CheckOptions) -> tuple[str, str]:
    """A design that could not be loaded, for the report's inputs. A file over the size limit is
    hashed as it is, in chunks, so that its refusal never holds it in memory."""
    digest = hashlib.sha256()
    try:
        if not path.is_file():  # a pipe or device swapped in since the scan: never opened
            return str(path), digest.hexdigest()
        if path.stat().st_size > options.limits.max_file_size:
            with path.open("rb") as file:
                for chunk in iter(lambda: file.read(2**20), b""):
                    digest.update(chunk)
            return str(path), digest.hexdigest()
        data = path.read_bytes()
    except OSError:
        data = b""
    digest.update(data.decode("utf-8", errors="replace").encode("utf-8"))
    return str(path), digest.hexdigest()


def _stats(assembly: Assembly, outcomes: list[RuleOutcome], loaded: float, checked: float) -> dict[str, Any]:
    """`--stats`: one design's sizes and per-phase timings."""
    timings = assembly.timings
    netlist = assembly.netlist
    return {
        "path": assembly.path,
        "pads": assembly.total_pads,
        "masses": assembly.total_masses,
        "built": {"pads": assembly.pad_count, "masses": assembly.mass_count},
        "electrical_nodes": int(netlist.node_labels.max() + 1) if netlist and len(netlist.node_labels) else 0,
        "seconds": {
            "parse": round(timings.parse, 6) if timings else 0.0,
            "build": round(timings.build, 6) if timings else 0.0,
            "rules": round(checked, 6),
            "total": round(loaded + checked, 6),
        },
        "rules": {
            o.rule.id: {"seconds": round(o.seconds, 6), "findings": o.findings}
            for o in outcomes
            if isinstance(o.rule, Rule) and o.status in ("ran", "crashed", "could-not-run")
        },
    }
