"""The pytest plugin for rule authors: the `assemblint_check` fixture.

Registered through the `pytest11` entry point of the assemblint distribution, so any project
that has assemblint installed gets the fixture without importing anything:

    def test_my_rule_fires(assemblint_check):
        report = assemblint_check(DESIGN, select=["ACME001"])
        assert [f.rule for f in report.findings] == ["ACME001"]

`assemblint_check(source_text, deck=None, select=None)` writes the design (and the deck, if given
as TOML text or a dict of `[rules.*]` settings) to a temporary folder, checks it with every
installed plugin, and returns the Report: `.findings` (each with `.rule`, `.severity`,
`.objects`, `.object_names`, `.count`, `.message`, `.data`, `.location`), `.errors` (language
errors), `.problems` (plugin crashes), `.exit_code`. A design with language errors raises
`assemblint.LanguageError`, whose message lists them, so a typo in a test design fails loudly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from assemblint.api import check
from assemblint.base.diagnostics import LanguageError
from assemblint.report.report import Report


def _deck_text(deck: str | dict[str, Any]) -> str:
    """A deck given as TOML text (`[rules.X] …`, with or without a [deck] table) or as a dict."""
    if isinstance(deck, dict):
        lines = []
        for rule_id, settings in deck.items():
            lines.append(f"[rules.{rule_id}]")
            for key, value in settings.items():
                lines.append(f"{key} = {_toml(value)}")
        deck = "\n".join(lines)
    return deck if "[deck]" in deck else f'[deck]\nname = "test"\n{deck}\n'


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def assemblint_check(tmp_path: Path) -> Callable[..., Report]:
    """Check `.assy` text: `assemblint_check(source_text, deck=None, select=None) -> Report`."""
    counter = itertools.count()

    def run(source_text: str, deck: str | dict[str, Any] | None = None, select: Iterable[str] | None = None) -> Report:
        n = next(counter)
        design = tmp_path / f"design{n}.assy"
        design.write_text(source_text, encoding="utf-8")
        deck_path = None
        if deck is not None:
            deck_path = tmp_path / f"deck{n}.toml"
            deck_path.write_text(_deck_text(deck), encoding="utf-8")
        # in this process (`isolate="none"`): your rule's coverage is measured and a breakpoint in it stops
        report = check(design, deck=str(deck_path) if deck_path else None, select=list(select or ()), isolate="none")
        if report.errors:
            raise LanguageError(report.errors)  # its message shows each error with its caret
        return report

    return run
