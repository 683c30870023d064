"""The stack family (plugins/assemblint_stack) as a whole (STACK.md §7).

The base design gives no ST finding; a design without any `z` (version 1) gets none whatever it
holds; each rule's documentation examples behave as documented; the plugin ships ST001–ST007 with
their defaults; the review report declares the family. One rule's own tests are in
test_stNNN_<name>.py, named after its module.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from assemblint_stack import RULES

from assemblint.builtin import review_from
from assemblint.plugins.host import PluginHost

from .designs import design

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def st(report) -> list:
    return [f for f in report.findings if f.rule.startswith("ST")]


def test_the_base_design_gives_no_st_finding(check_text) -> None:
    assert st(check_text(design())) == []


def test_the_family_ships_st001_to_st007_with_their_defaults() -> None:
    assert [(r.id, r.name, r.severity.value) for r in RULES] == [
        ("ST001", "floating", "error"),
        ("ST002", "overlap", "error"),
        ("ST003", "joint-gap", "error"),
        ("ST004", "pad-outside", "error"),
        ("ST005", "layer-gap", "warning"),
        ("ST006", "facing", "error"),
        ("ST007", "stack-data", "warning"),
    ]
    assert RULES[2].default_params() == {"gap_tolerance": "5 um"}
    assert RULES[4].default_params() == {"gap_tolerance": "5 um"}
    assert {r.id for r in PluginHost.default().rules() if r.plugin == "stack"} == {r.id for r in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_each_rules_examples_fire_and_pass(check_text, rule) -> None:
    assert [f.rule for f in st(check_text(rule.examples["fires"])) if f.rule == rule.id]
    assert [f for f in st(check_text(rule.examples["passes"])) if f.rule == rule.id] == []


def test_a_design_without_z_gets_no_st_finding(check_text) -> None:
    # Every fault of the family but the heights: an unjoined element, pads outside the die, a
    # layer thinner than its masses, an element without thickness; no element has a `z`.
    text = """use std
element sub : substrate { body BT; size 12 mm x 12 mm x 1 mm; pads p grid 2 x 2 pitch 500 um diameter 100 um }
element die : chip { body silicon; size 1 mm x 1 mm; pads c grid 2 x 2 pitch 5 mm diameter 100 um }
element lid : heat_sink { body copper; size 6 mm x 6 mm x 0.5 mm }
masses b : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um; height 80 um }
layer u : underfill { role underfill; between die, sub; thickness 10 um }
"""
    assert st(check_text(text)) == []


VERSION_1 = [p for p in sorted(EXAMPLES.glob("*.assy")) if not re.search(r"^\s*z |; z |\{ ?z ", p.read_text())]


@pytest.mark.parametrize("path", VERSION_1, ids=lambda p: p.name)
def test_the_shipped_version_1_examples_get_no_st_finding(check_text, path) -> None:
    """Examples that place nothing in height (no `z`): the family says nothing. The version-2
    examples (fcbga, interposer-2p5d) have their ST findings in examples/expected-findings.toml."""
    if path.name.startswith("broken"):
        pytest.skip("a design with language errors is not checked")
    assert st(check_text(path.read_text(encoding="utf-8"))) == []


def test_the_version_2_examples_are_the_ones_with_heights() -> None:
    assert {p.name for p in EXAMPLES.glob("*.assy")} - {p.name for p in VERSION_1} == {
        "fcbga.assy",
        "interposer-2p5d.assy",
    }


def test_the_review_report_declares_the_family() -> None:
    review = review_from(PluginHost.default())
    [family] = [f for f in review.families if f.prefix == "ST"]
    assert (family.title, family.plugin, sorted(family.marks)) == (
        "stack geometry",
        "stack",
        [f"ST00{n}" for n in range(1, 8)],
    )
