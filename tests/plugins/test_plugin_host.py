"""The plugin host and the hooks, exercised exactly as a third-party plugin would use them.

Every plugin here is an object (a class instance or a module) whose methods are marked with
`@assemblint.hookimpl`, registered through `PluginHost.create(extra=[(name, obj)])` (without the installed rule
families, OTHER_PLUGINS). For the
command line, which builds its own host from entry points, `PluginHost.create` is wrapped so
that it also registers the test plugins (and still honours `-p no:NAME`).
"""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.api import CheckOptions, check_files
from assemblint.plugins.host import PluginHost
from assemblint.report.formats import registry as formats
from assemblint.report.report import Report

DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }
element sub : substrate { body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
"""


# ---------------------------------------------------------------------------------------- rules
@assemblint.rule(id="TST001", name="every-mass", severity=assemblint.Severity.WARNING, doc="One finding a mass.")
def every_mass(ctx):
    for mass in ctx.assembly.masses:
        yield ctx.finding("a mass", objects=mass)


@assemblint.rule(id="TST002", name="first-mass", severity="error")
def first_mass(ctx):
    yield ctx.finding("the first mass", objects=ctx.assembly.masses[0])


@assemblint.rule(id="TST900", name="crashes")
def crashes(ctx):
    raise RuntimeError("kaboom")


@assemblint.rule(id="TST901", name="cannot-run")
def cannot_run(ctx):
    raise assemblint.CannotRun("the design has no process")


@assemblint.rule(id="TST902", name="crashes-halfway")
def crashes_halfway(ctx):
    yield ctx.finding("before the crash", objects=ctx.assembly.masses[0])
    raise ValueError("halfway")


@assemblint.rule(id="TST903", name="returns-junk")
def returns_junk(ctx):
    return ["not a finding"]


class RulesPlugin:
    """A plugin with well-behaved rules only."""

    @assemblint.hookimpl
    def assemblint_rules(self):
        return [every_mass, first_mass]


class FaultyPlugin:
    """A plugin whose rules misbehave in each way a rule can."""

    @assemblint.hookimpl
    def assemblint_rules(self):
        return [crashes, cannot_run, crashes_halfway, returns_junk]


def write(tmp_path: Path, text: str = DESIGN, name: str = "d.assy") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_check(path: Path, host: PluginHost, **options) -> Report:
    return check_files([path], CheckOptions(**options), host)


def statuses(report: Report) -> dict[str, tuple[str, str | None]]:
    return {r["id"]: (r["status"], r.get("reason")) for r in report.to_json()["rules"]}


@pytest.fixture
def cli_plugins(monkeypatch: pytest.MonkeyPatch):
    """Make `cli.main` register the given (name, plugin) pairs beside the installed plugins."""
    PluginHost.default()  # fill the API's cached default host before the patch, so it never holds test plugins
    original = PluginHost.create.__func__
    registered: list[tuple[str, object]] = []

    def create(cls, enable=(), disable=(), extra=(), entry_points=True):
        return original(cls, enable, [*disable, *OTHER_PLUGINS], [*extra, *registered], entry_points)

    monkeypatch.setattr(PluginHost, "create", classmethod(create))

    def add(*plugins: tuple[str, object]) -> None:
        registered.extend(plugins)

    return add


def main(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as exit_:  # argparse's own errors
        return int(exit_.code or 0)


# ---------------------------------------------------------------------------------------- hooks
def test_rules_are_tagged_with_their_plugin() -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", RulesPlugin())])
    rules = host.rules()
    assert [(r.id, r.name, r.plugin, r.severity) for r in rules] == [
        ("TST001", "every-mass", "testplugin", assemblint.Severity.WARNING),
        ("TST002", "first-mass", "testplugin", assemblint.Severity.ERROR),
    ]
    assert [p.name for p in host.plugins] == ["builtin", "testplugin"]
    assert host.problems == []


def test_a_module_can_be_a_plugin_and_gives_its_version() -> None:
    module = types.ModuleType("acme_rules")
    module.__version__ = "1.2.3"

    @assemblint.hookimpl
    def assemblint_rules():
        return [first_mass]

    module.assemblint_rules = assemblint_rules
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("acme", module)])
    assert [(r.id, r.plugin) for r in host.rules()] == [("TST002", "acme")]
    info = {p.name: (p.version, p.module) for p in host.plugins}
    assert info["acme"] == ("1.2.3", "acme_rules")


def test_report_lists_plugins_with_versions(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", RulesPlugin())])
    tool = run_check(write(tmp_path), host).to_json()["tool"]
    assert tool["plugins"] == [
        {"name": "builtin", "version": assemblint.__version__},
        {"name": "testplugin", "version": "0"},
    ]


def test_a_crashing_rule_is_reported_and_the_others_still_run(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", RulesPlugin()), ("faulty", FaultyPlugin())])
    report = run_check(write(tmp_path), host)
    data = report.to_json()

    assert report.exit_code == 3
    assert data["summary"]["exit_code"] == 3
    # the well-behaved rules' findings are all there
    assert sorted((f["rule"], f["objects"][0], f["count"]) for f in data["findings"]) == [
        ("TST001", "m[0:4]", 4),
        ("TST002", "m[0]", 1),
    ]
    errors = {e["rule"]: e for e in data["internal_errors"]}
    assert sorted(errors) == ["TST900", "TST902", "TST903"]
    assert errors["TST900"]["plugin"] == "faulty"
    assert errors["TST900"]["message"].startswith("RuntimeError: kaboom")
    assert errors["TST902"]["message"].startswith("ValueError: halfway")
    assert "instead of findings made with ctx.finding()" in errors["TST903"]["message"]

    got = statuses(report)
    assert got["TST001"] == ("ran", None)
    assert got["TST900"] == ("crashed", "RuntimeError: kaboom")
    assert got["TST902"] == ("crashed", "ValueError: halfway")
    assert got["TST903"][0] == "crashed"
    # a rule that crashed after yielding contributes nothing half-done
    assert all(f["rule"] != "TST902" for f in data["findings"])


def test_a_crashing_rule_in_the_text_report_names_plugin_and_rule(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("faulty", FaultyPlugin())])
    text = formats.text(run_check(write(tmp_path), host))
    assert "assemblint: internal error in plugin `faulty`, rule TST900: RuntimeError: kaboom\n" in text


def test_a_crashing_rule_exits_3_on_the_command_line(tmp_path: Path, cli_plugins, capsys, monkeypatch) -> None:
    cli_plugins(("testplugin", RulesPlugin()), ("faulty", FaultyPlugin()))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "--format", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert {(e["plugin"], e["rule"]) for e in data["internal_errors"]} == {
        ("faulty", "TST900"),
        ("faulty", "TST902"),
        ("faulty", "TST903"),
    }
    assert {f["rule"] for f in data["findings"]} == {"TST001", "TST002"}


def test_cannot_run_gives_status_with_reason_and_no_internal_error(tmp_path: Path) -> None:
    class OnlyCannot:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [cannot_run, every_mass]

    report = run_check(write(tmp_path), PluginHost.create(disable=OTHER_PLUGINS, extra=[("testplugin", OnlyCannot())]))
    data = report.to_json()
    assert statuses(report)["TST901"] == ("could-not-run", "the design has no process")
    assert "internal_errors" not in data
    assert report.exit_code == 0  # TST001 is a warning; could-not-run does not fail the run


def test_two_plugins_registering_one_rule_id_is_an_error_naming_both(tmp_path: Path) -> None:
    @assemblint.rule(id="TST001", name="impostor")
    def impostor(ctx):
        yield ctx.finding("from the impostor")

    class Impostor:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [impostor]

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("first", RulesPlugin()), ("second", Impostor())])
    rules = host.rules()
    assert [r.id for r in rules] == ["TST001", "TST002"]
    assert len(host.problems) == 1
    problem = host.problems[0]
    assert problem.rule == "TST001"
    assert "`first`" in problem.message and "`second`" in problem.message
    assert "registered by both" in problem.message

    report = run_check(write(tmp_path), host)
    assert report.exit_code == 3
    assert [f.rule for f in report.findings].count("TST001") == 1


def test_on_a_duplicate_id_the_first_registered_plugin_wins(tmp_path: Path) -> None:
    @assemblint.rule(id="TST001", name="impostor")
    def impostor(ctx):
        yield ctx.finding("from the impostor")

    class Impostor:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [impostor]

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("first", RulesPlugin()), ("second", Impostor())])
    (tst001,) = [r for r in host.rules() if r.id == "TST001"]
    assert tst001.plugin == "first"
    assert "the one from `second` is not run" in host.problems[0].message


def test_a_reused_host_reports_a_duplicate_id_once(tmp_path: Path) -> None:
    @assemblint.rule(id="TST001", name="impostor")
    def impostor(ctx):
        yield ctx.finding("from the impostor")

    class Impostor:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [impostor]

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("first", RulesPlugin()), ("second", Impostor())])
    path = write(tmp_path)
    run_check(path, host)
    second = run_check(path, host).to_json()
    assert len(second["internal_errors"]) == 1


def test_a_hook_that_raises_is_recorded_and_does_not_stop_the_run(tmp_path: Path) -> None:
    class BrokenFormats:
        @assemblint.hookimpl
        def assemblint_formats(self):
            raise KeyError("oops")

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("broken", BrokenFormats()), ("testplugin", RulesPlugin())])
    assert sorted(host.formats()) == ["github", "gitlab", "html", "json", "junit", "sarif", "text"]
    assert [(p.plugin, p.rule) for p in host.problems] == [("broken", "")]
    assert "hook assemblint_formats raised KeyError" in host.problems[0].message
    report = run_check(write(tmp_path), host)
    assert report.exit_code == 3
    assert {f.rule for f in report.findings} == {"TST001", "TST002"}


def test_a_rule_with_a_bad_default_does_not_take_the_run_down(tmp_path: Path, cli_plugins, capsys, monkeypatch):
    @assemblint.rule(id="TST905", name="bad-default", params={"gap": assemblint.quantity("length", "20 C")})
    def bad_default(ctx):
        return []

    class BadDefault:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [bad_default]

    cli_plugins(("testplugin", RulesPlugin()), ("baddefault", BadDefault()))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "--format", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert {f["rule"] for f in data["findings"]} == {"TST001", "TST002"}
    assert [(e["plugin"], e["rule"]) for e in data["internal_errors"]] == [("baddefault", "TST905")]


@pytest.mark.parametrize(
    "plugin",
    [
        pytest.param(
            type("SingleRule", (), {"assemblint_rules": assemblint.hookimpl(lambda self: first_mass)})(),
            id="rules-returns-one-rule",
        ),
        pytest.param(
            type("ListFormats", (), {"assemblint_formats": assemblint.hookimpl(lambda self: ["myfmt"])})(),
            id="formats-returns-a-list",
        ),
    ],
)
def test_a_hook_result_of_the_wrong_shape_is_a_problem(tmp_path: Path, cli_plugins, capsys, monkeypatch, plugin):
    cli_plugins(("testplugin", RulesPlugin()), ("sloppy", plugin))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "--format", "json"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert "sloppy" in {e["plugin"] for e in data["internal_errors"]}


def test_a_rule_not_made_with_the_decorator_is_a_problem() -> None:
    class Sloppy:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [lambda ctx: None, first_mass]

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("sloppy", Sloppy())])
    assert [r.id for r in host.rules()] == ["TST002"]
    assert len(host.problems) == 1
    assert host.problems[0].plugin == "sloppy"
    assert "not made with @assemblint.rule" in host.problems[0].message


def test_rule_decorator_rejects_bad_ids_names_and_dimensions() -> None:
    with pytest.raises(ValueError, match="must look like ABC123"):
        assemblint.rule(id="tst1", name="x")
    with pytest.raises(ValueError, match="kebab-case"):
        assemblint.rule(id="TST001", name="Not_Kebab")
    with pytest.raises(ValueError, match="unknown dimension 'lenght'"):
        assemblint.rule(id="TST001", name="x", params={"gap": assemblint.quantity("lenght", "1 um")})


# ---------------------------------------------------------------------------------------- disabling
def test_disable_drops_a_plugin_and_its_rules() -> None:
    host = PluginHost.create(disable=["testplugin", *OTHER_PLUGINS], extra=[("testplugin", RulesPlugin())])
    assert [p.name for p in host.plugins] == ["builtin"]
    assert host.rules() == []


def test_enable_wins_over_disable() -> None:
    host = PluginHost.create(
        enable=["testplugin"], disable=["testplugin", *OTHER_PLUGINS], extra=[("testplugin", RulesPlugin())]
    )
    assert [r.id for r in host.rules()] == ["TST001", "TST002"]


def test_cli_p_no_name_disables_a_plugin(tmp_path: Path, cli_plugins, capsys, monkeypatch) -> None:
    cli_plugins(("testplugin", RulesPlugin()))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "--format", "json"]) == 1  # TST002 is an error
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["rules"]] == ["TST001", "TST002"]

    assert main(["check", "d.assy", "--format", "json", "-p", "no:testplugin"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rules"] == []
    assert data["findings"] == []
    assert [p["name"] for p in data["tool"]["plugins"]] == ["builtin"]


def test_cli_p_name_of_a_missing_plugin_exits_2(tmp_path: Path, cli_plugins, capsys, monkeypatch) -> None:
    cli_plugins(("testplugin", RulesPlugin()))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "-p", "testplugin"]) == 1
    capsys.readouterr()
    assert main(["check", "d.assy", "-p", "nosuchplugin"]) == 2
    err = capsys.readouterr().err
    assert "no plugin named nosuchplugin is installed" in err
    assert "installed: builtin, testplugin" in err


def test_cli_refuses_to_disable_builtin(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "-p", "no:builtin"]) == 2
    assert "cannot be disabled" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- libraries
ACME_LIBRARY = """\
# acme house materials
material acme_solder {
    kind fusible
    composition Sn 96.5 %, Ag 3.5 %
    solidus 221 C
    liquidus 221 C
}
material acme_gel { kind compliant; dielectric; modulus 0.5 MPa }
"""


def acme_plugin(library: Path):
    class Acme:
        @assemblint.hookimpl
        def assemblint_libraries(self):
            return {"acme": str(library)}

    return Acme()


def test_libraries_hook_lets_use_load_a_library(tmp_path: Path) -> None:
    library = write(tmp_path / "vendor", ACME_LIBRARY, "acme.assy")
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("acme", acme_plugin(library))])
    design = write(
        tmp_path / "design",
        "use acme\nuse std\n"
        "material acme_gel { kind compliant; dielectric; modulus 0.1 MPa }\n"
        "element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }\n"
        "element sub : substrate { body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }\n"
        "masses m : acme_solder { joins die.c[*] -- sub.p[*] }\n",
    )
    assembly = assemblint.load(design, host=host)
    solder = assembly.materials["acme_solder"]
    assert (solder.library, solder.solidus, solder.liquidus) == ("acme", 221.0, 221.0)
    assert solder.composition == {"Sn": 96.5, "Ag": 3.5}
    assert assembly.mass_groups[0].material is solder
    # the design's own declaration shadows the library's, silently
    gel = assembly.materials["acme_gel"]
    assert (gel.library, gel.modulus) == (None, 0.1)
    assert assembly.materials["silicon"].library == "std"


def test_without_the_plugin_use_acme_is_an_unknown_library(tmp_path: Path) -> None:
    design = write(tmp_path, "use acme\n")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(design, host=PluginHost.create())
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line) == ("E002", 1)
    assert "unknown library `acme`" in diagnostic.message
    assert "known: std" in diagnostic.message


def test_a_library_that_does_not_exist_is_e006(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("acme", acme_plugin(tmp_path / "missing.assy"))])
    design = write(tmp_path, "use acme\n")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(design, host=host)
    assert [(d.code, d.location.line) for d in info.value.diagnostics] == [("E006", 1)]
    assert "library `acme` cannot be read" in info.value.diagnostics[0].message


# ---------------------------------------------------------------------------------------- properties
class ThermalProperties:
    @assemblint.hookimpl
    def assemblint_properties(self):
        return {"material": {"thermal_conductivity": "number"}, "element": {"warpage": "length"}}


PROPERTY_DESIGN = """\
use std
material mine : copper { thermal_conductivity 390 }
element die : chip { body silicon; warpage 0.05 mm }
element sub : substrate { body silicon; warpage 20 um }
"""


def test_properties_hook_adds_material_and_element_properties(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("thermal", ThermalProperties())])
    assembly = assemblint.load(write(tmp_path, PROPERTY_DESIGN), host=host)
    assert assembly.materials["mine"].extra == {"thermal_conductivity": 390.0}
    assert assembly.materials["mine"].cte == assembly.materials["copper"].cte  # inherited as usual
    assert [(e.name, e.extra) for e in assembly.elements] == [("die", {"warpage": 50.0}), ("sub", {"warpage": 20.0})]
    assert ("thermal", {"properties": ["element.warpage", "material.thermal_conductivity"]}) in (
        host.registrations().items()
    )


def test_without_the_plugin_the_new_properties_are_e010(tmp_path: Path) -> None:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(write(tmp_path, PROPERTY_DESIGN), host=PluginHost.create())
    got = [(d.code, d.location.line) for d in info.value.diagnostics]
    assert got == [("E010", 2), ("E010", 3), ("E010", 4)]
    assert "unknown material property `thermal_conductivity`" in info.value.diagnostics[0].message


def test_unknown_properties_are_still_e010_and_the_list_names_the_new_one(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("thermal", ThermalProperties())])
    text = "use std\nmaterial mine : copper { conductivity 390 }\nelement die : chip { body silicon; warp 1 um }\n"
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(write(tmp_path, text), host=host)
    material, element = info.value.diagnostics
    assert (material.code, material.location.line) == ("E010", 2)
    assert "unknown material property `conductivity`" in material.message
    assert "did you mean `thermal_conductivity`" in material.message
    assert material.message.endswith(", thermal_conductivity")
    assert (element.code, element.location.line) == ("E010", 3)
    assert "warpage" in element.message


def test_a_plugin_property_checks_its_dimension(tmp_path: Path) -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("thermal", ThermalProperties())])
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(write(tmp_path, "use std\nelement die : chip { body silicon; warpage 5 C }\n"), host=host)
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line) == ("E003", 2)
    assert "expected a length, got a temperature" in diagnostic.message


# ---------------------------------------------------------------------------------------- element types
class PhotonicTypes:
    @assemblint.hookimpl
    def assemblint_element_types(self):
        return ["photonic_chip"]


def test_element_types_hook_adds_a_type(tmp_path: Path) -> None:
    text = "use std\nelement pic : photonic_chip { body silicon }\nelement die : chip { body silicon }\n"
    path = write(tmp_path, text)
    assembly = assemblint.load(
        path, host=PluginHost.create(disable=OTHER_PLUGINS, extra=[("photonics", PhotonicTypes())])
    )
    assert [(e.name, e.type) for e in assembly.elements] == [("pic", "photonic_chip"), ("die", "chip")]

    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path, host=PluginHost.create())
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.code, diagnostic.location.line) == ("E010", 2)
    assert "unknown element type `photonic_chip`" in diagnostic.message


# ---------------------------------------------------------------------------------------- formats
def count_format(report: Report) -> str:
    return "".join(f"{f.rule} {f.count}\n" for f in sorted(report.findings, key=lambda f: f.rule))


class CountFormat:
    @assemblint.hookimpl
    def assemblint_formats(self):
        return {"myfmt": count_format}


def test_formats_hook_adds_a_format_usable_from_the_cli(tmp_path: Path, cli_plugins, capsys, monkeypatch) -> None:
    cli_plugins(("testplugin", RulesPlugin()), ("counts", CountFormat()))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "--format", "myfmt"]) == 1
    assert capsys.readouterr().out == "TST001 4\nTST002 1\n"

    assert main(["check", "d.assy", "--format", "myfmt", "-o", "out.txt"]) == 1
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "TST001 4\nTST002 1\n"


def test_an_unknown_format_exits_2_listing_the_known_ones(tmp_path: Path, cli_plugins, capsys, monkeypatch) -> None:
    cli_plugins(("counts", CountFormat()))
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    assert main(["check", "d.assy", "--format", "yaml"]) == 2
    assert (
        "unknown format `yaml`; known: github, gitlab, html, json, junit, myfmt, sarif, text" in capsys.readouterr().err
    )


def test_plugins_command_lists_what_a_plugin_registers(cli_plugins, capsys) -> None:
    cli_plugins(("counts", CountFormat()), ("testplugin", RulesPlugin()), ("photonics", PhotonicTypes()))
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "counts 0 (CountFormat)\n    formats: myfmt\n" in out
    assert "testplugin 0 (RulesPlugin)\n    rules: TST001, TST002\n" in out
    assert "photonics 0 (PhotonicTypes)\n    element types: photonic_chip\n" in out
