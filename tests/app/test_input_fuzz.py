"""The bounded fuzz campaign of the input files besides designs (issue 17): baselines, waivers files,
decks and configuration files. The generators, the attack corpus and the oracle are in
tests/fuzz_inputs.py, shared with the long campaign (`python benchmarks/fuzz_campaign.py`, one input
in five). Each file is read, or refused with its reader's own error naming the file: never a
traceback, never a line of the file. Seeded, so a failure here is a bug, never a flake.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_inputs import ATTACKS, VALID, InputFile, generate_input, judge_input
from fuzz_strategies import source_for


@pytest.mark.parametrize(("kind", "name", "data"), ATTACKS, ids=[f"{kind}-{name}" for kind, name, _ in ATTACKS])
def test_each_attack_of_the_issue_is_read_or_refused_cleanly(tmp_path: Path, kind: str, name: str, data: bytes) -> None:
    outcome = judge_input(tmp_path, InputFile(kind, data, [name]), time_limit_s=10)
    assert outcome.kind != "failure", f"{outcome.failure}\n{outcome.detail}"


@pytest.mark.parametrize("kind", sorted(VALID))
def test_the_valid_seeds_are_read(tmp_path: Path, kind: str) -> None:
    assert judge_input(tmp_path, InputFile(kind, VALID[kind])).kind == "report"


def test_mutated_input_files_are_read_or_refused_cleanly(tmp_path: Path) -> None:
    """600 mutated files of every kind (a few seconds)."""
    failures = {}
    for index in range(600):
        item = generate_input(source_for(f"bounded:{index}"))
        outcome = judge_input(tmp_path, item, time_limit_s=10)
        if outcome.kind == "failure":
            failures.setdefault(outcome.failure, (index, item.how, outcome.detail[:2000]))
    assert not failures, failures
