"""Malformed 3DBlox (importing/threedblox.py, yaml_nodes.py, bmap.py; build/loader.py): every error is
a language error with the file, line and column where the input went wrong and a caret under it, the
command exits 2, and no traceback is ever shown (STACK.md §6).

Each case writes a small design into a folder of its own, checks it with the command line in process
(`cli.main`, from that folder, so that paths are shown as written) and reads the text report. One
case runs `python -m assemblint` in a subprocess.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assemblint import cli

DATA = Path(__file__).resolve().parent.parent / "data" / "openroad_3dblox"

# top.3dbx: `soc_inst` (line 9, its reference line 10) of SoC, placed on lines 13-16
TOP = """\
Header:
  version: "1.0"
  unit: "micron"
  precision: 2000
  include:
    - {include}

ChipletInst:
  soc_inst:
    reference: SoC

Stack:
  soc_inst:
    loc: [0.0, 0.0]
    z: 0.0
    orient: R0
"""
EXAMPLE = (DATA / "example.3dbv").read_text(encoding="utf-8")  # its back_reg's side on line 29, bmap on 35


def check(folder: Path, capsys, files: dict[str, str | None], target: str = "top.3dbx") -> tuple[int, str]:
    """Write `files` (None: copy OpenROAD's file of that name) into `folder`, check `target` from there."""
    for name, text in files.items():
        if text is None:
            shutil.copy(DATA / name, folder / name)
        else:
            (folder / name).write_text(text, encoding="utf-8")
    try:
        code = cli.main(["check", target])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output
    return code, captured.out


def design(top: str = TOP.format(include="example.3dbv"), chiplet: str | None = None, bmap: str | None = None):
    """top.3dbx with example.3dbv (or `chiplet`) and example.bmap (or `bmap`)."""
    return {"top.3dbx": top, "example.3dbv": chiplet, "example.bmap": bmap}


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def assert_error(code: int, out: str, line: str, quoted: str | None = None, caret: str | None = None) -> None:
    assert code == 2, out
    assert line + "\n" in out, out
    if quoted is not None:
        assert quoted + "\n" in out, out
    if caret is not None:
        assert caret + "\n" in out, out
    assert "not checked" in out.splitlines()[-1]


def test_the_design_itself_checks(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design())
    assert code == 0, out
    assert "top.3dbx: 0 errors, 0 warnings, 0 info (0 waived)\n" in out


# ------------------------------------------------------------------------ OpenROAD's read_3dbv_fail.tcl (ODB-0521)
def test_a_region_without_coords_is_e008_at_the_region(folder: Path, capsys) -> None:
    code, out = check(
        folder, capsys, {"top.3dbx": TOP.format(include="example_no_coords.3dbv"), "example_no_coords.3dbv": None}
    )
    assert_error(
        code,
        out,
        "example_no_coords.3dbv:18:7: E008 region `front_reg` must specify coords (its 4 corners)",
        "   18 |       front_reg:",
        "      |       ^^^^^^^^^",
    )
    assert out.endswith("top.3dbx: not checked: language errors in the files it reads\n")


def test_a_polygonal_region_is_e008_at_its_coords(folder: Path, capsys) -> None:
    # back_reg (line 25) has 5 corners, its coords from line 28
    code, out = check(
        folder, capsys, {"top.3dbx": TOP.format(include="example_polygon.3dbv"), "example_polygon.3dbv": None}
    )
    assert_error(
        code,
        out,
        "example_polygon.3dbv:28:11: E008 region `back_reg` must have exactly 4 coordinates, it has 5 "
        "(polygonal regions are not read)",
        "   28 |           - [0, 0]",
    )


# ------------------------------------------------------------------------ files
def test_a_missing_include_is_e006_at_the_include(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, {"top.3dbx": TOP.format(include="nothere.3dbv")})
    assert_error(
        code,
        out,
        "top.3dbx:6:7: E006 `nothere.3dbv` not found (looked for nothere.3dbv)",
        "    6 |     - nothere.3dbv",
        "      |       ^^^^^^^^^^^^",
    )
    assert out.endswith("top.3dbx: not checked: 1 language error\n")


def test_a_missing_bump_map_is_e006_at_its_bmap_line(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, {"top.3dbx": TOP.format(include="example.3dbv"), "example.3dbv": None})
    assert_error(code, out, "example.3dbv:35:15: E006 `example.bmap` not found (looked for example.bmap)")


def test_a_missing_bump_map_is_quoted_with_a_caret(folder: Path, capsys) -> None:
    chiplet = EXAMPLE.replace("bmap: example.bmap", "bmap: absent.bmap")
    code, out = check(folder, capsys, {"top.3dbx": TOP.format(include="quoted.3dbv"), "quoted.3dbv": chiplet})
    assert_error(
        code,
        out,
        "quoted.3dbv:35:15: E006 `absent.bmap` not found (looked for absent.bmap)",
        "   35 |         bmap: absent.bmap",
        "      |               ^^^^^^^^^^^",
    )


def test_an_include_outside_the_root_is_e006(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, {"top.3dbx": TOP.format(include="../example.3dbv")})
    assert code == 2
    assert f"top.3dbx:6:7: E006 `../example.3dbv` resolves outside the root folder {folder.resolve()} and is " in out


def test_only_chiplet_definitions_are_included(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, {"top.3dbx": TOP.format(include="other.3dbx")})
    assert_error(
        code, out, "top.3dbx:6:7: E010 `other.3dbx` is not a chiplet definition (.3dbv): only .3dbv files are included"
    )


# ------------------------------------------------------------------------ YAML and its values
def test_a_yaml_syntax_error_is_e001_with_its_line_and_column(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv").replace("    reference: SoC", "    reference: [SoC")
    code, out = check(folder, capsys, design(top))
    # the flow sequence opened on line 10 is found unclosed at line 12, column 6
    assert_error(code, out, "top.3dbx:12:6: E001 this is not valid YAML: did not find expected ',' or ']'")


def test_a_file_that_is_not_a_mapping_is_e001(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, {"top.3dbx": "- Header\n- Stack\n"})
    assert_error(code, out, "top.3dbx:1:1: E001 a 3DBlox file is a YAML mapping of sections (Header, ChipletDef, …)")


def test_an_unknown_reference_is_e002_with_a_suggestion(folder: Path, capsys) -> None:
    code, out = check(
        folder, capsys, design(TOP.format(include="example.3dbv").replace("reference: SoC", "reference: Soc"))
    )
    assert_error(
        code,
        out,
        "top.3dbx:10:16: E002 chiplet instance `soc_inst` refers to `Soc`, which no ChipletDef defines "
        "(did you mean `SoC`?)",
        "   10 |     reference: Soc",
        "      |                ^^^",
    )


def test_an_unknown_orientation_is_e010(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(TOP.format(include="example.3dbv").replace("orient: R0", "orient: R45")))
    assert_error(
        code,
        out,
        "top.3dbx:16:13: E010 unknown orientation `R45`; known: R0, R90, R180, R270, MX, MY, MX_R90, MY_R90, each "
        "optionally after MZ_ (face down), and MZ",
        "   16 |     orient: R45",
        "      |             ^^^",
    )


def test_a_hierarchical_chiplet_is_e010(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(chiplet=EXAMPLE.replace("type: die", "type: hier")))
    assert_error(
        code,
        out,
        "example.3dbv:11:11: E010 chiplet type `hier` is not read: a hierarchical chiplet (`hier`) is not read "
        "yet; import its parts",
        "   11 |     type: hier",
    )


def test_an_unknown_chiplet_type_is_e010_with_a_suggestion(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(chiplet=EXAMPLE.replace("type: die", "type: dei")))
    assert_error(
        code,
        out,
        "example.3dbv:11:11: E010 chiplet type `dei` is not read (did you mean `die`?); known: die, ip, rdl, substrate",
    )


def test_an_internal_side_is_e010(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(chiplet=EXAMPLE.replace("side: back", "side: internal")))
    assert_error(
        code,
        out,
        "example.3dbv:29:15: E010 region side `internal` is not read: a face inside the chiplet, which assemblint "
        "does not model; known: front, back",
        "   29 |         side: internal",
        "      |               ^^^^^^^^",
    )


def test_a_unit_other_than_micron_in_a_chiplet_file_is_e010(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(chiplet=EXAMPLE.replace("unit: micron", "unit: mm")))
    assert_error(code, out, "example.3dbv:6:9: E010 unit `mm` is not read: 3DBlox is in `micron`")


def test_a_unit_other_than_micron_in_the_stack_file_is_e010(folder: Path, capsys) -> None:
    code, out = check(
        folder, capsys, design(TOP.format(include="example.3dbv").replace('unit: "micron"', 'unit: "mm"'))
    )
    assert_error(code, out, "top.3dbx:3:9: E010 unit `mm` is not read: 3DBlox is in `micron`")


def test_a_missing_required_key_is_e008(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(TOP.format(include="example.3dbv").replace("    loc: [0.0, 0.0]\n", "")))
    assert_error(code, out, "top.3dbx:14:5: E008 the Stack entry of `soc_inst` has no `loc`")
    code, out = check(folder, capsys, design(chiplet=EXAMPLE.replace("    type: die\n", "")))
    assert_error(code, out, "example.3dbv:11:5: E008 chiplet `SoC` has no `type`")


def test_a_loc_of_three_numbers_and_a_word_for_z(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv")
    code, out = check(folder, capsys, design(top.replace("loc: [0.0, 0.0]", "loc: [0.0, 0.0, 1.0]")))
    assert_error(code, out, "top.3dbx:14:10: E008 loc is a list of 2 numbers ([…, …])")
    code, out = check(folder, capsys, design(top.replace("z: 0.0", "z: high")))
    assert_error(code, out, "top.3dbx:15:8: E001 z is a number, got `high`")


@pytest.mark.parametrize("thickness", ["-300", "0"])
def test_a_thickness_that_is_not_positive_is_e008(folder: Path, capsys, thickness: str) -> None:
    code, out = check(folder, capsys, design(chiplet=EXAMPLE.replace("thickness: 300", f"thickness: {thickness}")))
    assert code == 2, out
    assert "example.3dbv:15:16: E008 " in out


def test_a_design_area_that_is_not_positive_is_e008(folder: Path, capsys) -> None:
    chiplet = EXAMPLE.replace("design_area: [955, 1082]", "design_area: [-955, 1082]")
    code, out = check(folder, capsys, design(chiplet=chiplet))
    assert code == 2, out
    assert "example.3dbv:12:18: E008 " in out


def test_limits_hold_for_bump_maps(folder: Path, capsys) -> None:
    files = design(bmap="".join(f"bump{i} BUMP {i}.0 200.0 - -\n" for i in range(100)))
    code, out = check(folder, capsys, files)
    assert code == 0, out
    try:
        code = cli.main(["check", "top.3dbx", "--max-file-size", "1k"])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out = capsys.readouterr().out
    assert code == 2
    assert out.startswith(
        "example.3dbv:35:15: E009 example.bmap is 2.62 KiB (2,680 bytes), more than the limit of 1 KiB "
        "(1,024 bytes) for one file, and was not read; "
    )
    code = cli.main(["check", "top.3dbx", "--max-objects", "50"])
    out = capsys.readouterr().out
    assert code == 2
    # the back_reg's 100 bumps are counted where the region is declared
    assert out.startswith("example.3dbv:28:7: E009 the design has more than 50 pads and masses ")


def test_an_instance_named_twice_is_e004(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv").replace(
        "ChipletInst:\n", "ChipletInst:\n  soc_inst:\n    reference: SoC\n"
    )
    code, out = check(folder, capsys, design(top))
    assert_error(code, out, "top.3dbx:11:3: E004 `soc_inst` is given twice in ChipletInst")


def test_a_key_given_twice_in_a_stack_entry_is_e004(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv").replace("    z: 0.0\n", "    z: 0.0\n    z: 1.0\n")
    code, out = check(folder, capsys, design(top))
    assert code == 2, out
    assert "top.3dbx:16:5: E004 " in out  # at the second `z`


def test_a_section_given_twice_is_e004(folder: Path, capsys) -> None:
    top = (
        TOP.format(include="example.3dbv") + "\nStack:\n  soc_inst:\n    loc: [5.0, 0.0]\n    z: 0.0\n    orient: R0\n"
    )
    code, out = check(folder, capsys, design(top))
    assert code == 2, out
    assert "top.3dbx:18:1: E004" in out


# ------------------------------------------------------------------------ bump maps
def test_a_bump_map_line_of_five_fields_is_e001_at_that_line(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(bmap="bump1 BUMP 100.0 200.0 - -\nbump2 BUMP 150.0 200.0 -\n"))
    assert_error(
        code,
        out,
        "example.bmap:2:1: E001 this line has 5 fields, a bump map line has 6: bumpInstName bumpCellType x y "
        "portName netName",
        "    2 | bump2 BUMP 150.0 200.0 -",
        "      | ^^^^^^^^^^^^^^^^^^^^^^^^",
    )


def test_a_bump_map_x_that_is_not_a_number_is_e001_at_its_column(folder: Path, capsys) -> None:
    code, out = check(
        folder,
        capsys,
        design(bmap="# name cell x y port net\nbump1 BUMP 100.0 200.0 - -\nbump2 BUMP  1x0.0 200.0 - -\n"),
    )
    assert_error(
        code,
        out,
        "example.bmap:3:13: E001 `1x0.0` is not a number (x of bump `bump2`)",
        "    3 | bump2 BUMP  1x0.0 200.0 - -",
        "      |             ^^^^^",
    )


def test_a_bump_map_y_that_is_infinite_is_e001(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, design(bmap="bump1 BUMP 100.0 200.0 - -\nbump2 BUMP 150.0 inf - -\n"))
    assert_error(code, out, "example.bmap:2:18: E001 `inf` is not a number (y of bump `bump2`)")


def test_a_bump_map_with_comments_blank_lines_tabs_and_crlf_reads(folder: Path, capsys) -> None:
    bmap = (
        "# bumpInstName bumpCellType x y portName netName\r\n"
        "bump1\tBUMP  100.0 200.0 - -\r\n\r\nbump2 BUMP 150.0 200.0 - -\r\n"
    )
    code, out = check(folder, capsys, design(bmap=bmap))
    assert code == 0, out


def test_a_bump_map_with_a_byte_order_mark_reads(folder: Path, capsys) -> None:
    (folder / "example.bmap").write_bytes(
        b"\xef\xbb\xbf# bumpInstName bumpCellType x y portName netName\nbump1 BUMP 100.0 200.0 - -\n"
    )
    code, out = check(folder, capsys, {"top.3dbx": TOP.format(include="example.3dbv"), "example.3dbv": None})
    assert code == 0, out


# ------------------------------------------------------------------------ instances, Stack and connections
def test_a_stack_entry_for_an_unknown_instance_is_e002(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv") + "  soc_ins2:\n    loc: [0.0, 0.0]\n    z: 0.0\n    orient: R0\n"
    code, out = check(folder, capsys, design(top))
    assert_error(
        code,
        out,
        "top.3dbx:17:3: E002 Stack places `soc_ins2`, which is not a ChipletInst (did you mean `soc_inst`?)",
        "   17 |   soc_ins2:",
    )


def test_an_instance_without_a_stack_entry_is_e008(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv").replace("ChipletInst:\n", "ChipletInst:\n  other:\n    reference: SoC\n")
    code, out = check(folder, capsys, design(top))
    assert_error(code, out, "top.3dbx:9:3: E008 chiplet instance `other` has no Stack entry (loc, z, orient)")


CONNECTION = "\nConnection:\n  c1:\n    top: {top}\n    bot: ~\n"


def test_a_connection_to_an_unknown_region_is_e002(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv") + CONNECTION.format(top="soc_inst.regions.frnt_reg")
    code, out = check(folder, capsys, design(top))
    assert_error(
        code,
        out,
        "top.3dbx:20:10: E002 `soc_inst` has no region `frnt_reg` (did you mean `front_reg`?)",
        "   20 |     top: soc_inst.regions.frnt_reg",
        "      |          ^^^^^^^^^^^^^^^^^^^^^^^^^",
    )


def test_a_connection_to_an_unknown_instance_is_e002(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv") + CONNECTION.format(top="soc_ins.regions.front_reg")
    code, out = check(folder, capsys, design(top))
    assert_error(
        code,
        out,
        "top.3dbx:20:10: E002 no chiplet instance `soc_ins` in `soc_ins.regions.front_reg` (did you mean `soc_inst`?)",
    )


def test_a_connection_without_bot_or_of_negative_thickness_is_e008(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv") + "\nConnection:\n  c1:\n    top: soc_inst.regions.front_reg\n"
    code, out = check(folder, capsys, design(top))
    assert_error(code, out, "top.3dbx:20:5: E008 connection `c1` has no `bot`")
    code, out = check(folder, capsys, design(top + "    bot: ~\n    thickness: -1\n"))
    assert_error(code, out, "top.3dbx:22:16: E008 a connection's thickness cannot be negative, got -1")


def test_a_region_path_that_is_not_one_is_e001(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv") + CONNECTION.format(top="soc_inst.front_reg")
    code, out = check(folder, capsys, design(top))
    assert_error(
        code, out, "top.3dbx:20:10: E001 `soc_inst.front_reg` is not a region path: write INSTANCE.regions.REGION, or ~"
    )


# ------------------------------------------------------------------------ includes read once, as OpenROAD reads them
def test_a_chiplet_file_included_twice_is_read_once(folder: Path, capsys) -> None:
    top = TOP.format(include="example.3dbv").replace(
        "    - example.3dbv\n", "    - example.3dbv\n    - ./example.3dbv\n"
    )
    code, out = check(folder, capsys, design(top))
    assert code == 0, out


def test_a_chiplet_file_including_itself_is_not_a_recursion_error(folder: Path, capsys) -> None:
    chiplet = EXAMPLE.replace("precision: 2000", "precision: 2000\n  include:\n    - example.3dbv")
    code, out = check(folder, capsys, design(chiplet=chiplet))
    assert "recursion" not in out
    assert code == 0 or "cycle" in out, out


# ------------------------------------------------------------------------ through an .assy, and as a command
def test_an_assy_importing_a_broken_3dbx_reports_the_3dbx(folder: Path, capsys) -> None:
    broken = TOP.format(include="example.3dbv").replace("orient: R0", "orient: R45")
    files = {"x.3dbx": broken, "example.3dbv": None, "example.bmap": None, "d.assy": 'use std\nimport "x.3dbx"\n'}
    code, out = check(folder, capsys, files, "d.assy")
    assert_error(
        code,
        out,
        "x.3dbx:16:13: E010 unknown orientation `R45`; known: R0, R90, R180, R270, MX, MY, MX_R90, MY_R90, "
        "each optionally after MZ_ (face down), and MZ",
    )
    assert out.endswith("d.assy: not checked: language errors in the files it reads\n")


def test_an_assy_importing_a_missing_3dbx_is_e006_at_the_import(folder: Path, capsys) -> None:
    code, out = check(folder, capsys, {"d.assy": 'use std\nimport "x.3dbx"\n'}, "d.assy")
    assert_error(
        code, out, "d.assy:2:8: E006 import `x.3dbx` not found (looked for x.3dbx)", caret="      |        ^^^^^^^^"
    )


def test_python_m_assemblint_check_of_a_broken_3dbx(tmp_path: Path) -> None:
    (tmp_path / "top.3dbx").write_text(TOP.format(include="example.3dbv"), encoding="utf-8")
    shutil.copy(DATA / "example.3dbv", tmp_path / "example.3dbv")
    (tmp_path / "example.bmap").write_text("bump1 BUMP 100.0 200.0 - -\nbump2 BUMP 150.0 200.0 -\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "assemblint", "check", "top.3dbx"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.startswith(
        "example.bmap:2:1: E001 this line has 5 fields, a bump map line has 6: bumpInstName bumpCellType x y "
        "portName netName\n"
    )
