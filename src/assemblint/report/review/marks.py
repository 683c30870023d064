"""What a rule family tells the review report about its findings: the drawing contract.

The core names no rule family. A plugin declares each of its families with a `ReviewFamily`
from the `assemblint_review` hook (hookspecs.py): its id prefix and title (a row of the page's
summary and an entry of its filter), and per rule a *marker*, `marker(finding, assembly)`, that
returns what the pictures draw for one finding:

- `ObjectMark`: masses and pads to ring and number on the top views, with a label and a note
  for the key below the view; the masses, and the elements and layers it names, are also
  outlined on the side view of the stack;
- `PairMark`: the joined pairs of elements the finding concerns on the CTE map, with the
  figures it reports (strain, cycles to failure, the Δα limit).

A family may also give a *ladder* source, `ladder(assembly, findings)`, that returns the
`LadderLine`s it wants on the melting ladder: labelled temperatures (a limit the process must
stay at or below, a transition a material goes through) that belong to elements and layers,
drawn across the ladder and turned red when a step exceeds the limit or a finding of the line's
rule names one of its objects. The core knows no limit of its own: what a line means is the
family's label.

Whoever builds the page (`builtin.py` for the `html` format) calls the hook and hands the result,
a `Review`, to `page.write`; the pictures take it as an argument. So this module imports nothing
from the plugin machinery, and plugins import it when they load: it stays free of drawsvg and
Jinja2. Masses and pads are the global ids of `ctx.netlist`; `ObjectIds` turns object names
into them and `objects_of` gives a finding's own. docs/plugins.md documents the contract.
"""

from __future__ import annotations

import math
import re
import traceback
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from assemblint.checking.findings import Finding, Objects, objects_phrase
from assemblint.checking.problems import PluginProblem
from assemblint.model.assembly import Assembly, Element, Layer, MassGroup, NetGroup, PadArray
from assemblint.report.review.labels import num as number

__all__ = [
    "EMPTY",
    "LINE_KINDS",
    "LadderLine",
    "LadderSource",
    "Mark",
    "Marker",
    "ObjectIds",
    "ObjectMark",
    "PairMark",
    "Review",
    "ReviewFamily",
    "number",
    "objects_of",
]

EMPTY = np.zeros(0, dtype=np.int64)


def _ids(values: ArrayLike | None) -> np.ndarray:
    return EMPTY if values is None else np.asarray(values, dtype=np.int64).reshape(-1)


def _names(values: Collection[str] | str) -> tuple[str, ...]:
    """Names in a stable order, each once (a lone string is one name, not its letters)."""
    return (str(values),) if isinstance(values, str) else tuple(dict.fromkeys(str(v) for v in values))


@dataclass(frozen=True, eq=False)
class ObjectMark:
    """Masses and pads to mark on the top views of the pairs of elements they belong to, and
    masses, elements and layers to mark on the side view of the stack.

    The masses are ringed and the pads boxed, in red (grey when the finding is waived), and the
    mark is numbered; the key below the view reads `N  RULE label — note`. On the side view the
    masses' joints, the `elements` and the `layers` (by name, as `Element.name` and `Layer.name`
    write them) are outlined the same way; a name the design does not have is left out.
    """

    label: str  # what is marked: `x`, `z[0] – z[1]`, `n[8]`
    note: str  # why: a short sentence
    masses: ArrayLike = ()  # global mass ids to ring and number
    pads: ArrayLike = ()  # global pad ids to box
    link: tuple[int, int] | None = None  # two mass ids to join with a dashed line (a closest pair)
    others: ArrayLike | None = None  # further masses to ring thinly, unnumbered (the rest of the finding's)
    elements: Collection[str] = ()  # element names to outline on the side view
    layers: Collection[str] = ()  # layer names to outline on the side view

    def __post_init__(self) -> None:
        object.__setattr__(self, "masses", _ids(self.masses))
        object.__setattr__(self, "elements", _names(self.elements))
        object.__setattr__(self, "layers", _names(self.layers))
        object.__setattr__(self, "pads", _ids(self.pads))
        if self.others is not None:
            object.__setattr__(self, "others", _ids(self.others))
        if self.link is not None:
            object.__setattr__(self, "link", (int(self.link[0]), int(self.link[1])))

    @classmethod
    def of(cls, finding: Finding) -> ObjectMark:
        """The finding's own masses, pads, elements and layers, labelled with its objects, its
        message as the note."""
        masses, pads, named = objects_of(finding)
        label = objects_phrase(list(finding.object_names)) or finding.rule
        elements = [o.name for o in named if isinstance(o, Element)]
        layers = [o.name for o in named if isinstance(o, Layer)]
        return cls(label, finding.message, masses, pads, elements=elements, layers=layers)


