"""Every hook a plugin can implement — the whole extension API in one module.

Plugins are found through the entry-point group `assemblint.plugins`; the module (or object) an
entry point names is registered with pluggy under the entry point's name. assemblint's own
features (the `std` library, the text and JSON formats, the rule families) are plugins on these
same hooks. See docs/architecture.md for a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from assemblint.checking.findings import Finding
    from assemblint.checking.rules import Rule
    from assemblint.model.assembly import Waiver
    from assemblint.report.report import Report
    from assemblint.report.review.marks import ReviewFamily

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


@hookspec
def assemblint_review() -> Sequence[ReviewFamily]:
    """Return how the HTML review report shows your rule families: one `ReviewFamily` each.

    A `ReviewFamily` (assemblint.report.review.marks) gives the rules' id prefix and a title (a
    row of the page's summary, an entry of its filter), an `order`, and per rule id a marker,
    `marker(finding, assembly)`, that returns what the pictures draw for one finding:
    `ObjectMark`s (masses and pads ringed on the top views) and `PairMark`s (joined pairs of
    elements on the CTE map, with strain, cycles to failure, the Δα limit), and optionally a `ladder`
    source of `LadderLine`s, temperatures the melting ladder draws (a classification temperature, a
    glass transition) with the steps that go over them. Called once per page
    by whoever builds it (the `html` format); a marker is called once per finding and picture.
    docs/plugins.md, "Drawing your findings in the review report", documents the contract.
    """


@hookspec
def assemblint_run_findings(findings: list[Finding], run_waivers: list[Waiver]) -> Iterable[Finding]:
    """Return the findings of the whole run that should be dropped: called once per run, after every
    design's findings are in (serially, with `--jobs` or on Dask alike), before the report is written.

    For findings that are about the run rather than one design: the `waivers` plugin keeps one "expired" finding
    for an expired `--waivers FILE` waiver (`run_waivers`), not one per design, and an "unused" one only if
    no design used it. Return an empty list to keep everything; a hook that raises is reported as
    the plugin's crash (exit 3) and drops nothing.
    """
