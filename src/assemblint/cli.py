"""The command line: check, report, rules, explain, plugins, graph, diff. Exit codes as CLI.md says:
0 clean, 1 findings at or above --fail-on, 2 unusable input or options, 3 a plugin or rule raised.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from assemblint.api import CheckOptions, check_files, design_files
from assemblint.base import limits
from assemblint.base.allocator import keep_freed_memory
from assemblint.base.atomic import write_chunks
from assemblint.base.diagnostics import LanguageError
from assemblint.base.inputs import shown_path
from assemblint.base.version import __version__
from assemblint.build.builder import DEFAULT_MAX_OBJECTS
from assemblint.build.loader import load
from assemblint.checking import budgets, isolation
from assemblint.checking.deck import DeckError, load_deck
from assemblint.checking.waivers import WaiverFileError
from assemblint.model.graph import GRAPH_FORMATS
from assemblint.model.graph_export import graph_text
from assemblint.plugins.host import FormatWriter, PluginHost, PluginProblem
from assemblint.report import baseline
from assemblint.report.baseline import BaselineError
from assemblint.report.formats.escaping import for_log
from assemblint.report.formats.registry import rendered
from assemblint.report.report import FAIL_ON, Report
from assemblint.rule_docs import example_findings, explain_text, reference_markdown
from assemblint.run import config, parallel, tile_plan, tiles
from assemblint.run.config import ConfigError
from assemblint.run.outputs import OverwritesInput, named_inputs, read_inputs, refuse_overwrite
from assemblint.run.progress import for_terminal

REVIEW_FILE = "review.html"  # where `assemblint report` writes when -o is not given
T = TypeVar("T")


class UsageError(Exception):
    """Bad options: exit 2 with a sentence."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 too; keep its wording, add the program
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)  # only lends its options: `parents` of _Parser subcommands
    common.add_argument(
        "-p",
        dest="plugins",
        action="append",
        default=[],
        metavar="NAME",
        help="enable plugin NAME, or disable it with no:NAME (repeatable)",
    )
    parser = _Parser(prog="assemblint", description="Design-rule checker for microelectronic packaging assemblies.")
    parser.add_argument("--version", action="version", version=f"assemblint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", parents=[common], help="check .assy files (a folder: every .assy below it)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    _check_options(check, html=False)

    review = sub.add_parser(
        "report", parents=[common], help="the HTML review report of .assy files (check --format html -o FILE)"
    )
    review.add_argument("paths", nargs="+", metavar="PATH")
    _check_options(review, html=True)

    rules = sub.add_parser("rules", parents=[common], help="list every rule")
    rules.add_argument("--deck", help="show the settings this deck gives each rule")
    rules.add_argument(
        "--verify", action="store_true", help="run every rule's documented examples: one must fire, one must not"
    )
    rules.add_argument(
        "--format", default="text", choices=("text", "json", "markdown"), help="markdown: the rule reference"
    )

    explain = sub.add_parser("explain", parents=[common], help="a rule's documentation")
    explain.add_argument("rule_id", metavar="ID")

    sub.add_parser("plugins", parents=[common], help="loaded plugins, versions, what each registers")

    diff = sub.add_parser("diff", help="compare two JSON reports: new, fixed and unchanged findings")
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument(
        "--max-file-size",
        type=_argument(limits.parse_size),
        metavar="SIZE",
        help=f"limit on each report's size (default {limits.suggested_size(limits.DEFAULT_MAX_FILE_SIZE)})",
    )

    graph = sub.add_parser("graph", parents=[common], help="export the netlist graph")
    graph.add_argument("path", metavar="PATH")
    graph.add_argument("--format", default="graphml", choices=GRAPH_FORMATS)
    graph.add_argument("-o", "--output", metavar="FILE")
    graph.add_argument("--root")
    _limit_options(graph)
    graph.add_argument("--flat", action="store_true", help="every placed instance in the graph, not one per kind")

    materials = sub.add_parser(
        "materials", parents=[common], help="the materials `use std` loads (or one), each value with its source"
    )
    materials.add_argument("name", nargs="?", metavar="NAME", help="one material (a library's materials: LIBRARY.*)")
    materials.add_argument("--format", default="text", choices=("text", "json"))

    fmt = sub.add_parser("fmt", help="rewrite .assy files in the canonical layout (a folder: every .assy below it)")
    fmt.add_argument("paths", nargs="+", metavar="PATH")
    fmt.add_argument("--check", action="store_true", help="change nothing; exit 1 if any file would change")
    fmt.add_argument("--diff", action="store_true", help="change nothing; print what would change as a unified diff")

    lsp = sub.add_parser("lsp", parents=[common], help="a language server on stdin/stdout for editors (LSP)")
    lsp.add_argument("--stdio", action="store_true", help="accepted for editors that pass it: stdio is the default")
    return parser


def _check_options(parser: argparse.ArgumentParser, html: bool) -> None:
    """The options of `check`; `report` (html=True) has them all but --format and --stats, and -o names a file."""
    parser.add_argument("--deck", help="a rule deck: a built-in name (default, …) or a path")
    parser.add_argument("--select", action="append", metavar="IDS", help="only these rule ids or prefixes (MH,CT00)")
    parser.add_argument("--ignore", action="append", metavar="IDS", help="skip these rule ids or prefixes")
    if html:
        parser.set_defaults(format="html", stats=False)
        parser.add_argument(
            "-o",
            "--output",
            default=REVIEW_FILE,
            metavar="FILE",
            help=f"the HTML file to write (default {REVIEW_FILE})",
        )
    else:
        parser.add_argument(
            "--format",
            default="text",
            help="text (default), json, or a plugin's format; PLUGIN:NAME says whose (builtin:json)",
        )
        parser.add_argument("-o", "--output", metavar="FILE", help="write the report there instead of stdout")
    parser.add_argument("--fail-on", choices=FAIL_ON, help="lowest severity that fails the run (default error)")
    parser.add_argument("--root", help="the folder imports must stay inside (default: each file's folder)")
    parser.add_argument("--waivers", metavar="FILE", help="waivers in TOML ([[waiver]] rule, on, because, by, until)")
    parser.add_argument(
        "--baseline", metavar="REPORT", help="a JSON report: findings already in it are marked and do not fail"
    )
    parser.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="F=FILE",
        help="also write format F to FILE (repeatable: one run feeds several CI systems)",
    )
    _limit_options(parser)
    parser.add_argument(
        "--flat",
        action="store_true",
        help="expand every placed cell and check flat (the findings equal the hierarchical run's)",
    )
    parser.add_argument(
        "--rule-timeout",
        type=_argument(budgets.parse_seconds),
        metavar="SECONDS",
        help=f"stop a rule that runs longer (exit 3); 0: no limit (default {budgets.DEFAULT_RULE_TIMEOUT:g})",
    )
    parser.add_argument(
        "--rule-memory",
        type=_argument(budgets.parse_size),
        metavar="SIZE",
        help="stop a rule that takes more memory, e.g. 4G (exit 3); 0: no limit "
        f"(default {budgets.describe_size(budgets.DEFAULT_RULE_MEMORY)})",
    )
    parser.add_argument(
        "--isolate",
        choices=isolation.MODES,
        help="which rules run in a worker process of their own, so that none can end, hang or change the run: "
        "none, plugins (those outside assemblint; default) or all",
    )
    if not html:
        parser.add_argument("--stats", action="store_true", help="per-phase and per-rule timings")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    _parallel_options(parser)