@dataclass(frozen=True, eq=False)
class PairMark:
    """The directly joined pairs of elements a finding concerns, on the CTE map.

    A pair is concerned when one of `masses` joins it, or when both its elements are named in
    `elements`. Its row then takes the finding's severity (the worst of its findings, grey when
    all are waived), lists its rule, and shows the figures given here: the largest strain, the
    smallest number of cycles to failure, and the limits.
    """

    masses: ArrayLike = ()  # global mass ids: the pairs they join
    elements: Collection[str] = ()  # element names: every pair with both its elements named here
    strain: float | None = None  # shear strain of the joints (a fraction)
    strain_limit: float | None = None
    cycles: float | None = None  # cycles to failure
    cycles_needed: float | None = None
    delta_limit: float | None = None  # the Δα limit checked, in ppm/K (the map's line; 3 ppm/K if none)

    def __post_init__(self) -> None:
        object.__setattr__(self, "masses", _ids(self.masses))
        object.__setattr__(self, "elements", frozenset(str(e) for e in self.elements))

    @classmethod
    def of(cls, finding: Finding, **figures: float | None) -> PairMark:
        """The pairs the finding's own masses join, or whose elements it names."""
        masses, _, named = objects_of(finding)
        names = {o.name if isinstance(o, Element) else o for o in named if isinstance(o, Element | str)}
        return cls(masses, names | set(finding.object_names), **figures)


Mark = ObjectMark | PairMark
Marker = Callable[[Finding, Assembly], Iterable[Mark]]
M = TypeVar("M", ObjectMark, PairMark)

LINE_KINDS = ("limit", "transition")


@dataclass(frozen=True, eq=False)
class LadderLine:
    """A labelled temperature on the melting ladder, drawn across it with its label at the right.

    `kind` says how it reads: a `limit` (dashed) is a temperature the process steps must stay at
    or below: the ladder lists the steps that heat one of its `elements` or `layers` above it
    (only steps whose kind is in `against`, when given; every step otherwise) and draws it red;
    a `transition` (dotted) is where a material changes (a glass transition), which steps may
    pass. Either is also red when a warning or error of `rule` (not waived) names one of its
    objects (any of the rule's, when it names none). `label` is its lines, the first the title; lines
    that are alike (kind, temperature, label, rule) are drawn once, their objects merged.
    """

    temperature: float  # °C
    label: Sequence[str] | str  # the lines of its label (a lone string is one line)
    kind: str = "limit"  # one of LINE_KINDS
    elements: Collection[str] = ()  # element names (`Element.name`) it belongs to
    layers: Collection[str] = ()  # layer names (`Layer.name`) it belongs to
    rule: str | None = None  # the rule id whose findings about its objects turn it red
    against: Collection[str] | None = None  # a limit: the kinds of step checked against it (None: every step)

    def __post_init__(self) -> None:
        temperature = float(self.temperature)
        if not math.isfinite(temperature):
            raise ValueError(f"a ladder line's temperature must be a finite number, not {self.temperature!r}")
        if self.kind not in LINE_KINDS:
            raise ValueError(f"a ladder line's kind is one of {', '.join(LINE_KINDS)}, not {self.kind!r}")
        label = (str(self.label),) if isinstance(self.label, str) else tuple(str(line) for line in self.label)
        if not label or not label[0]:
            raise ValueError("a ladder line needs a label")
        object.__setattr__(self, "temperature", temperature)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "elements", _names(self.elements))
        object.__setattr__(self, "layers", _names(self.layers))
        if self.rule is not None:
            object.__setattr__(self, "rule", str(self.rule))
        if self.against is not None:
            object.__setattr__(self, "against", frozenset(_names(self.against)))


