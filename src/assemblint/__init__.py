"""assemblint: the design-rule checker for microelectronic packaging assemblies."""

from __future__ import annotations

__version__ = "0.1.0"

from .context import CannotRun, RuleContext  # noqa: E402
from .diagnostics import Diagnostic, LanguageError, Location  # noqa: E402
from .findings import Finding  # noqa: E402
from .hookspecs import hookimpl  # noqa: E402
from .model import Assembly  # noqa: E402
from .rules import Rule, Severity, quantity, rule  # noqa: E402

from .api import check, load  # noqa: E402  (after the names it imports)

__all__ = [
    "Assembly",
    "CannotRun",
    "Diagnostic",
    "Finding",
    "LanguageError",
    "Location",
    "Rule",
    "RuleContext",
    "Severity",
    "__version__",
    "check",
    "hookimpl",
    "load",
    "quantity",
    "rule",
]
