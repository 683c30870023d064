"""The long fuzz campaign of the language front end (issue 9) and of the other input files (issue 17):
minutes of generated inputs, not seconds.

    python benchmarks/fuzz_campaign.py --minutes 5          # seed 0; failures to $TMPDIR/assemblint-fuzz
    python benchmarks/fuzz_campaign.py --minutes 30 --seed 7 --out /tmp/fuzz
    python benchmarks/fuzz_campaign.py --replay /tmp/fuzz/*.assy  # judge saved inputs again (after a fix)

The generators and the oracle are tests/fuzz_strategies.py, the same as the bounded campaign in
tests/language/test_fuzz.py; one input in five (`--input-files` sets the share) is instead a baseline,
waivers file, deck or configuration file from tests/fuzz_inputs.py (tests/app/test_input_fuzz.py),
read by its reader, which must read it or refuse it with its own error naming the file; and a share
of the inputs (`--imports`, 0.2) is design data from other tools from tests/fuzz_imports.py
(tests/importing/test_import_fuzz.py): a 3DBlox design or a CSV bump map with one file fuzzed,
checked with `assemblint check` in process. Input `i` of seed `S` is drawn from
`random.Random("S:i")` (whether it is design data from `random.Random("imports:S:i")`), so any input
can be made again from its number alone. Each input runs in a worker process under a limit of
processor time (SIGPROF) and of memory; a worker that dies or stops answering is a failure too, and
is replaced.

Failures are grouped by what went wrong and where (the exception and the innermost assemblint
frame, the rule that crashed, or the diagnostic contract broken); the smallest input of each is
saved to the output folder with its traceback. At the end: inputs tried, inputs per second, the
share that reached the rules, the share of each E-code, and the distinct failures. Exit status 1
if there were any.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import multiprocessing.connection
import re
import resource
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_imports import ImportInput, from_bundle, judge_import, to_bundle
from fuzz_imports import generate_input as generate_import
from fuzz_inputs import FILE_NAMES, InputFile, generate_input, judge_input
from fuzz_strategies import (  # tests/ is not a package: its path is added above
    TIME_LIMIT,
    FuzzInput,
    Outcome,
    example_designs,
    generate,
    judge,
    source_for,
)

MEMORY_LIMIT = 4 << 30  # bytes of address space per worker: a runaway allocation fails, not the machine


def _work(conn: multiprocessing.connection.Connection, folder: str, time_limit: float) -> None:
    """The worker: judge each input it is sent, in a scratch folder of its own, until told to stop."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    soft = MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(MEMORY_LIMIT, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))  # the soft limit only: the rule budgets may lower it
    warnings.simplefilter("ignore")  # numpy's overflow warnings on purpose-made huge numbers
    path = Path(folder) / "fuzz.assy"
    while True:
        item = conn.recv()
        if item is None:
            return
        if isinstance(item, InputFile):
            conn.send(judge_input(Path(folder), item, time_limit))
        elif isinstance(item, ImportInput):
            conn.send(judge_import(Path(folder), item, time_limit))
        else:
            conn.send(judge(path, item, time_limit))


class Worker:
    """A worker process that can be replaced when an input kills it or makes it hang."""

    def __init__(self, folder: str, time_limit: float):
        self.folder, self.time_limit = folder, time_limit
        self.started = 0
        self._start()

    def _start(self) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_work, args=(child, self.folder, self.time_limit), daemon=True)
        self.process.start()
        child.close()
        self.started += 1

    def run(self, item: FuzzInput | InputFile | ImportInput) -> Outcome:
        """Judge one input; a worker that dies or does not answer in time becomes a failure."""
        started = time.perf_counter()
        self.conn.send(item)
        # The worker's own limit is processor time and fires first, unless the worker is stuck in
        # C code or waiting; on a loaded machine a processor second can take several on the clock.
        patience = self.time_limit * 6 + 30
        try:
            if self.conn.poll(patience):
                return self.conn.recv()
            outcome = Outcome("failure", (), "hang", f"no answer after {patience:g} s; the worker was killed")
        except (EOFError, ConnectionError):
            self.process.join(5)
            outcome = Outcome("failure", (), f"worker died (exit code {self.process.exitcode})", "")
        outcome.seconds = time.perf_counter() - started
        self.process.kill()
        self.process.join()
        self._start()
        return outcome

    def stop(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionError):
            self.conn.send(None)
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()


