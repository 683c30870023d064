"""WV002 waiver-unused: a current waiver that matched no finding is stale."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import Finding, RuleContext, Severity, rule

from ._examples import REMELT, waiver_text

REVIEW_RULES = {"WV001", "WV002"}  # this plugin's rules: they run after waivers are applied


@rule(
    id="WV002",
    name="waiver-unused",
    severity=Severity.INFO,
    phase="review",
    source="CHECKS.md (Waivers)",
    examples={
        "fires": REMELT + 'waive MH003 on b[0:2] because "half of them were reviewed"\n',
        "passes": REMELT + 'waive MH003 on b[*] because "all of them were reviewed"\n',
    },
    doc="""
    A current (not expired) waiver matched no finding.

    A waiver that waives nothing is stale: the finding was fixed, the objects were renamed, the
    rule id is wrong, or the pattern never matched (a waiver must cover every object of a finding, so `m[0:50]` does not
    waive a finding about `m[0:100]`). Remove it, or correct its pattern: a stale waiver is
    how a future finding gets waived without review. A waiver of a rule that did not run in this
    check (not selected, or disabled by the deck) is not judged.
    """,
)
def waiver_unused(ctx: RuleContext) -> Iterator[Finding]:
    for use in ctx.waiver_uses:
        waiver = use.waiver
        if use.expired or use.matched:
            continue
        if waiver.rule not in ctx.rules_known:
            yield ctx.finding(
                f"the waiver {waiver_text(waiver)} names no installed rule: check the id",
                location=waiver.loc,
                data={"rule": waiver.rule, "patterns": list(waiver.patterns)},
                cause=f"unknown {waiver.rule} {' '.join(waiver.patterns)}",
            )
        elif waiver.rule in ctx.rules_ran or waiver.rule in REVIEW_RULES:
            # a rule that did not run (not selected, disabled) tells nothing; the waiver rules' own
            # findings come after waivers are applied, so a waiver of WV001 or WV002 never waives
            yield ctx.finding(
                f"the waiver {waiver_text(waiver)} matched no finding of {waiver.rule}: "
                "remove it or correct its patterns",
                location=waiver.loc,
                data={"rule": waiver.rule, "patterns": list(waiver.patterns)},
                cause=f"unused {waiver.rule} {' '.join(waiver.patterns)}",
            )
