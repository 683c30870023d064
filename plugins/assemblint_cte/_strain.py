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

from assemblint import RuleContext, falls_short
from assemblint.base.diagnostics import Location
from assemblint.model.assembly import Assembly, Material

from ._centroid import centroid

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


def joint_strains(
    assembly: Assembly,
    heights: np.ndarray,
    joints: np.ndarray,
    delta_alpha: float,
    delta_t: float,
    centre: tuple[float, float] | None = None,
) -> Strains:
    """Shear strain of each joint that has a height (a zero-height hybrid bond has none to shear: STACK.md
    §6); the neutral point is the joints' centroid.

    A joint's DNP is the distance from the neutral point to the farthest point of its shape
    (STACK.md §3): the mass's rounded rectangle (w x h, corner r, in the assembly's frame) centred
    on its first pad, whose farthest point from P is a corner disc's centre, farthest from P,
    plus r: hypot(|dx| + w/2 − r, |dy| + h/2 − r) + r. A round joint's is its centre's distance
    plus its radius; a single large joint (one preform under a die) is strained by its own
    half-diagonal. A joint with no size is a point at its centre. `centre`: the neutral point,
    when these are some of the pair's joints (a tile's); else their own centroid.
    """
    netlist = assembly.netlist
    assert netlist is not None
    x = netlist.pad_x[netlist.mass_pad_a[joints]]
    y = netlist.pad_y[netlist.mass_pad_a[joints]]
    shape = [getattr(netlist, f"mass_{k}")[joints] for k in ("width", "height", "corner")]
    height = heights[joints]
    dnp = farthest_from_centroid(x, y, shape[0], shape[1], shape[2], centre=centre)
    known = height > 0  # NaN: no height given; 0: a direct (hybrid) bond, which no solder strain model covers
    strain = delta_alpha * PPM * delta_t * dnp[known] / height[known]
    return Strains(joints[known], dnp[known], height[known], strain)


def farthest_from_centroid(
    x: np.ndarray,
    y: np.ndarray,
    width: np.ndarray,
    height: np.ndarray,
    corner: np.ndarray,
    centre: tuple[float, float] | None = None,
) -> np.ndarray:
    """The distance from the centroid of the centres (x, y), or from `centre`, to the farthest
    point of each rounded rectangle centred there (nan sizes: points). The centroid is the exact
    mean rounded once (`_centroid.py`), so a tile of `--tiles` measures from the very same point."""
    if len(x) == 0:
        return np.zeros(0)
    cx, cy = centroid(x, y) if centre is None else centre
    dx, dy = x - cx, y - cy
    if not np.isnan(width).any() and bool((width == height).all()) and bool((width == 2 * corner).all()):
        return np.hypot(dx, dy) + corner  # circles (and points): the usual case
    w, h = np.nan_to_num(width, nan=0.0), np.nan_to_num(height, nan=0.0)
    r = np.minimum(np.nan_to_num(corner, nan=0.0), np.minimum(w, h) / 2)
    reach_x, reach_y = np.maximum(w / 2 - r, 0.0), np.maximum(h / 2 - r, 0.0)
    return np.hypot(np.abs(dx) + reach_x, np.abs(dy) + reach_y) + r


def by_declaration(ctx: RuleContext, strains: Strains) -> list[Strains]:
    """The joints split by the `masses` statement that declares them (a cell's instances stay together)."""
    groups = ctx.assembly.mass_groups
    first: dict[Location, int] = {}
    declaration = np.array([first.setdefault(g.loc, i) for i, g in enumerate(groups)] or [0])
    of = declaration[ctx.netlist.mass_group[strains.masses]]
    return [strains.subset(of == d) for d in np.unique(of).tolist()]


SNPB_EXPONENT = (-0.442, -6e-4, 1.74e-2)  # Engelmaier–Wild constants for eutectic SnPb (IPC-SM-785)
HARD_SOLDER = 250.0  # °C: a solidus above it is a hard solder (Au–Sn, Au–Ge), outside Engelmaier's model


def engelmaier_exponent(
    mean_temp: float, cycles_per_day: float, constants: tuple[float, float, float] = SNPB_EXPONENT
) -> float:
    """c = c0 + c1·T̄ + c2·ln(1 + f); the SnPb constants by default: −0.442 − 6·10⁻⁴ T̄ + 1.74·10⁻² ln(1 + f)."""
    c0, c1, c2 = constants
    return c0 + c1 * mean_temp + c2 * float(np.log1p(cycles_per_day))


@dataclass
class FatigueConstants:
    """The Engelmaier constants of one joint material: its own where it gives them, else SnPb's."""

    ductility: float
    exponent: tuple[float, float, float]
    own_ductility: bool
    own_exponent: bool
    material: str

    def describe(self) -> str:
        """Which constants were used, for the message."""
        if self.own_ductility and self.own_exponent:
            return f"{self.material}'s own constants"
        if self.own_ductility:
            return f"{self.material}'s own εf with the SnPb exponent constants"
        if self.own_exponent:
            return f"{self.material}'s own exponent constants with εf from the deck"
        return "the eutectic SnPb constants (the material gives none of its own)"


def fatigue_constants(material: Material | None, default_ductility: float) -> FatigueConstants:
    """The constants CHECKS.md's CTE003 uses for joints of `material` (a joint region's or the only one)."""
    ductility = material.fatigue_ductility if material is not None else None
    exponent = material.fatigue_exponent if material is not None else None
    return FatigueConstants(
        ductility if ductility is not None else default_ductility,
        exponent if exponent is not None else SNPB_EXPONENT,
        ductility is not None,
        exponent is not None,
        material.name if material is not None else "(no material)",
    )


def cycles_to_failure(strain: np.ndarray, ductility: float | np.ndarray, exponent: float | np.ndarray) -> np.ndarray:
    """Nf = ½ (Δγ / 2εf)^(1/c); infinite where there is no strain (εf and c: numbers or per-joint arrays)."""
    with np.errstate(divide="ignore"):
        return np.where(strain > 0, 0.5 * (strain / (2 * ductility)) ** (1 / exponent), np.inf)
