"""How fast `assemblint lsp` answers after a one-line edit of a 100,000-mass design (docs/editing.md).

    python tests/editing/lsp_data/timing.py grid 100000
    python tests/editing/lsp_data/timing.py explicit 100000

Opens the design (`benchmarks.designs`), waits for its first check, then edits one line three times
and measures, from the moment the `didChange` is sent: the answer to a hover on a pad and to a
completion sent right after it (and half a second later, while the new text is being parsed); the
publication of the syntax error a broken line makes; the publication after the line is mended. The
line is the last one that names a pad (a mass of the export); then the same two edits are made to
the `process` line, which no shortcut reads (editing/rows.py only reads the pads and masses rows).
tests/editing/test_lsp_responsiveness.py runs it on the grid design and holds it under a second.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types as t
from pytest_lsp import LanguageClient, make_test_lsp_client

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from editing.lsp_data import edit, start  # noqa: E402


@dataclass
class Timings:
    design: str
    masses: int
    megabytes: float
    first_check: float = 0.0
    hover: list[float] = field(default_factory=list)  # right after the didChange
    hover_while_parsing: list[float] = field(default_factory=list)  # half a second after it
    completion: list[float] = field(default_factory=list)
    syntax_error: list[float] = field(default_factory=list)  # until E001 is published
    mended: list[float] = field(default_factory=list)  # until the E001 is gone
    other_line: list[float] = field(default_factory=list)  # the same in the `process` line
    other_mended: list[float] = field(default_factory=list)

    def lines(self) -> list[str]:
        def show(values: list[float]) -> str:
            return f"{max(values):.3f} s (median {statistics.median(values):.3f} s of {len(values)})"

        return [
            f"{self.design}({self.masses}): {self.megabytes:.1f} MB, "
            f"first check published after {self.first_check:.1f} s",
            f"  hover on a pad, sent right after a one-line didChange: {show(self.hover)}",
            f"  hover sent 0.5 s after the didChange (the new text being parsed): {show(self.hover_while_parsing)}",
            f"  completion sent right after the didChange: {show(self.completion)}",
            f"  a syntax error typed, until its E001 is published: {show(self.syntax_error)}",
            f"  the error mended, until its E001 is withdrawn: {show(self.mended)}",
            f"  a syntax error typed in the `process` line, until its E001 is published: {show(self.other_line)}",
            f"  that error mended, until its E001 is withdrawn: {show(self.other_mended)}",
        ]


def _design(kind: str, masses: int) -> tuple[str, int, int, str]:
    """The text, the line and column of a pad reference to hover, and that line's text."""
    from benchmarks import designs

    text = designs.GENERATORS[kind](masses)
    needle = "die.c" if kind != "wafer" else "chip.c"
    index = text.rindex(needle)
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1) + len(needle)
    return text, line, column, text.split("\n")[line]


async def _until(client: LanguageClient, uri: str, test, since: float, timeout: float = 300.0) -> float:
    while time.perf_counter() - since < timeout:
        found = client.diagnostics.get(uri)
        if found is not None and test(found):
            return time.perf_counter() - since
        await asyncio.sleep(0.005)
    raise TimeoutError(f"nothing published within {timeout} s")


async def measure(client: LanguageClient, kind: str, masses: int, rounds: int = 3) -> Timings:
    """Time a started, initialised server on `rounds` one-line edits of a generated design."""
    with tempfile.TemporaryDirectory(prefix="assemblint-lsp-timing-") as folder:
        return await _measure(client, kind, masses, rounds, Path(folder))


async def _measure(client: LanguageClient, kind: str, masses: int, rounds: int, folder: Path) -> Timings:
    text, line, column, line_text = _design(kind, masses)
    path = folder / f"{kind}.assy"
    path.write_text(text, encoding="utf-8")
    timings = Timings(kind, masses, len(text.encode("utf-8")) / 1e6)
    uri = path.as_uri()
    began = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "assy", 1, text)))
    timings.first_check = await _until(client, uri, lambda d: True, began)
    version = 1
    here = t.TextDocumentIdentifier(uri)
    end = len(line_text)
    for _ in range(rounds):
        for added, wanted in ((" )", lambda d: [x.code for x in d] == ["E001"]), ("", None)):
            version += 1
            sent = time.perf_counter()
            was = len(line_text) + (2 if not added else 0)  # the line, and the ` )` typed before
            edit(client, uri, version, (line, 0), (line, was), line_text + added)
            if wanted is None:
                timings.mended.append(await _until(client, uri, lambda d: "E001" not in [x.code for x in d], sent))
                continue
            published = asyncio.ensure_future(_until(client, uri, wanted, sent))
            await client.text_document_hover_async(t.HoverParams(here, t.Position(line, column)))
            timings.hover.append(time.perf_counter() - sent)
            asked = time.perf_counter()
            await client.text_document_completion_async(t.CompletionParams(here, t.Position(line, end)))
            timings.completion.append(time.perf_counter() - asked)
            await asyncio.sleep(max(0.0, 0.5 - (time.perf_counter() - sent)))
            asked = time.perf_counter()
            await client.text_document_hover_async(t.HoverParams(here, t.Position(line, column)))
            timings.hover_while_parsing.append(time.perf_counter() - asked)
            timings.syntax_error.append(await published)
    process = text.split("\n").index(next(x for x in text.split("\n") if x.startswith("process")))
    process_text = text.split("\n")[process]
    for _ in range(rounds):  # a line that is not a pad or a mass: the whole file is parsed again
        for added, was in ((" )", len(process_text)), ("", len(process_text) + 2)):
            version += 1
            sent = time.perf_counter()
            edit(client, uri, version, (process, 0), (process, was), process_text + added)
            codes = (
                (lambda d: [x.code for x in d] == ["E001"]) if added else (lambda d: "E001" not in [x.code for x in d])
            )
            (timings.other_line if added else timings.other_mended).append(await _until(client, uri, codes, sent))
    client.text_document_did_close(t.DidCloseTextDocumentParams(here))
    return timings


async def _run(kind: str, masses: int) -> Timings:
    client = make_test_lsp_client()
    await client.start_io(sys.executable, "-m", "assemblint", "lsp")
    try:
        await start(client)
        timings = await measure(client, kind, masses)
        await client.shutdown_session()
    finally:
        await client.stop()
    return timings


def main(argv: list[str]) -> int:
    kind = argv[0] if argv else "grid"
    masses = int(argv[1]) if len(argv) > 1 else 100_000
    print("\n".join(asyncio.run(_run(kind, masses)).lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
