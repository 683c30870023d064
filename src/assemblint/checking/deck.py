"""Rule decks: which rules run, at which severity, with which parameters (TOML, validated).

The schema is assembled from every loaded rule's parameter schemas, so a plugin's parameters are
validated exactly like the core's. Quantities are strings with units, read by the language's own
unit table and handed to rules in base units.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from assemblint.base import units
from assemblint.base.diagnostics import did_you_mean, visible
from assemblint.base.inputs import InputFileError, decode, parse_toml, read_input
from assemblint.base.limits import DEFAULT_MAX_FILE_SIZE
from assemblint.checking.rules import Rule, Severity, param_json_schema, resolve_param


class DeckError(Exception):
    """A deck that cannot be used; the run exits 2."""


@dataclass
class RuleSettings:
    enabled: bool
    severity: Severity
    params: dict[str, Any]  # in base units


@dataclass
class Deck:
    name: str
    path: str | None
    sha256: str | None
    description: str = ""
    settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> raw settings (merged chain)
    sources: list[str] = field(default_factory=list)

    def effective(self, rule: Rule) -> RuleSettings:
        raw = self.settings.get(rule.id, {})
        params: dict[str, Any] = {}
        for name, schema in rule.params.items():
            value = raw.get(name, schema.get("default"))
            params[name] = None if value is None else resolve_param(schema, value)
        return RuleSettings(bool(raw.get("enabled", True)), Severity(raw.get("severity", rule.severity.value)), params)


def builtin_decks() -> dict[str, Path]:
    folder = resources.files("assemblint").joinpath("decks")
    out: dict[str, Path] = {}
    try:
        for entry in folder.iterdir():
            if entry.name.endswith(".toml"):
                out[entry.name[:-5]] = Path(str(entry))
    except (FileNotFoundError, NotADirectoryError):
        pass
    return out


def load_deck(spec: str | None, rules: list[Rule], max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> Deck:
    """Load a deck by built-in name or path (None: `default`), following `extends`, and validate it.
    `max_bytes`: the size limit of each deck file (`--max-file-size`)."""
    spec = spec or "default"
    chain: list[tuple[Path, dict[str, Any], bytes]] = []
    _read_chain(spec, Path.cwd(), chain, [], max_bytes)
    schema = deck_schema(rules)
    known = {r.id: r for r in rules}
    merged: dict[str, dict[str, Any]] = {}
    for path, data, _ in reversed(chain):  # the base first, the named deck last
        _validate(path, data, schema, known)
        for rule_id, settings in data.get("rules", {}).items():
            merged.setdefault(rule_id, {}).update(settings)
    top_path, top, top_bytes = chain[0]
    info = top.get("deck", {})
    return Deck(
        name=info.get("name", top_path.stem),
        path=_shown(top_path),
        sha256=hashlib.sha256(top_bytes).hexdigest(),
        description=info.get("description", ""),
        settings=merged,
        sources=[str(p) for p, _, _ in chain],
    )


def _read_chain(spec: str, base: Path, chain: list, seen: list[Path], max_bytes: int = DEFAULT_MAX_FILE_SIZE) -> None:
    decks = builtin_decks()
    path = decks[spec] if spec in decks else (base / spec)
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError, ValueError) as error:  # a loop of links, a NUL in the name
        raise DeckError(visible(f"deck `{spec}` cannot be read: {error}")) from None
    # where the name came from: the command line / API, or the `extends` of the deck read last
    where = visible(f"{chain[-1][0]}: deck.extends: ") if chain else ""
    if resolved in seen:
        raise DeckError(
            where
            + visible(
                "`extends` cycle: "
                + " -> ".join(_shown(p) for p in [*seen, resolved])
                + "; a deck cannot extend itself"
            )
        )
    if not path.exists():  # something that is there but not a regular file is refused by read_input (E006)
        raise DeckError(
            where
            + visible(
                f"deck `{spec}` not found: not a built-in deck ({', '.join(sorted(decks))}) nor a file"
                + (f" (looked for {_shown(path)}, relative to the deck that extends it)" if chain else "")
                + did_you_mean(spec, decks)
            )
        )
    try:  # read as carefully as a design (base/inputs.py): a regular file, its size, UTF-8, TOML
        shown = path if spec in decks else Path(_shown(path))  # as a person gave it: relative where it can be
        raw = read_input(shown, "the deck", DEFAULT_MAX_FILE_SIZE if spec in decks else max_bytes)  # built-in: trusted
        data = parse_toml(shown, decode(shown, raw, "the deck"), "the deck")
    except InputFileError as error:
        raise DeckError(f"{where}{error}") from None
    chain.append((path if spec in decks else Path(_shown(path)), data, raw))
    info = data.get("deck")
    parent = info.get("extends") if isinstance(info, dict) else None  # a bad [deck] is reported by _validate
    if isinstance(parent, str):
        _read_chain(parent, path.parent, chain, [*seen, resolved], max_bytes)


def _shown(path: Path) -> str:
    """A deck's path as a person gave it: relative to the current folder where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def deck_schema(rules: list[Rule]) -> dict[str, Any]:
    """The JSON Schema of a deck, from every loaded rule's parameters."""
    rule_props: dict[str, Any] = {}
    for rule in rules:
        props: dict[str, Any] = {"enabled": {"type": "boolean"}, "severity": {"enum": [s.value for s in Severity]}}
        for name, schema in rule.params.items():
            props[name] = param_json_schema(schema)
        rule_props[rule.id] = {"type": "object", "properties": props, "additionalProperties": False}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "deck": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "extends": {"type": "string"},
                    "description": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "rules": {"type": "object", "properties": rule_props, "additionalProperties": False},
        },
        "additionalProperties": False,
    }


