from __future__ import annotations

import numpy as np
import pytest

# ---------------------------------------------------------------- lexical rules


def test_comments_are_ignored(load_text):
    design = load_text(
        "# a whole-line comment\nmaterial X {   # after a brace\n  kind metal # after a property\n  # alone\n}\n"
    )
    assert design.materials["X"].kind == "metal"


def test_semicolon_and_newline_both_end_a_property(load_text):
    design = load_text("material X { kind metal; cte 17 ppm/K }\nmaterial Y {\n  kind metal\n  cte 16 ppm/K\n}\n")
    assert (design.materials["X"].kind, design.materials["X"].cte) == ("metal", 17.0)
    assert (design.materials["Y"].kind, design.materials["Y"].cte) == ("metal", 16.0)


def test_semicolons_separate_statements_on_one_line(load_text):
    design = load_text("let w = 1 mm; material X { kind metal }; material Y { kind polymer }\n")
    assert design.materials["X"].kind == "metal"
    assert design.materials["Y"].kind == "polymer"


def test_brace_on_the_next_line_and_closing_brace_on_the_same_line(load_text):
    design = load_text(
        "material X\n{\n  kind metal\n  cte 17 ppm/K }\n"
        "element e : chip\n{\n  size 1 mm x 2 mm }\n"
        "process\n{\n  step s\n  {\n    kind reflow\n    peak 250 C }\n}\n"
    )
    assert design.materials["X"].cte == 17.0
    assert design.elements[0].size == (1000.0, 2000.0)
    assert design.process.steps[0].temp == 250.0


def test_blank_lines_indentation_tabs_and_crlf_are_free(load_text):
    design = load_text("\n\n\t  material X {\r\n\t\tkind metal\r\n\r\n}\r\n\n   material Y{kind metal}\n")
    assert set(design.materials) == {"X", "Y"}


def test_empty_block(load_text):
    design = load_text("material X {}\nelement e : chip {}\n")
    assert design.materials["X"].kind is None
    assert design.elements[0].name == "e"


def test_line_continues_after_a_comma(load_text):
    design = load_text("material X {\n  composition Sn 96.5 %,\n     Ag 3 %,\n     Cu 0.5 %\n  kind fusible\n}\n")
    assert design.materials["X"].composition == pytest.approx({"Sn": 96.5, "Ag": 3.0, "Cu": 0.5})
    assert design.materials["X"].kind == "fusible"


def test_line_continues_after_range_dots(load_text):
    design = load_text("material X {\n  service -40 C ..\n     125 C\n  cte 3 ppm/K\n}\n")
    assert design.materials["X"].service == (-40.0, 125.0)
    assert design.materials["X"].cte == 3.0


def test_line_continues_inside_parentheses(load_text):
    design = load_text("element e : chip {\n  position (\n    1 mm,\n    2 mm\n  )\n  size 1 mm x 1 mm\n}\n")
    assert design.elements[0].position == (1000.0, 2000.0)
    assert design.elements[0].size == (1000.0, 1000.0)


def test_line_continues_in_a_let_inside_parentheses(load_text):
    design = load_text("let w = (1 mm +\n   2 mm)\nelement e : chip { size w x w }\n")
    assert design.elements[0].size == (3000.0, 3000.0)


def test_line_continues_in_net_members_and_irregular_pads(load_text):
    design = load_text(
        "element a : chip {\n  pads c at (0 um, 0 um),\n     (10 um, 0 um),\n     (20 um, 0 um)\n}\n"
        "net N {\n  a.c[0],\n  a.c[2]\n}\n"
    )
    assert design.elements[0].pads["c"].count == 3
    assert list(design.net_groups[0].pins[0]) == [0, 2]


def test_string_escapes_in_title(load_text):
    design = load_text('assembly "A \\"quoted\\" title with \\\\ backslash"\n')
    assert design.title == 'A "quoted" title with \\ backslash'


def test_title_is_optional(load_text):
    assert load_text("material X { kind metal }\n").title is None


# ---------------------------------------------------------------- names


def test_materials_may_be_called_like_keywords_and_units(load_text):
    design = load_text(
        "material cte { kind metal; cte 3 ppm/K }\n"
        "material C { kind metal; cte 17 ppm/K }\n"
        "material mm { kind metal }\n"
        "element a : chip { body cte }\n"
        "element b : chip { body C }\n"
        "element d : chip { body mm }\n"
    )
    assert design.element("a").body is design.materials["cte"]
    assert design.element("a").cte == 3.0
    assert design.element("b").body is design.materials["C"]
    assert design.element("b").cte == 17.0
    assert design.element("d").body is design.materials["mm"]


def test_names_are_case_sensitive(load_text):
    design = load_text("material x { kind metal }\nmaterial X { kind polymer }\n")
    assert design.materials["x"].kind == "metal"
    assert design.materials["X"].kind == "polymer"


def test_keyword_names_for_objects(load_text):
    design = load_text("element step : chip { pads grid grid 1 x 2 pitch 1 mm }\n")
    assert design.element("step").pads["grid"].count == 2


# ---------------------------------------------------------------- material


