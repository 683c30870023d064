"""Limits (issue 9, part 2): each E009 fires just past its limit and not at it, names the option
and the configuration key that raise it, and a pathological design fails fast with bounded memory.

The pathological cases run the command line in a child process that reports its own peak memory
(ru_maxrss), compared with the same command on a tiny design, so the bound does not depend on how
much the imports of the day weigh.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import time
from pathlib import Path

import pytest

import assemblint
from assemblint.base.limits import (
    DEFAULT_MAX_EXPRESSION_DEPTH,
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_IMPORT_DEPTH,
    Limits,
    parse_size,
)
from assemblint.cli import main

TINY = "material X { kind metal }\n"
WALL_CLOCK = 60.0  # seconds for a whole command-line run on a busy shared machine; each takes one to three
FAIL_FAST = 1.0  # seconds for the failing load itself, in-process once the parser is built
EXTRA_MEMORY_KB = 64 * 1024  # what a refused pathological design may cost beyond a tiny one


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path, **kwargs) -> assemblint.Diagnostic:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path, **kwargs)
    (error,) = info.value.diagnostics
    return error


def where(error: assemblint.Diagnostic) -> tuple[str, int, int]:
    return error.code, error.location.line, error.location.column


def names_how_to_raise(error: assemblint.Diagnostic, option: str) -> bool:
    return f"`--{option} " in error.message and f"`{option} = " in error.message


_DRIVER = """
import resource, sys, time
from assemblint.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
sys.stdout.flush()
print(f"@@ {time.perf_counter() - started} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""


def run(args: list[str], cwd: Path) -> tuple[int, str, str, float, int]:
    """The command line in a child process: exit code, stdout, stderr, seconds inside main, peak KB."""
    result = subprocess.run(
        [sys.executable, "-c", _DRIVER, *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )
    stderr, _, tail = result.stderr.rpartition("@@ ")
    seconds, peak = tail.split()
    return result.returncode, result.stdout, stderr, float(seconds), int(peak)


@pytest.fixture(scope="module")
def baseline_kb(tmp_path_factory) -> int:
    """Peak memory of checking a tiny design: what every run costs before the design asks anything."""
    folder = tmp_path_factory.mktemp("tiny")
    put(folder / "tiny.assy", TINY)
    code, _, _, _, peak = run(["check", "tiny.assy", "-q"], folder)
    assert code == 0
    return peak


def assert_fast_and_small(seconds: float, peak: int, baseline_kb: int) -> None:
    assert seconds < WALL_CLOCK, f"took {seconds:.1f} s"
    assert peak < baseline_kb + EXTRA_MEMORY_KB, f"peak {peak / 1024:.0f} MB against {baseline_kb / 1024:.0f} MB"


# ---------------------------------------------------------------- the Limits value


def test_defaults_are_the_documented_ones():
    assert Limits() == Limits(512 * 2**20, 100, 200)
    assert (DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_IMPORT_DEPTH, DEFAULT_MAX_EXPRESSION_DEPTH) == (2**29, 100, 200)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "10"])
def test_a_limit_is_a_whole_number(bad):
    with pytest.raises(ValueError):
        Limits(max_import_depth=bad)


@pytest.mark.parametrize(
    ("text", "size"), [("1000", 1000), (1000, 1000), ("512K", 2**19), ("32M", 2**25), ("32 MiB", 2**25), ("1G", 2**30)]
)
def test_sizes_are_read_in_binary_units(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("bad", ["-1", "lots", "1T", True, -5])
def test_a_bad_size_is_refused_with_a_sentence(bad):
    with pytest.raises(ValueError, match="expected a size"):
        parse_size(bad)


# ---------------------------------------------------------------- file size


def test_file_size_at_the_limit_loads_and_one_byte_more_is_e009(tmp_path):
    path = put(tmp_path / "d.assy", TINY)
    size = path.stat().st_size
    assert "X" in assemblint.load(path, limits=Limits(max_file_size=size)).materials
    error = load_error(path, limits=Limits(max_file_size=size - 1))
    assert where(error) == ("E009", 1, 1)
    assert f"{size:,} bytes" in error.message
    assert f"{size - 1:,} bytes" in error.message
    assert "was not read" in error.message
    assert names_how_to_raise(error, "max-file-size")


def test_file_size_applies_to_imported_files_at_their_first_line(tmp_path):
    big = put(tmp_path / "lib" / "big.assy", TINY + "# " + "x" * 200 + "\n")
    main_file = put(tmp_path / "main.assy", 'import "lib/big.assy"\n')
    error = load_error(main_file, limits=Limits(max_file_size=100))
    assert where(error) == ("E009", 1, 1)
    assert Path(error.location.path).resolve() == big.resolve()


def test_file_size_applies_to_text_given_to_the_api(tmp_path):
    error = load_error(tmp_path / "d.assy", text=TINY, limits=Limits(max_file_size=len(TINY) - 1))
    assert error.code == "E009"
    assert assemblint.load(tmp_path / "d.assy", text=TINY, limits=Limits(max_file_size=len(TINY)))


def test_a_file_over_the_size_limit_is_never_opened(tmp_path, monkeypatch):
    path = tmp_path / "huge.assy"
    with path.open("wb") as file:
        file.truncate(600 * 2**20)  # sparse: 600 MB to `stat` (over the 512 MiB default), nothing on the disk
    opened: list[Path] = []
    original_open = pathlib.Path.open

    def spy(self, *args, **kwargs):
        opened.append(Path(self).resolve())
        return original_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", spy)
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: pytest.fail(f"read_bytes({self})"))
    error = load_error(path)
    assert where(error) == ("E009", 1, 1)
    assert "600 MiB (629,145,600 bytes)" in error.message
    assert "--max-file-size 600M" in error.message
    assert path.resolve() not in opened
    assert "huge.assy:1:1: E009" in assemblint.base.diagnostics.render(error)  # printing it reads nothing either


