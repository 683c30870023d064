"""The CTE-matching rules CTE001–CTE005 (seeds 002, 003, 004), a plugin on the public hooks.

Registered through the entry point `cte` in the project's pyproject.toml, exactly as a third
party registers its own rules; the core never imports this package. One module per rule, named
after its id; `_pairs.py` finds the directly joined element pairs and classifies them (rigidly
joined, decoupled, mitigated) once, `_strain.py` holds the strain and Engelmaier formulas.
"""

from __future__ import annotations

from assemblint import Rule, hookimpl

from ._review import assemblint_review as assemblint_review  # the review report's marks (hookspecs.py)
from .cte001_mismatch import mismatch
from .cte002_joint_strain import joint_strain
from .cte003_fatigue_life import fatigue_life
from .cte004_closer_cte import closer_cte
from .cte005_cte_data import cte_data

RULES: list[Rule] = [mismatch, joint_strain, fatigue_life, closer_cte, cte_data]


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES
