"""The rule context `ctx`: what a rule sees of the design and how it reports."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

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

    def __init__(
        self, assembly: Assembly, rule: Rule, params: dict[str, Any], severity: Severity, review=None, tile=None
    ):
        self.assembly = assembly
        #: on a tile of `--tiles` (model/tiles.py `Tile`): its objects' global ids and which lie in
        #: its core; None when the rule sees the whole design
        self.tile = tile
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
    def shared(self) -> Any:
        """On a tile of `--tiles`: what the rule's `Reduction.combine` made of every tile's
        `prepare` (checking/tiling.py); None on the whole design and for other rules."""
        return self.tile.shared.get(self.rule.id) if self.tile is not None else None

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
        self._check_arguments(message, data, severity, location, cause, count)
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

    def _check_arguments(self, message: Any, data: Any, severity: Any, location: Any, cause: Any, count: Any) -> None:
        """Every argument of `ctx.finding`, checked at the call: a malformed finding is the rule's
        fault (it crashes there, reported with its id), never a failure of the core's aggregation."""

        def wrong(argument: str, wanted: str, got: Any) -> FindingArgumentError:
            shown = repr(got)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            return FindingArgumentError(
                f"rule {self.rule.id}: ctx.finding(): `{argument}` must be {wanted}, got {type(got).__name__} {shown}"
            )

        if not isinstance(message, str):
            raise wrong("message", "a text (str)", message)
        if cause is not None and not isinstance(cause, str):
            raise wrong("cause", "a text (str) or None", cause)
        if severity is not None and severity not in _SEVERITIES and not isinstance(severity, Severity):
            raise wrong("severity", "a Severity or one of " + ", ".join(_SEVERITIES), severity)
        if count is not None and (isinstance(count, bool) or not isinstance(count, int | np.integer) or int(count) < 0):
            raise wrong("count", "a whole number of 0 or more, or None", count)
        if (
            location is not None
            and not isinstance(location, Location)
            and not isinstance(getattr(location, "loc", None), Location)
        ):
            raise wrong("location", "a Location or an object of the design (with a `.loc`)", location)
        if data is not None:
            if not isinstance(data, Mapping):
                raise wrong("data", "a mapping of names to numbers, texts, lists or mappings", data)
            bad = _not_plain(data, depth=0)
            if bad is not None:
                raise wrong(f"data[{bad[0]!r}]", "a number, text, bool, None, list or mapping", bad[1])


_SEVERITIES = tuple(s.value for s in Severity)


class FindingArgumentError(TypeError):
    """A rule called `ctx.finding` with an argument of the wrong kind (the rule is reported as crashed)."""


def _not_plain(value: Any, depth: int, key: str = "") -> tuple[str, Any] | None:
    """The first value in `data` that is not plain data (JSON's kinds, numpy scalars), with its key."""
    if depth > 32:
        return key, value
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                return str(k), k
            found = _not_plain(v, depth + 1, k if depth == 0 else f"{key}.{k}")
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for item in value:
            found = _not_plain(item, depth + 1, key)
            if found is not None:
                return found
        return None
    if value is None or isinstance(value, str | int | float | bool | np.generic):
        return None
    return key, value
