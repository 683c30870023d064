"""Every hook a plugin can implement — the whole extension API in one module.

Plugins are found through the entry-point group `assemblint.plugins`; the module (or object) an
entry point names is registered with pluggy under the entry point's name. assemblint's own
features (the `std` library, the text and JSON formats, the rule families) are plugins on these
same hooks. See docs/architecture.md for a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from assemblint.checking.rules import Rule
    from assemblint.report.report import Report

PROJECT = "assemblint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def assemblint_rules() -> Sequence[Rule]:
    """Return the rules this plugin provides, each made with `@assemblint.rule`.

    Called once per run; the engine then calls each rule itself, once per design. Two plugins
    returning rules with one id is an error that names both.
    """


@hookspec
def assemblint_libraries() -> Mapping[str, str | Path]:
    """Return `{name: path}` of `.assy` libraries that `use NAME` loads (the core gives `std`).

    A library holds declarations (usually materials); a design's own declaration of the same name
    shadows the library's silently.
    """


@hookspec
def assemblint_properties() -> Mapping[str, Mapping[str, str]]:
    """Return extra properties with their dimension: `{"material": {"alpha": "alpha emission"}}`.

    Targets are `material` and `element`. Dimensions are the names in `assemblint.units`
    (`temperature`, `length`, `expansion`, `modulus`, `resistivity`, `time`, `fraction`,
    `alpha emission`, `number`). The value lands in the object's `.extra[name]`, in base units.
    """


@hookspec
def assemblint_element_types() -> Sequence[str]:
    """Return extra element types (beside `chip`, `wafer`, `substrate`, …) the language accepts."""


@hookspec
def assemblint_formats() -> Mapping[str, Callable[[Report], str]]:
    """Return extra output formats: `{name: writer}`; `writer(report)` returns the whole text."""
