from __future__ import annotations

import re
from pathlib import Path

import pytest

import assemblint
from assemblint.base.diagnostics import render

EXAMPLES = Path("/work/shared/examples")

BASE = (
    "use std\n"
    "element chip28 : chip { pads c grid 2 x 2 pitch 1 mm; pads bump grid 1 x 2 pitch 1 mm }\n"
    "element board : circuit_board { pads p grid 2 x 2 pitch 1 mm; pads q grid 1 x 3 pitch 1 mm }\n"
)  # lines 1-3


def where(d):
    return (d.code, d.location.line, d.location.column)


# ---------------------------------------------------------------- E001 syntax


def test_e001_missing_closing_brace_is_reported_at_the_next_statement(language_errors):
    (error,) = language_errors("material X {\n  kind metal\n\nelement e : chip {\n}\n")
    assert where(error) == ("E001", 4, 1)
    assert error.location.end_column == 1 + len("element")
    assert "a `}` is probably missing" in error.message
    assert "`material X`" in error.message
    assert "line 1" in error.message


def test_e001_missing_closing_brace_says_what_was_expected(language_errors):
    (error,) = language_errors("material X { kind metal\nmaterial Y { kind metal }\n")
    assert where(error) == ("E001", 2, 1)
    assert "expected" in error.message
    assert "`}`" in error.message


def test_e001_unknown_statement_word_with_did_you_mean(language_errors):
    (error,) = language_errors("use std\nmaterail X {\n  kind metal\n}\n")
    assert where(error) == ("E001", 2, 1)
    assert error.location.end_column == 9
    assert "did you mean `material`?" in error.message
    assert "expected a statement" in error.message


def test_e001_unknown_word_in_process_suggests_step(language_errors):
    (error,) = language_errors("process {\n  stpe a { kind reflow; peak 100 C }\n}\n")
    assert where(error) == ("E001", 2, 3)
    assert "did you mean `step`?" in error.message


def test_e001_unclosed_brace_at_end_of_file_points_at_the_brace(language_errors):
    (error,) = language_errors("use std\nmaterial X {\n  kind metal\n")
    assert where(error) == ("E001", 2, 12)
    assert error.location.end_column == 13
    assert "never closed" in error.message
    assert "`material X`" in error.message


def test_e001_unclosed_nested_brace_points_at_the_innermost_brace(language_errors):
    (error,) = language_errors("process {\n  step s {\n    kind reflow\n    peak 100 C\n")
    assert where(error) == ("E001", 2, 10)
    assert "never closed" in error.message


def test_e001_unterminated_string(language_errors):
    (error,) = language_errors('use std\nassembly "abc\nmaterial X { kind metal }\n')
    assert where(error) == ("E001", 2, 10)
    assert "double quotes" in error.message
    assert "not closed" in error.message


def test_e001_stray_closing_brace(language_errors):
    (error,) = language_errors("material X { kind metal }\n}\n")
    assert where(error) == ("E001", 2, 1)
    assert "`}`" in error.message


def test_e001_missing_name_says_a_name_was_expected(language_errors):
    (error,) = language_errors("let = 3 mm\n")
    assert where(error) == ("E001", 1, 5)
    assert "expected a name" in error.message
    assert "`=`" in error.message


def test_e001_element_without_type_says_colon_was_expected(language_errors):
    (error,) = language_errors("element e chip {}\n")
    assert where(error) == ("E001", 1, 11)
    assert "expected `:`" in error.message


def test_e001_unexpected_character(language_errors):
    (error,) = language_errors("material X { kind metal }\n@\n")
    assert where(error) == ("E001", 2, 1)
    assert "`@`" in error.message


def test_e001_only_the_first_syntax_error_is_reported(language_errors):
    errors = language_errors(
        "material X { kind metal }\nmaterial Y { kind metal ) }\nmaterial Z { ( }\nmaterail Q {}\nlet = 1\n"
    )
    assert [where(e) for e in errors] == [("E001", 2, 25)]
    assert "`)`" in errors[0].message


