"""The docs show what the product does: every command example with its output in README.md and
docs/*.md is run, and the output it shows must be the output the command gives.

The convention, in the Markdown (docs/rules.md is generated and left out: tests/checking/test_rule_docs.py
holds it to the rules):

- **An example** is a fenced block whose first line is a command: `$ assemblint ARGS`. The lines
  after it, up to the next `$ ` line or the end of the block, are its standard output, exactly.
  A last line `# exit N` gives the exit code; without one the command must exit 0. A block may
  hold several commands; each is run on its own, so none may depend on another's files.
- The command is run from the project's root as `python -m assemblint ARGS`, not on a terminal,
  with `NO_COLOR=1`, `COLUMNS=80` and `ASSEMBLINT_TODAY=2026-12-06` (waivers are judged on that
  day). It may start with `NAME=value` words (its environment, e.g. `ASSEMBLINT_TODAY=2027-07-01`)
  and end with `2>&1` (standard error then counts as output too, in the order it was written);
  nothing else of the shell (no pipes, no redirection to files) is understood.
- The outputs are assemblint's own: the core and its four rule families. Plugins installed beside
  it (rohs, alpha and template from plugins/, or any other distribution) are disabled with
  `-p no:NAME` in every command that takes `-p`, so the docs hold whatever else is installed.
- The project's absolute path, wherever the product prints it, is written `/path/to/assemblint`.
- A line that holds only `...` (at any indentation) stands for any number of lines, for an
  excerpt of a long output.
- **A design shown in full** is a fenced block whose first line is a comment naming its file,
  `# docs/examples/NAME.assy` (or `examples/…`, and `.toml` files the same way), optionally
  followed by `:` and text. The block must be that file, line for line: the file is what the
  examples run, the block is what the reader sees. Design files for the docs live in
  docs/examples/.
- A fenced block that is not an example must not look like assemblint's output (a diagnostic, a
  summary line, an `assemblint: ` message): `test_no_output_is_shown_unchecked` says where.

After a change to the rules, `ASSEMBLINT_UPDATE_DOCS=1 python -m pytest tests/app/test_docs_examples.py`
rewrites every example's shown output (and its `# exit N` line) in the docs from the product's real
output; excerpts (`...`) that no longer match, and design blocks, are left for a person to fix.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "rules.md")]
PROJECT_PLACEHOLDER = "/path/to/assemblint"
ENVIRONMENT = {"NO_COLOR": "1", "COLUMNS": "80", "ASSEMBLINT_TODAY": "2026-12-06", "PYTHONUTF8": "1"}
UPDATE = os.environ.get("ASSEMBLINT_UPDATE_DOCS", "") not in ("", "0")
TIMEOUT = 120  # seconds, per command
# the subcommands that take `-p` (cli.py's `common` parent parser); `diff` loads no plugins
TAKES_PLUGINS = {"check", "report", "rules", "explain", "plugins", "graph", "materials", "lsp"}

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
EXIT = re.compile(r"^# exit (?P<code>\d+)$")
ENV_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
DESIGN_FILE = re.compile(r"^# (?P<path>(?:docs/)?examples/[^\s:]+)(?::.*)?$")
# what assemblint's output looks like: `file.assy:3:5: E002 …`, `file.assy: 0 errors, …`,
# `file.assy: not checked…`, `assemblint: …`, `::error file=…` (the github format)
LOOKS_LIKE_OUTPUT = re.compile(
    r"^\s*(?:\S+\.assy:\d+:\d+: [A-Z]+\d+ |\S+\.assy: (?:\d+ errors?,|not checked)"
    r"|assemblint: |::(?:error|warning|notice) )"
)


@dataclass
class Block:
    doc: Path
    line: int  # 1-based line of the block's first content line (the command, or the file comment)
    indent: str
    lines: list[str]  # the content, without the fence's indentation
    end: int = 0  # 1-based line of the closing fence

    @property
    def name(self) -> str:
        return f"{self.doc.relative_to(ROOT).as_posix()}:{self.line}"


@dataclass
class Command:
    text: str  # as written after `$ `
    expected: list[str]
    exit_code: int
    line: int  # 1-based line of the `$ ` line in the doc
    source: list[str] = field(default_factory=list)  # the block's lines for this command, as written
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    merge_stderr: bool = False


def fenced_blocks(doc: Path) -> list[Block]:
    lines = doc.read_text(encoding="utf-8").split("\n")
    blocks, i = [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = opening["indent"], opening["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        content = [line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[i + 1 : j]]
        blocks.append(Block(doc, i + 2, indent, content, end=j + 1))
        i = j + 1
    return blocks


def is_example(block: Block) -> bool:
    return bool(block.lines) and block.lines[0].startswith("$ ")


def is_design(block: Block) -> bool:
    return bool(block.lines) and bool(DESIGN_FILE.match(block.lines[0]))


ALL_BLOCKS = [block for doc in DOCS for block in fenced_blocks(doc)]
EXAMPLES = [block for block in ALL_BLOCKS if is_example(block)]
DESIGNS = [block for block in ALL_BLOCKS if is_design(block)]


@cache
def other_plugins() -> list[str]:
    """Plugins installed from distributions other than assemblint itself (rohs, alpha, template…)."""
    installed = metadata.entry_points(group="assemblint.plugins")
    return sorted({ep.name for ep in installed if not ep.dist or ep.dist.name != "assemblint"})


def commands(block: Block) -> list[Command]:
    found: list[Command] = []
    for offset, line in enumerate(block.lines):
        if line.startswith("$ "):
            found.append(Command(line[2:].strip(), [], 0, block.line + offset))
        else:
            found[-1].expected.append(line.rstrip())
        found[-1].source.append(line)
    for command in found:
        while command.expected and not command.expected[-1]:
            command.expected.pop()
        if command.expected and (code := EXIT.match(command.expected[-1])):
            command.exit_code = int(code["code"])
            command.expected.pop()
        words = shlex.split(command.text)
        while words and ENV_WORD.match(words[0]):
            name, _, value = words.pop(0).partition("=")
            command.env[name] = value
        if words and words[-1] == "2>&1":
            command.merge_stderr = True
            words.pop()
        if not words or words[0] != "assemblint" or any(w in {"|", ">", "<", ">>", "&&", ";"} for w in words):
            raise ValueError(f"{block.doc.name}:{command.line}: not an `assemblint …` command this test can run")
        args = words[1:]
        if args and args[0] in TAKES_PLUGINS:
            args[1:1] = [word for name in other_plugins() for word in ("-p", f"no:{name}")]
        command.argv = [sys.executable, "-m", "assemblint", *args]
    return found


@dataclass
class Result:
    output: list[str]
    exit_code: int


def run(command: Command) -> Result:
    env = {**os.environ, **ENVIRONMENT, **command.env}
    env.pop("ASSEMBLINT_UPDATE_DOCS", None)
    done = subprocess.run(
        command.argv,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if command.merge_stderr else subprocess.PIPE,
        timeout=TIMEOUT,
        check=False,
    )
    text = done.stdout.decode("utf-8", errors="replace").replace(str(ROOT), PROJECT_PLACEHOLDER)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return Result(lines, done.returncode)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line for line; a line `...` stands for any number of lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line.strip() == "..." else re.escape(line) + r"\n" for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


# ------------------------------------------------------------------------------ running, in parallel

_pool: ThreadPoolExecutor | None = None
_started: dict[tuple[str, int], Future[Result]] = {}


def started(command: Command, block: Block) -> Future[Result]:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1))
    key = (block.name, command.line)
    if key not in _started:
        _started[key] = _pool.submit(run, command)
    return _started[key]


@pytest.fixture(scope="module", autouse=True)
def start_every_selected_example(request):
    """Start the commands of every selected example at once: each is a fresh interpreter."""
    for item in request.session.items:
        block = getattr(item, "callspec", None) and item.callspec.params.get("example")
        if isinstance(block, Block):
            try:
                for command in commands(block):
                    started(command, block)
            except ValueError:
                pass  # the test of that block says so
    yield
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True)
        _pool = None
        _started.clear()
    if UPDATE:
        write_updates()


# ------------------------------------------------------------------------------ update mode

_updates: dict[Path, list[tuple[Block, list[str]]]] = {}


def write_updates() -> None:
    """Replace each updated block's content, from the end of each doc up, so line numbers hold."""
    for doc, updates in _updates.items():
        lines = doc.read_text(encoding="utf-8").split("\n")
        for block, content in sorted(updates, key=lambda u: -u[0].line):
            first, last = block.line - 1, block.end - 1  # content lines are [first, last)
            lines[first:last] = [block.indent + line if line else "" for line in content]
        doc.write_text("\n".join(lines), encoding="utf-8")
    _updates.clear()


