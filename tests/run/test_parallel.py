"""`check --jobs N` and `--executor dask`: the same report as a serial run, byte for byte, in every
format; a large design parsed in parts gives the syntax tree a whole-file parse gives.

This module is also a plugin (`assemblint_rules` below: ZZ901 always crashes), registered by
module name so that a worker that rebuilds the run's plugins (a Dask worker) imports it too.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

import assemblint
from assemblint import cli
from assemblint.api import CheckOptions, check_files
from assemblint.base.diagnostics import LanguageError
from assemblint.language.syntax import parse
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report
from assemblint.run import parallel, partition

HERE = Path(__file__).resolve().parent
EXAMPLES = [HERE.parents[1] / "examples", Path("/work/shared/examples")]
FORMATS = ("json", "sarif", "text", "junit", "github", "gitlab")

try:
    import distributed
except ImportError:  # the `dask` extra (also in `dev`) is not installed
    distributed = None
needs_dask = pytest.mark.skipif(distributed is None, reason="dask.distributed is not installed (pip install '.[dask]')")


# ---------------------------------------------------------------------------------------- a crashing plugin
@assemblint.rule(id="ZZ901", name="always-crashes", severity="error", doc="Raises on every design.")
def always_crashes(ctx):
    raise RuntimeError(f"ZZ901 fails on {ctx.assembly.path}")


@assemblint.hookimpl
def assemblint_rules():
    return [always_crashes]


def crashing_host(flags: list[str]) -> PluginHost:
    """The installed plugins plus this module (by name: a Dask worker imports it)."""
    return PluginHost.create(extra=[("crashy", sys.modules[__name__])])


# ---------------------------------------------------------------------------------------- helpers
def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def outputs(tmp_path: Path, name: str, paths: list[str], extra: list[str], capsys) -> tuple[int, dict[str, bytes], str]:
    """One run writing every plain format; returns the exit code, each format's bytes and stderr."""
    out = tmp_path / name
    out.mkdir()
    reports = [f"--report={fmt}={out / fmt}" for fmt in FORMATS[1:]]
    code, _, err = run(["check", *paths, "--format", FORMATS[0], "-o", str(out / FORMATS[0]), *reports, *extra], capsys)
    return code, {fmt: (out / fmt).read_bytes() for fmt in FORMATS}, err


