"""Confinement (issue 9, part 3): imports never leave the root, a refused import's target is never
read, opened or echoed, `use` takes only registered library names, plugins come only from installed
entry points, and nothing written in a design makes the engine run code or write a file.

"Never read" is proved twice: a spy on the loader's reads, and targets that would give a read
away — a FIFO, which blocks whoever opens it for reading (so the command runs in a child process
with a timeout), and a file holding a marker that must appear in no output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import assemblint
import assemblint.build.loader

MARKER = "SECRET7f3a9c"  # in every file outside the root; no output may ever contain it
SECRET = f"material {MARKER} {{ kind metal }}\nthis line {MARKER} is not valid {{\n"
FORMATS = ["text", "json", "sarif", "junit", "github", "gitlab"]
TIMEOUT = 120  # seconds; a run that opened a FIFO would wait for a writer forever

needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
needs_fifos = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(path: Path, **kwargs) -> list[assemblint.Diagnostic]:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path, **kwargs)
    return info.value.diagnostics


def cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "assemblint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=env,
    )


def every_file(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every design file the loader reads from disk, resolved."""
    seen: list[Path] = []
    original = assemblint.build.loader.read_text

    def spy(path: Path, *args, **kwargs) -> str:
        seen.append(Path(path).resolve())
        return original(path, *args, **kwargs)

    monkeypatch.setattr(assemblint.build.loader, "read_text", spy)
    return seen


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """(root, outside): the design's folder, and a sibling folder with a secret in it."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    put(outside / "secret.assy", SECRET)
    root.mkdir()
    return root, outside


# ---------------------------------------------------------------- paths refused as written


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("/etc/passwd", "absolute"),
        ("//server/share/x.assy", "absolute"),
        ("C:\\\\x.assy", "backslash"),  # `C:\\x.assy` in the design, as a string escape would have it
        ("C:/x.assy", "drive letter"),
        ("c:x.assy", "drive letter"),
        ("..\\\\..\\\\x.assy", "backslash"),
        ("\\\\\\\\server\\\\share\\\\x.assy", "backslash"),
        ("..\\..\\x.assy", "backslash"),  # a lone backslash is kept as written, not read as an escape
        ("lib\\x.assy", "backslash"),  # refused even where it would stay inside the root
    ],
)
def test_absolute_drive_and_backslash_paths_are_refused_unread(layout, reads, written, why):
    root, _ = layout
    main = put(root / "main.assy", f'material A {{ kind metal }}\nimport "{written}"\n')
    (error,) = errors_of(main)
    assert (error.code, error.location.line, error.location.column) == ("E006", 2, 8)
    assert "is refused" in error.message and why in error.message
    assert reads == [main.resolve()]


def test_a_nul_or_an_escape_sequence_in_a_path_is_refused_and_not_echoed_raw(layout, reads):
    """A NUL byte makes the whole file binary (issue 17): one E001 at it, nothing quoted; an escape
    sequence in an import path is that import's E006, echoed escaped."""
    root, _ = layout
    main = put(root / "main.assy", 'import "a\x00b.assy"\nimport "\x1b]0;owned\x07.assy"\n')
    (error,) = errors_of(main)
    assert (error.code, error.location.line, error.location.column) == ("E001", 1, 10)
    assert "not a text file (a NUL byte" in error.message
    assert assemblint.base.diagnostics.render(error).count("\n") == 0  # no line of it quoted
    main = put(root / "main.assy", 'import "\x1b]0;owned\x07.assy"\n')
    errors = errors_of(main)
    assert [e.code for e in errors] == ["E006"]
    assert "control character (\\x1b)" in errors[0].message
    text = "\n".join(assemblint.base.diagnostics.render(e) for e in errors)
    assert "\x00" not in text and "\x1b" not in text
    assert reads == [main.resolve(), main.resolve()]


# ---------------------------------------------------------------- paths refused once resolved


def test_dot_dot_out_of_the_root_is_refused_unread(layout, reads):
    root, outside = layout
    (error,) = errors_of(put(root / "sub" / "main.assy", 'import "../../outside/secret.assy"\n'), root=root)
    assert error.code == "E006" and "outside the root" in error.message
    assert (outside / "secret.assy").resolve() not in reads


def test_dot_dot_that_stays_inside_the_root_is_fine(layout):
    root, _ = layout
    put(root / "lib" / "a.assy", "material A { kind metal }\n")
    design = assemblint.load(put(root / "sub" / "main.assy", 'import "../lib/./../lib/a.assy"\n'), root=root)
    assert "A" in design.materials