def test_e001_missing_brace_gives_no_second_error_for_the_brace_left_open(language_errors):
    errors = language_errors("material X {\n  kind metal\nmaterial Y {\n  kind metal\n}\n")
    assert len(errors) == 1
    assert where(errors[0]) == ("E001", 3, 1)


def test_e001_syntax_error_stops_before_semantic_errors(language_errors):
    errors = language_errors("element e : chipp { body nothing }\nmaterial Y { kind metal ) }\n")
    assert [e.code for e in errors] == ["E001"]


def test_e001_in_a_block_does_not_suggest_because(language_errors):
    (error,) = language_errors("material Y { kind metal ) }\n")
    assert error.code == "E001"
    assert "because" not in error.message


def test_shared_broken_syntax_example():
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(EXAMPLES / "broken-syntax.assy")
    assert [(d.code, d.location.line) for d in info.value.diagnostics] == [("E001", 9)]
    (error,) = info.value.diagnostics
    assert error.location.column == 1
    assert "a `}` is probably missing" in error.message


# ---------------------------------------------------------------- E002 unknown names


def test_e002_unknown_material_with_did_you_mean(language_errors):
    (error,) = language_errors("use std\nelement e : chip {\n  body silicn\n}\n")
    assert where(error) == ("E002", 3, 8)
    assert error.location.end_column == 14
    assert "`silicn`" in error.message
    assert "did you mean `silicon`?" in error.message


def test_e002_unknown_mass_material(language_errors):
    (error,) = language_errors(BASE + "masses m : SAC350 { joins chip28.c[*] -- board.p[*] }\n")
    assert where(error) == ("E002", 4, 12)
    assert "did you mean `SAC305`?" in error.message


def test_e002_unknown_parent_material(language_errors):
    (error,) = language_errors("material gel { kind compliant }\nmaterial house : gell { cte 1 ppm/K }\n")
    assert where(error) == ("E002", 2, 18)
    assert "did you mean `gel`?" in error.message


def test_e002_unknown_pad_array_with_did_you_mean(language_errors):
    (error,) = language_errors(BASE + "masses m : SAC305 {\n  joins chip28.bumps[*] -- board.q[0:2]\n}\n")
    assert where(error) == ("E002", 5, 9)
    assert "chip28" in error.message
    assert "did you mean `bump`?" in error.message


def test_e002_index_out_of_range(language_errors):
    (error,) = language_errors(BASE + "mass m : SAC305 {\n  joins chip28.c[100] -- board.p[0]\n}\n")
    assert where(error) == ("E002", 5, 9)
    assert error.location.end_column == 9 + len("chip28.c[100]")
    assert "c[100]" in error.message
    assert "0 to 3" in error.message


def test_e002_slice_past_the_end(language_errors):
    (error,) = language_errors(BASE + "masses m : SAC305 { joins chip28.c[2:9] -- board.p[0:7] }\n")
    assert error.code == "E002"
    assert error.location.line == 4
    assert "0 to 3" in error.message


def test_e002_unknown_element_in_joins_with_did_you_mean(language_errors):
    (error,) = language_errors(BASE + "masses m : SAC305 {\n  joins chip29.c[*] -- board.p[*]\n}\n")
    assert where(error) == ("E002", 5, 9)
    assert "`chip29`" in error.message
    assert "did you mean `chip28`?" in error.message


def test_e002_unknown_element_in_layer_between(language_errors):
    (error,) = language_errors(BASE + "layer g : silicone_gel { between chip28, bord }\n")
    assert error.code == "E002"
    assert error.location.line == 4
    assert "did you mean `board`?" in error.message