def test_material_properties(load_text):
    design = load_text(
        "material Field {\n"
        "    kind fusible\n"
        "    composition In 51 %, Bi 32.5 %, Sn 16.5 %\n"
        "    solidus 60 C\n"
        "    liquidus 61 C\n"
        "    cte 22 ppm/K\n"
        "    resistivity 52.2 uohm.cm\n"
        "    modulus 10 GPa\n"
        '    exemption "RoHS 7(a)"\n'
        "}\n"
    )
    m = design.materials["Field"]
    assert m.kind == "fusible"
    assert m.composition == pytest.approx({"In": 51.0, "Bi": 32.5, "Sn": 16.5})
    assert (m.solidus, m.liquidus) == (60.0, 61.0)
    assert m.cte == 22.0
    assert m.resistivity == pytest.approx(52.2)
    assert m.modulus == 10000.0
    assert m.exemption == "RoHS 7(a)"
    assert m.fusible
    assert m.library is None
    assert m.parent is None


def test_compliant_material_with_dielectric_flag_and_service(load_text):
    design = load_text(
        "material gel577 {\n  kind compliant\n  dielectric\n  modulus 0.3 MPa\n"
        "  service -65 C .. 150 C\n  cte 300 ppm/K\n  max_temp 200 C\n}\n"
    )
    m = design.materials["gel577"]
    assert m.kind == "compliant"
    assert m.dielectric is True
    assert m.modulus == pytest.approx(0.3)
    assert m.service == (-65.0, 150.0)
    assert m.cte == 300.0
    assert m.max_temp == 200.0
    assert not m.fusible


def test_kind_dielectric_implies_dielectric_flag(load_text):
    design = load_text("material A { kind dielectric }\nmaterial B { kind metal }\n")
    assert design.materials["A"].dielectric is True
    assert design.materials["B"].dielectric is False


def test_material_inheritance_overrides_and_inherits(load_text):
    design = load_text(
        "material gel577 { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 150 C; cte 300 ppm/K }\n"
        "material house_gel : gel577 { service -40 C .. 125 C }\n"
    )
    child, parent = design.materials["house_gel"], design.materials["gel577"]
    assert child.parent is parent
    assert child.service == (-40.0, 125.0)
    assert parent.service == (-65.0, 150.0)
    assert (child.kind, child.dielectric, child.modulus, child.cte) == ("compliant", True, pytest.approx(0.3), 300.0)


def test_material_inheritance_declared_before_its_parent(load_text):
    design = load_text("material B : A { cte 5 ppm/K }\nmaterial A { kind metal; cte 3 ppm/K }\n")
    assert design.materials["B"].kind == "metal"
    assert design.materials["B"].cte == 5.0


def test_melts_sets_solidus_and_liquidus(load_text):
    m = load_text("material X { kind fusible; melts 50 C }\n").materials["X"]
    assert (m.solidus, m.liquidus) == (50.0, 50.0)


def test_fusible_with_only_solidus_takes_it_as_liquidus(load_text):
    m = load_text("material X { kind fusible; solidus 60 C }\n").materials["X"]
    assert (m.solidus, m.liquidus) == (60.0, 60.0)


def test_fusible_with_only_liquidus_takes_it_as_solidus(load_text):
    m = load_text("material X { kind fusible; liquidus 70 C }\n").materials["X"]
    assert (m.solidus, m.liquidus) == (70.0, 70.0)


def test_every_material_kind(load_text):
    kinds = ["fusible", "metal", "dielectric", "compliant", "semiconductor", "ceramic", "polymer", "composite"]
    design = load_text("".join(f"material M{i} {{ kind {k} }}\n" for i, k in enumerate(kinds)))
    assert [design.materials[f"M{i}"].kind for i in range(len(kinds))] == kinds


# ---------------------------------------------------------------- std library


def test_use_std_gives_standard_materials(load_text):
    design = load_text("use std\nelement e : chip { body silicon }\n")
    sac = design.materials["SAC305"]
    assert sac.solidus == 217.0
    assert sac.liquidus == 221.0
    assert sac.library == "std"
    assert design.elements[0].body is design.materials["silicon"]


def test_without_use_std_there_are_no_std_materials(load_text):
    design = load_text("material X { kind metal }\n")
    assert "SAC305" not in design.materials


def test_design_material_shadows_std_silently(load_text):
    design = load_text("use std\nmaterial SAC305 { kind fusible; melts 100 C }\n")
    sac = design.materials["SAC305"]
    assert (sac.solidus, sac.liquidus) == (100.0, 100.0)
    assert sac.library is None


def test_design_material_shadows_std_even_when_declared_before_use(load_text):
    design = load_text("material SAC305 { kind fusible; melts 100 C }\nuse std\n")
    assert design.materials["SAC305"].solidus == 100.0


def test_use_std_twice_is_harmless(load_text):
    design = load_text("use std\nuse std\n")
    assert design.materials["SAC305"].solidus == 217.0


def test_design_material_may_inherit_from_std(load_text):
    design = load_text("use std\nmaterial my_sac : SAC305 { cte 22 ppm/K }\n")
    m = design.materials["my_sac"]
    assert m.parent is design.materials["SAC305"]
    assert (m.solidus, m.cte) == (217.0, 22.0)


# ---------------------------------------------------------------- element


def test_element_properties(load_text):
    design = load_text(
        "use std\n"
        "element chip28 : chip {\n"
        "    body silicon\n"
        "    cte 2.6 ppm/K\n"
        "    size 10 mm x 10 mm x 0.7 mm\n"
        "    position (1 mm, -2 mm)\n"
        "    operating 40 C .. 85 C\n"
        "    max_temp 260 C\n"
        "}\n"
    )
    e = design.element("chip28")
    assert e.type == "chip"
    assert e.body is design.materials["silicon"]
    assert e.cte == 2.6
    assert e.size == (10000.0, 10000.0, 700.0)
    assert e.position == (1000.0, -2000.0)
    assert e.operating == (40.0, 85.0)
    assert e.max_temp == 260.0


