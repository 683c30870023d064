"""The waiver rules WV001 (expired) and WV002 (unused), a plugin on the public hooks like any family.

Registered through the entry point `waivers` (pyproject.toml): `-p no:waivers` drops them. The core
applies waivers and records how each was used (assemblint.checking.waivers); these rules report the
waivers that need a decision. A `--waivers FILE` waiver applies to every design of a run, so it is
judged on the run, not per design: `assemblint_run_findings` keeps one WV001 for it, and a WV002
only if no design used it.
"""

from __future__ import annotations

from collections.abc import Iterable

from assemblint import Finding, Rule, hookimpl
from assemblint.model.assembly import Waiver

from .wv001_waiver_expired import waiver_expired
from .wv002_waiver_unused import waiver_unused

RULES: list[Rule] = [waiver_expired, waiver_unused]
IDS = {r.id for r in RULES}


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES


@hookimpl
def assemblint_run_findings(findings: list[Finding], run_waivers: list[Waiver]) -> Iterable[Finding]:
    """The repeats of a run-wide waiver's WV001 and WV002 findings (one per design), and its WV002
    where some design used it: the findings to drop."""
    if not run_waivers:
        return []
    files = {w.loc.path for w in run_waivers}
    used = {(f.waiver["location"]["path"], f.waiver["location"]["line"]) for f in findings if f.waiver}
    seen: set[tuple[str, str, int]] = set()
    dropped = []
    for finding in findings:
        loc = finding.location
        if finding.rule in IDS and loc.path in files:
            key = (finding.rule, loc.path, loc.line)
            if key in seen or (finding.rule == "WV002" and (loc.path, loc.line) in used):
                dropped.append(finding)
                continue
            seen.add(key)
    return dropped