LadderSource = Callable[[Assembly, Sequence[Finding]], Iterable[LadderLine]]


@dataclass(frozen=True)
class ReviewFamily:
    """A rule family as the review report shows it.

    `prefix` is the rules' id prefix (`ACME` for ACME001…), `title` what the summary and the filter
    call the family; families are listed by `order`, then prefix, before the undeclared families
    of assemblint's own plugins, and every other family counts as "other". `marks` maps a rule
    id to its marker; a finding of a rule without one is listed but not drawn. `ladder`, when
    given, returns the family's `LadderLine`s for a design and its findings (the melting ladder).
    """

    prefix: str
    title: str
    order: int = 100
    marks: Mapping[str, Marker] = field(default_factory=dict)
    ladder: LadderSource | None = None
    plugin: str = ""  # filled in by whoever collects the declarations: the plugin that declared it


@dataclass
class Review:
    """Every family the run's plugins declared, and the problems found asking them or their markers."""

    families: list[ReviewFamily] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    # the marks each finding's marker gave, asked once per finding and design for every picture:
    # id(finding) -> (finding, assembly, marks); the finding and the design are kept so ids stay theirs
    _asked: dict[int, tuple[Finding, Assembly, list[Mark]]] = field(default_factory=dict, repr=False, compare=False)

    def marker(self, rule: str) -> tuple[ReviewFamily, Marker] | None:
        """The marker of a rule: the first family that declares one for it."""
        for family in self.families:
            marker = family.marks.get(rule)
            if marker is not None:
                return family, marker
        return None

    def marks(self, findings: Iterable[Finding], assembly: Assembly, kind: type[M]) -> list[tuple[Finding, M]]:
        """The marks of one kind the markers give for the findings, in the findings' order.

        A marker that raises, or returns something that is not a mark, is recorded in `problems`
        against its plugin and rule (the run then exits 3); the other findings are still drawn.
        """
        out: list[tuple[Finding, M]] = []
        for finding in findings:
            out.extend((finding, mark) for mark in self._marks_of(finding, assembly) if isinstance(mark, kind))
        return out

    def _marks_of(self, finding: Finding, assembly: Assembly) -> list[Mark]:
        """The valid marks of one finding, its marker asked once per design (the pictures share them)."""
        asked = self._asked.get(id(finding))
        if asked is not None and asked[0] is finding and asked[1] is assembly:
            return asked[2]
        found = self.marker(finding.rule)
        marks: list[Mark] = []
        if found is not None:
            family, marker = found
            try:
                given = list(marker(finding, assembly) or ())
            except Exception as error:
                where = traceback.extract_tb(error.__traceback__)[-1]
                self._problem(
                    family,
                    finding.rule,
                    f"its review marker raised {type(error).__name__}: {error} "
                    f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})",
                )
                given = []
            for mark in given:
                if not isinstance(mark, ObjectMark | PairMark):
                    self._problem(family, finding.rule, f"its review marker returned {type(mark).__name__}, not a mark")
                elif not _fits(mark, assembly):
                    self._problem(family, finding.rule, "its review marker gave a mass or pad id outside the design")
                else:
                    marks.append(mark)
        self._asked[id(finding)] = (finding, assembly, marks)
        return marks

    def ladder_lines(
        self, assembly: Assembly, findings: Sequence[Finding] = ()
    ) -> list[tuple[ReviewFamily, LadderLine]]:
        """The lines every family's ladder source gives for a design, in the families' order.

        A source that raises, or returns something that is not a `LadderLine`, is recorded in
        `problems` against its plugin (the run then exits 3); the other families' lines are still drawn.
        """
        out: list[tuple[ReviewFamily, LadderLine]] = []
        for family in sorted(self.families, key=lambda f: (f.order, f.prefix)):
            if family.ladder is None:
                continue
            try:
                given = list(family.ladder(assembly, findings) or ())
            except Exception as error:
                where = traceback.extract_tb(error.__traceback__)[-1]
                self._problem(
                    family,
                    "",
                    f"its review ladder raised {type(error).__name__}: {error} "
                    f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno})",
                )
                continue
            for line in given:
                if isinstance(line, LadderLine):
                    out.append((family, line))
                else:
                    self._problem(family, "", f"its review ladder returned {type(line).__name__}, not a LadderLine")
        return out

    def _problem(self, family: ReviewFamily, rule: str, message: str) -> None:
        problem = PluginProblem(family.plugin, rule, message)
        if problem not in self.problems:
            self.problems.append(problem)


