"""The reliability rules RL001–RL005 (CHECKS.md, "Reliability beyond the seeds"), a plugin on the
public hooks.

What a pre-tapeout reliability review asks beyond the seeds: the glass transition of polymers
inside the service range (RL001), moisture sensitivity against the reflow peak (RL002, J-STD-020),
gold embrittlement of tin-based joints (RL003), the warpage of a rigidly joined pair (RL004,
Timoshenko's bimetal) and electromigration in small bumps (RL005). Registered through the entry
point `reliability` in the project's pyproject.toml, exactly as a third party registers its own
rules; the core never imports this package. One module per rule, named after its id; every
per-mass figure is computed on the netlist's arrays, never a loop per mass. Where a rule lacks data
for an object it says so once (info) and does not guess.
"""

from __future__ import annotations

from assemblint import Rule, hookimpl

from ._review import assemblint_review as assemblint_review  # the review report's family (hookspecs.py)
from .rl001_polymer_tg import polymer_tg
from .rl002_moisture_reflow import moisture_reflow
from .rl003_gold_embrittlement import gold_embrittlement
from .rl004_warpage import warpage
from .rl005_electromigration import electromigration

RULES: list[Rule] = [polymer_tg, moisture_reflow, gold_embrittlement, warpage, electromigration]


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES
