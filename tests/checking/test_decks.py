"""Rule decks (`rules/*.toml`, DECKS_AND_PLUGINS.md "Rule decks", CLI.md `--deck`).

Every shipped deck loads, validates and shows its settings in `assemblint rules --deck NAME`;
each changes the outcome of `check` where its header says it should; `extends` (a built-in name,
a relative path, a chain, a cycle), `enabled = false` and `severity` work; and every bad deck
exits 2 with the key path and what was expected.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

import assemblint
from assemblint import cli
from assemblint.base import units
from assemblint.checking.deck import DeckError, builtin_decks, load_deck
from assemblint.plugins.host import PluginHost

RULES_DIR = Path(__file__).resolve().parents[2] / "rules"
SHIPPED = ("liquid-interconnect", "hierarchical-solder", "cte-matched", "production-pb-free")


@pytest.fixture(scope="module")
def rules():
    return PluginHost.default().rules()


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    """Run in an empty folder: relative deck paths resolve there, and no project configuration applies."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def rule_ids(report, severity: str | None = None) -> set[str]:
    return {f.rule for f in report.findings if severity is None or f.severity.value == severity}


def severities(report, rule_id: str) -> set[str]:
    return {f.severity.value for f in report.findings if f.rule == rule_id}


# ------------------------------------------------------------------------------------- small designs
def one_material(alloy: str, peak: str) -> str:
    """Four masses of one alloy between a chip and a substrate, joined by one reflow."""
    return f"""\
use std
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
masses m : {alloy} {{ joins die.c[*] -- sub.p[*]; height 100 um }}
process {{
    step join {{ kind reflow; peak {peak} }}
}}
"""


def two_region(core: str, joint: str, peak: str) -> str:
    """Four two-region masses (seed 000 claim 1): a core bump on the die, a lower-melting joint."""
    return f"""\
use std
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
masses b {{
    joins die.c[*] -- sub.p[*]
    region core  : {core} on die
    region joint : {joint} on sub
    height 90 um
}}
process {{
    step join {{ kind reflow; peak {peak} }}
}}
"""


def rigid_pair(body: str) -> str:
    """A silicon die soldered rigidly (SAC305, solid in operation) to an interposer of `body`."""
    return f"""\
use std
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : interposer {{ body {body}; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
masses s : SAC305 {{ joins die.c[*] -- sub.p[*]; diameter 100 um; height 80 um }}
process {{
    step reflow {{ kind reflow; peak 245 C; forms s }}
    operate 0 C .. 70 C
}}
"""


def gel_package(thickness: str = "100 um", barrier: bool = True) -> str:
    """Seed 003 in small: 50 °C masses in a silicone gel, liquid in operation (40..85 °C)."""
    b = " barrier nickel 1 um" if barrier else ""
    return f"""\
use std
element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{b} }}
element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{b} }}
material gel {{ kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C }}
layer g : gel {{ role compliant; between chip, sheet; thickness {thickness} }}
masses m : SnBiPbInCd50 {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um }}
process {{
    step join  {{ kind reflow; peak 75 C }}
    step fill  {{ kind inject; temp 25 C; forms g }}
    step mount {{ kind reflow; peak 165 C }}
    operate 40 C .. 85 C
}}
"""


# Four masses 10 µm apart edge to edge: IN003 (min_spacing 20 um, error) fires by default.
CLOSE_MASSES = """\
use std
element die : chip { body silicon; pads c grid 1 x 4 pitch 110 um diameter 100 um }
element sub : interposer { body silicon; pads p grid 1 x 4 pitch 110 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um; height 60 um }
"""


# ---------------------------------------------------------------------------- the shipped decks load
def test_every_shipped_deck_is_a_builtin():
    decks = builtin_decks()
    for name in ("default", *SHIPPED):
        assert name in decks, f"{name} is not a built-in deck: {sorted(decks)}"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_deck_loads_and_validates(name, rules):
    deck = load_deck(name, rules)  # raises DeckError if it does not validate
    assert deck.name == name
    assert deck.description
    assert deck.sha256 and len(deck.sha256) == 64
    assert deck.sources[-1].endswith("default.toml"), "every shipped deck extends default"
    for rule in rules:
        deck.effective(rule)  # every value resolves (quantities parse in their dimension)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_deck_header_names_its_sources(name):
    text = (RULES_DIR / f"{name}.toml").read_text(encoding="utf-8")
    header = text.split("[deck]")[0]
    assert all(line.startswith("#") or not line.strip() for line in header.splitlines()), "a comment header"
    data = tomllib.loads(text)
    assert data["deck"]["name"] == name
    assert data["deck"]["extends"] == "default"
    for rule_id in data.get("rules", {}):
        assert rule_id in header, f"{rule_id} is set but the header does not say why"
    assert re.search(r"seed|materials\.md", header), "the header names where its limits come from"


