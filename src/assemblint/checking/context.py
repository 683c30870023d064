"""The rule context `ctx`: what a rule sees of the design and how it reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assemblint.analysis.timeline import Timeline, timeline_of
from assemblint.base.diagnostics import Location
from assemblint.checking.findings import Finding, Objects
from assemblint.checking.rules import Rule, Severity

if TYPE_CHECKING:
    import networkx as nx

    from assemblint.model.assembly import Assembly
    from assemblint.model.netlist import Netlist


class RuleContext:
    """`ctx.assembly`, `ctx.graph`, `ctx.netlist`, `ctx.timeline`, `ctx.params` and `ctx.finding(...)`."""

    def __init__(self, assembly: Assembly, rule: Rule, params: dict[str, Any], severity: Severity, review=None):
        self.assembly = assembly
        self.rule = rule
        self.params = params
        self.severity = severity
        review = review or {}
        #: review-phase rules only: the findings of the check phase (waivers applied), how each
        #: waiver was used (waivers.WaiverUse), and the date waivers are judged on
        self.findings: list[Finding] = review.get("findings", [])
        self.waiver_uses: list[Any] = review.get("waiver_uses", [])
        self.today = review.get("today")
        self.rules_ran: set[str] = review.get("ran", set())  # ids of the check-phase rules that ran
        self.rules_known: set[str] = review.get("known", set())  # ids of every installed rule

    @property
    def graph(self) -> nx.Graph:
        """The networkx netlist graph (built on first use; prefer `netlist` on large designs)."""
        return self.assembly.graph

    @property
    def netlist(self) -> Netlist:
        """The netlist as numpy arrays, with electrical nodes: the fast path for large designs."""
        assert self.assembly.netlist is not None
        return self.assembly.netlist

    @property
    def timeline(self) -> Timeline:
        """The thermal timeline shared by every rule: what exists, melts, joins, is contained, when."""
        return timeline_of(self.assembly)

    def finding(
        self,
        message: str,
        objects: Any = (),
        data: dict[str, Any] | None = None,
        severity: Severity | str | None = None,
        location: Location | Any = None,
        cause: str | None = None,
        count: int | None = None,
    ) -> Finding:
        """Make a finding. `objects`: masses, pads, groups, selections, elements, layers or names.

        Findings of one rule with the same location and `cause` (default: the message) are merged
        into one, so a rule may report per mass or per declaration; the objects are compacted.
        `location` is a Location or an object with `.loc`; default: the first object's declaration.
        `count`: what the finding counts when that is not its objects (a spacing rule counts pairs of masses).
        """
        found = Objects()
        found.add(objects)
        if location is not None and not isinstance(location, Location):
            location = getattr(location, "loc", None)
        loc = location or found.first_location() or Location(self.assembly.path, 1, 1)
        return Finding(
            rule=self.rule.id,
            name=self.rule.name,
            severity=Severity(severity) if severity is not None else self.severity,
            message=message,
            location=loc,
            objects=found,
            data=dict(data or {}),
            cause=cause if cause is not None else message,
            plugin=self.rule.plugin,
            counted=count,
        )
