"""Checking a design in a process of its own, so that the server answers while the rules run.

Building a 100,000-mass design and running the rules takes seconds of CPU: in the server's own
process it would hold the interpreter and every hover would wait. The worker is a spawned process
(not forked: the server has threads), started once and kept, with the same plugins as the server;
it is sent the text of the design and of the other open files, and sends back the language errors,
the findings and the model's index as plain data. A worker that dies or runs past the time limit
is replaced; the check it was doing becomes one sentence, never a traceback.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from assemblint.base.diagnostics import Diagnostic, LanguageError, Location
from assemblint.editing.model_index import ModelIndex

CHECK_TIME_LIMIT = 600.0  # seconds; the rules' own budgets stop most runaway checks long before


def absolute(shown: str) -> str:
    """A path as a diagnostic shows it (relative to the current folder where it can be) made absolute."""
    return os.path.normpath(os.path.join(os.getcwd(), shown))


@dataclass
class CheckJob:
    path: str  # the design's file, absolute (need not exist: an unsaved file)
    text: str  # its text in the editor
    overlays: dict[str, str] = field(default_factory=dict)  # other open files' texts, by absolute path
    versions: tuple = ()  # the versions of the open files it was made from (the server's business)


@dataclass
class FindingInfo:
    rule: str
    severity: str  # error, warning, info
    message: str
    location: Location
    waived: bool = False


@dataclass
class CheckResult:
    errors: list[Diagnostic] = field(default_factory=list)  # E001–E010
    findings: list[FindingInfo] = field(default_factory=list)
    index: ModelIndex | None = None  # None: the design has language errors (keep the last good one)
    problems: list[str] = field(default_factory=list)  # what kept the check from running, in sentences
    seconds: float = 0.0


# ---------------------------------------------------------------- in the worker process


def run_check(job: CheckJob, host: Any) -> CheckResult:
    """Load, build and check one design as `assemblint check` does, with the configuration that
    applies in its folder; the open files' texts stand in for what is on disk."""
    from assemblint.api import check
    from assemblint.build.loader import load
    from assemblint.editing.model_index import index_of
    from assemblint.language.syntax import parse
    from assemblint.run import config

    started = time.perf_counter()
    folder = Path(job.path).parent
    try:
        settings = config.find(folder)
    except config.ConfigError as error:
        return CheckResult(problems=[f"the configuration cannot be used: {error}"])
    root = settings.root or str(folder)

    def parse_text(text: str, shown: str, depth: int) -> Any:
        return parse(job.overlays.get(absolute(shown), text), shown, depth)

    limits = _limits(settings)
    try:
        assembly = load(
            job.path,
            extensions=host.language_extensions(),
            root=root,
            text=job.text,
            max_objects=settings.max_objects or limits[0],
            limits=limits[1],
            parse_text=parse_text,
        )
    except LanguageError as error:
        return CheckResult(errors=error.diagnostics, seconds=time.perf_counter() - started)
    report = check(
        assembly,
        deck=settings.deck,
        select=settings.select,
        ignore=settings.ignore,
        host=host,
        max_objects=settings.max_objects or limits[0],
        limits=limits[1],
        **_budgets(settings),
    )
    findings = [FindingInfo(f.rule, f.severity.value, f.message, f.location, f.waived) for f in report.findings]
    problems = [
        f"plugin `{p.plugin}`" + (f", rule {p.rule}" if p.rule else "") + f": {p.message.splitlines()[0]}"
        for p in report.problems
    ]
    return CheckResult(
        errors=list(report.errors),
        findings=findings,
        index=index_of(assembly),
        problems=problems,
        seconds=time.perf_counter() - started,
    )


