"""Issue 17, items 1 to 3: nothing outside the root is read or shown, every input file is read as a
design is, and no name printed can start a line. Each attack of the issue, on the command line: its
exit code, its E-code, the file, line and column, and that the secret it aims at appears nowhere.

The inputs that used to hang or read without end (a FIFO, /dev/zero) run in a subprocess with a
timeout; the rest in process, through `cli.main`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import OTHER_PLUGINS

from assemblint import cli
from assemblint.base.atomic import write_text

SECRET = "ghp_S3CRETtokenNeverShown"
DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }
element sub : substrate { body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
"""
needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="FIFOs, /dev and /proc")
DISABLED = [f"-p=no:{name}" for name in OTHER_PLUGINS]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder as the current one, with a secret beside (not inside) its designs folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "secret.txt").write_text(f"https://user:{SECRET}@github.com\n", encoding="utf-8")
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "d.assy").write_text(DESIGN, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = cli.main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def command(*argv: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m assemblint ARGV…` with a timeout: a hang is a failure, not a stuck test run."""
    return subprocess.run(
        [sys.executable, "-m", "assemblint", *argv], cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def clean(output: str, commands: bool = False) -> None:
    """No traceback, no secret, no escape sequence; no workflow command unless `commands` (the github format)."""
    assert "Traceback" not in output
    assert SECRET not in output
    assert commands or not any(line.lstrip().startswith("::") for line in output.split("\n")), output
    assert "\x1b" not in output


# ---------------------------------------------------------------------------------------- folder scans
@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif", "github", "html"])
def test_a_link_out_of_the_scanned_folder_is_refused_unread(here: Path, capsys, fmt: str) -> None:
    """Was: `designs/x.assy -> ~/.git-credentials` printed the token in its E001, on stdout."""
    (here / "designs" / "x.assy").symlink_to(here / "secret.txt")
    code, out, err = run(capsys, "check", "designs", "--format", fmt, "-q")
    clean(out + err, commands=fmt == "github")
    assert code == 2
    if fmt == "text":
        assert "designs/x.assy:1:1: E006 a link out of the scanned folder designs: not read" in out
        assert "designs/d.assy: 0 errors" in out  # the rest of the folder is still checked


def test_a_link_inside_the_scanned_folder_is_checked(here: Path, capsys) -> None:
    (here / "designs" / "sub").mkdir()
    (here / "designs" / "sub" / "again.assy").symlink_to(here / "designs" / "d.assy")
    (here / "designs" / "e.assy").symlink_to(here / "designs" / "sub" / "..")  # a folder: passed over
    code, out, _ = run(capsys, "check", "designs", "-q")
    assert code == 0, out  # checked once: the link and its target are one file


def test_root_widens_what_a_scan_may_follow(here: Path, capsys) -> None:
    (here / "lib").mkdir()
    (here / "lib" / "shared.assy").write_text(DESIGN, encoding="utf-8")
    (here / "designs" / "shared.assy").symlink_to(here / "lib" / "shared.assy")
    assert run(capsys, "check", "designs", "-q")[0] == 2
    assert run(capsys, "check", "designs", "-q", "--root", str(here))[0] == 0


@needs_linux
def test_a_link_to_proc_environ_or_dev_zero_in_a_scan_is_refused_at_once(here: Path) -> None:
    (here / "designs" / "env.assy").symlink_to("/proc/self/environ")
    (here / "designs" / "zero.assy").symlink_to("/dev/zero")
    os.mkfifo(here / "designs" / "fifo.assy")
    started = time.monotonic()
    result = command("check", "designs", "-q", cwd=here)
    assert time.monotonic() - started < 30
    clean(result.stdout + result.stderr)
    assert result.returncode == 2
    assert "designs/env.assy:1:1: E006 a link out of the scanned folder" in result.stdout
    assert "designs/zero.assy:1:1: E006 a link out of the scanned folder" in result.stdout
    assert "designs/fifo.assy:1:1: E006 not a regular file (a pipe, socket or device): not read" in result.stdout


# ---------------------------------------------------------------------------------------- paths named
@needs_linux
@pytest.mark.parametrize("target", ["/dev/zero", "fifo.assy", "link-to-zero.assy"])
def test_a_named_path_that_is_not_a_regular_file_is_e006_at_once(here: Path, target: str) -> None:
    """Was: /dev/zero read until memory ran out (to quote line 1), a FIFO hung forever."""
    os.mkfifo(here / "fifo.assy")
    (here / "link-to-zero.assy").symlink_to("/dev/zero")
    result = command("check", target, "-q", cwd=here, timeout=30)
    clean(result.stdout + result.stderr)
    assert result.returncode == 2
    assert f"{target}:1:1: E006 not a regular file (a pipe, socket or device): not read" in result.stdout
    assert "    1 |" not in result.stdout


@needs_linux
@pytest.mark.parametrize(
    ("option", "what"),
    [("--waivers", "the waivers file"), ("--baseline", "the report"), ("--deck", "the deck")],
)
@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "."])
def test_an_input_file_that_is_not_a_regular_file_is_e006_unread(here: Path, option: str, what: str, target: str):
    os.mkfifo(here / "fifo")
    result = command("check", "designs", "-q", option, target, cwd=here, timeout=30)
    clean(result.stdout + result.stderr)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"assemblint: {target}: E006 {what} is not a regular file (a folder, pipe or device) and was not read" in (
        result.stderr
    )


@needs_linux
def test_a_config_file_that_is_a_fifo_is_e006(here: Path) -> None:
    os.mkfifo(here / "assemblint.toml")
    result = command("rules", cwd=here, timeout=30)
    assert result.returncode == 2
    assert "assemblint.toml: E006 the configuration file is not a regular file" in result.stderr


# ---------------------------------------------------------------------------------------- files that are not text
@pytest.mark.parametrize(
    ("data", "line", "column", "what"),
    [
        (f"A=1\0TOKEN={SECRET}\0".encode(), 1, 4, "a NUL byte"),  # as /proc/self/environ reads
        (f"use std\n# {SECRET} caf\xe9\n".encode("latin-1"), 2, 32, "the byte 0xe9 is not UTF-8"),
        (b"\x7fELF\x02\x01\x01\x00" + SECRET.encode(), 1, 8, "a NUL byte"),
    ],
    ids=["environ", "latin-1", "binary"],
)
def test_a_file_that_is_not_text_gets_one_e001_without_its_line(here: Path, capsys, data, line, column, what) -> None:
    (here / "designs" / "bin.assy").write_bytes(data)
    code, out, err = run(capsys, "check", "designs/bin.assy", "-q")
    clean(out + err)
    assert code == 2
    assert f"designs/bin.assy:{line}:{column}: E001 not a text file ({what}, here)" in out
    assert " | " not in out  # no line of it quoted


# ---------------------------------------------------------------------------------------- malformed input files
BOMB_JSON = "[" * 100_000 + "]" * 100_000
BAD_FILES = [
    # (option, file name, content, exit, the message's start)
    ("--baseline", "b.json", b'{"schema": "x", "n": \xff}', 2, "b.json:1:22: E001 the report is not UTF-8 text"),
    ("--baseline", "b.json", b'{"n": ' + b"9" * 5000 + b"}", 2, "b.json:1:7: E001 the report holds a number of 5,000"),
    ("--baseline", "b.json", BOMB_JSON.encode(), 2, "b.json:1:100000: E001 the report is nested 100,000 levels deep"),
    (
        "--baseline",
        "b.json",
        b'{"a": 1,\n  "b": }',
        2,
        "b.json:2:8: E001 the report is not valid JSON: Expecting value",
    ),
    ("--waivers", "w.toml", b'[[waiver]]\nrule = "\xff"\n', 2, "w.toml:2:9: E001 the waivers file is not UTF-8 text"),
    ("--waivers", "w.toml", b"x = " + b"[" * 100_000, 2, "w.toml:1:100004: E001 the waivers file is nested 100,000"),
    ("--waivers", "w.toml", b'[[waiver]]\nrule = 3\non = ["m"]\nbecause = "r"\n', 2, "w.toml:1:1: waiver 1: `rule`"),
    ("--waivers", "w.toml", b"x = " + b"9" * 5000, 2, "w.toml:1:5: E001 the waivers file holds a number of 5,000"),
    ("--deck", "k.toml", b'[deck]\nname = "\xc3\x28"\n', 2, "k.toml:2:9: E001 the deck is not UTF-8 text"),
    ("--deck", "k.toml", b"[rules]\nMH003 = " + b"{a = " * 50_000, 2, "k.toml:2:250004: E001 the deck is nested"),
]


@pytest.mark.parametrize(("option", "name", "content", "code", "message"), BAD_FILES)
def test_a_malformed_input_file_is_exit_2_at_its_line_and_column(
    here: Path, capsys, option: str, name: str, content: bytes, code: int, message: str
) -> None:
    (here / name).write_bytes(content + f"\n# {SECRET}\n".encode())
    started = time.monotonic()
    exit_code, out, err = run(capsys, "check", "designs", "-q", option, name)
    assert time.monotonic() - started < 20
    clean(out + err)
    assert exit_code == code
    assert out == ""
    assert err.startswith(f"assemblint: {message}"), err
    assert len(err.strip().split("\n")) == 1


@pytest.mark.parametrize("option", ["--baseline", "--waivers", "--deck"])
def test_a_byte_order_mark_is_accepted_in_every_input_file(here: Path, capsys, option: str) -> None:
    """Was: a baseline with a UTF-8 byte-order mark was refused while other files accepted one."""
    content = {
        "--baseline": '{"schema": "assemblint-report/1", "findings": []}',
        "--waivers": '[[waiver]]\nrule = "MH003"\non = ["m[*]"]\nbecause = "reviewed"\n',
        "--deck": '[deck]\nname = "bom"\n',
    }[option]
    (here / "input").write_bytes(b"\xef\xbb\xbf" + content.encode())
    code, out, err = run(capsys, "check", "designs/d.assy", "-q", "--select", "MH003", option, "input")
    assert code == 0, out + err


def test_an_input_file_over_the_size_limit_is_e009_unread(here: Path, capsys) -> None:
    (here / "b.json").write_bytes(b'{"schema": "assemblint-report/1", "findings": []}' + b" " * 4096)
    code, _, err = run(capsys, "check", "designs", "-q", "--baseline", "b.json", "--max-file-size", "2K")
    assert code == 2
    assert err.startswith("assemblint: b.json: E009 the report is 4.05 KiB (4,145 bytes), more than the limit")
    assert "`--max-file-size 1M`" in err
    code, _, err = run(capsys, "diff", "b.json", "b.json", "--max-file-size", "2K")
    assert code == 2 and "b.json: E009" in err


@pytest.mark.parametrize(
    "location",
    ['"d.assy:4:8"', "[1, 2]", '{"path": 3, "line": 1, "column": 1}', '{"path": "d", "line": "4", "column": 1}'],
)
def test_diff_of_a_report_whose_location_has_the_wrong_shape_is_exit_2(here: Path, capsys, location: str) -> None:
    finding = f'{{"rule": "MH003", "severity": "error", "message": "m", "fingerprint": "f", "location": {location}}}'
    (here / "r.json").write_text(f'{{"schema": "assemblint-report/1", "findings": [{finding}]}}', encoding="utf-8")
    code, out, err = run(capsys, "diff", "r.json", "r.json")
    assert code == 2 and out == ""
    assert err.startswith("assemblint: r.json: finding 1: `location")


def test_diff_escapes_what_a_report_says(here: Path, capsys) -> None:
    finding = {
        "rule": "MH003",
        "severity": "error",
        "message": "a\n::error file=README.md,title=forged::x \x1b[2J \ud800",
        "fingerprint": "f",
        "location": {"path": "d\n::warning ::x.assy", "line": 1, "column": 1},
    }
    (here / "r.json").write_text(json.dumps({"schema": "assemblint-report/1", "findings": [finding]}), encoding="utf-8")
    (here / "e.json").write_text('{"schema": "assemblint-report/1", "findings": []}', encoding="utf-8")
    code, out, err = run(capsys, "diff", "e.json", "r.json")
    assert code == 1
    clean(out + err)
    assert len(out.strip().split("\n")) == 4  # new: 1, the finding, fixed: 0, unchanged: 0


# ---------------------------------------------------------------------------------------- configuration files
def test_a_pyproject_with_a_byte_ff_above_the_folder_does_not_stop_any_command(here: Path, capsys) -> None:
    """Was: every command, `rules` included, died with a UnicodeDecodeError. A pyproject.toml that never
    mentions assemblint cannot configure it, so one that cannot be read is passed over."""
    (here / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\n')
    (here / "work").mkdir()
    os.chdir(here / "work")
    code, _, err = run(capsys, "rules", *DISABLED)
    assert code == 0 and "Traceback" not in err


def test_a_pyproject_that_may_configure_assemblint_and_cannot_be_read_is_exit_2(here: Path, capsys) -> None:
    (here / "pyproject.toml").write_bytes(f'# {SECRET}\n[tool.assemblint]\nselect = ["\xff"]\n'.encode("latin-1"))
    for argv in (["rules"], ["check", "designs"], ["plugins"]):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        clean(out + err)
        assert err == f"assemblint: {here.resolve()}/pyproject.toml:3:12: E001 the configuration file is not UTF-8 " + (
            "text (byte 0xff cannot be read); save it as UTF-8\n"
        )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"tool = 5\n", None),  # not ours: passed over
        (b'[tool]\nassemblint = "MH"\n', "[tool.assemblint]: expected a table of settings"),
        (b"[tool.assemblint]\nselect = " + b"[" * 100_000, "pyproject.toml:2:100009: E001 the configuration file is"),
        (b"[tool.assemblint]\nmax-objects = " + b"9" * 5000, "pyproject.toml:2:15: E001 the configuration file holds"),
    ],
)
def test_a_malformed_pyproject_is_exit_2_naming_it(here: Path, capsys, content: bytes, message: str | None) -> None:
    (here / "pyproject.toml").write_bytes(content)
    code, _, err = run(capsys, "rules", *DISABLED)
    if message is None:
        assert code == 0
    else:
        assert code == 2 and message in err and len(err.strip().split("\n")) == 1


