"""Shared helpers for the language tests: write `.assy` text to a file, load it, collect errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import assemblint


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
