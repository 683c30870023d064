"""Formats are plugins with the same guard as rules (issue 16, item 5).

A format writer that raises (SystemExit too) or returns something other than a str is an internal
error of the plugin that registered it: reported by plugin and format, exit 3, no traceback, and
the other formats of the run still written, each whole. A plugin that registers a name another
plugin already has (`json`) is refused: the first registration (the core's own) keeps the name,
and `--format PLUGIN:NAME` selects the refused writer explicitly.

The plugins here are in-process objects registered with `PluginHost.create(extra=…)`; the command
line is given that host by replacing `cli._host`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.plugins.host import PluginHost
from assemblint.report.formats import registry
from assemblint.report.report import Report

DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }
element sub : substrate { body silicon; pads p grid 2 x 2 pitch 200 um diameter 100 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
"""

REFUSAL = (
    "plugin `acme` registers the format `json`, which plugin `builtin` already provides; "
    "it is not used (`acme:json` selects it)"
)


# ---------------------------------------------------------------------------------------- the plugins
def boom(report: Report) -> str:
    raise RuntimeError("kaboom")


BOOM_LINE = boom.__code__.co_firstlineno + 1  # the `raise`


class Crashing:
    @assemblint.hookimpl
    def assemblint_formats(self):
        return {"boom": boom}


class Junk:
    @assemblint.hookimpl
    def assemblint_formats(self):
        return {"junk": lambda report: b"bytes, not text"}


class Quits:
    @assemblint.hookimpl
    def assemblint_formats(self):
        def quits(report: Report) -> str:
            sys.exit(2)

        return {"quits": quits}


class Interrupted:
    @assemblint.hookimpl
    def assemblint_formats(self):
        def stop(report: Report) -> str:
            raise KeyboardInterrupt

        return {"stop": stop}


class Impostor:
    """Registers `json`, which the core's `builtin` plugin already provides, and a name of its own."""

    @assemblint.hookimpl
    def assemblint_formats(self):
        return {"json": lambda report: "acme's json\n", "yaml": lambda report: "acme: yaml\n"}


class LateImpostor:
    """Asks pluggy to be called last, which puts it first in pluggy's list: it still does not get `json`."""

    @assemblint.hookimpl(trylast=True)
    def assemblint_formats(self):
        return {"json": lambda report: "late json\n"}


class OtherYaml:
    @assemblint.hookimpl
    def assemblint_formats(self):
        return {"yaml": lambda report: "beta: yaml\n"}