@pytest.fixture
def designs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The example folders, copied side by side under the current folder (relative paths in reports)."""
    monkeypatch.chdir(tmp_path)
    for folder in EXAMPLES:
        shutil.copytree(folder, tmp_path / folder.parent.name / folder.name)
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.glob("*/examples"))


def flat_design(masses: int, extra: str = "") -> str:
    """A design written the way a CAD export writes it: one statement per mass."""
    side = int(masses**0.5) + 1
    lines = [
        'assembly "flat export"',
        "use std",
        '# a comment with a brace { and a string "}" that the cut must not believe',
        f"element die : chip {{ body silicon; pads c grid {side} x {side} pitch 200 um diameter 100 um }}",
        f"element sub : substrate {{ body AlN; pads p grid {side} x {side} pitch 200 um diameter 100 um }}",
        "process { step join { kind reflow; peak 245 C } ; operate 0 C .. 85 C }",
    ]
    for i in range(masses):
        if i % 97 == 5:
            lines.append(f"let w{i} = ((2 * 50 um) +\n    10 um)")
        if i % 101 == 7:
            lines.append(f"net N{i} {{ die.c[{i}],\n    sub.p[{i}] }}")
        lines.append(f"mass m{i} : SAC305 {{ joins die.c[{i}] -- sub.p[{i}]; diameter 100 um; height 60 um }}")
    return "\n".join(lines) + "\n" + extra


class InlinePool:
    """An executor that runs each call at once in this process: a worker with nothing inherited."""

    def __init__(self, fresh_workers: bool = False) -> None:
        self.fresh = fresh_workers
        self.workers = 2
        self.calls: list[str] = []

    def submit(self, fn, *args) -> Future:
        self.calls.append(fn.__name__)
        if self.fresh:
            parallel.HOSTS.clear()  # as in a worker that rebuilds the plugins from the HostSpec
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as error:
            future.set_exception(error)
        return future

    def close(self, cancel: bool = False) -> None:
        pass


# ---------------------------------------------------------------------------------------- --jobs: files
def test_a_folder_of_designs_gives_byte_identical_reports_with_jobs(designs: list[str], capsys) -> None:
    serial = outputs(Path.cwd(), "serial", designs, ["--jobs", "1"], capsys)
    two = outputs(Path.cwd(), "two", designs, ["--jobs", "2"], capsys)
    three = outputs(Path.cwd(), "three", designs, ["--jobs", "3", "--stats"], capsys)
    assert serial[0] == two[0] == 2  # the broken examples: language errors
    for fmt in FORMATS:
        assert serial[1][fmt] == two[1][fmt], fmt
    assert serial[2] == two[2]  # the errors printed on stderr too
    report = json.loads(three[1]["json"])
    loaded = [p for folder in designs for p in Path(folder).rglob("*.assy") if not p.name.startswith("broken")]
    assert len(report.pop("stats")["files"]) == len(loaded)
    for rule in report["rules"]:
        rule.pop("seconds", None)
    assert report == json.loads(serial[1]["json"])


def test_a_crashing_rule_and_language_errors_give_the_same_exit_and_report(
    designs: list[str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_host", crashing_host)
    good = [p for p in Path(designs[0]).glob("*.assy") if not p.name.startswith("broken")]
    only_crash = [str(p) for p in sorted(good)[:3]]
    serial = outputs(Path.cwd(), "serial", only_crash, [], capsys)
    two = outputs(Path.cwd(), "two", only_crash, ["--jobs", "2"], capsys)
    assert serial[0] == two[0] == 3
    assert serial[1] == two[1]
    assert "ZZ901 fails on" in serial[2] and serial[2] == two[2]
    both = outputs(Path.cwd(), "both", designs, ["--jobs", "2"], capsys)
    assert both[0] == outputs(Path.cwd(), "both1", designs, [], capsys)[0] == 2


def test_one_small_file_starts_no_pool(designs: list[str], capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: Any) -> None:
        raise AssertionError("a pool was started for one small file")

    monkeypatch.setattr(parallel, "process_pool", no_pool)
    code, out, _ = run(["check", f"{designs[0]}/flip-chip-fr4.assy", "--jobs", "4"], capsys)
    assert code in (0, 1) and "flip-chip-fr4.assy" in out


def test_html_checks_the_files_here_and_equals_the_serial_page(
    designs: list[str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review page draws each design, so the designs stay in this process: no pool for
    small files, the same page as a serial run."""
    folder = designs[0]
    files = [f"{folder}/{name}" for name in ("flip-chip-fr4.assy", "liquid-interconnect.assy")]
    assert run(["report", *files, "-o", "serial.html"], capsys)[0] in (0, 1)
    monkeypatch.setattr(parallel, "process_pool", lambda *args: pytest.fail("no pool without a large file"))
    assert run(["report", *files, "-o", "jobs.html", "--jobs", "2"], capsys)[0] in (0, 1)
    assert run(["check", *files, "--report", "html=also.html", "--jobs", "2"], capsys)[0] in (0, 1)
    assert Path("serial.html").read_bytes() == Path("jobs.html").read_bytes() == Path("also.html").read_bytes()


def test_the_merge_carries_every_field_of_the_report() -> None:
    """parallel.merge copies each Report field a file adds; a new field must be added there too."""
    merged = {"findings", "errors", "problems", "outcomes", "inputs", "titles", "unchecked", "stats", "waiver_uses"}
    per_run = {"version", "plugins", "rules", "deck_name", "deck_sha256", "fail_on", "usage_error", "settings"}
    not_sent = {"designs"}  # the Assembly models: kept only when the files are checked here (html)
    assert {f.name for f in dataclasses.fields(Report)} == merged | per_run | not_sent


def test_a_worker_with_other_plugins_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class NotAModule:  # registered as an object: a worker that rebuilds the plugins cannot have it
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [always_crashes]

    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.assy").write_text("use std\n", encoding="utf-8")
    host = PluginHost.create(extra=[("objectplugin", NotAModule())])
    pool = InlinePool(fresh_workers=True)
    monkeypatch.setattr(parallel, "process_pool", lambda workers: pool)
    report = check_files([Path(".")], CheckOptions(jobs=2), host)
    assert pool.calls == ["check_unit", "check_unit"]
    differences = [p.message for p in report.problems if "other plugins" in p.message]
    assert len(differences) == 1 and "missing there: objectplugin" in differences[0]
    assert report.exit_code == 3


