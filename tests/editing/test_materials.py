"""`assemblint materials [NAME]`: every library material with the model's values and the library's
source comments (editing/materials.py, editing/material_sources.py), and docs/materials.md."""

from __future__ import annotations

import json
import re
import sys
from importlib import resources
from pathlib import Path

import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.base.units import DENSITY, EXPANSION, MODULUS, RESISTIVITY, TEMPERATURE, parse_quantity_text, to_base
from assemblint.editing import materials as mat
from assemblint.editing.material_sources import comment_at, read_legend
from assemblint.plugins.host import PluginHost

STD = Path(str(resources.files("assemblint").joinpath("std", "std.assy")))
DOC = Path(__file__).resolve().parents[2] / "docs" / "materials.md"
STD_NAMES = re.findall(r"^material\s+(\w+)", STD.read_text(encoding="utf-8"), flags=re.MULTILINE)
SCALARS = {
    "solidus": TEMPERATURE,
    "liquidus": TEMPERATURE,
    "melts": TEMPERATURE,
    "max_temp": TEMPERATURE,
    "tg": TEMPERATURE,
    "cte": EXPANSION,
    "cte_above_tg": EXPANSION,
    "modulus": MODULUS,
    "resistivity": RESISTIVITY,
    "density": DENSITY,
}

ACME = """\
# Acme house materials.
#
# Legend
#   ACME1  Acme lab report 1 (2025),
#          measured on three lots
#   ACME2  Acme datasheet
#
# Conventions: none.

use std

# Acme's own solder.
material acme_solder {
    kind fusible
    composition Sn 96.5 %, Ag 3.5 %         # [ACME1]
    solidus 221 C                           # [ACME1] DSC onset;
                                            # second line of the source
      # not aligned: not part of the source
    liquidus 430 F                          # ACME2, in fahrenheit
    cte 20 ppm/K
}
material acme_gel { kind compliant; dielectric; modulus 0.5 MPa }   # ACME2 gel sheet
material acme_sac : SAC305 { liquidus 222 C }   # [ACME1] re-measured
material silicon { kind semiconductor; cte 2.5 ppm/K }   # ACME2: a second silicon
material acme_tagged {
    kind polymer
    exemption "RoHS #7(a)"                  # ACME2 says so
}
"""


def library_plugin(name: str, path: Path):
    class Library:
        @assemblint.hookimpl
        def assemblint_libraries(self):
            return {name: str(path)}

    return Library()


@pytest.fixture
def acme_host(tmp_path: Path) -> PluginHost:
    path = tmp_path / "vendor" / "acme.assy"
    path.parent.mkdir()
    path.write_text(ACME, encoding="utf-8")
    return PluginHost.create(disable=OTHER_PLUGINS, extra=[("acme", library_plugin("acme", path))])


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no assemblint.toml of the checkout is read
    return tmp_path


def value(entry: mat.MaterialEntry, prop: str) -> mat.MaterialValue:
    (found,) = [v for v in entry.values if v.property == prop]
    return found


def std_entry(name: str) -> mat.MaterialEntry:
    return mat.catalog()[name]


# ---------------------------------------------------------------------------------------- the API
def test_every_std_material_is_listed_once_in_file_order() -> None:
    assert len(STD_NAMES) == len(set(STD_NAMES)) > 80  # counted from the file itself, not through the parser
    (std,) = [lib for lib in mat.load_catalog().libraries if lib.name == "std"]
    assert [e.name for e in std.entries] == STD_NAMES
    assert [e.line for e in std.entries] == sorted(e.line for e in std.entries)
    assert all(mat.catalog()[name].library == "std" for name in STD_NAMES)