def shown(command: Command, result: Result) -> list[str]:
    return [f"$ {command.text}", *result.output, *([f"# exit {result.exit_code}"] if result.exit_code else [])]


# ------------------------------------------------------------------------------ the tests


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda b: b.name)
def test_the_shown_output_is_the_real_output(example: Block) -> None:
    try:
        found = commands(example)
    except ValueError as error:
        pytest.fail(str(error))
    results = [started(command, example).result() for command in found]
    wrong = [
        (command, result)
        for command, result in zip(found, results, strict=True)
        if result.exit_code != command.exit_code or not matches(command.expected, result.output)
    ]
    if not wrong:
        return
    excerpts = [command for command, _ in wrong if any(line.strip() == "..." for line in command.expected)]
    if UPDATE and not excerpts:
        stale = {command.line for command, _ in wrong}
        content = [
            line
            for command, result in zip(found, results, strict=True)
            for line in (shown(command, result) if command.line in stale else command.source)
        ]
        _updates.setdefault(example.doc, []).append((example, content))
        return
    report = []
    for command, result in wrong:
        report.append(f"{example.doc.relative_to(ROOT).as_posix()}:{command.line}: $ {command.text}")
        if result.exit_code != command.exit_code:
            report.append(f"  the doc shows exit {command.exit_code}, the command exits {result.exit_code}")
        if not matches(command.expected, result.output):
            if any(line.strip() == "..." for line in command.expected):  # an excerpt: both in full
                report.append("  the doc shows:")
                report += [f"    {line}" for line in command.expected] or ["    (nothing)"]
                report.append("  the command prints:")
                report += [f"    {line}" for line in result.output] or ["    (nothing)"]
            else:
                diff = difflib.unified_diff(
                    command.expected, result.output, "the doc shows", "the command prints", lineterm=""
                )
                report += [f"  {line}" for line in diff]
    hint = (
        "an excerpt (`...`) must be updated by hand"
        if excerpts
        else "if the product is right, ASSEMBLINT_UPDATE_DOCS=1 python -m pytest tests/app/test_docs_examples.py"
    )
    pytest.fail("\n".join([*report, hint]), pytrace=False)


