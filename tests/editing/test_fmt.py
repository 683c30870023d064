"""editing/fmt.py, `assemblint fmt PATH…`: files rewritten whole, `--check`, `--diff`, what cannot be
formatted left as it is, and the exit codes (docs/formatting.md, "Running it")."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fuzz_strategies import FuzzInput, nearly_valid_designs
from hypothesis import HealthCheck, given, settings

from assemblint.base.diagnostics import LanguageError
from assemblint.build.loader import NotText, design_text
from assemblint.cli import main
from assemblint.editing.fmt import run_fmt
from assemblint.language.layout import format_text

ROOT = Path(__file__).resolve().parents[2]

MESSY = "material gel : silicone_gel {\n  service -40 C..125 C   # rated range\n  modulus 0.3 MPa\n}\n"
CLEAN = "material gel : silicone_gel {\n    service -40 C .. 125 C  # rated range\n    modulus 0.3 MPa\n}\n"
BROKEN = "element die : chip {\n    body silicon\nelement sub : substrate { body AlN }\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder to work in, made the current one (paths are shown relative to it, as `check` shows them)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def put(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_bytes(text.encode("utf-8"))
    return path


def fmt(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    paths = [Path(a) for a in args if not a.startswith("--")]
    code = run_fmt(paths, check="--check" in args, diff="--diff" in args, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# ---------------------------------------------------------------- rewriting


def test_a_folder_is_every_design_below_it_rewritten_in_place(here: Path) -> None:
    messy, clean, deep = put(here / "d/a.assy", MESSY), put(here / "d/b.assy", CLEAN), put(here / "d/x/c.assy", MESSY)
    other = put(here / "d/notes.txt", MESSY)
    clean_inode = clean.stat().st_ino
    assert fmt("d") == (
        0,
        "reformatted d/a.assy\nreformatted d/x/c.assy\n2 files reformatted, 1 file left unchanged\n",
        "",
    )
    assert messy.read_text() == deep.read_text() == clean.read_text() == CLEAN
    assert clean.stat().st_ino == clean_inode  # a file already in the layout is not written
    assert other.read_text() == MESSY
    assert fmt("d") == (0, "0 files reformatted, 3 files left unchanged\n", "")


def test_through_the_command_line(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    put(here / "a.assy", MESSY)
    assert main(["fmt", "--check", "a.assy"]) == 1
    assert capsys.readouterr().out == "would reformat a.assy\n1 file would be reformatted, 0 files already formatted\n"
    assert main(["fmt", "a.assy"]) == 0
    assert capsys.readouterr().out == "reformatted a.assy\n1 file reformatted, 0 files left unchanged\n"
    assert main(["fmt", "--check", "a.assy"]) == 0


def test_the_written_file_keeps_its_mode_byte_order_mark_and_line_ends(here: Path) -> None:
    path = put(here / "w.assy", b"\xef\xbb\xbfuse std\r\nlet a =  1 um\r\n")
    path.chmod(0o640)
    assert fmt("w.assy")[0] == 0
    assert path.read_bytes() == b"\xef\xbb\xbfuse std\r\nlet a = 1 um\r\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_file_named_twice_is_formatted_once(here: Path) -> None:
    put(here / "d/a.assy", MESSY)
    assert fmt("d", "d/a.assy", "./d/a.assy")[1] == "reformatted d/a.assy\n1 file reformatted, 0 files left unchanged\n"


# ---------------------------------------------------------------- --check and --diff


def test_check_lists_what_would_change_and_changes_nothing(here: Path) -> None:
    put(here / "a.assy", MESSY)
    put(here / "b.assy", CLEAN)
    before = {p: p.read_bytes() for p in here.iterdir()}
    assert fmt("--check", ".") == (
        1,
        "would reformat a.assy\n1 file would be reformatted, 1 file already formatted\n",
        "",
    )
    assert {p: p.read_bytes() for p in here.iterdir()} == before
    assert fmt("--check", "b.assy") == (0, "0 files would be reformatted, 1 file already formatted\n", "")


def test_diff_prints_a_unified_diff_and_changes_nothing(here: Path) -> None:
    path = put(here / "a.assy", "use std\n" + MESSY + "\n\n")
    put(here / "b.assy", CLEAN)
    code, out, err = fmt("--diff", ".")
    assert code == 1
    assert out == (
        "--- a.assy\n"
        "+++ a.assy\n"
        "@@ -1,7 +1,5 @@\n"
        " use std\n"
        " material gel : silicone_gel {\n"
        "-  service -40 C..125 C   # rated range\n"
        "-  modulus 0.3 MPa\n"
        "+    service -40 C .. 125 C  # rated range\n"
        "+    modulus 0.3 MPa\n"
        " }\n"
        "-\n"
        "-\n"
    )
    assert err == "1 file would be reformatted, 1 file already formatted\n"  # stdout is the patch alone
    assert path.read_text() == "use std\n" + MESSY + "\n\n"
    assert fmt("--diff", "b.assy") == (0, "", "0 files would be reformatted, 1 file already formatted\n")


def test_diff_of_a_file_without_a_last_line_end(here: Path) -> None:
    put(here / "a.assy", "use std")
    assert fmt("--diff", "a.assy")[1] == (
        "--- a.assy\n+++ a.assy\n@@ -1 +1 @@\n-use std\n\\ No newline at end of file\n+use std\n"
    )


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
def test_the_diff_applies_with_patch(here: Path) -> None:
    path = put(here / "a.assy", "# top\n\n\n" + MESSY + "let x=( 1 um +\n2 um)  # sum\n")
    patch = fmt("--diff", "a.assy")[1]
    subprocess.run(["patch", "-p0", "--quiet"], input=patch, text=True, check=True, cwd=here)
    assert path.read_text() == "# top\n\n" + CLEAN + "let x = (1 um +\n    2 um)  # sum\n"
    assert fmt("--check", "a.assy")[0] == 0


def test_the_diff_shows_control_characters_as_pictures(here: Path) -> None:
    put(here / "a.assy", "use std   # \x1b[2J cleared ##[error]forged\n")
    out = fmt("--diff", "a.assy")[1]
    assert "-use std   # \u241b[2J cleared ##[\\error]forged\n" in out
    assert "+use std  # \u241b[2J cleared ##[\\error]forged\n" in out
    assert "\x1b" not in out


_MARKED = re.compile(r"<!-- fmt: (?P<what>[a-z-]+) -->\n```[^\n]*\n(?P<body>.*?)```\n", re.S)


def test_the_diff_docs_formatting_md_shows_is_the_real_one(here: Path) -> None:
    blocks = {m["what"]: m["body"] for m in _MARKED.finditer((ROOT / "docs/formatting.md").read_text())}
    put(here / "design.assy", blocks["diff-input"])
    assert fmt("--diff", "design.assy")[:2] == (1, blocks["diff-output"])


def test_check_and_diff_together(here: Path) -> None:
    put(here / "a.assy", MESSY)
    code, out, err = fmt("--check", "--diff", "a.assy")
    assert (code, out.splitlines()[0], err) == (
        1,
        "--- a.assy",
        "1 file would be reformatted, 0 files already formatted\n",
    )


# ---------------------------------------------------------------- what cannot be formatted


def test_a_file_that_does_not_parse_is_left_as_it_is_and_its_error_printed_as_check_prints_it(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken, messy = put(here / "d/broken.assy", BROKEN), put(here / "d/messy.assy", MESSY)
    code, out, err = fmt("d")
    assert code == 2
    assert broken.read_text() == BROKEN
    assert messy.read_text() == CLEAN  # the others are still formatted
    assert out == "reformatted d/messy.assy\n1 file reformatted, 0 files left unchanged, 1 file not formatted\n"
    assert err == (
        "d/broken.assy:3:1: E001 expected a property such as `body` or `pads`, or `}`, got `element`: "
        "a `}` is probably missing to close `element die` opened on line 1\n"
        "    3 | element sub : substrate { body AlN }\n"
        "      | ^^^^^^^\n"
        "d/broken.assy: not formatted: 1 language error\n"
    )
    assert main(["check", "-q", "d/broken.assy"]) == 2
    checked = capsys.readouterr().out
    assert checked == err.replace("not formatted", "not checked")


def test_a_syntax_error_wins_over_would_change(here: Path) -> None:
    put(here / "a.assy", MESSY)
    put(here / "b.assy", BROKEN)
    assert fmt("--check", ".")[0] == 2
    assert fmt("--diff", ".")[0] == 2
    assert (here / "a.assy").read_text() == MESSY


def test_an_expression_nested_too_deeply_is_its_e009(here: Path) -> None:
    path = put(here / "deep.assy", "let a = " + "(" * 250 + "1 um" + ")" * 250 + "\n")
    code, _, err = fmt("deep.assy")
    assert code == 2
    assert err.startswith("deep.assy:1:")
    assert " E009 this expression is nested more than 200 levels deep" in err
    assert path.read_text().startswith("let a = ((")


def test_a_missing_path_is_a_sentence_and_exit_2(here: Path) -> None:
    put(here / "a.assy", MESSY)
    code, out, err = fmt("nope.assy", "a.assy")
    assert code == 2
    assert err == "nope.assy:1:1: E006 no such file or folder: nope.assy\n"
    assert out == "reformatted a.assy\n1 file reformatted, 0 files left unchanged, 1 file not formatted\n"


def test_a_folder_without_designs(here: Path) -> None:
    (here / "empty").mkdir()
    assert fmt("empty") == (2, "", "assemblint: no .assy files found in empty\n")


def test_a_file_that_is_not_utf8_text_is_not_touched(here: Path) -> None:
    path = put(here / "latin.assy", b"use std\n# caf\xe9\n")
    code, _, err = fmt("latin.assy")
    assert code == 2
    assert err == (
        "latin.assy:2:6: E001 not a text file (the byte 0xe9 is not UTF-8, here): a design is UTF-8 text, "
        "and no line of this file is shown\nlatin.assy: not formatted: 1 language error\n"
    )
    assert path.read_bytes() == b"use std\n# caf\xe9\n"


def test_a_fifo_is_refused_unopened(here: Path) -> None:
    os.mkfifo(here / "pipe.assy")
    code, _, err = fmt("pipe.assy")
    assert code == 2
    assert err == "pipe.assy:1:1: E006 not a regular file (a pipe, socket or device): not read\n"


def test_a_link_out_of_the_scanned_folder_is_not_followed(here: Path) -> None:
    outside = put(here / "outside/secret.assy", MESSY)
    (here / "d").mkdir()
    (here / "d/link.assy").symlink_to(outside)
    code, _, err = fmt("d")
    assert code == 2
    assert "d/link.assy:1:1: E006 a link out of the scanned folder d: not read" in err
    assert outside.read_text() == MESSY


def test_the_diff_of_a_crlf_file_keeps_its_line_ends(here: Path) -> None:
    put(here / "a.assy", "use std\r\nlet a =  1 um\r\n")
    assert fmt("--diff", "a.assy")[1] == (
        "--- a.assy\n+++ a.assy\n@@ -1,2 +1,2 @@\n use std\r\n-let a =  1 um\r\n+let a = 1 um\r\n"
    )


@settings(max_examples=40, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=nearly_valid_designs())
def test_a_generated_file_is_formatted_or_left_exactly_as_it_was(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """The fuzz campaign's nearly valid designs, as files: formatted when they parse, else untouched, exit 2."""
    data = FuzzInput("nearly-valid", [], text=text).as_bytes()  # a lone surrogate: bytes that are not UTF-8
    path = tmp_path_factory.mktemp("fmt") / "fuzz.assy"
    path.write_bytes(data)
    code, _, err = fmt(str(path))
    try:
        expected = format_text(design_text(data), "fuzz.assy")
    except (NotText, LanguageError):
        assert (code, path.read_bytes()) == (2, data)
        assert " E0" in err
        return
    assert code == 0
    assert path.read_bytes() == expected.encode("utf-8")