def test_element_cte_defaults_to_its_body(load_text):
    design = load_text("material B { kind metal; cte 17 ppm/K }\nelement e : chip { body B }\n")
    assert design.elements[0].cte == 17.0
    assert design.elements[0].cte_override is None


def test_element_size_with_two_dimensions_and_default_position(load_text):
    e = load_text("element e : substrate { size 20 mm x 30 mm }\n").elements[0]
    assert e.size == (20000.0, 30000.0)
    assert e.position == (0.0, 0.0)


def test_every_element_type(load_text):
    types = [
        "chip",
        "wafer",
        "package",
        "circuit_board",
        "dielectric_sheet",
        "circuit_panel",
        "connection_component",
        "interposer",
        "substrate",
        "plate",
        "heat_sink",
        "lead_frame",
    ]
    design = load_text("".join(f"element e{i} : {t} {{}}\n" for i, t in enumerate(types)))
    assert [e.type for e in design.elements] == types
    assert [e.index for e in design.elements] == list(range(len(types)))


# ---------------------------------------------------------------- pads


def test_single_pad(load_text):
    design = load_text(
        "material nickel { kind metal }\n"
        "element e : chip { pad sense at (4.5 mm, 4.5 mm) diameter 150 um barrier nickel 1 um }\n"
    )
    pad = design.elements[0].pads["sense"]
    assert pad.count == 1
    assert not pad.indexed
    assert (pad.x[0], pad.y[0]) == (4500.0, 4500.0)
    assert pad.diameter == 150.0
    assert pad.barrier is design.materials["nickel"]
    assert pad.barrier_thickness == 1.0
    assert pad.face == "front"
    assert pad.item_name(0) == "e.sense"


def test_barrier_without_thickness(load_text):
    design = load_text(
        "material nickel { kind metal }\nelement e : chip { pad s at (0 mm, 0 mm) barrier nickel face back }\n"
    )
    pad = design.elements[0].pads["s"]
    assert pad.barrier is design.materials["nickel"]
    assert pad.barrier_thickness is None
    assert pad.face == "back"


def test_pad_grid_default_origin_is_centred(load_text):
    pads = load_text("element e : chip { pads c grid 2 x 3 pitch 500 um diameter 100 um }\n").elements[0].pads["c"]
    assert pads.count == 6
    assert pads.indexed
    # row-major: x grows along a row, y from one row to the next, centred on the element origin
    assert list(pads.x) == [-500.0, 0.0, 500.0, -500.0, 0.0, 500.0]
    assert list(pads.y) == [-250.0, -250.0, -250.0, 250.0, 250.0, 250.0]
    assert pads.diameter == 100.0
    assert pads.face == "front"
    assert pads.item_name(4) == "e.c[4]"


def test_pad_grid_10_by_10_corners(load_text):
    pads = load_text("element e : chip { pads c grid 10 x 10 pitch 500 um }\n").elements[0].pads["c"]
    assert (pads.x[0], pads.y[0]) == (-2250.0, -2250.0)
    assert (pads.x[9], pads.y[9]) == (2250.0, -2250.0)
    assert (pads.x[10], pads.y[10]) == (-2250.0, -1750.0)
    assert (pads.x[99], pads.y[99]) == (2250.0, 2250.0)
    assert pads.diameter is None


def test_pad_grid_explicit_origin_and_two_pitches(load_text):
    pads = (
        load_text("element e : chip { pads d grid 2 x 3 pitch 500 um x 300 um origin (-2.25 mm, -2.25 mm) }\n")
        .elements[0]
        .pads["d"]
    )
    assert list(pads.x) == [-2250.0, -1750.0, -1250.0, -2250.0, -1750.0, -1250.0]
    assert list(pads.y) == [-2250.0, -2250.0, -2250.0, -1950.0, -1950.0, -1950.0]


def test_pad_positions_are_relative_to_element_position(load_text):
    design = load_text(
        "element e : chip {\n  pads c grid 1 x 2 pitch 100 um origin (0 um, 0 um)\n  position (1 mm, 2 mm)\n"
        "  pad s at (10 um, 20 um)\n}\n"
    )
    c, s = design.elements[0].pads["c"], design.elements[0].pads["s"]
    assert list(c.x) == [1000.0, 1100.0]
    assert list(c.y) == [2000.0, 2000.0]
    assert (s.x[0], s.y[0]) == (1010.0, 2020.0)


def test_pad_grid_face_back(load_text):
    pads = (
        load_text("element e : chip { pads t grid 2 x 2 pitch 500 um x 500 um diameter 200 um face back }\n")
        .elements[0]
        .pads["t"]
    )
    assert pads.face == "back"
    assert pads.diameter == 200.0


def test_irregular_pads(load_text):
    pads = (
        load_text("element e : chip { pads irr at (0 um, 0 um), (10 um, 20 um), (-30 um, 40 um) diameter 5 um }\n")
        .elements[0]
        .pads["irr"]
    )
    assert pads.indexed
    assert list(pads.x) == [0.0, 10.0, -30.0]
    assert list(pads.y) == [0.0, 20.0, 40.0]
    assert pads.diameter == 5.0


