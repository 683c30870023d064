"""Fuzzing the input files besides designs (issue 17): baselines and reports (JSON), waivers files,
decks and configuration files (TOML). Their generators, the corpus of attacks the issue lists, and
the oracle that judges one.

Shared by the bounded campaign (tests/report/test_input_fuzz.py) and the long one
(benchmarks/fuzz_campaign.py, which sends one input in five here), as fuzz_strategies.py is for
designs. The contract (docs/safety.md, "Every input file"): each file is read, or refused with its
reader's own error (exit 2 on the command line) that names the file, gives a line and a column when
the format has them, holds no control character and no line of the file, and never a traceback.
"""

from __future__ import annotations

import json
import re
import time
import traceback
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fuzz_strategies import TIME_LIMIT, Outcome, Source, Timeout, time_limit

from assemblint.checking.deck import DeckError, load_deck
from assemblint.checking.waivers import WaiverFileError, load_file
from assemblint.plugins.host import PluginHost
from assemblint.report.baseline import BaselineError, diff, line, read_report
from assemblint.run import config
from assemblint.run.config import ConfigError

KINDS = ("baseline", "waivers", "deck", "config", "pyproject")
FILE_NAMES = {
    "baseline": "base.json",
    "waivers": "w.toml",
    "deck": "deck.toml",
    "config": "assemblint.toml",
    "pyproject": "pyproject.toml",
}
SECRET = "ghp_S3CRETtokenNeverShown"  # in every generated file: no message may quote it

_FINDING = {
    "rule": "MH003",
    "severity": "error",
    "message": "mount step peaks at 245 C",
    "location": {"path": "d.assy", "line": 4, "column": 8},
    "fingerprint": "f" * 16,
}

VALID = {
    "baseline": json.dumps(
        {
            "schema": "assemblint-report/1",
            "note": SECRET,
            "findings": [_FINDING, {**_FINDING, "fingerprint": "e" * 16}],
        },
        indent=2,
    ).encode(),
    "waivers": (
        f'# {SECRET}\n[[waiver]]\nrule = "MH003"\non = ["b[*]"]\nbecause = "reviewed"\nby = "me"\n'
        'until = 2099-01-01\n\n[[waiver]]\nrule = "IN001"\non = ["m[0:4]", "n"]\nbecause = "ok"\n'
    ).encode(),
    "deck": (
        f'# {SECRET}\n[deck]\nname = "fuzz"\ndescription = "x"\n\n[rules.MH003]\nseverity = "warning"\nenabled = true\n'
    ).encode(),
    "config": (
        f'# {SECRET}\nselect = ["MH", "CT"]\nfail-on = "warning"\nmax-file-size = "32M"\nisolate = "none"\n'
    ).encode(),
    "pyproject": (
        f'[project]\nname = "x"\n# {SECRET}\n\n[tool.assemblint]\nselect = ["MH"]\nrule-timeout = 60\n'
    ).encode(),
}

DEEP = 100_000
# The attacks issue 17 lists, and their neighbours: (kind, name, bytes).
ATTACKS: list[tuple[str, str, bytes]] = [
    ("baseline", "invalid-utf8", b'{"schema": "assemblint-report/1", "findings": [], "x": "\xff\xfe"}'),
    ("baseline", "bom", b"\xef\xbb\xbf" + VALID["baseline"]),
    ("baseline", "5000-digit-integer", b'{"schema": "assemblint-report/1", "findings": [], "n": ' + b"9" * 5000 + b"}"),
    ("baseline", "100k-nested-arrays", b"[" * DEEP + b"]" * DEEP),
    ("baseline", "100k-nested-objects", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    ("baseline", "location-a-string", VALID["baseline"].replace(b'"location": {', b'"location": "d.assy:4:8", "x": {')),
    ("baseline", "line-a-string", VALID["baseline"].replace(b'"line": 4', b'"line": "4"')),
    ("baseline", "message-a-list", VALID["baseline"].replace(b'"message": "mount', b'"message": ["mount"], "m": "')),
    ("baseline", "nul", VALID["baseline"].replace(b"mount", b"mo\x00nt")),
    ("baseline", "lone-surrogate", VALID["baseline"].replace(b"mount", b"\\ud800 \\u001b[2J")),
    ("baseline", "newline-in-path", VALID["baseline"].replace(b'"d.assy"', b'"d\\n::error ::forged.assy"')),
    ("waivers", "invalid-utf8", b'[[waiver]]\nrule = "MH003"\non = ["b"]\nbecause = "r\xff"\n'),
    ("waivers", "bom", b"\xef\xbb\xbf" + VALID["waivers"]),
    ("waivers", "deep-arrays", b"x = " + b"[" * DEEP + b"]" * DEEP + b"\n"),
    ("waivers", "deep-inline-tables", b"x = " + b"{a = " * DEEP + b"1" + b"}" * DEEP + b"\n"),
    ("waivers", "rule-a-number", b'[[waiver]]\nrule = 3\non = ["b"]\nbecause = "r"\n'),
    ("waivers", "by-a-table", b'[[waiver]]\nrule = "MH003"\non = ["b"]\nbecause = "r"\nby = {a = 1}\n'),
    ("waivers", "waiver-a-string", b'waiver = "MH003"\n'),
    ("deck", "invalid-utf8", b'[deck]\nname = "\xc3\x28"\n'),
    ("deck", "bom", b"\xef\xbb\xbf" + VALID["deck"]),
    ("deck", "deep-arrays", b"[deck]\nname = " + b"[" * DEEP + b"]" * DEEP + b"\n"),
    ("deck", "deep-inline-tables", b"[rules]\nMH003 = " + b"{a = " * DEEP + b"1" + b"}" * DEEP + b"\n"),
    ("deck", "wrong-types", b'[deck]\nname = 5\nextends = ["x"]\n[rules.MH003]\nseverity = 3\nenabled = "yes"\n'),
    ("deck", "rules-a-string", b'rules = "MH003"\n'),
    ("deck", "huge-integer", b"[rules.MH003]\nenabled = " + b"9" * 5000 + b"\n"),
    ("config", "invalid-utf8", b'select = ["MH\xff"]\n'),
    ("config", "bom", b"\xef\xbb\xbf" + VALID["config"]),
    ("config", "deep-arrays", b"select = " + b"[" * DEEP + b"]" * DEEP + b"\n"),
    ("config", "wrong-types", b'select = 3\nfail-on = ["x"]\nmax-file-size = [1]\n'),
    ("pyproject", "byte-ff-elsewhere", b'[project]\nname = "x\xff"\n'),
    ("pyproject", "byte-ff-in-ours", b'[tool.assemblint]\nselect = ["\xff"]\n'),
    ("pyproject", "tool-a-number", b"tool = 5\n"),
    ("pyproject", "tool-assemblint-a-string", b'[tool]\nassemblint = "MH"\n'),
    ("pyproject", "deep-arrays", b"[tool.assemblint]\nselect = " + b"[" * DEEP + b"]" * DEEP + b"\n"),
]

INTERESTING = (
    b"\xff",
    b"\xef\xbb\xbf",
    b"\x00",
    b"\x1b[2J",
    b"\n::error ::forged\n",
    b"[",
    b"{",
    b"]",
    b'"',
    b"'''",
    b"=",
    b"\\u0000",
    b"\\ud800",
    b"9" * 5000,
    b"1e999",
    b"-0",
    b"true",
    b"null",
    b"[" * 3000,
    b"{a = " * 3000,
    b"\r",
    b"\xed\xa0\x80",
)


@dataclass
class InputFile:
    """One generated input file: which reader it is for, its bytes, and how it was made."""

    kind: str
    data: bytes
    how: list[str] = field(default_factory=list)

    @property
    def family(self) -> str:
        return f"input:{self.kind}"

    def as_bytes(self) -> bytes:
        return self.data


def mutate(data: bytes, src: Source) -> tuple[bytes, list[str]]:
    """A few byte-level edits: flips, inserts of what readers choke on, deletions, truncation, splices."""
    how: list[str] = []
    buffer = bytearray(data)
    for _ in range(src.integer(1, 4)):
        at = src.integer(0, len(buffer))
        step = src.choice(("flip", "insert", "delete", "truncate", "duplicate"))
        how.append(f"{step}@{at}")
        if step == "flip" and buffer:
            at = min(at, len(buffer) - 1)
            buffer[at] ^= 1 << src.integer(0, 7)
        elif step == "insert":
            buffer[at:at] = src.choice(INTERESTING)
        elif step == "delete":
            del buffer[at : at + src.integer(1, 16)]
        elif step == "truncate":
            del buffer[at:]
        elif step == "duplicate":
            buffer[at:at] = buffer[at : at + src.integer(1, 64)]
    return bytes(buffer), how


def generate_input(src: Source) -> InputFile:
    """A valid file of one kind, mutated (most often), or one of the issue's attacks as it is."""
    if src.chance(15):
        kind, name, data = src.choice(ATTACKS)
        return InputFile(kind, data, [name])
    kind = src.choice(KINDS)
    if src.chance(10):
        return InputFile(kind, VALID[kind], ["valid"])
    data, how = mutate(VALID[kind], src)
    return InputFile(kind, data, how)


@lru_cache(maxsize=1)
def _rules() -> list:
    return PluginHost.default().rules()


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WHERE = re.compile(r"^(?P<file>[^\n]*?)(?::(?P<line>\d+):(?P<column>\d+))?: ")


def read(folder: Path, item: InputFile) -> None:
    """Read `item` with its reader, as a run does (and, for a report, diff it and print its lines)."""
    path = folder / FILE_NAMES[item.kind]
    if item.kind == "baseline":
        report = read_report(path)
        result = diff(report, report)
        for finding in result.unchanged:
            shown = line(finding)
            if "\n" in shown or _CONTROL.search(shown):
                raise AssertionError(f"a diff line is not escaped: {shown!r}")
    elif item.kind == "waivers":
        load_file(path)
    elif item.kind == "deck":
        load_deck(str(path), _rules())
    else:
        config.find(folder)


def message_problems(message: str, item: InputFile) -> list[str]:
    """What is wrong with a reader's error message, [] when it meets the contract."""
    problems = []
    name = FILE_NAMES[item.kind]
    if name not in message.split("\n")[0]:
        problems.append("the message does not name the file")
    if SECRET in message:
        problems.append("the message quotes the file")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in message.replace("\n", "")):
        problems.append("a control character in the message")
    if any(row.lstrip().startswith("::") for row in message.split("\n")):
        problems.append("a line of the message is a workflow command")
    if "Traceback" in message:
        problems.append("a traceback in the message")
    return problems


