"""The rule API: `@rule`, `Severity`, and what a rule declares about itself.

A rule is a function `check(ctx)` that yields (or returns) findings made with `ctx.finding(...)`.
Its id, name, default severity, parameters (JSON schema per parameter, with a default), and
documentation travel with it, so `rules`, `explain` and deck validation need nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assemblint.base import units


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    def __str__(self) -> str:
        return self.value


RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def quantity(dimension: str, default: str | None = None, description: str = "") -> dict[str, Any]:
    """A parameter that is a quantity with a unit (`"20 um"`); rules receive it in the base unit."""
    schema: dict[str, Any] = {"quantity": dimension, "description": description}
    if default is not None:
        schema["default"] = default
    return schema


@dataclass
class Rule:
    id: str
    name: str
    severity: Severity
    check: Callable[[Any], Iterable[Any] | None]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    doc: str = ""
    source: str = ""  # where the rule comes from: seed and claim, standard
    examples: dict[str, str] = field(default_factory=dict)  # {"fires": assy text, "passes": assy text}
    plugin: str = ""  # filled in by the plugin host
    phase: str = "check"  # "review": runs after waivers are applied, and sees ctx.findings (the waiver rules)
    #: how the rule runs on the tiles of `--tiles` (docs/tiles.md): None, it does not say (it cannot
    #: run there, and says so); "each", on every tile, its findings united (they must not depend on
    #: the tile); or a `checking.tiling.Reduction`: a part per tile, reduced exactly in the run
    tiles: Any = None
    #: how far from an object the rule looks (µm), from its parameters and the design: the halo
    #: of `--tiles` is the largest reach of the rules that run (None: only at the object itself)
    reach: Callable[[dict[str, Any], Any], float] | None = None

    @property
    def family(self) -> str:
        return self.id.rstrip("0123456789")

    @property
    def summary(self) -> str:
        """The first sentence of the documentation."""
        text = " ".join(self.doc.strip().split())
        return text.split(". ")[0].rstrip(".") + "." if text else self.name

    def default_params(self) -> dict[str, Any]:
        """The rule's own defaults, as written (quantities as text)."""
        return {name: schema["default"] for name, schema in self.params.items() if "default" in schema}

    def __call__(self, ctx: Any) -> Iterable[Any] | None:
        return self.check(ctx)


def rule(
    *,
    id: str,
    name: str,
    severity: Severity | str = Severity.WARNING,
    params: dict[str, dict[str, Any]] | None = None,
    doc: str = "",
    source: str = "",
    examples: dict[str, str] | None = None,
    phase: str = "check",
    tiles: Any = None,
    reach: Callable[[dict[str, Any], Any], float] | None = None,
) -> Callable[[Callable], Rule]:
    """Declare a rule: `@rule(id="ACME001", name="mass-budget", severity=Severity.WARNING, …)`."""
    if not RULE_ID.match(id):
        raise ValueError(f"rule id {id!r} must look like ABC123 (capitals, then three digits)")
    if phase not in ("check", "review"):
        raise ValueError(f"rule {id}: phase must be `check` or `review`, not {phase!r}")
    if not RULE_NAME.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case (e.g. mass-budget)")
    for pname, schema in (params or {}).items():
        dim = schema.get("quantity")
        if dim is not None and dim not in units.BASE_UNIT:
            raise ValueError(f"parameter {pname!r} of {id}: unknown dimension {dim!r}")

    def decorate(fn: Callable) -> Rule:
        return Rule(
            id=id,
            name=name,
            severity=Severity(severity),
            check=fn,
            params=dict(params or {}),
            doc=doc or (fn.__doc__ or ""),
            source=source,
            examples=dict(examples or {}),
            phase=phase,
            tiles=tiles,
            reach=reach,
        )

    return decorate


def exceeds(value: Any, limit: float, rel: float = 1e-9) -> Any:
    """`value > limit`, past rounding: a value that is at the limit in the user's decimals passes.

    CHECKS.md: "a value exactly at a limit passes". 3 ppm/K × 100 K × 500 µm / 75 µm is 0.002 on
    paper and 0.0020000000000000005 in binary floating point; this says it does not exceed 0.002.
    Works on numbers and numpy arrays.
    """
    return value > limit + abs(limit) * rel + 1e-12


def falls_short(value: Any, limit: float, rel: float = 1e-9) -> Any:
    """`value < limit`, past rounding (see `exceeds`)."""
    return value < limit - abs(limit) * rel - 1e-12


def param_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema as plain JSON Schema (a quantity becomes a string with a unit)."""
    dim = schema.get("quantity")
    out = {k: v for k, v in schema.items() if k not in ("quantity", "default", "description")}
    if dim is not None:
        out = {"type": "string", "pattern": r"^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*\S+\s*$"}
    return out


def resolve_param(schema: dict[str, Any], value: Any) -> Any:
    """A deck value in the rule's terms: quantities to their base unit (raises units.UnitError)."""
    dim = schema.get("quantity")
    if dim is not None and isinstance(value, str):
        return units.parse_quantity_text(value, dim)
    return value
