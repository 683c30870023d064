from __future__ import annotations

import os
from pathlib import Path

import pytest

import assemblint
import assemblint.build.loader


def put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def load_errors(path: Path, **kwargs) -> list[assemblint.Diagnostic]:
    with pytest.raises(assemblint.LanguageError) as info:
        assemblint.load(path, **kwargs)
    return info.value.diagnostics


def same_file(shown: str, path: Path) -> bool:
    return Path(shown).resolve() == path.resolve()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "root"


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    # every design file the loader reads from disk
    seen: list[Path] = []
    original = assemblint.build.loader.read_text

    def spy(path: Path, *args, **kwargs) -> str:
        seen.append(Path(path).resolve())
        return original(path, *args, **kwargs)

    monkeypatch.setattr(assemblint.build.loader, "read_text", spy)
    return seen


def test_import_is_relative_to_the_importing_file(root):
    put(root / "lib" / "mats.assy", 'import "more/extra.assy"\nmaterial A { kind metal; cte 17 ppm/K }\n')
    put(root / "lib" / "more" / "extra.assy", "material B { kind polymer }\n")
    main = put(root / "main.assy", 'import "lib/mats.assy"\nelement e : chip { body A }\nelement f : chip { body B }\n')
    design = assemblint.load(main)
    assert design.element("e").body is design.materials["A"]
    assert design.element("e").cte == 17.0
    assert design.materials["B"].kind == "polymer"
    assert design.materials["A"].library is None


def test_import_from_a_subfolder_back_up_inside_the_root(root):
    put(root / "a" / "one.assy", 'import "../b/two.assy"\n')
    put(root / "b" / "two.assy", "material T { kind metal }\n")
    design = assemblint.load(put(root / "main.assy", 'import "a/one.assy"\n'))
    assert "T" in design.materials


def test_imported_files_are_recorded(root):
    put(root / "lib.assy", "material A { kind metal }\n")
    main = put(root / "main.assy", 'import "lib.assy"\n')
    design = assemblint.load(main)
    files = [Path(p).resolve() for p, _ in design.files]
    assert files == [main.resolve(), (root / "lib.assy").resolve()]


def test_imported_declarations_may_be_used_before_the_import(root):
    put(root / "lib.assy", "material A { kind metal }\n")
    design = assemblint.load(put(root / "main.assy", 'element e : chip { body A }\nimport "lib.assy"\n'))
    assert design.elements[0].body.name == "A"


def test_repeated_import_is_a_no_op(root, reads):
    put(root / "lib.assy", "material A { kind metal }\nelement shared : chip {}\n")
    main = put(root / "main.assy", 'import "lib.assy"\nimport "lib.assy"\nimport "./lib.assy"\n')
    design = assemblint.load(main)
    assert [e.name for e in design.elements] == ["shared"]
    assert reads.count((root / "lib.assy").resolve()) == 1


def test_diamond_import_is_no_e004(root, reads):
    put(root / "a.assy", 'import "b.assy"\nimport "c.assy"\nelement e : chip { body D }\n')
    put(root / "b.assy", 'import "d.assy"\nmaterial B { kind metal }\n')
    put(root / "c.assy", 'import "d.assy"\nmaterial C { kind metal }\n')
    put(root / "d.assy", "material D { kind metal }\nlet w = 1 mm\n")
    design = assemblint.load(root / "a.assy")
    assert {"B", "C", "D"} <= set(design.materials)
    assert design.elements[0].body is design.materials["D"]
    assert reads.count((root / "d.assy").resolve()) == 1


def test_import_cycle_is_e006_naming_the_chain(root):
    put(root / "a.assy", 'material A { kind metal }\nimport "b.assy"\n')
    put(root / "b.assy", 'material B { kind metal }\n\nimport "a.assy"\n')
    (error,) = load_errors(root / "a.assy")
    assert error.code == "E006"
    assert same_file(error.location.path, root / "b.assy")
    assert (error.location.line, error.location.column) == (3, 8)
    assert "cycle" in error.message
    chain = error.message[error.message.index("cycle") :]
    assert chain.index("a.assy") < chain.index("b.assy") < chain.rindex("a.assy")


def test_import_of_itself_is_a_cycle(root):
    (error,) = load_errors(put(root / "a.assy", 'import "a.assy"\n'))
    assert (error.code, error.location.line) == ("E006", 1)
    assert "cycle" in error.message


def test_longer_import_cycle(root):
    put(root / "a.assy", 'import "b.assy"\n')
    put(root / "b.assy", 'import "c.assy"\n')
    put(root / "c.assy", 'import "b.assy"\n')
    (error,) = load_errors(root / "a.assy")
    assert error.code == "E006"
    assert same_file(error.location.path, root / "c.assy")
    assert "b.assy" in error.message and "c.assy" in error.message


def test_import_outside_the_root_is_refused_and_never_read(root, tmp_path, reads):
    outside = put(tmp_path / "outside.assy", "material O { kind metal }\nthis is not valid at all {\n")
    main = put(root / "main.assy", 'material X { kind metal }\nimport "../outside.assy"\n')
    (error,) = load_errors(main)
    assert error.code == "E006"
    assert same_file(error.location.path, main)
    assert (error.location.line, error.location.column) == (2, 8)
    assert "outside the root" in error.message
    assert outside.resolve() not in reads