# ---------------------------------------------------------------------------------------- names in the output
HOSTILE = "a\n::error file=README.md,title=forged::owned\x1b[2J\r.assy"


def test_a_file_name_cannot_start_a_line_in_the_text_output_or_on_stderr(here: Path, capsys) -> None:
    (here / "designs" / HOSTILE).write_text("material a { kind nope }\n", encoding="utf-8")
    for argv in (
        ["check", "designs"],
        ["check", f"designs/{HOSTILE}"],
        ["check", "designs", "--format", "json", "-o", "r.json"],
    ):
        code, out, err = run(capsys, *argv, "-q")
        assert code == 2
        clean(out + err)
        assert "a\u240a::error file=README.md,title=forged::owned\u241b[2J\u240d.assy:1:19: E010" in out + err
    for option in ("--waivers", "--baseline", "--deck"):
        code, out, err = run(capsys, "check", "designs/d.assy", option, HOSTILE.replace(".assy", ".toml"))
        assert code == 2
        clean(out + err)
        assert err.count("\n") == 1


# ---------------------------------------------------------------------------------------- a report over an input
@pytest.mark.parametrize(
    "argv",
    [
        ["check", "designs/d.assy", "-o", "designs/d.assy"],
        ["check", "designs", "-o", "designs/./d.assy"],
        ["check", "designs/d.assy", "-o", "link.txt"],
        ["check", "designs/d.assy", "--report", "sarif=designs/lib.assy"],  # an import
        ["check", "designs/d.assy", "--waivers", "w.toml", "--format", "json", "-o", "w.toml"],
        ["check", "designs/d.assy", "--deck", "k.toml", "-o", "k.toml"],
        ["check", "designs/d.assy", "--baseline", "b.json", "--format", "json", "-o", "b.json"],
        ["report", "designs/d.assy", "-o", "designs/d.assy"],
        ["graph", "designs/d.assy", "-o", "designs/lib.assy"],
    ],
)
def test_a_report_path_equal_to_an_input_is_refused_before_anything_is_written(here: Path, capsys, argv) -> None:
    """Was: `check d.assy -o d.assy` replaced the design with its report."""
    (here / "designs" / "d.assy").write_text('import "lib.assy"\n' + DESIGN, encoding="utf-8")
    (here / "designs" / "lib.assy").write_text("material extra { kind metal }\n", encoding="utf-8")
    (here / "link.txt").symlink_to(here / "designs" / "d.assy")
    (here / "w.toml").write_text('[[waiver]]\nrule = "MH003"\non = ["m[*]"]\nbecause = "r"\n', encoding="utf-8")
    (here / "k.toml").write_text('[deck]\nname = "k"\n', encoding="utf-8")
    (here / "b.json").write_text('{"schema": "assemblint-report/1", "findings": []}', encoding="utf-8")
    before = {p: p.read_bytes() for p in here.rglob("*") if p.is_file()}
    code, out, err = run(capsys, *argv, "-q") if argv[0] != "graph" else run(capsys, *argv)
    assert code == 2, out + err
    assert "an input of this run: the report would replace it" in err
    assert {p: p.read_bytes() for p in here.rglob("*") if p.is_file()} == before


# ---------------------------------------------------------------------------------------- kill -9 while writing
@needs_linux
def test_kill_9_during_a_report_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    """Was: the report was written to `.NAME.PID.HEX.tmp` beside it and renamed; killed outright
    during the write (no clean-up runs), that file stayed."""
    (tmp_path / "report.json").write_text("old", encoding="utf-8")
    script = (
        "import os, sys, time\n"
        "from assemblint.base import atomic\n"
        "real = os.write\n"
        "def slow(fd, data):\n"
        "    n = real(fd, data[:1024])\n"
        "    print('writing', flush=True)\n"
        "    time.sleep(60)\n"
        "    return n\n"
        "atomic.os.write = slow\n"
        "atomic.write_text(sys.argv[1], 'x' * 100000)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "report.json")], stdout=subprocess.PIPE)
    assert child.stdout is not None and child.stdout.readline() == b"writing\n"
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == "old"


def test_a_new_report_file_gets_the_umask_mode_and_replaces_nothing_else(tmp_path: Path) -> None:
    write_text(tmp_path / "new.json", "new")
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.json"]
    assert not re.search(r"\.tmp$", "".join(p.name for p in tmp_path.iterdir()))
