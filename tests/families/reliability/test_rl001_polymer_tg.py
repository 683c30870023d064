"""RL001 polymer-tg (plugins/assemblint_reliability/rl001_polymer_tg.py): a polymer whose glass
transition lies below the top of the operating or cycle range (+ `margin`).

The base design (designs.py) has the laminate `lam` (Tg 180 °C, α2 40 ppm/K) as the substrate's body
and the underfill resin `resin` (Tg 120 °C, 30 ppm/K below, α2 100 ppm/K above) for the layers these
tests add on line 9. The service range's top is the higher top of `operate` and `cycle` (not
`store`); a Tg exactly at the top (+ margin) passes (CHECKS.md: "below" is strict).
"""

from __future__ import annotations

import pytest

from .designs import deck, design, fired, line_of, status

LAYER = "layer uf : resin {{ role {role}; between die, sub; thickness 80 um }}"
GEL = "material gel { kind polymer; dielectric; cte 30 ppm/K }"  # a polymer that gives no Tg


def underfill(service: str, role: str = "underfill", **kwargs) -> str:
    return design(after=LAYER.format(role=role), service=service, **kwargs)


# ============================================================================== the boundary
@pytest.mark.parametrize(
    ("service", "fires"),
    [
        ("operate -40 C .. 119.9 C", False),  # Tg 120 above the top: passes
        ("operate -40 C .. 120 C", False),  # Tg 120 exactly at the top: passes
        ("operate -40 C .. 120.1 C", True),  # Tg 120 below the top 120.1: fires
        ("operate -40 C .. 393.25 K", True),  # 393.25 K = 120.1 °C
        ("operate -40 C .. 248 F", False),  # 248 °F = 120 °C, exactly at Tg
    ],
)
def test_rl001_fires_on_a_tg_below_the_top_of_the_operating_range(check_text, service, fires) -> None:
    found = fired(check_text, underfill(service), "RL001")
    assert len(found) == int(fires)


@pytest.mark.parametrize(
    ("cycle", "fires"),
    [
        ("cycle -40 C .. 120 C count 100", False),
        ("cycle -40 C .. 120.1 C count 100", True),
    ],
)
def test_rl001_the_cycle_range_counts_as_well(check_text, cycle, fires) -> None:
    found = fired(check_text, underfill(f"operate -40 C .. 85 C\n    {cycle}"), "RL001")
    assert len(found) == int(fires)
    if fires:
        assert (found[0].data["range"], found[0].data["service_top"]) == ("cycle", 120.1)


def test_rl001_a_store_range_above_tg_does_not_count(check_text) -> None:
    text = underfill("operate -40 C .. 85 C\n    store -55 C .. 150 C")
    assert fired(check_text, text, "RL001") == []


def test_rl001_the_finding_names_the_layer_tg_top_and_both_ctes(check_text) -> None:
    text = underfill("operate -40 C .. 125 C")
    [f] = fired(check_text, text, "RL001")
    assert (f.severity.value, f.object_names, f.count) == ("warning", ["uf"], 1)
    assert f.location.line == line_of(text, "layer uf") == 9
    assert f.data == {
        "material": "resin",
        "tg": 120.0,
        "service_top": 125.0,
        "range": "operate",
        "margin": 0.0,
        "cte": 30.0,
        "cte_above_tg": 100.0,
    }
    assert f.message == (
        "uf (underfill layer uf): resin has its glass transition at Tg 120 °C, below the top of the operate "
        "range 125 °C: above Tg its CTE is 100 ppm/K (α2), not the 30 ppm/K below it, so the CTE rules' "
        "below-Tg figures are optimistic there"
    )


def test_rl001_says_when_the_material_gives_no_cte_above_tg(check_text) -> None:
    extra = "material resin1 { kind polymer; dielectric; cte 30 ppm/K; tg 120 C }"
    text = design(
        extra=extra, after=LAYER.format(role="mold").replace("resin", "resin1"), service="operate 0 C .. 125 C"
    )
    [f] = fired(check_text, text, "RL001")
    assert f.data["cte_above_tg"] is None and f.data["cte"] == 30.0
    assert "(mold layer uf)" in f.message
    assert "its CTE above Tg (`cte_above_tg`) is not given" in f.message


# ============================================================================== margin
@pytest.mark.parametrize(
    ("margin", "fires"),
    [("5 K", False), ("5.1 K", True), ("9 F", False)],  # top 115 °C + 5 K = 120 °C = Tg; 9 °F difference = 5 K
)
def test_rl001_margin_the_range_must_stay_that_far_below_tg(check_text, margin, fires) -> None:
    text = underfill("operate -40 C .. 115 C")
    found = fired(check_text, text, "RL001", deck=deck("RL001", margin=margin))
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["margin"] == pytest.approx(5.1)
        assert "below the top of the operate range 115 °C + margin 5.1 K" in found[0].message


def test_rl001_without_margin_the_message_names_none(check_text) -> None:
    [f] = fired(check_text, underfill("operate -40 C .. 125 C"), "RL001")
    assert "margin" not in f.message


# ============================================================================== what is checked
@pytest.mark.parametrize("role", ["underfill", "mold", "encapsulant", "dielectric", "adhesive"])
def test_rl001_checks_layers_of_each_polymer_role(check_text, role) -> None:
    [f] = fired(check_text, underfill("operate -40 C .. 125 C", role=role), "RL001")
    assert f.object_names == ["uf"]
    assert f"uf ({role} layer uf)" in f.message


