"""The CTE rules' view of the joined pairs (assemblint.joints): a pair rule cannot run without an
operating range, and says so rather than passing.
"""

from __future__ import annotations

from assemblint import CannotRun, RuleContext
from assemblint.analysis.joints import JoinedPair, operating_moment
from assemblint.analysis.joints import joined_pairs as pairs_of
from assemblint.analysis.timeline import Moment, Timeline

NO_OPERATING_RANGE = "no operating range: give the process an `operate` range, or the elements `operating`"


def operating_range(tl: Timeline) -> Moment:
    """The range that decides whether a joint is solid (operate, else cycle); could-not-run without one."""
    moment = operating_moment(tl)
    if moment is None:
        raise CannotRun(NO_OPERATING_RANGE)
    return moment


def joined_pairs(ctx: RuleContext) -> list[JoinedPair]:
    """Every pair of elements joined directly by masses, with its rigid joints and mitigation."""
    operating_range(ctx.timeline)
    return pairs_of(ctx.assembly)


def pair_key(pair: JoinedPair) -> str:
    """The pair by declared names in name order: a finding's cause, so its fingerprint, stays the same
    when the design declares the two elements the other way round (CLI.md: stable across unrelated
    edits)."""
    return "–".join(sorted(element.name.rsplit(".", 1)[-1] for element in (pair.first, pair.second)))


def mitigation_note(pair: JoinedPair) -> str:
    """`; the underfill uf couples the elements: for review` (empty when nothing mitigates)."""
    if pair.mitigation is None:
        return ""
    return f"; the {pair.mitigation.role} {pair.mitigation.name.rsplit('.', 1)[-1]} couples the elements: for review"
