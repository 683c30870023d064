"""An input from another tool that cannot be read, said as a language error is (E001–E010)."""

from __future__ import annotations

from assemblint.base.diagnostics import SOURCES, Diagnostic, Location


class ImportProblem(Exception):
    """One diagnostic, with the file, line and column where the imported data went wrong."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def utf8_text(data: bytes, path: str) -> str:
    """A file's bytes as text (a byte-order mark dropped); an ImportProblem at the first byte that is
    not UTF-8, its file hidden from quoting (no line of a file that is not text is ever shown)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        SOURCES.hide(path)
        what = f"byte 0x{data[error.start]:02x} is not UTF-8 text"
        raise problem_at(path, None, "E001", what, line, column) from None


def problem_at(
    path: str, source: bytes | str | None, code: str, message: str, line: int, column: int, width: int = 1
) -> ImportProblem:
    """A problem in an imported file; its text is kept so that the line is quoted under the message."""
    if source is not None:
        text = source if isinstance(source, str) else source.decode("utf-8", errors="replace")
        SOURCES.add(path, text)
    return ImportProblem(Diagnostic(code, message, Location(path, line, column, line, column + max(width, 1))))