def test_import_of_system_file_is_refused(root, reads):
    main = put(root / "main.assy", 'import "../../../../../../../../etc/passwd"\n')
    (error,) = load_errors(main)
    assert error.code == "E006"
    assert "outside the root" in error.message
    assert Path("/etc/passwd").resolve() not in reads


def test_absolute_import_outside_the_root_is_refused(root, tmp_path):
    outside = put(tmp_path / "abs.assy", "material O { kind metal }\n")
    (error,) = load_errors(put(root / "main.assy", f'import "{outside.as_posix()}"\n'))
    assert error.code == "E006"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_inside_the_root_pointing_outside_is_refused(root, tmp_path, reads):
    outside = put(tmp_path / "elsewhere" / "secret.assy", "material S { kind metal }\n")
    root.mkdir(parents=True, exist_ok=True)
    (root / "link.assy").symlink_to(outside)
    main = put(root / "main.assy", 'import "link.assy"\n')
    (error,) = load_errors(main)
    assert (error.code, error.location.line) == ("E006", 1)
    assert "outside the root" in error.message
    assert outside.resolve() not in reads


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlinked_folder_pointing_outside_is_refused(root, tmp_path):
    put(tmp_path / "elsewhere" / "lib.assy", "material S { kind metal }\n")
    root.mkdir(parents=True, exist_ok=True)
    (root / "libs").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (error,) = load_errors(put(root / "main.assy", 'import "libs/lib.assy"\n'))
    assert error.code == "E006"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_inside_the_root_pointing_inside_is_fine(root):
    real = put(root / "real" / "lib.assy", "material S { kind metal }\n")
    (root / "alias.assy").symlink_to(real)
    design = assemblint.load(put(root / "main.assy", 'import "alias.assy"\n'))
    assert "S" in design.materials


def test_missing_import_is_e006(root):
    main = put(root / "main.assy", '\nimport "lib/nope.assy"\n')
    (error,) = load_errors(main)
    assert error.code == "E006"
    assert (error.location.line, error.location.column) == (2, 8)
    assert "nope.assy" in error.message
    assert "not found" in error.message


def test_every_import_error_is_reported(root):
    main = put(root / "main.assy", 'import "a.assy"\nimport "b.assy"\nimport "../c.assy"\n')
    errors = load_errors(main)
    assert [(e.code, e.location.line) for e in errors] == [("E006", 1), ("E006", 2), ("E006", 3)]


def test_missing_design_file_is_e006(tmp_path):
    (error,) = load_errors(tmp_path / "absent.assy")
    assert error.code == "E006"
    assert (error.location.line, error.location.column) == (1, 1)


def test_root_parameter_widens_the_root(root, tmp_path):
    put(tmp_path / "outside.assy", "material O { kind metal }\n")
    main = put(root / "main.assy", 'import "../outside.assy"\nelement e : chip { body O }\n')
    design = assemblint.load(main, root=tmp_path)
    assert design.elements[0].body is design.materials["O"]


def test_root_parameter_may_also_narrow_the_root(root):
    put(root / "lib.assy", "material A { kind metal }\n")
    main = put(root / "sub" / "main.assy", 'import "../lib.assy"\n')
    (error,) = load_errors(main, root=root / "sub")
    assert error.code == "E006"
    assert "outside the root" in error.message


def test_imported_file_errors_carry_the_imported_path(root):
    lib = put(root / "lib" / "bad.assy", "material Q {\n  solidus 3 mm\n}\n")
    main = put(root / "main.assy", 'import "lib/bad.assy"\nelement e : chip { body nothing }\n')
    errors = load_errors(main)
    by_code = {e.code: e for e in errors}
    assert set(by_code) == {"E003", "E002"}
    assert same_file(by_code["E003"].location.path, lib)
    assert (by_code["E003"].location.line, by_code["E003"].location.column) == (2, 11)
    assert same_file(by_code["E002"].location.path, main)


def test_imported_file_syntax_error_carries_the_imported_path(root):
    lib = put(root / "lib.assy", "material Q {\n  kind metal )\n}\n")
    main = put(root / "main.assy", 'import "lib.assy"\nmaterial R { kind metal }\n')
    (error,) = load_errors(main)
    assert error.code == "E001"
    assert same_file(error.location.path, lib)
    assert (error.location.line, error.location.column) == (2, 14)


def test_declared_twice_across_files_is_e004_at_the_second(root):
    lib = put(root / "lib.assy", "material Z { kind metal }\n")
    main = put(root / "main.assy", 'material Z { kind metal }\nimport "lib.assy"\n')
    (error,) = load_errors(main)
    assert error.code == "E004"
    assert same_file(error.location.path, lib)
    (note,) = error.notes
    assert same_file(note.location.path, main)
    assert note.location.line == 1


def test_use_std_inside_an_imported_file(root):
    put(root / "lib.assy", "use std\nmaterial mine : SAC305 { cte 20 ppm/K }\n")
    design = assemblint.load(put(root / "main.assy", 'import "lib.assy"\n'))
    assert design.materials["mine"].solidus == 217.0
    assert design.materials["SAC305"].library == "std"
