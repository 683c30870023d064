"""Shared helpers for the language tests: write `.assy` text to a file, load it, collect errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import assemblint
import assemblint.report.report
from assemblint.plugins.host import PluginHost


def write(tmp_path: Path, text: str, name: str = "d.assy") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors_of(tmp_path: Path, text: str, name: str = "d.assy", **kwargs) -> list[assemblint.Diagnostic]:
    path = write(tmp_path, text, name)
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path, **kwargs)
    return info.value.diagnostics


@pytest.fixture
def load_text(tmp_path: Path) -> Callable[..., assemblint.Assembly]:
    def load(text: str, name: str = "d.assy", **kwargs) -> assemblint.Assembly:
        return assemblint.load(write(tmp_path, text, name), **kwargs)

    return load


@pytest.fixture
def language_errors(tmp_path: Path) -> Callable[..., list[assemblint.Diagnostic]]:
    def errors(text: str, name: str = "d.assy", **kwargs) -> list[assemblint.Diagnostic]:
        return errors_of(tmp_path, text, name, **kwargs)

    return errors


@pytest.fixture
def check_text(tmp_path: Path) -> Callable[..., assemblint.report.report.Report]:
    """check_text(assy_text, deck=None, select=()) -> Report. `deck`: TOML text of `[rules.*]` tables."""
    counter = iter(range(1_000_000))

    def check(text: str, deck: str | None = None, select: tuple[str, ...] | list[str] = ()):
        n = next(counter)
        path = write(tmp_path, text, f"design{n}.assy")
        deck_path = None
        if deck is not None:
            deck_path = write(tmp_path, f'[deck]\nname = "test"\n{deck}\n', f"deck{n}.toml")
        report = assemblint.check(path, deck=str(deck_path) if deck_path else None, select=select)
        assert not report.errors, [d.message for d in report.errors]
        assert not report.problems, [p.message for p in report.problems]
        return report

    return check


# The installed rule families and shipped plugins: tests of the core's own behaviour (engine, host,
# command line) leave them out, so that they see only the test plugins they register.
OTHER_PLUGINS = (
    "waivers",
    "melting",
    "containment",
    "insulation",
    "cte",
    "stack",
    "reliability",
    "rohs",
    "alpha",
    "template",
)


# The plugin distributions in plugins/*/ (rohs, alpha, template) are installed beside the core in CI
# and test themselves (`python -m pytest plugins/NAME`). This suite tests the core and its four
# families, so it leaves them out unless a test enables one by name: the suite gives the same
# answers whether or not they are installed.
SHIPPED_BESIDE = ("rohs", "alpha", "template")
_create = PluginHost.create.__func__


def _create_without_shipped_beside(cls, enable=(), disable=(), extra=(), entry_points=True):
    extra_disabled = [name for name in SHIPPED_BESIDE if name not in enable]
    return _create(cls, enable, [*disable, *extra_disabled], extra, entry_points)


PluginHost.create = classmethod(_create_without_shipped_beside)