def test_a_refused_target_is_not_even_said_to_exist(layout):
    root, _ = layout
    (present,) = errors_of(put(root / "a.assy", 'import "../outside/secret.assy"\n'))
    (absent,) = errors_of(put(root / "b.assy", 'import "../outside/nothing.assy"\n'))
    assert present.message.replace("secret", "X") == absent.message.replace("nothing", "X")


@needs_symlinks
def test_a_symlink_inside_pointing_outside_is_refused_unread(layout, reads):
    root, outside = layout
    (root / "link.assy").symlink_to(outside / "secret.assy")
    (root / "dir").symlink_to(outside, target_is_directory=True)
    errors = errors_of(put(root / "main.assy", 'import "link.assy"\nimport "dir/secret.assy"\n'))
    assert [(e.code, e.location.line) for e in errors] == [("E006", 1), ("E006", 2)]
    assert all("outside the root" in e.message for e in errors)
    assert (outside / "secret.assy").resolve() not in reads


@needs_symlinks
def test_a_symlink_inside_pointing_inside_is_allowed(layout):
    root, _ = layout
    put(root / "real" / "lib.assy", "material S { kind metal }\n")
    (root / "alias.assy").symlink_to(root / "real" / "lib.assy")
    (root / "libs").symlink_to(root / "real", target_is_directory=True)
    design = assemblint.load(put(root / "main.assy", 'import "alias.assy"\nimport "libs/lib.assy"\n'))
    assert "S" in design.materials


@needs_symlinks
def test_a_symlink_loop_is_e006(layout):
    root, _ = layout
    (root / "a.assy").symlink_to(root / "b.assy")
    (root / "b.assy").symlink_to(root / "a.assy")
    (error,) = errors_of(put(root / "main.assy", 'import "a.assy"\n'))
    assert error.code == "E006"


def test_a_folder_is_not_read_as_a_design(layout):
    root, _ = layout
    (root / "lib.assy").mkdir()
    (error,) = errors_of(put(root / "main.assy", 'import "lib.assy"\n'))
    assert error.code == "E006" and "not a regular file" in error.message


# ---------------------------------------------------------------- never read: FIFOs and a secret marker


@needs_fifos
def test_a_fifo_is_never_opened_inside_or_outside_the_root(layout):
    """Opening a FIFO for reading blocks until a writer comes: a run that tried would time out."""
    root, outside = layout
    os.mkfifo(outside / "pipe.assy")
    os.mkfifo(root / "pipe.assy")
    imports = ['"../outside/pipe.assy"', f'"{(outside / "pipe.assy").as_posix()}"', '"pipe.assy"']
    if hasattr(os, "symlink"):
        (root / "link.assy").symlink_to(outside / "pipe.assy")
        imports.append('"link.assy"')
    put(root / "main.assy", "".join(f"import {path}\n" for path in imports))
    result = cli(["check", "main.assy", "--format", "json"], root)
    assert result.returncode == 2, result.stderr
    errors = json.loads(result.stdout)["errors"]
    assert [e["code"] for e in errors] == ["E006"] * len(imports)
    assert "not a regular file" in errors[2]["message"]


@needs_symlinks
@pytest.mark.parametrize("output", FORMATS)
def test_a_secret_outside_the_root_appears_in_no_output(layout, output):
    root, outside = layout
    (root / "link.assy").symlink_to(outside / "secret.assy")
    (root / "dir").symlink_to(outside, target_is_directory=True)
    put(
        root / "main.assy",
        "material A { kind metal }\n"
        'import "../outside/secret.assy"\n'
        f'import "{(outside / "secret.assy").as_posix()}"\n'
        'import "link.assy"\n'
        'import "dir/secret.assy"\n'
        'import "..\\\\outside\\\\secret.assy"\n',
    )
    result = cli(["check", "main.assy", "--format", output], root)
    assert result.returncode == 2
    assert result.stdout.strip(), "an output was written"
    assert MARKER not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@needs_symlinks
def test_the_review_report_of_a_refused_import_holds_no_secret(layout):
    root, outside = layout
    (root / "link.assy").symlink_to(outside / "secret.assy")
    put(root / "main.assy", 'import "link.assy"\nimport "../outside/secret.assy"\n')
    result = cli(["report", "main.assy", "-o", "review.html"], root)
    assert result.returncode == 2
    assert MARKER not in (root / "review.html").read_text(encoding="utf-8") + result.stdout + result.stderr


# ---------------------------------------------------------------- `use`: registered names only


@pytest.mark.parametrize("written", ["../outside/secret", "/etc/passwd", '"std"', "std.assy", "..", "~/x"])
def test_use_takes_a_name_not_a_path(layout, reads, written):
    root, _ = layout
    (error,) = errors_of(put(root / "main.assy", f"use {written}\n"))
    assert error.code == "E001"
    assert reads == [(root / "main.assy").resolve()]