def test_sac305_values_and_sources_by_hand() -> None:
    sac = std_entry("SAC305")
    assert (sac.name, sac.library, sac.kind, Path(sac.path).name) == ("SAC305", "std", "fusible", "std.assy")
    assert STD.read_text(encoding="utf-8").splitlines()[sac.line - 1] == "material SAC305 {"
    solidus = value(sac, "solidus")
    assert (solidus.written, solidus.source, solidus.value, solidus.unit) == (
        "217 C",
        "[R12]; CAPLINQ sac305; [R14]",
        217.0,
        "°C",
    )
    assert solidus.cites == ("R12", "CAPLINQ", "R14")
    density = value(sac, "density")
    assert (density.written, density.value, density.unit) == ("7.38 g/cm3", 7.38, "g/cm³")
    assert density.source == "the lowest: [R12] alasir 7.38; CAPLINQ sac305 7.4; [R9] Multicore 97SC 7.5"
    composition = value(sac, "composition")
    assert composition.written == "Sn 96.5 %, Ag 3 %, Cu 0.5 %"
    assert composition.value == {"Sn": 96.5, "Ag": 3.0, "Cu": 0.5}
    assert [v.property for v in sac.values] == [
        "kind",
        "composition",
        "solidus",
        "liquidus",
        "cte",
        "resistivity",
        "fatigue_ductility",
        "density",
    ]
    assert sac.note == "SAC305 (Sn96.5Ag3.0Cu0.5). Sources: [R12] alasir; CAPLINQ `sac305`; [R14] AIM TDS."


def test_sources_continued_on_aligned_comment_lines_are_joined() -> None:
    liquidus = value(std_entry("SAC305"), "liquidus")
    assert liquidus.source == "conservative: CAPLINQ sac305 219-221 C; [R12] alasir 220 C; [R14] AIM 218 C"
    modulus = value(std_entry("silicon"), "modulus")  # three lines
    assert modulus.written == "130 GPa"
    assert modulus.value == 130000.0 and modulus.unit == "MPa"
    assert modulus.source == (
        "[R26] Callister; anisotropic: 129 <100>, 168 <110>, 187 <111> GPa; Hopcroft et al. (JMEMS 19:229, 2010) "
        "recommend orientation-specific values"
    )
    service = value(std_entry("polyimide"), "service")
    assert (service.written, service.value, service.unit) == ("-269 C .. 400 C", [-269.0, 400.0], "°C")
    assert service.source == '[R46] "used -269..400 C"'


def test_a_value_without_a_source_comment_says_so() -> None:
    kind = value(std_entry("SAC305"), "kind")
    assert (kind.written, kind.source, kind.value, kind.unit) == ("fusible", "", "fusible", None)
    flag = value(std_entry("fr4"), "dielectric")
    assert (flag.written, flag.value, flag.source) == ("", True, "insulator: materials.md section B, dielectric yes")


def test_every_std_value_but_kind_names_a_source() -> None:
    missing = [(e.name, v.property) for e in mat.catalog().values() for v in e.values if not v.source]
    assert {prop for _, prop in missing} == {"kind"}, missing


def test_values_are_the_models_and_read_back_from_what_is_written() -> None:
    """The listing's numbers are what a design that says `use std` gets, and each is its written text
    read again with the language's unit table."""
    model = assemblint.load("d.assy", text="use std\n").materials
    for name in STD_NAMES:
        entry, m = std_entry(name), model[name]
        assert entry.kind == m.kind
        for v in entry.values:
            if v.property in SCALARS:
                expected = m.solidus if v.property == "melts" else getattr(m, v.property)
                assert v.value == expected == parse_quantity_text(v.written, SCALARS[v.property]), (name, v)
            elif v.property == "composition":
                assert v.value == m.composition
            elif v.property == "service":
                assert m.service is not None and v.value == list(m.service)
            elif v.property == "fatigue_ductility":
                assert v.value == m.fatigue_ductility == float(v.written)
        assert entry.material is not None
        fields = mat.model_fields(entry.material)
        assert (fields.get("solidus"), fields.get("liquidus"), fields.get("cte")) == (m.solidus, m.liquidus, m.cte)


def test_legend_tags_are_read_with_continuation_lines() -> None:
    legend = mat.load_catalog().libraries[0].legend
    assert legend["R12"] == (
        "alasir.com solder alloy table, http://www.alasir.com/reference/solder_alloys/ (resistivity given in uohm.m)"
    )
    # an address broken over two lines is joined whole
    assert "https://sqeurope.nl/capabilities/terminology-and-detailed-material-specifications/" in legend["R41"]
    assert {"IND", "CAPLINQ", "Callister", "R1", "R53", "SWJ2014", "REFDATA"} <= set(legend)
    assert read_legend(["# no legend here", "material x {}"]) == {}


def test_comment_detection_skips_strings() -> None:
    assert comment_at('    exemption "RoHS #7(a)"   # ACME2') == (29, "ACME2")
    assert comment_at('    exemption "a \\" # b"') is None
    assert comment_at("    cte 2 ppm/K") is None


