"""The materials the libraries declare, each value with its source: `assemblint materials` and the
language server's hover.

The values come from the model: each library is loaded through the real loader (`use NAME`), so
that a listed number is the very number a check uses. The text as written and the source comment
beside it come from the library file (material_sources.py), matched to the model by location.
"""

from __future__ import annotations

import json
import sys
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from assemblint.api import load
from assemblint.base.diagnostics import LanguageError, did_you_mean
from assemblint.base.units import (
    BASE_UNIT,
    DENSITY,
    EXPANSION,
    FRACTION,
    MODULUS,
    RESISTIVITY,
    TEMPERATURE,
)
from assemblint.build.loader import LanguageExtensions
from assemblint.editing.material_sources import WrittenMaterial, WrittenProperty, cited, read_library_text
from assemblint.model.assembly import Material
from assemblint.plugins.host import PluginHost

__all__ = [
    "Catalog",
    "MaterialEntry",
    "MaterialValue",
    "catalog",
    "hover_markdown",
    "load_catalog",
    "lookup",
    "run_materials",
]

# The base unit of each property the language defines ("" for a plain number, None for a word or flag).
_UNIT: dict[str, str | None] = {
    "kind": None,
    "composition": BASE_UNIT[FRACTION],
    "solidus": BASE_UNIT[TEMPERATURE],
    "liquidus": BASE_UNIT[TEMPERATURE],
    "melts": BASE_UNIT[TEMPERATURE],
    "cte": BASE_UNIT[EXPANSION],
    "modulus": BASE_UNIT[MODULUS],
    "service": BASE_UNIT[TEMPERATURE],
    "max_temp": BASE_UNIT[TEMPERATURE],
    "resistivity": BASE_UNIT[RESISTIVITY],
    "dielectric": None,
    "exemption": None,
    "tg": BASE_UNIT[TEMPERATURE],
    "cte_above_tg": BASE_UNIT[EXPANSION],
    "density": BASE_UNIT[DENSITY],
    "fatigue_ductility": "",
    "fatigue_exponent": "",
}
# The model's fields a property sets (an inherited property is hidden when the child sets one of them).
_SETS = {"melts": ("solidus", "liquidus")}


@dataclass(frozen=True)
class MaterialValue:
    """One property of a material: as written, its source comment, and the model's value."""

    property: str  # e.g. "solidus", "cte", "composition", "density", "kind"
    written: str  # the value as written in the library, e.g. "217 C"; "" for a flag (`dielectric`)
    source: str  # the source comment text for that line (continuation lines joined), "" if none
    line: int = 0  # 1-based line of the property in `path` of the material that writes it
    inherited_from: str = ""  # the material that writes it, when it is inherited from a base
    value: Any = field(default=None, compare=False)  # in base units, as the model holds it (JSON-ready)
    unit: str | None = None  # the base unit of `value` ("" for a plain number, None for a word or flag)
    cites: tuple[str, ...] = ()  # the legend tags the source names, e.g. ("R12", "CAPLINQ", "R14")


@dataclass(frozen=True)
class MaterialEntry:
    """One material of a library, as `assemblint materials NAME` and the hover show it."""

    name: str  # e.g. "SAC305"
    library: str  # "std", or the plugin library's name
    kind: str | None
    values: tuple[MaterialValue, ...]  # its own properties in file order, then the inherited ones
    path: str  # file the material is declared in
    line: int  # 1-based line of `material NAME {`
    note: str = ""  # the comment block directly above the declaration
    material: Material | None = field(default=None, compare=False, repr=False)  # the model's object

    @property
    def qualified(self) -> str:
        """`library.name`: the key of a name two libraries declare."""
        return f"{self.library}.{self.name}"


@dataclass
class Library:
    """One library `use` can load."""

    name: str
    path: str
    legend: dict[str, str]
    entries: list[MaterialEntry]


