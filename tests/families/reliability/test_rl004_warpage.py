"""RL004 warpage (plugins/assemblint_reliability/rl004_warpage.py): the Timoshenko bimetal bow of a
rigidly joined pair, from its joining step's temperature down to 25 °C, over the diagonal of the
smaller element.

    κ = 6 Δα ΔT (1+m)² / (h (3(1+m)² + (1+mn)(m² + 1/(mn)))),  m = t1/t2, n = E1/E2, h = t1 + t2
    w = κ L² / 8,  L the diagonal of the smaller element (by outline area)

`curvature` is checked against two published worked examples, then the rule against hand numbers.
"""

from __future__ import annotations

import math

import pytest
from assemblint_reliability.rl004_warpage import curvature

from .designs import deck, design, fired, line_of, status

PPM = 1e-6
# Two ceramics of equal modulus, 10 ppm/K apart: with equal thicknesses m = n = 1 and
# κ = 6 Δα ΔT · 4 / (h (12 + 2 · 2)) = 3 Δα ΔT / (2 h).
EQUAL = """material lo { kind ceramic; cte 2.6 ppm/K; modulus 100 GPa }
material hi { kind ceramic; cte 12.6 ppm/K; modulus 100 GPa }"""


# ============================================================================== published worked examples
def test_curvature_reproduces_the_hyfeast_bimetal_verification_example() -> None:
    """Hyfeast verification manual, example E.15 "Temperature Load by Bimetal"
    (https://jrcho.github.io/Hyfeast/en/Example/E.15%20Temperature%20Load%20by%20Bimetal.html): two
    layers of the same thickness (total h = 300 mm) and the same modulus, α 5e-6 and 10e-6 /K, a
    cantilever L = 3000 mm heated by ΔT = 50 K. Published end displacement
    Δ = 3 L² / (4 h) · (α1 − α2) ΔT = 5.625 mm (their finite-element result: 5.67551 mm).
    A cantilever's end rises κ L² / 2; Timoshenko with m = n = 1 gives κ = 3 Δα ΔT / (2 h)."""
    kappa = curvature(5e-6, 50.0, 150_000.0, 150_000.0, 200_000.0, 200_000.0)  # per µm, thicknesses in µm
    assert kappa == pytest.approx(3 * 5e-6 * 50 / (2 * 300_000))  # 1.25e-9 /µm = 1.25e-3 /m
    tip_um = kappa * 3_000_000.0**2 / 2
    assert tip_um == pytest.approx(5625.0)  # 5.625 mm, as published
    assert tip_um == pytest.approx(5675.51, rel=0.01)  # within 1 % of their finite elements


def test_curvature_reproduces_the_matlab_bimetallic_beam_example() -> None:
    """MathWorks, Partial Differential Equation Toolbox example "Thermal Deflection of Bimetallic Beam"
    (https://www.mathworks.com/help/pde/ug/thermal-deflection-of-bimetallic-beam.html): copper
    (E 137 GPa, α 20.00e-6 /K) bonded to invar (E 130 GPa, α 1.2e-6 /K), each H = 1 mm thick, a
    cantilever L = 0.1 m, from the reference 25 °C to 125 °C (ΔT = 100 K). The example's analytical tip
    deflection, in its own code, is `3*(CTEc - CTEi)*100*2*H*L^2/(H^2*K1)` with
    `K1 = 14 + (Ec/Ei) + (Ei/Ec)`, which evaluates to 7.0488 mm; it compares its finite elements with it
    ("comparable because of the large aspect ratio"). That is Timoshenko's formula for m = 1:
    3(1+m)² + (1+n)(1+1/n) = 12 + 2 + n + 1/n = K1, and a cantilever's tip rises κ L² / 2; here n ≠ 1."""
    ec, ei, h, length = 137e9, 130e9, 1e-3, 0.1
    k1 = 14 + ec / ei + ei / ec
    published = 3 * (20.00e-6 - 1.2e-6) * 100 * 2 * h * length**2 / (h**2 * k1)  # m
    assert published == pytest.approx(7.0488e-3, rel=1e-4)
    kappa = curvature(18.8e-6, 100.0, 1000.0, 1000.0, 137_000.0, 130_000.0)  # per µm; E in MPa
    assert kappa * 100_000.0**2 / 2 == pytest.approx(published * 1e6)  # 7048.8 µm
    # the order of the layers does not change the curvature
    assert curvature(18.8e-6, 100.0, 1000.0, 1000.0, 130_000.0, 137_000.0) == pytest.approx(kappa)