def test_rl001_does_not_check_a_compliant_layer(check_text) -> None:
    assert fired(check_text, underfill("operate -40 C .. 125 C", role="compliant"), "RL001") == []


def test_rl001_checks_element_bodies(check_text) -> None:
    # The substrate's laminate: Tg 180 °C, below the cycle's top 185 °C.
    text = design(service="operate -40 C .. 85 C\n    cycle -40 C .. 185 C count 10")
    [f] = fired(check_text, text, "RL001")
    assert (f.object_names, f.location.line) == (["sub"], line_of(text, "element sub"))
    assert f.data == {
        "material": "lam",
        "tg": 180.0,
        "service_top": 185.0,
        "range": "cycle",
        "margin": 0.0,
        "cte": 12.6,
        "cte_above_tg": 40.0,
    }
    assert f.message.startswith(
        "sub (body of sub): lam has its glass transition at Tg 180 °C, below the top of the cycle"
    )
    assert "above Tg its CTE is 40 ppm/K (α2), not the 12.6 ppm/K below it" in f.message


def test_rl001_a_layer_and_a_body_below_tg_give_one_finding_each(check_text) -> None:
    text = underfill("operate -40 C .. 185 C")
    found = fired(check_text, text, "RL001")
    assert sorted((f.object_names[0], f.data["tg"]) for f in found) == [("sub", 180.0), ("uf", 120.0)]


def test_rl001_the_elements_own_operating_range_is_the_operate_range(check_text) -> None:
    # No process `operate`: the elements' `operating` ranges make it (LANGUAGE.md).
    text = design(
        die="body si; size 8 mm x 6 mm x 0.5 mm; operating -40 C .. 125 C",
        after=LAYER.format(role="underfill"),
        service="",
    )
    [f] = fired(check_text, text, "RL001")
    assert (f.object_names, f.data["service_top"], f.data["range"]) == (["uf"], 125.0, "operate")


# ============================================================================== missing Tg: info once
@pytest.mark.parametrize("role", ["underfill", "mold", "encapsulant"])
def test_rl001_an_underfill_mold_or_encapsulant_without_tg_is_reported_once(check_text, role) -> None:
    text = design(extra=GEL, after=f"layer g : gel {{ role {role}; between die, sub }}")
    [f] = fired(check_text, text, "RL001")
    assert (f.severity.value, f.object_names, f.count) == ("info", ["g"], 1)
    assert f.location.line == line_of(text, "layer g")
    assert f.data == {"missing": "tg", "material": "gel", "service_top": 100.0}
    assert f.message == (
        "g: its material gel gives no `tg`, so RL001 cannot tell whether the service range (up to 100 °C) "
        "reaches its glass transition"
    )


@pytest.mark.parametrize("role", ["dielectric", "adhesive", "compliant"])
def test_rl001_other_layers_without_tg_are_not_reported(check_text, role) -> None:
    text = design(extra=GEL, after=f"layer g : gel {{ role {role}; between die, sub }}")
    assert fired(check_text, text, "RL001") == []


@pytest.mark.parametrize("kind", ["polymer", "composite"])
def test_rl001_a_polymer_or_composite_body_without_tg_is_reported_once(check_text, kind) -> None:
    extra = f"material board {{ kind {kind}; cte 15 ppm/K }}"
    text = design(extra=extra, sub="body board; size 20 mm x 20 mm x 0.5 mm")
    [f] = fired(check_text, text, "RL001")
    assert (f.severity.value, f.object_names, f.count) == ("info", ["sub"], 1)
    assert f.data == {"missing": "tg", "material": "board", "service_top": 100.0}


@pytest.mark.parametrize("kind", ["semiconductor", "metal", "ceramic", "dielectric"])
def test_rl001_other_bodies_without_tg_are_not_reported(check_text, kind) -> None:
    # The die's silicon (semiconductor) is in every design; here the substrate too has no Tg.
    extra = f"material plain {{ kind {kind}; cte 15 ppm/K }}"
    text = design(extra=extra, sub="body plain; size 20 mm x 20 mm x 0.5 mm")
    assert fired(check_text, text, "RL001") == []


def test_rl001_one_info_per_object_whatever_else_is_reported(check_text) -> None:
    # Two layers and a body without Tg, and a layer below its Tg: four findings, one per object.
    text = design(
        extra=f"{GEL}\nmaterial board {{ kind composite; cte 15 ppm/K }}",
        sub="body board; size 20 mm x 20 mm x 0.5 mm",
        after="layer g1 : gel { role mold; between die, sub }\n"
        "layer g2 : gel { role encapsulant; between die, sub }\n" + LAYER.format(role="underfill"),
        service="operate -40 C .. 125 C",
    )
    found = fired(check_text, text, "RL001")
    assert sorted((f.object_names[0], f.severity.value) for f in found) == [
        ("g1", "info"),
        ("g2", "info"),
        ("sub", "info"),
        ("uf", "warning"),
    ]


# ============================================================================== could not run
@pytest.mark.parametrize("service", ["", "store -40 C .. 150 C"])
def test_rl001_could_not_run_without_an_operate_or_cycle_range(check_text, service) -> None:
    report = check_text(underfill(service), select=("RL001",))
    assert report.findings == []
    assert status(report, "RL001") == (
        "could-not-run",
        "no operate or cycle range: nothing says how hot the assembly gets in service",
    )


def test_rl001_runs_with_a_cycle_range_alone(check_text) -> None:
    report = check_text(underfill("cycle -40 C .. 125 C count 10"), select=("RL001",))
    assert status(report, "RL001")[0] == "ran"
    assert [f.data["range"] for f in report.findings] == ["cycle"]
