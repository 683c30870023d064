"""The bounded fuzz campaign of the language front end (issue 9), and the bugs it found, one test each.

The generators and the oracle are in tests/fuzz_strategies.py, shared with the long campaign
(`python benchmarks/fuzz_campaign.py --minutes 5`). Every input must end in a report or in
E001-E010 diagnostics that point into the file and render with the line and a caret: never a
traceback, a crashed rule or a hang. Examples are derandomized, so a failure here is a bug, never a
flake; the whole file takes some twenty seconds of processor time.

tests/language/test_parser_robustness.py fuzzes with token soup and random text; this file starts from
valid designs, so most inputs get past the parser to the builder and the rules.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from fuzz_strategies import (
    FuzzInput,
    Outcome,
    example_designs,
    explicit_designs,
    generate,
    judge,
    mutated_examples,
    nearly_valid_designs,
    source_for,
    valid_designs,
)
from hypothesis import HealthCheck, given, settings

import assemblint
from assemblint.base.diagnostics import render

pytestmark = [
    pytest.mark.filterwarnings("ignore:The recursion limit will not be reset"),
    pytest.mark.filterwarnings("ignore::RuntimeWarning"),  # numpy's overflow warnings on purpose-made numbers
]


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,  # the same inputs on every run
        database=None,
        deadline=None,  # the time limit is judge()'s, per input
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def assert_ok(outcome: Outcome) -> None:
    assert outcome.kind != "failure", f"{outcome.failure}\n{outcome.detail}"


# ---------------------------------------------------------------- the bounded campaign


@fuzz(25)
@given(text=valid_designs())
def test_generated_valid_designs_reach_the_rules(tmp_path, text):
    outcome = judge(tmp_path / "fuzz.assy", FuzzInput("valid", [], text=text))
    assert outcome.kind == "report", f"{outcome.failure or outcome.codes}\n{outcome.detail}\n{text}"


@fuzz(120)
@given(text=nearly_valid_designs())
def test_nearly_valid_designs_end_in_a_report_or_clean_errors(tmp_path, text):
    assert_ok(judge(tmp_path / "fuzz.assy", FuzzInput("nearly-valid", [], text=text)))


@fuzz(80)
@given(data=mutated_examples())
def test_byte_mutations_of_the_examples_end_in_a_report_or_clean_errors(tmp_path, data):
    assert_ok(judge(tmp_path / "fuzz.assy", FuzzInput("bytes", [], data=data)))


@fuzz(3)
@given(text=explicit_designs())
def test_nearly_valid_flat_exports_end_in_a_report_or_clean_errors(tmp_path, text):
    """Over 200 kB of one-line pads and masses: the parser's fast path reads them, Lark the rest."""
    assert_ok(judge(tmp_path / "fuzz.assy", FuzzInput("explicit", [], text=text)))


def test_a_good_share_of_inputs_reaches_the_rules(tmp_path):
    """The generator must not silently decay into producing only syntax errors: valid designs all
    reach the rules, some nearly valid ones still do, and the errors are of many kinds."""
    examples = example_designs()
    reached: Counter[str] = Counter()
    tried: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for i in range(60):
        item = generate(source_for(f"share:{i}"), examples, ("valid", "nearly-valid", "nearly-valid")[i % 3])
        outcome = judge(tmp_path / "fuzz.assy", item)
        assert_ok(outcome)
        tried[item.family] += 1
        reached[item.family] += outcome.kind == "report"
        codes.update(set(outcome.codes))
    assert reached["valid"] == tried["valid"]
    assert reached["nearly-valid"] >= 0.05 * tried["nearly-valid"], reached
    assert {"E001", "E002", "E003"} <= set(codes), codes
    assert len(codes) >= 5, codes


