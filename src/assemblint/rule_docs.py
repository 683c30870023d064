"""A rule's documentation, from the rule's own declaration: `assemblint explain` and docs/rules.md.

One renderer for both, so the terminal and the reference never disagree. The examples are run:
the page shows what the "fires" example actually reports, so a stale example is visible (and
tests/checking/test_rule_docs.py fails on one that no longer fires).
"""

from __future__ import annotations

import inspect
import tempfile
import textwrap
from pathlib import Path

from assemblint.base.units import BASE_UNIT
from assemblint.checking.rules import Rule
from assemblint.checking.tiling import EACH, Reduction

FAMILY_TITLES = {
    "MH": "Melting hierarchy",
    "CT": "Mass containment",
    "IN": "Insulation between masses",
    "CTE": "CTE matching",
    "WV": "Waivers",
}


def parameters(rule: Rule) -> list[str]:
    """`name: a temperature difference (K), default 10 K — what it means` per parameter."""
    out = []
    for name, schema in rule.params.items():
        dim = schema.get("quantity")
        kind = f"{dim} ({BASE_UNIT.get(dim) or 'number'})" if dim else schema.get("type", "value")
        default = schema.get("default", "unset (not checked)")
        description = f" — {schema['description']}" if schema.get("description") else ""
        out.append(f"{name}: {kind}, default {default}{description}")
    return out


def example_findings(rule: Rule, key: str, host=None) -> list[str] | None:
    """The messages this rule reports on its own example (None if the example cannot be run)."""
    from assemblint.api import check

    text = rule.examples.get(key)
    if not text:
        return None
    with tempfile.TemporaryDirectory() as folder:
        design = Path(folder) / "example.assy"
        design.write_text(textwrap.dedent(text), encoding="utf-8")
        deck = None
        if rule.examples.get("deck"):
            deck = Path(folder) / "deck.toml"
            deck.write_text(f'[deck]\nname = "example"\n{rule.examples["deck"]}\n', encoding="utf-8")
        try:
            # a review-phase rule (the waiver rules) judges the other rules' findings: run them all
            select = [] if rule.phase == "review" else [rule.id]
            report = check(design, deck=str(deck) if deck else None, select=select, host=host)
        except Exception:  # an example is documentation: never let it break `explain`
            return None
    if report.errors:
        return None
    return [
        f"{f.location.line}:{f.location.column}: {f.rule} [{f.severity.value}] {f.message}"
        for f in report.findings
        if f.rule == rule.id
    ]


def on_tiles(rule: Rule) -> str:
    """How the rule runs when a design is checked as tiles (`Rule.tiles`)."""
    if rule.tiles == EACH:
        return "on every tile; its findings are united, each object's where the tile's core holds it."
    if isinstance(rule.tiles, Reduction):
        return "a part on every tile, reduced exactly once in the run's process."
    return "once, on the whole design, in the run's process (a design it checks is built whole)."


def explain_text(rule: Rule, host=None, run_examples: bool = True) -> str:
    """The page `assemblint explain ID` prints."""
    family = FAMILY_TITLES.get(rule.family, rule.family)
    out = [f"{rule.id} {rule.name}: {rule.severity.value} by default ({family}, plugin `{rule.plugin}`)", ""]
    out.append(inspect.cleandoc(rule.doc))
    if rule.source:
        out += ["", textwrap.fill("Source: " + rule.source, 100, subsequent_indent="    ")]
    out += ["", textwrap.fill("On tiles (--tiles): " + on_tiles(rule), 100, subsequent_indent="    ")]
    out += [
        "",
        "Parameters (set them in a rule deck, [rules." + rule.id + "]):" if rule.params else "Parameters: none.",
    ]
    out += ["  " + line for line in parameters(rule)]
    if rule.examples.get("deck"):
        out += ["", "With this deck:", textwrap.indent(rule.examples["deck"].strip(), "    ")]
    for label, key in (("Fires on", "fires"), ("Does not fire on", "passes")):
        if not rule.examples.get(key):
            continue
        out += ["", f"{label}:", textwrap.indent(textwrap.dedent(rule.examples[key]).strip(), "    ")]
        if run_examples:
            found = example_findings(rule, key, host)
            if found:
                out += ["  which reports:"] + [
                    textwrap.fill(m, 100, initial_indent="    ", subsequent_indent="      ") for m in found
                ]
    return "\n".join(out)


def reference_markdown(rules: list[Rule], host=None) -> str:
    """docs/rules.md: every rule's page, by family, generated from the rules themselves."""
    out = [
        "# Rule reference",
        "",
        "Generated from the rules' own declarations by `assemblint rules --format markdown`; do not",
        "edit by hand (tests/checking/test_rule_docs.py checks that it is current). `assemblint explain ID`",
        "prints the same page in a terminal.",
        "",
        "| id | name | severity | plugin | summary |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        out.append(
            f"| [{rule.id}](#{rule.id.lower()}) | {rule.name} | {rule.severity.value} | {rule.plugin} | "
            f"{rule.summary} |"
        )
    family = None
    for rule in rules:
        if rule.family != family:
            family = rule.family
            out += ["", f"## {rule.family}: {FAMILY_TITLES.get(rule.family, rule.plugin)}"]
        out += [
            "",
            f"### {rule.id}",
            "",
            f"**{rule.name}**, {rule.severity.value} by default, plugin `{rule.plugin}`.",
            "",
        ]
        out.append(inspect.cleandoc(rule.doc))
        if rule.source:
            out += ["", f"*Source:* {rule.source}"]
        out += ["", f"*On tiles* (`--tiles`, [tiles.md](tiles.md)): {on_tiles(rule)}"]
        if rule.params:
            out += ["", "*Parameters:*", ""] + [
                f"- `{line.split(':', 1)[0]}`:{line.split(':', 1)[1]}" for line in parameters(rule)
            ]
        if rule.examples.get("deck"):
            out += ["", "With this deck:", "", "```toml", rule.examples["deck"].strip(), "```"]
        for label, key in (("Fires on", "fires"), ("Does not fire on", "passes")):
            if rule.examples.get(key):
                out += ["", f"{label}:", "", "```", textwrap.dedent(rule.examples[key]).strip(), "```"]
                found = example_findings(rule, key, host) if key == "fires" else None
                if found:
                    out += ["", "which reports:", ""] + [f"> {m}" for m in found]
    return "\n".join(out) + "\n"