@pytest.mark.parametrize("design", DESIGNS, ids=lambda b: b.name)
def test_a_design_shown_in_full_is_its_file(design: Block) -> None:
    path = ROOT / DESIGN_FILE.match(design.lines[0])["path"]
    assert path.is_file(), f"{design.name}: the block names {path.relative_to(ROOT)}, which does not exist"
    in_file = [line.rstrip() for line in path.read_text(encoding="utf-8").rstrip("\n").split("\n")]
    in_doc = [line.rstrip() for line in design.lines]
    assert in_doc == in_file, f"{design.name}: the block differs from {path.relative_to(ROOT)}: make them the same"


def test_no_output_is_shown_unchecked() -> None:
    """Output-like lines belong in examples (`$ assemblint …`), where they are checked."""
    unchecked = [
        f"{block.doc.relative_to(ROOT).as_posix()}:{block.line + offset}: {line.strip()}"
        for block in ALL_BLOCKS
        if not is_example(block)
        for offset, line in enumerate(block.lines)
        if LOOKS_LIKE_OUTPUT.match(line)
    ]
    assert not unchecked, "output shown outside an example, so never checked:\n" + "\n".join(unchecked)


def test_the_docs_have_examples_and_every_command_can_run() -> None:
    assert len(EXAMPLES) >= 10 and len(DESIGNS) >= 10
    for block in EXAMPLES:
        commands(block)  # raises on a command this test cannot run
