"""Materials: their declarations built in inheritance order, their properties, and references to them.

Materials come first in a build: every element, layer, mass and lead names one. A material
inherits every property of its base (`material SAC : solder { … }`) and then reads its own; the
melting range is completed here (a liquidus alone gives an assumed solidus, and says it is assumed).
"""

from __future__ import annotations

import dataclasses

from assemblint.base.diagnostics import Location, did_you_mean
from assemblint.base.units import DENSITY, EXPANSION, FRACTION, MODULUS, NUMBER, RESISTIVITY, TEMPERATURE
from assemblint.build.state import BuildState, Origin
from assemblint.language import syntax_tree as st
from assemblint.language.values import Args, Problem, describe
from assemblint.model.assembly import MATERIAL_KINDS, Material

MATERIAL_PROPERTIES = (
    "kind",
    "composition",
    "solidus",
    "liquidus",
    "melts",
    "cte",
    "modulus",
    "service",
    "max_temp",
    "resistivity",
    "dielectric",
    "exemption",
    "tg",
    "cte_above_tg",
    "density",
    "fatigue_ductility",
    "fatigue_exponent",
)

_SCALAR_MATERIAL = {
    "solidus": TEMPERATURE,
    "liquidus": TEMPERATURE,
    "cte": EXPANSION,
    "modulus": MODULUS,
    "max_temp": TEMPERATURE,
    "resistivity": RESISTIVITY,
    "tg": TEMPERATURE,
    "cte_above_tg": EXPANSION,
    "density": DENSITY,
}


# What a material takes from its parent: every property, so that a new one cannot be forgotten here.
_INHERITED = tuple(
    f.name for f in dataclasses.fields(Material) if f.name not in ("name", "loc", "parent", "library", "extra")
)


class Materials(BuildState):
    """Materials, built before anything that names one."""

    def _build_materials(self) -> None:
        building: set[str] = set()

        def build(name: str) -> Material | None:
            if name in self.materials:
                return self.materials[name]
            decl, origin = self.material_decls[name]
            if name in building:
                self._error("E008", f"material `{name}` inherits from itself", decl.loc)
                return None
            building.add(name)
            parent = None
            if decl.base is not None:
                if decl.base not in self.material_decls:
                    assert decl.base_loc is not None
                    self._error(
                        "E002",
                        f"unknown material `{decl.base}`" + did_you_mean(decl.base, self.material_decls),
                        decl.base_loc,
                    )
                else:
                    parent = build(decl.base)
            material = self._material(decl, origin, parent)
            building.discard(name)
            self.materials[name] = material
            return material

        for name in list(self.material_decls):
            build(name)

    def _material(self, decl: st.Declaration, origin: Origin, parent: Material | None) -> Material:
        m = Material(decl.name, decl.loc, library=origin.library)
        if parent is not None:
            for attr in _INHERITED:
                setattr(m, attr, getattr(parent, attr))
            m.extra = dict(parent.extra)
            m.parent = parent
        given: dict[str, st.Property] = {}
        known = (*MATERIAL_PROPERTIES, *self.extra_material)
        for prop in decl.properties:
            if prop.name not in known:
                self._unknown_property(prop, known, "material")
                continue
            given[prop.name] = prop
            self._guard(self._material_property, m, prop)
        if "melts" in given and ("solidus" in given or "liquidus" in given):
            self._error("E008", "`melts` sets both solidus and liquidus; do not give them as well", given["melts"].loc)
        if "solidus" in given or "melts" in given:
            m.solidus_assumed = False
        if m.kind == "fusible" or "solidus" in given or "liquidus" in given:
            if m.solidus is None and m.liquidus is not None and "liquidus" in given:
                m.solidus = m.liquidus  # optimistic for every remelt check: `solidus_assumed` lets a rule say so
                m.solidus_assumed = True
            elif m.liquidus is None and m.solidus is not None and "solidus" in given:
                m.liquidus = m.solidus
            elif m.solidus_assumed and "liquidus" in given:
                m.solidus = m.liquidus  # a child that changes only the liquidus of a liquidus-only parent
        if m.solidus is not None and m.liquidus is not None and m.solidus > m.liquidus:
            where = given.get("solidus") or given.get("liquidus")
            self._error(
                "E008",
                f"solidus {m.solidus:g} °C is above liquidus {m.liquidus:g} °C",
                where.loc if where else decl.loc,
            )
        if m.kind == "dielectric":
            m.dielectric = True
        return m

    def _material_property(self, m: Material, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        name = prop.name
        if name == "kind":
            m.kind = args.word("a kind such as `fusible`", MATERIAL_KINDS, what="material kind")
        elif name in _SCALAR_MATERIAL:
            item = args.peek()
            value = args.quantity(_SCALAR_MATERIAL[name])
            if name == "density" and not value > 0:
                assert item is not None
                raise Problem("E008", f"a density must be above 0, got {describe(item)}", item.loc)
            setattr(m, name, value)
        elif name == "melts":
            m.solidus = m.liquidus = args.quantity(TEMPERATURE)
        elif name == "service":
            m.service = args.range(TEMPERATURE)
        elif name == "dielectric":
            args.none()
            m.dielectric = True
        elif name == "exemption":
            m.exemption = args.string()
        elif name == "composition":
            m.composition = self._composition(args)
        elif name == "fatigue_ductility":
            item = args.peek()
            value = args.quantity(NUMBER)
            if not value > 0:
                assert item is not None
                raise Problem("E008", f"`fatigue_ductility` must be above 0, got {describe(item)}", item.loc)
            m.fatigue_ductility = value
        elif name == "fatigue_exponent":
            first = args.peek()
            terms = args.list_of(lambda: args.quantity(NUMBER))
            if len(terms) != 3:
                assert first is not None
                raise Problem(
                    "E001",
                    f"`fatigue_exponent` takes three numbers c0, c1, c2 (c = c0 + c1·T̄ + c2·ln(1 + f), "
                    f"such as `-0.442, -0.0006, 0.0174`), got {len(terms)}",
                    first.loc,
                )
            m.fatigue_exponent = (terms[0], terms[1], terms[2])
        else:
            m.extra[name] = args.quantity(self.extra_material[name])
        args.end()

    def _composition(self, args: Args) -> dict[str, float]:
        parts: dict[str, float] = {}
        first = args.peek()

        def one() -> None:
            symbol = args.word("a chemical element such as `Sn`")
            parts[symbol] = parts.get(symbol, 0.0) + args.quantity(FRACTION)

        args.list_of(one)
        total = sum(parts.values())
        if abs(total - 100.0) > 0.5:
            assert first is not None
            last = args.items[-1]
            raise Problem(
                "E007",
                f"the composition sums to {total:g} %, not 100 ± 0.5 %",
                Location(first.loc.path, first.loc.line, first.loc.column, last.loc.end_line, last.loc.end_column),
            )
        return parts

    def _material_ref(self, name: str, loc: Location) -> Material:
        material = self.materials.get(name)
        if material is None:
            raise Problem("E002", f"unknown material `{name}`" + did_you_mean(name, self.material_decls), loc)
        return material