def test_e002_unknown_name_in_step_forms(language_errors):
    errors = language_errors(
        BASE + "masses mm : SAC305 { joins chip28.c[*] -- board.p[*] }\n"
        "process {\n  step s { kind reflow; peak 250 C; forms m }\n}\n"
    )
    assert [where(e) for e in errors] == [("E002", 6, 43)]
    assert "did you mean `mm`?" in errors[0].message


def test_e002_unknown_let(language_errors):
    (error,) = language_errors("let pitch = 1 mm\nelement e : chip { size pich x 1 mm }\n")
    assert where(error) == ("E002", 2, 25)
    assert "did you mean `pitch`?" in error.message


def test_e002_unknown_cell(language_errors):
    (error,) = language_errors("cell Unit { element z : chip {} }\nplace us : Unti grid 1 x 2 pitch 1 mm\n")
    assert where(error) == ("E002", 2, 12)
    assert "did you mean `Unit`?" in error.message


def test_e002_unknown_library(language_errors):
    (error,) = language_errors("use stdd\n")
    assert where(error) == ("E002", 1, 5)
    assert "did you mean `std`?" in error.message


# ---------------------------------------------------------------- E003 dimensions


def test_e003_wrong_dimension(language_errors):
    (error,) = language_errors("material X {\n  kind fusible\n  solidus 3 mm\n}\n")
    assert where(error) == ("E003", 3, 11)
    assert error.message == "expected a temperature, got a length: 3 mm"


def test_e003_unknown_unit(language_errors):
    (error,) = language_errors("element e : chip {\n  size 3 furlongs x 1 mm\n}\n")
    assert where(error) == ("E003", 2, 8)
    assert "furlongs" in error.message


# ---------------------------------------------------------------- E004 declared twice


def test_e004_material_declared_twice_reported_at_the_second_with_a_note(language_errors):
    (error,) = language_errors("material X { kind metal }\nelement e : chip {}\nmaterial X { kind polymer }\n")
    assert where(error) == ("E004", 3, 10)
    assert "`X`" in error.message
    assert "twice" in error.message
    (note,) = error.notes
    assert (note.location.line, note.location.column) == (1, 10)


def test_e004_shared_namespace_let_and_element(language_errors):
    (error,) = language_errors("let e = 1 mm\nelement e : chip {}\n")
    assert where(error) == ("E004", 2, 9)
    assert [n.location.line for n in error.notes] == [1]


def test_e004_element_and_mass_share_a_namespace(language_errors):
    errors = language_errors(BASE + "masses board : SAC305 { joins chip28.c[*] -- board.p[*] }\n")
    assert [where(e) for e in errors] == [("E004", 4, 8)]
    assert [n.location.line for n in errors[0].notes] == [3]


def test_e004_materials_have_their_own_namespace(load_text):
    design = load_text("material e { kind metal }\nelement e : chip { body e }\n")
    assert design.elements[0].body is design.materials["e"]


def test_e004_pad_declared_twice_on_one_element(language_errors):
    (error,) = language_errors("element e : chip {\n  pads c grid 1 x 1 pitch 1 mm\n  pad c at (0 mm, 0 mm)\n}\n")
    assert where(error) == ("E004", 3, 7)
    assert [n.location.line for n in error.notes] == [2]


def test_e004_pads_are_scoped_to_their_element(load_text):
    design = load_text(
        "element a : chip { pads c grid 1 x 1 pitch 1 mm }\nelement b : chip { pads c grid 1 x 1 pitch 1 mm }\n"
    )
    assert [p.qualified_name for p in design.pad_arrays] == ["a.c", "b.c"]


def test_e004_step_declared_twice(language_errors):
    (error,) = language_errors(
        "process {\n  step a { kind reflow; peak 100 C }\n  step a { kind cure; peak 90 C }\n}\n"
    )
    assert where(error) == ("E004", 3, 8)
    assert [n.location.line for n in error.notes] == [2]