@pytest.mark.parametrize("family", ["valid", "nearly-valid", "bytes"])
def test_cli_on_generated_inputs_exits_cleanly(tmp_path, family):
    item = generate(source_for(f"cli:{family}"), example_designs(), family)
    path = tmp_path / "fuzz.assy"
    path.write_bytes(item.as_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "assemblint", "check", str(path), "--format", "json", "--max-objects", "200000"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.returncode in (0, 1):
        report = json.loads(result.stdout)
        assert report["summary"]["exit_code"] == result.returncode
    if family == "valid":
        assert result.returncode in (0, 1), result.stderr


def test_cli_on_invisible_characters_and_old_mac_line_ends(tmp_path):
    """An escape sequence, a NUL, a lone surrogate's bytes and a line separator, with CR line ends."""
    path = tmp_path / "odd.assy"
    path.write_bytes(b"# old Mac\ruse std\rmaterial a { kind metal }\r\x1b[2J\x00 \xed\xa0\x80 \xe2\x80\xa8\r")
    result = subprocess.run(
        [sys.executable, "-m", "assemblint", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    # a NUL byte: not a text file (issue 17), so its one E001 quotes no line of it
    assert "odd.assy:4:5: E001 not a text file (a NUL byte, here)" in output
    assert "    4 |" not in output
    assert "\x1b" not in output and "\x00" not in output
    path.write_bytes(b"# old Mac\ruse std\rmaterial a { kind metal }\r\x1b[2J \xe2\x80\xa8\r")
    result = subprocess.run(
        [sys.executable, "-m", "assemblint", "check", str(path)], capture_output=True, text=True, timeout=120
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "odd.assy:4:1: E001 unexpected character U+001B; expected" in output
    assert "    4 | \u241b[2J \u2028" in output  # control characters as their pictures
    assert "\x1b" not in output


# ---------------------------------------------------------------- the oracle itself


def test_the_oracle_fails_a_traceback(tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(assemblint, "load", crash)
    outcome = judge(tmp_path / "fuzz.assy", FuzzInput("valid", [], text="use std\n"))
    assert outcome.kind == "failure"
    assert outcome.failure == "ValueError at outside assemblint"


def test_the_oracle_fails_a_hang(tmp_path, monkeypatch):
    def spin(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(assemblint, "load", spin)
    started = time.perf_counter()
    outcome = judge(tmp_path / "fuzz.assy", FuzzInput("valid", [], text="use std\n"), time_limit_s=0.3)
    assert outcome.failure == "timeout"
    assert time.perf_counter() - started < 30


# ---------------------------------------------------------------- what the campaigns found, each fixed


def errors(tmp_path: Path, text: str) -> list[assemblint.Diagnostic]:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(tmp_path / "d.assy", text=text)
    return info.value.diagnostics


def test_a_lone_surrogate_in_given_text_is_read_as_a_replacement_character(tmp_path):
    """Was: UnicodeEncodeError in loader.read_file, hashing the text (load(text=...) only)."""
    design = assemblint.load(tmp_path / "d.assy", text='assembly "\udc80"\n')
    assert design.title == "\ufffd"
    (error,) = errors(tmp_path, "material \ud800 {}\n")
    assert (error.code, error.location.line, error.location.column) == ("E001", 1, 10)
    assert error.message.startswith("unexpected character `\ufffd`")


def test_a_lone_carriage_return_ends_a_line(tmp_path):
    """Was: a lone CR was blank space, so a file with old Mac line ends was one line, and a comment
    on its first line silently hid the whole design (0 errors, nothing checked)."""
    (error,) = errors(tmp_path, "# a design\rmaterial a { kind nope }\r")
    assert (error.code, error.location.line, error.location.column) == ("E010", 2, 19)
    assert error.message.startswith("unknown material kind `nope`")
    assert render(error).split("\n")[1] == "    2 | material a { kind nope }"


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0c", "\x1c"])
def test_only_line_ends_count_as_lines_when_an_error_is_quoted(tmp_path, separator):
    """Was: the quoted line came from str.splitlines(), which also splits at U+2028, U+0085, form
    feeds and more, so the line under the caret was another line than the one the error is on."""
    (error,) = errors(tmp_path, f"# {separator} comment\nmaterial a {{ kind nope }}\n")
    assert (error.code, error.location.line) == ("E010", 2)
    assert render(error).split("\n")[1] == "    2 | material a { kind nope }"


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\x00", "U+0000"),
        ("\x1b", "U+001B"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
        ("\u2028", "U+2028 (line separator)"),
        ("\u200b", "U+200B (zero width space)"),
        ("\u202e", "U+202E (right-to-left override)"),
        ("\u0301", "U+0301 (combining acute accent)"),
        ("\u3000", "U+3000 (ideographic space)"),
    ],
)
def test_an_unexpected_invisible_character_is_named_not_printed(tmp_path, char, shown):
    """Was: `unexpected character `\\x1b`` sent the raw character to the terminal (an escape
    sequence, a NUL, a line break inside the message)."""
    (error,) = errors(tmp_path, f"material a {{{char}}}\n")
    assert (error.code, error.location.line, error.location.column) == ("E001", 1, 13)
    assert error.message.startswith(f"unexpected character {shown}; expected")


def test_a_quoted_line_shows_control_characters_as_pictures(tmp_path):
    """Was: the line under the caret was printed raw, so an escape sequence in a design reached the
    terminal; the pictures keep the caret under the column."""
    (error,) = errors(tmp_path, "material a {\x1b[2J\x00}\n")
    assert render(error).split("\n")[1:] == ["    1 | material a {\u241b[2J\u2400}", "      |             ^"]


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ('material a { exemption "x" "a\x1b[2Jb\x85" }\n', 28, '`exemption`: unexpected `"a\u241b[2Jb\ufffd"` here'),
        ('waive X on y "a\x85b"\n', 14, 'expected `because` or `,`, got `"a\ufffdb"`'),
        ("material a { cte 1.9685 \t°C }\n", 18, "expected an expansion, got a temperature: 1.9685  °C"),
    ],
)
def test_a_message_shows_the_control_characters_it_quotes_as_pictures(tmp_path, text, column, message):
    """Was: a message quoting a string or a token passed its escape sequence, U+0085 or tab on as is."""
    (error,) = errors(tmp_path, text)
    assert (error.location.line, error.location.column, error.message) == (1, column, message)


def test_an_index_of_thousands_of_digits_is_an_e001_at_the_index(tmp_path):
    """Was: ValueError from int() (Python refuses more than 4,300 digits) in syntax._compact_parts."""
    pads = "element e : chip { pads c grid 2 x 2 pitch 1 mm }\n"
    (error,) = errors(tmp_path, pads + "net n { e.c[" + "9" * 5000 + "] }\n")
    assert (error.code, error.location.line, error.location.column) == ("E001", 2, 13)
    assert error.message == "an index has at most 18 digits (no array is larger), got one of 5,000"
    (error,) = errors(tmp_path, pads + "net n { e.c[ 0 : " + "9" * 19 + "] }\n")  # written apart: other tokens
    assert (error.code, error.location.line, error.location.column) == ("E001", 2, 18)
    (error,) = errors(tmp_path, pads + "net n { e.c[" + "9" * 18 + "] }\n")  # 18 digits: an index, just too large
    assert error.code == "E002"
    assert "does not exist" in error.message


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        # Was: IN005 crashed (cKDTree: data must be finite): -1e308 mil is -inf µm.
        ("element e : chip { pads c at (0 mm, -1e308 mil) }\n", 38, "this coordinate lies infinitely far"),
        # Was: IN003 crashed the same way: a 400-digit origin is an infinite float.
        ("element e : chip { pads c grid 2 x 2 pitch 1 mm origin (-" + "1" * 400 + " mm, 0 mm) }\n", 58, "this"),
        ("element e : chip { position (2000 m, 0 m) }\n", 30, "this coordinate lies 2e+09 µm from the origin"),
        # Was: IN003 crashed (cKDTree: floating point overflow): squared distances past 1e308. Such a
        # pitch is now a length past 1 km itself; a grid can still reach past 1 km from a shorter one.
        ("element e : chip { pads c grid 1 x 5 pitch 900 m }\n", 20, "pads `c` would reach 1.8e+09 µm"),
        ("element e : chip { position (999 m, 0 m); pads c grid 1 x 3 pitch 2 m }\n", 43, "pads `c` would reach"),
        (
            "cell U { element a : chip { pads c grid 1 x 1 pitch 1 mm } }\nplace u : U grid 1 x 5 pitch 900 m\n",
            7,
            "the instances of `u` would reach 1.8e+09 µm",
        ),
    ],
)
def test_a_position_past_1_km_is_an_e008(tmp_path, text, column, message):
    """Positions are differenced and squared by the rules (k-d trees); past 1 km they are a wrong
    unit, and past 1e154 m they overflow. A position must be finite and within 1 km of the origin."""
    (error,) = errors(tmp_path, text)
    assert (error.code, error.location.column) == ("E008", column)
    assert error.message.startswith(message)
    assert error.message.endswith("a position must be within 1 km (1e+09 µm) of it")


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("material a { kind metal; cte 1e308 /K }\n", 30, "expected a finite value, got 1e308 /K"),
        ("element e : chip { size 1e308 mil x 1 mm }\n", 25, "expected a finite value, got 1e308 mil"),
        ("element e : chip { pads c at (0 mm, 1e308 mil) }\n", 37, "this coordinate lies infinitely far"),
    ],
)
def test_a_quantity_past_the_largest_float_once_converted_is_an_e008(tmp_path, text, column, message):
    """Was: OverflowError from float() of the exact conversion (units.to_base: Fraction) of a number
    that fits a float in its own unit but not in the base unit (1e308 mil is 2.54e309 µm)."""
    (error,) = errors(tmp_path, text)
    assert (error.code, error.location.line, error.location.column) == ("E008", 1, column)
    assert error.message.startswith(message)


