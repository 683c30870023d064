"""Waivers: `waive` statements and `--waivers FILE`, matched against findings, and how each was used.

A waiver names a rule and patterns (`m[*]`, `units[*].n`, `die`, `m` for every member of the
array `m`). It waives a finding of that rule when **every** object the finding names is covered
by its patterns (`m[0:50], m[50:100]` together cover `m[0:100]`): a waiver for `m[0:50]` alone
does not waive a finding about `m[0:100]`, because half of what it reports was not reviewed.
A waived finding stays in the report, marked, with the waiver's reason, owner and expiry; it no
longer fails the run.

A waiver is current through its `until` date and expired from the day after. Expired waivers
waive nothing and are reported (the `waivers` plugin); current waivers that matched no finding are reported
(the same plugin), so a stale waiver cannot hide. The date is `date.today()`, or `ASSEMBLINT_TODAY`
(YYYY-MM-DD) for reproducible runs, or the `today` the API is given.

The rules that report expired and unused waivers (the `waivers` plugin, plugins/assemblint_waivers)
run in the review phase: the engine runs them after waivers have been applied to the other rules'
findings, and they read `ctx.waiver_uses` and `ctx.today`. This module knows no rule.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

from assemblint.base.diagnostics import Location, split_lines
from assemblint.base.inputs import InputFileError, parse_toml, read_text, shown_path
from assemblint.base.limits import DEFAULT_MAX_FILE_SIZE
from assemblint.checking.findings import Finding
from assemblint.model.assembly import Waiver

_SEGMENT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\[(?P<index>[^\]]*)\])?")
EVERY = (0, float("inf"))


class WaiverFileError(Exception):
    """A waivers file that cannot be used: exit 2 with the file and what is wrong."""


def today(given: dt.date | None = None) -> dt.date:
    """The date waivers are judged on: the one given, `ASSEMBLINT_TODAY`, or the system's."""
    if given is not None:
        return given
    text = os.environ.get("ASSEMBLINT_TODAY")
    if text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise WaiverFileError(f"ASSEMBLINT_TODAY={text!r} is not a date (YYYY-MM-DD)") from None
    return dt.date.today()


def expired(waiver: Waiver, on: dt.date) -> bool:
    """A waiver is good through its `until` day."""
    return waiver.until is not None and dt.date.fromisoformat(waiver.until) < on


# ---------------------------------------------------------------------------------------- matching
Segment = tuple[str, tuple[float, float] | None]


def segments(text: str) -> list[Segment] | None:
    """`units[0:6].m[0:4]` -> [("units", (0, 6)), ("m", (0, 4))]; None if it is not a name."""
    out: list[Segment] = []
    for part in _split_dots(text):
        match = _SEGMENT.fullmatch(part)
        if not match:
            return None
        index = match["index"]
        if index is None:
            out.append((match["name"], None))
        elif index.strip() == "*":
            out.append((match["name"], EVERY))
        elif ":" in index:
            lo, _, hi = index.partition(":")
            try:
                out.append((match["name"], (int(lo or 0), int(hi) if hi.strip() else float("inf"))))
            except ValueError:
                return None
        else:
            try:
                out.append((match["name"], (int(index), int(index) + 1)))
            except ValueError:
                return None
    return out


def _split_dots(text: str) -> list[str]:
    """Split on dots outside brackets."""
    parts, depth, current = [], 0, ""
    for char in text.strip():
        depth += char == "["
        depth -= char == "]"
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return parts


def covers(pattern: str, name: str) -> bool:
    """Does a waiver pattern cover an object name (every member it stands for)?"""
    want, got = segments(pattern), segments(name)
    if want is None or got is None or len(want) != len(got):
        return False
    for (want_name, want_index), (got_name, got_index) in zip(want, got, strict=True):
        if want_name != got_name:
            return False
        if want_index is None or want_index == EVERY:
            continue  # `m` and `m[*]` cover every member
        if got_index is None or not (want_index[0] <= got_index[0] and got_index[1] <= want_index[1]):
            return False
    return True


