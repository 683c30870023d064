"""Bump maps as CSV (importing/tables.py, build/imports.py `_pads_from`; STACK.md §6):

    pads NAME from "file.csv" columns (name PIN, x X, y Y, net N, diameter D) unit um [options]

inside an element reads a pad array from a delimited table (comma, semicolon or tab, a header row,
RFC 4180 quotes) with pyarrow; positions are in the element's frame, as `pad … at` writes them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.model.assembly import PadArray

HEADER = "use std\n"


def table(tmp_path: Path, text: str | bytes, name: str = "bumps.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def pads_of(load_text, body: str, element: str = "die", array: str = "c", extra: str = "") -> PadArray:
    asm = load_text(HEADER + f"element {element} : chip {{ body silicon; size 5 mm x 5 mm\n  {body}\n}}\n" + extra)
    return next(e for e in asm.elements if e.name == element).pads[array]


def positions(pads: PadArray) -> list[tuple[float, float]]:
    return list(zip(pads.x.tolist(), pads.y.tolist(), strict=True))


def pad_names(asm: assemblint.Assembly) -> dict[int, str]:
    return {arr.start + i: arr.item_name(i) for e in asm.elements for arr in e.pads.values() for i in range(arr.count)}


def nets_of(asm: assemblint.Assembly) -> dict[str, set[str]]:
    """Each net's name and its pins' names, however the model groups the nets."""
    names = pad_names(asm)
    return {
        group.item_name(i): {names[int(p)] for p in group.pins[i]}
        for group in asm.net_groups
        for i in range(group.count)
    }


def one_error(language_errors, text: str):
    [error] = language_errors(HEADER + text)
    return error


def message(error, folder: Path) -> str:
    """The message with the test's folder left out of the paths it shows."""
    return error.message.replace(f"{folder.resolve()}/", "").replace(f"{folder}/", "")


def where(error) -> tuple[str, str, int, int]:
    return error.code, Path(error.location.path).name, error.location.line, error.location.column


# ------------------------------------------------------------------------ delimiters, quotes, encodings
def test_comma_quoted_header_quoted_field_and_per_row_diameters(tmp_path: Path, load_text) -> None:
    table(
        tmp_path,
        'pin,"Bump X (um)",y,net,dia\n'
        "A1,10,20,VDD,30\n"
        '"A,2",-10,5.5,"-",\n'  # a name holding the delimiter; net `-`; no diameter: the option's
        "A3,0,0,,25\n",  # an empty net: none
    )
    pads = pads_of(
        load_text,
        'pads c from "bumps.csv" columns (name pin, x "Bump X (um)", y y, net net, diameter dia) unit um '
        "diameter 40 um",
    )
    assert list(pads.labels) == ["A1", "A,2", "A3"]
    assert positions(pads) == [(10.0, 20.0), (-10.0, 5.5), (0.0, 0.0)]
    assert pads.diameter == 40.0
    assert pads.diameter_of_each().tolist() == [30.0, 40.0, 25.0]
    assert pads.face == "front"
    assert pads.item_name(1) == "die.c[1]"


def test_semicolon_with_a_byte_order_mark(tmp_path: Path, load_text) -> None:
    table(tmp_path, b"\xef\xbb\xbfpin;x;y\r\nB1;1.5;2\r\nB2;3;-4\r\n")
    pads = pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x x, y y) unit um')
    assert list(pads.labels) == ["B1", "B2"]  # the first header is `pin`, not `\ufeffpin`
    assert positions(pads) == [(1.5, 2.0), (3.0, -4.0)]
    assert np.isnan(pads.diameter_of_each()).all()


def test_tab_with_a_quoted_header_and_a_quoted_number(tmp_path: Path, load_text) -> None:
    table(tmp_path, 'pin\t"X pos"\ty\nC1\t1\t2\nC2\t5\t"6"\n', "bumps.tsv")
    pads = pads_of(load_text, 'pads c from "bumps.tsv" columns (name pin, x "X pos", y y) unit um')
    assert positions(pads) == [(1.0, 2.0), (5.0, 6.0)]