def test_a_position_of_1_km_is_allowed(tmp_path):
    design = assemblint.load(
        tmp_path / "d.assy", text="element e : chip { position (999 m, 0 m); pads c grid 1 x 2 pitch 1 m }\n"
    )
    assert design.pad_count == 2


def test_suggestions_stop_once_their_budget_is_spent(tmp_path, monkeypatch):
    """Was: a timeout. A flat export's net of 2,000 unknown names among 1,500 declared ones took 27 s
    of processor time: every E002 compared its name with every declared one (difflib). A build now
    spends at most SUGGESTION_COMPARISONS on suggestions; the errors past it have none."""
    monkeypatch.setattr(assemblint.base.diagnostics, "SUGGESTION_COMPARISONS", 60)
    declared = "".join(f"element e{i} : chip {{}}\n" for i in range(20))  # 21 names with the net
    found = errors(tmp_path, declared + "net n { " + ", ".join(f"e{i}x.c[0]" for i in range(6)) + " }\n")
    assert [(e.code, e.location.line) for e in found] == [("E002", 21)] * 6
    assert [e.message for e in found] == [
        "unknown name `e0x` (did you mean `e0`?)",
        "unknown name `e1x` (did you mean `e1`?)",
        "unknown name `e2x` (did you mean `e2`?)",
        "unknown name `e3x`",  # 3 x 21 comparisons spent: no more suggestions
        "unknown name `e4x`",
        "unknown name `e5x`",
    ]