def test_pad_ids_are_global_and_in_declaration_order(load_text):
    design = load_text(
        "element a : chip { pads c grid 2 x 2 pitch 1 mm; pad s at (0 mm, 0 mm) }\n"
        "element b : chip { pads p grid 1 x 3 pitch 1 mm }\n"
    )
    assert [(p.qualified_name, p.start, p.count) for p in design.pad_arrays] == [
        ("a.c", 0, 4),
        ("a.s", 4, 1),
        ("b.p", 5, 3),
    ]
    assert design.pad_count == 8
    assert [p.name for p in design.pads][3:6] == ["a.c[3]", "a.s", "b.p[0]"]
    assert design.pads[5].position == (-1000.0, 0.0)


def test_connect_zips_pads_inside_an_element(load_text):
    design = load_text(
        "element s : dielectric_sheet {\n  pads p grid 1 x 3 pitch 1 mm\n  pads t grid 1 x 3 pitch 1 mm face back\n"
        "  connect p[*] -- t[*]\n  connect p[0] -- t[2]\n}\n"
    )
    (a1, b1, _), (a2, b2, _) = design.connects
    assert list(a1) == [0, 1, 2]
    assert list(b1) == [3, 4, 5]
    assert (list(a2), list(b2)) == ([0], [5])


# ---------------------------------------------------------------- masses

TWO_ELEMENTS = (
    "use std\n"
    "element die : chip {\n  pads c grid 4 x 5 pitch 100 um diameter 80 um\n  pad s at (0 um, 0 um) diameter 50 um\n}\n"
    "element sub : substrate {\n  pads p grid 4 x 5 pitch 100 um diameter 60 um\n  pad s at (0 um, 0 um)\n"
    "  pads q grid 1 x 3 pitch 100 um\n}\n"
)
# global pad ids: die.c 0-19, die.s 20, sub.p 21-40, sub.s 41, sub.q 42-44


def test_masses_zip_two_arrays(load_text):
    design = load_text(
        TWO_ELEMENTS + "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 100 um }\n"
    )
    (g,) = design.mass_groups
    assert g.indexed
    assert g.material is design.materials["SAC305"]
    assert list(g.pads_a) == list(range(20))
    assert list(g.pads_b) == list(range(21, 41))
    assert list(g.diameter) == [90.0] * 20
    assert g.height == 100.0
    assert g.layer is None
    assert g.count == 20
    assert g.melting_temp == 217.0
    assert design.masses[3].name == "m[3]"


def test_masses_with_slices(load_text):
    design = load_text(TWO_ELEMENTS + "masses m : SAC305 { joins die.c[10:20] -- sub.p[0:10] }\n")
    g = design.mass_groups[0]
    assert list(g.pads_a) == list(range(10, 20))
    assert list(g.pads_b) == list(range(21, 31))


def test_slice_with_open_ends(load_text):
    design = load_text(TWO_ELEMENTS + "masses m : SAC305 { joins die.c[:3] -- sub.p[17:] }\n")
    g = design.mass_groups[0]
    assert list(g.pads_a) == [0, 1, 2]
    assert list(g.pads_b) == [38, 39, 40]


def test_single_mass_on_single_pads_and_indexed_pads(load_text):
    design = load_text(
        TWO_ELEMENTS + "mass a : SAC305 { joins die.s -- sub.s }\nmass b : SAC305 { joins die.c[3] -- sub.p[19] }\n"
    )
    a, b = design.mass_groups
    assert not a.indexed
    assert (list(a.pads_a), list(a.pads_b)) == ([20], [41])
    assert (list(b.pads_a), list(b.pads_b)) == ([3], [40])
    assert design.masses[0].name == "a"


def test_references_with_spaces(load_text):
    design = load_text(TWO_ELEMENTS + "masses m : SAC305 { joins die . c [ 1 : 3 ] -- sub . p[5:7] }\n")
    g = design.mass_groups[0]
    assert list(g.pads_a) == [1, 2]
    assert list(g.pads_b) == [26, 27]


@pytest.mark.parametrize("ref", ["die.c [1]", "die.c[ 1 ]", "die.c[1 ]", "die.c[ 1:3 ]"])
def test_whitespace_inside_a_compact_reference(load_text, ref):
    design = load_text(TWO_ELEMENTS + f"masses m : SAC305 {{ joins {ref} }}\n")
    assert design.mass_groups[0].pads_a[0] == 1


def test_mass_diameter_defaults_to_smaller_pad_diameter(load_text):
    design = load_text(
        TWO_ELEMENTS
        + "masses m : SAC305 { joins die.c[*] -- sub.p[*] }\nmass n : SAC305 { joins die.s -- sub.s }\n"
        + "masses u : SAC305 { joins sub.q[*] -- die.c[0:3] }\n"
    )
    m, n, u = design.mass_groups
    assert list(m.diameter) == [60.0] * 20  # min(80, 60)
    assert list(n.diameter) == [50.0]  # the other pad has no diameter
    assert list(u.diameter) == [80.0] * 3
    assert m.height is None


def test_mass_without_any_diameter_is_nan(load_text):
    design = load_text(TWO_ELEMENTS + "masses m : SAC305 { joins sub.q[*] -- sub.q[*] }\n")
    assert np.isnan(design.mass_groups[0].diameter).all()