@dataclass
class Catalog:
    """Every library's materials, the keys they are found by, and what could not be read."""

    libraries: list[Library]
    entries: dict[str, MaterialEntry]  # by name; `library.name` for every one of a name two declare
    problems: list[str]

    def find(self, name: str) -> list[MaterialEntry]:
        """The entries `name` means: a key, a qualified name (even if unique), or a clashing bare name."""
        if name in self.entries:
            return [self.entries[name]]
        library, dot, bare = name.partition(".")
        everything = [e for lib in self.libraries for e in lib.entries]
        if dot:
            return [e for e in everything if (e.library, e.name) == (library, bare)]
        return [e for e in everything if e.name == name]


# Each host's language extensions, asked once: asking calls every plugin's hooks (and records a
# failing hook's problem on the host each time), and a language server asks on every hover.
_EXTENSIONS: dict[int, tuple[weakref.ref[PluginHost], LanguageExtensions]] = {}


def _extensions(host: PluginHost) -> LanguageExtensions:
    known = _EXTENSIONS.get(id(host))
    if known is not None and known[0]() is host:
        return known[1]
    extensions = host.language_extensions()
    _EXTENSIONS[id(host)] = (weakref.ref(host), extensions)
    return extensions


def _key(host: PluginHost) -> tuple:
    """What the catalog depends on: the libraries (and their files' versions) and the plugins' properties."""
    extensions = _extensions(host)
    files = []
    for name, path in extensions.libraries.items():
        try:
            stat = Path(path).stat()
            files.append((name, str(path), stat.st_mtime_ns, stat.st_size))
        except OSError:
            files.append((name, str(path), 0, 0))
    return (tuple(files), tuple(sorted(extensions.material_properties.items())))


_CACHE: dict[tuple, Catalog] = {}


def load_catalog(host: PluginHost | None = None) -> Catalog:
    """The catalog of `host`'s libraries, cached until a library file or a plugin's properties change."""
    host = host or PluginHost.default()
    key = _key(host)
    if key not in _CACHE:
        if len(_CACHE) >= 8:
            _CACHE.clear()
        _CACHE[key] = _build(host)
    return _CACHE[key]


def catalog(host: PluginHost | None = None) -> dict[str, MaterialEntry]:
    """Every material of std and of every plugin library, by name. A name two libraries declare is
    under `library.name` for each of them (and under no bare key); `lookup` takes either form."""
    return load_catalog(host).entries


def lookup(name: str, host: PluginHost | None = None, used: Sequence[str] = ()) -> MaterialEntry | None:
    """The entry `name` means (`NAME` or `LIBRARY.NAME`). Of a name several libraries declare, the one
    of the last library in `used` that declares it (a later `use` replaces an earlier one's), or None."""
    found = load_catalog(host).find(name)
    if len(found) == 1:
        return found[0]
    for library in reversed(used):
        for entry in found:
            if entry.library == library:
                return entry
    return None


def _build(host: PluginHost) -> Catalog:
    extensions = _extensions(host)
    libraries: list[Library] = []
    problems: list[str] = []
    for name, path in extensions.libraries.items():
        try:
            assembly = load(Path.cwd() / f"<use {name}>.assy", text=f"use {name}\n", host=host)
        except LanguageError as error:
            problems.extend(f"library `{name}`: {d.location}: {d.code} {d.message}" for d in error.diagnostics)
            continue
        own = sorted((m for m in assembly.materials.values() if m.library == name), key=lambda m: m.loc.line)
        try:
            legend = read_library_text(str(path)).legend
            entries = [_entry(m, name, extensions.material_properties) for m in own]
        except (OSError, LanguageError, KeyError) as error:  # a file changed between the load and the read
            problems.append(f"library `{name}` cannot be read for its comments: {error!r}")
            continue
        libraries.append(Library(name, str(path), legend, entries))
    counts: dict[str, int] = {}
    for library in libraries:
        for entry in library.entries:
            counts[entry.name] = counts.get(entry.name, 0) + 1
    keyed = {(e.name if counts[e.name] == 1 else e.qualified): e for library in libraries for e in library.entries}
    return Catalog(libraries, keyed, problems)