def _fits(mark: Mark, assembly: Assembly) -> bool:
    """Every mass and pad id of the mark is one of the design's (global ids, `ctx.netlist`)."""
    netlist = assembly.netlist
    masses = netlist.mass_count if netlist is not None else 0
    pads = netlist.pad_count if netlist is not None else 0

    def within(ids: Any, count: int) -> bool:
        ids = np.asarray(ids)
        return not len(ids) or bool((ids >= 0).all() and (ids < count).all())

    if isinstance(mark, PairMark):
        return within(mark.masses, masses)
    return (
        within(mark.masses, masses)
        and within(mark.pads, pads)
        and within(() if mark.others is None else mark.others, masses)
        and within(() if mark.link is None else mark.link, masses)
    )


# ------------------------------------------------------------------------------------------ helpers
def objects_of(finding: Finding) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """The global mass ids, pad ids and other named objects (layers, elements, nets) of a finding."""
    objects = getattr(finding, "objects", None)
    masses: list[np.ndarray] = []
    pads: list[np.ndarray] = []
    named: list[Any] = []
    if isinstance(objects, Objects):
        for group, index in objects.members.values():
            if isinstance(group, MassGroup | PadArray):
                local = (
                    np.arange(group.count, dtype=np.int64) if index is None else np.array(sorted(index), dtype=np.int64)
                )
                (masses if isinstance(group, MassGroup) else pads).append(group.start + local)
            elif isinstance(group, NetGroup):
                chosen = range(group.count) if index is None else sorted(index)
                pins = [group.pins[i] for i in chosen]
                if pins:
                    pads.append(np.concatenate(pins).astype(np.int64))
                named.append((group, chosen))
        named.extend(objects.names.values())

    def cat(parts: list[np.ndarray]) -> np.ndarray:
        if len(parts) == 1 and (len(parts[0]) < 2 or bool((np.diff(parts[0]) > 0).all())):
            return parts[0]  # one selection, already sorted and distinct: no sort of a million ids
        return np.unique(np.concatenate(parts)) if parts else EMPTY

    return cat(masses), cat(pads), named


_NAME = re.compile(r"^(?P<head>.*?)(?:\[(?P<i>\d+)\])?$")


class ObjectIds:
    """Object names as findings write them (`x`, `z[0]`, `die.c[8]`, `units[0].chip.c[0]`) -> global ids."""

    def __init__(self, assembly: Assembly):
        self.masses = {g.name: g for g in assembly.mass_groups}
        self.pads = {a.qualified_name: a for a in assembly.pad_arrays}

    def resolve(self, name: str) -> tuple[str, int] | None:
        """`("mass", id)` or `("pad", id)` for the name of one mass or pad, else None."""
        name = name.strip()
        group = self.masses.get(name)
        if group is not None and not group.indexed and group.count:
            return "mass", group.start
        array = self.pads.get(name)
        if array is not None and not array.indexed and array.count:
            return "pad", array.start
        match = _NAME.match(name)
        if match is None or match["i"] is None:
            return None
        head, i = match["head"], int(match["i"])
        group = self.masses.get(head)
        if group is not None and i < group.count:
            return "mass", group.start + i
        array = self.pads.get(head)
        if array is not None and i < array.count:
            return "pad", array.start + i
        return None

    def is_mass(self, name: str) -> bool:
        found = self.resolve(name)
        return found is not None and found[0] == "mass"

    def ids(self, names: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """The mass ids and the pad ids of the names that name one mass or pad (the others are left out)."""
        masses: list[int] = []
        pads: list[int] = []
        for name in names:
            found = self.resolve(name)
            if found is not None:
                (masses if found[0] == "mass" else pads).append(found[1])
        return np.array(masses, dtype=np.int64), np.array(pads, dtype=np.int64)
