"""Configuration: `[tool.assemblint]` in pyproject.toml, or assemblint.toml, found from the current
folder upward. Command-line options win over it.

    [tool.assemblint]                 # or, in assemblint.toml, the same keys at the top level
    deck = "liquid-interconnect"
    select = ["MH", "CT"]
    ignore = ["XX004"]
    fail-on = "warning"
    root = "designs"
    plugins = ["no:alpha"]
    rule-timeout = 600                # seconds a rule may run (0: no budget)
    rule-memory = "8G"                # memory a rule may add (0: no budget)
    isolate = "plugins"               # rules run in a forked worker: none, plugins (outside assemblint) or all
    max-objects = 50000000            # limits on what a design may ask (limits.py, docs/safety.md)
    max-file-size = "512M"
    max-import-depth = 100
    max-expression-depth = 200

The nearest folder that has either file decides; in it, assemblint.toml wins over pyproject.toml
(a pyproject.toml without a [tool.assemblint] table does not count). `root` is relative to the
configuration file's folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assemblint.base import limits
from assemblint.base.diagnostics import did_you_mean, visible
from assemblint.base.inputs import InputFileError, decode, parse_toml, read_input, shown_path
from assemblint.checking.budgets import parse_seconds, parse_size
from assemblint.checking.isolation import MODES
from assemblint.report.report import FAIL_ON

LIMIT_KEYS = {  # key -> how its value is read (limits.py)
    "max-objects": limits.parse_count,
    "max-file-size": limits.parse_size,
    "max-import-depth": limits.parse_count,
    "max-expression-depth": limits.parse_count,
}
KEYS = ("deck", "select", "ignore", "fail-on", "root", "plugins", "rule-timeout", "rule-memory", "isolate", *LIMIT_KEYS)


class ConfigError(Exception):
    """A configuration file that cannot be used: exit 2 with the file, the key and what was expected."""


@dataclass
class Config:
    path: Path | None = None
    deck: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str | None = None
    root: str | None = None
    plugins: list[str] = field(default_factory=list)
    rule_timeout: float | None = None  # seconds (budgets.py)
    rule_memory: int | None = None  # bytes
    isolate: str | None = None  # isolation.MODES
    max_objects: int | None = None  # limits.py; None: the command line's value or the default
    max_file_size: int | None = None  # bytes
    max_import_depth: int | None = None
    max_expression_depth: int | None = None


def find(start: Path | None = None) -> Config:
    """The configuration that applies in `start` (default: the current folder), or an empty one."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "assemblint.toml"
        if own.exists() or own.is_symlink():  # a FIFO or a device there is refused (E006), not skipped
            return read(own, _load(own))
        project = candidate / "pyproject.toml"
        if project.is_file():
            tool = _load(project, someone_elses=True).get("tool")
            table = tool.get("assemblint") if isinstance(tool, dict) else None
            if table is not None:
                return read(project, table)
    return Config()


# A pyproject.toml whose bytes hold none of these cannot declare [tool.assemblint]: a key is
# written as it is, or with a \u escape in quotes.
_MENTIONS = (b"assemblint", b"\\u", b"\\U")


def _load(path: Path, someone_elses: bool = False) -> dict[str, Any]:
    """A configuration file's TOML, read as carefully as a design (base/inputs.py): a regular file,
    its size, UTF-8 (a byte-order mark accepted), errors at their line and column.

    `someone_elses`: a pyproject.toml, which belongs to whatever project is around. One that cannot
    be read as TOML but whose bytes never mention assemblint cannot configure it, and is passed
    over as one without a [tool.assemblint] table is (docs/safety.md); any other that cannot be
    read stops the run, naming the file, since it may be the one that was meant to apply."""
    what = "the configuration file"
    try:
        raw = read_input(path, what, limits.DEFAULT_MAX_FILE_SIZE)
    except InputFileError as error:
        raise ConfigError(str(error)) from None
    try:
        return parse_toml(path, decode(path, raw, what), what)
    except InputFileError as error:
        if someone_elses and not any(mention in raw for mention in _MENTIONS):
            return {}
        raise ConfigError(str(error)) from None


def read(path: Path, table: Any) -> Config:
    where = shown_path(path) + (": [tool.assemblint]" if path.name == "pyproject.toml" else "")
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    for key in table:
        if key not in KEYS:
            raise ConfigError(
                f"{where}: unknown setting `{visible(str(key))}`{did_you_mean(key, KEYS)}; known: {', '.join(KEYS)}"
            )
    config = Config(path=path)
    for key in ("deck", "root"):
        if key in table:
            if not isinstance(table[key], str):
                raise ConfigError(f"{where}: `{key}` must be text, got {table[key]!r}")
            setattr(config, key, table[key])
    if config.root is not None:
        config.root = str((path.parent / config.root).resolve())
    if config.deck is not None and (config.deck.endswith(".toml") or "/" in config.deck):
        config.deck = str((path.parent / config.deck).resolve())  # a deck path is relative to the file
    for key in ("select", "ignore", "plugins"):
        if key in table:
            value = table[key]
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: `{key}` must be a list of text, got {value!r}")
            setattr(config, key, value)
    if "fail-on" in table:
        if table["fail-on"] not in FAIL_ON:
            raise ConfigError(f"{where}: `fail-on` must be one of {', '.join(FAIL_ON)}, got {table['fail-on']!r}")
        config.fail_on = table["fail-on"]
    if "isolate" in table:
        if table["isolate"] not in MODES:
            raise ConfigError(f"{where}: `isolate` must be one of {', '.join(MODES)}, got {table['isolate']!r}")
        config.isolate = table["isolate"]
    for key, parse in (("rule-timeout", parse_seconds), ("rule-memory", parse_size)):
        if key in table:
            try:
                setattr(config, key.replace("-", "_"), parse(table[key]))
            except ValueError as error:
                raise ConfigError(f"{where}: `{key}`: {error}") from None
    for key, parse_limit in LIMIT_KEYS.items():
        if key in table:
            try:
                setattr(config, key.replace("-", "_"), parse_limit(table[key]))
            except ValueError as error:
                raise ConfigError(f"{where}: `{key}`: {error}") from None
    return config
