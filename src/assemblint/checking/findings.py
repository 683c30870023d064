"""Findings: what a rule reports, aggregated one per rule, declaration and cause.

A rule may report one finding per offending mass or one for a whole selection; either way the
engine merges findings that share rule, location and cause, and names their objects compactly
(`m[0:100]`, `units[0:600].m[0:1600]`) with a `count`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assemblint.base.diagnostics import Location
from assemblint.checking.rules import Severity
from assemblint.model.assembly import (
    Element,
    Layer,
    LeadGroup,
    Mass,
    MassGroup,
    Material,
    NetGroup,
    Pad,
    PadArray,
    Selection,
    Step,
)
from assemblint.model.hierarchy import Represented

_GROUP_TYPES = (MassGroup, LeadGroup, NetGroup, PadArray)

OBJECTS = "{objects}"  # in a finding's message: replaced by the merged finding's compact object names


def objects_phrase(names: list[str], most: int = 3) -> str:
    """`m[0:100]`, `a, b and c`, `a, b and 7 more`: the objects as a message names them."""
    if len(names) <= most:
        return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
    return f"{', '.join(names[: most - 1])} and {len(names) - most + 1} more"


@dataclass
class Objects:
    """A set of objects a finding concerns: members of groups by index, and named objects."""

    members: dict[int, tuple[Any, set[int] | None]] = field(default_factory=dict)  # id(group) -> (group, idx)
    names: dict[str, Any] = field(default_factory=dict)  # name -> object (elements, layers, …)

    def add(self, item: Any) -> None:
        if isinstance(item, Mass):
            self._add_index(item.group, [item.index])
        elif isinstance(item, Pad):
            self._add_index(item.array, [item.index])
        elif isinstance(item, Selection):
            if isinstance(item.target, _GROUP_TYPES):
                self._add_index(item.target, None if item.index is None else item.index.tolist())
            else:
                self.add(item.target)
        elif isinstance(item, _GROUP_TYPES):
            self._add_index(item, None)
        elif isinstance(item, Element | Layer | Material | Step):
            self.names[item.name] = item
        elif isinstance(item, str):
            self.names[item] = item
        elif isinstance(item, Iterable):
            for inner in item:
                self.add(inner)
        else:
            self.names[str(item)] = item

    def _add_index(self, group: Any, index: list[int] | None) -> None:
        key = id(group)
        if key not in self.members:
            self.members[key] = (group, None if index is None else set(index))
            return
        _, current = self.members[key]
        if current is None:
            return
        if index is None or (
            len(current) + len(index) >= group.count and set(index) | current == set(range(group.count))
        ):
            self.members[key] = (group, None)
        else:
            current.update(index)

    def merge(self, other: Objects) -> None:
        for group, index in other.members.values():
            self._add_index(group, None if index is None else list(index))
        self.names.update(other.names)

    @property
    def count(self) -> int:
        total = len(self.names)
        for group, index in self.members.values():
            total += group.count if index is None else len(index)
        return total

    def first_location(self) -> Location | None:
        for group, _ in self.members.values():
            return group.loc
        for obj in self.names.values():
            loc = getattr(obj, "loc", None)
            if isinstance(loc, Location):
                return loc
        return None

    def compact(self, represented: Represented | None = None) -> list[str]:
        """Names with ranges: `m[0:100]`, `x`, `units[0:600].m[0:1600]`, then named objects.

        `represented`: a placed-cell representative's objects are named for every instance it
        stands for (hierarchy.py), so the names equal those of a flat run.
        """
        expand = represented.expand if represented else _alone
        per_group: list[tuple[str, tuple[str, ...]]] = []
        labelled: list[str] = []
        for group, index in self.members.values():
            name = _group_name(group)
            labels = getattr(group, "labels", None)
            if labels is not None and not isinstance(group, PadArray):  # nets named by a bump map: by name
                labelled.extend(labels[i] for i in (range(group.count) if index is None else sorted(index)))
                continue
            if not getattr(group, "indexed", True):
                runs: tuple[str, ...] = ("",)
            elif index is None:  # the whole group: no need to look at each index
                whole = "[0]" if group.count == 1 else f"[0:{group.count}]"
                runs = (whole,) if group.count else ()
            else:
                runs = tuple(_runs(np.array(sorted(index), dtype=np.int64)))
            per_group.extend((full, runs) for full in expand(name))
        out = _merge_instances(per_group)
        named = _merge_instances([(full, ("",)) for name in [*self.names, *labelled] for full in expand(name)])
        return sorted(out, key=_natural) + sorted(named, key=_natural)

    def weighted_count(self, represented: Represented | None = None) -> int:
        """The count, with each representative's objects counted once per instance it stands for."""
        if not represented:
            return self.count
        total = sum(represented.weight(name) for name in self.names)
        for group, index in self.members.values():
            name = _group_name(group)
            total += (group.count if index is None else len(index)) * represented.weight(name)
        return total


def _group_name(group: Any) -> str:
    """A group's name as findings write it: a pad array's with its element (`die.c`)."""
    return group.qualified_name if isinstance(group, PadArray) else group.name


