"""MH001 core-joint-order: a two-region mass's core must melt well above its joint."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.analysis.timeline import joining_temp, temp
from assemblint.model.assembly import Selection

from ._examples import design, two_region


@rule(
    id="MH001",
    name="core-joint-order",
    severity=Severity.ERROR,
    tiles=EACH,
    params={
        "min_window": quantity(
            "temperature difference", "10 K", "how far the core's solidus must lie above the joint's liquidus"
        )
    },
    source="seed 000 claim 1 (a first fusible material and a second one that melts lower); seed 001 claim 1",
    examples={
        "fires": design(two_region("In97Ag3", "Sn42Bi58"), "    step join { kind reflow; peak 140 C }"),
        "passes": design(two_region("Pb95Sn5", "Sn63Pb37"), "    step join { kind reflow; peak 215 C }"),
    },
    doc="""
    A two-region mass whose core does not start to melt at least `min_window` above the
    temperature at which its joint is fully molten.

    A two-region mass is a bump of a first fusible material (the core, e.g. high-lead Pb95Sn5)
    carrying a second, lower-melting one (the joint, e.g. eutectic Sn63Pb37). The joint is reflowed
    to make the connection while the core stays solid and keeps the stand-off height and the
    shape of the joint. That only works if there is a temperature window between the joint's
    liquidus (where it is fully molten and wets) and the core's solidus (where the core starts to
    soften): an oven's peak has a tolerance of several kelvin, so the window must be wider than
    that. A core without a solidus (a copper pillar) never melts and is not checked.
    """,
)
def core_joint_order(ctx: RuleContext) -> Iterator[Finding]:
    min_window = ctx.params["min_window"]
    for group in ctx.assembly.mass_groups:
        core = group.core_material
        if core is None:
            continue
        joint, joint_liquidus = group.joint_material, joining_temp(group)
        if core.solidus is None or joint is None or joint_liquidus is None:  # no joint material: no liquidus
            continue
        window = core.solidus - joint_liquidus
        if window >= min_window:
            continue
        gap = f"only {window:g} K above" if window >= 0 else f"{-window:g} K below"
        yield ctx.finding(
            f"the core {core.name} of {OBJECTS} starts to melt at {temp(core.solidus)}, "
            f"{gap} the {temp(joint_liquidus)} liquidus of the joint {joint.name}; "
            f"the hierarchy needs the core at least {min_window:g} K above the joint",
            objects=Selection(group),
            data={
                "core_material": core.name,
                "core_solidus": core.solidus,
                "joint_material": joint.name,
                "joint_liquidus": joint_liquidus,
                "window": window,
                "min_window": min_window,
            },
        )