def test_e004_steps_have_their_own_namespace(load_text):
    design = load_text("element a : chip {}\nprocess { step a { kind reflow; peak 100 C } }\n")
    assert design.process.steps[0].name == "a"


def test_e004_std_material_redeclared_by_the_design_is_not_an_error(load_text):
    design = load_text("use std\nmaterial SAC305 { kind fusible; melts 200 C }\nmaterial silicon { cte 3 ppm/K }\n")
    assert design.materials["SAC305"].solidus == 200.0
    assert design.materials["silicon"].cte == 3.0


# ---------------------------------------------------------------- E005 zipped lengths


def test_e005_joins_of_different_lengths(language_errors):
    (error,) = language_errors(BASE + "masses m : SAC305 {\n  joins chip28.c[*] -- board.q[*]\n}\n")
    assert where(error) == ("E005", 5, 3)
    assert "4" in error.message and "3" in error.message
    assert "same length" in error.message


def test_e005_single_mass_joining_many_pads(language_errors):
    (error,) = language_errors(BASE + "mass m : SAC305 { joins chip28.c[*] -- board.p[*] }\n")
    assert where(error) == ("E005", 4, 19)
    assert "masses" in error.message


def test_e005_nets_of_different_lengths(language_errors):
    (error,) = language_errors(BASE + "nets io { chip28.c[*], board.q[*] }\n")
    assert where(error) == ("E005", 4, 6)
    assert "`chip28.c[*]` 4" in error.message
    assert "`board.q[*]` 3" in error.message


def test_e005_connect_of_different_lengths(language_errors):
    (error,) = language_errors(
        "element s : dielectric_sheet {\n  pads p grid 2 x 2 pitch 1 mm\n  pads t grid 1 x 3 pitch 1 mm\n"
        "  connect p[*] -- t[*]\n}\n"
    )
    assert where(error) == ("E005", 4, 3)
    assert "same length" in error.message


def test_e005_leads_of_different_lengths(language_errors):
    (error,) = language_errors(
        BASE + "masses m : SAC305 { joins chip28.c[*] -- board.p[*] }\n"
        "leads l : copper { from board.q[*] to m[*]; shape s }\n"
    )
    assert where(error) == ("E005", 5, 20)


def test_net_members_need_not_match_in_length(load_text):
    design = load_text(BASE + "net N { chip28.c[*], board.q[0] }\n")
    assert len(design.net_groups[0].pins[0]) == 5


# ---------------------------------------------------------------- E006 (more in test_imports.py)


def test_e006_missing_import(language_errors):
    (error,) = language_errors('material X { kind metal }\nimport "nope.assy"\n')
    assert where(error) == ("E006", 2, 8)
    assert "nope.assy" in error.message
    assert "not found" in error.message


# ---------------------------------------------------------------- E007 composition


def test_e007_composition_summing_to_99(language_errors):
    (error,) = language_errors("material X {\n  composition In 51 %, Bi 32.5 %, Sn 15.5 %\n}\n")
    assert where(error) == ("E007", 2, 15)
    assert error.location.end_column == len("  composition In 51 %, Bi 32.5 %, Sn 15.5 %") + 1
    assert "99" in error.message
    assert "100 ± 0.5" in error.message


@pytest.mark.parametrize("total", ["100.4", "99.6", "100"])
def test_e007_composition_within_half_a_percent_passes(load_text, total):
    design = load_text(f"material X {{ composition Sn 60 %, Pb {float(total) - 60:g} % }}\n")
    assert sum(design.materials["X"].composition.values()) == pytest.approx(float(total))


@pytest.mark.parametrize("total", [100.6, 99.4, 107])
def test_e007_composition_outside_half_a_percent_fails(language_errors, total):
    (error,) = language_errors(f"material X {{ composition Sn 60 %, Pb {total - 60:g} % }}\n")
    assert error.code == "E007"


# ---------------------------------------------------------------- E008 impossible values


