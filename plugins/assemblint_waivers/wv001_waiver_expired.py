"""WV001 waiver-expired: a waiver whose `until` date has passed no longer waives anything."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import Finding, RuleContext, Severity, rule

from ._examples import REMELT, waiver_text


@rule(
    id="WV001",
    name="waiver-expired",
    severity=Severity.WARNING,
    phase="review",
    source="CHECKS.md (Waivers); LANGUAGE.md `waive … until DATE`",
    examples={
        "fires": REMELT + 'waive MH003 on b[*] because "reviewed at the 2019 PDR" by "pkg team" until 2020-06-30\n',
        "passes": REMELT + 'waive MH003 on b[*] because "reviewed at PDR" by "pkg team" until 2999-12-31\n',
    },
    doc="""
    A waiver's `until` date has passed: it no longer waives anything, and the findings it used
    to waive count again.

    A waiver records a decision made at a review, for a time: until the next revision, until a
    qualification lot is through. When the date passes, the decision must be made again — renew
    the waiver with a new date and a reason, or fix what it waived. The waiver is good through
    its `until` day and expired from the day after. Runs can be pinned to a date with
    `ASSEMBLINT_TODAY=YYYY-MM-DD`.
    """,
)
def waiver_expired(ctx: RuleContext) -> Iterator[Finding]:
    for use in ctx.waiver_uses:
        waiver = use.waiver
        if use.expired:
            yield ctx.finding(
                f"the waiver {waiver_text(waiver)} expired on {waiver.until}; it no longer waives anything "
                f"(reason given: {waiver.reason!r})",
                location=waiver.loc,
                data={"rule": waiver.rule, "until": waiver.until, "patterns": list(waiver.patterns)},
                cause=f"expired {waiver.rule} {' '.join(waiver.patterns)}",
            )
