"""Language errors and findings as the editor shows them: a range, a severity, the code, the sentence.

A language error (E001–E010) is an error at its location, with its notes (E004's first
declaration) as related information; a finding is at the declaration its rule points at, with the
rule's severity (a waived one is a hint). What lies in a file the editor does not have open (an
import) is shown at the `import` that reads it, saying where it is.
"""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types

from assemblint.base.diagnostics import Diagnostic, Location
from assemblint.editing.checker import FindingInfo, absolute
from assemblint.editing.documents import Document, TextLines, path_to_uri, to_range

SOURCE = "assemblint"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}

LinesOf = Callable[[str], Document | TextLines | None]


def from_error(diagnostic: Diagnostic, lines: Document | TextLines, lines_of: LinesOf) -> types.Diagnostic:
    related = []
    for note in diagnostic.notes:
        file = absolute(note.location.path)
        where = lines_of(file)
        if where is not None:
            uri = where.uri if isinstance(where, Document) else path_to_uri(file)  # an unsaved file: its own
            related.append(
                types.DiagnosticRelatedInformation(types.Location(uri, to_range(note.location, where)), note.message)
            )
    return types.Diagnostic(
        range=to_range(diagnostic.location, lines),
        message=diagnostic.message,
        severity=types.DiagnosticSeverity.Error,
        code=diagnostic.code,
        source=SOURCE,
        related_information=related or None,
    )


def from_finding(finding: FindingInfo, lines: Document | TextLines) -> types.Diagnostic:
    severity = types.DiagnosticSeverity.Hint if finding.waived else _SEVERITY.get(finding.severity)
    return types.Diagnostic(
        range=to_range(finding.location, lines),
        message=finding.message + (" (waived)" if finding.waived else ""),
        severity=severity or types.DiagnosticSeverity.Information,
        code=finding.rule,
        source=SOURCE,
    )


def elsewhere(
    code: str, message: str, where: Location, at: Location, lines: Document | TextLines, shown: str, error: bool
) -> types.Diagnostic:
    """An error or finding located in a file that is not open, shown at `at` (its `import`)."""
    return types.Diagnostic(
        range=to_range(at, lines),
        message=f"{shown}:{where.line}:{where.column}: {message}",
        severity=types.DiagnosticSeverity.Error if error else types.DiagnosticSeverity.Warning,
        code=code,
        source=SOURCE,
    )


def problem(message: str, lines: Document | TextLines) -> types.Diagnostic:
    """What kept a design from being checked (a configuration, a crashed rule), on its first line."""
    return types.Diagnostic(
        range=to_range(Location("", 1, 1, 1, 1 + len(lines.line(0))), lines),
        message=message,
        severity=types.DiagnosticSeverity.Warning,
        source=SOURCE,
    )