def test_e008_solidus_above_liquidus(language_errors):
    (error,) = language_errors("material X {\n  kind fusible\n  solidus 200 C\n  liquidus 180 C\n}\n")
    assert error.code == "E008"
    assert error.location.line in (3, 4)
    assert "solidus" in error.message and "liquidus" in error.message
    assert "200" in error.message and "180" in error.message


def test_e008_solidus_above_inherited_liquidus(language_errors):
    (error,) = language_errors("material A { kind fusible; melts 100 C }\nmaterial B : A {\n  solidus 150 C\n}\n")
    assert where(error) == ("E008", 3, 3)


def test_e008_range_upside_down(language_errors):
    (error,) = language_errors("material X {\n  service 150 C .. -65 C\n}\n")
    assert where(error) == ("E008", 2, 11)
    assert "upside down" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "element e : chip {\n  operating 85 C .. 40 C\n}\n",
        "process {\n  operate 85 C .. 40 C\n}\n",
        "process {\n  cycle 125 C .. -40 C count 10\n}\n",
    ],
)
def test_e008_other_ranges_upside_down(language_errors, text):
    (error,) = language_errors(text)
    assert error.code == "E008"
    assert error.location.line == 2


@pytest.mark.parametrize(("size", "column"), [("0 mm x 1 mm", 8), ("1 mm x 0 mm", 15), ("1 mm x 1 mm x 0 um", 22)])
def test_e008_zero_size(language_errors, size, column):
    (error,) = language_errors(f"element e : chip {{\n  size {size}\n}}\n")
    assert where(error) == ("E008", 2, column)
    assert "positive" in error.message


@pytest.mark.parametrize("size", ["-1 mm x 1 mm", "1 mm x 1 mm x -2 um"])
def test_e008_negative_size(language_errors, size):
    (error,) = language_errors(f"element e : chip {{\n  size {size}\n}}\n")
    assert error.code == "E008"
    assert error.location.line == 2
    assert "positive" in error.message


@pytest.mark.parametrize(
    ("text", "code", "column", "token"),
    [
        ("element e : chip {\n  size -1 mm x 1 mm\n}\n", "E008", 8, "-1 mm"),
        ("element e : chip {\n  size 1 mm x 1 mm x -2 um\n}\n", "E008", 22, "-2 um"),
        ("element e : chip {\n  pads c grid 2 x 2 pitch 1 mm diameter -5 um\n}\n", "E008", 41, "-5 um"),
        ("material X {\n  max_temp -40 mm\n}\n", "E003", 12, "-40 mm"),
    ],
)
def test_negative_quantity_location_includes_the_minus_sign(language_errors, text, code, column, token):
    (error,) = language_errors(text)
    assert (error.code, error.location.line, error.location.column) == (code, 2, column)
    assert error.location.end_column == column + len(token)


@pytest.mark.parametrize(("grid", "column", "what"), [("0 x 3", 15, "rows"), ("3 x 0", 19, "columns")])
def test_e008_zero_grid_count(language_errors, grid, column, what):
    (error,) = language_errors(f"element e : chip {{\n  pads c grid {grid} pitch 1 mm\n}}\n")
    assert where(error) == ("E008", 2, column)
    assert what in error.message


def test_e008_zero_place_count(language_errors):
    (error,) = language_errors("cell U { element z : chip {} }\nplace us : U grid 0 x 2 pitch 1 mm\n")
    assert where(error) == ("E008", 2, 19)


def test_e008_zero_cycle_count(language_errors):
    (error,) = language_errors("process {\n  cycle -40 C .. 125 C count 0\n}\n")
    assert where(error) == ("E008", 2, 30)