def test_the_delimiter_is_the_headers_outside_quotes(tmp_path: Path, load_text) -> None:
    # two commas inside the quoted header, two semicolons outside: semicolons
    table(tmp_path, 'pin;"X, Y (um), x";y\nD1;7;8\n')
    pads = pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x "X, Y (um), x", y y) unit um')
    assert positions(pads) == [(7.0, 8.0)]


def test_a_quoted_field_over_two_lines(tmp_path: Path, load_text, language_errors) -> None:
    table(tmp_path, 'pin,x,y\n"E\n1",1,2\nE2,3,4\n')
    pads = pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x x, y y) unit um')
    assert list(pads.labels) == ["E\n1", "E2"]
    # an error after it is on the right line of the file: the third row starts on line 4
    table(tmp_path, 'pin,x,y\n"E\n1",1,2\nE2,3,zz\n')
    error = one_error(
        language_errors, 'element die : chip { pads c from "bumps.csv" columns (name pin, x x, y y) unit um }\n'
    )
    assert where(error) == ("E001", "bumps.csv", 4, 6)


def test_unmapped_columns_blank_lines_and_a_header_only_table(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y,layer,comment\nF1,1,2,M9,ok\n\nF2,3,4,M9,\n")
    pads = pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x x, y y) unit um')
    assert positions(pads) == [(1.0, 2.0), (3.0, 4.0)]
    table(tmp_path, "pin,x,y\n")
    assert pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x x, y y) unit um').count == 0


def test_unit_mm_scales_positions_and_per_row_diameters_but_not_the_option(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y,d\nG1,1.5,-0.25,0.03\nG2,0,2,\n")
    pads = pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x x, y y, diameter d) unit mm diameter 40 um')
    assert positions(pads) == [(1500.0, -250.0), (0.0, 2000.0)]
    assert pads.diameter_of_each().tolist() == pytest.approx([30.0, 40.0])