def _validate(path: Path, data: dict[str, Any], schema: dict[str, Any], known: dict[str, Rule]) -> None:
    if _only_a_header(data):
        return  # nothing a schema could fault (the default deck): no need to import jsonschema
    import jsonschema  # imported here: it is the slowest import of a run

    problems: list[str] = []
    for rule_id in data.get("rules", {}) if isinstance(data.get("rules"), dict) else ():
        if rule_id not in known:
            hint = f" (did you mean `{rule_id.upper()}`?)" if rule_id.upper() in known else did_you_mean(rule_id, known)
            problems.append(f"{path}: rules.{rule_id}: unknown rule id{hint}")
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = ".".join(str(p) for p in error.absolute_path) or "(top)"
        if error.validator == "additionalProperties" and where == "rules":
            continue  # unknown rule ids are reported above, with a suggestion
        if error.validator == "additionalProperties":
            extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
            allowed = sorted(error.schema.get("properties", {}))
            for key in extra:
                key_path = key if where == "(top)" else f"{where}.{key}"  # a top-level key is its own path
                problems.append(
                    f"{path}: {key_path}: unknown setting{did_you_mean(key, allowed)}; known: {', '.join(allowed)}"
                )
            continue
        expected = _expected(error, known)
        problems.append(f"{path}: {where}: expected {expected}, got {error.instance!r}")
    rule_tables: dict[str, Any] = data["rules"] if isinstance(data.get("rules"), dict) else {}  # else reported above
    for rule_id, settings in rule_tables.items():
        rule = known.get(rule_id)
        if rule is None or not isinstance(settings, dict):
            continue
        for name, value in settings.items():
            schema_p = rule.params.get(name, {})
            dim = schema_p.get("quantity")
            if dim is None:
                continue
            if not isinstance(value, str):
                continue  # reported by the schema check
            try:
                units.parse_quantity_text(value, dim)
            except units.UnitError as error:
                problems.append(f"{path}: rules.{rule_id}.{name}: {error}")
    if problems:
        raise DeckError("\n".join(visible(problem) for problem in dict.fromkeys(problems)))


def _only_a_header(data: dict[str, Any]) -> bool:
    """A deck with nothing but its `[deck]` name and description, as the default deck is."""
    header = data.get("deck", {})
    return (
        set(data) <= {"deck"}
        and isinstance(header, dict)
        and set(header) <= {"name", "extends", "description"}
        and all(isinstance(value, str) for value in header.values())
    )


def _expected(error: Any, known: dict[str, Rule]) -> str:
    path = list(error.absolute_path)
    if len(path) == 3 and path[0] == "rules" and path[1] in known:
        schema = known[path[1]].params.get(str(path[2]), {})
        dim = schema.get("quantity")
        if dim is not None:
            return f'{units.article(dim)} such as "{units.EXAMPLE[dim]}"'
    if error.validator == "type":
        return {
            "boolean": "true or false",
            "string": "a text in quotes",
            "integer": "a whole number",
            "number": "a number",
            "object": "a table",
        }.get(str(error.validator_value), str(error.validator_value))
    if error.validator == "enum":
        return "one of " + ", ".join(f'"{v}"' for v in error.validator_value)
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
    }
    if error.validator in bounds:
        kind = "a whole number" if error.schema.get("type") == "integer" else "a value"
        return f"{kind} {bounds[error.validator]} {error.validator_value}"
    return error.message