def judge_input(folder: Path, item: InputFile, time_limit_s: float = TIME_LIMIT) -> Outcome:
    """Write one input where its reader looks and read it: it is read, or refused with the reader's
    own error, which must meet `message_problems`; anything else is a failure."""
    for other in FILE_NAMES.values():
        (folder / other).unlink(missing_ok=True)
    (folder / FILE_NAMES[item.kind]).write_bytes(item.data)
    started = time.perf_counter()
    try:
        with time_limit(time_limit_s):
            try:
                read(folder, item)
            except (BaselineError, WaiverFileError, DeckError, ConfigError) as error:
                problems = message_problems(str(error), item)
                found = _WHERE.match(str(error))
                code = (re.search(r": (E0\d\d) ", str(error)) or [None, "refused"])[1]
                if problems:
                    return Outcome("failure", (), f"bad message ({item.kind}): {problems[0]}", str(error)[:2000])
                if found is None:
                    return Outcome("failure", (), f"bad message ({item.kind}): no `FILE:` at its start", str(error))
                return Outcome("language-error", (code,), seconds=time.perf_counter() - started)
    except Timeout as error:
        return Outcome("failure", (), f"timeout ({item.kind})", str(error))
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        where = next((f"{Path(f.filename).name}:{f.name}" for f in reversed(frames) if "assemblint" in f.filename), "")
        return Outcome("failure", (), f"{type(error).__name__} at {where} ({item.kind})", traceback.format_exc())
    return Outcome("report", seconds=time.perf_counter() - started)