def _written_material(m: Material) -> WrittenMaterial:
    text = read_library_text(m.loc.path)
    return text.materials[(m.loc.line, m.loc.column)]


def _entry(m: Material, library: str, extra: Mapping[str, str]) -> MaterialEntry:
    """The entry of one model material: its own lines, then what it inherits and does not set."""
    written = _written_material(m)
    legend = read_library_text(m.loc.path).legend
    last = {p.name: i for i, p in enumerate(written.properties)}
    values = [
        _value(m, p, legend, extra, final=last[p.name] == i, inherited_from="")
        for i, p in enumerate(written.properties)
    ]
    shown = {f for p in written.properties for f in _SETS.get(p.name, (p.name,))}
    ancestor = m.parent
    while ancestor is not None:
        base = _written_material(ancestor)
        base_legend = read_library_text(ancestor.loc.path).legend
        base_last = {p.name: i for i, p in enumerate(base.properties)}
        for i, p in enumerate(base.properties):
            sets = _SETS.get(p.name, (p.name,))
            if base_last[p.name] != i or any(f in shown for f in sets):
                continue
            values.append(_value(m, p, base_legend, extra, final=True, inherited_from=ancestor.name))
        shown |= {f for p in base.properties for f in _SETS.get(p.name, (p.name,))}
        ancestor = ancestor.parent
    return MaterialEntry(m.name, library, m.kind, tuple(values), m.loc.path, m.loc.line, written.note, m)


def _value(
    m: Material, p: WrittenProperty, legend: dict[str, str], extra: Mapping[str, str], final: bool, inherited_from: str
) -> MaterialValue:
    unit = BASE_UNIT[extra[p.name]] if p.name in extra else _UNIT.get(p.name)
    value = model_value(m, p.name) if final else None  # a property given again later: the later one counts
    return MaterialValue(p.name, p.written, p.source, p.line, inherited_from, value, unit, cited(p.source, legend))


def model_value(m: Material, name: str) -> Any:
    """What the model holds for property `name` of `m`, JSON-ready, in base units."""
    if name == "melts":
        return m.solidus
    if name == "composition":
        return dict(m.composition) if m.composition is not None else None
    if name in ("service", "fatigue_exponent"):
        got = getattr(m, name)
        return list(got) if got is not None else None
    if name in m.extra:
        return m.extra[name]
    return getattr(m, name, None)


def model_fields(m: Material) -> dict[str, Any]:
    """Every property the model holds for `m` (inherited and completed ones too), JSON-ready."""
    out: dict[str, Any] = {}
    for name in (*_UNIT, "solidus_assumed"):
        if name == "melts":
            continue
        got = model_value(m, name)
        if got is not None and got is not False:
            out[name] = got
    for name, got in sorted(m.extra.items()):
        out[name] = got
    return out


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def hover_markdown(entry: MaterialEntry) -> str:
    """A short Markdown block for an editor's hover: name, library, kind, then property | value | source."""
    head = f"**{entry.name}** — material from `{entry.library}`" + (f", {entry.kind}" if entry.kind else "")
    lines = [head, "", "| property | value | source |", "|---|---|---|"]
    for v in entry.values:
        source = _cell(v.source) if v.source else "*no source given*"
        if v.inherited_from:
            source += f" (from `{v.inherited_from}`)"
        lines.append(f"| {v.property} | {_cell(v.written) or '(flag)'} | {source} |")
    if entry.note:
        lines += ["", _cell(entry.note)]
    return "\n".join(lines)


