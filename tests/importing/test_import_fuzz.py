"""The bounded fuzz campaign of the design data other tools write (STACK.md §6): 3DBlox `.3dbx`,
`.3dbv` and `.bmap` files, and CSV bump maps. The seeds, the attack corpus, the generators and the
oracle are in tests/fuzz_imports.py, shared with the long campaign (`python
benchmarks/fuzz_campaign.py --imports 0.2`). Each input is checked with `assemblint check` in
process: a report, or E001–E010 with the file, line and column (the line quoted with a caret when
the file is text), exit 2; never a traceback, exit 3, a hang, findings beside language errors or a
control character on the terminal. Seeded, so a failure here is a bug, never a flake.

The bugs this campaign found are kept as strict xfails: each attack that shows one is marked with
its reason (`BUGS`), and the random run passes over failures that are one of them (`known_bug`)
so that it fails on new ones only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from fuzz_imports import ATTACKS, VALID, ImportInput, generate_input, judge_import, write_design
from fuzz_strategies import Outcome, source_for

import assemblint

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's, on purpose-made huge numbers

BUGS = {
    "huge-numbers": "3DBlox numbers are not bounded as .assy lengths are (1 km, E008): a loc or offset of 1e300 "
    "raises OverflowError in importing/threedblox.py StackReader._place (exit 3); a bump map x of 1e300 wraps "
    "in np.int64 (the bump lands at -4.6e15 µm and is reported as ST004); a design_area of 1e300 is accepted",
    "long-path": "a file name longer than the system allows (an include, a bmap, an `import`, a `pads … from`) "
    "raises OSError ENAMETOOLONG from Path.exists in build/loader.py _confine (exit 3), not E006",
    "csv-cr": "a CSV bump map with CR-only line ends raises _csv.Error in importing/tables.py read_table "
    "(csv.reader on the header line, which holds every row) (exit 3)",
    "yaml-reader": "a raw control character (NUL, ESC) in a YAML file is E001 at 1:1, not at the character, and "
    'the message carries libyaml\'s own `␊  in "<unicode string>", position N` (importing/yaml_nodes.py '
    "YamlFile: a yaml.ReaderError is not a MarkedYAMLError); a file with NUL is quoted",
    "not-utf8": "a .3dbx that is not UTF-8 is E001 at 1:1, not at its byte (build/loader.py _read_stack), and "
    "an empty line 1 is quoted under it: neither it nor a bump map that is not UTF-8 (importing/bmap.py "
    "_locate) is hidden from quoting, so run/pipeline.py adds an empty text for it",
    "csv-header-not-utf8": "a CSV whose header row is not UTF-8 has that row quoted (decoded with U+FFFD), "
    "contrary to docs/safety.md: importing/tables.py read_table does not SOURCES.hide the file, as _locate does",
    "line-separators": "libyaml counts U+2028, U+2029 and U+0085 as line breaks, assemblint does not: an error "
    "after one in a YAML file is reported lines too far down (the wrong line quoted, or one past the end)",
    "defines": "an error raised while a YAML file with `#!define` lines is composed (syntax, a key twice) "
    "quotes the substituted text (define lines blank, macros expanded), with its columns "
    "(importing/yaml_nodes.py YamlFile.__init__ runs before threedblox.py sets `doc.text` to the file's text)",
    "eof": "a YAML syntax error at the end of a file without a final line end is reported on the line after "
    "the last (libyaml's mark), so no line is quoted",
    "fallback-1-1": "a bump map or CSV value pyarrow refuses but Python's float() or str.split() accepts "
    "(`1_0`, Arabic-Indic digits, U+001C between fields) is E001 at 1:1, `the … cannot be read: …`, not at "
    "its row (importing/bmap.py and tables.py _locate find no bad row)",
    "csv-header-only": "a CSV of just its header row, without a final line end, is refused (E001 `Could not "
    "skip initial 1 rows`); with a line end it reads as 0 pads (RFC 4180 allows either)",
    "long-message": "a CSV mapping naming a missing column lists every column of the header in its E002 "
    "(build/imports.py via tables.py read_table): a million columns make a message of 8.9 MB",
    "bmap-cr": "a bump map with CR-only line ends whose first line is a `#` comment is read as empty: "
    "importing/bmap.py's comment pattern runs to the next LF, the end of the file; its bumps are silently dropped",
}
XFAIL: dict[str, str] = {}  # attack → the bug it shows (all fixed)


def _attacks() -> list:
    params = []
    for kind, name, item in ATTACKS:
        key = f"{kind}:{name}"
        marks = [pytest.mark.xfail(strict=True, reason=BUGS[XFAIL[key]])] if key in XFAIL else []
        params.append(pytest.param(item, id=key, marks=marks))
    return params


def assert_ok(outcome: Outcome) -> None:
    assert outcome.kind != "failure", f"{outcome.failure}\n{outcome.detail}"


def test_the_corpus_has_the_attacks_the_brief_lists() -> None:
    names = [f"{kind}:{name}" for kind, name, _ in ATTACKS]
    assert len(names) == len(set(names))
    assert len(names) >= 25
    assert set(XFAIL) <= set(names)


@pytest.mark.parametrize("item", _attacks())
def test_each_attack_is_read_or_refused_cleanly(tmp_path: Path, item: ImportInput) -> None:
    assert_ok(judge_import(tmp_path, item, time_limit_s=10))


@pytest.mark.parametrize("name", sorted(VALID))
def test_the_valid_seeds_are_checked(tmp_path: Path, name: str) -> None:
    outcome = judge_import(tmp_path, VALID[name])
    assert outcome.kind == "report", f"{outcome.failure}\n{outcome.detail}"


def test_a_bump_map_with_cr_line_ends_keeps_its_bumps(tmp_path: Path) -> None:
    [item] = [item for kind, name, item in ATTACKS if f"{kind}:{name}" == "bmap:cr-only-after-a-comment"]
    work = write_design(tmp_path, item)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        assembly = assemblint.load(Path(item.entry))
    finally:
        os.chdir(cwd)
    chip = next(e for e in assembly.elements if e.name == "chipA")
    assert chip.pads["front_reg"].count == 3


# ---------------------------------------------------------------- the random run

_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")


def _without(item: ImportInput, bug: str) -> ImportInput | None:
    """The same input with the trigger of a known bug taken out of its YAML files, or None when it
    has none: the defines applied, the line separators made spaces, a final line end added."""
    from assemblint.importing.threedblox import _defines

    files = dict(item.files)
    for name, data in item.files.items():
        if not name.endswith((".3dbx", ".3dbv")):
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if bug == "defines" and "#!define" in text:
            files[name] = _defines(text).encode()
        elif bug == "line-separators" and _LINE_SEPARATORS.search(text):
            files[name] = _LINE_SEPARATORS.sub(" ", text).encode()
        elif bug == "eof" and data and not data.endswith(b"\n"):
            files[name] = data + b"\n"
    if files == item.files:
        return None
    return ImportInput(item.kind, files, item.fuzzed, item.entry, item.how)


def known_bug(folder: Path, item: ImportInput, outcome: Outcome) -> str | None:
    """Which of BUGS a failure is, None for a new one: by its signature, or, for a wrong line or
    column, by judging the input again without that bug's trigger."""
    failure = outcome.failure or ""
    attack = f"{item.kind}:{item.how[0]}" if len(item.how) == 1 else ""
    if attack in XFAIL:  # an attack drawn as it is
        return XFAIL[attack]
    by_signature = {
        "YAML parser's own position": "yaml-reader",
        ": OverflowError)": "huge-numbers",
        ": OSError)": "long-path",
        ": Error)": "csv-cr",
        "more than 10,000 characters": "long-message",
    }
    for text, bug in by_signature.items():
        if text in failure:
            return bug
    if "not text" in failure:
        return "csv-header-not-utf8" if "(csv: " in failure else "not-utf8"
    if any(what in failure for what in ("another line", "past the end", "no line quoted")):
        for bug in ("defines", "line-separators", "eof"):
            variant = _without(item, bug)
            if variant is not None and judge_import(folder, variant, time_limit_s=10).kind != "failure":
                return bug
    return None


def test_generated_imports_are_read_or_refused_cleanly(tmp_path: Path) -> None:
    """150 generated inputs of every kind (a few seconds): mutated seeds and attacks."""
    failures, known = {}, {}
    for index in range(150):
        item = generate_input(source_for(f"imports:{index}"))
        outcome = judge_import(tmp_path, item, time_limit_s=10)
        if outcome.kind != "failure":
            continue
        bug = known_bug(tmp_path, item, outcome)
        if bug is None:
            failures.setdefault(outcome.failure, (index, item.how, outcome.detail[:2000]))
        else:
            known.setdefault(bug, index)
    assert not failures, failures
