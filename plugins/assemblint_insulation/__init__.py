"""The insulation rules IN001–IN006 (seed 003), a plugin on the public hooks.

Registered through the entry point `insulation` in the project's pyproject.toml, exactly as a
third party registers its own rules; the core never imports this package. One module per rule,
named after its id. Electrical nodes come from the core's netlist (`ctx.netlist.node_labels`,
computed once with scipy); spacing and alignment search a cell list over every face at once
(`_geometry.py`), never an all-pairs loop.
"""

from __future__ import annotations

from assemblint import Rule, hookimpl

from ._review import assemblint_review as assemblint_review  # the review report's marks (hookspecs.py)
from .in001_short import short
from .in002_open import open_net
from .in003_spacing import spacing
from .in004_insulator import insulator
from .in005_misalignment import misalignment
from .in006_unjoined_mass import unjoined_mass

RULES: list[Rule] = [short, open_net, spacing, insulator, misalignment, unjoined_mass]


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES
