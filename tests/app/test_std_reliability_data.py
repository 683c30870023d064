"""The std library's data for the reliability rules (RL001, RL003): `density`, `tg`, `cte_above_tg`.

The numbers are held to the reference data itself (/work/shared/data/materials.json), read here,
not copied: every std alloy the data gives a density for has it, equal to the data's number,
except where std's header convention (the LOWER density where sources disagree, so that RL003
finds the larger gold share) picks another source's value, which the line's comment names. The
polymers' Tg and α2 equal the data's. Every `density` line in std.assy carries its source in a
comment, and no material without a source has a density.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import assemblint

STD_PATH = Path(assemblint.__file__).parent / "std" / "std.assy"
DATA_PATH = Path("/work/shared/data/materials.json")

if not DATA_PATH.exists():  # the reference data lives beside the checkout, not in it
    pytest.skip(f"the reference data {DATA_PATH} is not here", allow_module_level=True)

DATA = json.loads(DATA_PATH.read_text(encoding="utf-8"))

# std material -> the `name` of its alloy in materials.json
ALLOYS = {
    "Sn63Pb37": "Sn63Pb37",
    "Sn62Pb36Ag2": "Sn62Pb36Ag2",
    "Sn60Pb40": "Sn60Pb40",
    "Pb95Sn5": "Pb95Sn5 (high-lead C4)",
    "Pb90Sn10": "Pb90Sn10 (high-lead)",
    "Pb93_5Sn5Ag1_5": "Pb93.5Sn5Ag1.5 (HMP)",
    "SAC305": "SAC305 (Sn96.5Ag3.0Cu0.5)",
    "SAC405": "SAC405 (Sn95.5Ag4.0Cu0.5)",
    "SAC105": "SAC105 (Sn98.5Ag1.0Cu0.5)",
    "SAC387": "SAC387 (Sn95.5Ag3.8Cu0.7)",
    "Sn96_5Ag3_5": "Sn96.5Ag3.5",
    "Sn99_3Cu0_7": "Sn99.3Cu0.7",
    "SN100C": "SN100C (Sn-0.7Cu-0.05Ni+Ge)",
    "Sn100": "Sn100 (pure tin)",
    "Sn95Sb5": "Sn95Sb5",
    "Sn42Bi58": "Sn42Bi58",
    "Sn42Bi57Ag1": "Sn42Bi57Ag1",
    "Au80Sn20": "Au80Sn20",
    "Au88Ge12": "Au88Ge12",
    "In52Sn48": "In52Sn48 (Indalloy 1E)",
    "In97Ag3": "In97Ag3 (Indalloy 290)",
    "indium": "Indium (pure)",
    "gallium": "Gallium (pure)",
    "EGaIn": "EGaIn (Ga75.5In24.5, Indalloy 60)",
    "galinstan": "Galinstan eutectic (Ga68.5In21.5Sn10)",
    "Ga66_5In20_5Sn13": "Indalloy 51E (Ga66.5In20.5Sn13)",
    "Ga62_5In21_5Sn16": "Indalloy 51 (Ga62.5In21.5Sn16)",
    "Ga61In25Sn13Zn1": "Indalloy 46L (Ga61In25Sn13Zn1)",
    "fields_metal": "Field's metal (In51Bi32.5Sn16.5, Indalloy 19)",
    "woods_metal": "Wood's metal / Cerrobend (Bi50Pb26.7Sn13.3Cd10, Indalloy 158)",
    "Indalloy117": "Indalloy 117 / Cerrolow 117 (Bi44.7Pb22.6In19.1Sn8.3Cd5.3)",
    "Bi44_7Pb22_6In16_1Sn11_3Cd5_3": "Indalloy 16 (Bi44.7Pb22.6In16.1Sn11.3Cd5.3)",
    "Bi49_1In20_9Pb17_9Sn11_6Cd0_5": "Indalloy 17 (Bi49.1In20.9Pb17.9Sn11.6Cd0.5)",
    "Bi47_5Pb25_4Sn12_6Cd9_5In5": "Indalloy 140 (Bi47.5Pb25.4Sn12.6Cd9.5In5)",
    "Bi49In21Pb18Sn12": "Indalloy 136 / Cerrolow 136 (Bi49In21Pb18Sn12)",
    "In61_7Bi30_8Cd7_5": "Indalloy 18 (In61.7Bi30.8Cd7.5)",
    "In66_3Bi33_7": "In66.3Bi33.7 (Indalloy 162)",
    "Bi57In26Sn17": "Bi57In26Sn17 (Indalloy 174)",
    "In44Sn42Cd14": "In44Sn42Cd14 (Indalloy 8)",
    "Bi46Sn34Pb20": "Bi46Sn34Pb20 (Indalloy 42)",
    "In52_2Sn46Zn1_8": "In52.2Sn46Zn1.8 (Indalloy 224)",
}

# Where std takes another source's (lower) density than the one materials.json gives, and why.
LOWER_THAN_THE_DATA = {
    "Pb93_5Sn5Ag1_5": 10.8,  # TopLine [R11] HMP 10.8; Multicore [R9] 11.1 is materials.json's value
    "EGaIn": 6.25,  # [R2] 6.25; IND #60 6.35; materials.json's 6.3 is their mean
}

# Densities std gives that materials.json does not: each from a source its comment names.
BEYOND_THE_DATA = {
    "Sn42Bi57Ag1": 8.57,  # CAPLINQ bi57sn42ag1 "Specific Gravity: 8.57g/cc"
    "gold": 19.32,  # CRC Handbook 55th ed., p. B-15, "sp. gr. 19.32 (20C)"
}

# std material -> the `name` of its body in materials.json, for Tg and α2
POLYMERS = {
    "mold_compound": "Epoxy mold compound Hysol GR900 (QFN, 89 % filler)",
    "emc7142": "Epoxy mold compound LINQSOL EMC-7142 (87 % filler)",
    "gr750": "Epoxy mold compound Hysol GR750 (high Tg)",
    "underfill": "Capillary underfill Loctite Eccobond UF 8830S",
    "uf9000ae": "Capillary underfill Loctite Eccobond UF 9000AE",
    "uf1173": "Capillary underfill Loctite Eccobond UF 1173",
    "fp4549": "Capillary underfill Loctite Eccobond FP4549 (flip chip)",
    "uf3550r": "Reworkable underfill LINQBOND UF3550R",
}


def data_entry(section: str, name: str) -> dict:
    [entry] = [e for e in DATA[section] if e["name"] == name]
    return entry


@pytest.fixture(scope="module")
def std() -> dict:
    return assemblint.load("std_reliability.assy", text="use std\n").materials


# ====================================================================================== densities
@pytest.mark.parametrize("name", ["SAC305", "Sn63Pb37", "Pb95Sn5", "Sn42Bi58", "In52Sn48", "SAC105"])
def test_a_solder_density_is_the_data_files_number(std, name: str) -> None:
    assert std[name].density == pytest.approx(data_entry("alloys", ALLOYS[name])["density_g_cm3"])


@pytest.mark.parametrize("name", sorted(ALLOYS))
def test_every_alloy_density_follows_the_data(std, name: str) -> None:
    given = data_entry("alloys", ALLOYS[name]).get("density_g_cm3")
    if name in LOWER_THAN_THE_DATA:
        # sources disagree: std takes the lower one, below the data's own number
        assert given is not None and LOWER_THAN_THE_DATA[name] < given
        assert std[name].density == pytest.approx(LOWER_THAN_THE_DATA[name])
    elif name in BEYOND_THE_DATA:
        assert given is None
        assert std[name].density == pytest.approx(BEYOND_THE_DATA[name])
    elif given is None:
        assert std[name].density is None, "no source gives it: left out, never guessed"
    else:
        assert std[name].density == pytest.approx(given)


def test_only_sourced_materials_have_a_density(std) -> None:
    expected = {n for n in ALLOYS if data_entry("alloys", ALLOYS[n]).get("density_g_cm3") is not None}
    expected |= set(BEYOND_THE_DATA)
    assert {n for n, m in std.items() if m.density is not None} == expected
    # the data gives no density for any body: none for silicon, copper, an underfill...
    assert not any("density_g_cm3" in body for body in DATA["bodies"])
    for name in ("silicon", "copper", "nickel", "underfill", "fr4", "alumina"):
        assert std[name].density is None


def test_the_gold_density_is_the_one_rl003_weighs_finishes_with(std) -> None:
    from assemblint_reliability._common import GOLD_DENSITY

    assert std["gold"].density == pytest.approx(GOLD_DENSITY, abs=0.05)


def test_every_tin_based_solder_but_pure_tin_has_a_density(std) -> None:
    # RL003 weighs a tin-based joint (>= 40 wt % Sn) by its solder's density; only Sn100 has none
    tin_based = {n for n, m in std.items() if m.composition and m.composition.get("Sn", 0.0) >= 40.0}
    assert {n for n in tin_based if std[n].density is None} == {"Sn100"}


# ============================================================================== Tg and α2 (RL001)
@pytest.mark.parametrize("name", sorted(POLYMERS))
def test_polymer_tg_and_alpha2_are_the_data_files_numbers(std, name: str) -> None:
    body = data_entry("bodies", POLYMERS[name])
    assert std[name].tg == pytest.approx(body["Tg_C"])
    assert std[name].cte_above_tg == pytest.approx(body["cte_above_Tg_ppm_K"])
    assert std[name].cte == pytest.approx(body["cte_ppm_K"])  # α1 stays `cte`


# ================================================================================== the file itself
def density_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, code, comment with its continuation lines) of every `density` statement."""
    lines = text.splitlines()
    found = []
    for index, line in enumerate(lines):
        code, _, comment = line.partition("#")
        if not re.match(r"\s*density\s", code):
            continue
        follow = index + 1
        while follow < len(lines) and lines[follow].strip().startswith("#") and lines[follow].startswith(" " * 20):
            comment += " " + lines[follow].strip().lstrip("#")
            follow += 1
        found.append((index + 1, code.strip(), comment.strip()))
    return found


def test_every_density_line_carries_a_source_comment(std) -> None:
    lines = density_lines(STD_PATH.read_text(encoding="utf-8"))
    assert len(lines) == sum(1 for m in std.values() if m.density is not None)
    source = re.compile(r"\[\w+\]|IND #\w+|CAPLINQ \S+|materials\.json")
    for number, code, comment in lines:
        assert re.fullmatch(r"density [0-9.]+ g/cm3", code), f"line {number}: {code!r}"
        assert source.search(comment), f"line {number}: {code!r} names no source: {comment!r}"
        value = float(code.split()[1])
        stated = [float(n) for n in re.findall(r"(?<![#\w.])\d+\.\d+|(?<![#\w.])\d+(?= g/cm3| \(|;|$)", comment)]
        assert value in stated, f"line {number}: the comment does not state the value {value} it sources"