def test_default_deck_names_no_rule(rules):
    data = tomllib.loads((RULES_DIR / "default.toml").read_text(encoding="utf-8"))
    assert "rules" not in data  # it must load with any plugin disabled (`-p no:melting`)
    deck = load_deck("default", rules)
    assert deck.settings == {}


def test_shipped_decks_settings_in_base_units(rules):
    by_id = {r.id: r for r in rules}
    li = load_deck("liquid-interconnect", rules)
    assert li.effective(by_id["MH011"]).params == {"min_melt": None, "max_melt": 100.0}
    assert li.effective(by_id["CT003"]).params["max_modulus"] == pytest.approx(
        units.parse_quantity_text("100000 psi", "modulus")
    )
    assert li.effective(by_id["CT005"]).severity.value == "error"
    hs = load_deck("hierarchical-solder", rules)
    assert hs.effective(by_id["MH001"]).params == {"min_window": 45.0}
    assert hs.effective(by_id["MH002"]).params == {"min_superheat": 20.0, "min_margin": 25.0}
    assert hs.effective(by_id["MH003"]).params == {"min_margin": 25.0}
    cm = load_deck("cte-matched", rules)
    assert cm.effective(by_id["CTE001"]).params == {"max_delta": 1.0}
    assert cm.effective(by_id["CTE005"]).severity.value == "error"
    pb = load_deck("production-pb-free", rules)
    assert pb.effective(by_id["MH002"]).params == {"min_superheat": 20.0, "min_margin": 25.0}
    assert pb.effective(by_id["MH007"]).severity.value == "error"
    assert not pb.effective(by_id["CT003"]).enabled
    assert not pb.effective(by_id["CT004"]).enabled
    assert pb.effective(by_id["CTE003"]).params == {
        "fatigue_ductility": 0.325,
        "cycles_per_day": 24,
        "strain_factor": 1.0,
    }
    # a rule the deck does not name keeps its documented default
    assert pb.effective(by_id["IN003"]).params == {"min_spacing": 20.0}
    assert pb.effective(by_id["IN003"]).enabled


# ----------------------------------------------------------------------- `assemblint rules --deck NAME`
def rules_line(out: str, rule_id: str) -> str:
    match = re.search(rf"^{rule_id}\s.*$", out, re.M)
    assert match, f"no line for {rule_id} in:\n{out}"
    return match.group(0)


def test_rules_deck_liquid_interconnect(capsys, here):
    code, out, _ = run(capsys, "rules", "--deck", "liquid-interconnect")
    assert code == 0
    assert out.splitlines()[0].startswith("deck: liquid-interconnect")
    assert re.search(r"\berror\s+enabled\b.*\[min_barrier=1 um\]", rules_line(out, "CT005"))  # severity raised
    assert re.search(r"\binfo\s+enabled\b", rules_line(out, "MH007"))
    assert "[max_modulus=100000 psi]" in rules_line(out, "CT003")
    assert "[min_thickness=50 um, max_thickness=250 um]" in rules_line(out, "CT004")


def test_rules_deck_shows_parameters_unset_by_default(capsys, here):
    code, out, _ = run(capsys, "rules", "--deck", "liquid-interconnect")
    assert code == 0
    assert "max_melt=100 C" in rules_line(out, "MH011")


def test_rules_deck_hierarchical_solder(capsys, here):
    code, out, _ = run(capsys, "rules", "--deck", "hierarchical-solder")
    assert code == 0
    assert out.splitlines()[0].startswith("deck: hierarchical-solder")
    assert "[min_window=45 K]" in rules_line(out, "MH001")
    assert "[min_superheat=20 K, min_margin=25 K]" in rules_line(out, "MH002")


def test_rules_deck_cte_matched(capsys, here):
    code, out, _ = run(capsys, "rules", "--deck", "cte-matched")
    assert code == 0
    assert re.search(r"\berror\s+enabled\b.*\[max_delta=1 ppm/K\]", rules_line(out, "CTE001"))
    assert re.search(r"\berror\s+enabled\b", rules_line(out, "CTE005"))