def test_one_sided_joins_is_a_deposited_bump(load_text):
    design = load_text(TWO_ELEMENTS + "masses bump : SAC305 { joins die.c[0:3] }\n")
    g = design.mass_groups[0]
    assert g.pads_b is None
    assert list(g.pads_a) == [0, 1, 2]
    assert list(g.diameter) == [80.0] * 3
    assert list(design.netlist.mass_pad_b) == [-1, -1, -1]


def test_mass_in_layer(load_text):
    design = load_text(
        TWO_ELEMENTS
        + "layer gel : silicone_gel { role compliant; between die, sub }\n"
        + "masses m : SAC305 { joins die.c[*] -- sub.p[*]; in gel }\n"
    )
    assert design.mass_groups[0].layer is design.layers[0]


def test_mass_ids_are_global(load_text):
    design = load_text(
        TWO_ELEMENTS
        + "masses m : SAC305 { joins die.c[0:4] -- sub.p[0:4] }\nmasses n : SAC305 { joins die.c[4:6] -- sub.p[4:6] }\n"
    )
    assert [g.start for g in design.mass_groups] == [0, 4]
    assert design.mass_count == 6
    assert design.masses[5].name == "n[1]"
    assert design.masses[5].global_id == 5


def test_two_region_masses(load_text):
    design = load_text(
        TWO_ELEMENTS + "masses b {\n  joins die.c[0:3] -- sub.q[*]\n  region core  : Pb95Sn5   on die\n"
        "  region joint : Sn63Pb37  on sub\n  diameter 100 um\n  height 75 um\n}\n"
    )
    g = design.mass_groups[0]
    assert g.material is None
    assert [(r.name, r.material.name, r.on.name) for r in g.regions] == [
        ("core", "Pb95Sn5", "die"),
        ("joint", "Sn63Pb37", "sub"),
    ]
    assert [m.name for m in g.materials] == ["Pb95Sn5", "Sn63Pb37"]
    assert g.joint_material is design.materials["Sn63Pb37"]
    assert g.melting_temp == design.materials["Sn63Pb37"].solidus  # the lowest solidus
    assert (list(g.pads_a), list(g.pads_b)) == ([0, 1, 2], [42, 43, 44])
    assert list(g.diameter) == [100.0] * 3
    assert g.height == 75.0


