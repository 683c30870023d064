from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import assemblint

pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

EXAMPLE = Path("/work/shared/examples/liquid-interconnect.assy")
CODES = {f"E{n:03d}" for n in range(1, 11)}


def words(text: str) -> list[str]:
    return text.split()


FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is a bug, never a flake
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The language's own words and symbols, and values of every dimension (no numbers so large that the
# known non-finite-count bug, tested in test_language_errors.py, would be hit).
WORDS = words(
    "assembly use std import let material element layer mass masses lead leads net nets process step cell "
    "place waive on because by until kind fusible metal dielectric compliant composition solidus liquidus "
    "melts cte modulus service max_temp resistivity alpha exemption body size position operating pad pads "
    "grid x pitch origin diameter barrier face front back at connect role between thickness surrounds joins "
    "height in region from to shape s beam rigid peak temp forms mixes requires solid liquid operate store "
    "cycle count chip substrate circuit_board dielectric_sheet reflow deposit cure SAC305 silicon silicone_gel "
    "copper nickel die sub c p m n units Unit core joint VDD io"
)
SYMBOLS = ["{", "}", "(", ")", "[", "]", ",", ";", "..", "--", ":", "=", "*", "/", "+", "-", ".", "#", '"']
VALUES = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    ".5",
    "2.5",
    "1e-6",
    "100",
    "25 C",
    "-40 C",
    "300 K",
    "150 um",
    "1 mm",
    "2.6e-6 /K",
    "2.6 ppm/K",
    "0.3 MPa",
    "50 %",
    "2 h",
    "14.5 uohm.cm",
    "0.002 cph/cm2",
    "3 furlongs",
    '"text"',
    '"unclosed',
    "2027-06-30",
    "die.c[0]",
    "die.c[*]",
    "sub.p[1:3]",
    "m[*]",
    "units[1].chip.c[0]",
    "units[*].m",
    "c[",
    "[*]",
    "# comment\n",
]
TOKENS = WORDS + SYMBOLS + VALUES
SEPARATORS = [" ", " ", " ", "\n", "", "; ", "\t"]

PRELUDE = (
    "use std\n"
    "element die : chip { pads c grid 2 x 2 pitch 1 mm diameter 100 um }\n"
    "element sub : substrate { pads p grid 2 x 2 pitch 1 mm }\n"
)

token_soup = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=60).map(
    lambda pairs: "".join(token + sep for token, sep in pairs)
)
# Statements shaped like the grammar, with properties and values drawn at random: these mostly parse,
# so they reach the builder and its semantic checks (E002-E010) rather than stopping at E001.
PROPERTY_NAMES = words(
    "kind composition solidus liquidus melts cte modulus service max_temp resistivity dielectric alpha exemption "
    "body size position operating pad pads connect role between thickness surrounds joins diameter height in "
    "region from shape peak temp forms mixes requires colour"
)
ARGS = [
    *VALUES[:-1],
    *WORDS[-40:],
    ",",
    "..",
    "--",
    ":",
    "(1 mm, 2 mm)",
    "(0 um, 0 um), (10 um, 0 um)",
    "(w)",
    "(w * 2)",
    "w",
    "x",
    "grid",
    "pitch",
    "c",
    "p",
    "sub.p[*]",
    "die.c[0:2]",
    "die.c[9]",
    "die",
    "sub",
]
HEADS = [
    "material X",
    "material Y : X",
    "element e : chip",
    "element f : widget",
    "layer g : silicone_gel",
    "masses m : SAC305",
    "mass m1 : SAC305",
    "masses b",
    "leads l : copper",
    "lead l1 : nothing",
]
prop = st.tuples(st.sampled_from(PROPERTY_NAMES), st.lists(st.sampled_from(ARGS), max_size=8)).map(
    lambda t: " ".join([t[0], *t[1]])
)
block = st.tuples(st.sampled_from(HEADS), st.lists(prop, max_size=5)).map(
    lambda t: t[0] + " {\n" + "".join(f"  {line}\n" for line in t[1]) + "}\n"
)
step = st.tuples(st.sampled_from(["a", "b", "a"]), st.lists(prop, max_size=4)).map(
    lambda t: f"  step {t[0]} {{ " + "; ".join(t[1]) + " }\n"
)
process = st.lists(st.one_of(step, prop.map(lambda line: "  " + line + "\n")), max_size=5).map(
    lambda items: "process {\n" + "".join(items) + "}\n"
)
let = st.tuples(
    st.sampled_from(["w", "v", "pitch"]),
    st.lists(st.sampled_from([*VALUES[:22], "w", "v"]), min_size=1, max_size=3),
    st.sampled_from([" + ", " - ", " * ", " / "]),
).map(lambda t: f"let {t[0]} = " + t[2].join(t[1]) + "\n")
net = st.tuples(st.sampled_from(["net N", "nets io"]), st.lists(st.sampled_from(ARGS[-8:]), max_size=4)).map(
    lambda t: t[0] + " { " + ", ".join(t[1]) + " }\n"
)
cell = st.tuples(st.lists(block, max_size=2), st.sampled_from(["1 x 2", "2 x 2", "0 x 1", "1 x 1"])).map(
    lambda t: "cell Unit {\n" + "".join(t[0]) + "}\nplace units : Unit grid " + t[1] + " pitch 5 mm\n"
)
designs = st.lists(st.one_of(block, process, let, net, cell), min_size=1, max_size=6).map("".join)
language_alphabet = st.text(alphabet='abcdegimpstxCKm_{}()[],;.:-=*/+#"\n \t0123456789%µ°', max_size=200)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