@pytest.mark.parametrize("diameter", ["-5 um", "0 um"])
def test_e008_negative_or_zero_diameter(language_errors, diameter):
    (error,) = language_errors(f"element e : chip {{\n  pads c grid 2 x 2 pitch 1 mm diameter {diameter}\n}}\n")
    assert error.code == "E008"
    assert error.location.line == 2
    assert "positive" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "element e : chip { pads c grid 1e999 x 1 pitch 1 mm }\n",
        "process { cycle -40 C .. 125 C count 1e999 }\n",
        "let n = 1e999 mm / 1e999 mm\nelement e : chip { pads c grid n x 1 pitch 1 mm }\n",
    ],
)
def test_e008_or_e009_for_non_finite_counts(tmp_path, text):
    path = tmp_path / "d.assy"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    assert {d.code for d in info.value.diagnostics} <= {"E008", "E009"}


# ---------------------------------------------------------------- E009 limits


def test_e009_too_many_pads(language_errors):
    (error,) = language_errors("element e : chip {\n  pads c grid 20 x 20 pitch 1 mm\n}\n", max_objects=100)
    assert where(error) == ("E009", 2, 3)
    assert "100" in error.message
    assert "400" in error.message
    assert "--max-objects" in error.message


def test_e009_counts_cells_out(language_errors):
    (error,) = language_errors(
        "cell U { element z : chip { pads c grid 2 x 2 pitch 1 mm } }\nplace us : U grid 10 x 10 pitch 5 mm\n",
        max_objects=100,
    )
    assert error.code == "E009"
    assert error.location.line == 2
    assert "--max-objects" in error.message


def test_e009_counts_masses(language_errors):
    errors = language_errors(
        "material S { kind fusible; melts 100 C }\nelement e : chip { pads c grid 5 x 5 pitch 1 mm }\n"
        "masses m : S { joins e.c[*] -- e.c[*] }\nmasses n : S { joins e.c[*] -- e.c[*] }\n"
        "masses o : S { joins e.c[*] -- e.c[*] }\nmasses p : S { joins e.c[*] -- e.c[*] }\n",
        max_objects=100,
    )
    assert [e.code for e in errors] == ["E009"]


def test_e009_limit_not_reached(load_text):
    design = load_text("element e : chip { pads c grid 10 x 10 pitch 1 mm }\n", max_objects=100)
    assert design.pad_count == 100


def test_e009_huge_place_grid_is_a_language_error(tmp_path):
    path = tmp_path / "d.assy"
    path.write_text(
        "cell U { element z : chip { pads c grid 1 x 1 pitch 1 mm } }\nplace us : U grid 1e20 x 1 pitch 1 mm\n",
        encoding="utf-8",
    )
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    assert [d.code for d in info.value.diagnostics] == ["E009"]


# ---------------------------------------------------------------- E010 unknown property, kind, type, role


def test_e010_unknown_material_property_lists_the_known_ones(language_errors):
    (error,) = language_errors("material X {\n  colour red\n}\n")
    assert where(error) == ("E010", 2, 3)
    assert "`colour`" in error.message
    for known in ("kind", "composition", "solidus", "liquidus", "melts", "cte", "service", "exemption"):
        assert known in error.message


def test_e010_unknown_property_with_did_you_mean(language_errors):
    (error,) = language_errors("material X {\n  solidsu 100 C\n}\n")
    assert where(error) == ("E010", 2, 3)
    assert "did you mean `solidus`?" in error.message


@pytest.mark.parametrize(
    ("text", "line", "column", "known"),
    [
        ("element e : chip {\n  weight 3 mm\n}\n", 2, 3, ["body", "size", "pads", "connect"]),
        ("material g { kind compliant }\nlayer l : g {\n  colour red\n}\n", 3, 3, ["role", "between", "surrounds"]),
        (
            BASE + "masses m : SAC305 {\n  joins chip28.c[*] -- board.p[*]\n  volume 3 um\n}\n",
            6,
            3,
            ["joins", "height"],
        ),
        ("process {\n  step s {\n    kind reflow\n    peak 100 C\n    hold 3 s\n  }\n}\n", 5, 5, ["kind", "peak"]),
        ("process {\n  humidity 3 %\n}\n", 2, 3, ["operate", "store", "cycle"]),
    ],
)
def test_e010_unknown_property_in_each_block(language_errors, text, line, column, known):
    (error,) = language_errors(text)
    assert where(error) == ("E010", line, column)
    for word in known:
        assert word in error.message