def test_netlist_arrays_follow_joins_connects_and_leads(load_text):
    design = load_text(
        "use std\n"
        "element die : chip { pads c grid 1 x 3 pitch 100 um diameter 80 um }\n"
        "element sheet : dielectric_sheet {\n  pads p grid 1 x 3 pitch 100 um\n"
        "  pads t grid 1 x 3 pitch 100 um face back\n"
        "  connect p[0:2] -- t[0:2]\n}\n"
        "element board : circuit_board { pads q grid 1 x 3 pitch 100 um }\n"
        "masses m : SAC305 { joins die.c[*] -- sheet.p[*] }\n"
        "masses b : SAC305 { joins board.q[0:2] }\n"
        "leads l : copper { from sheet.t[0:2] to b[*]; shape s }\n"
    )
    net = design.netlist
    # pads: die.c 0-2, sheet.p 3-5, sheet.t 6-8, board.q 9-11
    assert list(net.pad_x) == [-100.0, 0.0, 100.0] * 4
    assert list(net.pad_face) == [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0]
    assert list(net.pad_element) == [0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    assert list(net.mass_pad_a) == [0, 1, 2, 9, 10]
    assert list(net.mass_pad_b) == [3, 4, 5, -1, -1]
    assert list(net.lead_mass) == [3, 4]
    pad_node = net.pad_node
    # die.c[0] - m[0] - sheet.p[0] - connect - sheet.t[0] - lead - b[0] - board.q[0]
    assert pad_node[0] == pad_node[3] == pad_node[6] == pad_node[9]
    assert pad_node[1] == pad_node[10]
    assert pad_node[0] != pad_node[1]
    # die.c[2] reaches sheet.p[2] but not sheet.t[2] (no connect), nor board.q[2]
    assert pad_node[2] == pad_node[5]
    assert len({pad_node[2], pad_node[8], pad_node[11]}) == 3


# ---------------------------------------------------------------- layers


def test_layer_properties_and_default_surrounds(load_text):
    design = load_text(
        TWO_ELEMENTS
        + "layer gel54 : silicone_gel {\n  role compliant\n  between die, sub\n  thickness 100 um\n}\n"
        + "masses m : SAC305 { joins die.c[*] -- sub.p[*] }\n"
        + "mass s : SAC305 { joins die.s -- sub.s }\n"
        + "masses bump : SAC305 { joins die.c[0:2] }\n"
        + "masses self : SAC305 { joins sub.q[*] -- sub.q[*] }\n"
    )
    layer = design.layers[0]
    assert layer.material is design.materials["silicone_gel"]
    assert layer.role == "compliant"
    assert layer.between == (design.element("die"), design.element("sub"))
    assert layer.thickness == 100.0
    assert layer.surrounds_explicit is None
    # default: every mass joining the two elements (not the bump, not a mass within `sub` only)
    assert [s.target.name for s in layer.surrounds] == ["m", "s"]


def test_layer_explicit_surrounds(load_text):
    design = load_text(
        TWO_ELEMENTS
        + "layer uf : silicone_gel { role underfill; between die, sub; surrounds m, n }\n"
        + "masses m : SAC305 { joins die.c[0:4] -- sub.p[0:4] }\n"
        + "masses n : SAC305 { joins die.c[4:6] -- sub.p[4:6] }\n"
        + "masses o : SAC305 { joins die.c[6:8] -- sub.p[6:8] }\n"
    )
    layer = design.layers[0]
    assert [s.target.name for s in layer.surrounds_explicit] == ["m", "n"]
    assert [s.target.name for s in layer.surrounds] == ["m", "n"]


def test_every_layer_role(load_text):
    roles = ["compliant", "underfill", "encapsulant", "mold", "dielectric", "adhesive"]
    design = load_text(
        "material g { kind compliant }\n" + "".join(f"layer l{i} : g {{ role {r} }}\n" for i, r in enumerate(roles))
    )
    assert [layer.role for layer in design.layers] == roles


# ---------------------------------------------------------------- leads


def test_leads_from_pads_to_masses(load_text):
    design = load_text(
        TWO_ELEMENTS
        + "masses m : SAC305 { joins die.c[0:3] -- sub.q[*] }\n"
        + "leads l : copper { from sub.p[0:3] to m[*]; shape s }\n"
        + "lead r : copper { from sub.p[5] to m[1]; shape rigid }\n"
    )
    leads, r = design.lead_groups
    assert leads.material is design.materials["copper"]
    assert leads.shape == "s"
    assert leads.flexible
    assert leads.indexed
    assert list(leads.from_pads) == [21, 22, 23]
    assert list(leads.to_masses) == [0, 1, 2]
    assert list(leads.to_pads) == [-1, -1, -1]
    assert (r.shape, r.flexible, list(r.to_masses)) == ("rigid", False, [1])


@pytest.mark.parametrize(("shape", "flexible"), [("s", True), ("beam", True), ("flexible", True), ("wire", True)])
def test_flexible_lead_shapes(load_text, shape, flexible):
    design = load_text(
        TWO_ELEMENTS
        + "masses m : SAC305 { joins die.c[0:3] -- sub.q[*] }\n"
        + f"leads l : copper {{ from sub.p[0:3] to m[*]; shape {shape} }}\n"
    )
    assert design.lead_groups[0].flexible is flexible


# ---------------------------------------------------------------- nets


def test_net_and_nets(load_text):
    design = load_text(TWO_ELEMENTS + "net VDD { die.c[0], die.c[11], sub.p[0] }\nnets io { die.c[1:4], sub.p[1:4] }\n")
    vdd, io = design.net_groups
    assert not vdd.indexed
    assert [list(p) for p in vdd.pins] == [[0, 11, 21]]
    assert io.indexed
    assert io.count == 3
    assert [list(p) for p in io.pins] == [[1, 22], [2, 23], [3, 24]]
    assert io.item_name(2) == "io[2]"


def test_nets_zip_three_members(load_text):
    design = load_text(TWO_ELEMENTS + "nets n { die.c[0:3], sub.p[0:3], sub.q[*] }\n")
    assert [list(p) for p in design.net_groups[0].pins] == [[0, 21, 42], [1, 22, 43], [2, 23, 44]]


# ---------------------------------------------------------------- process

PROCESS_DESIGN = (
    TWO_ELEMENTS
    + "masses m : SAC305 { joins die.c[*] -- sub.p[*] }\n"
    + "masses b : SAC305 { joins die.c[0:3] -- sub.q[*] }\n"
    + "layer gel54 : silicone_gel { role compliant; between die, sub }\n"
    + "process {\n"
    + "    step bump   { kind deposit;  temp 25 C;          forms m }\n"
    + "    step join   { kind reflow;   peak 70 C }\n"
    + "    step fill   { kind inject;   temp 25 C;          forms gel54 }\n"
    + "    step cure   { kind cure;     peak 60 C;          requires solid m }\n"
    + "    step test   { kind test;     temp 25 C .. 85 C;  requires liquid m[0:2], b }\n"
    + "    step mount  { kind reflow;   peak 245 C;         forms sub, b }\n"
    + "    step mix    { kind reflow;   peak 330 C;         mixes b }\n"
    + "    operate 40 C .. 85 C\n"
    + "    store  -40 C .. 60 C\n"
    + "    cycle  -40 C .. 125 C count 1000\n"
    + "}\n"
)


def test_process_steps_in_order_with_temperatures(load_text):
    process = load_text(PROCESS_DESIGN).process
    assert process.declared
    assert [(s.name, s.kind, s.order) for s in process.steps] == [
        ("bump", "deposit", 0),
        ("join", "reflow", 1),
        ("fill", "inject", 2),
        ("cure", "cure", 3),
        ("test", "test", 4),
        ("mount", "reflow", 5),
        ("mix", "reflow", 6),
    ]
    assert [s.temp for s in process.steps] == [25.0, 70.0, 25.0, 60.0, 85.0, 245.0, 330.0]
    test = process.steps[4]
    assert test.temp_range == (25.0, 85.0)  # temp T .. T: the step's temperature is the top
    assert process.steps[1].temp_range == (70.0, 70.0)


def test_process_forms_mixes_requires(load_text):
    design = load_text(PROCESS_DESIGN)
    steps = {s.name: s for s in design.process.steps}
    m, b = design.mass_groups
    assert [(s.target, s.index) for s in steps["bump"].forms] == [(m, None)]
    assert steps["fill"].forms == [design.layers[0]]
    assert [s.target for s in steps["cure"].requires_solid] == [m]
    liquid = steps["test"].requires_liquid
    assert [s.target for s in liquid] == [m, b]
    assert list(liquid[0].index) == [0, 1]
    assert liquid[1].index is None
    mount = steps["mount"].forms
    assert mount[0] is design.element("sub")
    assert mount[1].target is b
    assert [s.target for s in steps["mix"].mixes] == [b]
    assert steps["join"].forms == [] and steps["join"].mixes == []


def test_process_operate_store_cycle(load_text):
    process = load_text(PROCESS_DESIGN).process
    assert process.operate == (40.0, 85.0)
    assert process.store == (-40.0, 60.0)
    assert process.cycle == (-40.0, 125.0)
    assert process.cycle_count == 1000


def test_cycle_without_count(load_text):
    process = load_text("process { cycle -55 C .. 125 C }\n").process
    assert process.cycle == (-55.0, 125.0)
    assert process.cycle_count is None


def test_no_process(load_text):
    process = load_text("material X { kind metal }\n").process
    assert not process.declared
    assert process.steps == []
    assert process.operate is None


def test_every_step_kind(load_text):
    kinds = [
        "deposit",
        "reflow",
        "bond",
        "inject",
        "cure",
        "test",
        "rework",
        "anneal",
        "dice",
        "store",
        "ship",
        "generic",
    ]
    body = "".join(f"  step s{i} {{ kind {k}; temp 25 C }}\n" for i, k in enumerate(kinds))
    design = load_text("process {\n" + body + "}\n")
    assert [s.kind for s in design.process.steps] == kinds


# ---------------------------------------------------------------- cells and placements

CELL_DESIGN = (
    "use std\n"
    "cell Unit {\n"
    "    element chip : chip { position (1 mm, 0 mm); pads c grid 1 x 2 pitch 100 um diameter 50 um }\n"
    "    element sheet : dielectric_sheet { pads p grid 1 x 2 pitch 100 um }\n"
    "    masses m : SAC305 { joins chip.c[*] -- sheet.p[*] }\n"
    "}\n"
    "place units : Unit grid 2 x 3 pitch 12 mm x 10 mm\n"
    "element board : circuit_board { pads q grid 1 x 2 pitch 100 um }\n"
    "masses tb : SAC305 { joins units[1].chip.c[*] -- board.q[*] }\n"
    "net N { units[4].chip.c[0], board.q[0] }\n"
    "process {\n"
    "    step s1 { kind deposit; temp 25 C; forms units[*].m }\n"
    "    step s2 { kind reflow; peak 250 C; forms units[2].m[0:1] }\n"
    "}\n"
)


def test_place_grid_names_instances(load_text):
    design = load_text(CELL_DESIGN, flat=True)
    names = [e.name for e in design.elements]
    assert "board" in names
    for i in range(6):
        assert f"units[{i}].chip" in names
        assert f"units[{i}].sheet" in names
    assert len(design.elements) == 13
    assert [g.name for g in design.mass_groups if g.name != "tb"] == [f"units[{i}].m" for i in range(6)]


def test_place_grid_offsets(load_text):
    design = load_text(CELL_DESIGN, flat=True)
    (placement,) = design.placements
    assert (placement.name, placement.cell, placement.count) == ("units", "Unit", 6)
    # centred like a pad grid, row-major
    assert placement.offsets.tolist() == [
        [-12000.0, -5000.0],
        [0.0, -5000.0],
        [12000.0, -5000.0],
        [-12000.0, 5000.0],
        [0.0, 5000.0],
        [12000.0, 5000.0],
    ]


def test_positions_inside_a_cell_are_offset_by_the_grid(load_text):
    design = load_text(CELL_DESIGN, flat=True)
    chip4 = design.element("units[4].chip")
    assert tuple(chip4.position) == (1000.0, 5000.0)
    assert list(chip4.pads["c"].x) == [950.0, 1050.0]
    assert list(chip4.pads["c"].y) == [5000.0, 5000.0]
    sheet0 = design.element("units[0].sheet")
    assert list(sheet0.pads["p"].x) == [-12050.0, -11950.0]
    assert list(sheet0.pads["p"].y) == [-5000.0, -5000.0]


def test_pads_inside_a_placed_cell_are_reachable(load_text):
    design = load_text(CELL_DESIGN, flat=True)
    tb = next(g for g in design.mass_groups if g.name == "tb")
    chip1 = design.element("units[1].chip").pads["c"]
    board = design.element("board").pads["q"]
    assert list(tb.pads_a) == [chip1.start, chip1.start + 1]
    assert list(tb.pads_b) == [board.start, board.start + 1]
    net = design.net_groups[0]
    assert list(net.pins[0]) == [design.element("units[4].chip").pads["c"].start, board.start]


def test_reference_to_a_single_pad_inside_a_placed_cell(load_text):
    design = load_text(CELL_DESIGN + "mass x : SAC305 { joins units[1].chip.c[0] -- board.q[1] }\n")
    x = next(g for g in design.mass_groups if g.name == "x")
    assert list(x.pads_a) == [design.element("units[1].chip").pads["c"].start]


def test_forms_every_mass_of_every_unit(load_text):
    design = load_text(CELL_DESIGN, flat=True)
    s1, s2 = design.process.steps
    assert [s.target.name for s in s1.forms] == [f"units[{i}].m" for i in range(6)]
    (sel,) = s2.forms
    assert sel.target.name == "units[2].m"
    assert list(sel.index) == [0]


def test_place_grid_with_origin_and_single_pitch(load_text):
    design = load_text(
        "cell U { element z : chip { pads c grid 1 x 1 pitch 1 mm } }\n"
        "place us : U grid 2 x 2 pitch 1 mm origin (0 mm, 0 mm)\n",
        flat=True,
    )
    assert design.placements[0].offsets.tolist() == [[0.0, 0.0], [1000.0, 0.0], [0.0, 1000.0], [1000.0, 1000.0]]
    assert [float(design.element(f"us[{i}].z").pads["c"].x[0]) for i in range(4)] == [0.0, 1000.0, 0.0, 1000.0]


def test_net_group_inside_cell_instances(load_text):
    design = load_text(
        "cell U {\n  element z : chip { pads c grid 1 x 2 pitch 1 mm }\n  net n { z.c[0], z.c[1] }\n}\n"
        "place us : U grid 1 x 2 pitch 5 mm\n",
        flat=True,
    )
    assert [n.name for n in design.net_groups] == ["us[0].n", "us[1].n"]
    assert [list(n.pins[0]) for n in design.net_groups] == [[0, 1], [2, 3]]


# ---------------------------------------------------------------- waivers


def test_waive_with_by_and_until(load_text):
    design = load_text(
        "use std\nelement die : chip { pads c grid 1 x 2 pitch 1 mm }\n"
        'waive MH004 on m[*], die because "masses are meant to remelt" by "packaging team" until 2027-06-30\n'
    )
    (w,) = design.waivers
    assert w.rule == "MH004"
    assert w.patterns == ["m[*]", "die"]
    assert w.reason == "masses are meant to remelt"
    assert w.by == "packaging team"
    assert w.until == "2027-06-30"
    assert w.loc.line == 3


def test_waive_without_by_and_until_and_stale_pattern(load_text):
    design = load_text('waive CT001 on units[*].n, nothing_here because "stale patterns are no error"\n')
    (w,) = design.waivers
    assert w.patterns == ["units[*].n", "nothing_here"]
    assert (w.by, w.until) == (None, None)


# ---------------------------------------------------------------- let


def test_let_arithmetic(load_text):
    design = load_text(
        "let pitch = 500 um\n"
        "let half = pitch / 2\n"
        "let expr = (pitch + 100 um) * 2 - 200 um\n"
        "let neg = -pitch + 1 mm\n"
        "let ratio = pitch / 250 um\n"
        "let three = 1 + 2\n"
        "element e : chip { size expr x half x neg }\n"
        "process { cycle -40 C .. 125 C count (ratio * three) }\n"
    )
    assert design.elements[0].size == (1000.0, 250.0, 500.0)
    assert design.process.cycle_count == 6


def test_let_precedence(load_text):
    design = load_text("let a = 1 mm + 2 mm * 3\nlet b = (1 mm + 2 mm) * 3\nelement e : chip { size a x b }\n")
    assert design.elements[0].size == (7000.0, 9000.0)


def test_let_pitch_pitch(load_text):
    pads = (
        load_text("let pitch = 500 um\nelement e : chip { pads c grid 1 x 3 pitch pitch origin (0 um, 0 um) }\n")
        .elements[0]
        .pads["c"]
    )
    assert list(pads.x) == [0.0, 500.0, 1000.0]


def test_let_order_does_not_matter(load_text):
    design = load_text("element e : chip { size w x w }\nlet w = h * 2\nlet h = 1 mm\n")
    assert design.elements[0].size == (2000.0, 2000.0)


def test_let_per_kelvin_is_a_unit(load_text):
    design = load_text("let c = 2.6e-6 /K\nmaterial X { cte c }\n")
    assert design.materials["X"].cte == pytest.approx(2.6)


def test_let_in_ranges_points_and_pad_options(load_text):
    design = load_text(
        "let lo = -40 C\nlet hi = 125 C\nlet d = 80 um\nlet x = 1 mm\n"
        "element e : chip {\n  operating lo .. hi\n  position (x, x * 2)\n  pads c grid 1 x 1 pitch x diameter d\n}\n"
    )
    e = design.elements[0]
    assert e.operating == (-40.0, 125.0)
    assert e.position == (1000.0, 2000.0)
    assert e.pads["c"].diameter == 80.0


def test_parenthesised_expression_as_property_value(load_text):
    design = load_text("let w = 1 mm\nelement e : chip { size (w + 1 mm) x (w / 2) }\n")
    assert design.elements[0].size == (2000.0, 500.0)


# ---------------------------------------------------------------- the whole shared example


def test_shared_example_liquid_interconnect_builds(load_text):
    from pathlib import Path

    text = Path("/work/shared/examples/liquid-interconnect.assy").read_text(encoding="utf-8")
    design = load_text(text)
    assert design.title == "Chip-scale package with liquid interconnects"
    assert design.materials["seed_alloy50"].solidus == 50.0
    assert design.element("chip28").pads["c"].count == 100
    assert [g.name for g in design.mass_groups] == ["m", "tb"]
    assert design.mass_count == 200
    assert design.mass_groups[0].layer is design.layers[0]
    assert [n.name for n in design.net_groups] == ["VDD", "GND", "io"]
    assert design.net_groups[2].count == 98
    assert [s.name for s in design.process.steps] == ["bump", "join", "fill", "cure", "mount"]
    assert len(design.netlist.node_labels) > 0