def test_catalog_is_cached_until_a_library_changes(acme_host: PluginHost, tmp_path: Path) -> None:
    first = mat.catalog(acme_host)
    assert mat.catalog(acme_host) is first
    library = tmp_path / "vendor" / "acme.assy"
    library.write_text(ACME.replace("cte 20 ppm/K", "cte 21 ppm/K  # ACME2 newer"), encoding="utf-8")
    cte = value(mat.catalog(acme_host)["acme_solder"], "cte")
    assert (cte.written, cte.value, cte.source) == ("21 ppm/K", 21.0, "ACME2 newer")


# ---------------------------------------------------------------------------------------- a plugin's library
def test_a_plugin_library_is_listed_with_its_own_legend(acme_host: PluginHost) -> None:
    found = mat.load_catalog(acme_host)
    assert [lib.name for lib in found.libraries] == ["std", "acme"]
    acme = found.libraries[1]
    assert [e.name for e in acme.entries] == ["acme_solder", "acme_gel", "acme_sac", "silicon", "acme_tagged"]
    assert acme.legend == {"ACME1": "Acme lab report 1 (2025), measured on three lots", "ACME2": "Acme datasheet"}
    solder = found.entries["acme_solder"]
    assert solder.note == "Acme's own solder."
    solidus = value(solder, "solidus")
    assert solidus.source == "[ACME1] DSC onset; second line of the source"  # the unaligned comment is not part
    assert solidus.cites == ("ACME1",)
    liquidus = value(solder, "liquidus")
    assert (liquidus.written, liquidus.value) == ("430 F", to_base(430.0, "F")[0])
    assert value(solder, "cte").source == ""
    # properties sharing a line share its comment
    gel = found.entries["acme_gel"]
    assert [(v.property, v.written, v.source) for v in gel.values] == [
        ("kind", "compliant", "ACME2 gel sheet"),
        ("dielectric", "", "ACME2 gel sheet"),
        ("modulus", "0.5 MPa", "ACME2 gel sheet"),
    ]
    tagged = found.entries["acme_tagged"]
    assert (value(tagged, "exemption").written, value(tagged, "exemption").source) == ('"RoHS #7(a)"', "ACME2 says so")
    assert value(tagged, "exemption").value == "RoHS #7(a)"


def test_inherited_values_carry_their_base_materials_source(acme_host: PluginHost) -> None:
    child = mat.catalog(acme_host)["acme_sac"]
    own = value(child, "liquidus")
    assert (own.written, own.value, own.source, own.inherited_from) == ("222 C", 222.0, "[ACME1] re-measured", "")
    solidus = value(child, "solidus")
    assert (solidus.value, solidus.source, solidus.inherited_from) == (217.0, "[R12]; CAPLINQ sac305; [R14]", "SAC305")
    assert [v.property for v in child.values][:2] == ["liquidus", "kind"]
    assert child.kind == "fusible"


def test_a_name_two_libraries_declare_is_qualified(acme_host: PluginHost) -> None:
    entries = mat.catalog(acme_host)
    assert "silicon" not in entries
    assert entries["std.silicon"].library == "std" and entries["acme.silicon"].library == "acme"
    assert value(entries["acme.silicon"], "cte").value == 2.5
    assert mat.lookup("silicon", acme_host) is None  # ambiguous without the design's `use`s
    assert mat.lookup("silicon", acme_host, used=("std", "acme")) is entries["acme.silicon"]
    assert mat.lookup("std.silicon", acme_host) is entries["std.silicon"]
    assert mat.lookup("std.SAC305", acme_host) is entries["SAC305"]


def test_the_command_shows_a_plugin_librarys_materials(acme_host: PluginHost, capsys) -> None:
    assert mat.run_materials(None, "text", acme_host, sys.stdout) == 0
    out = capsys.readouterr().out
    assert f"std: {len(STD_NAMES)} materials (std.assy)" in out
    assert "acme: 5 materials (acme.assy)" in out
    assert re.search(r"^acme_solder +fusible +221 .. 221.111 °C +20 ppm/K", out, re.MULTILINE)
    assert mat.run_materials("acme.*", "json", acme_host, sys.stdout) == 0
    document = json.loads(capsys.readouterr().out)
    assert [lib["name"] for lib in document["libraries"]] == ["acme"]
    assert document["libraries"][0]["count"] == 5
    assert mat.run_materials("silicon", "text", acme_host, sys.stdout) == 0
    out = capsys.readouterr().out
    assert "silicon (semiconductor), library std" in out and "silicon (semiconductor), library acme" in out
    assert mat.run_materials("acme_solder", "text", acme_host, sys.stdout) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  cte +20 ppm/K +no source given$", out, re.MULTILINE)
    assert re.search(r"^  solidus +221 C +\[ACME1\] DSC onset; second line of the source$", out, re.MULTILINE)
    assert re.search(r"^    ACME1 +Acme lab report 1 \(2025\), measured on three lots$", out, re.MULTILINE)


