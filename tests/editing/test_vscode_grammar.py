"""The editor package in editors/vscode/: its TextMate grammar (unit tests with `# ^^^ scope`
assertions, snapshots of every example design) and its client, run with the package's own npm
devDependencies; and the grammar kept in step with the parser's: every keyword of grammar.lark is
highlighted as a keyword.

The npm tests need node and `npm ci --prefix editors/vscode` (.ci/run does it). Without them they
are skipped, saying so, except under CI (the environment variable CI set), where a missing runner
is a failure rather than a silent pass.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "editors" / "vscode"
GRAMMAR = PACKAGE / "syntaxes" / "assy.tmLanguage.json"
LARK = ROOT / "src" / "assemblint" / "language" / "grammar.lark"
MODULES = PACKAGE / "node_modules"
BIN = MODULES / ".bin"


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _node() -> str:
    """The node executable, once editors/vscode/node_modules is installed; else skip (fail under CI)."""
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("node is not on PATH")
    if not (BIN / "vscode-tmgrammar-test").exists() or not (MODULES / "vscode-languageclient").is_dir():
        missing.append("editors/vscode/node_modules is not installed (run `npm ci --prefix editors/vscode`)")
    if missing:
        reason = "; ".join(missing)
        if _under_ci():
            pytest.fail(f"CI is set, so the editor package's tests must run: {reason}")
        pytest.skip(reason)
    assert node is not None
    return node


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=PACKAGE, capture_output=True, text=True, timeout=300, check=False)


def test_grammar_unit_tests_pass() -> None:
    """editors/vscode/tests/*.assy: every construct of the language with its expected scopes."""
    _node()
    cases = sorted(p.name for p in (PACKAGE / "tests").glob("*.assy"))
    assert {"statements.assy", "values.assy", "properties.assy", "comments-and-strings.assy"} <= set(cases)
    run = _run([str(BIN / "vscode-tmgrammar-test"), "--compact", "tests/*.assy"])
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    for case in cases:  # each file ran, and passed (the runner says so by name)
        assert re.search(rf"✓ tests/{re.escape(case)} run successfuly", output), output


def test_grammar_snapshots_of_every_example_match() -> None:
    """examples/**/*.assy and std.assy, tokenized, are the snapshots committed under tests/snap/."""
    node = _node()
    run = _run([node, "tests/snapshots.js"])
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    examples = sorted(ROOT.glob("examples/**/*.assy"))
    assert examples
    for path in [*examples, ROOT / "src" / "assemblint" / "std" / "std.assy"]:
        relative = path.relative_to(ROOT).as_posix()
        assert (PACKAGE / "tests" / "snap" / f"{relative}.snap").is_file(), relative
        assert f"✓ {relative} run successfully" in output, output


def test_the_client_starts_the_server_as_configured() -> None:
    """extension.js parses, and (with stand-ins for VS Code) starts `assemblint lsp` over stdio."""
    node = _node()
    check = _run([node, "--check", "extension.js"])
    assert check.returncode == 0, check.stderr
    run = _run([node, "--test", "tests/extension.test.js"])
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert re.search(r"^# fail 0$", output, re.M), output
    assert not re.search(r"^# pass 0$", output, re.M), output


def test_the_package_contributes_the_language_grammar_and_setting() -> None:
    package = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    contributes = package["contributes"]
    assert contributes["languages"][0]["id"] == "assy"
    assert contributes["languages"][0]["extensions"] == [".assy"]
    assert (PACKAGE / contributes["languages"][0]["configuration"]).is_file()
    (grammar,) = contributes["grammars"]
    assert grammar["language"] == "assy"
    assert grammar["scopeName"] == json.loads(GRAMMAR.read_text(encoding="utf-8"))["scopeName"] == "source.assy"
    assert (PACKAGE / grammar["path"]).resolve() == GRAMMAR
    setting = contributes["configuration"]["properties"]["assemblint.server.command"]
    assert setting["default"] == ["assemblint", "lsp"]
    assert (PACKAGE / package["main"]).is_file()
    # Pinned, so that `npm ci` on a fresh machine installs what the lock file says.
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), (name, version)
    lock = json.loads((PACKAGE / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]
    assert lock["packages"][""]["dependencies"] == package["dependencies"]


def test_language_configuration() -> None:
    config = json.loads((PACKAGE / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"] == {"lineComment": "#"}
    assert sorted(map(tuple, config["brackets"])) == [("(", ")"), ("[", "]"), ("{", "}")]
    increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
    decrease = re.compile(config["indentationRules"]["decreaseIndentPattern"])
    assert increase.search("element die : chip {") and increase.search("process {   # the life")
    assert not increase.search("element die : chip { body silicon }") and not increase.search("# a comment {")
    assert decrease.search("    }") and not decrease.search("    body silicon")


# --- the grammar's keywords and the parser's -------------------------------------------------------


def lark_keywords() -> set[str]:
    """The words the parser's grammar fixes: its quoted literals made of letters ("element", "on", …)."""
    text = "\n".join(line.split("//", 1)[0] for line in LARK.read_text(encoding="utf-8").splitlines())
    return set(re.findall(r'"([A-Za-z_][A-Za-z0-9_]*)"', text))


def _patterns(node: object) -> Iterator[dict]:
    if isinstance(node, dict):
        if any(k in node for k in ("match", "begin")):
            yield node
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def _scopes(pattern: dict) -> list[str]:
    scopes = [pattern.get("name", "")]
    for key in ("captures", "beginCaptures"):
        scopes += [c.get("name", "") for c in pattern.get(key, {}).values()]
    return scopes


def _literal_words(regex: str) -> set[str]:
    """The words a TextMate regex spells out literally: escapes (\\b, \\t, \\w) and character classes
    ([A-Za-z_]) dropped first, so only alternatives such as `(masses|mass)` are left."""
    regex = re.sub(r"\\.", " ", regex)
    regex = re.sub(r"\[[^\]]*\]", " ", regex)
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", regex))


def highlighted_keywords() -> set[str]:
    """Every word of a pattern that scopes something as a keyword (keyword.*, storage.*)."""
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    words: set[str] = set()
    for pattern in _patterns(grammar):
        if any(s.startswith(("keyword.", "storage.")) for s in _scopes(pattern)):
            words |= _literal_words(pattern.get("match", "") + " " + pattern.get("begin", ""))
    return words


def test_the_keywords_are_read_from_grammar_lark() -> None:
    keywords = lark_keywords()
    assert {"assembly", "element", "masses", "nets", "waive", "because", "until", "refine", "footprint"} <= keywords
    assert "UNITS" not in keywords and "n" not in keywords  # nothing from regexes or escapes


def test_every_keyword_of_grammar_lark_is_highlighted() -> None:
    """A keyword added to the parser's grammar must be added to the TextMate grammar too."""
    missing = sorted(lark_keywords() - highlighted_keywords())
    assert not missing, f"keywords of grammar.lark not highlighted by {GRAMMAR.relative_to(ROOT)}: {missing}"