def _limits(settings: Any) -> tuple[int, Any]:
    from assemblint.base import limits
    from assemblint.build.builder import DEFAULT_MAX_OBJECTS

    chosen = limits.Limits(
        max_file_size=settings.max_file_size or limits.DEFAULT_MAX_FILE_SIZE,
        max_import_depth=settings.max_import_depth or limits.DEFAULT_MAX_IMPORT_DEPTH,
        max_expression_depth=settings.max_expression_depth or limits.DEFAULT_MAX_EXPRESSION_DEPTH,
    )
    return DEFAULT_MAX_OBJECTS, chosen


def _budgets(settings: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if settings.rule_timeout is not None:
        out["rule_timeout"] = settings.rule_timeout
    if settings.rule_memory is not None:
        out["rule_memory"] = settings.rule_memory
    if settings.isolate is not None:
        out["isolate"] = settings.isolate
    return out


def _serve(conn: Connection, disabled: list[str]) -> None:
    """The worker's loop: a job in, a result out, until the pipe closes."""
    os.dup2(2, 1)  # a rule that prints must not write into the server's protocol stream
    sys.stdout = sys.stderr
    try:
        from assemblint.plugins.host import PluginHost

        host = PluginHost.create(disable=disabled)
        host.rules()
        host.language_extensions()
    except Exception as error:  # the server sees the pipe close and says the check could not run
        print(f"assemblint lsp: the checking process cannot start: {type(error).__name__}: {error}", file=sys.stderr)
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = run_check(job, host)
        except Exception as error:  # an internal error of assemblint: one sentence for the editor
            result = CheckResult(problems=[f"internal error while checking: {type(error).__name__}: {error}"])
        try:
            conn.send(result)
        except (OSError, ValueError):
            return


# ---------------------------------------------------------------- in the server


class Checker:
    """The server's handle on the worker: `check` blocks (call it from a thread), one job at a time.

    Two locks: `_jobs` is held for a whole check, `_process` only while the worker is started or
    stopped, so that `close` never waits for a check and never leaves a worker half started (one
    whose parent is gone before it has read how to start prints a traceback)."""

    def __init__(self, disabled: set[str], time_limit: float = CHECK_TIME_LIMIT):
        self.disabled = sorted(disabled)
        self.time_limit = time_limit
        self._context = multiprocessing.get_context("spawn")
        self._worker: Any = None
        self._conn: Connection | None = None
        self._jobs = threading.Lock()
        self._process = threading.Lock()
        self._closed = False

    def start(self) -> None:
        with self._jobs:
            self._ensure()

    def _ensure(self) -> Connection:
        with self._process:
            if self._closed:
                raise OSError("the server is stopping")
            if self._worker is not None and self._worker.is_alive() and self._conn is not None:
                return self._conn
            self._stop()
            ours, theirs = self._context.Pipe()
            worker = self._context.Process(
                target=_serve, args=(theirs, self.disabled), daemon=True, name="assemblint-check"
            )
            worker.start()
            theirs.close()
            self._worker, self._conn = worker, ours
            return ours

    def check(self, job: CheckJob) -> CheckResult:
        with self._jobs:
            try:
                conn = self._ensure()
                conn.send(job)
                if not conn.poll(self.time_limit):
                    with self._process:
                        self._stop()
                    return CheckResult(problems=[f"the check took more than {self.time_limit:g} s and was stopped"])
                result = conn.recv()
            except (EOFError, OSError, ValueError) as error:
                with self._process:
                    code = self._worker.exitcode if self._worker is not None else None
                    self._stop()
                why = f"exit code {code}" if code is not None else str(error) or type(error).__name__
                return CheckResult(problems=[f"the checking process stopped ({why}); it is started again"])
            return result if isinstance(result, CheckResult) else CheckResult(problems=["the check sent nothing"])

    def _stop(self) -> None:
        """(With `_process` held.)"""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
        if self._worker is not None and self._worker.is_alive():
            self._worker.kill()
            self._worker.join(5)
        self._worker, self._conn = None, None

    def close(self) -> None:
        """Stop the worker without waiting for the check it is doing; start none after."""
        with self._process:
            self._closed = True
            self._stop()