def _parallel_options(parser: argparse.ArgumentParser) -> None:
    """--jobs, --executor, --scheduler (parallel.py, docs/scale.md)."""
    parser.add_argument(
        "--jobs",
        type=_argument(_jobs),
        default=1,
        metavar="N",
        help="check files, and parts of large designs, in N processes; "
        "share a large design's rules with a helper (default 1)",
    )
    parser.add_argument(
        "--executor",
        choices=parallel.EXECUTORS,
        default="process",
        help="where the work runs: local processes (default), or a Dask cluster (pip install 'assemblint[dask]')",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://host:8786 (with --executor dask; without it, a local cluster; "
        "`synchronous`: tiles one by one in this process)",
    )
    parser.add_argument(
        "--tiles",
        metavar="SIZE",
        type=_argument(tile_plan.tile_option),
        help="with --executor dask: check a design as square tiles of SIZE (`5 mm`, `auto`; docs/tiles.md)",
    )
    parser.add_argument(
        "--worker-memory",
        metavar="SIZE",
        type=_argument(budgets.parse_size),
        help="the memory of each worker of a local Dask cluster (`1GB`): its nanny restarts a worker past it",
    )


def _jobs(text: str) -> int:
    """`--jobs N`: a whole number, 1 or more."""
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError(f"expected a number of processes, 1 or more, got {text!r}")
    return int(text)