def test_a_library_that_cannot_be_loaded_is_reported_and_the_rest_listed(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.assy"
    broken.write_text("material oops { kind fusible; solidus 3 mm }\n", encoding="utf-8")
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("broken", library_plugin("broken", broken))])
    assert mat.run_materials(None, "text", host, sys.stdout) == 3
    captured = capsys.readouterr()
    assert f"std: {len(STD_NAMES)} materials" in captured.out
    assert "library `broken`" in captured.err and "E003" in captured.err


# ---------------------------------------------------------------------------------------- the command
def test_text_table_lists_every_std_material(in_tmp: Path, capsys) -> None:
    assert cli.main(["materials"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"std: {len(STD_NAMES)} materials (std.assy)"
    assert lines[1].split() == ["name", "kind", "melting", "cte", "modulus", "density", "service", "/", "max"]
    rows = [line.split()[0] for line in lines[2 : 2 + len(STD_NAMES)]]
    assert rows == STD_NAMES
    (sac,) = [line for line in lines if line.startswith("SAC305 ")]
    assert sac.split() == ["SAC305", "fusible", "217", "..", "221", "°C", "21", "ppm/K", "-", "7.38", "g/cm3", "-"]
    (gel,) = [line for line in lines if line.startswith("silicone_gel ")]
    assert gel.split() == ["silicone_gel", "compliant", "-", "270", "ppm/K", "-", "-", "-45", "C", "..", "200", "C"]
    (glass,) = [line for line in lines if line.startswith("borosilicate_glass ")]
    assert glass.endswith("max 450 C")


def test_one_material_shows_values_sources_and_the_legend(in_tmp: Path, capsys) -> None:
    assert cli.main(["materials", "SAC305"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  solidus +217 C +\[R12\]; CAPLINQ sac305; \[R14\]$", out, re.MULTILINE)
    assert re.search(r"^  density +7\.38 g/cm3 +the lowest: \[R12\] alasir 7\.38;", out, re.MULTILINE)
    assert re.search(r"^  kind +fusible +no source given$", out, re.MULTILINE)
    legend = out.split("sources cited (legend of std.assy):")[1]
    assert re.search(r"^    R12 +alasir\.com solder alloy table", legend, re.MULTILINE)
    assert re.search(r"^    SWJ2014 +'Thermal Cycling Life Prediction", legend, re.MULTILINE)
    assert "R13" not in legend


def test_derived_model_values_are_shown(in_tmp: Path, capsys) -> None:
    assert cli.main(["materials", "SnBiPbInCd55"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^  melts +55 C +WO97 table, composition 1$", out, re.MULTILINE)
    document = _json(["materials", "SnBiPbInCd55", "--format", "json"], capsys)
    assert document["libraries"][0]["materials"][0]["model"]["liquidus"] == 55.0


def _json(argv: list[str], capsys) -> dict:
    assert cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_json_schema(in_tmp: Path, capsys) -> None:
    document = _json(["materials", "--format", "json"], capsys)
    assert set(document) == {"schema", "libraries"} and document["schema"] == "assemblint-materials/1"
    (std,) = document["libraries"]
    assert set(std) == {"name", "path", "count", "materials", "legend"}
    assert (std["name"], Path(std["path"]).resolve()) == ("std", STD.resolve())
    assert std["count"] == len(std["materials"]) == len(STD_NAMES)
    assert [m["name"] for m in std["materials"]] == STD_NAMES
    for m in std["materials"]:
        assert set(m) == {"name", "qualified", "library", "kind", "path", "line", "note", "values", "model", "cites"}
        assert set(m["cites"]) <= set(std["legend"])
        for v in m["values"]:
            keys = {"property", "written", "value", "unit", "source", "cites", "line", "inherited_from"}
            assert set(v) == keys
    (sac,) = [m for m in std["materials"] if m["name"] == "SAC305"]
    (solidus,) = [v for v in sac["values"] if v["property"] == "solidus"]
    assert solidus == {
        "property": "solidus",
        "written": "217 C",
        "value": 217.0,
        "unit": "°C",
        "source": "[R12]; CAPLINQ sac305; [R14]",
        "cites": ["R12", "CAPLINQ", "R14"],
        "line": sac["line"] + 3,
        "inherited_from": None,
    }
    assert sac["model"]["density"] == 7.38 and sac["model"]["fatigue_ductility"] == 0.325
    one = _json(["materials", "SAC305", "--format", "json"], capsys)
    assert one["libraries"][0]["materials"] == [sac]
    assert one["libraries"][0]["count"] == len(STD_NAMES)
    assert set(one["libraries"][0]["legend"]) == set(sac["cites"])


def test_json_is_byte_identical_across_runs(in_tmp: Path, capsys) -> None:
    cli.main(["materials", "--format", "json"])
    first = capsys.readouterr().out
    cli.main(["materials", "--format", "json"])
    assert capsys.readouterr().out == first


def test_unknown_name_exits_2_with_did_you_mean(in_tmp: Path, capsys) -> None:
    assert cli.main(["materials", "SAC3O5"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "assemblint: unknown material `SAC3O5` (did you mean `SAC305`?)\n"
    assert cli.main(["materials", "stdd.*"]) == 2
    assert "unknown library `stdd` (did you mean `std`?)" in capsys.readouterr().err
    assert cli.main(["materials", "nothing_like_it", "--format", "json"]) == 2


def test_library_star_and_qualified_names(in_tmp: Path, capsys) -> None:
    assert cli.main(["materials", "std.*"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"std: {len(STD_NAMES)} materials (std.assy)"
    assert cli.main(["materials", "std.gallium"]) == 0
    assert capsys.readouterr().out.startswith("gallium (fusible), library std: std.assy:")


def test_hover_markdown() -> None:
    text = mat.hover_markdown(std_entry("SAC305"))
    lines = text.splitlines()
    assert lines[0] == "**SAC305** — material from `std`, fusible"
    assert "| property | value | source |" in lines
    assert "| solidus | 217 C | [R12]; CAPLINQ sac305; [R14] |" in lines
    assert "| kind | fusible | *no source given* |" in lines
    assert "| dielectric | (flag) | insulator: materials.md section B, dielectric yes |" in mat.hover_markdown(
        std_entry("fr4")
    )


# ---------------------------------------------------------------------------------------- the doc
ROOT = DOC.parents[1]


def _doc_examples() -> list[tuple[str, str]]:
    """docs/materials.md's examples, written as tests/app/test_docs_examples.py runs them (`...` for
    lines left out, the project's folder as /path/to/assemblint); run here in process as well."""
    blocks = re.findall(r"```console\n\$ (.*?)\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)
    assert [command for command, _ in blocks] == [
        "assemblint materials",
        "assemblint materials SAC305",
        "assemblint materials SnBiPbInCd50 --format json",
    ]
    return blocks


@pytest.mark.parametrize("command, expected", _doc_examples(), ids=lambda x: x if x.startswith("assemblint") else "")
def test_doc_examples_are_the_real_output(command: str, expected: str, in_tmp: Path, capsys) -> None:
    assert cli.main(command.split()[1:]) == 0
    out = capsys.readouterr().out.replace(str(ROOT), "/path/to/assemblint")
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected.splitlines())
    assert re.fullmatch(pattern, out), out


def test_a_failing_plugin_is_said_once_and_exits_3(capsys) -> None:
    class Failing:
        @assemblint.hookimpl
        def assemblint_libraries(self):
            raise RuntimeError("no libraries today")

    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("failing", Failing())])
    mat.catalog(host)
    assert mat.run_materials("SAC305", "text", host, sys.stdout) == 3
    captured = capsys.readouterr()
    assert captured.out.startswith("SAC305 (fusible), library std")
    assert captured.err.count("internal error in plugin `failing`: hook assemblint_libraries raised RuntimeError") == 1


def test_hover_marks_inherited_values(acme_host: PluginHost) -> None:
    text = mat.hover_markdown(mat.catalog(acme_host)["acme_sac"])
    assert "| liquidus | 222 C | [ACME1] re-measured |" in text
    assert "| solidus | 217 C | [R12]; CAPLINQ sac305; [R14] (from `SAC305`) |" in text