def test_curvature_tends_to_stoney_for_a_thin_layer() -> None:
    # t1 << t2 (m -> 0): κ -> 6 E1 t1 Δα ΔT / (E2 t2²), Stoney's thin film (biaxial moduli aside).
    kappa = curvature(10e-6, 100.0, 1.0, 1000.0, 200_000.0, 100_000.0)
    stoney = 6 * 200_000.0 * 1.0 * 10e-6 * 100.0 / (100_000.0 * 1000.0**2)
    assert kappa == pytest.approx(stoney, rel=0.01)


@pytest.mark.parametrize(("t1", "t2", "e1", "e2"), [(300.0, 1000.0, 130e3, 26e3), (750.0, 200.0, 3e3, 400e3)])
def test_curvature_is_the_formula_written_out_and_symmetric_in_the_layers(t1, t2, e1, e2) -> None:
    m, n, h = t1 / t2, e1 / e2, t1 + t2
    by_hand = 6 * 10e-6 * 220 * (1 + m) ** 2 / (h * (3 * (1 + m) ** 2 + (1 + m * n) * (m**2 + 1 / (m * n))))
    assert curvature(10e-6, 220.0, t1, t2, e1, e2) == pytest.approx(by_hand)
    assert curvature(10e-6, 220.0, t2, t1, e2, e1) == pytest.approx(by_hand)


# ============================================================================== the rule at max_warpage
def equal_pair(die_size: str = "8 mm x 6 mm", peak: str = "225 C", **kwargs) -> str:
    """`lo` (die, 0.5 mm) on `hi` (substrate 20 x 20 x 0.5 mm), joined at `peak`."""
    return design(
        extra=EQUAL,
        die=f"body lo; size {die_size} x 0.5 mm",
        sub="body hi; size 20 mm x 20 mm x 0.5 mm",
        steps=f"step reflow {{ kind reflow; peak {peak}; forms s }}",
        **kwargs,
    )


# m = n = 1, h = 1000 µm, Δα = 10 ppm/K, ΔT = 225 − 25 = 200 K: κ = 3 · 10e-6 · 200 / 2000 = 3e-6 /µm;
# L = the 8 x 6 mm die's diagonal, 10 mm: w = 3e-6 · 10000² / 8 = 37.5 µm.
EQUAL_W = 3 * 10e-6 * 200 / (2 * 1000) * 10_000**2 / 8


@pytest.mark.parametrize(
    ("limit", "fires"),
    [("37.5 um", False), ("37.4 um", True), ("0.0375 mm", False), ("37.49 um", True), ("40 um", False)],
)
def test_rl004_fires_above_max_warpage_and_passes_at_it(check_text, limit, fires) -> None:
    assert pytest.approx(37.5) == EQUAL_W
    found = fired(check_text, equal_pair(), "RL004", deck=deck("RL004", max_warpage=limit))
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["warpage"] == pytest.approx(EQUAL_W)


def test_rl004_the_finding_gives_every_number(check_text) -> None:
    text = equal_pair()
    [f] = fired(check_text, text, "RL004", deck=deck("RL004", max_warpage="30 um"))
    assert (f.severity.value, f.object_names, f.count) == ("warning", ["die", "sub"], 2)
    assert f.location.line == line_of(text, "masses s")  # the joints' declaration: the same whatever the order
    assert f.data == {
        "warpage": pytest.approx(37.5),
        "max_warpage": 30.0,
        "curvature_per_um": pytest.approx(3e-6),
        "delta_alpha": pytest.approx(10.0),
        "delta_t": 200.0,
        "step": "reflow",
        "thickness": [500.0, 500.0],
        "modulus": [100_000.0, 100_000.0],
        "diagonal": pytest.approx(10_000.0),
    }
    assert f.message == (
        "die and sub bow 37.5 µm over the 10000 µm diagonal of die cooling from reflow (225 °C) to 25 °C, more "
        "than 30 µm: κ = 6 × Δα 10 ppm/K × ΔT 200 K × (1+m)² / (h (3(1+m)² + (1+mn)(m² + 1/(mn)))) = 3 /m "
        "with t 500 / 500 µm, E 100 / 100 GPa (m 1, n 1); w = κL²/8"
    )


def test_rl004_a_silicon_die_on_a_laminate_by_hand(check_text) -> None:
    # si 300 µm, 130 GPa on lam 1000 µm, 26 GPa: m = 0.3, n = 5, mn = 1.5, h = 1300 µm;
    # (1+m)² = 1.69; 3 · 1.69 = 5.07; (1 + 1.5)(0.09 + 1/1.5) = 2.5 · 0.756667 = 1.891667; sum 6.961667;
    # κ = 6 · 10e-6 · 220 · 1.69 / (1300 · 6.961667) = 0.022308 / 9050.17 = 2.46493e-6 /µm;
    # the 20 x 20 mm die: L = 28284.27 µm, w = κ L² / 8 = 2.46493e-6 · 8e8 / 8 = 246.49 µm.
    text = design(die="body si; size 20 mm x 20 mm x 0.3 mm", sub="body lam; size 20 mm x 20 mm x 1 mm")
    kappa = 6 * 10e-6 * 220 * 1.69 / (1300 * (5.07 + 2.5 * (0.09 + 1 / 1.5)))
    w = kappa * (20_000**2 + 20_000**2) / 8
    assert (kappa, w) == (pytest.approx(2.46493e-6, rel=1e-5), pytest.approx(246.49, rel=1e-4))
    [f] = fired(check_text, text, "RL004")
    assert f.data["curvature_per_um"] == pytest.approx(kappa)
    assert f.data["warpage"] == pytest.approx(w)
    assert (f.data["thickness"], f.data["modulus"]) == ([300.0, 1000.0], [130_000.0, 26_000.0])
    assert "(m 0.3, n 5)" in f.message and "= 2.465 /m" in f.message
    # at its own number it passes; a hair below, it fires
    assert fired(check_text, text, "RL004", deck=deck("RL004", max_warpage=f"{w!r} um")) == []
    assert len(fired(check_text, text, "RL004", deck=deck("RL004", max_warpage=f"{w * (1 - 1e-6)!r} um"))) == 1


def test_rl004_the_span_is_the_diagonal_of_the_smaller_element(check_text) -> None:
    # A 6 x 8 mm substrate under a 20 x 20 mm die: the substrate is smaller, its diagonal 10 mm.
    text = design(
        extra=EQUAL,
        die="body lo; size 20 mm x 20 mm x 0.5 mm",
        sub="body hi; size 6 mm x 8 mm x 0.5 mm",
        steps="step reflow { kind reflow; peak 225 C; forms s }",
    )
    [f] = fired(check_text, text, "RL004", deck=deck("RL004", max_warpage="30 um"))
    assert f.data["diagonal"] == pytest.approx(10_000.0)
    assert "over the 10000 µm diagonal of sub" in f.message


def test_rl004_delta_t_runs_from_the_joining_step_not_a_later_one(check_text) -> None:
    # Joined by `reflow` at 225 °C; a later hotter rework does not change the stress-free point.
    text = equal_pair(peak="225 C").replace(
        "forms s }", "forms s }\n    step fix { kind rework; peak 300 C; heats die; ambient 25 C }"
    )
    [f] = fired(check_text, text, "RL004", deck=deck("RL004", max_warpage="30 um"))
    assert (f.data["step"], f.data["delta_t"]) == ("reflow", 200.0)


def test_rl004_swapping_the_declarations_gives_the_same_bow(check_text) -> None:
    text = design(die="body si; size 20 mm x 20 mm x 0.3 mm", sub="body lam; size 20 mm x 20 mm x 1 mm")
    lines = text.splitlines()
    die_line = line_of(text, "element die") - 1
    lines[die_line], lines[die_line + 1] = lines[die_line + 1], lines[die_line]
    swapped = "\n".join(lines) + "\n"
    [a] = fired(check_text, text, "RL004")
    [b] = fired(check_text, swapped, "RL004")
    assert a.data["warpage"] == pytest.approx(b.data["warpage"])
    assert a.data["curvature_per_um"] == pytest.approx(b.data["curvature_per_um"])
    assert b.data["thickness"] == [1000.0, 300.0] and b.data["modulus"] == [26_000.0, 130_000.0]
    assert sorted(a.object_names) == sorted(b.object_names) == ["die", "sub"]


def test_rl004_a_step_that_heats_one_element_gives_the_same_bow_in_either_order(check_text) -> None:
    # The reflow heats the substrate only; the joints on it reach 245 °C (STACK.md §5) and are joined
    # there, so the pair is stress-free at 245 °C: w = 246.49 µm whichever element is declared first.
    text = design(
        die="body si; size 20 mm x 20 mm x 0.3 mm",
        sub="body lam; size 20 mm x 20 mm x 1 mm",
        steps="step reflow { kind reflow; peak 245 C; forms s; heats sub }",
    )
    lines = text.splitlines()
    die_line = line_of(text, "element die") - 1
    lines[die_line], lines[die_line + 1] = lines[die_line + 1], lines[die_line]
    swapped = "\n".join(lines) + "\n"
    [b] = fired(check_text, swapped, "RL004")  # sub first: ΔT 220 K, 246.49 µm
    assert b.data["delta_t"] == 220.0
    [a] = fired(check_text, text, "RL004")  # die first: the code sees ΔT 0 and reports nothing
    assert a.data["warpage"] == pytest.approx(b.data["warpage"])