def _limit_options(parser: argparse.ArgumentParser) -> None:
    """The limits on what a design may ask (limits.py), for every command that loads one; unset,
    they come from the configuration, else the defaults."""
    parser.add_argument(
        "--max-objects",
        type=_argument(limits.parse_count),
        metavar="N",
        help=f"limit on pads and masses counted out of grids and cells (default {DEFAULT_MAX_OBJECTS:,})",
    )
    parser.add_argument(
        "--max-file-size",
        type=_argument(limits.parse_size),
        metavar="SIZE",
        help="limit on one design file's size, e.g. 64M or 67108864 (bytes) "
        f"(default {limits.suggested_size(limits.DEFAULT_MAX_FILE_SIZE)})",
    )
    parser.add_argument(
        "--max-import-depth",
        type=_argument(limits.parse_count),
        metavar="N",
        help=f"limit on imports nested inside imports (default {limits.DEFAULT_MAX_IMPORT_DEPTH})",
    )
    parser.add_argument(
        "--max-expression-depth",
        type=_argument(limits.parse_count),
        metavar="N",
        help="limit on the nesting of one expression: parentheses, signs, operators "
        f"(default {limits.DEFAULT_MAX_EXPRESSION_DEPTH})",
    )


def _limits(args: argparse.Namespace) -> tuple[int, limits.Limits]:
    """`max_objects` and the other limits: the command line's, else the configuration's, else the defaults."""
    settings = args.config
    max_objects = _given(args.max_objects, settings.max_objects, DEFAULT_MAX_OBJECTS)
    chosen = limits.Limits(
        max_file_size=_given(args.max_file_size, settings.max_file_size, limits.DEFAULT_MAX_FILE_SIZE),
        max_import_depth=_given(args.max_import_depth, settings.max_import_depth, limits.DEFAULT_MAX_IMPORT_DEPTH),
        max_expression_depth=_given(
            args.max_expression_depth, settings.max_expression_depth, limits.DEFAULT_MAX_EXPRESSION_DEPTH
        ),
    )
    return max_objects, chosen


