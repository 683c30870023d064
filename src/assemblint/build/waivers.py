"""Waivers: `waive RULE on REFS because "…" [by "…"] [until DATE]`, kept for the checks to apply.

A waiver is read here and checked only for its date (E008); its patterns are matched against
findings later, by the checking engine, which is why it holds them as text.
"""

from __future__ import annotations

import datetime as dt

from assemblint.build.state import BuildState
from assemblint.language import syntax_tree as st
from assemblint.language.values import Problem
from assemblint.model.assembly import Waiver


class Waivers(BuildState):
    """Waivers."""

    def _build_waiver(self, waive: st.Waive) -> None:
        assert self.assembly is not None
        if not waive.reason.strip():  # as the waivers file refuses one: a waiver must say why
            raise Problem("E008", "a waiver must give its reason: `because` is blank", waive.loc)
        if waive.until is not None:
            try:
                dt.date.fromisoformat(waive.until.value)
            except ValueError:
                raise Problem("E008", f"`{waive.until.value}` is not a date", waive.until.loc) from None
        self.assembly.waivers.append(
            Waiver(
                waive.rule,
                [str(p) for p in waive.patterns],
                waive.reason,
                waive.by,
                waive.until.value if waive.until else None,
                waive.loc,
            )
        )
