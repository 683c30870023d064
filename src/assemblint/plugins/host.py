"""Finding, loading and asking plugins: pluggy, the `assemblint.plugins` entry points, isolation.

A plugin that fails to import, or whose hook raises, is recorded as a `PluginProblem` (the run
then exits 3) instead of stopping the run. Hooks are called once per run, never per object.
"""

from __future__ import annotations

import importlib.metadata as metadata
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import pluggy

from assemblint.build.loader import LanguageExtensions
from assemblint.checking.findings import Finding
from assemblint.checking.problems import PluginInfo, PluginProblem
from assemblint.checking.rules import Rule
from assemblint.model.assembly import Waiver
from assemblint.plugins import hookspecs

if TYPE_CHECKING:
    from assemblint.report.report import Report

ENTRY_POINT_GROUP = "assemblint.plugins"


@dataclass(frozen=True)
class FormatWriter:
    """One output format as one plugin registers it: `write(report) -> str`.

    `refused_by` names the plugin that registered `name` first, when this registration came later: it
    is then not what `--format NAME` selects, only what `--format PLUGIN:NAME` does (`qualified`).
    """

    plugin: str
    name: str
    write: Callable[[Report], str]
    refused_by: str | None = None

    @property
    def qualified(self) -> str:
        return f"{self.plugin}:{self.name}"

    def refusal(self) -> str:
        """What a refused duplicate is told: both plugins, the format, and how to select this one anyway."""
        return (
            f"plugin `{self.plugin}` registers the format `{self.name}`, which plugin `{self.refused_by}` "
            f"already provides; it is not used (`{self.qualified}` selects it)"
        )


