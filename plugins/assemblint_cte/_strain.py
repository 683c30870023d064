"""Joint shear strain from the distance to the neutral point, and Engelmaier's fatigue life.

Shear strain of a joint (the classic DNP model, e.g. Engelmaier 1983; Lau, "Solder Joint
Reliability", 1991): Δγ = Δα · ΔT · DNP / h, with Δα the two elements' CTE difference, ΔT the
temperature swing, DNP the joint's distance from the neutral point (the centroid of the joints)
and h the joint's height. Engelmaier's low-cycle fatigue model (CHECKS.md):
Nf = ½ (Δγ / 2εf)^(1/c),  c = −0.442 − 6·10⁻⁴ T̄ + 1.74·10⁻² ln(1 + f),
with εf the fatigue ductility coefficient (0.325 for eutectic solders), T̄ the mean cycle
temperature in °C and f the number of cycles per day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assemblint import falls_short
from assemblint.model import Assembly

PPM = 1e-6


@dataclass
class Strains:
    masses: np.ndarray  # global ids of the joints with a height
    dnp: np.ndarray  # µm
    height: np.ndarray  # µm
    strain: np.ndarray  # dimensionless shear strain

    def subset(self, mask: np.ndarray) -> Strains:
        return Strains(self.masses[mask], self.dnp[mask], self.height[mask], self.strain[mask])

    def corner(self) -> int:
        """Index (into these arrays) of the joint that decides: the highest strain, then the largest DNP."""
        return decisive(self.strain, self.dnp)


def decisive(primary: np.ndarray, secondary: np.ndarray) -> int:
    """Index of the largest `primary`, then of the largest `secondary`, the first of those left.

    Values equal past rounding are ties: the four corners of a grid have one DNP on paper, and
    DNPs that differ in the last bits depending on where the assembly sits. The first of the
    tied joints decides, so the same joint is named wherever the design places the assembly.
    """
    best = ~falls_short(primary, float(primary.max()))
    second = np.where(best, secondary, -np.inf)
    best &= ~falls_short(second, float(second.max()))
    return int(np.flatnonzero(best)[0])


def mass_heights(assembly: Assembly) -> np.ndarray:
    """Each mass's height in µm (nan where its statement gives none), once per rule run."""
    groups = assembly.mass_groups
    heights = np.array([g.height if g.height is not None else np.nan for g in groups] or [np.nan])
    return np.repeat(heights[: len(groups)], [g.count for g in groups])


def joint_strains(
    assembly: Assembly, heights: np.ndarray, joints: np.ndarray, delta_alpha: float, delta_t: float
) -> Strains:
    """Shear strain of each joint that has a height; the neutral point is the joints' centroid."""
    netlist = assembly.netlist
    assert netlist is not None
    x = netlist.pad_x[netlist.mass_pad_a[joints]]
    y = netlist.pad_y[netlist.mass_pad_a[joints]]
    dnp = np.hypot(x - x.mean(), y - y.mean()) if len(joints) else np.zeros(0)
    height = heights[joints]
    known = ~np.isnan(height)
    strain = delta_alpha * PPM * delta_t * dnp[known] / height[known]
    return Strains(joints[known], dnp[known], height[known], strain)


def by_declaration(ctx, strains: Strains) -> list[Strains]:
    """The joints split by the `masses` statement that declares them (a cell's instances stay together)."""
    groups = ctx.assembly.mass_groups
    first: dict = {}
    declaration = np.array([first.setdefault(g.loc, i) for i, g in enumerate(groups)] or [0])
    of = declaration[ctx.netlist.mass_group[strains.masses]]
    return [strains.subset(of == d) for d in np.unique(of).tolist()]


def engelmaier_exponent(mean_temp: float, cycles_per_day: float) -> float:
    """c = −0.442 − 6·10⁻⁴ T̄ + 1.74·10⁻² ln(1 + f)."""
    return -0.442 - 6e-4 * mean_temp + 1.74e-2 * float(np.log1p(cycles_per_day))


def cycles_to_failure(strain: np.ndarray, ductility: float, exponent: float) -> np.ndarray:
    """Nf = ½ (Δγ / 2εf)^(1/c); infinite where there is no strain."""
    with np.errstate(divide="ignore"):
        return np.where(strain > 0, 0.5 * (strain / (2 * ductility)) ** (1 / exponent), np.inf)
