"""assemblint: the design-rule checker for microelectronic packaging assemblies."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import check, load
from .context import CannotRun, RuleContext
from .diagnostics import Diagnostic, LanguageError, Location
from .findings import OBJECTS, Finding
from .hookspecs import hookimpl
from .model import Assembly
from .rules import Rule, Severity, exceeds, falls_short, quantity, rule
from .units import format_quantity

__all__ = [
    "OBJECTS",
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
    "exceeds",
    "falls_short",
    "format_quantity",
    "hookimpl",
    "load",
    "quantity",
    "rule",
]