def test_a_lost_worker_is_an_internal_error_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.assy").write_text("use std\n", encoding="utf-8")

    def killed(unit: parallel.Unit) -> parallel.DesignResult:
        raise MemoryError("the worker was killed")

    monkeypatch.setattr(parallel, "check_unit", killed)
    monkeypatch.setattr(parallel, "process_pool", lambda workers: InlinePool())
    report = check_files([Path(".")], CheckOptions(jobs=2), PluginHost.create())
    assert [p.message for p in report.problems] == [
        f"internal error while checking {name}.assy in a worker: MemoryError: the worker was killed"
        for name in ("a", "b")
    ]
    assert report.exit_code == 3


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--jobs", "0"], "expected a number of processes, 1 or more"),
        (["--jobs", "two"], "expected a number of processes"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler names a Dask scheduler: give it with --executor dask"),
        (["--executor", "ray"], "invalid choice: 'ray'"),
    ],
)
def test_bad_parallel_options_exit_2(designs: list[str], capsys, argv: list[str], words: str) -> None:
    code, _, err = run(["check", designs[0], *argv], capsys)
    assert code == 2 and words in err


def test_executor_dask_without_distributed_exits_2_saying_what_to_install(
    designs: list[str], capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` raises ImportError
    code, out, err = run(["check", f"{designs[0]}/flip-chip-fr4.assy", "--executor", "dask"], capsys)
    assert code == 2 and out == ""
    assert "--executor dask needs dask.distributed" in err and "pip install 'assemblint[dask]'" in err


# ---------------------------------------------------------------------------------------- large designs in parts
@pytest.fixture(scope="module")
def process_pool():
    pool = parallel.process_pool(2)
    yield pool
    pool.close()


def test_split_points_fall_on_top_level_statements() -> None:
    text = flat_design(400)
    points = partition.split_points(text, 5)
    assert len(points) == 4 and points == sorted(points)
    for cut in points:
        assert text[cut - 1] == "\n" and text[cut:].startswith(("mass ", "let ", "net "))
        before = text[:cut]
        assert before.count("{") == before.count("}")
    assert partition.split_points("use std\nmaterial a { kind solder }\n", 4) == [8]
    assert partition.split_points("cell C {\nmass m { joins a -- b }\n}\n", 2) == []


def test_a_design_explicit_py_reads_fast_is_not_parsed_in_parts(tmp_path: Path, monkeypatch) -> None:
    """One-line pads and masses of the shapes explicit.py reads without Lark: parts would cost more."""
    pads = "".join(f"    pad c{i} at ({i} um, 0 um) diameter 10 um\n" for i in range(900))
    masses = "".join(f"mass m{i} : SAC305 {{ joins die.c{i} -- sub.p{i}; height 60 um }}\n" for i in range(900))
    explicit = "element die : chip {\n" + pads + "}\n" + masses
    assert not partition.worth_parts(explicit)
    assert partition.worth_parts(flat_design(300))  # `die.c[17]`: Lark reads these
    assert not partition.worth_parts("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(partition, "PARTITION_MIN_BYTES", 4096)
    Path("explicit.assy").write_text(explicit, encoding="utf-8")
    Path("flat.assy").write_text(flat_design(300), encoding="utf-8")
    assert parallel._large([Path("explicit.assy"), Path("flat.assy")], CheckOptions()) == [Path("flat.assy")]


@pytest.mark.parametrize("parts", [2, 3, 7])
def test_a_design_parsed_in_parts_equals_the_whole_file_parse(tmp_path: Path, process_pool, parts: int) -> None:
    valid = [p for p in sorted(EXAMPLES[0].glob("*.assy")) if "broken" not in p.name]
    examples = "".join(p.read_text(encoding="utf-8") for p in valid)
    text = flat_design(600) + examples + flat_design(300).replace("mass m", "mass k")
    path = tmp_path / "big.assy"
    path.write_text(text, encoding="utf-8")
    futures = partition.submit_parts(text, str(path), "shown/big.assy", process_pool.submit, parts)
    assert len(futures) == parts
    tree = partition.gather(futures, text, "shown/big.assy")
    whole = parse(text, "shown/big.assy")
    assert tree.statements == whole.statements  # locations (path, lines, columns) included
    assert tree.statements[-1].loc.line == text.count("\n") and tree.statements[-1].loc.path == "shown/big.assy"


def test_a_cut_inside_a_block_falls_back_to_the_whole_file_parse(tmp_path: Path, process_pool) -> None:
    """A `}` in a comment fools the cut into a cell's body: the first part does not parse, so the
    whole file is parsed here, and the tree is still the whole-file parse's."""
    inside = "".join(f"mass c{i} : SAC305 {{ joins die.c[{i}] -- sub.p[{i}] }}\n" for i in range(300))
    text = flat_design(20) + "cell C {\n# }\n" + inside + "}\n" + flat_design(20).replace("mass m", "mass k")
    path = tmp_path / "big.assy"
    path.write_text(text, encoding="utf-8")
    futures = partition.submit_parts(text, str(path), "big.assy", process_pool.submit, 2)
    assert len(futures) == 2
    with pytest.raises(partition.PartitionFailed):
        futures[0].result()
    assert partition.gather(futures, text, "big.assy").statements == parse(text, "big.assy").statements


def test_a_syntax_error_in_a_part_is_the_whole_file_parse_error(tmp_path: Path, process_pool) -> None:
    text = flat_design(300) + "mass bad : : SAC305 { diameter 1 um }\n" + flat_design(300).replace("mass m", "mass k")
    path = tmp_path / "big.assy"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LanguageError) as whole:
        parse(text, "big.assy")
    futures = partition.submit_parts(text, str(path), "big.assy", process_pool.submit, 2)
    with pytest.raises(LanguageError) as parted:
        partition.gather(futures, text, "big.assy")
    assert [d.to_json() for d in parted.value.diagnostics] == [d.to_json() for d in whole.value.diagnostics]


def test_a_large_design_checked_with_jobs_equals_the_serial_check(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(partition, "PARTITION_MIN_BYTES", 4096)  # a few hundred masses count as large here
    Path("flat.assy").write_text(flat_design(400), encoding="utf-8")
    Path("small.assy").write_text(flat_design(3), encoding="utf-8")
    sent: list[str] = []
    submit_parts = partition.submit_parts

    def spy(text, file, shown, submit, parts, *args):
        futures = submit_parts(text, file, shown, submit, parts, *args)
        sent.append(f"{shown}: {len(futures)} parts")
        return futures

    monkeypatch.setattr(partition, "submit_parts", spy)
    serial = outputs(tmp_path, "serial", ["flat.assy", "small.assy"], [], capsys)
    two = outputs(tmp_path, "two", ["flat.assy", "small.assy"], ["--jobs", "2"], capsys)
    assert sent == ["flat.assy: 2 parts"]
    assert serial[0] == two[0] and serial[1] == two[1] and serial[2] == two[2]
    assert run(["report", "flat.assy", "-o", "serial.html"], capsys)[0] == serial[0]
    assert run(["report", "flat.assy", "-o", "parts.html", "--jobs", "2"], capsys)[0] == serial[0]
    assert sent == ["flat.assy: 2 parts"] * 2  # the review report: checked here, parsed in parts
    assert Path("serial.html").read_bytes() == Path("parts.html").read_bytes()


# ---------------------------------------------------------------------------------------- Dask
@pytest.fixture(scope="module")
def dask_cluster():
    if distributed is None:
        pytest.skip("dask.distributed is not installed (pip install '.[dask]')")
    import logging

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
        env={"PYTHONPATH": str(HERE.parent)},  # a worker imports this module (run.test_parallel): the crashing plugin
    )
    yield cluster
    cluster.close()


@needs_dask
def test_dask_gives_the_serial_reports_byte_for_byte(
    designs: list[str], dask_cluster, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_host", crashing_host)
    address = ["--executor", "dask", "--scheduler", dask_cluster.scheduler_address]
    serial = outputs(Path.cwd(), "serial", designs, [], capsys)
    dask = outputs(Path.cwd(), "dask", designs, address, capsys)
    assert serial[0] == dask[0] == 2  # language errors win over the crash (3)
    for fmt in FORMATS:
        assert serial[1][fmt] == dask[1][fmt], fmt
    assert serial[2] == dask[2]
    assert "ZZ901 fails on" in serial[1]["text"].decode()


@needs_dask
def test_dask_without_a_scheduler_starts_a_local_cluster(designs: list[str], capsys) -> None:
    files = [f"{designs[0]}/{name}" for name in ("flip-chip-fr4.assy", "hierarchical-solder.assy")]
    serial = outputs(Path.cwd(), "serial", files, [], capsys)
    local = outputs(Path.cwd(), "local", files, ["--executor", "dask", "--jobs", "2"], capsys)
    assert serial == local


@needs_dask
def test_an_unreachable_scheduler_exits_2(designs: list[str], capsys) -> None:
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, _, err = run(["check", designs[0], "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"], capsys)
    assert code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