def test_e010_unknown_element_type(language_errors):
    (error,) = language_errors("element e : chipp {}\n")
    assert where(error) == ("E010", 1, 13)
    assert "did you mean `chip`?" in error.message
    for known in ("wafer", "circuit_board", "lead_frame"):
        assert known in error.message


def test_e010_unknown_layer_role(language_errors):
    (error,) = language_errors("material g { kind compliant }\nlayer l : g {\n  role glue\n}\n")
    assert where(error) == ("E010", 3, 8)
    for known in ("compliant", "underfill", "encapsulant", "mold", "dielectric", "adhesive"):
        assert known in error.message


def test_e010_unknown_material_kind(language_errors):
    (error,) = language_errors("material X {\n  kind metall\n}\n")
    assert where(error) == ("E010", 2, 8)
    assert "did you mean `metal`?" in error.message
    assert "semiconductor" in error.message


def test_e010_unknown_step_kind(language_errors):
    errors = language_errors("process {\n  step a {\n    kind reflo\n    peak 100 C\n  }\n}\n")
    e010 = [e for e in errors if e.code == "E010"]
    assert [where(e) for e in e010] == [("E010", 3, 10)]
    assert "did you mean `reflow`?" in e010[0].message
    assert "anneal" in e010[0].message


@pytest.mark.parametrize(
    "text",
    [
        "process {\n  step a {\n    kind reflo\n    peak 100 C\n  }\n}\n",
        "process {\n  step a {\n    kind reflow\n    temp 100 C .. 50 C\n  }\n}\n",
    ],
)
def test_an_invalid_step_property_gives_one_error(language_errors, text):
    errors = language_errors(text)
    assert len(errors) == 1
    assert errors[0].code != "E001"


def test_e010_unknown_lead_shape(language_errors):
    (error,) = language_errors(
        BASE + "masses m : SAC305 { joins chip28.c[*] -- board.p[*] }\n"
        "leads l : copper {\n  from board.p[*] to m[*]\n  shape zigzag\n}\n"
    )
    assert where(error) == ("E010", 7, 9)
    assert "wire" in error.message


def test_e010_unknown_face_and_pad_option(language_errors):
    errors = language_errors(
        "element e : chip {\n  pads c grid 2 x 2 pitch 1 mm face top\n  pads d grid 2 x 2 pitch 1 mm colour red\n}\n"
    )
    assert [where(e) for e in errors] == [("E010", 2, 37), ("E010", 3, 32)]
    assert "front" in errors[0].message and "back" in errors[0].message
    assert "diameter" in errors[1].message


# ---------------------------------------------------------------- every semantic error in one run


def test_three_independent_errors_give_three_diagnostics(language_errors):
    errors = language_errors(
        "material X {\n  colour red\n}\nmaterial Y {\n  solidus 3 mm\n}\nelement e : chip {\n  body nothing\n}\n"
    )
    assert [where(e) for e in errors] == [("E010", 2, 3), ("E003", 5, 11), ("E002", 8, 8)]


def test_errors_of_every_kind_in_one_run(language_errors):
    errors = language_errors(
        BASE
        + "material A { composition Sn 50 % }\n"  # 4: E007
        + "material B { kind fusible; solidus 300 C; liquidus 200 C }\n"  # 5: E008
        + "material A { kind metal }\n"  # 6: E004
        + "element x : chipp {}\n"  # 7: E010
        + "masses m : SAC305 { joins chip28.c[*] -- board.q[*] }\n"  # 8: E005
        + "element y : chip { body Z }\n"  # 9: E002
        + "element z : chip { size 3 C x 1 mm }\n"  # 10: E003
    )
    assert sorted((e.location.line, e.code) for e in errors) == [
        (4, "E007"),
        (5, "E008"),
        (6, "E004"),
        (7, "E010"),
        (8, "E005"),
        (9, "E002"),
        (10, "E003"),
    ]