@dataclass
class Failure:
    """Every input that failed the same way; the smallest one is kept."""

    signature: str
    count: int = 0
    first: int = -1
    inputs: list[int] = field(default_factory=list)  # the first hundred, to make again by number
    smallest: FuzzInput | InputFile | ImportInput | None = None
    smallest_index: int = -1
    detail: str = ""


@dataclass
class Tally:
    out: Path
    seed: int
    tried: int = 0
    kinds: Counter = field(default_factory=Counter)
    by_family: dict[str, Counter] = field(default_factory=dict)
    first_codes: Counter = field(default_factory=Counter)
    any_codes: Counter = field(default_factory=Counter)
    failures: dict[str, Failure] = field(default_factory=dict)
    slowest: tuple[float, int] = (0.0, -1)

    def add(self, index: int, item: FuzzInput | InputFile | ImportInput, outcome: Outcome) -> None:
        self.tried += 1
        self.kinds[outcome.kind] += 1
        self.by_family.setdefault(item.family, Counter())[outcome.kind] += 1
        if outcome.codes:
            self.first_codes[outcome.codes[0]] += 1
            self.any_codes.update(set(outcome.codes))
        if outcome.seconds > self.slowest[0]:
            self.slowest = (outcome.seconds, index)
        if outcome.kind == "failure":
            assert outcome.failure is not None
            failure = self.failures.setdefault(outcome.failure, Failure(outcome.failure, first=index))
            failure.count += 1
            if len(failure.inputs) < 100:
                failure.inputs.append(index)
            if failure.smallest is None or len(item.as_bytes()) < len(failure.smallest.as_bytes()):
                failure.smallest, failure.smallest_index, failure.detail = item, index, outcome.detail
                save_failure(failure, self.out, self.seed)  # at once: a long run may be stopped early


