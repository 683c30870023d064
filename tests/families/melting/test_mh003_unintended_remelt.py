"""MH003 unintended-remelt (plugins/assemblint_melting/mh003_unintended_remelt.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: `min_margin` (the hierarchical-solder deck) and a `let`
temperature that remelts. The cases the melting rules share are in test_melting_shared.py, the
designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC

import assemblint
from assemblint import Severity

from ..designs import design_with
from .designs import GEL, JOIN, design, findings, line_of, masses, only


def test_mh003_fires_when_a_later_reflow_remelts_uncontained_joints(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", "operate 0 C .. 70 C")
    f = only(check_text(text, select=("MH003",)), "MH003")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {
        "step": "mount",
        "step_temp": 245,
        "melting_temp": 183,
        "material": "Sn63Pb37",
        "joined_at": "join",
    }
    assert "245 °C" in f.message and "183 °C" in f.message and "`join`" in f.message


def test_mh003_passes_when_later_steps_stay_below_the_melting_point(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 170 C }", "operate 0 C .. 70 C")
    assert findings(check_text(text, select=("MH003",)), "MH003") == []


@pytest.mark.parametrize(
    ("material", "join", "peak", "melting"),
    [
        ("Sn63Pb37", 215, 183, 183),  # "reaches": exactly at the melting point remelts
        ("Sn63Pb37", 215, 182.9, None),
        ("SAC305", 235, 217, 217),  # the melting point is the solidus (217), not the liquidus (221)
        ("SAC305", 235, 216.9, None),
    ],
)
def test_mh003_remelt_boundary_is_reaching_the_solidus(check_text, material, join, peak, melting):
    text = design(
        masses(material), f"step join {{ kind reflow; peak {join} C }}", f"step again {{ kind rework; peak {peak} C }}"
    )
    found = findings(check_text(text, select=("MH003",)), "MH003")
    assert [(f.data["step_temp"], f.data["melting_temp"]) for f in found] == ([(peak, melting)] if melting else [])


def test_mh003_an_intended_mix_is_not_a_remelt_but_other_masses_still_are(check_text):
    text = design(
        EUTECTIC + "\nmasses c : Sn63Pb37 { joins die.d[*] -- sub.q[*]; height 80 um }",
        JOIN,
        "step mix { kind reflow; peak 245 C; mixes b }",
        die="pads d at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
        sub="pads q at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
    )
    report = check_text(text, select=("MH003", "MH010"))
    f = only(report, "MH003")
    assert (f.object_names, f.count, f.data["step"]) == (["c[0:2]"], 2, "mix")
    assert findings(report, "MH010") == []  # 245 °C is above the 183 °C liquidus: b mixes fully


@pytest.mark.parametrize(
    ("layer_text"),
    [
        "layer g : gel { role dielectric; between die, sub; thickness 100 um }",
        "layer g : gel { role adhesive; between die, sub; thickness 100 um }",
        "layer g : softmetal { role compliant; between die, sub; thickness 100 um }",
    ],
    ids=["dielectric-role", "adhesive-role", "compliant-but-not-dielectric"],  # a mold contains (CHECKS.md v2)
)
def test_mh003_a_layer_that_cannot_contain_does_not_make_it_mh004(check_text, layer_text):
    extra = GEL + "\nmaterial softmetal { kind compliant; service -65 C .. 400 C }\n" + layer_text
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", extra=extra)
    report = check_text(text, select=("MH003", "MH004"))
    assert only(report, "MH003").object_names == ["b[0:4]"]
    assert findings(report, "MH004") == []


def test_the_let_bake_remelts_eutectic_snpb(check_text):
    """`let tm = 190 C + 10 K`: a 200 °C bake remelts Sn63Pb37 (183 °C); it was read as −73.15 °C."""
    text = design_with(
        "masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }",
        "step join { kind reflow; peak 215 C }",
        "step bake { kind cure; temp tm }",
        extra="let tm = 190 C + 10 K",
    )
    (finding,) = [f for f in check_text(text, select=("MH003",)).findings]
    assert finding.rule == "MH003" and finding.data["step_temp"] == 200.0
    assert "the `bake` step reaches 200 °C, above the 183 °C melting point of Sn63Pb37" in finding.message


AUSN = "masses b : Au80Sn20 { joins die.c[*] -- sub.p[*]; height 50 um }"  # solidus 278 °C (std)
AUSN_JOIN = "step attach { kind reflow; peak 300 C }"
HIERARCHICAL = '[rules.MH003]\nmin_margin = "25 K"'  # the hierarchical-solder deck's setting


def mh003(report) -> list:
    return [f for f in report.findings if f.rule == "MH003"]


def test_mh003_rework_3_k_under_the_au_sn_solidus_fires_with_the_hierarchical_deck(check_text):
    text = design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C }")
    assert mh003(check_text(text, select=("MH003",))) == []  # default: min_margin 0 K
    (finding,) = mh003(check_text(text, deck=HIERARCHICAL, select=("MH003",)))
    assert finding.severity.value == "error" and finding.count == 4
    assert finding.data["margin"] == pytest.approx(3.0) and finding.data["min_margin"] == 25.0
    assert "only 3 K below the 278 °C melting point of Au80Sn20" in finding.message
    assert "less than the 25 K step-soldering margin" in finding.message


def test_mh003_the_shipped_hierarchical_deck_sets_the_margin(tmp_path):
    path = tmp_path / "d.assy"
    path.write_text(design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C }"), encoding="utf-8")
    report = assemblint.check(path, deck="hierarchical-solder", select=("MH003",))
    assert [f.rule for f in report.findings] == ["MH003"]


@pytest.mark.parametrize(("peak", "fires"), [("253 C", False), ("253.1 C", True), ("200 C", False)])
def test_mh003_margin_boundary(check_text, peak, fires):
    """278 − 253 = 25 K: exactly the margin passes; 24.9 K fires."""
    text = design_with(AUSN, AUSN_JOIN, f"step rework {{ kind rework; peak {peak} }}")
    assert bool(mh003(check_text(text, deck=HIERARCHICAL, select=("MH003",)))) is fires


def test_mh003_margin_does_not_apply_to_contained_or_mixed_masses(check_text):
    gel = "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 400 C }"
    layer = "layer g : gel { role compliant; between die, sub; thickness 100 um }"
    contained = design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C }", extra=gel, layers=layer)
    assert mh003(check_text(contained, deck=HIERARCHICAL, select=("MH003",))) == []
    mixed = design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C; mixes b }")
    assert mh003(check_text(mixed, deck=HIERARCHICAL, select=("MH003",))) == []