def test_a_100_mb_single_line_is_refused_fast_with_bounded_memory(tmp_path, baseline_kb):
    with (tmp_path / "line.assy").open("w", encoding="ascii") as file:
        block = "x" * 2**20
        for _ in range(100):  # one line of 100 MiB, no line end: written, not sparse
            file.write(block)
    command = ["check", "line.assy", "-q", "--format", "json", "--max-file-size", "32M"]  # under the 512 MiB default
    code, out, err, seconds, peak = run(command, tmp_path)
    assert code == 2
    (error,) = json.loads(out)["errors"]
    assert (error["code"], error["location"]["line"], error["location"]["column"]) == ("E009", 1, 1)
    assert "--max-file-size" in error["message"]
    assert "Traceback" not in err
    assert_fast_and_small(seconds, peak, baseline_kb)


# ---------------------------------------------------------------- import depth


def chain(folder: Path, files: int) -> Path:
    """f0 imports f1 imports … f{files-1}: the last file is `files - 1` imports deep."""
    for i in range(files - 1):
        put(folder / f"f{i}.assy", f'import "f{i + 1}.assy"\n')
    put(folder / f"f{files - 1}.assy", TINY)
    return folder / "f0.assy"


def test_import_depth_at_the_limit_loads_and_one_more_is_e009(tmp_path):
    top = chain(tmp_path, 6)  # f5 is 5 imports deep
    assert "X" in assemblint.load(top, limits=Limits(max_import_depth=5)).materials
    error = load_error(top, limits=Limits(max_import_depth=4))
    assert where(error) == ("E009", 1, 8)  # the `import` that would go one deeper: f4's, at its path
    assert error.location.path.endswith("f4.assy")
    assert "more than 4 deep" in error.message
    assert "5 imports below" in error.message
    assert names_how_to_raise(error, "max-import-depth")


def test_import_depth_zero_allows_no_import(tmp_path):
    top = chain(tmp_path, 2)
    assert load_error(top, limits=Limits(max_import_depth=0)).code == "E009"
    assert assemblint.load(put(tmp_path / "alone.assy", TINY), limits=Limits(max_import_depth=0))


def test_the_default_import_depth_is_100(tmp_path):
    assert assemblint.load(chain(tmp_path / "a", 101)).materials
    error = load_error(chain(tmp_path / "b", 102))
    assert error.code == "E009" and error.location.path.endswith("f100.assy")


def test_a_repeated_import_past_the_depth_is_still_a_no_op(tmp_path):
    put(tmp_path / "lib.assy", TINY)
    put(tmp_path / "a.assy", 'import "lib.assy"\n')
    top = put(tmp_path / "main.assy", 'import "lib.assy"\nimport "a.assy"\n')
    assert assemblint.load(top, limits=Limits(max_import_depth=1)).materials  # a's import of lib: already read


def test_an_import_chain_of_10000_files_fails_fast(tmp_path, baseline_kb):
    chain(tmp_path, 10_000)
    started = time.perf_counter()
    error = load_error(tmp_path / "f0.assy")
    assert time.perf_counter() - started < 10 * FAIL_FAST  # 101 small files read, no more
    assert error.code == "E009" and error.location.path.endswith("f100.assy")
    code, out, err, seconds, peak = run(["check", "f0.assy", "-q"], tmp_path)
    assert code == 2
    assert "f100.assy:1:8: E009 imports are nested more than 100 deep" in out
    assert "--max-import-depth" in out and "Traceback" not in out + err
    assert_fast_and_small(seconds, peak, baseline_kb)