def _slug(signature: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", signature).strip("-")[:80] or "failure"


def save_failure(failure: Failure, out: Path, seed: int) -> None:
    """The smallest input of one distinct failure so far, and its traceback."""
    assert failure.smallest is not None
    out.mkdir(parents=True, exist_ok=True)
    stem = out / _slug(failure.signature)
    if isinstance(failure.smallest, ImportInput):  # every file of the design, in one JSON file
        stem.with_suffix(".import.json").write_bytes(to_bundle(failure.smallest))
    else:
        suffix = f".{FILE_NAMES[failure.smallest.kind]}" if isinstance(failure.smallest, InputFile) else ".assy"
        stem.with_suffix(suffix).write_bytes(failure.smallest.as_bytes())
    stem.with_suffix(".txt").write_text(
        f"{failure.signature}\nsmallest so far: input {failure.smallest_index} of seed {seed} "
        f"({failure.smallest.family}: {', '.join(failure.smallest.how) or 'as generated'})\n\n{failure.detail}\n",
        encoding="utf-8",
        errors="backslashreplace",
    )


def save(tally: Tally, out: Path, seed: int) -> None:
    """A summary as JSON (each failure's smallest input is saved as it is found)."""
    out.mkdir(parents=True, exist_ok=True)
    summary = {
        "seed": seed,
        "tried": tally.tried,
        "kinds": dict(tally.kinds),
        "by_family": {k: dict(v) for k, v in tally.by_family.items()},
        "first_codes": dict(tally.first_codes),
        "failures": {
            f.signature: {"count": f.count, "smallest": f.smallest_index, "inputs": f.inputs}
            for f in tally.failures.values()
        },
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")


def report(tally: Tally, seconds: float, out: Path | None) -> None:
    n = max(tally.tried, 1)
    print(f"inputs tried: {tally.tried} in {seconds:.0f} s ({tally.tried / max(seconds, 1e-9):.1f} inputs/s)")
    print(f"reached the rules (a report): {tally.kinds['report'] / n:.1%}")
    print(f"stopped with language errors: {tally.kinds['language-error'] / n:.1%}")
    for family, kinds in sorted(tally.by_family.items()):
        total = sum(kinds.values())
        print(f"  {family:<13} {total:>7} inputs, {kinds['report'] / total:.1%} reached the rules")
    print("E-codes (share of inputs whose first error it is; share with it anywhere):")
    for code in sorted(tally.any_codes):
        print(f"  {code}: {tally.first_codes[code] / n:.1%}  {tally.any_codes[code] / n:.1%}")
    print(f"slowest input: {tally.slowest[0]:.2f} s (input {tally.slowest[1]})")
    print(f"distinct failures: {len(tally.failures)}" + (f" (inputs and tracebacks in {out})" if out else ""))
    for failure in sorted(tally.failures.values(), key=lambda f: -f.count):
        suffix = ".import.json" if isinstance(failure.smallest, ImportInput) else ".assy"
        where = f" -> {out / _slug(failure.signature)}{suffix}" if out else ""
        print(f"  {failure.count:>6} x {failure.signature} (first: input {failure.first}){where}")


def _clear(out: Path) -> None:
    """A previous campaign's inputs and tracebacks (a folder with its summary.json), so that what is
    left after this one is this one's; any other folder is left alone."""
    if (out / "summary.json").is_file():
        for path in [*out.glob("*.assy"), *out.glob("*.txt"), *out.glob("*.*.*"), out / "summary.json"]:
            path.unlink(missing_ok=True)


def campaign(
    minutes: float,
    seed: int,
    out: Path,
    time_limit: float,
    limit: int | None,
    input_files: int = 5,
    imports: float = 0.2,
) -> Tally:
    _clear(out)
    examples = example_designs()
    tally = Tally(out, seed)
    started = time.perf_counter()
    deadline = started + minutes * 60
    next_progress = started + 60
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        worker = Worker(folder, time_limit)
        try:
            index = 0
            while time.perf_counter() < deadline and (limit is None or index < limit):
                src = source_for(f"{seed}:{index}")
                inputs = input_files and index % input_files == input_files - 1
                if imports and source_for(f"imports:{seed}:{index}").rng.random() < imports:
                    item = generate_import(src)
                else:
                    item = generate_input(src) if inputs else generate(src, examples)
                tally.add(index, item, worker.run(item))
                index += 1
                if time.perf_counter() >= next_progress:
                    elapsed = time.perf_counter() - started
                    print(
                        f"[{elapsed / 60:.0f} min] {tally.tried} inputs, {tally.tried / elapsed:.1f}/s, "
                        f"{len(tally.failures)} distinct failures",
                        flush=True,
                    )
                    next_progress += 60
        finally:
            worker.stop()
    save(tally, out, seed)
    report(tally, time.perf_counter() - started, out)
    return tally


def _saved(path: Path) -> FuzzInput | InputFile | ImportInput:
    """A saved input as it was made: design data from other tools by its `.import.json` (every file
    of it), an input file by the name it was saved under (`x.w.toml`); text with a lone surrogate
    can only have come as text (it is saved with surrogatepass), anything else is replayed as the
    bytes of a file."""
    data = path.read_bytes()
    if path.name.endswith(".import.json"):
        return from_bundle(data)
    for kind, name in FILE_NAMES.items():
        if path.name.endswith(f".{name}"):
            return InputFile(kind, data, [path.name])
    try:
        text = data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return FuzzInput("replay", [path.name], data=data)
    if any("\ud800" <= c <= "\udfff" for c in text):
        return FuzzInput("replay", [path.name], text=text)
    return FuzzInput("replay", [path.name], data=data)


def replay(paths: list[Path], time_limit: float) -> int:
    """Judge saved inputs again (after a fix, say); prints each outcome."""
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder:
        worker = Worker(folder, time_limit)
        try:
            for path in paths:
                outcome = worker.run(_saved(path))
                failed += outcome.kind == "failure"
                print(f"{path}: {outcome.kind} {outcome.failure or ' '.join(outcome.codes)}")
        finally:
            worker.stop()
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="input i is drawn from random.Random('SEED:i')")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "assemblint-fuzz",
        help="where failing inputs are saved (default: assemblint-fuzz in the temporary folder)",
    )
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help="seconds per input")
    parser.add_argument("--inputs", type=int, default=None, help="stop after this many inputs")
    parser.add_argument("--replay", type=Path, nargs="+", help="judge these saved inputs instead")
    parser.add_argument(
        "--input-files",
        type=int,
        default=5,
        metavar="N",
        help="every Nth input is a baseline, waivers file, deck or configuration file (0: designs only)",
    )
    parser.add_argument(
        "--imports",
        type=float,
        default=0.2,
        metavar="SHARE",
        help="the share of inputs that are 3DBlox designs or CSV bump maps (default 0.2; 0: none)",
    )
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.time_limit)
    tally = campaign(args.minutes, args.seed, args.out, args.time_limit, args.inputs, args.input_files, args.imports)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