def _alone(name: str) -> list[str]:
    return [name]


def _runs(indices: np.ndarray) -> list[str]:
    """[0 1 2 5] -> ["[0:3]", "[5]"]: half-open ranges, as the language's slices."""
    if len(indices) == 0:
        return []
    breaks = np.flatnonzero(np.diff(indices) != 1) + 1
    starts = np.concatenate([[0], breaks])
    stops = np.concatenate([breaks, [len(indices)]])
    out = []
    for s, e in zip(starts.tolist(), stops.tolist(), strict=True):
        lo, hi = int(indices[s]), int(indices[e - 1])
        out.append(f"[{lo}]" if lo == hi else f"[{lo}:{hi + 1}]")
    return out


_LEVEL = re.compile(r"\[(\d+(?::\d+)?)\]\.")  # an instance level of a name: `units[4].`, once merged `units[0:6].`


def _merge_instances(per_group: list[tuple[str, tuple[str, ...]]]) -> list[str]:
    """`units[0].m[…]`, `units[1].m[…]` with the same runs become `units[0:2].m[…]`.

    Levels merge from the innermost out, so nested placements (`units[0:6].sub[0:4].m`) compact too.
    """
    entries = [(_LEVEL.split(name), runs) for name, runs in per_group]  # text, level, text, …, tail
    depth = max((len(parts) // 2 for parts, _ in entries), default=0)
    for level in range(depth - 1, -1, -1):
        k = 2 * level + 1
        keyed: dict[tuple, list[int]] = {}
        merged: list[tuple[list[str], tuple[str, ...]]] = []
        for parts, runs in entries:
            if k >= len(parts) or ":" in parts[k]:
                merged.append((parts, runs))
            else:
                keyed.setdefault((tuple(parts[:k]), tuple(parts[k + 1 :]), runs), []).append(int(parts[k]))
        for (head, tail, runs), instances in keyed.items():
            for inst in _runs(np.array(sorted(instances), dtype=np.int64)):
                merged.append(([*head, inst[1:-1], *tail], runs))
        entries = merged
    return [_join_levels(parts) + r for parts, runs in entries for r in runs]


def _join_levels(parts: list[str]) -> str:
    out = parts[0]
    for i in range(1, len(parts), 2):
        out += f"[{parts[i]}]." + parts[i + 1]
    return out


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


@dataclass
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    location: Location
    objects: Objects
    data: dict[str, Any]
    cause: str
    plugin: str = ""
    waived: bool = False
    waiver: dict[str, Any] | None = None
    baseline: bool = False
    fingerprint: str = ""
    object_names: list[str] = field(default_factory=list)
    counted: int | None = None  # what the finding counts when not its objects (a pair rule: pairs)
    object_count: int | None = None  # its objects counted, every represented instance included (finalize)

    @property
    def count(self) -> int:
        if self.counted is not None:
            return self.counted
        return self.objects.count if self.object_count is None else self.object_count

    @property
    def bucket(self) -> str:
        """Where the summary counts it: `waived`, `baseline`, or its severity."""
        return "waived" if self.waived else "baseline" if self.baseline else self.severity.value

    def finalize(self, design_path: str, represented: Represented | None = None) -> None:
        """Name the objects compactly, put them in the message for `{objects}`, and fingerprint.

        `represented`: the design's placed-cell representatives (hierarchy.py), named and counted
        for every instance they stand for."""
        self.object_names = self.objects.compact(represented)
        self.object_count = self.objects.weighted_count(represented)
        if OBJECTS in self.message:
            self.message = self.message.replace(OBJECTS, objects_phrase(self.object_names))
        key = json.dumps([self.rule, design_path, self.cause, self.object_names], sort_keys=True)
        self.fingerprint = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.rule, _natural(",".join(self.object_names)), self.message)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "location": self.location.to_json(),
            "objects": self.object_names,
            "count": self.count,
            "data": _jsonable(self.data),
            "waived": self.waived,
            "fingerprint": self.fingerprint,
        }
        if self.waiver is not None:
            out["waiver"] = self.waiver
        if self.baseline:
            out["baseline"] = True
        return out


def aggregate(findings: list[Finding]) -> list[Finding]:
    """Merge findings of one rule at one location with one cause into one, objects united."""
    merged: dict[tuple, Finding] = {}
    for finding in findings:
        loc = finding.location
        key = (finding.rule, loc.path, loc.line, loc.column, finding.cause, finding.severity)
        existing = merged.get(key)
        if existing is None:
            merged[key] = finding
        else:
            existing.objects.merge(finding.objects)
            if existing.counted is not None or finding.counted is not None:
                existing.counted = (existing.counted or 0) + (finding.counted or 0)
    return list(merged.values())


def _jsonable(value: Any) -> Any:
    """Data in JSON terms: numpy scalars to Python, non-finite floats to strings, keys sorted."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return round(value, 9)
    if isinstance(value, str | int | bool) or value is None:
        return value
    return str(value)
