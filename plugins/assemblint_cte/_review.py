"""How the review report draws the CTE findings: on the rows of the CTE map.

The family's side of the review contract (assemblint.report.review.marks; docs/plugins.md,
"Drawing your findings in the review report"): the core names no rule, so this module puts each
CTE finding on the joined pairs it concerns (the pairs its masses join, or the pair it names),
with the figures its `data` carries:

- CTE001 mismatch: the Δα limit it checked (the map's limit line);
- CTE002 joint strain: the corner joint's shear strain and its limit;
- CTE003 fatigue life: the cycles to failure, the cycles required, and the strain;
- CTE004 and CTE005: the pair only (its row takes their severity and lists them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from assemblint import hookimpl
from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly
from assemblint.report.review.marks import PairMark, ReviewFamily

from .cte001_mismatch import mismatch
from .cte002_joint_strain import joint_strain
from .cte003_fatigue_life import fatigue_life
from .cte004_closer_cte import closer_cte
from .cte005_cte_data import cte_data


def _number(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    return float(value) if isinstance(value, int | float) else None


def _pairs(finding: Finding, **figures: float | None) -> Iterator[PairMark]:
    """The pairs the finding's masses join or whose elements it names; without masses, also the
    pair its data names (`pair`: the two elements)."""
    mark = PairMark.of(finding, **figures)
    yield mark
    named = finding.data.get("pair")
    if named and np.asarray(mark.masses).size == 0:
        yield PairMark((), [str(n) for n in named], **figures)


def _mismatch(finding: Finding, assembly: Assembly) -> Iterator[PairMark]:
    return _pairs(finding, delta_limit=_number(finding.data, "max_delta"))


def _strain(finding: Finding, assembly: Assembly) -> Iterator[PairMark]:
    strain = _number(finding.data, "strain")
    if strain is None:
        return _pairs(finding)
    return _pairs(finding, strain=strain, strain_limit=_number(finding.data, "max_shear_strain"))


def _fatigue(finding: Finding, assembly: Assembly) -> Iterator[PairMark]:
    data = finding.data
    cycles = _number(data, "cycles_to_failure")
    if cycles is None:  # a mitigated pair: no life is estimated
        return _pairs(finding)
    return _pairs(
        finding, cycles=cycles, cycles_needed=_number(data, "cycles_required"), strain=_number(data, "strain")
    )


def _pair_only(finding: Finding, assembly: Assembly) -> Iterator[PairMark]:
    return _pairs(finding)


FAMILY = ReviewFamily(
    prefix="CTE",
    title="thermal expansion",
    order=40,
    marks={
        mismatch.id: _mismatch,
        joint_strain.id: _strain,
        fatigue_life.id: _fatigue,
        closer_cte.id: _pair_only,
        cte_data.id: _pair_only,
    },
)


@hookimpl
def assemblint_review() -> list[ReviewFamily]:
    """The hook implementation (registered in __init__.py): the CTE family and its markers."""
    return [FAMILY]