@dataclass
class PluginHost:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    problems: list[PluginProblem] = field(default_factory=list)
    disabled: set[str] = field(default_factory=set)
    _rules: list[Rule] | None = None
    _formats: list[FormatWriter] | None = None

    # ------------------------------------------------------------------ construction
    @classmethod
    def create(
        cls,
        enable: Iterable[str] = (),
        disable: Iterable[str] = (),
        extra: Iterable[tuple[str, Any]] = (),
        entry_points: bool = True,
    ) -> PluginHost:
        """Load plugins from entry points (minus `disable`), plus `extra` (name, module) pairs.

        `enable` names plugins to keep even when a configuration disables them.
        """
        manager = pluggy.PluginManager(hookspecs.PROJECT)
        manager.add_hookspecs(hookspecs)
        host = cls(manager, disabled=set(disable) - set(enable))
        if entry_points:
            # assemblint's own plugins first, so that a third party's rule cannot take a core rule's id
            for ep in sorted(
                metadata.entry_points(group=ENTRY_POINT_GROUP),
                key=lambda e: (not (e.dist and e.dist.name == "assemblint"), e.name),
            ):
                if ep.name in host.disabled:
                    continue
                version = ep.dist.version if ep.dist else "?"
                distribution = ep.dist.name if ep.dist else ""
                try:
                    module = ep.load()
                except Exception as error:  # a broken plugin must not take the run down
                    host.problems.append(
                        PluginProblem(ep.name, "", f"failed to import {ep.value}: {type(error).__name__}: {error}")
                    )
                    continue
                host._register(ep.name, module, version, distribution)
        for name, module in extra:
            if name not in host.disabled:
                host._register(name, module, getattr(module, "__version__", "0"))
        return host

    @classmethod
    @cache
    def default(cls) -> PluginHost:
        """The host with every installed plugin (for the Python API's defaults)."""
        return cls.create()

    def _register(self, name: str, module: Any, version: str, distribution: str = "") -> None:
        if self.manager.has_plugin(name):
            self.problems.append(PluginProblem(name, "", "registered twice; the second registration is ignored"))
            return
        try:
            self.manager.register(module, name=name)
        except Exception as error:
            self.problems.append(PluginProblem(name, "", f"cannot be registered: {type(error).__name__}: {error}"))
            return
        self.plugins.append(PluginInfo(name, version, getattr(module, "__name__", type(module).__name__), distribution))

    # ------------------------------------------------------------------ asking
    def _each(self, hook_name: str) -> list[tuple[str, Any]]:
        """Call one hook on every plugin separately, so one that raises or returns the wrong shape is
        recorded, not fatal."""
        expect, expect_words = _HOOK_RESULTS[hook_name]
        results: list[tuple[str, Any]] = []
        for impl in getattr(self.manager.hook, hook_name).get_hookimpls():
            try:
                value = impl.function()
            except Exception as error:
                self.problems.append(
                    PluginProblem(
                        impl.plugin_name,
                        "",
                        f"hook {hook_name} raised {type(error).__name__}: {error}\n{_short_trace()}",
                    )
                )
                continue
            if value is None:
                continue
            if not isinstance(value, expect):
                self.problems.append(
                    PluginProblem(
                        impl.plugin_name,
                        "",
                        f"hook {hook_name} returned {type(value).__name__}, expected {expect_words}",
                    )
                )
                continue
            results.append((impl.plugin_name, value))
        return results  # pluggy gives implementations in registration order

    def rules(self) -> list[Rule]:
        """Every rule, each tagged with its plugin. A duplicate id is a problem naming both plugins.

        Asked once per host: the list (and any problem it found) is kept.
        """
        if self._rules is None:
            self._rules = self._collect_rules()
        return list(self._rules)

    def _collect_rules(self) -> list[Rule]:
        seen: dict[str, Rule] = {}
        for plugin, rules in self._each("assemblint_rules"):
            for rule in rules:
                if not isinstance(rule, Rule):
                    self.problems.append(
                        PluginProblem(
                            plugin, "", f"assemblint_rules returned {rule!r}, which is not made with @assemblint.rule"
                        )
                    )
                    continue
                if rule.id in seen:
                    first = seen[rule.id]
                    self.problems.append(
                        PluginProblem(
                            plugin,
                            rule.id,
                            f"rule id {rule.id} is registered by both "
                            f"plugin `{first.plugin}` and plugin `{plugin}`; "
                            f"the one from `{plugin}` is not run",
                        )
                    )
                    continue
                rule.plugin = plugin
                seen[rule.id] = rule
        return sorted(seen.values(), key=lambda r: r.id)

    def language_extensions(self) -> LanguageExtensions:
        libraries: dict[str, Any] = {}
        for _plugin, found in self._each("assemblint_libraries"):
            libraries.update(found)
        material: dict[str, str] = {}
        element: dict[str, str] = {}
        for _plugin, found in self._each("assemblint_properties"):
            material.update(found.get("material", {}))
            element.update(found.get("element", {}))
        types: list[str] = []
        for _plugin, found in self._each("assemblint_element_types"):
            types.extend(found)
        return LanguageExtensions(libraries, material, element, tuple(types))

    def formats(self) -> dict[str, Callable[[Report], str]]:
        """`--format NAME`: each name's writer, the first plugin to register the name keeping it."""
        return {f.name: f.write for f in self.format_writers() if f.refused_by is None}

    def format_writers(self) -> list[FormatWriter]:
        """Every format of every plugin, in the order the plugins were registered (the core's first).

        A name registered again (`json` by a third party) is kept as a refused duplicate: `--format NAME`
        never reaches it, `--format PLUGIN:NAME` does (`format_writer`). Asked once per host, like the rules.
        """
        if self._formats is None:
            self._formats = self._collect_formats()
        return list(self._formats)

    def format_writer(self, selection: str) -> FormatWriter | None:
        """The writer `--format SELECTION` names: a format's name, or `PLUGIN:NAME` for any plugin's own."""
        writers = self.format_writers()
        for writer in writers:
            if writer.name == selection and writer.refused_by is None:
                return writer
        plugin, colon, name = selection.partition(":")
        if colon:
            for writer in writers:
                if (writer.plugin, writer.name) == (plugin, name):
                    return writer
        return None

    def _collect_formats(self) -> list[FormatWriter]:
        order = {p.name: i for i, p in enumerate(self.plugins)}  # not pluggy's order, which trylast changes
        found = sorted(self._each("assemblint_formats"), key=lambda item: order.get(item[0], len(order)))
        owner: dict[str, str] = {}
        out: list[FormatWriter] = []
        for plugin, writers in found:
            for name, write in writers.items():
                if not isinstance(name, str):
                    self.problems.append(
                        PluginProblem(plugin, "", f"hook assemblint_formats gave the name {name!r}, expected a str")
                    )
                    continue
                out.append(FormatWriter(plugin, name, write, owner.get(name)))
                owner.setdefault(name, plugin)
        return out

    def run_findings(
        self, findings: list[Finding], run_waivers: list[Waiver]
    ) -> list[tuple[str, list[Finding] | PluginProblem]]:
        """Each plugin's `assemblint_run_findings`: (plugin, the findings it drops) or, for a hook that
        raised or returned something else, (plugin, the PluginProblem saying so)."""
        out: list[tuple[str, list[Finding] | PluginProblem]] = []
        for impl in self.manager.hook.assemblint_run_findings.get_hookimpls():
            try:
                returned: Any = impl.function(findings=findings, run_waivers=run_waivers)  # checked below
                dropped = list(returned or ())
                if not all(isinstance(f, Finding) for f in dropped):
                    raise TypeError("returned something that is not a finding of the run")
            except Exception as error:
                message = f"hook assemblint_run_findings raised {type(error).__name__}: {error}\n{_short_trace()}"
                out.append((impl.plugin_name, PluginProblem(impl.plugin_name, "", message)))
                continue
            out.append((impl.plugin_name, dropped))
        return out

    def registrations(self) -> dict[str, dict[str, list[str]]]:
        """What each plugin registers, for `assemblint plugins`."""
        out: dict[str, dict[str, list[str]]] = {p.name: {} for p in self.plugins}
        for hook, label in (
            ("assemblint_rules", "rules"),
            ("assemblint_libraries", "libraries"),
            ("assemblint_element_types", "element types"),
            ("assemblint_formats", "formats"),
        ):
            for plugin, found in self._each(hook):
                names = [r.id if isinstance(r, Rule) else str(r) for r in found]
                out.setdefault(plugin, {})[label] = sorted(names)
        for plugin, found in self._each("assemblint_properties"):
            out.setdefault(plugin, {})["properties"] = sorted(f"{t}.{n}" for t, props in found.items() for n in props)
        return out


_HOOK_RESULTS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "assemblint_rules": ((list, tuple), "a list of rules"),
    "assemblint_libraries": (Mapping, "a mapping {name: path}"),
    "assemblint_properties": (Mapping, 'a mapping {"material": {name: dimension}}'),
    "assemblint_element_types": ((list, tuple), "a list of names"),
    "assemblint_formats": (Mapping, "a mapping {name: writer}"),
}


def _short_trace() -> str:
    """The innermost frames of the current exception, for a plugin author to find the line."""
    lines = traceback.format_exc().strip().splitlines()
    return "\n".join(lines[-4:])