def covered_together(patterns: list[str], name: str) -> bool:
    """Do the patterns cover every member of `name` between them? `b[0:2], b[2:4]` covers `b[0:4]`.

    One pattern covering it all is enough; otherwise the patterns that cover the name's leading
    segments must, together, cover the index range of its last segment.
    """
    if any(covers(p, name) for p in patterns):
        return True
    got = segments(name)
    if not got or got[-1][1] is None:
        return False
    head = ".".join(_split_dots(name)[:-1])
    wanted_lo, wanted_hi = got[-1][1]
    ranges = []
    for pattern in patterns:
        want = segments(pattern)
        if want is None or len(want) != len(got) or want[-1][0] != got[-1][0]:
            continue
        if head and not covers(".".join(_split_dots(pattern)[:-1]), head):
            continue
        ranges.append(want[-1][1] or EVERY)
    reach = wanted_lo
    for lo, hi in sorted(ranges):
        if lo > reach:
            break
        reach = max(reach, hi)
    return reach >= wanted_hi


def waives(waiver: Waiver, finding: Finding) -> bool:
    """Every object the finding names is covered by the waiver's patterns (one, or several together)."""
    if waiver.rule != finding.rule or not finding.object_names:
        return False
    return all(covered_together(waiver.patterns, name) for name in finding.object_names)


@dataclass
class WaiverUse:
    """How one waiver was used on one design: expired, the findings it matched, and whether its rule
    ran there (a waiver of a rule that did not run, not selected or disabled, tells nothing)."""

    waiver: Waiver
    expired: bool
    matched: int = 0
    rule_ran: bool = True


def apply(findings: list[Finding], waivers: list[Waiver], on: dt.date) -> list[WaiverUse]:
    """Mark the findings that current waivers cover; return how each waiver was used.

    Through an index, by rule and then by object (`_Patterns`): a finding meets only its rule's
    waivers, and a name only the patterns of its shape, so 10,000 patterns cost what one does.
    The result is what `waives` gives for each finding and waiver, in the same order.
    """
    uses = [WaiverUse(w, expired(w, on)) for w in waivers]
    by_rule: dict[str, list[tuple[WaiverUse, _Patterns]]] = {}
    for use in uses:
        if not use.expired:
            by_rule.setdefault(use.waiver.rule, []).append((use, _Patterns(use.waiver.patterns)))
    for finding in findings:
        candidates = by_rule.get(finding.rule)
        if not candidates or not finding.object_names:
            continue
        names = [(name, segments(name)) for name in finding.object_names]
        for use, patterns in candidates:
            if not all(patterns.cover(name, got) for name, got in names):
                continue
            use.matched += 1
            if not finding.waived:
                finding.waived = True
                finding.waiver = describe(use.waiver)
            break
    return uses


class _Patterns:
    """One waiver's patterns, parsed once and indexed by the shape of the names they can cover
    (how many segments, and the last one's name), then by the rest of the pattern: per shape and
    head, whether a pattern stands for every member, and the index ranges merged into disjoint
    runs. `cover(name)` is `covered_together(patterns, name)`, in time independent of how many
    patterns share a shape."""

    def __init__(self, patterns: list[str]):
        heads: dict[tuple[int, str], dict[str, tuple[list[Segment], list[tuple[float, float]], bool]]] = {}
        for pattern in patterns:
            want = segments(pattern)
            if not want:
                continue
            head_text = ".".join(_split_dots(pattern)[:-1])
            entry = heads.setdefault((len(want), want[-1][0]), {}).setdefault(head_text, (want[:-1], [], False))
            index = want[-1][1]
            entry[1].append(index or EVERY)
            if index is None or index == EVERY:
                heads[(len(want), want[-1][0])][head_text] = (entry[0], entry[1], True)
        self.shapes = {
            shape: [(head, _merged(ranges), whole) for head, ranges, whole in by_head.values()]
            for shape, by_head in heads.items()
        }

    def cover(self, name: str, got: list[Segment] | None) -> bool:
        if not got:
            return False
        if got[-1][1] is not None and got[-1][1][1] <= got[-1][1][0]:
            return True  # an empty range (`m[3:3]`) has no member left uncovered, as in `covered_together`
        found = self.shapes.get((len(got), got[-1][0]))
        if not found:
            return False
        mine = [(runs, whole) for head, runs, whole in found if _covers_segments(head, got[:-1])]
        wanted = got[-1][1]
        if wanted is None:  # `m` itself: only a pattern for every member of `m` covers it
            return any(whole for _, whole in mine)
        runs = _merged([run for some, _ in mine for run in some]) if len(mine) > 1 else (mine[0][0] if mine else [])
        at = bisect.bisect_right(runs, (wanted[0], float("inf"))) - 1
        return at >= 0 and runs[at][0] <= wanted[0] and runs[at][1] >= wanted[1]