# ---------------------------------------------------------------------------------------- helpers
@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """run(plugins, *argv) -> (exit code, stdout, stderr): `assemblint check d.assy *argv` in tmp_path, with the
    core (builtin) and the given (name, plugin) pairs only. A SystemExit escaping `cli.main` fails the test."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.assy").write_text(DESIGN, encoding="utf-8")

    def run(plugins: list[tuple[str, object]], *argv: str) -> tuple[int, str, str]:
        monkeypatch.setattr(cli, "_host", lambda flags: PluginHost.create(disable=OTHER_PLUGINS, extra=plugins))
        code = cli.main(["check", "d.assy", *argv])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return code, out, err

    return run


def json_report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------- a writer that fails
def test_a_writer_that_raises_exits_3_named_and_the_other_formats_are_written(run, tmp_path: Path) -> None:
    (tmp_path / "b.out").write_text("the previous run's\n", encoding="utf-8")
    code, out, err = run(
        [("acme", Crashing())],
        *("--format", "json", "-o", "a.json", "--report", "boom=b.out", "--report", "sarif=c.sarif"),
    )
    assert code == 3
    message = f"format `boom` raised RuntimeError: kaboom (test_format_guard.py:{BOOM_LINE}); "
    message += "nothing was written to b.out"
    assert err == f"assemblint: internal error in plugin `acme`: {message}\n"
    assert out == ""
    # the failed format's file is left as it was; the others are whole, and say the run failed
    assert (tmp_path / "b.out").read_text(encoding="utf-8") == "the previous run's\n"
    report = json_report(tmp_path / "a.json")
    assert report["summary"]["exit_code"] == 3
    assert report["internal_errors"] == [{"rule": "", "plugin": "acme", "message": message}]
    sarif = json_report(tmp_path / "c.sarif")
    [invocation] = sarif["runs"][0]["invocations"]
    assert (invocation["exitCode"], invocation["executionSuccessful"]) == (3, False)
    notes = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert any("format `boom` raised RuntimeError: kaboom" in note for note in notes)


def test_a_main_format_that_raises_writes_nothing_to_stdout_and_the_reports_still(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Crashing())], "--format", "boom", "--report", "json=a.json")
    assert (code, out) == (3, "")
    assert "assemblint: internal error in plugin `acme`: format `boom` raised RuntimeError: kaboom (" in err
    assert err.endswith("; nothing was written to standard output\n")
    assert json_report(tmp_path / "a.json")["summary"]["exit_code"] == 3


def test_with_the_text_report_on_stdout_the_failure_is_in_it(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Crashing())], "--report", "boom=b.out", "--report", "json=a.json")
    assert code == 3
    assert "assemblint: internal error in plugin `acme`: format `boom` raised RuntimeError: kaboom (" in out
    assert err == ""  # the text report shows it, as it shows a rule's crash
    assert not (tmp_path / "b.out").exists()
    assert json_report(tmp_path / "a.json")["summary"]["exit_code"] == 3


def test_a_writer_returning_something_else_than_text_exits_3(run, tmp_path: Path) -> None:
    code, _, err = run([("acme", Junk())], "--format", "junk", "-o", "j.out", "--report", "json=a.json")
    assert code == 3
    assert err == (
        "assemblint: internal error in plugin `acme`: format `junk` returned bytes, expected str; "
        "nothing was written to j.out\n"
    )
    assert not (tmp_path / "j.out").exists()
    assert json_report(tmp_path / "a.json")["summary"]["exit_code"] == 3


def test_sys_exit_in_a_writer_does_not_end_the_run(run, tmp_path: Path) -> None:
    code, _, err = run([("acme", Quits())], "--format", "json", "-o", "a.json", "--report", "quits=q.out")
    assert code == 3
    assert "assemblint: internal error in plugin `acme`: format `quits` raised SystemExit: 2 (" in err
    assert not (tmp_path / "q.out").exists()
    assert json_report(tmp_path / "a.json")["summary"]["exit_code"] == 3


def test_ctrl_c_in_a_writer_still_stops_the_run_with_130_and_writes_nothing(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Interrupted())], "--format", "json", "-o", "a.json", "--report", "stop=s.out")
    assert (code, out, err) == (130, "", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.assy"]  # the JSON was ready: not written either


def test_several_failing_writers_are_each_reported(run, tmp_path: Path) -> None:
    code, _, err = run(
        [("acme", Crashing()), ("junky", Junk())],
        *("--format", "json", "-o", "a.json", "--report", "boom=b.out", "--report", "junk=j.out"),
    )
    assert code == 3
    assert [line.split(":")[1] for line in err.splitlines()] == [
        " internal error in plugin `acme`",
        " internal error in plugin `junky`",
    ]
    assert [e["plugin"] for e in json_report(tmp_path / "a.json")["internal_errors"]] == ["acme", "junky"]


# ---------------------------------------------------------------------------------------- a name taken twice
def test_a_plugin_registering_json_is_refused_and_the_builtin_json_is_written(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Impostor())], "--format", "json", "-o", "a.json")
    assert (code, out) == (3, "")  # `json` asked for, and a plugin's `json` refused: the user may have meant that one
    assert err == f"assemblint: internal error in plugin `acme`: {REFUSAL}\n"
    report = json_report(tmp_path / "a.json")  # the core's JSON report, not acme's
    assert report["schema"] == "assemblint-report/1"
    assert report["internal_errors"] == [{"rule": "", "plugin": "acme", "message": REFUSAL}]


def test_a_refused_name_the_run_does_not_use_is_a_warning(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Impostor())], "--format", "yaml", "--report", "sarif=a.sarif")
    assert (code, out) == (0, "acme: yaml\n")
    assert err == f"assemblint: warning: {REFUSAL}\n"
    [invocation] = json_report(tmp_path / "a.sarif")["runs"][0]["invocations"]
    assert invocation["exitCode"] == 0


def test_plugin_colon_name_selects_the_refused_writer(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Impostor())], "--format", "acme:json", "--report", "builtin:json=a.json")
    assert (code, out, err) == (0, "acme's json\n", "")  # chosen explicitly: no refusal, no warning
    assert json_report(tmp_path / "a.json")["summary"]["exit_code"] == 0


def test_every_format_can_be_selected_qualified(run, tmp_path: Path) -> None:
    code, out, _ = run([("acme", Impostor())], "--format", "builtin:text", "--report", "acme:yaml=y.out")
    assert code == 0 and out.startswith("d.assy: 0 errors")
    assert (tmp_path / "y.out").read_text(encoding="utf-8") == "acme: yaml\n"


def test_a_bare_name_next_to_a_qualified_one_is_still_refused(run, tmp_path: Path) -> None:
    code, out, err = run([("acme", Impostor())], "--format", "json", "-o", "a.json", "--report", "acme:json=b.out")
    assert (code, out) == (3, "")
    assert err == f"assemblint: internal error in plugin `acme`: {REFUSAL}\n"
    assert (tmp_path / "b.out").read_text(encoding="utf-8") == "acme's json\n"


def test_between_two_plugins_the_first_registered_keeps_the_name(run) -> None:
    plugins = [("acme", Impostor()), ("beta", OtherYaml())]
    code, out, err = run(plugins, "--format", "yaml")
    assert (code, out) == (3, "acme: yaml\n")
    assert (
        "plugin `beta` registers the format `yaml`, which plugin `acme` already provides; "
        "it is not used (`beta:yaml` selects it)"
    ) in err
    assert f"assemblint: warning: {REFUSAL}\n" in err  # json is not used here
    assert run(plugins, "--format", "beta:yaml")[:2] == (0, "beta: yaml\n")


def test_calling_order_does_not_decide_who_keeps_a_name() -> None:
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("late", LateImpostor())])
    assert host.formats()["json"] is registry.json_format
    [refused] = [w for w in host.format_writers() if w.refused_by]
    assert (refused.plugin, refused.name, refused.refused_by) == ("late", "json", "builtin")
    assert refused.qualified == "late:json"


def test_an_unknown_format_lists_the_refused_ones_qualified(run) -> None:
    code, _, err = run([("acme", Impostor())], "--format", "acme:toml")
    assert code == 2
    assert err == (
        "assemblint: unknown format `acme:toml`; known: github, gitlab, html, json, junit, sarif, text, yaml, "
        "acme:json\n"
    )


def test_a_format_name_that_is_not_text_is_a_problem_of_its_plugin() -> None:
    class Numbered:
        @assemblint.hookimpl
        def assemblint_formats(self):
            return {1: registry.text, "fine": registry.text}

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("numbered", Numbered())])
    assert host.formats()["fine"] is registry.text
    assert [(p.plugin, p.message) for p in host.problems] == [
        ("numbered", "hook assemblint_formats gave the name 1, expected a str")
    ]