@pytest.mark.parametrize("name", ["os", "sys", "__import__", "secret", "assemblint_melting", "builtin", "main"])
def test_use_of_anything_but_a_registered_library_is_e002_and_reads_nothing(layout, reads, name):
    root, _ = layout
    put(root / "secret.assy", SECRET)  # a design file by that name beside the design is not a library
    put(root / "os.assy", SECRET)
    (error,) = errors_of(put(root / "main.assy", f"use {name}\n"))
    assert error.code == "E002" and "known:" in error.message
    assert reads == [(root / "main.assy").resolve()]


# ---------------------------------------------------------------- no code runs, no file is written


HOSTILE = [
    "__import__('os').system('touch PWNED1')",
    "{0.__class__.__mro__[1].__subclasses__()}",
    "{self} {report} {finding.__init__.__globals__}",
    "%s%s%s%n%x",
    "$(touch PWNED2) `touch PWNED3`; touch PWNED4 && echo | tee PWNED5 > PWNED6",
    "../../../../tmp/PWNED7",
    "assemblint.plugins:evil",
    "<script>fetch('x')</script>",
    "\\\\\\\\server\\\\share",
]


READ_BACK = [text.replace("\\\\", "\\") for text in HOSTILE]  # what a string holds once its escapes are read


def hostile_design() -> str:
    lines = ["use std", f'assembly "{HOSTILE[0]}"']
    lines += [
        "material eval { kind metal }",
        "material __import__ : eval { }",
        "element exec : chip { body silicon; pads c grid 2 x 2 pitch 1 mm diameter 100 um }",
        "element system : substrate { body AlN; pads p grid 2 x 2 pitch 1 mm diameter 100 um }",
        "masses os : SAC305 { joins exec.c[*] -- system.p[*]; height 50 um }",
        "process { step reflow { kind reflow; peak 250 C; forms os }; operate 0 C .. 100 C }",
    ]
    for text in HOSTILE:
        lines.append(f'waive MH004 on os[*], exec because "{text}" by "{text}" until 2099-01-01')
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("output", FORMATS)
def test_hostile_strings_run_no_code_and_write_no_file(tmp_path, output):
    folder = tmp_path / "fresh"
    put(folder / "design.assy", hostile_design())
    home = tmp_path / "home"
    home.mkdir()
    before = every_file(tmp_path)
    env = {**os.environ, "HOME": str(home), "NO_COLOR": "1"}
    result = cli(["check", "design.assy", "--format", output], folder, env)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert every_file(tmp_path) == before, "the run created a file"
    assert "Traceback" not in result.stderr
    if output in ("text", "json"):  # each comes back as written (WV002 names the owner): none was interpreted
        shown = (
            result.stdout
            if output == "text"
            else "\n".join(f["message"] for f in json.loads(result.stdout)["findings"])
        )
        assert all(text in shown for text in READ_BACK)


def test_hostile_strings_survive_as_plain_text(tmp_path):
    design = assemblint.load(put(tmp_path / "d.assy", hostile_design()))
    assert design.title == HOSTILE[0]
    assert [w.reason for w in design.waivers] == READ_BACK


def test_hostile_names_in_use_and_import_write_no_file(tmp_path):
    folder = tmp_path / "fresh"
    put(
        folder / "design.assy",
        "use __import__\nuse os\n"
        'import "$(touch PWNED8).assy"\nimport "`touch PWNED9`.assy"\nimport "{0.__class__}.assy"\n'
        'import "%s%n.assy"\nimport "../../../../tmp/PWNED10"\n',
    )
    before = every_file(tmp_path)
    result = cli(["check", "design.assy", "--format", "json"], folder)
    assert result.returncode == 2
    assert every_file(tmp_path) == before
    messages = [e["message"] for e in json.loads(result.stdout)["errors"]]
    assert any("{0.__class__}.assy" in m for m in messages) and any("%s%n.assy" in m for m in messages)


# ---------------------------------------------------------------- plugins: installed entry points only


def test_a_module_beside_the_design_is_never_loaded_as_a_plugin(tmp_path):
    """`-p NAME` and `plugins = [...]` only choose among installed entry points; a module that
    happens to be importable (the current folder is on sys.path under `python -m`) is not one."""
    folder = tmp_path / "fresh"
    put(folder / "evil.py", "open('PWNED11', 'w').write('ran')\n")
    put(folder / "design.assy", "material A { kind metal }\n")
    result = cli(["check", "design.assy", "-p", "evil"], folder)
    assert result.returncode == 2 and "no plugin named evil" in result.stderr
    put(folder / "assemblint.toml", 'plugins = ["evil"]\n')
    result = cli(["check", "design.assy"], folder)
    assert result.returncode == 2
    assert not (folder / "PWNED11").exists()