def _merged(ranges: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Index ranges as disjoint runs, in order; ranges that touch (`0:2`, `2:4`) join."""
    out: list[tuple[float, float]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _covers_segments(want: list[Segment], got: list[Segment]) -> bool:
    """`covers` on parsed names of one length."""
    for (want_name, want_index), (got_name, got_index) in zip(want, got, strict=True):
        if want_name != got_name:
            return False
        if want_index is None or want_index == EVERY:
            continue
        if got_index is None or not (want_index[0] <= got_index[0] and got_index[1] <= want_index[1]):
            return False
    return True


def describe(waiver: Waiver) -> dict:
    """The waiver as a report shows it beside the finding it waives."""
    return {
        "rule": waiver.rule,
        "on": list(waiver.patterns),
        "reason": waiver.reason,
        "by": waiver.by,
        "until": waiver.until,
        "location": waiver.loc.to_json(),
    }


# ---------------------------------------------------------------------------------------- the file
FILE_FIELDS = {"rule", "on", "because", "by", "until"}
_HEADER = re.compile(r"\s*\[\[\s*waiver\s*\]\]")  # TOML allows `[[ waiver ]]`


def load_file(path: str | Path, max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> list[Waiver]:
    """`--waivers FILE`: `[[waiver]]` tables with rule, on (a list of patterns), because, by, until.

    Read as carefully as a design (base/inputs.py): a regular file only, at most `max_bytes`, UTF-8,
    TOML errors at their line and column; a field's error names the waiver and its line."""
    path = Path(path)
    shown = shown_path(path)
    try:
        text = read_text(path, "the waivers file", max_bytes)
        data = parse_toml(path, text, "the waivers file")
    except InputFileError as error:
        raise WaiverFileError(str(error)) from None
    unknown = set(data) - {"waiver"}
    if unknown:
        raise WaiverFileError(f"{shown}: unknown key {sorted(unknown)[0]!r}; a waivers file holds [[waiver]] tables")
    entries = data.get("waiver", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise WaiverFileError(f"{shown}: `waiver` must be [[waiver]] tables (rule, on, because, by, until)")
    lines = [i + 1 for i, line in enumerate(split_lines(text)) if _HEADER.match(line)]
    out = []
    for n, entry in enumerate(entries):
        where = f"{shown}:{lines[n] if n < len(lines) else 1}:1: waiver {n + 1}"
        extra = set(entry) - FILE_FIELDS
        if extra:
            raise WaiverFileError(
                f"{where}: unknown field {sorted(extra)[0]!r}; known: {', '.join(sorted(FILE_FIELDS))}"
            )
        for required in ("rule", "on", "because"):
            if required not in entry:
                raise WaiverFileError(
                    f"{where}: `{required}` is required (a waiver needs a rule, patterns and a reason)"
                )
        if not isinstance(entry["rule"], str) or not entry["rule"].strip():
            raise WaiverFileError(f'{where}: `rule` must be a rule id, as text, such as rule = "AB001"')
        if entry.get("by") is not None and not isinstance(entry["by"], str):
            raise WaiverFileError(f"{where}: `by` must say who, as text")
        patterns = entry["on"] if isinstance(entry["on"], list) else [entry["on"]]
        if not all(isinstance(p, str) and segments(p) is not None for p in patterns):
            raise WaiverFileError(f'{where}: `on` takes object patterns such as "m[*]" or "units[*].n"')
        if not isinstance(entry["because"], str) or not entry["because"].strip():
            raise WaiverFileError(f"{where}: `because` must give the reason, as text")
        until = entry.get("until")
        if isinstance(until, dt.datetime | dt.time):
            raise WaiverFileError(f"{where}: `until` must be a date such as 2027-06-30, not a date and time")
        if isinstance(until, dt.date):
            until = until.isoformat()
        elif until is not None:
            try:
                until = dt.date.fromisoformat(str(until)).isoformat()
            except ValueError:
                raise WaiverFileError(f"{where}: `until` must be a date such as 2027-06-30") from None
        line = lines[n] if n < len(lines) else 1
        out.append(
            Waiver(str(entry["rule"]), patterns, entry["because"], entry.get("by"), until, Location(str(path), line, 1))
        )
    return out
