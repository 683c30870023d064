"""How the review report draws the reliability findings: lines on the melting ladder, and marks on
the top views, the side view and the CTE map.

The family's side of the review contract (assemblint.report.review.marks; docs/plugins.md,
"Drawing your findings in the review report"); the core names no rule, so this module says what
the RL rules put where:

- on the melting ladder (`ladder`), the limits and transitions the rules check, so that a
  reviewer sees them against the process steps and the service ranges: each moisture-sensitive
  element's J-STD-020 classification temperature Tc (a limit the reflow and rework steps must
  stay at or below: red when one exceeds it, as RL002 says), and the glass transition Tg of each
  polymer the RL001 checks (a transition, red when an RL001 finding says the service range
  reaches it);
- RL003 gold-embrittlement and RL005 electromigration: the finding's masses, ringed on the top
  views with the finding's message;
- RL001 polymer-tg and RL002 moisture-reflow: the layer or element, outlined on the side view;
- RL004 warpage: the two elements outlined on the side view, and their pair on the CTE map.

The ladder has only the design and its findings, not the deck: the classification table is the
one RL002's findings used (their `lead_free`), else RL002's default (Pb-free, Table 4-2), and
then the label says it is assumed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assemblint import hookimpl
from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly, Element, Layer, Material
from assemblint.report.review.marks import LadderLine, Mark, ObjectMark, PairMark, ReviewFamily

from ._common import length, short, temp
from .rl001_polymer_tg import CHECKED_ROLES, POLYMER_KINDS, polymer_tg
from .rl002_moisture_reflow import HOT_STEPS, MM, classification_temperature, moisture_reflow
from .rl003_gold_embrittlement import gold_embrittlement
from .rl004_warpage import warpage
from .rl005_electromigration import electromigration


# ------------------------------------------------------------------------------------------ the ladder
def lead_free_of(findings: Sequence[Finding]) -> bool | None:
    """The `lead_free` RL002 ran with, as its findings of the design say (None: none says)."""
    for finding in findings:
        if finding.rule == moisture_reflow.id:
            value = finding.data.get("lead_free")
            if isinstance(value, bool):
                return value
    return None


def classification_lines(assembly: Assembly, findings: Sequence[Finding]) -> Iterator[LadderLine]:
    """Each element with an `msl` and a size with a thickness: a limit at its J-STD-020 Tc."""
    known = lead_free_of(findings)
    lead_free = bool(moisture_reflow.default_params()["lead_free"]) if known is None else known
    table = "4-2" if lead_free else "4-1"
    for element in assembly.elements:
        if element.msl is None or element.size is None or element.thickness is None:
            continue  # RL002 says once that it cannot classify it
        thickness = element.thickness
        volume = element.size[0] * element.size[1] * thickness / MM**3  # mm³
        tc, _ = classification_temperature(thickness, volume, lead_free)
        label = [
            f"{short(element.name)} MSL {element.msl}: Tc {temp(tc)} (J-STD-020 {table})",
            f"thickness {length(thickness)}, volume {volume:.4g} mm³",
        ]
        if known is None:
            label.append(f"{'Pb-free' if lead_free else 'SnPb'} assumed (the deck's lead_free unknown here)")
        yield LadderLine(
            tc,
            label,
            kind="limit",
            elements=[element.name],
            rule=moisture_reflow.id,
            against=HOT_STEPS,
        )


def tg_lines(assembly: Assembly) -> Iterator[LadderLine]:
    """Each material with a `tg` that a layer RL001 checks, or a polymer element body, uses: a
    transition at its Tg, naming its users."""
    # material name -> (the material, its users, {what they are: {their names as declared}})
    users: dict[str, tuple[Material, list[Element | Layer], dict[str, dict[str, None]]]] = {}

    def use(material: Material, obj: Element | Layer, what: str) -> None:
        entry = users.setdefault(material.name, (material, [], {}))
        entry[1].append(obj)
        entry[2].setdefault(what, {})[short(obj.name)] = None

    for layer in assembly.layers:
        if layer.role in CHECKED_ROLES and layer.material is not None and layer.material.tg is not None:
            use(layer.material, layer, str(layer.role))
    for element in assembly.elements:
        body = element.body
        if body is not None and body.tg is not None and body.kind in POLYMER_KINDS:
            use(body, element, "body of")
    for material, objects, named in users.values():
        assert material.tg is not None
        above = f", α2 {material.cte_above_tg:g} ppm/K above" if material.cte_above_tg is not None else ""
        who = "; ".join(f"{what} {', '.join(names)}" for what, names in named.items())
        yield LadderLine(
            material.tg,
            [f"Tg {temp(material.tg)}: {who}", f"{material.name}{above}"],
            kind="transition",
            elements=[o.name for o in objects if isinstance(o, Element)],
            layers=[o.name for o in objects if isinstance(o, Layer)],
            rule=polymer_tg.id,
        )


def ladder(assembly: Assembly, findings: Sequence[Finding]) -> Iterator[LadderLine]:
    """The family's lines on the melting ladder: the classification temperatures, then the Tgs."""
    yield from classification_lines(assembly, findings)
    yield from tg_lines(assembly)


# ------------------------------------------------------------------------------------------ the marks
def _own(finding: Finding, assembly: Assembly) -> Iterator[Mark]:
    yield ObjectMark.of(finding)


def _pair(finding: Finding, assembly: Assembly) -> Iterator[Mark]:
    """RL004: the two elements on the side view, and their pair (its row) on the CTE map."""
    yield ObjectMark.of(finding)
    yield PairMark.of(finding)


FAMILY = ReviewFamily(
    prefix="RL",
    title="reliability",
    order=60,
    marks={
        polymer_tg.id: _own,
        moisture_reflow.id: _own,
        gold_embrittlement.id: _own,
        warpage.id: _pair,
        electromigration.id: _own,
    },
    ladder=ladder,
)


@hookimpl
def assemblint_review() -> list[ReviewFamily]:
    """The hook implementation (registered in __init__.py): the reliability family, its markers and lines."""
    return [FAMILY]
