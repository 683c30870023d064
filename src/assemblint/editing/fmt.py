"""`assemblint fmt PATH…`: designs rewritten in the canonical layout (language/layout.py, docs/formatting.md).

Files are found as `check` finds them (a folder: every `.assy` below it, links confined the same
way), read as the loader reads a design (regular files only, the size limit, strict UTF-8), and
written whole or not at all (base/atomic.py). A file that does not parse is left as it is and its
error printed as `check` prints it; `--check` and `--diff` change nothing and exit 1 when a file
would change, so CI can require formatted designs.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TextIO

from assemblint.base.atomic import write_text
from assemblint.base.diagnostics import SOURCES, Diagnostic, LanguageError, Location
from assemblint.base.inputs import BOM, NotRegularFile, TooLarge, read_capped
from assemblint.base.limits import DEFAULT_MAX_FILE_SIZE, size_text
from assemblint.build.loader import NotText, design_text
from assemblint.language.layout import format_text
from assemblint.report.formats.escaping import defused, for_log, shown
from assemblint.report.formats.registry import rendered
from assemblint.run.pipeline import design_files

_BOM = BOM.decode("utf-8")


def run_fmt(paths: list[Path], check: bool, diff: bool, out: TextIO, err: TextIO) -> int:
    """Format every design below `paths`; 0 when nothing is (or would be) changed, 1 when `--check`
    or `--diff` finds a file to change, 2 when a path or a file cannot be used (it is left as it is)."""
    files, refused = design_files(paths)
    failed = len(refused)
    for diagnostic in refused:
        _say(err, "\n".join(rendered(diagnostic)))
    if not files and not refused:
        _say(err, for_log(f"assemblint: no .assy files found in {', '.join(str(p) for p in paths)}"))
        return 2
    changed = unchanged = 0
    listing = err if diff else out  # with --diff, stdout is the patch alone
    for path in files:
        name = _display(path)
        try:
            before, bom = _read(path, name)
            after = _formatted(before, name)
        except LanguageError as error:
            failed += 1
            for diagnostic in error.diagnostics:
                _say(err, "\n".join(rendered(diagnostic)))
            count = len(error.diagnostics)
            _say(err, for_log(f"{name}: not formatted: {count} language error{'s' if count != 1 else ''}"))
            continue
        if after == before:
            unchanged += 1
            continue
        changed += 1
        if diff:
            out.write(_diff(before, after, name))
        elif check:
            _say(listing, for_log(f"would reformat {name}"))
        else:
            try:
                write_text(path, (_BOM if bom else "") + after)
            except OSError as error:
                failed += 1
                changed -= 1
                _say(err, for_log(f"assemblint: cannot write {name}: {error.strerror or error}"))
                continue
            _say(listing, for_log(f"reformatted {name}"))
    _say(listing, _summary(changed, unchanged, failed, would=check or diff))
    if failed:
        return 2
    return 1 if (check or diff) and changed else 0


def _say(stream: TextIO, text: str) -> None:
    stream.write(text + "\n")


def _display(path: Path) -> str:
    """A path as `check` shows it: relative to the current folder where it is below it."""
    absolute = path.absolute()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)


def _formatted(text: str, name: str) -> str:
    """`text` formatted; its LanguageError with the file's lines known, so that it quotes them."""
    try:
        return format_text(text, name)
    except LanguageError:
        SOURCES.add(name, text)
        raise


def _read(path: Path, name: str) -> tuple[str, bool]:
    """The text of a design and whether it starts with a byte-order mark (kept when written back);
    LanguageError with the loader's own E001, E006 or E009 when it cannot be read as a design."""
    try:
        data = read_capped(path, DEFAULT_MAX_FILE_SIZE)
        return design_text(data), data.startswith(BOM)
    except NotText as binary:
        SOURCES.hide(name)  # nothing of a file that is not text is ever quoted
        where = Location(name, binary.line, binary.column, binary.line, binary.column + 1)
        message = f"not a text file ({binary.what}, here): a design is UTF-8 text, and no line of this file is shown"
        raise LanguageError([Diagnostic("E001", message, where)]) from None
    except TooLarge as large:
        SOURCES.add(name, "")
        message = (
            f"the file is {size_text(large.size)}, more than the limit of "
            f"{size_text(DEFAULT_MAX_FILE_SIZE)} for one design file, and was not read"
        )
        raise LanguageError([Diagnostic("E009", message, Location(name, 1, 1, 1, 2))]) from None
    except NotRegularFile:
        message = f"{name} is not a regular file and is not read"
        raise LanguageError([Diagnostic("E006", message, Location(name, 1, 1))]) from None
    except OSError as error:
        message = f"cannot read {name}: {error.strerror or error}"
        raise LanguageError([Diagnostic("E006", message, Location(name, 1, 1))]) from None


def _diff(before: str, after: str, name: str) -> str:
    """A unified diff (`patch -p0` applies it), each line shown as every output shows design text:
    a control character as its picture, never a workflow command (docs/safety.md)."""
    lines = difflib.unified_diff(_lines(before), _lines(after), fromfile=name, tofile=name)
    return "".join(_visible(line) for line in lines)


def _lines(text: str) -> list[str]:
    """Lines as the language counts them (only a line feed ends one: not U+2028, as splitlines() has it)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1] + "\n\\ No newline at end of file\n")
    return lines


def _visible(line: str) -> str:
    """A line of the diff for a terminal or a CI log; the CR of a CR LF line end stays, so the patch applies."""
    out = []
    for part in line.removesuffix("\n").split("\n"):
        end = "\r" if part.endswith("\r") else ""
        out.append(defused(shown(part.removesuffix("\r"), keep="\t\u2028\u2029")) + end + "\n")
    return "".join(out)


def _summary(changed: int, unchanged: int, failed: int, would: bool) -> str:
    parts = [f"{_files(changed)} {'would be reformatted' if would else 'reformatted'}"]
    parts.append(f"{_files(unchanged)} {'already formatted' if would else 'left unchanged'}")
    if failed:
        parts.append(f"{_files(failed)} not formatted")
    return ", ".join(parts)


def _files(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"
