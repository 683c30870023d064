"""assemblint: the design-rule checker for microelectronic packaging assemblies."""

from __future__ import annotations

from assemblint.api import check, load
from assemblint.base.diagnostics import Diagnostic, LanguageError, Location
from assemblint.base.errors import CannotRun
from assemblint.base.units import format_quantity
from assemblint.checking.context import RuleContext
from assemblint.checking.findings import OBJECTS, Finding
from assemblint.checking.rules import Rule, Severity, exceeds, falls_short, quantity, rule
from assemblint.checking.tiling import EACH, Reduction
from assemblint.model.assembly import Assembly
from assemblint.plugins.hookspecs import hookimpl

from .base.version import __version__

__all__ = [
    "EACH",
    "OBJECTS",
    "Assembly",
    "CannotRun",
    "Diagnostic",
    "Finding",
    "LanguageError",
    "Location",
    "Reduction",
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
