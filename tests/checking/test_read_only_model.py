"""The model is read-only to rules (issue 16, item 1): a rule that writes into the design raises there
(reported crashed, exit 3) and cannot change what a later rule sees.

Each hostile rule below writes one kind of thing the core rules read: a netlist array, a pad
array's positions, a mass group's diameters, a timeline array, a material's attribute, an
element's attribute, the list of elements, the dict of materials, a selection's index array. Rules
run in order of id, so the hostile ones (`AAA…`) run before every core rule; the core rules'
findings must be byte-identical to a run without them.
"""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.analysis.timeline import timeline_of
from assemblint.api import CheckOptions, check_files
from assemblint.model.assembly import Selection
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOT_CORE = ("rohs", "alpha", "template")  # the core families only: their findings are compared

# a small design with a step forming some masses of a group (a Selection with an index array)
SMALL = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
layer fill : epoxy { role underfill; between die, sub; thickness 80 um; surrounds m[0:2] }
process {
    step attach { kind reflow; peak 245 C; forms m[0:2] }
    step mount  { kind reflow; peak 250 C; forms m[2:4], fill }
}
"""


# ---------------------------------------------------------------------------------------- hostile rules
@assemblint.rule(id="AAA001", name="writes-netlist-array")
def writes_netlist_array(ctx):
    ctx.netlist.mass_diameter[:] = 1.0
    return []


@assemblint.rule(id="AAA002", name="writes-pad-position")
def writes_pad_position(ctx):
    for array in ctx.assembly.pad_arrays:
        array.x[:] = 0.0
    return []


@assemblint.rule(id="AAA003", name="writes-mass-diameter")
def writes_mass_diameter(ctx):
    for group in ctx.assembly.mass_groups:
        group.diameter[:] = 1.0
    return []


@assemblint.rule(id="AAA004", name="writes-timeline-array")
def writes_timeline_array(ctx):
    ctx.timeline.melting[:] = 0.0
    return []


@assemblint.rule(id="AAA005", name="writes-material")
def writes_material(ctx):
    for material in ctx.assembly.materials.values():
        material.solidus = 0.0
    return []


@assemblint.rule(id="AAA006", name="writes-element")
def writes_element(ctx):
    for element in ctx.assembly.elements:
        element.body = None
    return []


@assemblint.rule(id="AAA007", name="appends-element")
def appends_element(ctx):
    ctx.assembly.elements.append(ctx.assembly.elements[0])
    return []


@assemblint.rule(id="AAA008", name="sets-material")
def sets_material(ctx):
    ctx.assembly.materials["intruder"] = next(iter(ctx.assembly.materials.values()))
    return []


@assemblint.rule(id="AAA009", name="writes-selection-index")
def writes_selection_index(ctx):
    held = [s for step in ctx.assembly.process.steps for s in step.forms if isinstance(s, Selection)]
    held += [s for layer in ctx.assembly.layers for s in layer.surrounds]
    for selection in held:
        if selection.index is not None:
            selection.index[:] = 0
    return []


@assemblint.rule(id="AAA010", name="replaces-timeline-array")
def replaces_timeline_array(ctx):
    ctx.timeline.melting = np.zeros(ctx.assembly.mass_count)
    return []


HOSTILE = {
    "AAA001": (writes_netlist_array, "assignment destination is read-only"),
    "AAA002": (writes_pad_position, "assignment destination is read-only"),
    "AAA003": (writes_mass_diameter, "assignment destination is read-only"),
    "AAA004": (writes_timeline_array, "assignment destination is read-only"),
    "AAA005": (writes_material, "the design is read-only to rules: cannot set Material.solidus"),
    "AAA006": (writes_element, "the design is read-only to rules: cannot set Element.body"),
    "AAA007": (appends_element, "the design is read-only to rules: cannot change a list of the design (append)"),
    "AAA008": (sets_material, "the design is read-only to rules: cannot change a mapping of the design"),
    "AAA009": (writes_selection_index, "assignment destination is read-only"),
    "AAA010": (replaces_timeline_array, "the design is read-only to rules: cannot set Timeline.melting"),
}


class HostilePlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [rule for rule, _ in HOSTILE.values()]


@pytest.fixture(scope="module")
def hostile_host() -> PluginHost:
    return PluginHost.create(disable=NOT_CORE, extra=[("hostile", HostilePlugin())])


@pytest.fixture(scope="module")
def core_host() -> PluginHost:
    return PluginHost.create(disable=NOT_CORE)


def findings_json(report: Report) -> str:
    return json.dumps(report.to_json()["findings"], sort_keys=True)


def statuses(report: Report) -> dict[str, tuple[str, str | None]]:
    return {r["id"]: (r["status"], r.get("reason")) for r in report.to_json()["rules"]}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("read-only") / "small.assy"
    path.write_text(SMALL, encoding="utf-8")
    return path


DESIGNS = ["insulation-faults.assy", "melting-hierarchy.assy", "containment.assy", "flip-chip-fr4.assy", "small"]


def design_path(name: str, small: Path) -> Path:
    return small if name == "small" else EXAMPLES / name


@pytest.mark.parametrize("name", DESIGNS)
def test_hostile_rules_crash_and_the_core_findings_stand(name: str, small: Path, hostile_host, core_host) -> None:
    path = design_path(name, small)
    clean = check_files([path], CheckOptions(), core_host)
    attacked = check_files([path], CheckOptions(), hostile_host)
    assert clean.exit_code in (0, 1) and clean.findings
    assert attacked.exit_code == 3
    found = statuses(attacked)
    for rule_id, (_rule, message) in HOSTILE.items():
        if rule_id == "AAA009" and name != "small":
            continue  # only the small design surely holds a selection with an index array
        status, reason = found[rule_id]
        assert status == "crashed", (rule_id, status, reason)
        assert message in (reason or ""), (rule_id, reason)
    assert findings_json(attacked) == findings_json(clean)
    assert not [f for f in attacked.findings if f.rule.startswith("AAA")]


def test_the_designs_fire_the_rules_that_read_what_is_attacked(small: Path, core_host) -> None:
    fired = {
        rule
        for name in DESIGNS
        for rule in (f.rule for f in check_files([design_path(name, small)], CheckOptions(), core_host).findings)
    }
    assert {"IN003", "MH003", "CTE002"} <= fired


def test_a_built_design_is_sealed_throughout(small: Path) -> None:
    assembly = assemblint.load(small)
    assert assembly.sealed
    netlist = assembly.netlist
    assert netlist is not None
    for name, value in vars(netlist).items():
        if isinstance(value, np.ndarray):
            assert not value.flags.writeable, name
    assert not netlist.node_labels.flags.writeable and not netlist.mass_node.flags.writeable
    assert not netlist.adjacency.indices.flags.writeable
    group = assembly.mass_groups[0]
    assert not group.pads_a.flags.writeable and not group.diameter.flags.writeable
    with pytest.raises(AttributeError, match=r"cannot set MassGroup\.height"):
        group.height = 1.0
    with pytest.raises(AttributeError, match=r"cannot set PadArray\.diameter"):
        assembly.pad_arrays[0].diameter = 1.0
    with pytest.raises(AttributeError, match=r"cannot set Assembly\.title"):
        assembly.title = "changed"
    with pytest.raises(AttributeError, match=r"cannot set Netlist\.mass_diameter"):
        netlist.mass_diameter = np.zeros(4)
    with pytest.raises(AttributeError, match="read-only to rules"):
        assembly.process.steps.append(assembly.process.steps[0])
    with pytest.raises(AttributeError, match=r"cannot set Step\.temp"):
        assembly.process.steps[0].temp = 0.0
    with pytest.raises(AttributeError, match="read-only to rules"):
        assembly.layers[0].surrounds.append(assembly.layers[0].surrounds[0])
    with pytest.raises(AttributeError, match="read-only to rules"):
        assembly.elements[0].pads["x"] = assembly.pad_arrays[0]
    tl = timeline_of(assembly)
    for name in ("melting", "joining", "fusible", "joinable_from", "joined_by", "remelted", "container"):
        assert not getattr(tl, name).flags.writeable, name
    with pytest.raises(AttributeError, match="read-only to rules"):
        tl.steps.append(tl.steps[0])
    assert tl.liquid(tl.steps[0]).flags.writeable  # a per-call answer is the caller's own


def test_a_copy_of_the_design_is_the_callers_own(small: Path) -> None:
    assembly = assemblint.load(small)
    material = next(iter(assembly.materials.values()))
    mine = copy.copy(material)
    mine.solidus = 1.0
    assert material.solidus != 1.0
    again = pickle.loads(pickle.dumps(assembly.mass_groups[0]))
    again.height = 1.0
    again.diameter[:] = 1.0
    assert assembly.mass_groups[0].height != 1.0
    elements = list(assembly.elements)
    elements.append(elements[0])
    assert len(assembly.elements) == len(elements) - 1
