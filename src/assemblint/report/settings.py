"""The settings of one run that its designs' checks and its outputs read, declared in one place.

Read once per run (run/pipeline.py `new_report`): the deck, the waivers of a `--waivers FILE`, the
fingerprints of a `--baseline` report, and the outputs' own options (colour on a terminal). A
format reads them as `report.settings`; nothing is added to a Report on the fly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assemblint.checking.deck import Deck
from assemblint.model.assembly import Waiver


@dataclass
class RunSettings:
    deck: Deck | None = None  # None only for a report made by hand (a test, a format's sample)
    file_waivers: list[Waiver] = field(default_factory=list)  # `--waivers FILE`: they apply to every design
    baseline: set[str] = field(default_factory=set)  # fingerprints of findings already reviewed
    colour: bool = False  # the text format colours its output (a terminal, and NO_COLOR unset)
    core_plugins: frozenset[str] = frozenset()  # assemblint's own plugins: `--isolate plugins` runs them in process
