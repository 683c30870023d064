"""The design is read-only to rules: arrays frozen, objects sealed once the design is built.

A rule that writes into the model (`ctx.netlist.mass_diameter[:] = 1`, `material.solidus = 0`,
`ctx.assembly.elements.append(...)`) would change what every later rule sees. Once the loader has
built a design it seals it (`Assembly.seal`): every numpy array the model holds is made read-only
(`flags.writeable = False`: numpy raises "assignment destination is read-only"), the lists and
dicts rules can reach become FrozenList and FrozenDict (a list and a dict that refuse changes), and
every model object is switched to a sealed subclass of its own class whose `__setattr__` raises.
The engine reports the writing rule as crashed; the other rules read the design as it was built.

Sealing switches the object's class instead of checking a flag in every `__setattr__`: building a
design assigns millions of attributes, and a Python-level `__setattr__` on every one of them would
cost seconds on an explicit design. The sealed class has the same name, fields and layout; a copy
(`copy.copy`, pickle) is of the unsealed class, so a rule may still change a copy of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, SupportsIndex, TypeVar

import numpy as np

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


def frozen(array: np.ndarray) -> np.ndarray:
    """The array made read-only in place (and returned, so a cached value can be frozen as it is returned).

    `setflags(write=False)` is `flags.writeable = False` at half the cost: an explicit design freezes
    a few arrays per pad and per mass."""
    array.setflags(write=False)
    return array


def frozen_or_none(array: np.ndarray | None) -> np.ndarray | None:
    if array is not None:
        array.setflags(write=False)
    return array


def _refusing(what: str, method: str) -> Any:
    def refused(self: object, *args: object, **kwargs: object) -> Any:
        raise AttributeError(f"the design is read-only to rules: cannot change a {what} of the design ({method})")

    refused.__name__ = method
    return refused


class FrozenList(list):
    """A list of the design once sealed: reads as a list (`+`, `==`, slices), refuses every change."""

    __slots__ = ()

    append = _refusing("list", "append")
    extend = _refusing("list", "extend")
    insert = _refusing("list", "insert")
    remove = _refusing("list", "remove")
    pop = _refusing("list", "pop")
    clear = _refusing("list", "clear")
    sort = _refusing("list", "sort")
    reverse = _refusing("list", "reverse")
    __setitem__ = _refusing("list", "item assignment")
    __delitem__ = _refusing("list", "item deletion")
    __iadd__ = _refusing("list", "+=")
    __imul__ = _refusing("list", "*=")

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (list, (list(self),))  # a copy is a plain list, the caller's own


class FrozenDict(dict):
    """A dict of the design once sealed: reads as a dict, refuses every change."""

    __slots__ = ()

    __setitem__ = _refusing("mapping", "item assignment")
    __delitem__ = _refusing("mapping", "item deletion")
    __ior__ = _refusing("mapping", "|=")
    setdefault = _refusing("mapping", "setdefault")
    update = _refusing("mapping", "update")
    pop = _refusing("mapping", "pop")
    popitem = _refusing("mapping", "popitem")
    clear = _refusing("mapping", "clear")

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        return (dict, (dict(self),))


def frozen_list(items: Iterable[T]) -> list[T]:
    """The items as a FrozenList (typed as the list it reads as)."""
    return items if isinstance(items, FrozenList) else FrozenList(items)


def frozen_dict(mapping: Mapping[K, V]) -> dict[K, V]:
    return mapping if isinstance(mapping, FrozenDict) else FrozenDict(mapping)


def frozen_dict_or_none(mapping: Mapping[K, V] | None) -> dict[K, V] | None:
    return None if mapping is None else frozen_dict(mapping)


class Sealed:
    """The mixin of a sealed class: attributes can no longer be set or deleted."""

    __slots__ = ()
    _unsealed: type

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"the design is read-only to rules: cannot set {type(self).__name__}.{name}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"the design is read-only to rules: cannot delete {type(self).__name__}.{name}")

    def __reduce_ex__(self, protocol: SupportsIndex) -> Any:
        """A copy or a pickle is of the unsealed class (the sealed one is not importable by name)."""
        reduced = super().__reduce_ex__(protocol)
        if isinstance(reduced, tuple) and len(reduced) >= 2 and reduced[1] and reduced[1][0] is type(self):
            reduced = (unsealed_new, (self._unsealed, *reduced[1][1:]), *reduced[2:])
        return reduced


def unsealed_new(cls: type, *args: Any) -> Any:
    """A new, unsealed object of a model class (what a copy or a pickle of a sealed one starts from)."""
    return cls.__new__(cls, *args)


_SEALED: dict[type, type] = {}


def sealed_class(cls: type) -> type:
    """The sealed subclass of a class: same name, same layout (`__slots__ = ()`), setting raises."""
    if issubclass(cls, Sealed):
        return cls
    sealed = _SEALED.get(cls)
    if sealed is None:
        namespace = {"__slots__": (), "__module__": cls.__module__, "__qualname__": cls.__qualname__, "_unsealed": cls}
        sealed = _SEALED[cls] = type(cls.__name__, (cls, Sealed), namespace)  # this order: same layout
    return sealed


def seal(obj: T) -> T:
    """Switch an object to its class's sealed subclass (its attributes become read-only)."""
    if not isinstance(obj, Sealed):
        obj.__class__ = sealed_class(type(obj))
    return obj


def is_sealed(obj: object) -> bool:
    return isinstance(obj, Sealed)