def run_materials(name: str | None, fmt: str, host: PluginHost, out: TextIO) -> int:
    """`assemblint materials [NAME] [--format text|json]`: 0, 2 for an unknown name, 3 if a library or
    plugin failed (the rest is still listed)."""
    found = load_catalog(host)
    err = sys.stderr
    code = 0
    if name is None:
        shown = [(lib, list(lib.entries)) for lib in found.libraries]
    elif name.endswith(".*"):
        library = name[:-2]
        chosen = [lib for lib in found.libraries if lib.name == library]
        if not chosen:
            known = [lib.name for lib in found.libraries]
            err.write(
                f"assemblint: unknown library `{library}`{did_you_mean(library, known)}; known: {', '.join(known)}\n"
            )
            return 2
        shown = [(lib, list(lib.entries)) for lib in chosen]
    else:
        entries = found.find(name)
        if not entries:
            candidates = [*found.entries, *(e.qualified for lib in found.libraries for e in lib.entries)]
            err.write(f"assemblint: unknown material `{name}`{did_you_mean(name, candidates)}\n")
            code = 2
        shown = [(lib, [e for e in lib.entries if any(e is x for x in entries)]) for lib in found.libraries]
        shown = [(lib, es) for lib, es in shown if es]
    if code == 0:
        if fmt == "json":
            out.write(json.dumps(to_json(shown), indent=2, ensure_ascii=False) + "\n")
        elif name is None or name.endswith(".*"):
            out.write(table(shown))
        else:
            out.write(details(shown))
    for problem in found.problems:
        err.write(f"assemblint: {problem}\n")
    said = dict.fromkeys((p.plugin, p.rule, p.message) for p in host.problems)  # once, however often asked
    for plugin, rule, message in said:
        who = f"plugin `{plugin}`" + (f", rule {rule}" if rule else "")
        err.write(f"assemblint: internal error in {who}: {message}\n")
    if code == 0 and (found.problems or host.problems):
        code = 3
    return code


# ---------------------------------------------------------------------------------------- output
SCHEMA = "assemblint-materials/1"
_WIDTH = 110  # text output: where a long source wraps
_DERIVED = {
    "solidus": "not written: taken equal to the liquidus (assumed)",
    "liquidus": "not written: taken equal to the solidus",
    "dielectric": "not written: implied by the kind",
}

Shown = list[tuple[Library, list[MaterialEntry]]]


def to_json(shown: Shown) -> dict[str, Any]:
    """The `--format json` document (docs/materials.md has its schema)."""
    libraries = []
    for library, entries in shown:
        tags = {tag for e in entries for tag in _cites(e, library)}
        libraries.append(
            {
                "name": library.name,
                "path": library.path,
                "count": len(library.entries),
                "materials": [_material_json(e, library) for e in entries],
                "legend": {tag: text for tag, text in library.legend.items() if tag in tags},
            }
        )
    return {"schema": SCHEMA, "libraries": libraries}


def _cites(entry: MaterialEntry, library: Library) -> list[str]:
    """The legend tags a material's values name, then those only its note names, each once."""
    tags = [tag for v in entry.values for tag in v.cites] + list(cited(entry.note, library.legend))
    return [tag for tag in dict.fromkeys(tags) if tag in library.legend]


def _material_json(entry: MaterialEntry, library: Library) -> dict[str, Any]:
    assert entry.material is not None
    return {
        "name": entry.name,
        "qualified": entry.qualified,
        "library": entry.library,
        "kind": entry.kind,
        "path": entry.path,
        "line": entry.line,
        "note": entry.note,
        "values": [
            {
                "property": v.property,
                "written": v.written,
                "value": v.value,
                "unit": v.unit,
                "source": v.source,
                "cites": list(v.cites),
                "line": v.line,
                "inherited_from": v.inherited_from or None,
            }
            for v in entry.values
        ],
        "model": model_fields(entry.material),
        "cites": _cites(entry, library),
    }


def _written(entry: MaterialEntry, *names: str) -> str | None:
    for v in entry.values:
        if v.property in names:
            return v.written
    return None