def assert_loads_or_language_error(path: Path) -> None:
    try:
        assemblint.load(path, max_objects=100_000)
    except assemblint.LanguageError as error:
        assert error.diagnostics, "a LanguageError without diagnostics"
        for d in error.diagnostics:
            assert d.code in CODES, d
            assert d.location.line >= 1, d
            assert d.location.column >= 1, d
            assert d.message, d


def check_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.assy"
    path.write_text(text, encoding="utf-8")
    assert_loads_or_language_error(path)


@FUZZ
@given(text=any_text)
def test_random_text_never_crashes(tmp_path, text):
    check_text(tmp_path, text)


@FUZZ
@given(text=language_alphabet)
def test_random_text_from_the_language_alphabet_never_crashes(tmp_path, text):
    check_text(tmp_path, text)


@FUZZ
@given(text=token_soup)
def test_token_soup_never_crashes(tmp_path, text):
    check_text(tmp_path, text)


@FUZZ
@given(text=token_soup)
def test_token_soup_after_a_valid_prelude_never_crashes(tmp_path, text):
    check_text(tmp_path, PRELUDE + text)


@FUZZ
@given(text=designs)
def test_grammar_shaped_designs_never_crash(tmp_path, text):
    check_text(tmp_path, PRELUDE + text)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(data=st.binary(max_size=200))
def test_random_bytes_never_crash(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bytes") / "fuzz.assy"
    path.write_bytes(data)
    assert_loads_or_language_error(path)


def test_every_truncation_of_the_shared_example(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "cut.assy"
    failures = []
    for cut in range(0, len(text) + 1, 7):
        path.write_text(text[:cut], encoding="utf-8")
        try:
            assert_loads_or_language_error(path)
        except Exception as error:
            failures.append((cut, repr(error)[:200]))
    assert failures == []


def test_truncations_that_end_inside_a_block_are_e001(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    cut = text.index("    kind compliant")  # inside `material gel577 {`
    path = tmp_path / "cut.assy"
    path.write_text(text[:cut], encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    (error,) = info.value.diagnostics
    assert error.code == "E001"
    assert "never closed" in error.message


def test_every_single_line_deletion_of_the_shared_example(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "cut.assy"
    failures = []
    for i in range(len(lines)):
        path.write_text("".join(lines[:i] + lines[i + 1 :]), encoding="utf-8")
        try:
            assert_loads_or_language_error(path)
        except Exception as error:
            failures.append((i + 1, repr(error)[:200]))
    assert failures == []


def test_cli_on_a_truncated_file_exits_2_without_traceback(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "truncated.assy"
    path.write_text(text[: text.index("    kind compliant")], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "assemblint", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert "E001" in output
    assert "^" in output
    assert "truncated.assy:" in output
