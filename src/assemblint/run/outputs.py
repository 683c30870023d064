"""The files a run writes may not be files it reads: `check d.assy -o d.assy` would replace the design
with its report (docs/safety.md).

An output is compared with every input as the file system sees them (device and inode, so links,
`..`, hard links and a case-insensitive disk all count), before anything is written: once with what
the command line names (the designs, folders expanded; the deck; the waivers file; the baseline),
before the run, and once more with every file the run read (imports, a deck's `extends`) after it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from assemblint.base.inputs import shown_path
from assemblint.checking.deck import builtin_decks
from assemblint.report.report import Report
from assemblint.run.pipeline import CheckOptions, design_files


class OverwritesInput(Exception):
    """An output path that is one of the run's inputs: exit 2, nothing written."""


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """The regular file at `path` (links followed) as (device, inode); None if there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def refuse_overwrite(outputs: Iterable[tuple[str, str | None]], inputs: Iterable[str | os.PathLike[str]]) -> None:
    """Raise OverwritesInput if an output is an input: `outputs` are (the option as given, its path),
    such as ("-o d.assy", "d.assy"); a path of None is standard output."""
    read: dict[tuple[int, int], str] = {}
    for path in inputs:
        identity = _identity(path)
        if identity is not None:
            read.setdefault(identity, str(path))
    for option, output in outputs:
        identity = _identity(output) if output else None
        if identity is not None and identity in read:
            raise OverwritesInput(
                f"{shown_path(option)} is {shown_path(read[identity])}, an input of this run: the report would "
                "replace it; write the report to another file"
            )


def named_inputs(paths: Iterable[Path], options: CheckOptions) -> list[str]:
    """The files the command line names for a run: its designs (folders expanded), the deck when it
    is a file, the waivers file, the baseline."""
    files, _ = design_files(paths, options.root)
    named = [str(p) for p in files]
    if options.deck and options.deck not in builtin_decks():
        named.append(options.deck)
    named.extend(p for p in (options.waivers, options.baseline) if p)
    return named


def read_inputs(report: Report, options: CheckOptions) -> list[str]:
    """Every file the run read: the designs and their imports, each deck of the chain, waivers, baseline."""
    read = [path for path, _ in report.inputs]
    if report.settings.deck is not None:
        read.extend(report.settings.deck.sources)
    read.extend(p for p in (options.waivers, options.baseline) if p)
    return read