def _melting(entry: MaterialEntry) -> str:
    m = entry.material
    if m is None or m.solidus is None or m.liquidus is None:
        return "-"
    star = "*" if m.solidus_assumed else ""
    if m.solidus == m.liquidus:
        return f"{m.solidus:g} °C{star}"
    return f"{m.solidus:g} .. {m.liquidus:g} °C{star}"


def _limit(entry: MaterialEntry) -> str:
    service = _written(entry, "service")
    if service is not None:
        return service
    top = _written(entry, "max_temp")
    return f"max {top}" if top is not None else "-"


def table(shown: Shown) -> str:
    """Without NAME: each library's materials in file order, one line each with the key values."""
    header = ("name", "kind", "melting", "cte", "modulus", "density", "service / max")
    out: list[str] = []
    assumed = False
    for library, entries in shown:
        rows = [
            (
                e.name,
                e.kind or "-",
                _melting(e),
                _written(e, "cte") or "-",
                _written(e, "modulus") or "-",
                _written(e, "density") or "-",
                _limit(e),
            )
            for e in entries
        ]
        assumed |= any(e.material is not None and e.material.solidus_assumed for e in entries)
        widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
        if out:
            out.append("")
        out.append(
            f"{library.name}: {len(entries)} material{'s' if len(entries) != 1 else ''} ({Path(library.path).name})"
        )
        for row in [header, *rows]:
            out.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    if assumed:
        out += ["", "* solidus not given: taken equal to the liquidus"]
    out += ["", "melting: solidus .. liquidus as the checks use them; `assemblint materials NAME` for sources"]
    return "\n".join(out) + "\n"


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""]


def details(shown: Shown) -> str:
    """With NAME: every value as written with its source, then the legend entries the sources cite."""
    out: list[str] = []
    for library, entries in shown:
        for entry in entries:
            if out:
                out.append("")
            out += _detail(entry, library)
    return "\n".join(line.rstrip() for line in out) + "\n"


def _detail(entry: MaterialEntry, library: Library) -> list[str]:
    out = [f"{entry.name} ({entry.kind or 'no kind'}), library {library.name}: {Path(entry.path).name}:{entry.line}"]
    if entry.note:
        out += [f"  {line}" for line in _wrap(entry.note, _WIDTH - 2)]
    rows = [(v.property, v.written or "(flag)", v) for v in entry.values]
    m = entry.material
    covered = {f for v in entry.values for f in _SETS.get(v.property, (v.property,))}
    derived = [] if m is None else [f for f in model_fields(m) if f in _DERIVED and f not in covered]
    width_p = max([len("property"), *(len(r[0]) for r in rows), *(len(f) for f in derived)])
    width_v = max([len("value"), *(len(r[1]) for r in rows)])
    indent = " " * (2 + width_p + 2 + width_v + 2)
    out += ["", f"  {'property'.ljust(width_p)}  {'value'.ljust(width_v)}  source"]
    for prop, written, v in rows:
        source = v.source or "no source given"
        if v.inherited_from:
            source += f" (inherited from {v.inherited_from})"
        lines = _wrap(source, max(_WIDTH - len(indent), 30))
        out.append(f"  {prop.ljust(width_p)}  {written.ljust(width_v)}  {lines[0]}")
        out += [indent + line for line in lines[1:]]
    assert m is not None
    for name in derived:
        got = model_value(m, name)
        text = "yes" if got is True else f"{got:g} {_UNIT[name]}"
        out.append(f"  {name.ljust(width_p)}  {text.ljust(width_v)}  {_DERIVED[name]}")
    tags = _cites(entry, library)
    if tags:
        out += ["", f"  sources cited (legend of {Path(library.path).name}):"]
        width_t = max(len(t) for t in tags)
        for tag in tags:
            lines = _wrap(library.legend[tag], _WIDTH - width_t - 6)
            out.append(f"    {tag.ljust(width_t)}  {lines[0]}")
            out += [" " * (width_t + 6) + line for line in lines[1:]]
    return out