def test_pad_options_after_the_mapping(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y\nH1,1,2\n")
    pads = pads_of(load_text, 'pads c from "bumps.csv" columns (name pin, x x, y y) unit um diameter 50 um face back')
    assert (pads.face, pads.diameter) == ("back", 50.0)


# ------------------------------------------------------------------------ transforms
def test_a_flipped_element_mirrors_x(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y\nJ1,100,50\nJ2,-30,0\n")
    pads = pads_of(load_text, 'flip; pads c from "bumps.csv" columns (name pin, x x, y y) unit um')
    assert positions(pads) == [(-100.0, 50.0), (30.0, 0.0)]


def test_positions_are_placed_as_pad_at_places_them(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y\nK1,100,50\nK2,-30,20\n")
    placing = "position (1 mm, 2 mm); rotate 90; mirror"
    asm = load_text(
        HEADER + f'element a : chip {{ body silicon; size 1 mm x 1 mm; {placing}; pads c from "bumps.csv" '
        "columns (name pin, x x, y y) unit um }\n" + f"element b : chip {{ body silicon; size 1 mm x 1 mm; {placing}\n"
        "  pad k1 at (100 um, 50 um)\n  pad k2 at (-30 um, 20 um)\n}\n"
    )
    a, b = asm.elements
    expected = [(float(b.pads[k].x[0]), float(b.pads[k].y[0])) for k in ("k1", "k2")]
    # mirror: (−100, 50); rotate 90: (−50, −100); + (1000, 2000)
    assert expected == [(950.0, 1900.0), (980.0, 2030.0)]
    got = positions(a.pads["c"])
    assert [v for p in got for v in p] == pytest.approx([v for p in expected for v in p])


def test_joins_by_position_between_two_tables(tmp_path: Path, load_text) -> None:
    # the die's table as drawn from above; flipped, its x mirror: the substrate's table holds them mirrored,
    # in another order
    table(tmp_path, "pin,x,y\nL1,100,100\nL2,-100,100\nL3,0,-100\n", "die.csv")
    table(tmp_path, "pin;x;y\nS3;0;-100\nS1;-100;100\nS2;100;100\n", "sub.csv")
    asm = load_text(
        HEADER
        + 'element sub : substrate { body silicon; pads s from "sub.csv" columns (name pin, x x, y y) unit um }\n'
        'element die : chip { body silicon; flip; pads c from "die.csv" columns (name pin, x x, y y) unit um }\n'
        "masses b : SAC305 { joins die.c[*] -- sub.s[*] by position; diameter 50 um; height 40 um }\n"
    )
    [masses] = asm.mass_groups
    names = pad_names(asm)
    labels = {arr.start + i: arr.labels[i] for e in asm.elements for arr in e.pads.values() for i in range(arr.count)}
    assert masses.pads_b is not None
    pairs = [(labels[int(a)], labels[int(b)]) for a, b in zip(masses.pads_a, masses.pads_b, strict=True)]
    assert pairs == [("L1", "S1"), ("L2", "S2"), ("L3", "S3")]
    assert names[int(masses.pads_a[0])] == "die.c[0]"


# ------------------------------------------------------------------------ nets
def test_two_tables_naming_a_net_make_one_net_and_an_assy_net_adds_pins(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y,net\nM1,0,0,VDD\nM2,1,0,-\nM3,2,0,\nM4,3,0, GND \n", "a.csv")
    table(tmp_path, "pin\tx\ty\tsignal\nN1\t0\t0\tVDD\nN2\t1\t0\tVDD\n", "b.csv")
    asm = load_text(
        HEADER
        + 'element a : chip { body silicon; pads p from "a.csv" columns (name pin, x x, y y, net net) unit um }\n'
        'element b : chip { body silicon; pads q from "b.csv" columns (name pin, x x, y y, net signal) unit um }\n'
        "element t : chip { body silicon; pad v at (0 um, 0 um) }\n"
        "net VDD { t.v }\n"
    )
    assert nets_of(asm) == {
        "VDD": {"a.p[0]", "b.q[0]", "b.q[1]", "t.v"},  # `-` and an empty cell: no net
        "GND": {"a.p[3]"},  # blanks around a name are not part of it
    }


def test_nets_of_tables_without_an_assy_net(tmp_path: Path, load_text) -> None:
    table(tmp_path, "pin,x,y,net\nP1,0,0,VDD\nP2,1,0,VSS\n", "a.csv")
    table(tmp_path, "pin,x,y,net\nQ1,0,0,VSS\n", "b.csv")
    asm = load_text(
        HEADER
        + 'element a : chip { body silicon; pads p from "a.csv" columns (name pin, x x, y y, net net) unit um }\n'
        'element b : chip { body silicon; pads q from "b.csv" columns (name pin, x x, y y, net net) unit um }\n'
    )
    assert nets_of(asm) == {"VDD": {"a.p[0]"}, "VSS": {"a.p[1]", "b.q[0]"}}


# ------------------------------------------------------------------------ errors
PADS = 'element die : chip {{ body silicon\n  pads c from "bumps.csv" columns ({mapping}) unit {unit}\n}}\n'


def pads_error(language_errors, mapping: str = "name pin, x x, y y", unit: str = "um"):
    return one_error(language_errors, PADS.format(mapping=mapping, unit=unit))


def test_an_unknown_column_is_e002_at_its_mapping_with_a_suggestion(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y\nA,1,2\n")
    error = pads_error(language_errors, "name pin, x xx, y y")
    # line 3 of d.assy (`use std` first); the mapping `x xx` starts at column 46
    assert where(error) == ("E002", "d.assy", 3, 46)
    assert message(error, tmp_path) == (
        "column `xx` is not in the header of bumps.csv (did you mean `x`?); its columns: pin, x, y"
    )


@pytest.mark.parametrize(
    ("row", "count"),
    [("B,3", 2), ("B,3,4,5", 4), ("B", 1)],
)
def test_a_row_with_the_wrong_number_of_fields_is_e001_at_its_line(
    tmp_path: Path, language_errors, row: str, count: int
) -> None:
    table(tmp_path, f"pin,x,y\nA,1,2\n{row}\nC,1,1\n")
    error = pads_error(language_errors)
    assert where(error) == ("E001", "bumps.csv", 3, 1)
    assert error.message == f"this row has {count} field{'s' * (count != 1)}, the header has 3"


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("pin,x,y\nA,1,2\nB,3,abc\n", 3, 5, "`abc` in column `y` is not a number (y of a bump)"),
        ('pin,x,y\n"A,1",1,2\n"B,2",3,abc\n', 3, 9, "`abc` in column `y` is not a number (y of a bump)"),
        ("pin;x;y\nA;1;2\nB;3x;4\n", 3, 3, "`3x` in column `x` is not a number (x of a bump)"),
        ("pin,x,y\nA,,2\n", 2, 3, "`` in column `x` is not a number (x of a bump)"),
        ("pin,x,y\nA,1,2\nB,inf,4\n", 3, 3, "`inf` in column `x` is not a number (x of a bump)"),
        ("pin,x,y\nA,1,2\nB,nan,4\n", 3, 3, "`nan` in column `x` is not a number (x of a bump)"),
    ],
)
def test_a_value_that_is_not_a_number_is_e001_at_its_field(
    tmp_path: Path, language_errors, text: str, line: int, column: int, message: str
) -> None:
    table(tmp_path, text)
    error = pads_error(language_errors)
    assert where(error) == ("E001", "bumps.csv", line, column)
    assert error.message == message


def test_a_diameter_that_is_not_a_number_is_e001(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y,d\nA,1,2,3\nB,1,2,big\n")
    error = pads_error(language_errors, "name pin, x x, y y, diameter d")
    assert where(error) == ("E001", "bumps.csv", 3, 7)
    assert error.message == "`big` in column `d` is not a number (diameter of a bump)"


@pytest.mark.parametrize("missing", ["name", "x", "y"])
def test_name_x_and_y_must_be_mapped(tmp_path: Path, language_errors, missing: str) -> None:
    table(tmp_path, "pin,x,y\nA,1,2\n")
    mapping = ", ".join(m for m in ("name pin", "x x", "y y") if not m.startswith(missing))
    error = pads_error(language_errors, mapping)
    assert where(error) == ("E001", "d.assy", 3, 35)  # at the mapping's `(`
    assert error.message == f"the column mapping has no `{missing}`: name, x and y are required"


def test_an_unknown_role_is_e010(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y\nA,1,2\n")
    error = pads_error(language_errors, "name pin, x x, y y, pitch y")
    assert where(error) == ("E010", "d.assy", 3, 56)
    assert error.message == "unknown column role `pitch`; known: name, x, y, net, diameter, size"


def test_a_unit_that_is_not_a_length_is_e003(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y\nA,1,2\n")
    error = pads_error(language_errors, unit="degC")
    assert where(error) == ("E003", "d.assy", 3, 61)
    assert error.message == "`degC` is not a unit of length (um, mm, mil, …)"


def test_an_unknown_unit_is_e003(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y\nA,1,2\n")
    error = pads_error(language_errors, unit="furlong")
    assert where(error) == ("E003", "d.assy", 3, 61)


def test_a_missing_table_is_e006_at_its_path(tmp_path: Path, language_errors) -> None:
    error = pads_error(language_errors)
    assert where(error) == ("E006", "d.assy", 3, 15)
    assert error.message.startswith("`bumps.csv` not found (looked for ")


def test_a_table_outside_the_root_is_e006(tmp_path: Path, language_errors) -> None:
    (tmp_path / "root").mkdir()
    table(tmp_path, "pin,x,y\nA,1,2\n")
    [error] = language_errors(
        HEADER + PADS.format(mapping="name pin, x x, y y", unit="um").replace('"bumps.csv"', '"../bumps.csv"'),
        "root/d.assy",
    )
    assert where(error) == ("E006", "d.assy", 3, 15)
    assert "resolves outside the root folder" in error.message


def test_an_empty_table_and_bytes_that_are_not_utf8(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "")
    error = pads_error(language_errors)
    assert where(error) == ("E001", "bumps.csv", 1, 1)
    assert error.message == "the table is empty: a bump map starts with a header row"
    table(tmp_path, b"pin,x,y\nA,1,2\nB\xff,3,4\n")
    error = pads_error(language_errors)
    assert where(error) == ("E001", "bumps.csv", 3, 2)
    assert error.message == "byte 0xff is not UTF-8 text"


def test_an_unclosed_quote_is_e001(tmp_path: Path, language_errors) -> None:
    table(tmp_path, 'pin,x,y\nA,1,2\n"B,3,4\n')
    error = pads_error(language_errors)
    assert where(error) == ("E001", "bumps.csv", 3, 1)


def test_a_diameter_that_is_not_positive_is_e008(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y,d\nA,1,2,-3\n")
    error = pads_error(language_errors, "name pin, x x, y y, diameter d")
    assert where(error) == ("E008", "d.assy", 3, 15)
    assert message(error, tmp_path) == "a pad of `c` in bumps.csv has a diameter that is not positive"


def test_a_table_reaching_too_far_is_e008(tmp_path: Path, language_errors) -> None:
    table(tmp_path, "pin,x,y\nA,1e300,2\n")
    error = pads_error(language_errors)
    assert where(error) == ("E008", "d.assy", 3, 3)
    assert error.message.startswith("pads `c` would reach 1e+300 µm from the origin")


def test_the_table_error_is_shown_with_its_line_by_the_command(tmp_path: Path, capsys, monkeypatch) -> None:
    from assemblint import cli

    monkeypatch.chdir(tmp_path)
    table(tmp_path, "pin,x,y\nA,1,2\nB,3,abc\n", "cli_bumps.csv")
    (tmp_path / "t.assy").write_text(
        HEADER + PADS.format(mapping="name pin, x x, y y", unit="um").replace("bumps.csv", "cli_bumps.csv"),
        encoding="utf-8",
    )
    assert cli.main(["check", "t.assy"]) == 2
    out = capsys.readouterr().out
    assert "cli_bumps.csv:3:5: E001 `abc` in column `y` is not a number (y of a bump)\n" in out
    assert "    3 | B,3,abc\n      |     ^^^\n" in out
    assert "Traceback" not in out


# ------------------------------------------------------------------------ a table is an input of the run
def test_a_table_is_an_input_of_the_run(tmp_path: Path, capsys, monkeypatch) -> None:
    import hashlib

    from assemblint import cli

    monkeypatch.chdir(tmp_path)
    data = table(tmp_path, "pin,x,y\nA,1,2\n").read_bytes()
    (tmp_path / "t.assy").write_text(
        HEADER + 'element die : chip { body silicon; pads c from "bumps.csv" columns (name pin, x x, y y) unit um }\n',
        encoding="utf-8",
    )
    report = assemblint.check(tmp_path / "t.assy")
    assert hashlib.sha256(data).hexdigest() in {sha for _, sha in report.inputs}
    assert cli.main(["check", "t.assy", "--format", "json", "-o", "bumps.csv"]) == 2
    assert (tmp_path / "bumps.csv").read_bytes() == data


def test_a_columns_names_digest_is_that_of_the_names_joined_by_line_ends() -> None:
    # the digest the node rules compare between tiles (plugins/assemblint_insulation/_tiles.py),
    # made by pyarrow a block at a time: the same as for a list of `str`, past a block's end, from
    # a slice of a column and for one name or none
    import hashlib

    import pyarrow as pa

    from assemblint.importing.tables import Strings

    names = [f"N{i}é" for i in range(70_001)]

    def digest(listed: list[str]) -> str:
        return hashlib.sha256("\n".join(listed).encode("utf-8")).hexdigest()

    assert Strings(pa.array(names)).digest() == digest(names)
    assert Strings(pa.array(names).slice(3, 65_537)).digest() == digest(names[3:65_540])
    assert Strings(pa.array(["VDD"])).digest() == digest(["VDD"])
    assert Strings(pa.array([], pa.string())).digest() == digest([])
