"""Every rule documents itself, `assemblint explain` prints it, and docs/rules.md is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from assemblint import cli
from assemblint.plugins.host import PluginHost
from assemblint.rule_docs import example_findings, reference_markdown

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
HOST = PluginHost.default()
SHIPPED = {p.name for p in HOST.plugins if p.distribution == "assemblint"}  # not the plugins in plugins/*/
RULES = [r for r in HOST.rules() if r.plugin in SHIPPED]
FAMILY_RULES = [r for r in RULES if r.family in ("MH", "CT", "IN", "CTE")]


def test_the_reference_is_generated_from_the_rules_and_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == reference_markdown(RULES), (
        "docs/rules.md is stale: run `assemblint rules --format markdown > docs/rules.md`"
    )


@pytest.mark.parametrize("rule", FAMILY_RULES, ids=lambda r: r.id)
def test_a_family_rule_has_a_full_page(rule) -> None:
    assert len(rule.doc.split()) >= 60, "what it checks and why (the physics)"
    assert "seed" in rule.source or "JEDEC" in rule.source or "LANGUAGE.md" in rule.source
    assert rule.examples.get("fires") and rule.examples.get("passes")
    for name, schema in rule.params.items():
        assert schema.get("description"), f"parameter {name} is not described"


@pytest.mark.parametrize("rule", FAMILY_RULES, ids=lambda r: r.id)
def test_the_fires_example_fires_and_the_other_does_not(rule) -> None:
    fired = example_findings(rule, "fires")
    assert fired and all(f" {rule.id} " in line for line in fired)
    assert example_findings(rule, "passes") == []


def test_every_installed_rule_passes_its_own_examples(capsys) -> None:
    """`assemblint rules --verify`: core and third-party rules alike (ESLint's RuleTester, semgrep --test)."""
    assert cli.main(["rules", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and "no examples" not in out
    assert out.rstrip().endswith("every rule's examples behave as documented")
    assert "MH003    ok" in out and "WV002    ok" in out


def test_verify_fails_a_rule_whose_example_does_not_fire(monkeypatch, capsys) -> None:
    from conftest import OTHER_PLUGINS

    import assemblint

    @assemblint.rule(
        id="TST900", name="never", severity="warning", examples={"fires": "use std\n", "passes": "use std\n"}
    )
    def never(ctx):
        return []

    class Plugin:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [never]

    monkeypatch.setattr(cli, "_host", lambda flags: PluginHost.create(disable=OTHER_PLUGINS, extra=[("t", Plugin())]))
    assert cli.main(["rules", "--verify"]) == 1
    out = capsys.readouterr().out
    assert "TST900   FAIL: the `fires` example gives no TST900 finding" in out
    assert out.rstrip().endswith("1 rule(s) failed their examples")


def test_explain_prints_the_page_with_what_the_example_reports(capsys) -> None:
    assert cli.main(["explain", "mh003"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("MH003 unintended-remelt: error by default (Melting hierarchy, plugin `melting`)")
    assert "Step soldering builds an assembly with a hierarchy of melting points" in out
    assert "Source: seed 001" in out
    assert "min_margin: temperature difference (K), default 0 K" in out  # CHECKS.md v2
    assert "which reports:" in out and "the `mount` step reaches 245 °C, above the 183 °C melting point" in out


def test_explain_says_when_a_rule_has_no_parameters(capsys) -> None:
    assert cli.main(["explain", "MH004"]) == 0
    assert "Parameters: none." in capsys.readouterr().out


def test_explain_lists_parameters_with_units_and_defaults(capsys) -> None:
    assert cli.main(["explain", "CT004"]) == 0
    out = capsys.readouterr().out
    assert "min_thickness: length (µm), default 50 um — the thinnest containing layer" in out
    assert "max_thickness: length (µm), default 250 um" in out


def test_explain_shows_the_deck_an_example_needs(capsys) -> None:
    assert cli.main(["explain", "MH011"]) == 0
    out = capsys.readouterr().out
    assert 'max_melt = "65 C"' in out
    assert "In52Sn48 in m[0:4] melts at 118 °C, above the maximum of 65 °C" in out