def test_errors_are_sorted_by_line(language_errors):
    errors = language_errors("element e : chip { body nothing }\nmaterial X { colour red }\n")
    assert [e.location.line for e in errors] == [1, 2]


def test_a_failed_declaration_does_not_cascade(language_errors):
    errors = language_errors(
        "use std\nelement die : chipp { pads c grid 2 x 2 pitch 1 mm }\n"
        "element sub : chip { pads p grid 2 x 2 pitch 1 mm }\n"
        "masses m : SAC305 { joins die.c[*] -- sub.p[*] }\n"
    )
    assert [where(e) for e in errors] == [("E010", 2, 15)]


def test_an_error_in_a_let_is_reported_once(language_errors):
    errors = language_errors(
        "let a = 1 mm / 0\nelement e : chip { size a x 1 mm }\nelement f : chip { size a x 1 mm }\n"
    )
    assert [where(e) for e in errors] == [("E008", 1, 16)]


def test_shared_broken_semantics_example():
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(EXAMPLES / "broken-semantics.assy")
    assert [(d.code, d.location.line) for d in info.value.diagnostics] == [("E003", 7), ("E002", 11), ("E005", 20)]
    assert "did you mean `silicon`?" in info.value.diagnostics[1].message


# ---------------------------------------------------------------- rendering


def test_render_shows_location_code_source_line_and_caret(tmp_path):
    path = tmp_path / "design.assy"
    path.write_text("material X {\n    solidus 3 mm\n}\n", encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    (error,) = info.value.diagnostics
    text = render(error)
    lines = text.splitlines()
    assert re.match(r"^.*design\.assy:2:13: E003 expected a temperature, got a length: 3 mm$", lines[0])
    assert lines[1] == "    2 |     solidus 3 mm"
    assert lines[2] == "      |             ^^^^"


def test_render_shows_notes_of_e004(tmp_path):
    path = tmp_path / "design.assy"
    path.write_text("material X { kind metal }\nmaterial X { kind metal }\n", encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    text = render(info.value.diagnostics[0])
    assert "design.assy:2:10: E004" in text
    assert "design.assy:1:10: note:" in text
    assert text.count("^") == 2


def test_language_error_str_renders_every_diagnostic(tmp_path):
    path = tmp_path / "design.assy"
    path.write_text("material X { colour red }\nmaterial Y { solidus 3 mm }\n", encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path)
    text = str(info.value)
    assert "design.assy:1:14: E010" in text
    assert "design.assy:2:22: E003" in text
    assert "^" in text


def test_diagnostic_to_json(language_errors):
    (error,) = language_errors("material X {\n    solidus 3 mm\n}\n")
    data = error.to_json()
    assert data["code"] == "E003"
    assert data["location"]["line"] == 2
    assert data["location"]["column"] == 13
    assert data["location"]["end_column"] == 17


def test_a_grid_of_cells_indexed_twice_is_e002_not_an_internal_error(language_errors):
    """`units[0][1].chip`: a placement takes one index (it crashed with an unhashable Index before)."""
    errors = language_errors(
        "use std\n"
        "cell Unit {\n"
        "    element chip : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }\n"
        "}\n"
        "place units : Unit grid 2 x 2 pitch 5 mm x 5 mm\n"
        "net n { units[0][1].chip.c[0] }\n"
    )
    assert [(e.code, e.location.line, e.location.column) for e in errors] == [("E002", 6, 9)]
    assert "`units` is a grid of cells: it takes one index, then a name" in errors[0].message