@pytest.mark.parametrize(
    ("text", "line", "column", "got"),
    [
        # Was: IN003 crashed (OverflowError squaring its reach): pads and masses 1.4e308 µm wide.
        (
            "let C = 1.7976931348623157e308 um\nelement e : chip { pads c grid 1 x 2 pitch 1 mm diameter (0.8 * C) }\n",
            2,
            58,
            "1.43815e+308 µm",
        ),
        ("element e : chip { size 1e200 m x 1 mm }\n", 1, 25, "1e+206 µm"),
        ("element e : chip { pads c grid 3 x 3 pitch 1e308 um }\n", 1, 44, "1e+308 µm"),
        ("use std\nlayer g : silicone_gel { thickness -2e9 um }\n", 2, 36, "-2e+09 µm"),
    ],
)
def test_a_length_past_1_km_is_an_e008(tmp_path, text, line, column, got):
    (error,) = errors(tmp_path, text)
    assert (error.code, error.location.line, error.location.column) == ("E008", line, column)
    assert error.message == f"a length of more than 1 km (1e+09 µm) is out of range: {got}"


def test_the_fast_path_for_flat_exports_refuses_what_lark_refuses(tmp_path):
    """Was: a one-line `pad` or `mass` read by explicit.py took an infinite or 1e300 µm diameter
    that the same line read by Lark refuses (E008), and a rule crashed on it."""
    pads = "".join(f"    pad c{i} at ({i} um, 0 um) diameter 25 um\n" for i in range(1300))
    masses = "".join(f"mass m{i} : SAC305 {{ joins die.c{i} -- sub.p{i}; height 100 um }}\n" for i in range(1300))
    design = f"use std\nelement die : chip {{\n{pads}}}\nelement sub : chip {{\n{pads.replace('c', 'p')}}}\n{masses}"
    assert len(design) > 200_000  # explicit.MIN_BYTES: read by the fast path
    bad_pad = design.replace("pad c7 at (7 um, 0 um) diameter 25 um", "pad c7 at (7 um, 0 um) diameter 1e400 um")
    first = errors(tmp_path, bad_pad)[0]
    assert (first.code, first.location.line, first.location.column) == ("E008", 10, 37)
    assert first.message == "expected a finite value, got 1e400 um"
    bad_mass = design.replace("sub.p9; height 100 um", "sub.p9; height 1e300 um")
    (error,) = errors(tmp_path, bad_mass)
    assert (error.code, error.location.line) == ("E008", 2615)
    assert error.message == "a length of more than 1 km (1e+09 µm) is out of range: 1e+300 µm"