def _argument(parse: Callable[[str], T]) -> Callable[[str], T]:
    """A parser for argparse's `type=`: its ValueError's sentence becomes the usage error (exit 2)."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        if args.command == "diff":  # compares two reports: no plugins, no configuration
            return cmd_diff(args)
        if args.command == "fmt":  # text to text: no plugins, no configuration
            return cmd_fmt(args)
        args.config = config.find()
        host = _host([*args.config.plugins, *args.plugins])  # the command line's -p come last and win
        return {
            "check": cmd_check,
            "report": cmd_check,  # `report PATH -o F` is `check PATH --format html -o F`
            "rules": cmd_rules,
            "explain": cmd_explain,
            "plugins": cmd_plugins,
            "graph": cmd_graph,
            "materials": cmd_materials,
            "lsp": cmd_lsp,
        }[args.command](args, host)
    except (UsageError, DeckError, ConfigError, WaiverFileError, BaselineError, OverwritesInput) as error:
        _say(f"assemblint: {error}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def run() -> NoReturn:
    """The `assemblint` command: `main()`, then exit even if a rule left a thread running.

    A rule run in process (`--isolate none`) may leave a non-daemon thread behind; the run reports
    it (its rule crashed, exit 3), and the interpreter would then wait for that thread forever
    before exiting. The report is written by now: flush and leave.
    """
    keep_freed_memory()
    code = main()
    if isolation.leftover_threads():
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _host(flags: list[str]) -> PluginHost:
    """`-p NAME` / `-p no:NAME`, in order: a later flag wins (the command line's come after the configuration's)."""
    wanted: dict[str, bool] = {}
    for flag in flags:
        wanted[flag[3:] if flag.startswith("no:") else flag] = not flag.startswith("no:")
    enable = [name for name, on in wanted.items() if on]
    disable = [name for name, on in wanted.items() if not on]
    if "builtin" in disable:
        raise UsageError("the `builtin` plugin (std library, text and JSON formats) cannot be disabled")
    host = PluginHost.create(enable=enable, disable=disable)
    unknown = [name for name in enable if name not in {p.name for p in host.plugins}]
    if unknown:
        raise UsageError(
            f"no plugin named {', '.join(unknown)} is installed; installed: {', '.join(p.name for p in host.plugins)}"
        )
    return host


def _say(message: str) -> None:
    """A message on stderr, each line escaped as the text format escapes (escaping.for_log): what it
    quotes of a file name or a design cannot start a line, a workflow command or an escape sequence."""
    print(for_log(message), file=sys.stderr)


def _write(text: str | Iterable[str], output: str | None) -> None:
    """Standard output, or FILE replaced whole (atomic.py): an interrupted run leaves no partial file.
    The text may come in chunks, written as they come (a graph of a million masses)."""
    chunks = [text] if isinstance(text, str) else text
    if output:
        try:
            write_chunks(output, chunks)
        except OSError as error:
            raise UsageError(f"cannot write {shown_path(output)}: {error.strerror or error}") from None
    else:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()


def cmd_check(args: argparse.Namespace, host: PluginHost) -> int:
    extra_reports = [_report_spec(spec) for spec in args.report]
    selections = [(args.format, args.output), *((name, path) for name, path in extra_reports)]
    outputs = [(_format(host, name), path) for name, path in selections]  # the main report first
    settings = args.config
    max_objects, chosen_limits = _limits(args)
    options = CheckOptions(
        deck=args.deck or settings.deck,
        select=_split(args.select) if args.select else settings.select,
        ignore=_split(args.ignore) if args.ignore else settings.ignore,
        fail_on=args.fail_on or settings.fail_on or "error",
        root=args.root or settings.root,
        max_objects=max_objects,
        limits=chosen_limits,
        flat=args.flat,
        stats=args.stats,
        waivers=args.waivers,
        baseline=args.baseline,
        rule_timeout=_given(args.rule_timeout, settings.rule_timeout, budgets.DEFAULT_RULE_TIMEOUT),
        rule_memory=_given(args.rule_memory, settings.rule_memory, budgets.DEFAULT_RULE_MEMORY),
        isolate=args.isolate or settings.isolate or isolation.DEFAULT_MODE,
    )
    options.jobs, options.executor, options.scheduler = args.jobs, args.executor, args.scheduler
    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler names a Dask scheduler: give it with --executor dask")
    try:
        tiles.configure(options, args.tiles, args.worker_memory)
    except tile_plan.TilesError as error:
        raise UsageError(str(error)) from None
    # formats that draw the designs need them here, so files are then checked in this process
    options.keep_designs = not all(
        writer.plugin == "builtin" and writer.name in parallel.PLAIN_FORMATS for writer, _ in outputs
    )
    options.lean = not options.keep_designs
    written = [(f"--report {name}={path}" if i else f"-o {path}", path) for i, (name, path) in enumerate(selections)]
    refuse_overwrite(written, named_inputs([Path(p) for p in args.paths], options))
    progress = for_terminal(args.quiet)
    try:
        if args.executor == "dask":
            parallel.require_dask()
        report = check_files([Path(p) for p in args.paths], options, host, progress=progress)
    except parallel.ExecutorError as error:
        raise UsageError(str(error)) from None
    finally:
        if progress:
            progress.close()
    refuse_overwrite(written, read_inputs(report, options))  # imports and `extends` too, before any write
    problems, warnings = _refusals(host, [name for name, _ in selections])
    report.problems.extend(problems)  # before any format is written, so that each one says so
    main, _ = outputs[0]
    text_report = (main.plugin, main.name) == ("builtin", "text")  # the text report, which shows problems
    colour = text_report and args.output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    texts = _render(report, outputs, colour)
    for index, (_, path) in enumerate(outputs):
        if index in texts:
            _write(texts[index], path)
    for warning in warnings:
        _say(f"assemblint: warning: {warning}")
    shown = text_report and args.output is None and 0 in texts  # on stdout, with the errors and problems
    if not shown and report.errors:
        for diagnostic in report.errors:  # a person reading the CI log still sees why it stopped
            _say("\n".join(rendered(diagnostic)))
    if not shown:  # and which plugin and rule (or format) crashed or ran over its budget
        for problem in report.problems:
            who = f"plugin `{problem.plugin}`" + (f", rule {problem.rule}" if problem.rule else "")
            _say(f"assemblint: internal error in {who}: {(problem.message.splitlines() or [''])[0]}")
    return report.exit_code


def _format(host: PluginHost, selection: str) -> FormatWriter:
    """`--format NAME` (the first plugin to register NAME, the core's own for the built-in names) or
    `--format PLUGIN:NAME` (that plugin's, also one refused as a duplicate); otherwise exit 2."""
    writer = host.format_writer(selection)
    if writer is None:
        writers = host.format_writers()
        known = sorted(w.name for w in writers if w.refused_by is None)
        known += sorted(w.qualified for w in writers if w.refused_by is not None)
        raise UsageError(f"unknown format `{selection}`; known: {', '.join(known)}")
    return writer


def _refusals(host: PluginHost, selections: list[str]) -> tuple[list[PluginProblem], list[str]]:
    """The formats refused as duplicates (plugins/host.py): a problem of the run (exit 3) when the run
    selects their name unqualified, since the user may have meant the plugin's; nothing when it selects
    the name as `PLUGIN:NAME`, which says whose; otherwise a warning."""
    bare = {name for name in selections if (writer := host.format_writer(name)) and writer.name == name}
    qualified = {writer.name for name in selections if (writer := host.format_writer(name)) and writer.name != name}
    problems: list[PluginProblem] = []
    warnings: list[str] = []
    for writer in host.format_writers():
        if writer.refused_by is None or (writer.name in qualified and writer.name not in bare):
            continue
        if writer.name in bare:
            problems.append(PluginProblem(writer.plugin, "", writer.refusal()))
        else:
            warnings.append(writer.refusal())
    return problems, warnings


def _render(report: Report, outputs: list[tuple[FormatWriter, str | None]], colour: bool) -> dict[int, str]:
    """Each output's text, by its index in `outputs` (the first is the main report, coloured if `colour`).

    A writer that raises (SystemExit too; KeyboardInterrupt still stops the run) or returns something
    other than a str is its plugin's internal error: it is left out, and the others are written again
    with that problem in the report, so that every file written says the run failed (exit 3).
    """
    failed: set[int] = set()
    while True:
        texts: dict[int, str] = {}
        new: list[PluginProblem] = []
        for index, (writer, path) in enumerate(outputs):
            if index in failed:
                continue
            report.settings.colour = colour and index == 0
            text, problem = _run_writer(writer, report, path)
            if problem is None:
                texts[index] = text
            else:
                failed.add(index)
                new.append(problem)
        report.settings.colour = False
        if not new:
            return texts
        report.problems.extend(new)


def _run_writer(writer: FormatWriter, report: Report, path: str | None) -> tuple[str, PluginProblem | None]:
    """One writer's text, or the problem saying how it failed (one line: no traceback reaches the user)."""
    where = f"nothing was written to {path}" if path else "nothing was written to standard output"
    try:
        text: object = writer.write(report)
    except (Exception, SystemExit) as error:  # the plugin's fault: reported, and the other formats written
        frames = traceback.extract_tb(error.__traceback__)
        at = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if len(frames) > 1 else ""
        said = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        message = f"format `{writer.name}` raised {said}{at}; {where}"
        return "", PluginProblem(writer.plugin, "", message)
    if not isinstance(text, str):
        message = f"format `{writer.name}` returned {type(text).__name__}, expected str; {where}"
        return "", PluginProblem(writer.plugin, "", message)
    return text, None


def _given(option: T | None, configured: T | None, default: T) -> T:
    """The command line's value, else the configuration's, else the default; 0 counts as given."""
    return option if option is not None else configured if configured is not None else default


def _report_spec(spec: str) -> tuple[str, str]:
    """`--report sarif=out.sarif` -> ("sarif", "out.sarif")."""
    name, sep, path = spec.partition("=")
    if not sep or not name.strip() or not path.strip():
        raise UsageError(f"--report takes FORMAT=FILE (e.g. sarif=assemblint.sarif), got {spec!r}")
    return name.strip(), path.strip()


def cmd_diff(args: argparse.Namespace) -> int:
    """New, fixed and unchanged findings between two JSON reports; exit 1 when there are new ones."""
    size = args.max_file_size if args.max_file_size is not None else limits.DEFAULT_MAX_FILE_SIZE
    result = baseline.diff(baseline.read_report(args.old, size), baseline.read_report(args.new, size))
    for title, findings in (("new", result.new), ("fixed", result.fixed), ("unchanged", result.unchanged)):
        print(f"{title}: {len(findings)}")
        for finding in findings:
            print("  " + baseline.line(finding))
    return 1 if result.new else 0


def cmd_verify(host: PluginHost) -> int:
    """`rules --verify`: each rule's "fires" example fires it and its "passes" example does not."""
    failures = 0
    for rule in host.rules():
        if not rule.examples.get("fires") and not rule.examples.get("passes"):
            print(f"{rule.id:<8} no examples ({rule.plugin}): give @rule(examples={{'fires': …, 'passes': …}})")
            continue
        problems = []
        for key, must_fire in (("fires", True), ("passes", False)):
            if not rule.examples.get(key):
                problems.append(f"no `{key}` example")
                continue
            found = example_findings(rule, key, host)
            if found is None:
                problems.append(f"the `{key}` example does not load or check")
            elif must_fire and not found:
                problems.append(f"the `{key}` example gives no {rule.id} finding")
            elif not must_fire and found:
                problems.append(f"the `{key}` example gives {len(found)} finding(s): {found[0]}")
        failures += bool(problems)
        print(f"{rule.id:<8} {'FAIL' if problems else 'ok'}" + (": " + "; ".join(problems) if problems else ""))
    _print_problems(host)
    print(f"{failures} rule(s) failed their examples" if failures else "every rule's examples behave as documented")
    return 3 if host.problems else 1 if failures else 0


def cmd_rules(args: argparse.Namespace, host: PluginHost) -> int:
    if args.verify:
        return cmd_verify(host)
    rules = host.rules()
    size = _given(None, args.config.max_file_size, limits.DEFAULT_MAX_FILE_SIZE)
    deck = load_deck(args.deck or args.config.deck, rules, size)
    rows: list[dict[str, Any]] = []
    for rule in rules:
        try:
            settings = deck.effective(rule)
        except Exception as error:
            host.problems.append(PluginProblem(rule.plugin, rule.id, f"bad parameter default: {error}"))
            continue
        rows.append(
            {
                "id": rule.id,
                "name": rule.name,
                "family": rule.family,
                "severity": settings.severity.value,
                "plugin": rule.plugin,
                "enabled": settings.enabled,
                "params": {  # the deck's value, else the rule's default; a parameter unset in both is left out
                    k: deck.settings.get(rule.id, {}).get(k, rule.default_params().get(k))
                    for k in rule.params
                    if k in deck.settings.get(rule.id, {}) or k in rule.default_params()
                },
            }
        )
    if args.format == "markdown":  # the reference of the rules that ship with assemblint itself
        own = {p.name for p in host.plugins if p.distribution == "assemblint"}
        print(reference_markdown([r for r in rules if r.plugin in own], host), end="")
        return 3 if host.problems else 0
    if args.format == "json":
        print(json.dumps({"deck": deck.name, "rules": rows}, indent=2))
        return 3 if host.problems else 0
    print(f"deck: {deck.name}" + (f" ({deck.path})" if deck.path else ""))
    if not rows:
        print("no rules are installed (the rule families are plugins: see `assemblint plugins`)")
    for row in rows:
        params = ", ".join(f"{k}={v}" for k, v in row["params"].items())
        print(
            f"{row['id']:<8} {row['name']:<24} {row['family']:<5} {row['severity']:<8} "
            f"{'enabled' if row['enabled'] else 'disabled':<9} {row['plugin']}" + (f"  [{params}]" if params else "")
        )
    _print_problems(host)
    return 3 if host.problems else 0


def cmd_explain(args: argparse.Namespace, host: PluginHost) -> int:
    rules = {r.id: r for r in host.rules()}
    rule = rules.get(args.rule_id.upper())
    if rule is None:
        from assemblint.base.diagnostics import did_you_mean

        raise UsageError(
            f"no rule {args.rule_id}{did_you_mean(args.rule_id.upper(), rules)}; `assemblint rules` lists them"
        )
    print(explain_text(rule, host))
    return 0


def cmd_plugins(args: argparse.Namespace, host: PluginHost) -> int:
    registrations = host.registrations()
    for plugin in host.plugins:
        print(f"{plugin.name} {plugin.version} ({plugin.module})")
        for label, names in sorted(registrations.get(plugin.name, {}).items()):
            if names:
                print(f"    {label}: {', '.join(names)}")
    _print_problems(host)
    return 3 if host.problems else 0


def cmd_graph(args: argparse.Namespace, host: PluginHost) -> int:
    files, missing = design_files([Path(args.path)])
    if missing:
        raise UsageError(missing[0].message)
    if len(files) != 1:
        raise UsageError(f"`graph` exports one design; {shown_path(args.path)} holds {len(files)} .assy files")
    max_objects, chosen_limits = _limits(args)
    try:
        assembly = load(
            files[0],
            root=args.root,
            extensions=host.language_extensions(),
            max_objects=max_objects,
            flat=args.flat,
            limits=chosen_limits,
        )
    except LanguageError as error:
        for diagnostic in error.diagnostics:
            _say("\n".join(rendered(diagnostic)))
        return 2
    refuse_overwrite([(f"-o {args.output}", args.output)], [str(files[0]), *(path for path, _ in assembly.files)])
    _write(graph_text(assembly, args.format), args.output)  # from the arrays, not through networkx (graph_export.py)
    return 0


def _print_problems(host: PluginHost) -> None:
    for problem in host.problems:
        who = f"plugin `{problem.plugin}`" + (f", rule {problem.rule}" if problem.rule else "")
        _say(f"assemblint: internal error in {who}: {problem.message}")


def cmd_materials(args: argparse.Namespace, host: PluginHost) -> int:
    """`assemblint materials [NAME]`: the libraries' materials with their values and sources (editing/materials.py)."""
    from assemblint.editing.materials import run_materials

    return run_materials(args.name, args.format, host, sys.stdout)


def cmd_fmt(args: argparse.Namespace) -> int:
    """`assemblint fmt PATH…`: the canonical layout (editing/fmt.py, language/layout.py)."""
    from assemblint.editing.fmt import run_fmt

    return run_fmt([Path(p) for p in args.paths], check=args.check, diff=args.diff, out=sys.stdout, err=sys.stderr)


def cmd_lsp(args: argparse.Namespace, host: PluginHost) -> int:
    """`assemblint lsp`: the language server on stdin/stdout (editing/server.py)."""
    from assemblint.editing.server import serve

    return serve(host)