def test_raising_the_import_depth_reads_a_long_chain_without_recursion(tmp_path):
    files = 1500  # with Python's default recursion limit, more levels than one frame per level would allow
    chain(tmp_path, files)
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        design = assemblint.load(tmp_path / "f0.assy", limits=Limits(max_import_depth=files))
    finally:
        sys.setrecursionlimit(before)
    assert len(design.files) == files


# ---------------------------------------------------------------- expression depth


def let_design(expression: str) -> str:
    return f"let a = {expression}\nelement e : chip {{ size a x a }}\n"


def parens(depth: int) -> str:
    return "(" * depth + "1 mm" + ")" * depth


@pytest.mark.parametrize(
    ("build", "column_of_excess"),
    [
        (parens, lambda limit: 9 + limit),  # at the `(` one level too deep
        (lambda d: "- " * d + "1 mm", lambda limit: 9 + 2 * limit),  # at the sign one level too deep
        (lambda d: " + ".join(["1 mm"] * (d + 1)), lambda limit: 9),  # at the expression: d operators
        (lambda d: "2 * (" * (d // 2) + "1 mm" + ")" * (d // 2), None),  # operators and parentheses alternate
    ],
    ids=["parentheses", "signs", "operators", "mixed"],
)
def test_expression_depth_at_the_limit_loads_and_one_more_is_e009(tmp_path, build, column_of_excess):
    limit = 10
    at_limit = put(tmp_path / "ok.assy", let_design(build(limit)))
    assemblint.load(at_limit, limits=Limits(max_expression_depth=limit))
    past = put(tmp_path / "deep.assy", let_design(build(limit + 2 if column_of_excess is None else limit + 1)))
    error = load_error(past, limits=Limits(max_expression_depth=limit))
    assert error.code == "E009"
    assert error.location.line == 1
    if column_of_excess is not None:
        assert error.location.column == column_of_excess(limit)
    assert f"more than {limit} levels deep" in error.message
    assert names_how_to_raise(error, "max-expression-depth")


def test_expression_depth_counts_points_and_property_values_too(tmp_path):
    point = "element e : chip { position (" + parens(3) + ", 0 mm) }\n"  # the point's own parentheses: 4
    assemblint.load(put(tmp_path / "ok.assy", point), limits=Limits(max_expression_depth=4))
    error = load_error(put(tmp_path / "deep.assy", point), limits=Limits(max_expression_depth=3))
    assert where(error) == ("E009", 1, 32)  # the third of `(((`: the fourth level


def test_ordinary_values_are_not_nested(tmp_path):
    design = (
        "element e : chip { operating -40 C .. -10 C; position (-1 mm, -2 mm)\n"
        "  pads p at (0 mm, 0 mm), (-1 mm, -1 mm), (1 mm, -1 mm) }\n"
    )
    assert assemblint.load(put(tmp_path / "d.assy", design), limits=Limits(max_expression_depth=2)).pad_count == 3


def test_the_default_expression_depth_is_200(tmp_path):
    assemblint.load(put(tmp_path / "ok.assy", let_design(parens(200))))
    error = load_error(put(tmp_path / "deep.assy", let_design(parens(201))))
    assert where(error) == ("E009", 1, 9 + 200)


@pytest.mark.parametrize(
    "expression",
    [
        parens(100_000),
        "- " * 100_000 + "1 mm",
        " + ".join(["1 mm"] * 100_000),
        "1 mm + (" * 50_000 + "1 mm" + ")" * 50_000,
    ],
    ids=["parentheses", "signs", "operators", "right-nested"],
)
def test_a_100000_deep_expression_fails_fast(tmp_path, expression):
    path = put(tmp_path / "d.assy", let_design(expression))
    assemblint.load(put(tmp_path / "warm.assy", TINY))  # the parser is built once per process
    started = time.perf_counter()
    error = load_error(path)
    assert time.perf_counter() - started < FAIL_FAST
    assert error.code == "E009"


# ---------------------------------------------------------------- objects (the builder's limit)


GRID = "use std\nelement die : chip { body silicon; pads c grid 1000000 x 1000000 pitch 1 um }\n"
PLACE = "cell U { element z : chip { pads c grid 1 x 1 pitch 1 mm } }\nplace us : U grid 1000000 x 1000000 pitch 1 mm\n"


@pytest.mark.parametrize(("text", "column"), [(GRID, 36), (PLACE, 7)], ids=["pad grid", "place"])
def test_10_to_the_12_objects_fail_fast_without_allocating(tmp_path, baseline_kb, text, column):
    path = put(tmp_path / "d.assy", text)
    assemblint.load(put(tmp_path / "warm.assy", TINY))
    started = time.perf_counter()
    error = load_error(path)
    assert time.perf_counter() - started < FAIL_FAST
    assert where(error) == ("E009", 2, column)
    assert "1,000,000,000,000" in error.message
    assert names_how_to_raise(error, "max-objects")
    code, out, err, seconds, peak = run(["check", "d.assy", "-q"], tmp_path)
    assert code == 2 and "E009" in out and "Traceback" not in out + err
    assert_fast_and_small(seconds, peak, baseline_kb)


# ---------------------------------------------------------------- the command line and the configuration


DEEP_IMPORT = 3  # chain(…, 4): f3 is three imports deep
LIMIT_CASES = {
    # option: (a value too low for the design `make` writes, a value high enough)
    "max-file-size": ("100", "1K"),
    "max-import-depth": ("2", "3"),
    "max-expression-depth": ("2", "3"),
    "max-objects": ("3", "4"),
}


def make(folder: Path, option: str) -> str:
    """A design that needs `option` at its second value and is refused at its first."""
    if option == "max-file-size":
        put(folder / "d.assy", TINY + "# " + "x" * 200 + "\n")
    elif option == "max-import-depth":
        chain(folder, DEEP_IMPORT + 1)
        (folder / "f0.assy").rename(folder / "d.assy")
    elif option == "max-expression-depth":
        put(folder / "d.assy", let_design(parens(3)))
    else:
        put(folder / "d.assy", "element e : chip { pads c grid 2 x 2 pitch 1 mm }\n")
    return "d.assy"


@pytest.mark.parametrize("option", LIMIT_CASES)
@pytest.mark.parametrize("command", ["check", "graph"])
def test_the_command_line_option_sets_the_limit(tmp_path, monkeypatch, capsys, option, command):
    monkeypatch.chdir(tmp_path)
    design = make(tmp_path, option)
    low, high = LIMIT_CASES[option]
    quiet = ["-q"] if command == "check" else ["-o", "graph.out"]
    assert main([command, design, *quiet, f"--{option}", low]) == 2
    output = capsys.readouterr()
    assert "E009" in output.out + output.err and f"--{option}" in output.out + output.err
    assert main([command, design, *quiet, f"--{option}", high]) in (0, 1)


@pytest.mark.parametrize("option", LIMIT_CASES)
def test_the_configuration_key_sets_the_limit_and_the_option_wins(tmp_path, monkeypatch, capsys, option):
    monkeypatch.chdir(tmp_path)
    design = make(tmp_path, option)
    low, high = LIMIT_CASES[option]
    value = f'"{low}"' if option == "max-file-size" else low
    put(tmp_path / "assemblint.toml", f"{option} = {value}\n")
    assert main(["check", design, "-q"]) == 2
    assert f"`{option} = " in capsys.readouterr().out
    put(tmp_path / "assemblint.toml", f'{option} = "{high}"\n' if option == "max-file-size" else f"{option} = {high}\n")
    assert main(["check", design, "-q"]) in (0, 1)
    assert main(["check", design, "-q", f"--{option}", low]) == 2  # the command line wins


def test_the_report_command_takes_the_limits(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    design = make(tmp_path, "max-expression-depth")
    assert main(["report", design, "-q", "-o", "r.html", "--max-expression-depth", "2"]) == 2
    assert main(["report", design, "-q", "-o", "r.html", "--max-expression-depth", "3"]) in (0, 1)


@pytest.mark.parametrize(("key", "value"), [("max-import-depth", -1), ("max-file-size", '"big"'), ("max-objects", 1.5)])
def test_a_bad_configured_limit_is_exit_2_naming_the_key(tmp_path, monkeypatch, capsys, key, value):
    monkeypatch.chdir(tmp_path)
    put(tmp_path / "assemblint.toml", f"{key} = {value}\n")
    put(tmp_path / "d.assy", TINY)
    assert main(["check", "d.assy", "-q"]) == 2
    assert f"`{key}`" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--max-import-depth", "--max-file-size", "--max-expression-depth", "--max-objects"])
def test_a_bad_limit_option_is_exit_2(tmp_path, monkeypatch, capsys, option):
    monkeypatch.chdir(tmp_path)
    put(tmp_path / "d.assy", TINY)
    with pytest.raises(SystemExit) as info:
        main(["check", "d.assy", option, "-3"])
    assert info.value.code == 2
    assert option in capsys.readouterr().err


def test_the_api_check_takes_the_limits(tmp_path):
    path = put(tmp_path / "d.assy", let_design(parens(3)))
    report = assemblint.check(path, limits=Limits(max_expression_depth=2))
    assert [e.code for e in report.errors] == ["E009"]
    assert not assemblint.check(path, limits=Limits(max_expression_depth=3)).errors
    path = put(tmp_path / "g.assy", "element e : chip { pads c grid 2 x 2 pitch 1 mm }\n")
    assert [e.code for e in assemblint.check(path, max_objects=3).errors] == ["E009"]