def test_rules_deck_production_pb_free(capsys, here):
    code, out, _ = run(capsys, "rules", "--deck", "production-pb-free")
    assert code == 0
    assert re.search(r"\bdisabled\b", rules_line(out, "CT003"))
    assert re.search(r"\bdisabled\b", rules_line(out, "CT004"))
    assert re.search(r"\benabled\b", rules_line(out, "CT005"))
    assert re.search(r"\berror\s+enabled\b", rules_line(out, "MH007"))
    assert "[min_superheat=20 K, min_margin=25 K]" in rules_line(out, "MH002")
    assert "cycles_per_day=24" in rules_line(out, "CTE003")


def test_rules_default_deck_unchanged(capsys, here):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert "[min_window=10 K]" in rules_line(out, "MH001")
    assert re.search(r"\binfo\s+enabled\b", rules_line(out, "MH007"))
    assert re.search(r"\bwarning\s+enabled\b", rules_line(out, "CT003"))


def test_rules_deck_json(capsys, here):
    code, out, _ = run(capsys, "rules", "--deck", "production-pb-free", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["deck"] == "production-pb-free"
    rows = {row["id"]: row for row in data["rules"]}
    assert rows["CT003"]["enabled"] is False
    assert rows["MH007"]["severity"] == "error"
    assert rows["MH002"]["params"] == {"min_superheat": "20 K", "min_margin": "25 K"}


# ------------------------------------------------------------------- each deck changes the outcome
def test_liquid_interconnect_fires_mh011_on_118_C_mass(tmp_path):
    path = write(tmp_path, "in52sn48.assy", one_material("In52Sn48", "140 C"))
    assert "MH011" not in rule_ids(assemblint.check(path))
    report = assemblint.check(path, deck="liquid-interconnect")
    [finding] = [f for f in report.findings if f.rule == "MH011"]
    assert finding.severity.value == "error"
    assert finding.count == 4
    assert "118 °C" in finding.message and "100 °C" in finding.message


def test_liquid_interconnect_passes_the_seeds_own_93_C_alloy(tmp_path):
    # Indalloy 8 (In44Sn42Cd14, 93 °C) is one of seed 003's named alloys: claim 2 (< 100 °C) admits it.
    path = write(tmp_path, "indalloy8.assy", one_material("In44Sn42Cd14", "110 C"))
    assert "MH011" not in rule_ids(assemblint.check(path, deck="liquid-interconnect"))


def test_liquid_interconnect_from_the_command_line(capsys, here):
    path = write(here, "in52sn48.assy", one_material("In52Sn48", "140 C"))
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    assert code == 0
    assert "MH011" not in {f["rule"] for f in json.loads(out)["findings"]}
    code, out, _ = run(capsys, "check", str(path), "--deck", "liquid-interconnect", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["deck"]["name"] == "liquid-interconnect"
    assert [(f["rule"], f["severity"]) for f in report["findings"] if f["rule"] == "MH011"] == [("MH011", "error")]


def test_liquid_interconnect_barrier_is_an_error(check_text, tmp_path):
    text = gel_package(barrier=False)
    assert severities(check_text(text), "CT005") == {"warning"}
    path = write(tmp_path, "nobarrier.assy", text)
    report = assemblint.check(path, deck="liquid-interconnect")
    assert severities(report, "CT005") == {"error"}
    # liquid in operation is the point of the family: still listed for review only
    assert severities(report, "MH007") == {"info"}


def test_hierarchical_solder_fires_mh001_on_a_window_the_default_passes(tmp_path):
    # SnPb joint (liquidus 183 °C) on a SAC305 bump (solidus 217 °C): a 34 K window.
    path = write(tmp_path, "snpb-on-sac.assy", two_region("SAC305", "Sn63Pb37", "205 C"))
    assert not rule_ids(assemblint.check(path)) & {"MH001", "MH002"}
    report = assemblint.check(path, deck="hierarchical-solder")
    [finding] = [f for f in report.findings if f.rule == "MH001"]
    assert finding.severity.value == "error"
    assert "45 K" in finding.message
    # and the 205 °C join comes within 12 K of the bump's solidus, under the 25 K margin
    assert "MH002" in rule_ids(report)


def test_hierarchical_solder_asks_for_superheat(tmp_path):
    # Pb95Sn5 bump (solidus 308 °C), SnPb joint joined at 195 °C: 12 K over its 183 °C liquidus.
    path = write(tmp_path, "cold-join.assy", two_region("Pb95Sn5", "Sn63Pb37", "195 C"))
    assert not rule_ids(assemblint.check(path)) & {"MH001", "MH002"}
    report = assemblint.check(path, deck="hierarchical-solder")
    assert "MH001" not in rule_ids(report)  # a 125 K window
    assert severities(report, "MH002") == {"error"}
    # the classic C4 join, 32 K over the joint's liquidus and 93 K under the bump's solidus, passes
    good = write(tmp_path, "c4.assy", two_region("Pb95Sn5", "Sn63Pb37", "215 C"))
    assert not rule_ids(assemblint.check(good, deck="hierarchical-solder")) & {"MH001", "MH002"}


def test_cte_matched_fires_cte001_on_a_2_ppm_difference(tmp_path):
    # silicon 2.6 ppm/K on AlN 4.6 ppm/K: 2.0 ppm/K, within the default's 3 ppm/K
    path = write(tmp_path, "si-on-aln.assy", rigid_pair("AlN"))
    assert "CTE001" not in rule_ids(assemblint.check(path))
    report = assemblint.check(path, deck="cte-matched")
    [finding] = [f for f in report.findings if f.rule == "CTE001"]
    assert finding.severity.value == "error"
    assert "1 ppm/K" in finding.message
    # a silicon-matched glass (AF 32 eco, 3.2 ppm/K) is "substantially equal"
    glass = write(tmp_path, "si-on-glass.assy", rigid_pair("af32_eco"))
    assert "CTE001" not in rule_ids(assemblint.check(glass, deck="cte-matched"))


def test_production_pb_free_asks_for_superheat(tmp_path):
    # SAC305 (liquidus 221 °C) reflowed at 235 °C: 14 K of superheat
    cold = write(tmp_path, "cold.assy", one_material("SAC305", "235 C"))
    assert "MH002" not in rule_ids(assemblint.check(cold))
    assert severities(assemblint.check(cold, deck="production-pb-free"), "MH002") == {"error"}
    # at a 245 °C peak (24 K) it passes
    ok = write(tmp_path, "ok.assy", one_material("SAC305", "245 C"))
    assert "MH002" not in rule_ids(assemblint.check(ok, deck="production-pb-free"))


def test_production_pb_free_liquid_in_operation_is_an_error(tmp_path):
    path = write(tmp_path, "liquid.assy", gel_package())
    assert severities(assemblint.check(path), "MH007") == {"info"}
    assert severities(assemblint.check(path, deck="production-pb-free"), "MH007") == {"error"}


def test_production_pb_free_disables_gel_limits(capsys, here):
    path = write(here, "thick-gel.assy", gel_package(thickness="300 um"))
    assert "CT004" in rule_ids(assemblint.check(path))
    code, out, _ = run(capsys, "check", str(path), "--deck", "production-pb-free", "--format", "json")
    assert code == 1  # MH007: liquid in operation is an error on this line
    report = json.loads(out)
    assert "CT004" not in {f["rule"] for f in report["findings"]}
    status = {r["id"]: r["status"] for r in report["rules"]}
    assert status["CT003"] == status["CT004"] == "disabled"
    assert status["CT005"] == "ran"


# ----------------------------------------------------------------- enabled, severity, through a deck
def test_enabled_false_disables_the_rule(capsys, here):
    path = write(here, "close.assy", CLOSE_MASSES)
    deck = write(here, "off.toml", '[deck]\nname = "off"\n\n[rules.IN003]\nenabled = false\n')
    code, out, _ = run(capsys, "check", str(path), "--deck", str(deck), "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["deck"]["name"] == "off"
    assert "IN003" not in {f["rule"] for f in report["findings"]}
    [entry] = [r for r in report["rules"] if r["id"] == "IN003"]
    assert entry["status"] == "disabled"
    assert {r["status"] for r in report["rules"] if r["id"] == "IN001"} == {"ran"}


def test_enabled_true_in_a_child_reenables(check_text, here):
    write(here, "parent.toml", '[deck]\nname = "parent"\n[rules.IN003]\nenabled = false\n')
    child = write(
        here, "child.toml", '[deck]\nname = "child"\nextends = "parent.toml"\n[rules.IN003]\nenabled = true\n'
    )
    path = write(here, "close.assy", CLOSE_MASSES)
    assert "IN003" not in rule_ids(assemblint.check(path, deck="parent.toml"))
    assert "IN003" in rule_ids(assemblint.check(path, deck=str(child)))


def test_severity_override(check_text):
    assert severities(check_text(CLOSE_MASSES), "IN003") == {"error"}
    report = check_text(CLOSE_MASSES, deck='[rules.IN003]\nseverity = "warning"\n')
    assert severities(report, "IN003") == {"warning"}
    assert report.exit_code == 0  # a warning does not fail the run at --fail-on error
    report = check_text(CLOSE_MASSES, deck='[rules.IN003]\nseverity = "info"\nmin_spacing = "5 um"\n')
    assert "IN003" not in rule_ids(report)  # 10 µm apart: passes a 5 µm limit


def test_parameter_override(check_text):
    assert "IN003" not in rule_ids(check_text(CLOSE_MASSES, deck='[rules.IN003]\nmin_spacing = "10 um"\n'))
    assert "IN003" in rule_ids(check_text(CLOSE_MASSES, deck='[rules.IN003]\nmin_spacing = "0.011 mm"\n'))


# ------------------------------------------------------------------------------------------ extends
def test_extends_a_builtin_deck(rules, here):
    write(
        here,
        "preferred.toml",
        '[deck]\nname = "preferred"\nextends = "liquid-interconnect"\n'
        '[rules.MH011]\nmin_melt = "25 C"\nmax_melt = "65 C"\n',
    )
    deck = load_deck("preferred.toml", rules)
    assert deck.name == "preferred"
    assert deck.path == "preferred.toml"
    assert deck.settings["MH011"] == {"min_melt": "25 C", "max_melt": "65 C"}
    assert deck.settings["CT005"]["severity"] == "error"  # inherited
    assert len(deck.sources) == 3  # preferred -> liquid-interconnect -> default
    # the seed's Indalloy 8 (93 °C) passes liquid-interconnect, not the preferred range (claim 4)
    path = write(here, "indalloy8.assy", one_material("In44Sn42Cd14", "110 C"))
    assert "MH011" not in rule_ids(assemblint.check(path, deck="liquid-interconnect"))
    assert "MH011" in rule_ids(assemblint.check(path, deck="preferred.toml"))


def test_extends_a_relative_path_from_the_decks_folder(rules, tmp_path, monkeypatch):
    write(tmp_path / "decks" / "base", "base.toml", '[deck]\nname = "base"\n[rules.IN003]\nmin_spacing = "30 um"\n')
    write(
        tmp_path / "decks",
        "mid.toml",
        '[deck]\nname = "mid"\nextends = "base/base.toml"\n[rules.IN003]\nseverity = "warning"\n',
    )
    write(
        tmp_path / "decks",
        "top.toml",
        '[deck]\nname = "top"\nextends = "mid.toml"\n[rules.IN005]\nalignment_tolerance = "5 um"\n',
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # `extends` is relative to the extending deck, not to the current folder
    deck = load_deck(str(tmp_path / "decks" / "top.toml"), rules)
    assert deck.name == "top"
    assert deck.settings["IN003"] == {"min_spacing": "30 um", "severity": "warning"}
    assert deck.settings["IN005"] == {"alignment_tolerance": "5 um"}
    assert len(deck.sources) == 3


def test_extends_chain_later_decks_win(rules, here):
    write(here, "a.toml", '[deck]\nname = "a"\nextends = "hierarchical-solder"\n[rules.MH001]\nmin_window = "30 K"\n')
    write(here, "b.toml", '[deck]\nname = "b"\nextends = "a.toml"\n[rules.MH001]\nseverity = "warning"\n')
    write(here, "c.toml", '[deck]\nname = "c"\nextends = "b.toml"\n[rules.MH002]\nmin_margin = "10 K"\n')
    deck = load_deck("c.toml", rules)
    by_id = {r.id: r for r in rules}
    mh001 = deck.effective(by_id["MH001"])
    assert (mh001.params["min_window"], mh001.severity.value) == (30.0, "warning")
    mh002 = deck.effective(by_id["MH002"]).params
    assert mh002 == {"min_superheat": 20.0, "min_margin": 10.0}  # superheat from hierarchical-solder
    assert [Path(s).name for s in deck.sources] == [
        "c.toml",
        "b.toml",
        "a.toml",
        "hierarchical-solder.toml",
        "default.toml",
    ]


def test_extends_cycle_is_an_error(capsys, rules, here):
    write(here, "x.toml", '[deck]\nname = "x"\nextends = "y.toml"\n')
    write(here, "y.toml", '[deck]\nname = "y"\nextends = "x.toml"\n')
    write(here, "me.toml", '[deck]\nname = "me"\nextends = "me.toml"\n')
    with pytest.raises(DeckError, match=r"cycle: x\.toml -> y\.toml -> x\.toml"):
        load_deck("x.toml", rules)
    with pytest.raises(DeckError, match=r"cycle: me\.toml -> me\.toml"):
        load_deck("me.toml", rules)
    path = write(here, "close.assy", CLOSE_MASSES)
    code, out, err = run(capsys, "check", str(path), "--deck", "x.toml")
    assert code == 2
    assert "deck.extends" in err and "cycle" in err
    assert out == ""


# --------------------------------------------------------------------------------------- bad decks
BAD_DECKS = [
    pytest.param(
        "[rules.IN003]\nmin_spacing = 40\n",
        ['rules.IN003.min_spacing: expected a length such as "40 um", got 40'],
        id="quantity-without-unit",
    ),
    pytest.param(
        '[rules.IN003]\nmin_spacing = "40 C"\n',
        ['rules.IN003.min_spacing: expected a length such as "40 um", got a temperature: 40 C'],
        id="wrong-dimension",
    ),
    pytest.param(
        '[rules.MH001]\nmin_window = "10 um"\n',
        ['rules.MH001.min_window: expected a temperature difference such as "10 K"', "10 um"],
        id="wrong-dimension-temperature",
    ),
    pytest.param(
        '[rules.IN003]\nmin_spacing = "forty um"\n',
        ["rules.IN003.min_spacing: expected a length such as \"40 um\", got 'forty um'"],
        id="quantity-not-a-number",
    ),
    pytest.param(
        '[rules.IN0003]\nmin_spacing = "40 um"\n',
        ["rules.IN0003: unknown rule id (did you mean `IN003`?)"],
        id="unknown-rule-id",
    ),
    pytest.param(
        "[rules.in003]\nenabled = false\n",
        ["rules.in003: unknown rule id (did you mean `IN003`?)"],
        id="rule-id-in-lower-case",
    ),
    pytest.param(
        '[rules.IN003]\nmin_spacng = "40 um"\n',
        ["rules.IN003.min_spacng: unknown setting (did you mean `min_spacing`?)", "min_spacing"],
        id="unknown-parameter",
    ),
    pytest.param(
        '[rules.IN003]\nseverity = "fatal"\n',
        ['rules.IN003.severity: expected one of "error", "warning", "info", got \'fatal\''],
        id="bad-severity",
    ),
    pytest.param(
        '[rules.IN003]\nenabled = "yes"\n',
        ["rules.IN003.enabled: expected true or false, got 'yes'"],
        id="enabled-yes",
    ),
    pytest.param(
        "[rulez.IN003]\nenabled = false\n",
        ["rulez: unknown setting (did you mean `rules`?)"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        'extend = "default"\n',
        ["deck.extend: unknown setting (did you mean `extends`?)"],
        id="unknown-deck-key",
    ),
    pytest.param(
        "extends = 3\n",
        ["deck.extends: expected a text in quotes, got 3"],
        id="extends-not-a-string",
    ),
    pytest.param(
        '[rules.CTE002]\nmax_shear_strain = "0.02"\n',
        ["rules.CTE002.max_shear_strain: expected a number, got '0.02'"],
        id="number-as-text",
    ),
    pytest.param(
        "[rules.CTE002]\nmax_shear_strain = -1\n",
        ["rules.CTE002.max_shear_strain: expected a value more than 0, got -1"],
        id="number-out-of-range",
    ),
    pytest.param("[rules]\nIN003 = true\n", ["rules.IN003: expected a table, got True"], id="rule-not-a-table"),
    pytest.param(
        '[rules.IN0003]\nenabled = false\n[rules.IN003]\nseverity = "loud"\n',
        ["rules.IN0003: unknown rule id", "rules.IN003.severity: expected one of"],
        id="every-problem-at-once",
    ),
]


@pytest.mark.parametrize(("rules_text", "expected"), BAD_DECKS)
def test_bad_deck_exits_2_with_key_path(capsys, here, rules_text, expected):
    design = write(here, "close.assy", CLOSE_MASSES)
    deck = write(here, "bad.toml", f'[deck]\nname = "bad"\n{rules_text}')
    code, out, err = run(capsys, "check", str(design), "--deck", "bad.toml")
    assert code == 2, err
    assert out == ""
    assert err.startswith("assemblint: bad.toml: ")
    for text in expected:
        assert text in err
    # `assemblint rules --deck` says the same
    code, _, err_rules = run(capsys, "rules", "--deck", str(deck.name))
    assert code == 2
    assert err_rules == err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param('deck = "x"\n', "deck: expected a table, got 'x'", id="deck-not-a-table"),
        pytest.param("rules = 3\n", "rules: expected a table, got 3", id="rules-not-a-table"),
    ],
)
def test_bad_deck_shape_exits_2(capsys, here, text, expected):
    design = write(here, "close.assy", CLOSE_MASSES)
    write(here, "bad.toml", text)
    code, _, err = run(capsys, "check", str(design), "--deck", "bad.toml")
    assert code == 2
    assert f"bad.toml: {expected}" in err


def test_missing_deck_file_exits_2(capsys, here):
    design = write(here, "close.assy", CLOSE_MASSES)
    code, out, err = run(capsys, "check", str(design), "--deck", "nowhere.toml")
    assert code == 2
    assert out == ""
    assert "deck `nowhere.toml` not found: not a built-in deck (" in err
    assert "liquid-interconnect" in err  # the built-in names are listed


def test_misspelt_builtin_deck_suggests_the_name(capsys, here):
    design = write(here, "close.assy", CLOSE_MASSES)
    code, _, err = run(capsys, "check", str(design), "--deck", "liquid-interconect")
    assert code == 2
    assert "(did you mean `liquid-interconnect`?)" in err


def test_invalid_toml_exits_2_with_line(capsys, here):
    design = write(here, "close.assy", CLOSE_MASSES)
    write(here, "broken.toml", '[deck]\nname = "broken"\n[rules.IN003\nenabled = false\n')
    code, _, err = run(capsys, "check", str(design), "--deck", "broken.toml")
    assert code == 2
    assert "broken.toml:3:13: E001 the deck is not valid TOML: Expected ']' at the end of a table declaration" in err


def test_extends_that_does_not_exist_exits_2(capsys, here):
    design = write(here, "close.assy", CLOSE_MASSES)
    write(here, "decks/child.toml", '[deck]\nname = "child"\nextends = "../nothere.toml"\n')
    code, _, err = run(capsys, "check", str(design), "--deck", "decks/child.toml")
    assert code == 2
    assert "decks/child.toml: deck.extends: deck `../nothere.toml` not found" in err
    write(here, "typo.toml", '[deck]\nname = "typo"\nextends = "defualt"\n')
    code, _, err = run(capsys, "check", str(design), "--deck", "typo.toml")
    assert code == 2
    assert "typo.toml: deck.extends: deck `defualt` not found" in err
    assert "(did you mean `default`?)" in err


def test_error_in_an_extended_deck_names_that_deck(capsys, here):
    design = write(here, "close.assy", CLOSE_MASSES)
    write(here, "parent.toml", '[deck]\nname = "parent"\n[rules.IN003]\nmin_spacing = 40\n')
    write(here, "child.toml", '[deck]\nname = "child"\nextends = "parent.toml"\n')
    code, _, err = run(capsys, "check", str(design), "--deck", "child.toml")
    assert code == 2
    assert 'parent.toml: rules.IN003.min_spacing: expected a length such as "40 um", got 40' in err


def test_deck_naming_a_rule_of_a_disabled_plugin_is_an_error(capsys, here):
    # why default.toml names no rule: with the melting plugin off, MH001 is unknown
    design = write(here, "close.assy", CLOSE_MASSES)
    code, _, err = run(capsys, "check", str(design), "--deck", "hierarchical-solder", "-p", "no:melting")
    assert code == 2
    assert "rules.MH001: unknown rule id" in err
    code, _, err = run(capsys, "check", str(design), "-p", "no:melting", "--format", "json")
    assert code in (0, 1), err  # the default deck still loads