# ============================================================================== not checked, or cannot be
def test_rl004_no_finding_for_a_pair_of_the_same_cte(check_text) -> None:
    # Δα = 0: nothing to bow, and no info even with the thicknesses missing.
    text = design(extra=EQUAL, die="body hi", sub="body hi; size 20 mm x 20 mm")
    assert fired(check_text, text, "RL004") == []


def test_rl004_no_finding_for_a_pair_decoupled_by_liquid_joints(check_text) -> None:
    liquid = "material low { kind fusible; composition Bi 50 %, Sn 50 %; melts 80 C }"
    text = design(
        extra=liquid,
        solder="low",
        die="body si; size 20 mm x 20 mm x 0.3 mm",
        sub="body lam; size 20 mm x 20 mm x 1 mm",
        steps="step reflow { kind reflow; peak 100 C; forms s }",
    )
    assert fired(check_text, text, "RL004") == []


OUTLINE = "outline (`size`)"


@pytest.mark.parametrize(
    ("die", "sub", "missing"),
    [
        ("body si; size 8 mm x 6 mm", "body lam; size 20 mm x 20 mm", {"die": ["thickness"], "sub": ["thickness"]}),
        ("body nomod; size 8 mm x 6 mm x 0.5 mm", "body lam; size 20 mm x 20 mm x 0.5 mm", {"die": ["modulus"]}),
        ("body si; size 8 mm x 6 mm x 0.5 mm", "body lam", {"sub": ["thickness", OUTLINE]}),
        ("body si", "body lam", {"die": ["thickness", OUTLINE], "sub": ["thickness", OUTLINE]}),
    ],
    ids=["no-thickness", "no-modulus", "no-size", "no-outline"],
)
def test_rl004_a_rigid_pair_without_thickness_or_modulus_is_reported_once_per_element(
    check_text, die, sub, missing
) -> None:
    nomod = "material nomod { kind ceramic; cte 7.6 ppm/K }"
    text = design(extra=nomod, die=die, sub=sub)
    found = fired(check_text, text, "RL004")
    assert {f.object_names[0]: f.data["missing"] for f in found} == missing
    for f in found:
        (name,) = f.object_names
        other = "sub" if name == "die" else "die"
        assert (f.severity.value, f.count, f.data["joined_to"]) == ("info", 1, other)
        assert f.message.startswith(f"{name} is rigidly joined to {other} with CTEs ")
        verb = "are" if len(f.data["missing"]) > 1 else "is"
        assert f"but its {' and '.join(f.data['missing'])} {verb} not given: RL004 cannot estimate their warpage" in (
            f.message
        )


def test_rl004_could_not_run_without_an_operating_range(check_text) -> None:
    report = check_text(design(service=""), select=("RL004",))
    assert report.findings == []
    assert status(report, "RL004") == (
        "could-not-run",
        "no operating range: give the process an `operate` range, or the elements `operating`",
    )


def test_rl004_a_cycle_range_alone_is_enough(check_text) -> None:
    text = equal_pair(service="cycle -40 C .. 100 C count 10")
    [f] = fired(check_text, text, "RL004", deck=deck("RL004", max_warpage="30 um"))
    assert f.data["warpage"] == pytest.approx(EQUAL_W)


def test_rl004_the_base_design_passes(check_text) -> None:
    # 8 x 6 x 0.5 mm silicon on 0.5 mm laminate: m = 1, n = 5, κ = 6 · 10e-6 · 220 · 4 / (1000 · (12 + 6 · 1.2))
    # = 2.75e-6 /µm, w = 2.75e-6 · 1e8 / 8 = 34.4 µm < 100 µm.
    kappa = 6 * 10e-6 * 220 * 4 / (1000 * (12 + 6 * 1.2))
    assert kappa * 1e8 / 8 == pytest.approx(34.375)
    assert fired(check_text, design(), "RL004") == []
    [f] = fired(check_text, design(), "RL004", deck=deck("RL004", max_warpage="34 um"))
    assert f.data["warpage"] == pytest.approx(34.375)
    assert math.isclose(f.data["diagonal"], 10_000.0)
