"""Layers: `layer gel : silicone { role …; between a, b; thickness …; surrounds … }`.

A layer is built with the elements, before the masses (a mass may sit `in` a layer); what it
`surrounds` names masses, so that property is read in a second step, once the scope's masses are
built (cells.py calls `_layer_surrounds` after them).
"""

from __future__ import annotations

from functools import partial

from assemblint.base.units import LENGTH
from assemblint.build.materials import Materials
from assemblint.build.references import References
from assemblint.build.state import Scope
from assemblint.language import syntax_tree as st
from assemblint.language.values import Args, Problem, describe
from assemblint.model.assembly import LAYER_ROLES, Layer

LAYER_PROPERTIES = ("role", "between", "thickness", "surrounds")


class Layers(References, Materials):
    """Layers, and what they surround."""

    def _layer(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None and decl.base is not None and decl.base_loc is not None
        material = self._guard(self._material_ref, decl.base, decl.base_loc)
        layer = Layer(scope.qualified(decl.name), material, decl.loc)
        scope.objects[decl.name] = layer
        self.assembly.layers.append(layer)
        for prop in decl.properties:
            if prop.name not in LAYER_PROPERTIES:
                self._unknown_property(prop, LAYER_PROPERTIES, "layer")
            elif prop.name != "surrounds":
                self._guard(self._layer_property, scope, layer, prop)

    def _layer_property(self, scope: Scope, layer: Layer, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        if prop.name == "role":
            layer.role = args.word("a role such as `compliant`", LAYER_ROLES, what="layer role")
        elif prop.name == "between":
            first = self._element_of(scope, args.ref("an element"))
            args.punct(",")
            second = self._element_of(scope, args.ref("an element"))
            layer.between = (first, second)
        elif prop.name == "thickness":
            item = args.peek()
            layer.thickness = args.quantity(LENGTH)
            if layer.thickness <= 0:
                assert item is not None  # args.quantity() has just read it
                raise Problem("E008", f"a thickness must be positive, got {describe(item)}", item.loc)
        args.end()

    def _layer_surrounds(self, scope: Scope, decl: st.Declaration, layer: Layer) -> None:
        for prop in decl.properties:
            if prop.name == "surrounds":
                args = Args(prop, self.lets)
                refs = args.list_of(partial(args.ref, "masses"))
                args.end()
                layer.surrounds_explicit = [sel for ref in refs for sel in self._masses_of(scope, ref)]
